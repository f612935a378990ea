"""The contract registers 表5-17 … 5-25: labels as on paper (PDF and Excel), the rows each
holds, and who sees which rows."""

import datetime
import io
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from contracts.models import ContractStatus, ReviewBox
from contracts.services.records import (
    authorization_create,
    contract_archive,
    inspection_create,
    text_use_create,
)
from tests.contracts.records_state import (
    all_signers,
    make_contract,
    readable_contracts,
    sign_round,
)
from tests.formcheck import missing_labels, pdf_text

CODES = ["5-17", "5-18", "5-19", "5-20", "5-21", "5-22", "5-23", "5-24", "5-25"]
CHECK_FORM = Path(__file__).resolve().parents[3] / "shared" / "tools" / "check_form.py"


def run_check_form(code: str, data: bytes, suffix: str) -> None:
    """The project's copy of the company's checker, and the company's tool where it is."""
    assert missing_labels(code, data, suffix) == []
    if not CHECK_FORM.exists():
        return
    with tempfile.NamedTemporaryFile(suffix=f".{suffix}") as handle:
        handle.write(data)
        handle.flush()
        result = subprocess.run(
            [sys.executable, str(CHECK_FORM), code, handle.name], capture_output=True, text=True
        )
    assert result.returncode == 0, result.stdout + result.stderr


