"""The visit family's pages: thin views over the visit selectors and services."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ledger import submissions
from ledger.charts import bar_chart
from ledger.selectors import get_customer_for
from ledger.workflow import status_changes_of, transitions_available_to
from visits import selectors
from visits.forms import (
    DailyLineForm,
    PlanForm,
    PlannedVisitForm,
    ReportForm,
    ScheduleForm,
    SignForm,
    default_times,
)
from visits.models import ScheduleStatus
from visits.services import plans as plan_services
from visits.services import reports as report_services
from visits.services import schedules as schedule_services

NOT_VISITED_DAYS = (30, 60, 90)
STALE_COUNT_CAP = 1000


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _need_planner(user) -> None:
    if not selectors.may_plan_visits(user):
        raise PermissionDenied


def _need_visits(user) -> None:
    if not selectors.can_use_visits(user):
        raise PermissionDenied


def _save(request, form, url, action):
    """Run ``action()`` with the form's one-time token; errors go back onto the form."""
    try:
        with transaction.atomic():
            result = action()
            submissions.remember(request, url(result) if callable(url) else url)
    except submissions.Repeated as exc:
        return submissions.answer(request, exc.url), None
    except ValidationError as exc:
        _apply_errors(form, exc)
        return None, None
    return None, result


# --- today ---------------------------------------------------------------------------
@login_required
def today(request):
    """Today's planned visits of the user (a phone's start page), each with its report."""
    _need_planner(request.user)
    day = timezone.localdate()
    raw = request.GET.get("day")
    if raw:
        try:
            day = datetime.date.fromisoformat(raw)
        except ValueError:
            messages.error(request, _("Enter a date as YYYY-MM-DD."))
    planned = list(selectors.planned_visits_on(request.user, day))
    reports = list(
        selectors.visits_visible_to(request.user)
        .filter(visitor=request.user, visited_on=day)
        .select_related("customer")
        .order_by("started_at")
    )
    return render(
        request,
        "visits/today.html",
        {
            "day": day,
            "planned": planned,
            "reports": reports,
            "previous": day - datetime.timedelta(days=1),
            "next": day + datetime.timedelta(days=1),
        },
    )


# --- 表5-27 plans -----------------------------------------------------------------------
@login_required
def plan_edit(request, pk=None):
    _need_planner(request.user)
    plan = None
    if pk is not None:
        plan = selectors.get_visit_plan_for(request.user, pk)
        if plan.salesperson_id != request.user.pk:
            raise PermissionDenied
    initial = {"year": timezone.localdate().year}
    if plan is not None:
        initial = {
            "customer": plan.customer_id,
            "year": plan.year,
            "contact": plan.contact_id,
            **{f"m{m}": plan.planned(m) for m in range(1, 13)},
        }
    if request.method == "POST":
        if done := submissions.repeated(request):
            return done
        form = PlanForm(request.POST, user=request.user, plan=plan, initial=initial)
        if form.is_valid():
            data = form.cleaned_data

            def action():
                return plan_services.visit_plan_save(
                    actor=request.user,
                    year=data["year"],
                    customer=data["customer"],
                    data=data,
                    plan=plan,
                    expected_version=int(request.POST.get("version") or 0) if plan else None,
                )

            answer, saved = _save(request, form, lambda p: p.get_absolute_url(), action)
            if answer:
                return answer
            if saved is not None:
                messages.success(request, _("The visit plan was saved."))
                return redirect(saved.get_absolute_url())
    else:
        form = PlanForm(user=request.user, plan=plan, initial=initial)
    return render(
        request,
        "visits/plan_form.html",
        {"form": form, "plan": plan, "back_url": reverse("register-list", args=["5-27"])},
    )


