"""``manage.py check`` reports a broken register or document declaration, one rule at a
time."""

import dataclasses
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.http import QueryDict
from openpyxl import load_workbook

from ledger.engine import (
    Checks,
    Column,
    Document,
    Family,
    Field,
    HeaderField,
    HeaderLine,
    Kind,
    LineTable,
    Register,
    site,
)
from ledger.engine.base import RegisterContext
from ledger.engine.excel import new_workbook, write_register
from ledger.engine.query import run_query
from ledger.models import Customer, Product
from ledger.registers import ProductRegister
from tests.factories import CustomerFactory
from tests.ledger.document_proofs import PROOFS, AnnualPlanForm, ContractReviewForm, OrderForm

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


# --- documents: the same rules, and the labels of their own layout --------------------


def redeclare(document_class, **attrs):
    """A copy of a proof document with ``attrs`` changed."""
    return type(document_class.__name__, (document_class,), attrs)


def replace_part(parts, index, part):
    return (*parts[:index], part, *parts[index + 1 :])


ORDER_TABLE = OrderForm.body[1]
PLAN_TABLE = AnnualPlanForm.body[0]


def order_table(**changes):
    return redeclare(
        OrderForm, body=(OrderForm.body[0], dataclasses.replace(ORDER_TABLE, **changes))
    )


def test_the_document_proofs_and_the_customer_card_pass(swap):
    for proof in PROOFS:
        swap(proof)
    assert [d.code for d in site.documents()] == [
        "customer",
        "5-2",
        "5-4",
        "5-5",
        "5-8",
        "5-9",
        "5-10",
        "5-14",
        "5-15",
        "5-16",
        "5-29",
    ]
    assert (
        ids(run_checks(tags=["ledger"]), "ledger.") == []
        or ids(run_checks(tags=["ledger"]), "ledger.E") == []
    )
    assert ids(run_checks(tags=["ledger"]), "ledger.W1") == []


def test_manage_py_check_fails_on_a_broken_document(swap):
    swap(redeclare(OrderForm, title="订购单"))
    with pytest.raises(SystemCheckError, match=r"ledger\.E105"):
        call_command("check", stdout=io.StringIO(), stderr=io.StringIO())


def test_a_document_without_its_selector(swap):
    class NoSelector(Document):
        code = "5-8"
        title = "订货单"
        family = Family.SALES
        model = Customer
        paper_labels = lambda self: {}  # noqa: E731  (only the selector is wrong)

        def can_open(self, user):
            return True

    swap(NoSelector)
    assert ids(run_checks(tags=["ledger"])) == ["ledger.E113"]


def test_a_document_line_table_with_repeated_keys(swap):
    columns = (*ORDER_TABLE.columns[:-1], Column("总价", "price", kind=Kind.MONEY))
    swap(order_table(columns=columns, totals=("qty",)))
    assert ids(run_checks(tags=["ledger"])) == ["ledger.E103"]


def test_a_document_total_that_names_no_column(swap):
    swap(order_table(totals=("qty", "sum")))
    messages = run_checks(tags=["ledger"])
    assert ids(messages) == ["ledger.E114"]
    assert "['sum']" in messages[0].msg


def test_a_register_code_declared_as_a_document(swap):
    swap(redeclare(OrderForm, code="5-7", title="产品记录表", paper_labels=lambda self: {}))
    assert ids(run_checks(tags=["ledger"])) == ["ledger.E106"]


def test_a_document_title_not_as_on_paper(swap):
    swap(redeclare(OrderForm, title="订购单"))
    assert ids(run_checks(tags=["ledger"])) == ["ledger.E105"]


def test_a_document_in_the_wrong_family(swap):
    swap(redeclare(ContractReviewForm, family=Family.SALES))
    assert ids(run_checks(tags=["ledger"])) == ["ledger.E111"]


def test_a_document_line_column_not_as_on_paper(swap):
    columns = (*ORDER_TABLE.columns[:-1], Column("金额", "amount", kind=Kind.MONEY))
    swap(order_table(columns=columns))
    assert ids(run_checks(tags=["ledger"])) == ["ledger.E107"]


def test_a_document_line_table_without_its_total_row(swap):
    swap(order_table(totals=()))  # the paper's 合计 row is missing
    assert ids(run_checks(tags=["ledger"])) == ["ledger.E107"]


def test_a_document_section_label_not_as_on_paper(swap):
    section = ContractReviewForm.body[0]
    version = section.items[2]
    options = (("tender", "标书要求"), ("customer", "客户版本"), ("company", "公司合同"))
    items = replace_part(section.items, 2, dataclasses.replace(version, options=options))
    body = replace_part(ContractReviewForm.body, 0, dataclasses.replace(section, items=items))
    swap(redeclare(ContractReviewForm, body=body))
    messages = run_checks(tags=["ledger"])
    assert ids(messages) == ["ledger.E107"]
    assert "公司合同" in messages[0].msg


def test_a_document_header_not_as_on_paper(swap):
    swap(redeclare(OrderForm, header=(HeaderLine(Field("编号")),)))
    assert ids(run_checks(tags=["ledger"])) == ["ledger.E108"]


def test_a_document_field_section_above_its_table_is_header(swap):
    section = dataclasses.replace(OrderForm.body[0], items=OrderForm.body[0].items[:3])
    swap(redeclare(OrderForm, body=(section, ORDER_TABLE)))  # 负责人 is missing
    assert ids(run_checks(tags=["ledger"])) == ["ledger.E108"]


def test_a_document_footer_not_as_on_paper(swap):
    swap(redeclare(OrderForm, footer=(Field("承办人"),)))
    assert ids(run_checks(tags=["ledger"])) == ["ledger.E109"]


def test_document_notes_not_as_on_paper(swap):
    swap(redeclare(ContractReviewForm, notes=ContractReviewForm.notes[:-1]))
    assert ids(run_checks(tags=["ledger"])) == ["ledger.E109"]


def test_a_document_group_over_the_wrong_columns(swap):
    # 合计 over 数量 only: the labels still read 合计 数量 金额, but the group is wrong.
    columns = tuple(
        dataclasses.replace(c, group=None) if c.key == "total_amount" else c
        for c in PLAN_TABLE.columns
    )
    swap(redeclare(AnnualPlanForm, body=(dataclasses.replace(PLAN_TABLE, columns=columns),)))
    messages = run_checks(tags=["ledger"])
    assert ids(messages) == ["ledger.E110"]


def test_a_document_reads_its_labels_in_the_terms_of_forms_json():
    labels = ContractReviewForm().paper_labels()
    assert labels["columns"][:8] == [
        "签约单位",
        "合同金额",
        "大写",
        "小写",
        "合同版本",
        "标书要求",
        "客户版本",
        "公司格式合同",
    ]
    assert isinstance(ContractReviewForm.body[0].items[2], Checks)
    assert OrderForm().paper_labels()["header"] == [
        "编号",
        "日期",
        "企业名称",
        "电话",
        "地址",
        "负责人",
    ]
    assert isinstance(ORDER_TABLE, LineTable)


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
