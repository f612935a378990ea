"""Document declarations: one record printed as its own form (订货单, 评审表, the customer card).

A ``Document`` sits beside ``Register``. It declares the object selector (fetch and
authorise in one call), the header fields, the body — field grids, check-box lines,
amounts in 大写 and 小写, text boxes, line tables with their 合计, sign-off boxes — and
the footer signatures and notes. The engine turns one object into a ``RenderedDocument``
that the print template, the Excel writer and the screen all read, so the faces cannot
disagree and every label is written once, in the declaration::

    @documents.register
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

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models import Model, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ledger.engine.amounts import rmb_upper
from ledger.engine.base import Family, Register, RegisterContext
from ledger.engine.columns import Column, Kind, format_value

if TYPE_CHECKING:
    from accounts.models import User

Accessor = str | Callable[[Any], Any] | None
BLANK = "＿＿＿＿＿＿"
FILES_KEY = "files"  # the list's column of links to each document's PDF (and workbook)
CHECKED, UNCHECKED = "■", "□"


# --- reading values from an object ------------------------------------------------------
def resolve(obj: Any, path: str) -> Any:
    """``owner__department`` on a model, a dataclass or a dict. A choice field reads as
    its label (``get_kind_display``); a related object as its text."""
    current = obj
    for part in path.split("__"):
        if current is None:
            return None
        if isinstance(current, Mapping):
            current = current.get(part)
            continue
        if isinstance(current, Model):
            try:
                model_field = current._meta.get_field(part)
            except FieldDoesNotExist:
                model_field = None
            if model_field is not None and getattr(model_field, "choices", None):
                current = getattr(current, f"get_{part}_display")()
                continue
        current = getattr(current, part, None)
    if isinstance(current, Model):
        return str(current)
    return current


def read(obj: Any, accessor: Accessor) -> Any:
    if accessor is None:
        return None
    if callable(accessor):
        return accessor(obj)
    return resolve(obj, accessor)


class ObjectRow(Mapping):
    """An object seen as a row of a line table: ``Column.field`` paths resolve on it."""

    def __init__(self, obj: Any):
        self.obj = obj

    def __getitem__(self, key: str) -> Any:
        return resolve(self.obj, key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def get(self, key, default=None):
        value = self[key]
        return default if value is None else value


def value_text(value: Any, kind: Kind = Kind.TEXT) -> str:
    if isinstance(value, datetime.datetime) and kind == Kind.DATE:
        from django.utils import timezone

        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return format_value(value, kind)


# --- the parts of a declaration ---------------------------------------------------------
@dataclass(frozen=True)
class Field:
    """A labelled value: ``企业名称：某某公司``. Without a value it is a blank to fill by hand."""

    label: str
    value: Accessor = None
    kind: Kind = Kind.TEXT
    span: int = 1  # how many label/value slots of its grid line it takes

    def text(self, obj: Any) -> str:
        return value_text(read(obj, self.value), self.kind)


@dataclass(frozen=True)
class HeaderLine:
    """One line of header fields above the body (``编号：…　日期：…``)."""

    fields: tuple[Field, ...]

    def __init__(self, *fields: Field):
        object.__setattr__(self, "fields", tuple(fields))


@dataclass(frozen=True)
class Checks:
    """A check-box line printed with every option of the form: ``■预付款 □验收款 □质保金``.

    ``value`` gives the ticked option(s): one key, or a collection of keys. ``options``
    are labels, or (key, label) pairs when the stored key differs from the label.
    """

    label: str
    options: Sequence[str | tuple[Any, str]]
    value: Accessor = None

    def pairs(self) -> list[tuple[Any, str]]:
        return [o if isinstance(o, tuple) else (o, o) for o in self.options]

    def ticks(self, obj: Any) -> list[tuple[str, bool]]:
        chosen = read(obj, self.value)
        if chosen is None:
            chosen = set()
        elif isinstance(chosen, str) or not isinstance(chosen, Iterable):
            chosen = {chosen}
        else:
            chosen = set(chosen)
        return [(label, key in chosen) for key, label in self.pairs()]

    def text(self, obj: Any) -> str:
        return "　".join(f"{CHECKED if on else UNCHECKED}{label}" for label, on in self.ticks(obj))


@dataclass(frozen=True)
class Amount:
    """An amount printed twice, as on a contract: ``大写：壹万元整　小写：¥10,000.00``."""

    label: str
    value: Accessor = None

    def parts(self, obj: Any) -> tuple[str, str]:
        amount = read(obj, self.value)
        if amount is None or amount == "":
            return "", ""
        return rmb_upper(amount), f"¥{format_value(Decimal(amount), Kind.MONEY)}"


@dataclass(frozen=True)
class TextBox:
    """A free-text box (``合同关键条款描述``), at least ``lines`` lines high on paper."""

    label: str
    value: Accessor = None
    lines: int = 3

    def text(self, obj: Any) -> str:
        return value_text(read(obj, self.value))


@dataclass(frozen=True)
class Section:
    """A titled grid of labelled parts: fields ``columns`` to a line; a check-box line, an
    amount or a text box takes a line of its own."""

    title: str | None
    items: Sequence[Field | Checks | Amount | TextBox]
    columns: int = 2
    key: str = ""  # an anchor for the screen (``basic``)


@dataclass(frozen=True)
class LineTable:
    """The table of a document: one row per line, a 合计 row, blank rows to the paper's
    minimum, and a note when only the first ``limit`` lines are shown.

    ``rows(obj)`` returns a queryset, a list of objects or a list of dicts; column fields
    resolve on each (see ``resolve``). With ``limit`` the engine fetches ``limit + 1``
    lines and counts the rest only when there are more.
    """

    title: str | None
    columns: Sequence[Column]
    rows: Callable[[Any], Any]
    totals: Sequence[str] = ()  # keys of the columns summed in the 合计 row
    total_label: str = "合计"
    min_rows: int = 0
    limit: int | None = None
    key: str = ""
    sheet_title: str | None = None  # the sheet's name when each table has its own sheet


@dataclass(frozen=True)
class SignOff:
    """One sign-off box: who signs (a role or a department), their opinion, 签字, 日期.

    ``value(obj)`` returns a mapping with ``opinion``, ``comment``, ``signer`` and
    ``date`` (any may be missing: the box is then left to fill in by hand).
    """

    who: str
    value: Callable[[Any], Mapping[str, Any] | None] | None = None


@dataclass(frozen=True)
class SignOffs:
    title: str | None
    boxes: Sequence[SignOff]
    opinions: Sequence[str] = ("同意", "不同意")


Part = Section | LineTable | SignOffs


# --- what one object looks like on paper ------------------------------------------------
@dataclass
class RenderedTable:
    table: LineTable
    columns: list[Column]
    rows: list[list[str]]
    typed_rows: list[list[Any]]
    total_row: list[str] | None
    typed_total: list[Any] | None
    blank_rows: int
    shown: int
    total: int

    @property
    def note(self) -> str:
        return truncation_note(self.shown, self.total)


@dataclass
class RenderedSection:
    section: Section
    lines: list[list[dict]]  # cells: {"kind", "label", "text", ...}

    @property
    def slots(self) -> range:
        return range(self.section.columns)

    @property
    def facts(self) -> list[tuple[str, str]]:
        """(label, text) pairs in order: for a screen's definition list."""
        return [(c["label"], c["text"]) for line in self.lines for c in line]


