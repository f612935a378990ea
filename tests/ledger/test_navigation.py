"""Menus without dead ends, families bringing their own forms, and 表 order everywhere."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ledger.engine import Family, site
from tests.conftest import ROLES
from tests.factories import CustomerFactory, ProductFactory
from tests.ledger.declarations import declared, product_form
from tests.ledger.document_proofs import PROOFS

NAV = re.compile(r'<nav id="mainnav".*?</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')


def menu(client):
    response = client.get("/")
    assert response.status_code == 200
    return {
        m["label"]: [label for label, _url in m["items"]] for m in response.context["nav_menus"]
    }


def nav_links(client) -> list[str]:
    html = client.get("/").content.decode()
    return HREF.findall(NAV.search(html).group(0))


@pytest.mark.parametrize("role", ROLES)
def test_every_menu_link_answers_200_for_its_role(org, client, role):
    customer = CustomerFactory(owner=org.sales1)
    ProductFactory()
    assert customer.pk
    client.force_login(getattr(org, role))
    links = nav_links(client)
    assert "/registers/" in links
    failures = [f"{url}: {s}" for url in links if (s := client.get(url).status_code) != 200]
    assert not failures, "\n".join(failures)


def test_each_role_sees_the_menus_it_can_use(org, client):
    seen = {}
    for role in ("admin", "manager1", "sales1", "assistant1", "production1"):
        client.force_login(getattr(org, role))
        seen[role] = menu(client)
    assert seen["admin"]["客户台账"] == ["客户台账", "客户服务台账", "新客户", "客户移交"]
    assert seen["manager1"]["客户台账"] == ["客户台账", "客户服务台账", "新客户", "客户移交"]
    assert seen["sales1"]["客户台账"] == ["客户台账", "客户服务台账", "新客户"]
    assert seen["assistant1"]["客户台账"] == ["客户台账"]
    # Department reviewers open no customer register: no 客户台账 menu at all; in the
    # contract family the reviews they sign and 表5-20's decisions of their box.
    for role in ("production1", "quality1", "purchasing1"):
        client.force_login(getattr(org, role))
        assert list(menu(client)) == ["销售台账", "报表导出"], role
    # A family with no form built yet (contracts) has no menu of dead links.
    assert list(seen["admin"]) == ["客户台账", "销售台账", "拜访台账", "报表导出"]
    visit_forms = [
        "表5-27 客户访问月计划表",
        "表5-28 客户拜访周/日计划表",
        "表5-29 客户拜访报告",
        "表5-30 拜访日报",
    ]
    assert seen["sales1"]["拜访台账"] == [*visit_forms, "今日拜访", "新拜访报告"]
    assert seen["manager1"]["拜访台账"] == [*visit_forms, "今日拜访", "新拜访报告", "拜访总览"]
    assert "拜访台账" not in seen["assistant1"]


def test_a_family_menu_appears_with_its_first_form(org, client):
    client.force_login(org.sales1)
    assert "合同台账" not in menu(client)
    with declared(product_form("5-17", "销售合同登记台账", family=Family.CONTRACTS)):
        assert menu(client)["合同台账"] == ["表5-17 销售合同登记台账"]


def test_menus_index_and_monthly_workbook_are_in_form_order(org, client):
    forms = [
        product_form("5-13", "企业销售记录"),
        product_form("5-3", "月份销售计划"),
        product_form("5-11", "月份销售实绩统计表"),
        product_form("5-6", "产品销售记录台账"),
    ]
    in_order = ["5-3", "5-6", "5-7", "5-8", "5-9", "5-11", "5-12", "5-13"]
    client.force_login(org.admin)
    with declared(*forms):
        assert [label.split()[0] for label in menu(client)["销售台账"]] == [
            *(f"表{code}" for code in in_order),
            "新建订单",
            "费用与分摊",
        ]
        index = client.get("/registers/").context["families"]
        sales = next(entries for key, _label, entries in index if key == "sales")
        codes = [e["code"] for e in sales]
        assert codes == ["5-2", *(f"5-{n}" for n in range(3, 14))]
        assert [e["code"] for e in sales if e["url"]] == in_order
        response = client.get("/registers/monthly.xlsx?month=2026-11")
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        cells = [v for row in book["目录"].iter_rows(values_only=True) for v in row]
        codes = [v for v in cells if isinstance(v, str) and v.startswith("表5-")]
        visits = ["表5-27", "表5-28", "表5-30"]  # the visit registers follow the sales ones
        assert codes == [*(f"表{code}" for code in in_order), *visits]


def test_every_family_declares_its_label_and_app(org):
    assert {spec.family: spec.app for spec in site.ordered_families()} == {
        Family.CUSTOMERS: "ledger",
        Family.SALES: "sales",
        Family.CONTRACTS: "contracts",
        Family.VISITS: "visits",
    }
    assert [str(spec.label) for spec in site.ordered_families()] == [
        "客户台账",
        "销售台账",
        "合同台账",
        "拜访台账",
    ]


def test_ledger_never_imports_a_family_app():
    root = Path(__file__).resolve().parents[2] / "ledger"
    pattern = re.compile(r"^\s*(from|import)\s+(sales|contracts|visits)\b", re.M)
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_family_urls_are_mounted_from_their_apps():
    from django.urls import get_resolver

    mounted = {
        getattr(p, "app_name", None) for p in get_resolver().url_patterns if hasattr(p, "app_name")
    }
    assert {"sales", "contracts", "visits"} <= mounted


def sales_index(client, family="sales"):
    index = client.get("/registers/").context["families"]
    return next(entries for key, _label, entries in index if key == family)


def test_document_forms_join_menus_index_and_exports_in_form_order(org, client):
    forms = [product_form("5-3", "月份销售计划"), product_form("5-11", "月份销售实绩统计表")]
    client.force_login(org.admin)
    with declared(*forms, *PROOFS):
        # 5-2 and 5-8 are documents, 5-3, 5-7 and 5-11 registers: one 表 order.
        assert menu(client)["销售台账"] == [
            "表5-2 年度销售计划表",
            "表5-3 月份销售计划",
            "表5-6 产品销售记录台账",
            "表5-7 产品记录表",
            "表5-8 订货单",
            "表5-9 订货明细表",
            "表5-11 月份销售实绩统计表",
            "表5-12 年度产品销售台账",
            "表5-13 企业销售记录",
            "新建订单",
            "费用与分摊",
        ]
        assert menu(client)["合同台账"] == [
            "表5-14 销售合同评审表",
            "表5-15 合同变更申请单",
            "表5-16 合同变更通知单",
            "合同",
            "新建合同",
        ]
        # The forms in 表 order (the family's own links, 合同列表 …, follow them).
        contract_menu = [
            label.split()[0] for label in menu(client)["合同台账"] if label.startswith("表")
        ]
        assert contract_menu == [f"表5-{n}" for n in range(14, 26)]
        sales = sales_index(client)
        assert [e["code"] for e in sales] == [f"5-{n}" for n in range(2, 14)]
        linked = {e["code"]: e["url"] for e in sales if e["url"]}
        assert linked == {
            "5-2": "/forms/5-2/",
            "5-3": "/registers/5-3/",
            "5-6": "/registers/5-6/",
            "5-7": "/registers/5-7/",
            "5-8": "/forms/5-8/",
            "5-9": "/forms/5-9/",
            "5-11": "/registers/5-11/",
            "5-12": "/registers/5-12/",
            "5-13": "/registers/5-13/",
        }
        assert {e["code"]: e["kind"] for e in sales}["5-8"] == "document"
        contracts = sales_index(client, "contracts")
        assert [e["code"] for e in contracts if e["url"]] == [f"5-{n}" for n in range(14, 26)]
        page = client.get("/exports/")
        listed = [entry["register"].code for entry in page.context["registers"]]
        in_order = ["customers", "service", "customer", "5-2", "5-3", "5-7", "5-8", "5-11"]
        assert listed == [*in_order, "5-14", "5-27", "5-28", "5-29", "5-30"]
        html = page.content.decode()
        assert 'href="/forms/5-8/"' in html and "/forms/5-8/export.xlsx" not in html
        assert "每份单据的 PDF · Excel（在列表中下载）" in html  # 5-2 and the card
        assert "每份单据的 PDF（在列表中下载）" in html  # 5-8 is no table: no workbook


def test_documents_not_declared_yet_stay_out_of_menus_and_say_so_in_the_index(org, client):
    client.force_login(org.admin)
    assert "表5-10 订货统计表" not in menu(client).get("销售台账", [])
    sales = sales_index(client)
    order = next(e for e in sales if e["code"] == "5-10")
    assert order == {
        "code": "5-10",
        "sort_key": (1, 5, 10),
        "title": "订货统计表",
        "kind": "document",
        "url": None,
        "available": False,
    }
    assert "尚未启用" in client.get("/registers/").content.decode()


def test_the_customer_card_is_in_the_index_under_customers_not_in_the_menu(org, client):
    client.force_login(org.sales1)
    customers = sales_index(client, "customers")
    assert [(e["title"], e["kind"], e["url"]) for e in customers] == [
        ("客户台账", "register", "/registers/customers/"),
        ("客户服务台账", "register", "/registers/service/"),
        ("客户台账（每户一份）", "document", "/forms/customer/"),
    ]
    assert "/forms/customer/" not in nav_links(client)
    # A role that may not open the card sees it listed, without a link.
    client.force_login(org.assistant1)
    card = next(e for e in sales_index(client, "customers") if e["kind"] == "document")
    assert card["url"] is None
