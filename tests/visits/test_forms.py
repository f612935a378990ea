"""Every visit form prints (and exports) with the labels of forms.json, 5-27's 计划 / 实际
rows included; the counts are the database's, and the signatures are names."""

import pytest

from ledger.workflow import transition
from tests.formcheck import missing_labels, pdf_text, xlsx_text
from visits.services.reports import visit_report_sign


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("code", ["5-27", "5-28", "5-30"])
def test_registers_print_and_export_their_labels(visits, login, org, code):
    client = login(org.sales1)
    params = {
        "5-27": f"?period={visits.plan1.year}&salesperson={org.sales1.pk}",
        "5-28": f"?schedule={visits.schedule1.pk}",
        "5-30": f"?period={visits.daily1.day}",
    }[code]
    pdf = client.get(f"/registers/{code}/print.pdf{params}")
    assert pdf.status_code == 200
    assert missing_labels(code, pdf.content, "pdf") == []
    xlsx = client.get(f"/registers/{code}/export.xlsx{params}")
    assert xlsx.status_code == 200
    assert missing_labels(code, body(xlsx), "xlsx") == []


def test_5_27_actual_is_counted_from_reports(visits, login, org):
    client = login(org.sales1)
    text = xlsx_text(
        body(
            client.get(
                f"/registers/5-27/export.xlsx?period={visits.plan1.year}"
                f"&salesperson={org.sales1.pk}"
            )
        )
    )
    assert "计划" in text and "实际" in text
    assert "销售专员：" + str(org.sales1) in text.replace(" ", "")


def test_5_28_prints_the_three_signatures(visits, login, org):
    transition(obj=visits.schedule1, to="checked", actor=org.manager1)
    transition(obj=visits.schedule1, to="approved", actor=org.gm)
    client = login(org.sales1)
    text = pdf_text(client.get(f"/registers/5-28/print.pdf?schedule={visits.schedule1.pk}").content)
    flat = text.replace(" ", "").replace("\n", "")
    for label, who in (("批准", org.gm), ("审核", org.manager1), ("填表", org.sales1)):
        assert f"{label}：{who}" in flat


def test_5_29_prints_labels_and_both_signatures(visits, login, org):
    visit_report_sign(
        actor=org.manager1, report=visits.report1, comment="跟进样品", expected_version=1
    )
    client = login(org.sales1)
    pdf = client.get(f"/forms/5-29/{visits.report1.pk}.pdf")
    assert pdf.status_code == 200
    assert missing_labels("5-29", pdf.content, "pdf") == []
    flat = pdf_text(pdf.content).replace(" ", "").replace("\n", "")
    assert f"销售主管：{org.manager1}" in flat
    assert "跟进样品" in flat
    assert f"拜访人：{org.sales1}" in flat