def rows_of(client, code, query="") -> list[list]:
    """The data rows of a register's Excel sheet (below the header)."""
    response = client.get(f"/registers/{code}/export.xlsx{query}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[-1]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def cells(client, code, query="") -> set:
    return {v for row in rows_of(client, code, query) for v in row if v is not None}


@pytest.fixture
def ledger(org):
    """Contracts of sales1 (销售一部) and sales3 (销售二部) with every kind of record."""
    one = make_contract(org.sales1, kind="order", lines=2, name="一部订货合同")
    three = make_contract(org.sales3, status=ContractStatus.COMPLETED, name="二部销售合同")
    done = make_contract(org.sales1, status=ContractStatus.COMPLETED, name="一部已完成合同")
    draft = make_contract(org.sales1, status=ContractStatus.DRAFT, signed_on=None, name="草稿合同")
    for contract in (one, three, done):
        sign_round(contract, all_signers(org))
    inspection_create(
        actor=org.assistant1,
        data={
            "contract": three,
            "inspected_on": datetime.date(2026, 5, 3),
            "items": "交货进度",
            "performance": "按期交货",
        },
    )
    archive = contract_archive(
        actor=org.assistant1,
        contract=done,
        data={"archived_on": datetime.date(2026, 11, 2), "copies": 2},
    )
    text_use_create(
        actor=org.assistant1,
        data={
            "text_name": "公司格式销售合同",
            "text_source": "合同管理部门",
            "copies": 2,
            "seal_name": "合同专用章",
            "user_name": "张伟",
            "used_on": datetime.date(2026, 4, 1),
        },
    )
    authorization_create(
        actor=org.assistant1,
        data={
            "department": "销售一部",
            "holder_name": "张伟",
            "issued_on": datetime.date(2026, 4, 1),
            "principal": "王建国",
            "agent": "张伟",
            "matter": "签订销售合同",
            "amount": Decimal("500000"),
            "valid_until": datetime.date(2026, 12, 31),
            "authority": "代表公司签订合同",
        },
    )
    return {"one": one, "three": three, "done": done, "draft": draft, "archive": archive}


@pytest.mark.parametrize("code", CODES)
def test_every_register_prints_and_exports_with_the_labels_of_its_paper_form(
    ledger, client, org, code
):
    client.force_login(org.admin)
    pdf = client.get(f"/registers/{code}/print.pdf?period=2026")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    run_check_form(code, pdf.content, "pdf")
    xlsx = client.get(f"/registers/{code}/export.xlsx?period=2026")
    assert xlsx.status_code == 200
    run_check_form(code, b"".join(xlsx.streaming_content), "xlsx")


def test_5_17_lists_every_line_of_the_contracts_signed_in_the_year(ledger, client, org):
    client.force_login(org.admin)
    make_contract(org.sales1, signed_on=datetime.date(2025, 6, 1), name="去年合同")
    numbers = [r[0] for r in rows_of(client, "5-17", "?period=2026") if str(r[0]).startswith("HT")]
    # Two lines of the order contract, one of each other signed contract; never the draft.
    assert sorted(numbers) == sorted(
        [ledger["one"].number] * 2 + [ledger["three"].number, ledger["done"].number]
    )
    last_year = cells(client, "5-17", "?period=2025")
    assert "去年合同" not in last_year  # 产品名称 … but the number is there
    assert any(str(v).startswith("HT-2025") for v in last_year)


def test_5_17_names_the_approving_general_manager_as_confirmer(ledger, client, org):
    client.force_login(org.admin)
    assert str(org.gm) in cells(client, "5-17", "?period=2026")


def test_5_18_holds_the_order_contracts_with_their_ordered_quantity(ledger, client, org):
    client.force_login(org.admin)
    rows = [r for r in rows_of(client, "5-18") if r[1] == ledger["one"].number]
    assert len(rows) == 1
    assert rows[0][6] == 4  # two lines of 2
    assert ledger["three"].number not in cells(client, "5-18")


def test_5_19_shows_the_archive_number_and_leaves_out_drafts(ledger, client, org):
    client.force_login(org.admin)
    rows = {r[2]: r for r in rows_of(client, "5-19") if str(r[2]).startswith("HT")}
    assert rows[ledger["done"].number][1] == ledger["archive"].number
    assert rows[ledger["one"].number][1] is None
    assert ledger["draft"].number not in rows


def test_5_20_has_one_row_per_department_decision(ledger, client, org):
    client.force_login(org.admin)
    rows = [r for r in rows_of(client, "5-20") if str(r[2]).startswith("HT")]
    assert len(rows) == 3 * 6
    assert {r[4] for r in rows if r[2] == ledger["one"].number} == set(ReviewBox.labels)


def test_5_20_shows_a_department_reviewer_only_their_own_box(org, client):
    contract = make_contract(org.sales1, status=ContractStatus.IN_REVIEW)
    signers = all_signers(org)
    sign_round(
        contract,
        {box: signers[box] for box in (ReviewBox.MANAGER, ReviewBox.QUALITY)},
        outcome="open",
    )
    client.force_login(org.quality1)
    rows = [r for r in rows_of(client, "5-20") if str(r[2]).startswith("HT")]
    assert [r[4] for r in rows] == ["品质部"]
    client.force_login(org.production1)  # the 生产部 box is open: nothing decided yet
    assert [r for r in rows_of(client, "5-20") if str(r[2]).startswith("HT")] == []


def test_5_21_counts_each_salespersons_lines(ledger, client, org):
    client.force_login(org.admin)
    rows = [r for r in rows_of(client, "5-21", "?period=2026") if str(r[2]).startswith("HT")]
    by_person = {}
    for row in rows:
        by_person.setdefault(row[1], []).append(row[2])
    assert sorted(by_person[str(org.sales1)]) == sorted(
        [ledger["one"].number] * 2 + [ledger["done"].number]
    )
    assert by_person[str(org.sales3)] == [ledger["three"].number]


@pytest.mark.parametrize(
    "role, sees_one, sees_three",
    [
        ("sales1", True, False),
        ("sales3", False, True),
        ("manager1", True, False),
        ("manager2", False, True),
        ("gm", True, True),
        ("assistant1", True, True),
    ],
)
def test_contract_registers_follow_the_contract_selector(
    ledger, client, org, role, sees_one, sees_three
):
    client.force_login(getattr(org, role))
    for code in ("5-17", "5-19", "5-21"):
        seen = cells(client, code, "?period=2026")
        assert (ledger["one"].number in seen) is sees_one, code
        assert (ledger["three"].number in seen) is sees_three, code
    inspections = cells(client, "5-22")
    assert (ledger["three"].number in inspections) is sees_three
    archives = cells(client, "5-25")
    assert (ledger["archive"].number in archives) is sees_one


def test_department_reviewers_open_no_contract_register_but_5_20(ledger, client, org):
    client.force_login(org.production1)
    refused = [code for code in CODES if client.get(f"/registers/{code}/").status_code == 403]
    assert refused == ["5-17", "5-18", "5-19", "5-21", "5-22", "5-23", "5-24", "5-25"]


def test_the_printed_5_25_says_what_it_covers(ledger, client, org):
    client.force_login(org.admin)
    text = pdf_text(client.get("/registers/5-25/print.pdf?year=2026").content)
    assert ledger["archive"].number in text
    assert "2026" in text and "制表" in text


def test_the_registers_rule_is_the_contract_selectors_rule_role_by_role(org):
    """The selectors read the rule from the contract's own columns (its owner and its copy
    of the customer's owner); they must select exactly the contracts the rule gives each
    role, worked out from the customers themselves (reviewers aside)."""
    from contracts.selectors import contracts_visible_to
    from contracts.selectors_records import contracts_for_records
    from tests.factories import CustomerFactory

    made = [
        make_contract(org.sales1),
        make_contract(org.sales2, status=ContractStatus.DRAFT, signed_on=None),
        make_contract(org.sales3),
        # Owner and customer owner in different departments, both ways round.
        make_contract(org.sales1, customer=CustomerFactory(owner=org.sales3)),
        make_contract(org.sales3, customer=CustomerFactory(owner=org.sales2)),
        make_contract(org.manager1, customer=CustomerFactory(owner=org.manager2)),
        make_contract(org.manager2, status=ContractStatus.CANCELLED),
    ]
    assert len(made) == 7
    for role in ("admin", "gm", "manager1", "manager2", "sales1", "sales2", "sales3"):
        user = getattr(org, role)
        expected = readable_contracts(user)
        assert set(contracts_for_records(user).values_list("pk", flat=True)) == expected, role
        assert set(contracts_visible_to(user).values_list("pk", flat=True)) == expected, role
    assistant = set(contracts_for_records(org.assistant1).values_list("pk", flat=True))
    assert assistant == readable_contracts(org.assistant1)
    assert len(assistant) == 6  # every contract but the draft
    for role in ("production1", "quality1", "purchasing1"):
        assert not contracts_for_records(getattr(org, role)).exists()


def test_rows_follow_their_contract_role_by_role(org):
    """Lines (表5-17 / 5-21) and review boxes (表5-20) apply the rule to the joined
    contract's columns; each role must get exactly the rows of the contracts it may read."""
    from contracts.models import ReviewStep
    from contracts.selectors_records import (
        contract_lines_visible_to,
        contracts_for_records,
        review_steps_visible_to,
    )
    from tests.factories import CustomerFactory

    made = [
        make_contract(org.sales1),
        make_contract(org.sales2, status=ContractStatus.DRAFT, signed_on=None),
        make_contract(org.sales3),
        make_contract(org.sales1, customer=CustomerFactory(owner=org.sales3)),
        make_contract(org.sales3, customer=CustomerFactory(owner=org.sales2)),
        make_contract(org.manager1, customer=CustomerFactory(owner=org.manager2)),
    ]
    for contract in made:
        sign_round(contract, all_signers(org))
    roles = ("admin", "gm", "manager1", "manager2", "sales1", "sales2", "sales3", "assistant1")
    for role in roles:
        user = getattr(org, role)
        readable = set(contracts_for_records(user).values_list("pk", flat=True))
        lines = set(contract_lines_visible_to(user).values_list("contract_id", flat=True))
        assert lines == readable, role
        steps = set(review_steps_visible_to(user).values_list("round__contract_id", flat=True))
        every_step = set(
            ReviewStep.objects.filter(round__contract_id__in=readable).values_list(
                "round__contract_id", flat=True
            )
        )
        assert steps == every_step, role

    def seen(user):
        return set(contract_lines_visible_to(user).values_list("contract_id", flat=True))

    # sales1: their own contracts, whoever owns the customer.
    assert seen(org.sales1) == {made[0].pk, made[3].pk}
    # manager1 (销售一部: sales1, sales2): the department's contracts and those of its
    # customers, not sales3's own.
    assert seen(org.manager1) == {c.pk for c in made} - {made[2].pk}


def test_the_search_finds_number_name_and_customer_case_ignored(client, org):
    """``?q=`` of the contract registers: a contract's number, its name or its customer's
    name containing the text, case ignored — on a row per contract (5-19), per line (5-17)
    and per review box (5-20) alike."""
    from tests.factories import CustomerFactory

    by_number = make_contract(org.sales1, name="设备合同")
    by_name = make_contract(org.sales1, name="Annual 年度采购合同")
    by_customer = make_contract(
        org.sales1, name="维修合同", customer=CustomerFactory(owner=org.sales1, name="恒通机械公司")
    )
    other = make_contract(org.sales1, name="其他合同")
    for contract in (by_number, by_name, by_customer, other):
        sign_round(contract, all_signers(org))
    client.force_login(org.admin)
    cases = {
        by_number.number.lower(): {by_number},
        "annual 年度": {by_name},
        "恒通": {by_customer},
        "合同": {by_number, by_name, by_customer, other},
        "没有这个": set(),
    }
    every = {by_number, by_name, by_customer, other}
    from django.utils import timezone

    # 5-17 is kept per year of signing (the contracts'), 5-20 per year of the decisions (now).
    periods = {"5-19": "", "5-17": "&period=2026", "5-20": f"&period={timezone.localdate().year}"}
    for text, expected in cases.items():
        for code, period in periods.items():
            found = cells(client, code, f"?q={text}{period}")
            numbers = {c for c in every if c.number in found}
            assert numbers == expected, (code, text)


def test_5_20_is_kept_per_year(client, org):
    """表5-20 shows one year of decisions (this year unless ``?period=`` says otherwise)."""
    from django.utils import timezone

    from contracts.models import ReviewStep

    old = make_contract(org.sales1, name="去年的合同")
    new = make_contract(org.sales1, name="今年的合同")
    sign_round(old, all_signers(org))
    sign_round(new, all_signers(org))
    this_year = timezone.localdate().year
    last_year = timezone.now().replace(year=this_year - 1, month=6, day=1)
    ReviewStep.objects.filter(round__contract=old).update(signed_at=last_year)
    client.force_login(org.admin)
    assert new.number in cells(client, "5-20")
    assert old.number not in cells(client, "5-20")
    assert old.number in cells(client, "5-20", f"?period={this_year - 1}")
    assert new.number not in cells(client, "5-20", f"?period={this_year - 1}")