# --- 表5-28 schedules ---------------------------------------------------------------------
@login_required
def schedules(request):
    _need_visits(request.user)
    rows = selectors.schedules_visible_to(request.user).select_related("salesperson")
    page = Paginator(rows.order_by("-starts_on", "-pk"), 25).get_page(request.GET.get("page"))
    form = None
    if selectors.may_plan_visits(request.user):
        if request.method == "POST":
            form = ScheduleForm(request.POST)
            if form.is_valid():
                try:
                    schedule = schedule_services.schedule_create(
                        actor=request.user,
                        kind=form.cleaned_data["kind"],
                        day=form.cleaned_data["day"],
                    )
                except ValidationError as exc:
                    _apply_errors(form, exc)
                else:
                    messages.success(request, _("The schedule is ready: add the visits."))
                    return redirect(schedule.get_absolute_url())
        else:
            form = ScheduleForm(initial={"kind": "week", "day": timezone.localdate()})
    return render(request, "visits/schedules.html", {"page": page, "form": form})


@login_required
def schedule_detail(request, pk):
    schedule = selectors.get_schedule_for(request.user, pk)
    editable = selectors.may_edit_schedule(request.user, schedule)
    form = None
    if request.method == "POST":
        if done := submissions.repeated(request):
            return done
        form = PlannedVisitForm(request.POST, user=request.user)
        if form.is_valid():

            def action():
                return schedule_services.planned_visit_add(
                    actor=request.user,
                    schedule=schedule,
                    data=form.cleaned_data,
                    expected_version=int(request.POST.get("version") or schedule.version),
                )

            answer, saved = _save(request, form, schedule.get_absolute_url(), action)
            if answer:
                return answer
            if saved is not None:
                messages.success(request, _("The visit was added to the schedule."))
                return redirect(schedule.get_absolute_url())
    elif editable:
        form = PlannedVisitForm(user=request.user, initial={"visit_on": schedule.starts_on})
    lines = schedule.lines.select_related("customer", "contact", "report").order_by(
        "visit_on", "visit_at", "pk"
    )
    register_url = reverse("register-list", args=["5-28"]) + "?" + urlencode({"schedule": pk})
    return render(
        request,
        "visits/schedule_detail.html",
        {
            "schedule": schedule,
            "lines": lines,
            "form": form,
            "editable": editable,
            "trail": status_changes_of(schedule),
            "actions": transitions_available_to(request.user, schedule),
            "register_url": register_url,
            "pdf_url": reverse("register-print", args=["5-28"]) + "?" + urlencode({"schedule": pk}),
            "xlsx_url": reverse("register-export", args=["5-28"])
            + "?"
            + urlencode({"schedule": pk}),
            "is_owner": schedule.salesperson_id == request.user.pk,
        },
    )


@login_required
@require_POST
def planned_visit_delete(request, pk):
    line = selectors.get_planned_visit_for(request.user, pk)
    try:
        schedule_services.planned_visit_delete(actor=request.user, line=line)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The visit was removed from the schedule."))
    return redirect(line.schedule.get_absolute_url())


# --- 表5-29 reports -----------------------------------------------------------------------
@login_required
def report_create(request):
    """File a report: from a planned visit (``?planned=``) or for a chosen customer."""
    _need_planner(request.user)
    planned = None
    customer = None
    if request.GET.get("planned"):
        planned = selectors.get_planned_visit_for(request.user, request.GET["planned"])
        if planned.schedule.salesperson_id != request.user.pk:
            raise Http404
        customer = planned.customer
    elif request.GET.get("customer"):
        customer = get_customer_for(request.user, request.GET["customer"])
    if customer is None:
        customers = selectors.reportable_customers(request.user).only("pk", "name")[:500]
        return render(request, "visits/report_choose.html", {"customers": customers})
    if request.method == "POST":
        if done := submissions.repeated(request):
            return done
        form = ReportForm(request.POST, customer=customer)
        if form.is_valid():
            data = form.cleaned_data

            def action():
                return report_services.visit_report_create(
                    actor=request.user,
                    customer=customer,
                    data=data,
                    planned_visit=planned,
                    new_contact=form.new_contact(),
                    follow_ups=form.follow_up_items(),
                )

            answer, report = _save(request, form, lambda r: r.get_absolute_url(), action)
            if answer:
                return answer
            if report is not None:
                messages.success(
                    request, _("Visit report %(number)s saved.") % {"number": report.number}
                )
                return redirect(report.get_absolute_url())
    else:
        start, end = default_times(planned)
        initial = {"started_at": start, "ended_at": end}
        if planned is not None:
            initial.update(
                purpose=planned.purpose,
                contact=planned.contact_id,
                contact_info=(planned.contact.phone if planned.contact else ""),
            )
        form = ReportForm(customer=customer, initial=initial)
    return render(
        request,
        "visits/report_form.html",
        {"form": form, "customer": customer, "planned": planned},
    )


