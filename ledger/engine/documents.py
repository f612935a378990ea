"""Document declarations: one record printed as its own form (订货单, 评审表, the customer card).

A ``Document`` sits beside ``Register``. It declares the object selector (fetch and
authorise in one call), the header fields, the body — field grids, check-box lines,
amounts in 大写 and 小写, text boxes, line tables with their 合计, sign-off boxes — and
the footer signatures and notes. The engine turns one object into a ``RenderedDocument``
that the print template, the Excel writer and the screen all read, so the faces cannot
disagree and every label is written once, in the declaration::

    @site.register
    class OrderDocument(Document):
        code = "5-8"
        title = "订货单"
        family = Family.SALES
        model = Order
        header = (HeaderLine(Field("编号", "number"), Field("日期", "ordered_on")),)
        body = (Section(None, (Field("企业名称", "customer__name"), ...)),
                LineTable("lines", columns=(...), totals=("amount",), min_rows=8))
        footer = (Field("承办人", "owner"), Field("客户签单"))

        def can_open(self, user): ...
        def queryset(self, user): return orders_visible_to(user)

The list of a document form (``/forms/<code>/``) is a register derived from the same
selector (``list_register``), so it filters, sorts and pages with the register engine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from django.db.models import Model, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ledger.engine.base import Access, Family, Register, RegisterContext
from ledger.engine.columns import Column
from ledger.engine.document_parts import (
    BLANK,
    Amount,
    Checks,
    Field,
    HeaderLine,
    LineTable,
    ObjectRow,
    Part,
    Section,
    SignOff,
    SignOffs,
    TextBox,
)
from ledger.engine.document_render import (
    RenderedDocument,
    RenderedSection,
    RenderedSignOffs,
    RenderedTable,
    fetch_lines,
    print_context,
    render_section,
    render_signoffs,
    render_table,
    truncation_note,
)
from ledger.engine.periods import PeriodKind

if TYPE_CHECKING:
    from accounts.models import User

FILES_KEY = "files"  # the list's column of links to each document's PDF (and workbook)


# --- the declaration --------------------------------------------------------------------
class Document(Access):
    """The declaration of one document form; subclass and fill in.

    Required: ``code``, ``title``, ``family``, ``model``, ``can_open`` and ``queryset``
    (the selector of the objects a user may open). The permission protocol is the
    registers' (``Access``): ``can_open``, ``can_export`` and ``can_print`` (the last two
    default to ``can_open``), read by the views through ``allows(face, user)`` only: the
    list is the open face, the PDF the print face, the workbook the export face. An object
    the user may not see answers 404, like a missing one.

    Documents live in the same ``site`` as the registers (``kind = "document"``), so the
    index, the menus and the start-up checks list them in 表 order beside the registers.
    """

    kind: ClassVar[str] = "document"
    # Whether the family menu links the form's list (the customer card is reached from
    # each customer's page and the register index instead).
    in_menu: ClassVar[bool] = True
    # The name in the register index and the export centre, where the printed title would
    # be ambiguous (the customer card beside the register of customers); None: the title.
    index_title: ClassVar[Any] = None
    code: ClassVar[str]
    title: ClassVar[str]
    family: ClassVar[Family]
    model: ClassVar[type[Model]]
    header: ClassVar[Sequence[HeaderLine]] = ()
    body: ClassVar[Sequence[Part]] = ()
    footer: ClassVar[Sequence[Field]] = ()
    notes: ClassVar[Sequence[str]] = ()
    orientation: ClassVar[str] = "portrait"
    # Forms whose paper is a table (5-2, 5-9, 5-10, the customer card) export to Excel.
    exports_excel: ClassVar[bool] = False
    # One sheet per line table (the customer card), or the whole form on one sheet.
    sheet_per_table: ClassVar[bool] = False
    # The name of the (first) sheet; by default the form's code and title.
    sheet_title: ClassVar[str | None] = None
    # The list at /forms/<code>/: its columns, filters and order.
    list_columns: ClassVar[Sequence[Column]] = ()
    list_filterset_class: ClassVar[type | None] = None
    list_ordering: ClassVar[Sequence[str]] = ("-pk",)
    list_help_text: ClassVar[str] = ""
    # A list of many documents (visit reports) shows one period at a time, with the
    # registers' period picker: ``PeriodKind.MONTH`` and the date field that places a
    # document in it. NONE lists every document.
    list_period: ClassVar[PeriodKind] = PeriodKind.NONE
    list_period_field: ClassVar[str | None] = None

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    # --- to override ------------------------------------------------------------------
    def queryset(self, user: User) -> QuerySet:
        """The objects ``user`` may open: always a selector, never a bare manager."""
        raise NotImplementedError

    def get_object(self, user: User, pk: Any) -> Any:
        """Fetch and authorise in one call: 404 for a missing and a forbidden object."""
        try:
            return self.queryset(user).get(pk=int(pk))
        except (self.model.DoesNotExist, ValueError, TypeError, OverflowError):
            raise Http404("no such document") from None

    def list_annotate(self, queryset: QuerySet) -> QuerySet:
        """Values the list's columns read (annotations), added after counting."""
        return queryset

    def list_row_url(self, row: Mapping[str, Any], user: User) -> str | None:
        """Where a list column declared with ``link=True`` leads (e.g. the record's page)."""
        return None

    def actions(self, user: User) -> list[tuple[str, str]]:
        """Buttons above the form's list, as a register's: (label, url), e.g. 新建."""
        return []

    def list_empty_text(self) -> str:
        return _("No documents match.")

    def object_title(self, obj: Any) -> str:
        """The title of one printed object (and its file name)."""
        return f"{self.title}-{obj}"

    # --- derived ----------------------------------------------------------------------
    def get_absolute_url(self) -> str:
        return reverse("document-list", args=[self.code])

    def pdf_url(self, pk: Any) -> str:
        return reverse("document-pdf", args=[self.code, pk])

    def xlsx_url(self, pk: Any) -> str | None:
        return reverse("document-xlsx", args=[self.code, pk]) if self.exports_excel else None

    def part(self, key: str) -> Part:
        return next(p for p in self.body if getattr(p, "key", None) == key)

    def lines(self, key: str, obj: Any) -> tuple[list[Any], str]:
        """The objects of line table ``key`` and its "only the latest N of M" note: for a
        screen that shows the same lines with links of its own."""
        objects, total = fetch_lines(self.part(key), obj)
        return objects, truncation_note(len(objects), total)

    def render_sections(self, obj: Any) -> list[RenderedSection]:
        """The field sections alone (no query for the line tables)."""
        return [render_section(p, obj) for p in self.body if isinstance(p, Section)]

    def render(self, obj: Any) -> RenderedDocument:
        parts: list[RenderedSection | RenderedTable | RenderedSignOffs] = []
        for part in self.body:
            if isinstance(part, Section):
                parts.append(render_section(part, obj))
            elif isinstance(part, LineTable):
                parts.append(render_table(part, obj))
            else:
                parts.append(render_signoffs(part, obj))
        return RenderedDocument(
            document=self,
            obj=obj,
            title=self.title,
            header_lines=[
                "　　".join(_header_text(f, obj) for f in line.fields) for line in self.header
            ],
            parts=parts,
            footer=[(f.label, f.text(obj)) for f in self.footer],
            notes=list(self.notes),
        )

    def paper_labels(self) -> dict[str, list]:
        """What the form prints, in the terms of ``forms.json`` (checked at start-up):

        - ``header``: the header lines' labels, and, on a form with a line table, the
          labels of the field sections above the table (5-8: 企业名称, 电话 …);
        - ``columns``: the line tables' columns (a group label before its sub-columns, then
          the 合计 row's label), or, on a form without a table, every label of its body in
          order: section titles, field labels, an amount's 大写/小写, every check-box option,
          sign-off titles and boxes (5-14);
        - ``footer``: the footer signatures, then the notes; ``groups``: group → sub-columns.
        """
        has_table = any(isinstance(p, LineTable) for p in self.body)
        header = [f.label for line in self.header for f in line.fields]
        columns: list[str] = []
        groups: dict[str, int] = {}
        table_seen = False
        for part in self.body:
            if isinstance(part, LineTable):
                table_seen = True
                columns += _table_labels(part, groups)
            elif isinstance(part, Section) and has_table and not table_seen:
                header += [item.label for item in part.items]
            elif isinstance(part, Section):
                columns += [part.title] if part.title else []
                for item in part.items:
                    columns += _item_labels(item)
            elif isinstance(part, SignOffs):
                columns += [part.title] if part.title else []
                columns += [box.who for box in part.boxes]
        return {
            "header": header,
            "columns": columns,
            "footer": [f.label for f in self.footer] + list(self.notes),
            "groups": groups,
        }

    @property
    def list_register(self) -> Register:
        """The list of this form's documents: a register over the same selector."""
        register = getattr(self, "_list_register", None)
        if register is None:
            register = _list_register_for(self)
            self._list_register = register
        return register


