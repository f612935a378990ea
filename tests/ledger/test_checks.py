"""``manage.py check`` reports a broken register declaration, one rule at a time."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.http import QueryDict
from openpyxl import load_workbook

from ledger.engine import Column, Family, HeaderField, Kind, Register, site
from ledger.engine.base import RegisterContext
from ledger.engine.excel import new_workbook, write_register
from ledger.engine.query import run_query
from ledger.models import Customer, Product
from ledger.registers import ProductRegister
from tests.factories import CustomerFactory

COLUMNS_57 = ProductRegister.columns


def declare(code="5-7", title="产品记录表", columns=COLUMNS_57, **attrs):
    """A register class like 表5-7's, changed by ``attrs``."""
    attrs = {
        "code": code,
        "title": title,
        "family": Family.SALES,
        "model": Product,
        "columns": columns,
        "header_fields": (HeaderField("编号"),),
        "footer": ("复核", "填制"),
        "can_open": lambda self, user: True,
        "base_queryset": lambda self, context: Product.objects.all(),
        **attrs,
    }
    return type("Declared", (Register,), attrs)


@pytest.fixture
def swap():
    """Put a declaration in the site in place of the one with its code, for one test."""
    saved = dict(site._registry)

    def put(declaration_class):
        site.unregister(declaration_class.code)
        site.register(declaration_class)

    yield put
    site._registry.clear()
    site._registry.update(saved)


def ids(messages, prefix="ledger.E"):
    return sorted({m.id for m in messages if m.id.startswith(prefix)})


def test_the_shipped_declarations_pass():
    # (ledger.W001/W002 are about the machine's fonts, not the declarations.)
    assert ids(run_checks(tags=["ledger"]), "ledger.E") == []
    assert ids(run_checks(tags=["ledger"]), "ledger.W1") == []


def test_a_true_copy_of_57_passes(swap):
    swap(declare())
    assert ids(run_checks(tags=["ledger"])) == []


def test_manage_py_check_fails_on_a_broken_declaration(swap):
    swap(declare(columns=(*COLUMNS_57[:-1], Column("备注", "remark"))))
    with pytest.raises(SystemCheckError, match=r"ledger\.E101"):
        call_command("check", stdout=io.StringIO(), stderr=io.StringIO())


def test_a_column_over_a_missing_field(swap):
    swap(declare(columns=(*COLUMNS_57[:-1], Column("备注", "remark"))))
    messages = run_checks(tags=["ledger"])
    assert ids(messages) == ["ledger.E101"]
    assert "'remark' is not a field of Product" in messages[-1].msg


def test_a_sort_path_over_a_missing_field(swap):
    broken = Column("备注", "remarks", order_by="remarks__nope")
    swap(declare(columns=(*COLUMNS_57[:-1], broken)))
    assert ids(run_checks(tags=["ledger"])) == ["ledger.E101"]


def test_a_declared_annotation_is_a_field(swap):
    columns = (*COLUMNS_57[:-1], Column("备注", "remark_text"))
    swap(declare(columns=columns, annotations=("remark_text",)))
    assert ids(run_checks(tags=["ledger"])) == []


@pytest.mark.parametrize(
    "column",
    [
        Column("备注", "remarks", kind=Kind.DATE),  # a date column over text
        Column("备注", "name", kind=Kind.MONEY, name="x"),  # an amount over text
        Column("备注", "is_active", kind=Kind.INT),  # a number over yes/no
    ],
)
def test_a_kind_that_cannot_show_its_field(swap, column):
    swap(declare(columns=(*COLUMNS_57[:-1], column)))
    assert ids(run_checks(tags=["ledger"])) == ["ledger.E102"]


def test_a_date_column_over_a_moment_fits(swap):
    swap(declare(columns=(*COLUMNS_57[:-1], Column("备注", "updated_at", kind=Kind.DATE))))
    assert ids(run_checks(tags=["ledger"])) == []