@login_required
def report_edit(request, pk):
    """The visitor corrects their report until the 销售主管 has signed it."""
    report = selectors.get_visit_report_for(request.user, pk)
    if not selectors.may_edit_report(request.user, report):
        raise PermissionDenied
    fields = report_services.REPORT_FIELDS
    if request.method == "POST":
        if done := submissions.repeated(request):
            return done
        form = ReportForm(request.POST, customer=report.customer)
        if form.is_valid():

            def action():
                return report_services.visit_report_update(
                    actor=request.user,
                    report=report,
                    data={f: form.cleaned_data.get(f) for f in fields},
                    expected_version=int(request.POST.get("version") or 0),
                )

            answer, saved = _save(request, form, report.get_absolute_url(), action)
            if answer:
                return answer
            if saved is not None:
                messages.success(
                    request, _("Visit report %(number)s saved.") % {"number": saved.number}
                )
                return redirect(saved.get_absolute_url())
    else:
        initial = {f: getattr(report, f) for f in fields}
        initial["contact"] = report.contact_id
        initial["started_at"] = timezone.localtime(report.started_at)
        initial["ended_at"] = timezone.localtime(report.ended_at)
        form = ReportForm(customer=report.customer, initial=initial)
    return render(
        request,
        "visits/report_form.html",
        {"form": form, "customer": report.customer, "report": report, "editing": True},
    )


@login_required
def report_detail(request, pk):
    report = selectors.get_visit_report_for(request.user, pk)
    may_sign = selectors.may_sign_report(request.user, report) and not report.is_signed
    sign_form = None
    if request.method == "POST":
        if not may_sign:
            raise PermissionDenied
        if done := submissions.repeated(request):
            return done
        sign_form = SignForm(request.POST)
        if sign_form.is_valid():

            def action():
                return report_services.visit_report_sign(
                    actor=request.user,
                    report=report,
                    comment=sign_form.cleaned_data["manager_comment"],
                    expected_version=sign_form.cleaned_data["version"],
                )

            answer, signed = _save(request, sign_form, report.get_absolute_url(), action)
            if answer:
                return answer
            if signed is not None:
                messages.success(request, _("The report was signed."))
                return redirect(report.get_absolute_url())
    elif may_sign:
        sign_form = SignForm(initial={"version": report.version})
    return render(
        request,
        "visits/report_detail.html",
        {
            "report": report,
            "follow_ups": report.follow_ups.order_by("due_on", "pk"),
            "sign_form": sign_form,
            "may_sign": may_sign,
            "may_edit": selectors.may_edit_report(request.user, report),
            "today": timezone.localdate(),
            "pdf_url": reverse("document-pdf", args=["5-29", report.pk]),
        },
    )


@login_required
@require_POST
def follow_up_done(request, pk):
    try:
        item = (
            selectors.follow_ups_visible_to(request.user).select_related("report").get(pk=int(pk))
        )
    except (ValueError, TypeError, OverflowError, Exception) as exc:
        raise Http404 from exc
    report_services.follow_up_done(actor=request.user, follow_up=item)
    messages.success(request, _("The follow-up is marked done."))
    return redirect(item.report.get_absolute_url())


# --- 表5-30 daily report ------------------------------------------------------------------
@login_required
def daily(request, day=None):
    _need_planner(request.user)
    try:
        day = datetime.date.fromisoformat(day) if day else timezone.localdate()
    except ValueError:
        raise Http404 from None
    form = DailyLineForm()
    if request.method == "POST":
        if done := submissions.repeated(request):
            return done
        form = DailyLineForm(request.POST)
        url = reverse("visits:daily", args=[day.isoformat()])
        if form.is_valid():

            def action():
                return report_services.daily_line_add(
                    actor=request.user, day=day, data=form.cleaned_data
                )

            answer, saved = _save(request, form, url, action)
            if answer:
                return answer
            if saved is not None:
                messages.success(request, _("The line was added to the daily report."))
                return redirect(url)
    lines = (
        selectors.daily_lines_visible_to(request.user)
        .filter(salesperson=request.user, day=day)
        .order_by("time_text", "pk")
    )
    query = urlencode({"period": day.isoformat(), "salesperson": request.user.pk})
    return render(
        request,
        "visits/daily.html",
        {
            "day": day,
            "lines": lines,
            "form": form,
            "previous": day - datetime.timedelta(days=1),
            "next": day + datetime.timedelta(days=1),
            "register_url": reverse("register-list", args=["5-30"]) + "?" + query,
            "pdf_url": reverse("register-print", args=["5-30"]) + "?" + query,
            "xlsx_url": reverse("register-export", args=["5-30"]) + "?" + query,
        },
    )


