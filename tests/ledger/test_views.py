"""Pages as a user meets them: lists, forms, messages, errors."""

import datetime

import pytest
from django.test import override_settings

from ledger.catalog import paper_forms
from ledger.models import Customer, Product
from tests.factories import ContactFactory, CustomerFactory, ProductFactory, ServiceRecordFactory


def text(response):
    return response.content.decode()


# --- the customer ledger -----------------------------------------------------------------


def test_sales1_sees_the_shared_ledger_of_all_and_details_of_their_own(org, login):
    mine = CustomerFactory(owner=org.sales1, name="自己的客户", phone="0571-11112222")
    other = CustomerFactory(owner=org.sales3, name="别人的客户", phone="0571-33334444")
    page = text(login(org.sales1).get("/registers/customers/"))
    assert "公共台账" in page
    assert "自己的客户" in page and "别人的客户" in page
    assert f'href="/customers/{mine.pk}/"' in page
    assert f'href="/customers/{other.pk}/"' not in page
    # The shared ledger shows the shared columns only: no phone numbers.
    assert "0571-33334444" not in page and "电话号码" not in page
    personal = text(login(org.sales1).get("/registers/customers/?scope=personal"))
    assert "个人台账" in personal and "0571-11112222" in personal
    assert "别人的客户" not in personal


def test_the_customer_list_filters_sorts_and_pages(org, login):
    for i in range(30):
        CustomerFactory(
            owner=org.sales1, name=f"客户{i:02d}", category="key" if i % 3 == 0 else "new"
        )
    client = login(org.sales1)
    page = text(client.get("/registers/customers/?category=key"))
    assert "共 10 条记录" in page
    page = text(client.get("/registers/customers/?sort=-name"))
    assert page.index("客户29") < page.index("客户28")
    assert 'aria-sort="descending"' in page
    page2 = text(client.get("/registers/customers/?page=2"))
    assert "客户29" in page2 and "客户00" not in page2
    assert "共 30 条记录" in page2
    search = text(client.get("/registers/customers/?q=客户1"))
    assert "共 10 条记录" in search


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=99999",
        "page=-1",
        "category=vip",
        "owner=notanumber",
        "owner=999999",
        "sort=;drop",
        "q=" + "x" * 5000,
    ],
)
def test_bad_list_parameters_never_500(org, login, query):
    CustomerFactory(owner=org.sales1)
    response = login(org.sales1).get(f"/registers/customers/?{query}")
    assert response.status_code == 200


def test_an_invalid_filter_is_shown_and_exports_go_back_to_the_list(org, login):
    client = login(org.admin)
    page = text(client.get("/registers/service/?month=2026-13"))
    assert "请按 YYYY-MM 格式输入月份" in page
    for suffix in ("export.xlsx", "print.pdf"):
        response = client.get(f"/registers/service/{suffix}?month=2026-13")
        assert response.status_code == 302
        assert response["Location"] == "/registers/service/?month=2026-13"


@override_settings(LEDGER_PDF_MAX_ROWS=5)
def test_printing_too_many_rows_asks_to_narrow_the_filter(org, login):
    ProductFactory.create_batch(6)
    client = login(org.sales1)
    response = client.get("/registers/5-7/print.pdf?is_active=true")
    assert response.status_code == 302
    follow = text(client.get(response["Location"]))
    assert "超过 5 行" in follow


def test_the_register_index_lists_every_form_with_its_code(org, login):
    page = text(login(org.sales1).get("/registers/"))
    for form in paper_forms().values():
        assert f"表{form.code}" in page and form.title in page
    assert 'href="/registers/5-7/"' in page
    assert "客户台账" in page and "客户服务台账" in page


def test_navigation_groups_registers_by_family(org, login):
    page = text(login(org.sales1).get("/"))
    for label in ("客户台账", "销售台账", "报表导出"):
        assert label in page
    reviewer = text(login(org.production1).get("/"))
    assert "/registers/customers/" not in reviewer


# --- creating and editing customers --------------------------------------------------------


def _customer_post(**extra):
    data = {
        "name": "苏州新锐科技有限公司",
        "category": "new",
        "phone": "0512-66778899",
        "contacts-TOTAL_FORMS": "2",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "30",
        "contacts-0-kind": "primary",
        "contacts-0-name": "周敏",
        "contacts-0-phone": "13911112222",
        "contacts-1-kind": "secondary",
        "contacts-1-name": "吴刚",
        "contacts-1-title": "技术主管",
    }
    data.update(extra)
    return data


