"""The four faces of every register: list, Excel, PDF, and the monthly workbook."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_tables2 import RequestConfig, SingleTableMixin
from django_tables2.rows import BoundRows

from ledger.catalog import paper_forms
from ledger.engine import Face, site
from ledger.engine.base import RegisterContext, form_sort_key
from ledger.engine.excel import new_workbook, save_to_tempfile, write_register
from ledger.engine.pdf import render_pdf
from ledger.engine.printing import register_print_context
from ledger.engine.query import RegisterQuery, run_query
from ledger.engine.tables import build_table
from ledger.engine.workbook import build_monthly_workbook, monthly_queries, monthly_rows_exceed
from ledger.forms import MonthForm
from ledger.models import AccessKind, ExportKind
from ledger.supervision.services import access_record


def log_register_access(request, register, kind: AccessKind, rows: int, target: str = "") -> None:
    """The access log's row for an export or print of a register with customer data."""
    if register is None or register.carries_customer_data:
        access_record(
            request=request,
            kind=kind,
            target=target or register.code,
            filters=request.GET.urlencode(),
            row_count=rows,
        )


def xlsx_response(workbook, filename: str) -> FileResponse:
    return FileResponse(
        save_to_tempfile(workbook),
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


MAX_PER_PAGE = 200


def per_page(params) -> int:
    """Rows per page from ``?per_page=``: junk gives the default, at most MAX_PER_PAGE."""
    value = params.get("per_page", "")
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        return settings.LEDGER_PAGE_SIZE
    return min(int(value), MAX_PER_PAGE)


def more_rows_than(query: RegisterQuery, limit: int) -> bool:
    """Whether the query holds more than ``limit`` rows, without counting them all."""
    rows = query.count_queryset if query.count_queryset is not None else query.queryset
    return rows[limit : limit + 1].exists()


def start_background_export(request, *, kind: str, title: str, register_code="", month=""):
    """Queue the export for a worker and send the user to its progress page: a large file
    never holds the web request (see ``ledger.exports``)."""
    from ledger.exports.services import export_job_start

    job = export_job_start(
        user=request.user,
        kind=kind,
        title=title,
        register_code=register_code,
        params=request.GET.urlencode(),
        month=month,
    )
    messages.info(
        request,
        _(
            "The file is large: it is being made in the background. "
            "It will be listed under My exports."
        ),
    )
    return redirect(job.get_absolute_url())


def counting_paginator(query: RegisterQuery) -> type[Paginator]:
    """A paginator that counts the rows without the joins the displayed columns need."""

    class RegisterPaginator(Paginator):
        @cached_property
        def count(self) -> int:
            return query.count()

        def page(self, number):
            """Django's page, its rows read through ``RegisterQuery.page_rows`` (a deep page
            looks its keys up on the register's own table first)."""
            number = self.validate_number(number)
            bottom = (number - 1) * self.per_page
            top = bottom + self.per_page
            if top + self.orphans >= self.count:
                top = self.count
            rows = self.object_list  # django-tables2's rows over query.queryset
            page_rows = BoundRows(query.page_rows(bottom, top), rows.table, rows.pinned_data)
            return self._get_page(page_rows, number, self)

    return RegisterPaginator


class RegisterMixin:
    """Resolve the register from the URL; 404 if unknown, 403 if the declaration does not
    allow this face (list, Excel, PDF) to the user's role."""

    face = Face.OPEN

    def dispatch(self, request, *args, code: str, **kwargs):
        self.register = site.get(code)
        if self.register is None:
            raise Http404("no such register")
        if not self.register.allows(self.face, request.user):
            raise PermissionDenied
        self.register_context = RegisterContext(user=request.user, params=request.GET)
        return super().dispatch(request, *args, **kwargs)

    def get_query(self) -> RegisterQuery:
        return run_query(self.register, self.register_context)

    def list_url(self) -> str:
        query = self.request.GET.urlencode()
        return self.register.get_absolute_url() + (f"?{query}" if query else "")

    def stamp(self) -> str:
        return timezone.localtime().strftime("%Y%m%d-%H%M")


class RegisterListView(RegisterMixin, SingleTableMixin, TemplateView):
    template_name = "registers/list.html"

    def get_table(self, **kwargs):
        self.query = self.get_query()
        table = build_table(self.query, empty_text=_("No records match."))
        RequestConfig(self.request, paginate=False).configure(table)
        params = self.request.GET
        page = params.get("page", "")
        page = int(page) if page.isascii() and page.isdigit() else 1
        table.paginate(counting_paginator(self.query), per_page=per_page(params), page=1)
        if page != 1:
            # Past the last page (or page 0): the last page, as django-tables2 does.
            table.page = table.paginator.page(min(max(page, 1), table.paginator.num_pages))
        return table

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        register, ctx = self.register, self.register_context
        querystring = self.request.GET.urlencode()
        context.update(
            register=register,
            title=register.display_title(ctx),
            query=self.query,
            filter=self.query.filterset,
            actions=register.actions(self.request.user),
            variants=register.variants(ctx),
            querystring=querystring,
            export_url=f"{register.get_absolute_url()}export.xlsx?{querystring}"
            if register.allows(Face.EXPORT, self.request.user)
            else None,
            print_url=f"{register.get_absolute_url()}print.pdf?{querystring}"
            if register.allows(Face.PRINT, self.request.user)
            else None,
        )
        return context


class RegisterExportView(RegisterMixin, View):
    face = Face.EXPORT

    def get(self, request, *args, **kwargs):
        query = self.get_query()
        if not query.filters_valid:
            messages.error(request, _("Correct the filter first."))
            return HttpResponseRedirect(self.list_url())
        title = self.register.display_title(self.register_context)
        if more_rows_than(query, settings.LEDGER_EXPORT_JOB_ROWS):
            return start_background_export(
                request,
                kind=ExportKind.REGISTER_XLSX,
                title=f"{title}（Excel）",
                register_code=self.register.code,
            )
        workbook = new_workbook()
        rows = write_register(workbook, query)
        log_register_access(request, self.register, AccessKind.EXPORT, rows)
        return xlsx_response(workbook, f"{title}-{self.stamp()}.xlsx")


class RegisterPrintView(RegisterMixin, View):
    face = Face.PRINT

    def get(self, request, *args, **kwargs):
        query = self.get_query()
        if not query.filters_valid:
            messages.error(request, _("Correct the filter first."))
            return HttpResponseRedirect(self.list_url())
        limit = settings.LEDGER_PDF_MAX_ROWS
        if query.queryset[limit : limit + 1].exists():
            messages.error(
                request,
                _(
                    "More than %(limit)s rows: narrow the filter before printing, "
                    "or export to Excel."
                )
                % {"limit": limit},
            )
            return HttpResponseRedirect(self.list_url())
        title = self.register.display_title(self.register_context)
        if more_rows_than(query, settings.LEDGER_EXPORT_PDF_JOB_ROWS):
            return start_background_export(
                request,
                kind=ExportKind.REGISTER_PDF,
                title=f"{title}（PDF）",
                register_code=self.register.code,
            )
        context = register_print_context(query)
        pdf = render_pdf("print/register.html", context)
        log_register_access(request, self.register, AccessKind.PRINT, context["row_count"])
        return pdf_response(pdf, f"{title}-{self.stamp()}.pdf")


class RegisterIndexView(TemplateView):
    """Every 表 of FORMS.md with its code, by family in 表 order, and the site's own
    registers and documents (the customer card); a form links where it is declared and the
    user's role may open it (a document: its list at ``/forms/<code>/``); a form not
    declared yet says so (尚未启用)."""

    template_name = "registers/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        families = {spec.family: [] for spec in site.ordered_families()}
        for declaration in site.declarations():
            if not declaration.is_form and declaration.family in families:
                families[declaration.family].append(
                    {
                        "code": "",
                        "sort_key": declaration.sort_key,
                        "title": getattr(declaration, "index_title", None) or declaration.title,
                        "kind": declaration.kind,
                        "url": declaration.get_absolute_url()
                        if declaration.allows(Face.OPEN, user)
                        else None,
                        "available": True,
                    }
                )
        for form in paper_forms().values():
            declaration = site.get(form.code, kind=form.kind)
            entries = families.get(form.family)
            if entries is None:
                continue  # a family whose app is not installed
            entries.append(
                {
                    "code": form.code,
                    "sort_key": form_sort_key(form.code),
                    "title": form.title,
                    "kind": form.kind,
                    "url": declaration.get_absolute_url()
                    if declaration is not None and declaration.allows(Face.OPEN, user)
                    else None,
                    "available": declaration is not None,
                }
            )
        context["families"] = [
            (family.value, family.label, sorted(entries, key=lambda e: e["sort_key"]))
            for family, entries in families.items()
        ]
        return context


class ExportCenterView(TemplateView):
    """报表导出: the month's workbook for admins, every register's Excel and PDF, and every
    document form whose documents the user may print or export (one file per document,
    from the form's list)."""

    template_name = "registers/exports.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        context["month_form"] = MonthForm(initial={"month": today.strftime("%Y-%m")})
        context["can_export_month"] = user.is_admin
        from ledger.exports.selectors import export_jobs_visible_to

        context["recent_jobs"] = list(export_jobs_visible_to(user).filter(user=user)[:5])
        context["registers"] = [
            {
                "register": declaration,
                "title": getattr(declaration, "index_title", None) or declaration.title,
                "document": declaration.kind == "document",
                "export": declaration.allows(Face.EXPORT, user)
                and getattr(declaration, "exports_excel", True),
                "print": declaration.allows(Face.PRINT, user),
            }
            for declaration in site.declarations()
            if declaration.allows(Face.OPEN, user)
        ]
        return context


class MonthlyWorkbookView(View):
    """One sheet per register for one month, in 表 order. Admins only (they close the
    month); each register's sheet only where its declaration lets the user export it."""

    def get(self, request):
        if not request.user.is_admin:
            raise PermissionDenied
        form = MonthForm(request.GET)
        if not form.is_valid():
            messages.error(request, _("Enter a month as YYYY-MM, e.g. 2026-11."))
            return redirect("exports")
        month = form.cleaned_data["month"]
        queries = monthly_queries(user=request.user, month=month)
        if monthly_rows_exceed(queries, settings.LEDGER_EXPORT_JOB_ROWS):
            year, number = month.split("-")
            return start_background_export(
                request,
                kind=ExportKind.MONTHLY,
                title=_("Ledger %(year)s-%(month)s") % {"year": year, "month": number},
                month=month,
            )
        workbook = build_monthly_workbook(user=request.user, month=month, queries=queries)
        log_register_access(request, None, AccessKind.EXPORT, 0, target="monthly")
        return xlsx_response(workbook, f"客户管理台账-{month}.xlsx")