@dataclass
class RenderedSignOffs:
    signoffs: SignOffs
    boxes: list[dict]


@dataclass
class RenderedDocument:
    document: Document
    obj: Any
    title: str
    header_lines: list[str]
    parts: list[RenderedSection | RenderedTable | RenderedSignOffs]
    footer: list[tuple[str, str]]
    notes: list[str]

    @property
    def sections(self) -> list[RenderedSection]:
        return [p for p in self.parts if isinstance(p, RenderedSection)]

    @property
    def tables(self) -> list[RenderedTable]:
        return [p for p in self.parts if isinstance(p, RenderedTable)]

    def table(self, key: str) -> RenderedTable:
        return next(t for t in self.tables if t.table.key == key)


def truncation_note(shown: int, total: int) -> str:
    """``仅显示最近 100 条，共 250 条`` when a table shows only its first lines."""
    if total <= shown:
        return ""
    return _("Showing only the latest %(shown)s of %(total)s entries") % {
        "shown": shown,
        "total": total,
    }


def _render_section(section: Section, obj: Any) -> RenderedSection:
    lines: list[list[dict]] = []
    line: list[dict] = []
    used = 0
    for item in section.items:
        if isinstance(item, Field):
            span = min(item.span, section.columns)
            if used + span > section.columns:
                lines.append(line)
                line, used = [], 0
            text = item.text(obj)
            line.append({"kind": "field", "label": item.label, "text": text, "span": span})
            used += span
            continue
        if line:
            lines.append(line)
            line, used = [], 0
        if isinstance(item, Checks):
            cell = {"kind": "checks", "label": item.label, "text": item.text(obj)}
            cell["ticks"] = item.ticks(obj)
        elif isinstance(item, Amount):
            words, figures = item.parts(obj)
            cell = {"kind": "amount", "label": item.label, "words": words, "figures": figures}
            cell["text"] = f"大写：{words}　小写：{figures}"
        else:
            cell = {"kind": "text", "label": item.label, "text": item.text(obj)}
            cell["lines"] = item.lines
        cell["span"] = section.columns
        lines.append([cell])
    if line:
        lines.append(line)
    for line in lines:
        # The last cell of a short line reaches the end of the grid.
        filled = sum(c["span"] for c in line)
        line[-1]["span"] += section.columns - filled
        for c in line:
            c["value_colspan"] = 2 * c["span"] - 1
    return RenderedSection(section, lines)