def test_create_a_customer_with_two_contacts(org, login):
    client = login(org.sales1)
    form = text(client.get("/customers/new/"))
    assert "客户基本信息" in form and "联系人信息" in form
    response = client.post("/customers/new/", _customer_post())
    customer = Customer.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/customers/{customer.pk}/"
    assert customer.owner == org.sales1
    assert [c.name for c in customer.contacts.order_by("kind")] == ["周敏", "吴刚"]
    detail = text(client.get(response["Location"]))
    assert "客户“苏州新锐科技有限公司”已保存。" in detail
    assert "周敏" in detail and "吴刚" in detail and "新建" in detail


def test_a_duplicate_shows_the_match_and_its_owner_before_saving(org, login):
    CustomerFactory(owner=org.sales3, name="苏州新锐科技有限公司")
    client = login(org.sales1)
    response = client.post("/customers/new/", _customer_post())
    assert response.status_code == 200
    page = text(response)
    assert "台账中已有相似客户" in page and str(org.sales3) in page
    assert "我已核对上面的相似客户，仍然保存" in page
    assert Customer.objects.count() == 1
    saved = client.post("/customers/new/", _customer_post(confirm_duplicate="on"))
    assert saved.status_code == 302 and Customer.objects.count() == 2


def test_the_live_duplicate_hint(org, login):
    CustomerFactory(owner=org.sales3, name="苏州新锐科技有限公司", phone="0512-66778899")
    client = login(org.sales1)
    hint = text(client.get("/customers/duplicates/?name=苏州新锐科技有限公司"))
    assert "苏州新锐科技有限公司" in hint and str(org.sales3) in hint
    assert text(client.get("/customers/duplicates/?phone=051266778899")).count("<li>") == 1
    assert "相似客户" not in text(client.get("/customers/duplicates/?name=无此公司"))
    assert login(org.production1).get("/customers/duplicates/?name=x").status_code == 403


def test_invalid_input_keeps_what_was_typed(org, login):
    client = login(org.sales1)
    response = client.post(
        "/customers/new/", _customer_post(name="", email="bad", **{"contacts-0-email": "also bad"})
    )
    assert response.status_code == 200
    page = text(response)
    assert "这个字段是必填项" in page
    assert "0512-66778899" in page and "周敏" in page
    assert not Customer.objects.exists()


def test_edit_a_customer_and_see_the_change_in_its_history(org, login):
    customer = CustomerFactory(owner=org.sales1, category="new", industry="机械")
    client = login(org.sales1)
    form = text(client.get(f"/customers/{customer.pk}/edit/"))
    assert 'name="version"' in form
    response = client.post(
        f"/customers/{customer.pk}/edit/",
        {
            "name": customer.name,
            "category": "key",
            "industry": "模具",
            "phone": customer.phone,
            "version": 1,
        },
    )
    assert response.status_code == 302
    detail = text(client.get(f"/customers/{customer.pk}/"))
    assert "修改已保存。" in detail
    assert "记录更新" in detail and "模具" in detail and "重要客户" in detail


def test_a_stale_form_is_refused_with_who_changed_it(org, login):
    customer = CustomerFactory(owner=org.sales1)
    manager = login(org.manager1)
    changed = manager.post(
        f"/customers/{customer.pk}/edit/",
        {"name": customer.name, "category": "key", "owner": org.sales1.pk, "version": 1},
    )
    assert changed.status_code == 302
    seller = login(org.sales1)
    response = seller.post(
        f"/customers/{customer.pk}/edit/",
        {"name": "我的新名字", "category": "new", "version": 1},
    )
    assert response.status_code == 200
    page = text(response)
    assert "此记录已被" in page and str(org.manager1) in page and "请重新加载" in page
    customer.refresh_from_db()
    assert customer.category == "key" and customer.name != "我的新名字"


def test_a_salesperson_cannot_reassign_through_the_form(org, login):
    customer = CustomerFactory(owner=org.sales1)
    response = login(org.sales1).post(
        f"/customers/{customer.pk}/edit/",
        {"name": customer.name, "category": "new", "owner": org.sales3.pk, "version": 1},
    )
    customer.refresh_from_db()
    assert customer.owner == org.sales1
    # The owner field is disabled for a salesperson: the posted owner is ignored, the rest
    # of the edit is saved.
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{customer.pk}/"
    assert customer.category == "new" and customer.version == 2


