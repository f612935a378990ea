"""Register declarations and the site that collects them."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from django.http import QueryDict
from django.urls import reverse

from ledger.engine.columns import Column, Kind
from ledger.engine.periods import Period, PeriodKind, parse_month, parse_period
from ledger.engine.shapes import RowGroup
from ledger.engine.signatures import REVIEW_LABELS

if TYPE_CHECKING:
    from accounts.models import User


class Family(enum.StrEnum):
    """The families of forms, as ``forms.json`` names them (in menu order).

    Only the names live here: each family app declares its menu label, its URLs and its
    registers itself (``site.add_family`` in its ``registers.py``).
    """

    CUSTOMERS = "customers"
    SALES = "sales"
    CONTRACTS = "contracts"
    VISITS = "visits"

    @property
    def label(self) -> str:
        spec = site.families.get(self)
        return str(spec.label) if spec else self.value


class Face(enum.StrEnum):
    """The ways a declaration is shown: each is a permission of its own."""

    OPEN = "open"  # the list page (a document: its list and its page)
    EXPORT = "export"  # Excel: the register's sheet, the monthly workbook's sheet
    PRINT = "print"  # PDF


class Access:
    """Who may open, export and print a declaration, and which columns a role sees.

    The protocol shared by registers and documents (``ledger.engine.documents``): every
    declaration says ``can_open(user)``; ``can_export`` and ``can_print`` default to it
    and are overridden where a role may read a form but not take it away. Columns carry
    their own rule (``Column(..., visible=rule)``, ``rule(context) -> bool``): a column
    without a rule is seen by everyone who may open the form. The views call
    ``allows(face, user)`` and nothing else, so a declaration is the one place to read who
    may do what, and the role × form × face test is generated from it.

    A document declaration subclasses ``Access`` too, sets ``kind = "document"`` and
    registers with the same ``site`` (``@site.register``): the menus, the register index and
    the start-up checks then list it in 表 order beside the registers (it needs ``code``,
    ``title``, ``family``, ``code_label`` and ``get_absolute_url()``; ``paper_labels()`` where
    its layout is not a column list, see ``ledger.checks.paper_labels``).
    """

    code: ClassVar[str]
    # Exports and prints of a form with customer data are written to the access log
    # (``ledger.supervision``); master data without any (the product record) says False.
    carries_customer_data: ClassVar[bool] = True

    @property
    def sort_key(self) -> tuple:
        return form_sort_key(self.code)

    @property
    def is_form(self) -> bool:
        """Declarations numbered 表5-x print with their code."""
        return self.code[:1].isdigit()

    @property
    def code_label(self) -> str:
        return f"表{self.code}" if self.is_form else ""

    def can_open(self, user: User) -> bool:
        raise NotImplementedError

    def can_export(self, user: User) -> bool:
        return self.can_open(user)

    def can_print(self, user: User) -> bool:
        return self.can_open(user)

    def allows(self, face: Face, user: User) -> bool:
        if not (user.is_authenticated and user.is_active):
            return False
        if face == Face.OPEN:
            return bool(self.can_open(user))
        # Exporting or printing what one may not open is never allowed.
        if not self.can_open(user):
            return False
        return bool(self.can_export(user) if face == Face.EXPORT else self.can_print(user))

    def columns_for(self, context: RegisterContext) -> tuple[Column, ...]:
        """The declared columns whose rule lets ``context`` (its user, its scope) see them."""
        return tuple(c for c in self.columns if _column_visible(c, context))


def _column_visible(column: Column, context: RegisterContext) -> bool:
    rule = getattr(column, "visible", None)
    return rule is None or bool(rule(context))


@dataclass(frozen=True)
class FamilySpec:
    """What a family app contributes besides its forms: its menu label, its URLs (the
    app's ``urls.py``, mounted at ``/<url_prefix>/``) and further menu links."""

    family: Family
    label: Any
    app: str
    url_prefix: str = ""
    links: Callable[[User], list[tuple[str, str]]] | None = None


@dataclass(frozen=True)
class HeaderField:
    """A field printed above the table (``编号：``, ``年度：``).

    ``value`` computes what is printed after the label from the register context; a
    field without a value prints an empty line to be filled in by hand, as on paper.
    """

    label: str
    value: Callable[[RegisterContext], str] | None = None

    def text(self, context: RegisterContext, blank: str = "＿＿＿＿＿＿", known: str = "") -> str:
        """``编号：HT-2026-0001``, or ``编号：＿＿＿`` to fill in by hand. A label that is a
        caption in itself (``单位：万元``) prints as it is. ``known`` is what the context
        knows of the field (the period, the department …: ``shapes.header_texts``)."""
        if "：" in self.label:
            return self.label
        value = self.value(context) if self.value else known
        return f"{self.label}：{value or blank}"


@dataclass
class RegisterContext:
    """Who is looking at a register, with which filters."""

    user: User
    params: QueryDict
    month: str | None = None  # "YYYY-MM" when rendered for the monthly workbook
    period: Period | None = None  # set by run_query for a register with a period


class Register(Access):
    """The declaration of one register (台账) or report; subclass and fill in.

    Required: ``code``, ``title``, ``family``, ``model``, ``columns``, ``can_open`` and
    ``base_queryset``. The rest has defaults. Permissions follow ``Access``;
    ``manage.py check`` verifies the declaration (``ledger/checks.py``).
    """

    kind: ClassVar[str] = "register"  # forms.json's kind; a Document says "document"

    code: ClassVar[str]
    title: ClassVar[str]
    family: ClassVar[Family]
    model: ClassVar[type[Model]]
    columns: ClassVar[Sequence[Column]]
    header_fields: ClassVar[Sequence[HeaderField]] = ()
    footer: ClassVar[Sequence[str]] = ()
    notes: ClassVar[Sequence[str]] = ()
    help_text: ClassVar[str] = ""
    orientation: ClassVar[str] = "landscape"  # or "portrait"
    filterset_class: ClassVar[type | None] = None
    default_ordering: ClassVar[Sequence[str]] = ("pk",)
    # The date field that places a row in a month (monthly workbook); None means the
    # register is master data and the workbook holds it as it stands at export time.
    month_field: ClassVar[str | None] = None
    in_monthly_workbook: ClassVar[bool] = True
    # Extra values fetched for every row (e.g. the pk for links).
    extra_values: ClassVar[Sequence[str]] = ("pk",)
    # Names that ``annotate()`` adds to the rows: columns may read them as fields.
    annotations: ClassVar[Sequence[str]] = ()

    # --- shapes: period, grouped rows, totals, row groups ------------------------------
    # The query applies them (query.py); every face prints them.
    # The period the register covers (?period=, default the current one) and the date
    # field that places a row in it (default ``month_field``).
    period: ClassVar[PeriodKind] = PeriodKind.NONE
    period_field: ClassVar[str | None] = None
    # An aggregate report: one row per value of these fields (``.values(*group_by)``),
    # its figures ``Column(expr=Sum(…))`` computed by the database.
    group_by: ClassVar[Sequence[str]] = ()
    # Keys of the columns summed in a 合计 row (over every filtered row, one query).
    totals: ClassVar[Sequence[str]] = ()
    totals_label: ClassVar[str] = "合计"
    # One entity printed as several rows (表5-27: 计划 / 实际).
    row_group: ClassVar[RowGroup | None] = None

    # --- supervision ------------------------------------------------------------------
    # Footer labels the review of the printed period signs (``ledger.engine.signatures``).
    review_labels: ClassVar[Sequence[str]] = REVIEW_LABELS

    def __init__(self):
        self._bind_choices()

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    # --- to override ------------------------------------------------------------------
    def base_queryset(self, context: RegisterContext) -> QuerySet:
        """The rows ``context.user`` may see: always a selector, never a bare manager."""
        raise NotImplementedError

    def annotate(self, queryset: QuerySet, context: RegisterContext) -> QuerySet:
        return queryset

    def get_columns(self, context: RegisterContext) -> Sequence[Column]:
        """The columns shown to ``context``: by default each column's ``visible`` rule."""
        return self.columns_for(context)

    def row_url(self, row: Mapping[str, Any], context: RegisterContext) -> str | None:
        return None

    def actions(self, user: User) -> list[tuple[str, str]]:
        """Buttons shown above the list: (label, url)."""
        return []

    def variants(self, context: RegisterContext) -> list[tuple[str, str, bool]]:
        """Alternative views of the same register: (label, query string, active)."""
        return []

    def display_title(self, context: RegisterContext) -> str:
        return self.title

    def footer_values(self, context: RegisterContext) -> Mapping[str, str]:
        """What is known of the footer signatures (``{"填表": "张三 2026-11-30"}``): printed
        after their labels in the PDF and the sheet; a signature not named stays a blank to
        sign by hand. A review of the period (``engine.signatures``) fills the 审核 / 复核
        labels this leaves empty."""
        return {}

    def review_period(self, context: RegisterContext) -> str:
        """The period a review of what ``context`` shows covers, as the query string names
        it: the register's period (``2026-11``, ``2026``), else for a register placed in
        months the month asked for (``?month=``, the monthly workbook's month), else
        ``""`` (master data: the register as it stands)."""
        if self.period != PeriodKind.NONE:
            period = context.period or parse_period(self.period, context.params.get("period"))
            return period.value if period else ""
        if self.month_field:
            month = context.month or context.params.get("month", "")
            return month if parse_month(month) else ""
        return ""

    def review_subject(self, context: RegisterContext) -> int | None:
        """The salesperson whose ledger is shown (``?owner=``), for a review of one
        person's ledger; None for the register as a whole."""
        value = context.params.get("owner", "")
        return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None

    # --- derived ----------------------------------------------------------------------
    def get_absolute_url(self) -> str:
        return reverse("register-list", args=[self.code])

    def _bind_choices(self) -> None:
        """Show choice fields by their labels: look each column's field up on the model."""
        bound = []
        for col in self.columns:
            if col.choices is None and col.field and col.kind == Kind.TEXT:
                choices = _field_choices(self.model, col.field)
                if choices:
                    col = replace(col, choices=choices)
            bound.append(col)
        self.columns = tuple(bound)


def _field_choices(model: type[Model], path: str) -> dict | None:
    current = model
    parts = path.split("__")
    for i, part in enumerate(parts):
        try:
            field = current._meta.get_field(part)
        except Exception:
            return None
        if i < len(parts) - 1:
            if not field.is_relation:
                return None
            current = field.related_model
        elif field.choices:
            return dict(field.flatchoices)
    return None


def form_sort_key(code: str) -> tuple:
    """表 order: the registry's own registers first, then 5-2 < 5-3 < … < 5-10 < 5-11."""
    parts = code.split("-")
    if all(p.isdigit() for p in parts):
        return (1, *(int(p) for p in parts))
    return (0,)


class RegisterSite:
    """Every declaration (registers and documents), by code, and the families that
    contribute them. Family apps add theirs from ``registers.py``, which ``ledger``
    discovers at start-up (``LedgerConfig.ready``) as the admin discovers ``admin.py``.

    Iterating gives the registers in 表 order; ``documents()`` the documents.
    """

    def __init__(self):
        self._registry: dict[str, Access] = {}
        self.families: dict[Family, FamilySpec] = {}

    def register(self, declaration_class: type) -> type:
        """Add a declaration; a code declared twice stops the start-up. Everything else
        about the declaration is verified by ``manage.py check`` (``ledger/checks.py``)."""
        code = declaration_class.code
        if code in self._registry:
            raise ImproperlyConfigured(f"{code} is declared twice")
        self._registry[code] = declaration_class()
        return declaration_class

    def unregister(self, code: str) -> None:
        self._registry.pop(code, None)

    def add_family(
        self,
        family: Family,
        *,
        label: Any,
        app: str,
        url_prefix: str = "",
        links: Callable[[User], list[tuple[str, str]]] | None = None,
    ) -> FamilySpec:
        """Declare a family's menu label, its app (whose ``urls.py`` is mounted at
        ``/<url_prefix>/`` when it exists) and further menu links ``links(user)``."""
        spec = FamilySpec(family, label, app, url_prefix, links)
        self.families[family] = spec
        return spec

    def _ordered(self) -> list[Access]:
        items = list(self._registry.values())
        return sorted(items, key=lambda d: d.sort_key)  # stable: registration order kept

    def get(self, code: str, kind: str = "register") -> Any:
        declaration = self._registry.get(code)
        if declaration is None or getattr(declaration, "kind", "register") != kind:
            return None
        return declaration

    def declarations(self) -> list[Access]:
        """Every declaration, registers and documents, in 表 order."""
        return self._ordered()

    def documents(self) -> list[Access]:
        return [d for d in self._ordered() if getattr(d, "kind", "") == "document"]

    def __iter__(self) -> Iterator[Register]:
        return iter([d for d in self._ordered() if getattr(d, "kind", "") != "document"])

    def __contains__(self, code: str) -> bool:
        return code in self._registry

    def visible_to(self, user: User, face: Face = Face.OPEN) -> list[Register]:
        return [r for r in self if r.allows(face, user)]

    def ordered_families(self) -> list[FamilySpec]:
        order = list(Family)
        return sorted(self.families.values(), key=lambda spec: order.index(spec.family))


site = RegisterSite()