def fetch_lines(table: LineTable, obj: Any) -> tuple[list[Any], int]:
    """The lines a table shows (at most ``limit``) and how many there are in all."""
    source = table.rows(obj)
    if table.limit is None:
        rows = list(source)
        return rows, len(rows)
    rows = list(source[: table.limit + 1])
    if len(rows) <= table.limit:
        return rows, len(rows)
    total = source.count() if isinstance(source, QuerySet) else len(source)
    return rows[: table.limit], total


def _render_table(table: LineTable, obj: Any) -> RenderedTable:
    columns = list(table.columns)
    objects, total = fetch_lines(table, obj)
    rows, typed_rows = [], []
    sums: dict[str, Any] = dict.fromkeys(table.totals)
    for seq, item in enumerate(objects, start=1):
        row = _SeqRow(item, seq)
        typed = [col.typed(row) for col in columns]
        typed_rows.append(typed)
        rows.append([format_value(v, col.kind) for v, col in zip(typed, columns, strict=True)])
        for col, value in zip(columns, typed, strict=True):
            if col.key in sums and isinstance(value, int | Decimal | float):
                sums[col.key] = (sums[col.key] or 0) + value
    total_row = typed_total = None
    if table.totals:
        typed_total = [sums.get(col.key) if col.key in sums else None for col in columns]
        label_at = next(i for i, col in enumerate(columns) if col.key not in sums)
        typed_total[label_at] = table.total_label
        total_row = [
            v if isinstance(v, str) else format_value(v, col.kind)
            for v, col in zip(typed_total, columns, strict=True)
        ]
    return RenderedTable(
        table=table,
        columns=columns,
        rows=rows,
        typed_rows=typed_rows,
        total_row=total_row,
        typed_total=typed_total,
        blank_rows=max(table.min_rows - len(rows), 0),
        shown=len(rows),
        total=total,
    )


class _SeqRow(ObjectRow):
    def __init__(self, obj: Any, seq: int):
        super().__init__(obj)
        self.seq = seq

    def __getitem__(self, key: str) -> Any:
        return self.seq if key == "_seq" else super().__getitem__(key)


def _render_signoffs(part: SignOffs, obj: Any) -> RenderedSignOffs:
    boxes = []
    for box in part.boxes:
        entry = (box.value(obj) if box.value else None) or {}
        opinion = entry.get("opinion") or ""
        when = entry.get("date")
        boxes.append(
            {
                "who": box.who,
                "opinions": [(o, o == opinion) for o in part.opinions],
                "opinion_text": "　".join(
                    f"{CHECKED if o == opinion else UNCHECKED}{o}" for o in part.opinions
                ),
                "comment": entry.get("comment") or "",
                "signer": str(entry.get("signer") or ""),
                "date": f"{when:%Y年%m月%d日}" if when else "　　年　　月　　日",
            }
        )
    return RenderedSignOffs(part, boxes)


# --- the declaration --------------------------------------------------------------------
class Document:
    """The declaration of one document form; subclass and fill in.

    Required: ``code``, ``title``, ``family``, ``model``, ``can_open`` and ``queryset``
    (the selector of the objects a user may open). The permission protocol is the
    registers': ``can_open``, ``can_export`` and ``can_print`` (the last two default to
    ``can_open``); an object the user may not see answers 404, like a missing one.
    """

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

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    # --- to override ------------------------------------------------------------------
    def can_open(self, user: User) -> bool:
        raise NotImplementedError

    def can_export(self, user: User) -> bool:
        return self.can_open(user)

    def can_print(self, user: User) -> bool:
        return self.can_open(user)

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

    def list_empty_text(self) -> str:
        return _("No documents match.")

    def object_title(self, obj: Any) -> str:
        """The title of one printed object (and its file name)."""
        return f"{self.title}-{obj}"

    # --- derived ----------------------------------------------------------------------
    @property
    def is_form(self) -> bool:
        return self.code[:1].isdigit()

    @property
    def code_label(self) -> str:
        return f"表{self.code}" if self.is_form else ""

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
        return [_render_section(p, obj) for p in self.body if isinstance(p, Section)]

    def render(self, obj: Any) -> RenderedDocument:
        parts: list[RenderedSection | RenderedTable | RenderedSignOffs] = []
        for part in self.body:
            if isinstance(part, Section):
                parts.append(_render_section(part, obj))
            elif isinstance(part, LineTable):
                parts.append(_render_table(part, obj))
            else:
                parts.append(_render_signoffs(part, obj))
        return RenderedDocument(
            document=self,
            obj=obj,
            title=self.title,
            header_lines=[
                "　　".join(f"{f.label}：{f.text(obj) or BLANK}" for f in line.fields)
                for line in self.header
            ],
            parts=parts,
            footer=[(f.label, f.text(obj)) for f in self.footer],
            notes=list(self.notes),
        )

    @property
    def list_register(self) -> Register:
        """The list of this form's documents: a register over the same selector."""
        register = getattr(self, "_list_register", None)
        if register is None:
            register = _list_register_for(self)
            self._list_register = register
        return register