def test_delete_asks_first(org, login):
    customer = CustomerFactory(owner=org.sales1, name="将被删除的客户")
    client = login(org.admin)
    confirm = text(client.get(f"/customers/{customer.pk}/delete/"))
    assert "确定删除“将被删除的客户”吗" in confirm
    assert Customer.objects.filter(pk=customer.pk).exists()
    response = client.post(f"/customers/{customer.pk}/delete/")
    assert response.status_code == 302
    assert not Customer.objects.filter(pk=customer.pk).exists()


def test_handover_page(org, login):
    CustomerFactory.create_batch(2, owner=org.sales1)
    client = login(org.manager1)
    page = text(client.get("/customers/handover/"))
    assert str(org.sales3) not in page  # another department
    same = client.post(
        "/customers/handover/", {"from_user": org.sales1.pk, "to_user": org.sales1.pk}
    )
    assert same.status_code == 200 and "请选择两个不同的人" in text(same)
    choice = {"from_user": org.sales1.pk, "to_user": org.sales2.pk}
    check = client.post("/customers/handover/", choice)
    assert check.status_code == 200 and Customer.objects.filter(owner=org.sales2).count() == 0
    pks = [str(pk) for pk in Customer.objects.filter(owner=org.sales1).values_list("pk", flat=True)]
    done = client.post(
        "/customers/handover/", {**choice, "step": "confirm", "customers": pks}, follow=True
    )
    assert "已将 2 个客户" in text(done)
    assert Customer.objects.filter(owner=org.sales2).count() == 2


# --- contacts, events, service records -----------------------------------------------------


def test_contacts_can_be_added_edited_and_deleted(org, login):
    customer = CustomerFactory(owner=org.sales1)
    client = login(org.sales1)
    client.post(
        f"/customers/{customer.pk}/contacts/new/",
        {"kind": "secondary", "name": "钱七", "phone": "1"},
    )
    contact = customer.contacts.get()
    client.post(
        f"/contacts/{contact.pk}/edit/",
        {"kind": "primary", "name": "钱七", "title": "经理", "version": 1},
    )
    contact.refresh_from_db()
    assert (contact.kind, contact.title) == ("primary", "经理")
    assert "确定删除" in text(client.get(f"/contacts/{contact.pk}/delete/"))
    client.post(f"/contacts/{contact.pk}/delete/")
    assert not customer.contacts.exists()


def test_an_event_on_the_timeline(org, login):
    customer = CustomerFactory(owner=org.sales1)
    client = login(org.sales1)
    response = client.post(
        f"/customers/{customer.pk}/events/new/",
        {
            "kind": "meeting",
            "occurred_on": "2026-11-20",
            "title": "年度采购谈判",
            "detail": "已报价",
        },
    )
    assert response.status_code == 302
    page = text(client.get(f"/customers/{customer.pk}/"))
    assert "年度采购谈判" in page and "会议和谈判" in page
    customer.refresh_from_db()
    assert customer.last_contact_on == datetime.date(2026, 11, 20)
    bad = client.post(
        f"/customers/{customer.pk}/events/new/", {"kind": "x", "occurred_on": "nope", "title": ""}
    )
    assert bad.status_code == 200 and customer.events.count() == 1


def test_service_record_form_checks_dates(org, login):
    customer = CustomerFactory(owner=org.sales1)
    client = login(org.sales1)
    data = {
        "kind": "complaint",
        "received_on": "2026-11-10",
        "client_name": "王先生",
        "content": "包装破损",
        "handled_on": "2026-11-01",
    }
    response = client.post(f"/customers/{customer.pk}/service/new/", data)
    assert response.status_code == 200
    page = text(response)
    assert "处理日期不能早于受理日期" in page and "填写处理日期时请同时填写处理结果" in page
    data.update(handled_on="2026-11-12", result="已补发", handler=org.sales1.pk)
    assert client.post(f"/customers/{customer.pk}/service/new/", data).status_code == 302
    record = customer.service_records.get()
    assert record.is_closed and record.handler == org.sales1


