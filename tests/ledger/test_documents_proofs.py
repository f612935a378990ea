"""The document engine prints 表5-8, 5-14 and 5-2 with their real labels and paper layout.

Each proof declaration (tests/ledger/document_proofs.py) is printed through
``/forms/<code>/<pk>.pdf`` (5-2 also exported through ``.xlsx``) and checked: every label
in order, the grouped header of 5-2 as on paper (each group label above its sub-columns),
the 合计 row, the check boxes, the amount in words, the sign-off boxes and the notes. The
company's form checker (``check_form.py``) runs on the same files when it is installed.
"""

import io
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from ledger.engine import site
from tests.factories import CustomerFactory, ProductFactory
from tests.formcheck import labels_in_order, missing_labels
from tests.ledger.declarations import declared
from tests.ledger.document_proofs import NOTES_5_14, PROOFS
from tests.ledger.pdf_reading import pdf_words, reading_text

CHECK_FORM = Path(__file__).resolve().parents[3] / "shared" / "tools" / "check_form.py"


@pytest.fixture
def proofs(db):
    # In place of the families' real declarations of the same codes, for these tests.
    with declared(*PROOFS):
        yield


def squash(text: str) -> str:
    return "".join(text.split())


def run_check_form(code: str, data: bytes, suffix: str) -> None:
    """The project's copy of the company's checker, always; the company's own tool too
    where it stands beside the checkout (it reads forms.json beside it)."""
    assert missing_labels(code, data, suffix.lstrip(".")) == []
    if not CHECK_FORM.exists():
        return
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        handle.write(data)
        handle.flush()
        result = subprocess.run(
            [sys.executable, str(CHECK_FORM), code, handle.name], capture_output=True, text=True
        )
    assert result.returncode == 0, result.stdout + result.stderr


def test_5_8_order_prints_lines_total_blank_rows_and_signatures(proofs, org, login):
    customer = CustomerFactory(
        owner=org.sales1, name="订货客户有限公司", address="宁波市江北区", person_name="李总"
    )
    ProductFactory.create_batch(3, wholesale_price="100.50", unit="件")
    response = login(org.sales1).get(f"/forms/5-8/{customer.pk}.pdf")
    assert response.status_code == 200
    text = reading_text(response.content)
    labels = [
        "订货单",
        "编号",
        "日期",
        "企业名称",
        "电话",
        "地址",
        "负责人",
        "品名",
        "规格型号",
        "单位",
        "数量",
        "单价",
        "总价",
        "合计",
        "承办人",
        "客户签单",
    ]
    assert labels_in_order(labels, text) == []
    flat = squash(text)
    # Three lines of 1, 2 and 3 pieces at 100.50: 合计 6 pieces, 603.00.
    assert "603.00" in flat
    assert f"DH-2026-{customer.pk:04d}" in flat and "订货客户有限公司" in flat and "李总" in flat
    run_check_form("5-8", response.content, ".pdf")
    # The paper's eight lines: three filled, five blank, then the 合计 row.
    rendered = site.get("5-8", kind="document").render(customer)
    table = rendered.table("lines")
    assert (table.shown, table.blank_rows) == (3, 5)
    assert table.total_row == ["合计", "", "", "6", "", "603.00"]


def test_5_8_is_not_a_table_form_so_it_has_no_workbook(proofs, org, login):
    customer = CustomerFactory(owner=org.sales1)
    assert login(org.sales1).get(f"/forms/5-8/{customer.pk}.xlsx").status_code == 404


def test_5_14_review_prints_checks_amount_signoffs_and_notes(proofs, org, login):
    customer = CustomerFactory(owner=org.sales1, name="评审客户有限公司")
    response = login(org.manager1).get(f"/forms/5-14/{customer.pk}.pdf")
    assert response.status_code == 200
    text = reading_text(response.content)
    labels = [
        "销售合同评审表",
        "签约单位",
        "合同金额",
        "大写",
        "小写",
        "合同版本",
        "标书要求",
        "客户版本",
        "公司格式合同",
        "付款方式",
        "预付款",
        "验收款",
        "质保金",
        "交货日期",
        "预付款到期日期",
        "是否是罚款合同",
        "合同份数",
        "合同关键条款描述",
        "交货地点",
        "验收方式",
        "质量要求",
        "是否样品封存",
        "公司内部评审",
        "销售经理",
        "销售助理",
        "生产部",
        "品质部",
        "采购部",
        "总经理",
        *NOTES_5_14,
    ]
    assert labels_in_order(labels, text) == []
    flat = squash(text)
    assert "大写：壹拾贰万叁仟肆佰伍拾陆元柒角整" in flat
    assert "小写：¥123,456.70" in flat
    # Every option is printed, the chosen ones ticked.
    assert "□标书要求■客户版本□公司格式合同" in flat
    assert "■预付款□验收款■质保金" in flat
    # Six boxes: three signed (one 不同意), three left to fill in by hand.
    assert flat.count("签字") == 6
    assert "■同意□不同意" in flat and "□同意■不同意" in flat
    assert flat.count("□同意□不同意") == 3
    assert "交期过紧，需延后两周" in flat and "2026年11月22日" in flat
    run_check_form("5-14", response.content, ".pdf")


