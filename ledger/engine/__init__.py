"""The register engine: one declaration per 表 renders the list, the Excel sheet, the PDF
and the monthly workbook.

A family app declares its registers in ``<app>/registers.py``::

    from ledger.engine import Column, Kind, Register, site

    @site.register
    class ProductRegister(Register):
        code = "5-7"
        title = "产品记录表"
        columns = (Column("产品编号", "code"), Column("批发", "wholesale_price",
                   kind=Kind.MONEY, group="单价"), ...)

        def can_open(self, user): ...
        def base_queryset(self, user): return products_visible_to(user)

and names its family once, with the menu label and its URLs::

    site.add_family(Family.SALES, label=_("Sales ledgers"), app="sales", url_prefix="sales")

Shapes: ``Column(expr=Sum(…), name=…)`` for figures the database computes, ``totals``
for a 合计 row, ``group_by`` for one row per group, ``period = PeriodKind.MONTH`` (with
``period_field``), ``row_group = RowGroup((("计划", "plan"), ("实际", "actual")))`` and
``*month_columns(group, "{row}_m{month}", name="m")`` — see docs/decisions.md.

Documents (one record printed as its own form, ``Document``) register with the same
``site`` from the app's ``documents.py``: the index, the menus and the start-up checks list
registers and documents together, in 表 order.

``ledger`` discovers those modules at start-up and never imports a family app itself.
"""

from ledger.engine.base import Access, Face, Family, HeaderField, Register, RegisterSite, site
from ledger.engine.columns import Column, Kind, month_columns
from ledger.engine.documents import (
    Amount,
    Checks,
    Document,
    Field,
    HeaderLine,
    LineTable,
    Section,
    SignOff,
    SignOffs,
    TextBox,
)
from ledger.engine.periods import PeriodKind
from ledger.engine.shapes import RowGroup, row_label_column

__all__ = [
    "Access",
    "Amount",
    "Checks",
    "Column",
    "Document",
    "Face",
    "Family",
    "Field",
    "HeaderField",
    "HeaderLine",
    "Kind",
    "LineTable",
    "PeriodKind",
    "Register",
    "RegisterSite",
    "RowGroup",
    "Section",
    "SignOff",
    "SignOffs",
    "TextBox",
    "month_columns",
    "row_label_column",
    "site",
]