def _header_text(field: Field, obj: Any) -> str:
    """``编号：DH-0001``; a label that is a caption in itself (``单位：万元``) prints as it is."""
    if "：" in field.label:
        return field.label
    return f"{field.label}：{field.text(obj) or BLANK}"


def _table_labels(table: LineTable, groups: dict[str, int]) -> list[str]:
    labels, previous = [], None
    for column in table.columns:
        if not column.label:  # the column of row labels (星期一 …) has no header
            continue
        if column.group in table.numbered_groups:
            if column.group != previous:
                labels.append(column.group)
            previous = column.group
            continue
        if column.group and column.group != previous:
            labels.append(column.group)
            groups.setdefault(column.group, 0)
        if column.group:
            groups[column.group] += 1
        labels.append(column.label)
        previous = column.group
    if table.totals and table.total_label not in labels:
        labels.append(table.total_label)
    return labels + list(table.row_labels)


def _item_labels(item: Field | Checks | Amount | TextBox) -> list[str]:
    if isinstance(item, Amount):
        return [item.label, "大写", "小写"]
    if isinstance(item, Checks):
        return [item.label, *(label for _value, label in item.pairs())]
    return [item.label]


def _list_register_for(document: Document) -> Register:
    def base_queryset(self, context: RegisterContext) -> QuerySet:
        return document.queryset(context.user)

    attrs = {
        "code": document.code,
        "title": document.title,
        "family": document.family,
        "model": document.model,
        "columns": (
            *document.list_columns,
            Column(
                gettext_lazy("Print / export"),
                value=lambda row: "",
                name=FILES_KEY,
                orderable=False,
                width=12,
            ),
        ),
        "filterset_class": document.list_filterset_class,
        "period": document.list_period,
        "period_field": document.list_period_field,
        "default_ordering": tuple(document.list_ordering),
        "help_text": document.list_help_text,
        "in_monthly_workbook": False,
        "can_open": lambda self, user: document.can_open(user),
        "base_queryset": base_queryset,
        "annotate": lambda self, queryset, context: document.list_annotate(queryset),
        "get_absolute_url": lambda self: document.get_absolute_url(),
        "row_url": lambda self, row, context: document.list_row_url(row, context.user),
        "actions": lambda self, user: document.actions(user),
        "document": document,
    }
    return type(f"{type(document).__name__}List", (Register,), attrs)()


__all__ = [
    "BLANK",
    "FILES_KEY",
    "Amount",
    "Checks",
    "Document",
    "Field",
    "HeaderLine",
    "LineTable",
    "ObjectRow",
    "RenderedDocument",
    "Section",
    "SignOff",
    "SignOffs",
    "TextBox",
    "print_context",
    "truncation_note",
]