def test_the_service_ledger_lists_and_filters(org, login):
    customer = CustomerFactory(owner=org.sales1, name="服务客户")
    ServiceRecordFactory(customer=customer, content="开放的投诉")
    ServiceRecordFactory(
        customer=customer,
        content="已处理的建议",
        kind="suggestion",
        result="已采纳",
        handled_on=datetime.date(2026, 11, 5),
    )
    client = login(org.sales1)
    page = text(client.get("/registers/service/?status=open"))
    assert "开放的投诉" in page and "已处理的建议" not in page
    page = text(client.get("/registers/service/?kind=suggestion"))
    assert "已处理的建议" in page and "开放的投诉" not in page


# --- products ------------------------------------------------------------------------------


def test_products_are_created_edited_and_deleted(org, login):
    client = login(org.assistant1)
    response = client.post(
        "/products/new/",
        {
            "code": "CP-100",
            "name": "新法兰",
            "wholesale_price": "12.5",
            "retail_price": "15",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    product = Product.objects.get(code="CP-100")
    duplicate = client.post("/products/new/", {"code": "CP-100", "name": "重复"})
    assert duplicate.status_code == 200 and "已存在" in text(duplicate)
    negative = client.post(
        f"/products/{product.pk}/edit/", {"code": "CP-100", "name": "x", "retail_price": "-3"}
    )
    assert negative.status_code == 200
    admin = login(org.admin)
    assert admin.post(f"/products/{product.pk}/delete/").status_code == 302
    assert not Product.objects.exists()


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_home_page_per_role(org, login):
    CustomerFactory(owner=org.sales1, name="首页客户", risk_warning="回款逾期")
    page = text(login(org.sales1).get("/"))
    assert "公共台账" in page and "个人台账" in page and "首页客户" in page
    assert "首页客户" not in text(login(org.sales3).get("/"))


def test_customer_card_pdf_and_excel(org, login):
    customer = CustomerFactory(owner=org.sales1, name="卡片客户", risk_warning="回款偏慢")
    ContactFactory(customer=customer, name="甲联系人")
    ServiceRecordFactory(customer=customer, content="<script>alert(1)</script>")
    client = login(org.sales1)
    pdf = client.get(f"/customers/{customer.pk}/print.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    from tests.formcheck import pdf_text

    content = "".join(pdf_text(pdf.content).split())
    for label in (
        "客户台账",
        "客户基本信息",
        "联系人信息",
        "重要事件和活动",
        "客户服务信息",
        "客户风险信息",
        "记录更新",
    ):
        assert label in content
    assert (
        "卡片客户" in content and "甲联系人" in content and "<script>alert(1)</script>" in content
    )
    xlsx = client.get(f"/customers/{customer.pk}/export.xlsx")
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert wb.sheetnames == ["客户信息", "联系人信息", "重要事件和活动", "客户服务信息", "记录更新"]
    values = [c.value for row in wb["客户信息"].iter_rows() for c in row]
    assert "卡片客户" in values and "回款偏慢" in values


def test_search_finds_names_people_and_phone_digits(org, login):
    CustomerFactory(
        owner=org.sales1, name="Acme 国际贸易", person_name="欧阳娜娜", phone="+86 138-1234-5678"
    )
    CustomerFactory(owner=org.sales1, name="别的公司", phone="0571-1111 2222")
    client = login(org.sales1)
    for query in ("acme", "ACME国际", "欧阳", "1381234", "138 1234 5678"):
        page = text(client.get("/registers/customers/", {"scope": "personal", "q": query}))
        assert "共 1 条记录" in page and "Acme 国际贸易" in page, query


def test_a_damaged_version_field_is_reported_not_ignored(org, login):
    customer = CustomerFactory(owner=org.sales1)
    response = login(org.sales1).post(
        f"/customers/{customer.pk}/edit/", {"name": "新名字", "category": "new", "version": "abc"}
    )
    assert response.status_code == 200
    assert "请刷新页面后重试" in text(response)
    customer.refresh_from_db()
    assert customer.name != "新名字"


def test_a_reviewer_home_page_offers_what_the_role_can_open(org, login):
    page = text(login(org.production1).get("/"))
    assert "您可使用的台账" in page and "/registers/5-7/" in page
    assert "最近更新的客户" not in page and "/registers/customers/" not in page