def print_context(rendered: RenderedDocument, *, user: User) -> dict[str, Any]:
    """What templates/print/document.html needs: the rendered document, and for each
    line table its paper header (plain columns over both rows, a group label over its
    sub-columns) and its column widths."""
    from django.conf import settings
    from django.utils import timezone

    from ledger.engine.columns import header_grid

    tables = {}
    for table in rendered.tables:
        total = sum(c.display_width for c in table.columns) or 1
        tables[id(table)] = {
            "header_rows": header_grid(table.columns, staircase=False),
            "widths": [round(100 * c.display_width / total, 2) for c in table.columns],
            "classes": [_cell_class(c) for c in table.columns],
        }
    parts = []
    for part in rendered.parts:
        if isinstance(part, RenderedTable):
            layout = tables[id(part)]
            rows = [list(zip(row, layout["classes"], strict=True)) for row in part.rows]
            total_row = (
                list(zip(part.total_row, layout["classes"], strict=True))
                if part.total_row
                else None
            )
            parts.append(
                {
                    "kind": "table",
                    "part": part,
                    **layout,
                    "rows": rows,
                    "total_row": total_row,
                    "blank_rows": range(part.blank_rows),
                }
            )
        elif isinstance(part, RenderedSection):
            parts.append({"kind": "section", "part": part})
        else:
            parts.append({"kind": "signoffs", "part": part})
    document = rendered.document
    return {
        "doc": rendered,
        "title": rendered.title,
        "code_label": document.code_label,
        "parts": parts,
        "orientation": document.orientation,
        "font_family": settings.LEDGER_PDF_FONT_FAMILY,
        "printed_at": timezone.localtime(),
        "printed_by": user,
    }


def _cell_class(col: Column) -> str:
    if col.is_numeric:
        return "num"
    if col.kind in (Kind.DATE, Kind.DATETIME):
        return "date"
    return ""


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
        "default_ordering": tuple(document.list_ordering),
        "help_text": document.list_help_text,
        "in_monthly_workbook": False,
        "can_open": lambda self, user: document.can_open(user),
        "base_queryset": base_queryset,
        "annotate": lambda self, queryset, context: document.list_annotate(queryset),
        "get_absolute_url": lambda self: document.get_absolute_url(),
        "row_url": lambda self, row, context: document.list_row_url(row, context.user),
        "document": document,
    }
    return type(f"{type(document).__name__}List", (Register,), attrs)()


class DocumentSite:
    """All document forms, by code. Family apps add theirs from ``registers.py`` (or the
    app's ``documents.py``), as registers are added to ``site``."""

    def __init__(self):
        self._registry: dict[str, Document] = {}

    def register(self, document_class: type[Document]) -> type[Document]:
        code = document_class.code
        if code in self._registry:
            raise ImproperlyConfigured(f"document {code} is declared twice")
        for part in document_class.body:
            if isinstance(part, LineTable):
                keys = [c.key for c in part.columns]
                if len(keys) != len(set(keys)):
                    raise ImproperlyConfigured(f"document {code}: column keys must be unique")
                if set(part.totals) - set(keys):
                    raise ImproperlyConfigured(f"document {code}: a total names no column")
        self._registry[code] = document_class()
        return document_class

    def unregister(self, code: str) -> None:
        self._registry.pop(code, None)

    def get(self, code: str) -> Document | None:
        return self._registry.get(code)

    def __iter__(self) -> Iterator[Document]:
        return iter(self._registry.values())

    def __contains__(self, code: str) -> bool:
        return code in self._registry

    def visible_to(self, user: User) -> list[Document]:
        return [d for d in self if d.can_open(user)]


documents = DocumentSite()

__all__ = [
    "Amount",
    "Checks",
    "Document",
    "DocumentSite",
    "Field",
    "HeaderLine",
    "LineTable",
    "ObjectRow",
    "RenderedDocument",
    "Section",
    "SignOff",
    "SignOffs",
    "TextBox",
    "documents",
    "truncation_note",
]