@login_required
@require_POST
def daily_line_delete(request, pk):
    line = selectors.get_daily_line_for(request.user, pk)
    try:
        report_services.daily_line_delete(actor=request.user, line=line)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The line was removed."))
    return redirect("visits:daily", day=line.day.isoformat())


# --- the managers' view -------------------------------------------------------------------
@login_required
def overview(request):
    """Planned against actual visits per salesperson and month, overdue follow-ups and
    customers not visited in N days, among the records the user may see."""
    _need_visits(request.user)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
        if not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        year = today.year
    try:
        days = int(request.GET.get("days") or NOT_VISITED_DAYS[0])
        if days not in NOT_VISITED_DAYS:
            raise ValueError
    except ValueError:
        days = NOT_VISITED_DAYS[0]
    people = list(selectors.salespeople_visible_to(request.user).select_related("department"))
    counts = selectors.visit_counts(request.user, year=year)
    rows = []
    for person in people:
        months = [counts.get((person.pk, m), {"planned": 0, "actual": 0}) for m in range(1, 13)]
        planned = sum(c["planned"] for c in months)
        actual = sum(c["actual"] for c in months)
        if planned or actual:
            rows.append(
                {
                    "person": person,
                    "months": months,
                    "planned": planned,
                    "actual": actual,
                    "rate": round(100 * actual / planned) if planned else None,
                    "register_url": reverse("register-list", args=["5-27"])
                    + "?"
                    + urlencode({"period": year, "salesperson": person.pk}),
                }
            )
    month_totals = [
        (
            sum(r["months"][m]["planned"] for r in rows),
            sum(r["months"][m]["actual"] for r in rows),
        )
        for m in range(12)
    ]
    overdue_all = selectors.overdue_follow_ups(request.user, today=today)
    overdue_count = overdue_all.count()
    overdue = list(overdue_all[:50])
    stale_all = selectors.customers_not_visited(request.user, days=days, today=today)
    # Counted up to a cap: past it the page says "1,000+" (the exact figure of tens of
    # thousands would cost a scan of them all and tells a manager nothing more).
    stale_count = stale_all[: STALE_COUNT_CAP + 1].count()
    stale = selectors.with_last_visit(list(stale_all[:50]))
    by_person_chart = bar_chart(
        [str(r["person"]) for r in rows],
        {"计划": [r["planned"] for r in rows], "实际": [r["actual"] for r in rows]},
    )
    by_month_chart = bar_chart(
        [f"{m}月" for m in range(1, 13)],
        {"计划": [p for p, _a in month_totals], "实际": [a for _p, a in month_totals]},
    )
    return render(
        request,
        "visits/overview.html",
        {
            "year": year,
            "days": days,
            "day_choices": NOT_VISITED_DAYS,
            "rows": rows,
            "month_totals": month_totals,
            "overdue": overdue,
            "overdue_count": overdue_count,
            "stale": stale,
            "stale_count": stale_count,
            "stale_cap": STALE_COUNT_CAP,
            "by_person_chart": by_person_chart,
            "by_month_chart": by_month_chart,
            "today": today,
            "register_url": reverse("register-list", args=["5-27"]) + f"?period={year}",
            "reports_url": reverse("document-list", args=["5-29"]),
            "customers_url": reverse("register-list", args=["customers"])
            + "?scope=personal&sort=last_contact_on",
        },
    )


def schedule_is_final(schedule) -> bool:
    return schedule.status == ScheduleStatus.APPROVED