def test_column_keys_are_unique(swap):
    columns = (*COLUMNS_57[:-1], Column("备注", "remarks", name="code"))
    swap(declare(columns=columns))
    assert ids(run_checks(tags=["ledger"])) == ["ledger.E103"]


def test_a_code_that_is_no_form(swap):
    swap(declare(code="5-99"))
    assert ids(run_checks(tags=["ledger"])) == ["ledger.E104"]


def test_a_title_not_as_on_paper(swap):
    swap(declare(title="产品目录"))
    assert ids(run_checks(tags=["ledger"])) == ["ledger.E105"]


def test_a_document_declared_as_a_register(swap):
    # 表5-8 is a document on paper; only its code, title and kind are wrong here, so the
    # labels are its own (taken from forms.json).
    from ledger.catalog import paper_forms

    form = paper_forms()["5-8"]
    declared = declare(
        code="5-8",
        title=form.title,
        paper_labels=lambda self: {},
    )
    swap(declared)
    assert ids(run_checks(tags=["ledger"])) == ["ledger.E106"]


def test_column_labels_not_as_on_paper(swap):
    columns = (*COLUMNS_57[:-1], Column("说明", "remarks"))
    swap(declare(columns=columns))
    messages = run_checks(tags=["ledger"])
    assert ids(messages) == ["ledger.E107"]


def test_header_fields_not_as_on_paper(swap):
    swap(declare(header_fields=(HeaderField("年度"),)))
    assert ids(run_checks(tags=["ledger"])) == ["ledger.E108"]


def test_footer_not_as_on_paper(swap):
    swap(declare(footer=("复核",)))
    assert ids(run_checks(tags=["ledger"])) == ["ledger.E109"]


def test_a_group_over_the_wrong_columns(swap):
    # 单价 over 批发 only: the labels still read 单价 批发 零售 … but the group is wrong.
    columns = tuple(
        Column(c.label, c.field, kind=c.kind) if c.label == "零售" else c for c in COLUMNS_57
    )
    swap(declare(columns=columns))
    assert ids(run_checks(tags=["ledger"])) == ["ledger.E110"]


def test_a_form_in_the_wrong_family(swap):
    swap(declare(family=Family.CUSTOMERS))
    assert ids(run_checks(tags=["ledger"])) == ["ledger.E111"]


def test_a_month_field_that_is_no_date(swap):
    swap(declare(month_field="name"))
    assert ids(run_checks(tags=["ledger"])) == ["ledger.E112"]


# --- a date column over a moment prints the local date, in the list and in Excel -------


class UpdatedOn(Register):
    code = "updated-on"
    title = "客户更新日期"
    family = Family.CUSTOMERS
    model = Customer
    columns = (Column("客户名称", "name"), Column("更新日期", "updated_at", kind=Kind.DATE))

    def can_open(self, user):
        return True

    def base_queryset(self, context):
        return Customer.objects.all()


@pytest.mark.django_db
def test_a_date_column_over_a_datetime_is_the_local_date_in_excel(admin_user):
    customer = CustomerFactory(name="深夜客户")
    # 16:30 UTC on 30 November is 00:30 on 1 December in Shanghai.
    moment = datetime.datetime(2026, 11, 30, 16, 30, tzinfo=datetime.UTC)
    Customer.objects.filter(pk=customer.pk).update(updated_at=moment)
    query = run_query(UpdatedOn(), RegisterContext(user=admin_user, params=QueryDict()))
    row = next(iter(query.queryset))
    assert query.columns[1].text(row) == "2026-12-01"
    workbook = new_workbook()
    write_register(workbook, query)
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).worksheets[-1]
    cells = [c.value for r in sheet.iter_rows() for c in r]
    assert datetime.datetime(2026, 12, 1, 0, 0) in cells
    assert moment.astimezone(ZoneInfo("Asia/Shanghai")).date() == datetime.date(2026, 12, 1)
