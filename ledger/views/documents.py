"""The faces of every document form: the list of the documents a user may open
(``/forms/<code>/``), one document as a PDF (``<pk>.pdf``) and, where the paper form is a
table, as an Excel workbook (``<pk>.xlsx``).

The form comes from the ``site`` (404 if unknown). The list checks the open face; one
document is fetched through the form's own selector first (404 for a missing and a
forbidden object alike, so nothing tells which objects exist), then its face — the PDF is
the print face, the workbook the export face — as the declaration's ``allows(face, user)``
says (403).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from ledger.engine.base import Face, RegisterContext, site
from ledger.engine.document_sheets import document_workbook
from ledger.engine.documents import FILES_KEY, Document, print_context
from ledger.engine.pdf import render_pdf
from ledger.engine.tables import RegisterColumn, RegisterTable
from ledger.models import AccessKind, Customer
from ledger.supervision.services import access_record
from ledger.views.registers import (
    RegisterListView,
    RegisterMixin,
    counting_paginator,
    pdf_response,
    xlsx_response,
)


def get_document(code: str) -> Document:
    """The document form ``code``: 404 for an unknown one."""
    document = site.get(code, kind="document")
    if document is None:
        raise Http404("no such document form")
    return document


def log_document_access(request, document: Document, obj, kind: AccessKind) -> None:
    """The access log's row for one document printed or exported: the form, the record
    and its customer (the record itself, or the customer it belongs to)."""
    if not document.carries_customer_data:
        return
    customer_id = obj.pk if isinstance(obj, Customer) else getattr(obj, "customer_id", None)
    access_record(
        request=request,
        kind=kind,
        customer_id=customer_id,
        target=document.code,
        object_pk=obj.pk,
        row_count=1,
    )


def authorise(document: Document, face: Face, user) -> None:
    """403 unless the declaration lets ``user`` see ``document`` in ``face``."""
    if not document.allows(face, user):
        raise PermissionDenied


class FilesColumn(RegisterColumn):
    """The links of one document the user may take: its PDF (print face) and, for table
    forms, its workbook (export face)."""

    def __init__(self, column, register, document: Document, user):
        super().__init__(column, register)
        self.document = document
        self.may_print = document.allows(Face.PRINT, user)
        self.may_export = document.exports_excel and document.allows(Face.EXPORT, user)

    def cell(self, record, table, counter):
        pk = record["pk"]
        links = []
        if self.may_print:
            links.append(
                format_html(
                    '<a href="{}" target="_blank" rel="noopener">PDF</a>',
                    self.document.pdf_url(pk),
                )
            )
        if self.may_export:
            links.append(format_html('<a href="{}">Excel</a>', self.document.xlsx_url(pk)))
        if not links:
            return "—"
        return format_html_join(" · ", "{}", ((link,) for link in links))


class DocumentListView(RegisterListView):
    """The documents of one form the user may open: the register engine's list (filters,
    sorting, paging) over the document's selector, with each document's files."""

    template_name = "documents/list.html"

    def dispatch(self, request, *args, code: str, **kwargs):
        self.document = get_document(code)
        authorise(self.document, Face.OPEN, request.user)
        self.register = self.document.list_register
        self.register_context = RegisterContext(user=request.user, params=request.GET)
        return super(RegisterMixin, self).dispatch(request, *args, **kwargs)

    def get_table(self, **kwargs):
        self.query = self.get_query()
        register, document = self.register, self.document
        attrs = {
            col.key: FilesColumn(col, register, document, self.request.user)
            if col.key == FILES_KEY
            else RegisterColumn(col, register)
            for col in self.query.columns
        }
        attrs["Meta"] = type("Meta", (RegisterTable.Meta,), {"sequence": list(attrs)})
        table_class = type(f"{type(document).__name__}Table", (RegisterTable,), attrs)
        table = table_class(
            self.query.queryset, query=self.query, empty_text=document.list_empty_text()
        )
        paginate = {
            "per_page": settings.LEDGER_PAGE_SIZE,
            "paginator_class": counting_paginator(self.query),
        }
        RequestConfig(self.request, paginate=paginate).configure(table)
        return table

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["document"] = self.document
        return context


@require_GET
def document_pdf(request, code: str, pk: str):
    document = get_document(code)
    obj = document.get_object(request.user, pk)
    authorise(document, Face.PRINT, request.user)
    rendered = document.render(obj)
    pdf = render_pdf("print/document.html", print_context(rendered, user=request.user))
    log_document_access(request, document, obj, AccessKind.PRINT)
    return pdf_response(pdf, f"{document.object_title(obj)}.pdf")


@require_GET
def document_xlsx(request, code: str, pk: str):
    document = get_document(code)
    if not document.exports_excel:
        raise Http404("this form is not a table")
    obj = document.get_object(request.user, pk)
    authorise(document, Face.EXPORT, request.user)
    workbook = document_workbook(document.render(obj))
    log_document_access(request, document, obj, AccessKind.EXPORT)
    return xlsx_response(workbook, f"{document.object_title(obj)}.xlsx")


__all__ = ["DocumentListView", "document_pdf", "document_xlsx"]
