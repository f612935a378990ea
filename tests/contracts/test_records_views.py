"""The pages that enter the contract records: success and refusal as the user sees them."""

import datetime

import pytest

from contracts.models import (
    AuthorizationLetter,
    ContractArchive,
    ContractInspection,
    ContractStatus,
    ContractTextUse,
)
from ledger.submissions import new_token
from tests.contracts.records_state import make_contract

TEXT_USE = {
    "text_name": "公司格式销售合同",
    "text_source": "合同管理部门",
    "copies": "2",
    "seal_name": "合同专用章",
    "user_name": "张伟",
    "used_on": "2026-04-01",
}


def page(response) -> str:
    return response.content.decode()


def test_the_assistant_records_a_text_use_and_is_told_so(org, client):
    client.force_login(org.assistant1)
    form = client.get("/contracts/text-uses/new/")
    assert form.status_code == 200 and "文本名称" in page(form)
    response = client.post("/contracts/text-uses/new/", TEXT_USE, follow=True)
    assert response.redirect_chain == [("/registers/5-23/", 302)]
    assert "“公司格式销售合同”的领用记录已保存。" in page(response)
    assert ContractTextUse.objects.get().copies == 2


def test_bad_input_is_refused_in_chinese_and_nothing_is_saved(org, client):
    client.force_login(org.assistant1)
    response = client.post(
        "/contracts/text-uses/new/", {**TEXT_USE, "copies": "0", "used_on": "2026-02-30"}
    )
    assert response.status_code == 200
    text = page(response)
    assert "输入一个有效的日期。" in text
    assert "确保该值大于或等于1。" in text
    assert not ContractTextUse.objects.exists()


def test_a_letter_expiring_before_its_issue_is_refused_with_a_clear_message(org, client):
    client.force_login(org.assistant1)
    response = client.post(
        "/contracts/authorizations/new/",
        {
            "department": "销售一部",
            "holder_name": "张伟",
            "issued_on": "2026-04-01",
            "principal": "王建国",
            "agent": "张伟",
            "matter": "签订销售合同",
            "amount": "500000",
            "valid_until": "2026-03-01",
            "authority": "代表公司签订合同",
            "handled_by": str(org.assistant1.pk),
        },
    )
    assert response.status_code == 200
    assert "委托期限不能早于委托时间。" in page(response)
    assert not AuthorizationLetter.objects.exists()


def test_a_letter_gets_its_number_on_saving(org, client):
    client.force_login(org.assistant1)
    response = client.post(
        "/contracts/authorizations/new/",
        {
            "department": "销售一部",
            "holder_name": "张伟",
            "issued_on": "2026-04-01",
            "principal": "王建国",
            "agent": "张伟",
            "matter": "签订销售合同",
            "valid_until": "2026-12-31",
            "authority": "代表公司签订合同",
            "handled_by": str(org.assistant1.pk),
        },
        follow=True,
    )
    assert "授权委托书WT-2026-0001已登记。" in page(response)


def test_a_form_sent_twice_saves_once(org, client):
    client.force_login(org.assistant1)
    data = {**TEXT_USE, "form_token": new_token()}
    first = client.post("/contracts/text-uses/new/", data)
    second = client.post("/contracts/text-uses/new/", data)
    assert first.status_code == second.status_code == 302
    assert ContractTextUse.objects.count() == 1


def test_a_manager_records_an_inspection_of_a_contract_of_their_department(org, client):
    contract = make_contract(org.sales2)
    client.force_login(org.manager1)
    response = client.post(
        "/contracts/inspections/new/",
        {
            "contract": str(contract.pk),
            "inspected_on": "2026-05-03",
            "items": "交货进度",
            "performance": "按期交货",
            "deadline": "",
        },
        follow=True,
    )
    assert f"合同{contract.number}的检查记录已保存。" in page(response)
    assert ContractInspection.objects.get().inspector == org.manager1


def test_an_inspection_of_another_departments_contract_cannot_be_chosen(org, client):
    contract = make_contract(org.sales3)
    client.force_login(org.manager1)
    response = client.post(
        "/contracts/inspections/new/",
        {
            "contract": str(contract.pk),
            "inspected_on": "2026-05-03",
            "items": "交货进度",
            "performance": "按期交货",
        },
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in page(response)
    assert not ContractInspection.objects.exists()


def test_archiving_asks_for_confirmation_then_gives_the_number(org, client):
    contract = make_contract(org.sales1, status=ContractStatus.COMPLETED)
    client.force_login(org.assistant1)
    choose = client.get("/contracts/archive/", {"contract": contract.pk})
    assert choose.status_code == 302 and choose.url == f"/contracts/{contract.pk}/archive/"
    confirm = client.get(choose.url)
    assert f"确定归档合同{contract.number}吗" in page(confirm)
    assert not ContractArchive.objects.exists()  # nothing happens before the confirming POST
    response = client.post(
        choose.url,
        {"archived_on": "2026-11-02", "copies": "2", "expected_state": "completed"},
        follow=True,
    )
    assert f"合同{contract.number}已归档，档案编号GD-2026-0001。" in page(response)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ARCHIVED


def test_a_contract_not_completed_has_no_archive_page(org, client):
    contract = make_contract(org.sales1, status=ContractStatus.IN_FORCE)
    client.force_login(org.assistant1)
    assert client.get(f"/contracts/{contract.pk}/archive/").status_code == 404
    assert client.post(f"/contracts/{contract.pk}/archive/", {"copies": "2"}).status_code == 404


def test_the_archive_page_lists_nothing_to_archive_when_nothing_is_completed(org, client):
    client.force_login(org.assistant1)
    assert "暂无待归档的已完成合同。" in page(client.get("/contracts/archive/"))


@pytest.mark.parametrize("field, value", [("copies", "-1"), ("archived_on", "not a date")])
def test_a_bad_archive_form_archives_nothing(org, client, field, value):
    contract = make_contract(org.sales1, status=ContractStatus.COMPLETED)
    client.force_login(org.admin)
    data = {"archived_on": "2026-11-02", "copies": "2", field: value}
    response = client.post(f"/contracts/{contract.pk}/archive/", data)
    assert response.status_code == 200
    assert not ContractArchive.objects.exists()
    contract.refresh_from_db()
    assert contract.status == ContractStatus.COMPLETED


def test_the_register_offers_the_entry_pages_to_those_who_keep_it(org, client):
    client.force_login(org.assistant1)
    assert "/contracts/text-uses/new/" in page(client.get("/registers/5-23/"))
    assert "/contracts/archive/" in page(client.get("/registers/5-25/"))
    client.force_login(org.manager1)
    assert "/contracts/text-uses/new/" not in page(client.get("/registers/5-23/"))
    assert "/contracts/inspections/new/" in page(client.get("/registers/5-22/"))


def test_archive_dates_keep_their_year(org, client):
    contract = make_contract(org.sales1, status=ContractStatus.COMPLETED)
    client.force_login(org.assistant1)
    client.post(f"/contracts/{contract.pk}/archive/", {"archived_on": "2026-11-02", "copies": "2"})
    record = ContractArchive.objects.get()
    response = client.post(
        f"/contracts/archives/{record.pk}/edit/",
        {"archived_on": "2027-01-02", "copies": "2", "version": "1"},
    )
    assert "归档日期须与档案编号的年度一致。" in page(response)
    record.refresh_from_db()
    assert record.archived_on == datetime.date(2026, 11, 2)