def _header_positions(words, labels):
    """For each header label, the boxes (x, y) where it is printed on the first page."""
    found = {}
    for text, x, y, _h, _page in words:
        found.setdefault(text, []).append((x, y))
    return {label: sorted(found.get(label, [])) for label in labels}


def test_5_2_plan_prints_four_groups_as_on_paper(proofs, org, login):
    ProductFactory.create_batch(4, unit="台")
    response = login(org.manager1).get(f"/forms/5-2/{org.dept1.pk}.pdf")
    assert response.status_code == 200
    text = reading_text(response.content)
    assert labels_in_order(["年度销售计划表", "填表日期", "单位：万元"], text) == []
    assert labels_in_order(["审核", "填表"], text.split("单位：万元", 1)[1]) == []
    words = pdf_words(response.content)
    pos = _header_positions(words, ["内销", "外销", "合作外销", "数量", "单价", "金额", "目次"])
    subs_y = min(y for x, y in pos["数量"])
    quantities = [x for x, y in pos["数量"] if abs(y - subs_y) < 2]
    amounts = [x for x, y in pos["金额"] if abs(y - subs_y) < 2]
    assert len(quantities) == 4 and len(amounts) == 4  # 内销, 外销, 合作外销, 合计
    for i, group in enumerate(["内销", "外销", "合作外销"]):
        (gx, gy), *_ = pos[group]
        assert gy < subs_y, group  # above its sub-columns
        assert quantities[i] < gx < amounts[i], group  # and over them
    # A plain column spans both header rows: centred between the group row and the sub row.
    (_x, seq_y), *_ = pos["目次"]
    assert pos["内销"][0][1] < seq_y < subs_y
    flat = squash(text)
    # Four products: 内销 10+20+30+40 = 100, 合计 amount Σ 16·i·1.25·i = 600.
    assert "合计100" in flat and "600.00" in flat
    run_check_form("5-2", response.content, ".pdf")


def test_5_2_plan_exports_its_table_with_merged_group_headers(proofs, org, login):
    ProductFactory.create_batch(4, unit="台")
    response = login(org.admin).get(f"/forms/5-2/{org.dept1.pk}.xlsx")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "表5-2 年度销售计划表"
    rows = list(ws.iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if row[0] == "目次")
    top, bottom = rows[header_at], rows[header_at + 1]
    assert [v for v in top if v] == ["目次", "产品名称", "单位", "内销", "外销", "合作外销", "合计"]
    assert [v for v in bottom if v] == ["数量", "单价", "金额"] * 3 + ["数量", "金额"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    first = header_at + 1
    assert {f"A{first}:A{first + 1}", f"D{first}:F{first}", f"M{first}:N{first}"} <= merged
    assert ws.freeze_panes == f"A{first + 2}"
    total = next(row for row in rows if row[0] == "合计")
    assert total[3] == 100 and total[13] == 600  # numbers, not text
    run_check_form("5-2", data, ".xlsx")


def test_5_2_plan_follows_its_selector(proofs, org, login):
    client = login(org.manager2)
    assert client.get(f"/forms/5-2/{org.dept1.pk}.pdf").status_code == 404
    assert client.get(f"/forms/5-2/{org.dept2.pk}.xlsx").status_code == 200
    assert login(org.sales1).get("/forms/5-2/").status_code == 403
    assert login(org.sales1).get(f"/forms/5-2/{org.dept1.pk}.pdf").status_code == 404


def test_the_list_of_a_document_form_links_each_document(proofs, org, login):
    page = login(org.admin).get("/forms/5-2/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f"/forms/5-2/{org.dept1.pk}.pdf" in body and f"/forms/5-2/{org.dept1.pk}.xlsx" in body
    listed = [row["name"] for row in page.context["table"].page.object_list.data]
    assert listed == ["市场总部", "销售一部", "销售二部"]


def test_a_document_pdf_costs_a_fixed_number_of_queries(proofs, org, login):
    customer = CustomerFactory(owner=org.sales1)
    client = login(org.sales1)
    ProductFactory.create_batch(2)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/forms/5-8/{customer.pk}.pdf").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    ProductFactory.create_batch(10)
    assert count() == few
