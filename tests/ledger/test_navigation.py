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
    # Department reviewers open no customer register: no 客户台账 menu at all.
    for role in ("production1", "quality1", "purchasing1"):
        client.force_login(getattr(org, role))
        assert list(menu(client)) == ["销售台账", "报表导出"], role
    # Families with no form built yet (contracts, visits) have no menu of dead links.
    assert list(seen["admin"]) == ["客户台账", "销售台账", "报表导出"]


def test_a_family_menu_appears_with_its_first_form(org, client):
    client.force_login(org.sales1)
    with declared(product_form("5-27", "客户访问月计划表", family=Family.VISITS)):
        assert menu(client)["拜访台账"] == ["表5-27 客户访问月计划表"]


def test_menus_index_and_monthly_workbook_are_in_form_order(org, client):
    forms = [
        product_form("5-13", "企业销售记录"),
        product_form("5-3", "月份销售计划"),
        product_form("5-11", "月份销售实绩统计表"),
        product_form("5-6", "产品销售记录台账"),
    ]
    in_order = ["5-3", "5-6", "5-7", "5-11", "5-13"]
    client.force_login(org.admin)
    with declared(*forms):
        assert [label.split()[0] for label in menu(client)["销售台账"]] == [
            f"表{code}" for code in in_order
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
        assert codes == [f"表{code}" for code in in_order]


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
