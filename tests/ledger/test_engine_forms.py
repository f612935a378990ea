"""The engine prints any register's labels in order, not only 表5-7's: stand-in registers
with the labels of 表5-11 (two groups with ungrouped columns between them) and of forms with
several header fields (5-20, 5-21, 5-24), filled from the product table."""

import io

import pytest
from django.http import QueryDict
from openpyxl import load_workbook

from ledger.catalog import paper_forms
from ledger.engine import Column, Family, HeaderField, Kind, Register
from ledger.engine.base import RegisterContext
from ledger.engine.excel import new_workbook, write_register
from ledger.engine.pdf import render_pdf
from ledger.engine.printing import register_print_context
from ledger.engine.query import run_query
from ledger.models import Product
from tests.factories import ProductFactory
from tests.formcheck import missing_labels

GROUPS = {
    "5-11": {
        "个人费用": ["薪津", "旅费", "其他", "合计"],
        "收款记录": ["应收", "实收", "未收"],
    },
}


def stand_in(code: str) -> Register:
    form = paper_forms()[code]
    groups = GROUPS.get(code, {})
    columns, labels = [], list(form.columns)
    i = 0
    while i < len(labels):
        label = labels[i]
        if label in groups:
            for sub in groups[label]:
                columns.append(
                    Column(
                        sub,
                        "wholesale_price",
                        kind=Kind.MONEY,
                        group=label,
                        name=f"c{len(columns)}",
                    )
                )
            i += 1 + len(groups[label])
        else:
            columns.append(Column(label, "name", name=f"c{len(columns)}"))
            i += 1

    class StandIn(Register):
        model = Product
        family = Family.SALES
        orientation = "landscape"

        def can_open(self, user):
            return True

        def base_queryset(self, context):
            return Product.objects.all()

    StandIn.code = code
    StandIn.title = form.title
    StandIn.header_fields = tuple(HeaderField(h.rstrip("：")) for h in form.header)
    StandIn.footer = tuple(form.footer)
    StandIn.columns = tuple(columns)
    return StandIn()


@pytest.mark.parametrize("code", ["5-11", "5-20", "5-21", "5-24"])
@pytest.mark.parametrize("rows", [0, 3, 30])
def test_grouped_forms_print_the_paper_header_in_pdf_and_excel(admin_user, code, rows):
    ProductFactory.create_batch(rows)
    register = stand_in(code)
    query = run_query(register, RegisterContext(user=admin_user, params=QueryDict()))
    pdf = render_pdf("print/register.html", register_print_context(query))
    assert missing_labels(code, pdf, "pdf") == []
    workbook = new_workbook()
    write_register(
        workbook, run_query(register, RegisterContext(user=admin_user, params=QueryDict()))
    )
    data = io.BytesIO()
    workbook.save(data)
    assert missing_labels(code, data.getvalue(), "xlsx") == []
    # The group labels are merged cells over their sub-columns.
    ws = load_workbook(io.BytesIO(data.getvalue())).active
    merged = {
        ws.cell(r.min_row, r.min_col).value: r.max_col - r.min_col + 1
        for r in ws.merged_cells.ranges
    }
    for group, subs in GROUPS.get(code, {}).items():
        assert merged[group] == len(subs)
