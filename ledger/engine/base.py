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
from django.utils.translation import gettext_lazy as _

from ledger.engine.columns import Column, Kind
from ledger.engine.periods import Period, PeriodKind
from ledger.engine.shapes import RowGroup

if TYPE_CHECKING:
    from accounts.models import User


class Family(enum.StrEnum):
    CUSTOMERS = "customers"
    SALES = "sales"
    CONTRACTS = "contracts"
    VISITS = "visits"

    @property
    def label(self) -> str:
        return str(FAMILY_LABELS[self])


FAMILY_LABELS = {
    Family.CUSTOMERS: _("Customer ledgers"),
    Family.SALES: _("Sales ledgers"),
    Family.CONTRACTS: _("Contract ledgers"),
    Family.VISITS: _("Visit ledgers"),
}


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


class Register:
    """The declaration of one register (台账) or report; subclass and fill in.

    Required: ``code``, ``title``, ``family``, ``model``, ``columns``, ``can_open`` and
    ``base_queryset``. The rest has defaults.
    """

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

    def __init__(self):
        self._bind_choices()

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    # --- to override ------------------------------------------------------------------
    def can_open(self, user: User) -> bool:
        raise NotImplementedError

    def base_queryset(self, context: RegisterContext) -> QuerySet:
        """The rows ``context.user`` may see: always a selector, never a bare manager."""
        raise NotImplementedError

    def annotate(self, queryset: QuerySet, context: RegisterContext) -> QuerySet:
        return queryset

    def get_columns(self, context: RegisterContext) -> Sequence[Column]:
        return self.columns

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

    # --- derived ----------------------------------------------------------------------
    @property
    def is_form(self) -> bool:
        """Registers numbered 表5-x print with their code."""
        return self.code[:1].isdigit()

    @property
    def code_label(self) -> str:
        return f"表{self.code}" if self.is_form else ""

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


class RegisterSite:
    """All registers, by code. Family apps add theirs from ``registers.py``."""

    def __init__(self):
        self._registry: dict[str, Register] = {}

    def register(self, register_class: type[Register]) -> type[Register]:
        code = register_class.code
        if code in self._registry:
            raise ImproperlyConfigured(f"register {code} is declared twice")
        keys = [c.key for c in register_class.columns]
        if len(keys) != len(set(keys)):
            raise ImproperlyConfigured(f"register {code}: column keys must be unique")
        self._registry[code] = register_class()
        return register_class

    def get(self, code: str) -> Register | None:
        return self._registry.get(code)

    def __iter__(self) -> Iterator[Register]:
        return iter(self._registry.values())

    def __contains__(self, code: str) -> bool:
        return code in self._registry

    def visible_to(self, user: User) -> list[Register]:
        return [r for r in self if r.can_open(user)]


site = RegisterSite()
