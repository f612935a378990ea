"""Pages of the supervision: reviews and their items to correct, registers due for
review, the monthly 梳理 and the access log. Thin: the selectors say who may, the services
write."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET

from ledger import submissions
from ledger.engine.base import site
from ledger.models import FindingStatus
from ledger.supervision import selectors as sel
from ledger.supervision.forms import (
    AccessLogFilter,
    CloseFindingForm,
    ConfirmForm,
    FindingForm,
    ReviewFilter,
    ReviewForm,
)
from ledger.supervision.services import (
    finding_add,
    finding_close,
    ledger_confirm,
    review_create,
)

# Lists count at most this many rows: the access log holds millions, and an exact count of
# them would cost more than the page; past the cap the pager says "40+" (pages).
COUNT_CAP = 2_000


class CappedPaginator(Paginator):
    """A paginator whose count stops at ``COUNT_CAP`` (``SELECT COUNT(*) FROM (… LIMIT n)``)."""

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


def _page(request, queryset, per_page: int | None = None):
    """One page of ``queryset`` from ``?page=`` (junk: the first, past the end: the last)."""
    paginator = CappedPaginator(queryset, per_page or settings.LEDGER_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _register_titles() -> dict[str, str]:
    return {r.code: f"{r.code_label} {r.title}".strip() for r in site.declarations()}


# --- reviews ----------------------------------------------------------------------------


@require_GET
def review_list(request):
    """台账审核: the reviews the user may read, newest first, filtered by register and
    period; and, for reviewers, a link to the registers due for review."""
    if not sel.can_read_reviews(request.user):
        raise PermissionDenied
    form = ReviewFilter(request.GET or None)
    reviews = sel.reviews_visible_to(request.user).select_related(
        "reviewer", "subject", "department"
    )
    if form.is_valid():
        if form.cleaned_data["register_code"]:
            reviews = reviews.filter(register_code=form.cleaned_data["register_code"])
        if form.cleaned_data["period"]:
            reviews = reviews.filter(period=form.cleaned_data["period"].strip())
    page = _page(request, reviews.order_by("-reviewed_on", "-pk"))
    return render(
        request,
        "supervision/review_list.html",
        {
            "form": form,
            "page": page,
            "titles": _register_titles(),
            "can_review": sel.can_review(request.user),
            "querystring": _without_page(request),
        },
    )


class ReviewCreateView(View):
    template_name = "supervision/review_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not sel.can_review(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        initial = {
            "register_code": request.GET.get("register", ""),
            "period": request.GET.get("period", "")[:20],
        }
        return render(
            request, self.template_name, {"form": ReviewForm(user=request.user, initial=initial)}
        )

    def post(self, request):
        if done := submissions.repeated(request):
            return done
        form = ReviewForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                with transaction.atomic():
                    review = review_create(actor=request.user, **form.cleaned_data)
                    submissions.remember(request, review.get_absolute_url())
            except submissions.Repeated as exc:
                return submissions.answer(request, exc.url)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Review saved; add the items to correct below."))
                return redirect(review.get_absolute_url())
        return render(request, self.template_name, {"form": form})


@require_GET
def review_detail(request, pk):
    review = sel.get_review_for(request.user, pk)
    findings = review.findings.select_related("owner", "closed_by").order_by("due_on", "pk")
    register = site.get(review.register_code)
    print_url = None
    if register is not None:
        query = []
        if review.period:
            query.append(("period" if register.period != "none" else "month", review.period))
        if review.subject_id:
            query.append(("owner", str(review.subject_id)))
        from django.utils.http import urlencode

        print_url = f"{register.get_absolute_url()}print.pdf?{urlencode(query)}"
    return render(
        request,
        "supervision/review_detail.html",
        {
            "review": review,
            "title": _register_titles().get(review.register_code, review.register_code),
            "findings": [(f, sel.can_close_finding(request.user, f)) for f in findings],
            "can_add": sel.can_add_finding(request.user, review),
            "print_url": print_url,
            "today": timezone.localdate(),
        },
    )


class FindingCreateView(View):
    template_name = "supervision/finding_form.html"

    def dispatch(self, request, *args, pk, **kwargs):
        self.review = sel.get_review_for(request.user, pk)
        if not sel.can_add_finding(request.user, self.review):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form):
        return render(
            request=self.request,
            template_name=self.template_name,
            context={"form": form, "review": self.review},
        )

    def get(self, request):
        return self.render_form(FindingForm(review=self.review, user=request.user))

    def post(self, request):
        if done := submissions.repeated(request):
            return done
        form = FindingForm(request.POST, review=self.review, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            register = site.get(self.review.register_code)
            record = data["record"] or ""
            record_url = ""
            if record and register is not None:
                from ledger.engine.base import RegisterContext

                context = RegisterContext(user=request.user, params=request.GET)
                record_url = register.row_url({"pk": int(record)}, context) or ""
            try:
                with transaction.atomic():
                    finding_add(
                        actor=request.user,
                        review=self.review,
                        description=data["description"],
                        due_on=data["due_on"],
                        owner=data["owner"],
                        record_pk=record,
                        record_label=form.record_label(),
                        record_url=record_url,
                    )
                    submissions.remember(request, self.review.get_absolute_url())
            except submissions.Repeated as exc:
                return submissions.answer(request, exc.url)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Item to correct added; it waits for its owner."))
                return redirect(self.review.get_absolute_url())
        return self.render_form(form)


@require_GET
def finding_list(request):
    """整改事项: the items assigned to the user, and those of the reviews they may read."""
    if not sel.can_read_reviews(request.user):
        raise PermissionDenied
    status = request.GET.get("status", "open")
    findings = sel.findings_visible_to(request.user).select_related(
        "owner", "review", "review__reviewer"
    )
    if status in FindingStatus.values:
        findings = findings.filter(status=status)
    if request.GET.get("mine") == "1":
        findings = findings.filter(owner_id=request.user.pk)
    page = _page(request, findings.order_by("status", "due_on", "pk"))
    return render(
        request,
        "supervision/finding_list.html",
        {
            "page": page,
            "status": status,
            "mine": request.GET.get("mine") == "1",
            "titles": _register_titles(),
            "today": timezone.localdate(),
            "statuses": FindingStatus.choices,
            "querystring": _without_page(request),
        },
    )


class FindingCloseView(View):
    template_name = "supervision/finding_close.html"

    def dispatch(self, request, *args, pk, **kwargs):
        self.finding = sel.get_finding_for(request.user, pk)
        if not sel.can_close_finding(request.user, self.finding):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form):
        return render(self.request, self.template_name, {"form": form, "finding": self.finding})

    def get(self, request):
        return self.render_form(CloseFindingForm(initial={"version": self.finding.version}))

    def post(self, request):
        form = CloseFindingForm(request.POST)
        if form.is_valid():
            try:
                finding_close(
                    actor=request.user,
                    finding=self.finding,
                    resolution=form.cleaned_data["resolution"],
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Item closed as corrected."))
                return redirect(self.finding.get_absolute_url())
        return self.render_form(form)


@require_GET
def review_due(request):
    """待审核台账: registers not reviewed for ``LEDGER_REVIEW_OVERDUE_DAYS`` days."""
    if not sel.can_review(request.user):
        raise PermissionDenied
    return render(
        request,
        "supervision/review_due.html",
        {
            "due": sel.registers_due_for_review(request.user),
            "days": settings.LEDGER_REVIEW_OVERDUE_DAYS,
        },
    )


# --- 梳理 ---------------------------------------------------------------------------------

TIDY_LIST_MAX = 50
# A salesperson's ledger counts up to this many of each (the badge says "1000+").
TIDY_COUNT_CAP = 1000


def _head_and_count(queryset, fields) -> tuple[list, int]:
    """The first ``TIDY_LIST_MAX`` rows and how many there are (up to the cap), from one
    query: the rows past the first few are fetched with only the fields shown."""
    rows = list(queryset.only(*fields)[: TIDY_COUNT_CAP + 1])
    return rows[:TIDY_LIST_MAX], len(rows)


class TidyView(View):
    """客户台账梳理: what looks stale in the user's own ledger, and the month's confirmation."""

    template_name = "supervision/tidy.html"

    def dispatch(self, request, *args, **kwargs):
        if not sel.can_tidy(request.user):
            raise PermissionDenied
        self.month = timezone.localdate().strftime("%Y-%m")
        return super().dispatch(request, *args, **kwargs)

    def lists(self):
        user = self.request.user
        stale, stale_count = _head_and_count(
            sel.customers_not_contacted(user).order_by("last_contact_on", "name"),
            ("name", "last_contact_on"),
        )
        missing, missing_count = _head_and_count(
            sel.customers_missing_contact_data(user).order_by("name"), ("name", "phone")
        )
        overdue, overdue_count = _head_and_count(
            sel.service_records_past_due(user).order_by("received_on", "pk"),
            ("received_on", "content", "customer__name"),
        )
        return {
            "stale": stale,
            "stale_count": stale_count,
            "missing": missing,
            "missing_count": missing_count,
            "overdue": overdue,
            "overdue_count": overdue_count,
            "count_cap": TIDY_COUNT_CAP,
        }

    def render_page(self, form, lists=None):
        user = self.request.user
        context = {
            "form": form,
            "month": self.month,
            "confirmation": sel.confirmation_of(user, self.month),
            "team": sel.team_confirmations(user, self.month),
            "stale_days": settings.LEDGER_STALE_CONTACT_DAYS,
            "due_days": settings.LEDGER_SERVICE_DUE_DAYS,
            "shown_max": TIDY_LIST_MAX,
            **(lists or self.lists()),
        }
        return render(self.request, self.template_name, context)

    def get(self, request):
        return self.render_page(ConfirmForm())

    def post(self, request):
        form = ConfirmForm(request.POST)
        lists = self.lists()
        if form.is_valid():
            try:
                ledger_confirm(
                    actor=request.user,
                    month=self.month,
                    note=form.cleaned_data["note"],
                    stale_count=lists["stale_count"],
                    missing_count=lists["missing_count"],
                    overdue_count=lists["overdue_count"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Your ledger is confirmed for this month."))
                return redirect("ledger-tidy")
        return self.render_page(form, lists)


# --- access log -------------------------------------------------------------------------


@require_GET
def access_log(request):
    """访问日志: search by user, date, kind and customer; users over the daily threshold."""
    if not sel.can_read_access_log(request.user):
        raise PermissionDenied
    form = AccessLogFilter(request.GET or None)
    rows = sel.access_log_visible_to(request.user).select_related("user", "customer")
    if form.is_valid():
        data = form.cleaned_data
        if data["user"]:
            rows = rows.filter(user_id=data["user"].pk)
        if data["day"]:
            rows = rows.filter(day=data["day"])
        if data["kind"]:
            rows = rows.filter(kind=data["kind"])
        if data["customer"]:
            rows = rows.filter(customer_id=data["customer"])
    elif form.is_bound:
        rows = rows.none()
    page = _page(request, rows.order_by("-at", "-id"), per_page=50)
    flagged = [{**row, "name": sel.display_name(row)} for row in sel.flagged_for(request.user)]
    return render(
        request,
        "supervision/access_log.html",
        {
            "form": form,
            "page": page,
            "flagged": flagged,
            "threshold": settings.LEDGER_ACCESS_DAILY_THRESHOLD,
            "titles": _register_titles(),
            "querystring": _without_page(request),
        },
    )


def _without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def supervision_links(user) -> list[tuple[str, str]]:
    """The supervision menu, for the roles that may use each page."""
    links = []
    if sel.can_read_reviews(user):
        links.append((_("Ledger reviews"), reverse("review-list")))
        links.append((_("Items to correct"), reverse("finding-list")))
    if sel.can_review(user):
        links.append((_("Registers due for review"), reverse("review-due")))
    if sel.can_tidy(user):
        links.append((_("Monthly ledger check"), reverse("ledger-tidy")))
    if sel.can_read_access_log(user):
        links.append((_("Access log"), reverse("access-log")))
    return links
