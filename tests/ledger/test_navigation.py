"""Menus without dead ends, families bringing their own forms, and 表 order everywhere."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ledger.engine import Family, site
from tests.conftest import ROLES
from tests.factories import CustomerFactory, ProductFactory
from tests.ledger.declarations import declared, product_form, withdrawn

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


SALES_FORMS = [
    "表5-2 年度销售计划表",
    "表5-3 月份销售计划",
    "表5-4 销售人员行动计划表",
    "表5-5 周行动计划表",
    "表5-6 产品销售记录台账",
    "表5-7 产品记录表",
    "表5-8 订货单",
    "表5-9 订货明细表",
    "表5-10 订货统计表",
    "表5-11 月份销售实绩统计表",
    "表5-12 年度产品销售台账",
    "表5-13 企业销售记录",
]
CONTRACT_FORMS = [
    "表5-14 销售合同评审表",
    "表5-15 合同变更申请单",
    "表5-16 合同变更通知单",
    "表5-17 销售合同登记台账",
    "表5-18 订货合同登记台账",
    "表5-19 合同管理台账",
    "表5-20 合同评审登记台账",
    "表5-21 销售合同统计台账",
    "表5-22 销售合同检查台账",
    "表5-23 合同文本领用登记台账",
    "表5-24 《授权委托书》使用登记台账",
    "表5-25 销售合同归档汇总登记台账",
]
# The office's registers (5-23 text copies handed out, 5-24 powers of attorney) are kept
# by the assistants and managers, not by the salespeople.
SALES_CONTRACT_FORMS = [f for f in CONTRACT_FORMS if f.split()[0] not in ("表5-23", "表5-24")]
VISIT_FORMS = [
    "表5-27 客户访问月计划表",
    "表5-28 客户拜访周/日计划表",
    "表5-29 客户拜访报告",
    "表5-30 拜访日报",
]
REGISTER_CODES = [
    *("5-3", "5-6", "5-7", "5-11", "5-12", "5-13"),
    *(f"5-{n}" for n in range(17, 26)),
    *("5-27", "5-28", "5-30"),
]
EXPORTS = ["全部表单（表）", "导出", "我的导出"]


def test_each_role_sees_the_menus_it_can_use(org, client):
    seen = {}
    for role in ROLES:
        client.force_login(getattr(org, role))
        seen[role] = menu(client)
    assert seen["admin"] == {
        "客户台账": ["客户台账", "客户服务台账", "新客户", "客户移交"],
        "销售台账": [*SALES_FORMS, "销售看板", "新建订单", "费用与分摊"],
        "合同台账": [*CONTRACT_FORMS, "合同", "新建合同"],
        "拜访台账": [*VISIT_FORMS, "拜访总览"],
        "台账监督": ["台账审核", "整改事项", "访问日志"],
        "报表导出": [*EXPORTS, "月结"],
    }
    assert seen["gm"] == {
        "客户台账": ["客户台账", "客户服务台账", "新客户"],
        "销售台账": [*SALES_FORMS, "销售看板", "新建订单", "费用与分摊"],
        "合同台账": [*CONTRACT_FORMS, "合同", "新建合同"],
        "拜访台账": [*VISIT_FORMS, "拜访总览"],
        "台账监督": ["台账审核", "整改事项", "待审核台账", "访问日志"],
        "报表导出": EXPORTS,
    }
    for role in ("manager1", "manager2"):
        assert seen[role] == {
            "客户台账": ["客户台账", "客户服务台账", "新客户", "客户移交"],
            "销售台账": [*SALES_FORMS, "销售看板", "新建订单", "费用与分摊"],
            "合同台账": [*CONTRACT_FORMS, "合同", "新建合同"],
            "拜访台账": [*VISIT_FORMS, "今日拜访", "新拜访报告", "拜访总览"],
            "台账监督": ["台账审核", "整改事项", "待审核台账", "台账梳理"],
            "报表导出": EXPORTS,
        }, role
    for role in ("sales1", "sales2", "sales3"):
        assert seen[role] == {
            "客户台账": ["客户台账", "客户服务台账", "新客户"],
            "销售台账": [*SALES_FORMS, "销售看板", "新建订单"],
            "合同台账": [*SALES_CONTRACT_FORMS, "合同", "新建合同"],
            "拜访台账": [*VISIT_FORMS, "今日拜访", "新拜访报告"],
            "台账监督": ["台账审核", "整改事项", "台账梳理"],
            "报表导出": EXPORTS,
        }, role
    # The assistant opens the customer list and 表5-7, keeps every contract register but
    # creates no contract, and has no visit menu.
    assert seen["assistant1"] == {
        "客户台账": ["客户台账"],
        "销售台账": ["表5-7 产品记录表"],
        "合同台账": [*CONTRACT_FORMS, "合同"],
        "台账监督": ["台账审核", "整改事项"],
        "报表导出": EXPORTS,
    }
    # Department reviewers open no customer register: no 客户台账 menu at all; 表5-7, and
    # in the contract family the reviews and changes they sign and 表5-20's decisions.
    for role in ("production1", "quality1", "purchasing1"):
        assert seen[role] == {
            "销售台账": ["表5-7 产品记录表"],
            "合同台账": [
                "表5-14 销售合同评审表",
                "表5-15 合同变更申请单",
                "表5-16 合同变更通知单",
                "表5-20 合同评审登记台账",
                "合同",
            ],
            "报表导出": EXPORTS,
        }, role
    # Whatever a role sees, it may open.
    for role in ROLES:
        client.force_login(getattr(org, role))
        failures = [
            f"{url}: {s}" for url in nav_links(client) if (s := client.get(url).status_code) != 200
        ]
        assert not failures, role + "\n" + "\n".join(failures)


CONTRACT_CODES = [f"5-{n}" for n in range(14, 26)]


def test_a_family_menu_appears_with_its_first_form(org, client):
    # A department reviewer has no visit form and no visit link: no 拜访台账 menu …
    client.force_login(org.production1)
    assert "拜访台账" not in menu(client)
    # … until a visit form it may open is declared; the menu comes with that form.
    with declared(product_form("5-27", "客户访问月计划表", family=Family.VISITS)):
        assert menu(client)["拜访台账"] == ["表5-27 客户访问月计划表"]
    assert "拜访台账" not in menu(client)


def test_a_family_without_forms_keeps_only_its_own_links(org, client):
    client.force_login(org.sales1)
    with withdrawn(*CONTRACT_CODES):
        # No form links to dead pages; the family's own pages stay and open.
        assert menu(client)["合同台账"] == ["合同", "新建合同"]
        links = nav_links(client)
        contract_forms = {
            f"/{kind}/{code}/" for kind in ("forms", "registers") for code in CONTRACT_CODES
        }
        assert not contract_forms & set(links)
        assert all(client.get(url).status_code == 200 for url in links)
        with declared(product_form("5-17", "销售合同登记台账", family=Family.CONTRACTS)):
            assert menu(client)["合同台账"] == ["表5-17 销售合同登记台账", "合同", "新建合同"]
    assert menu(client)["合同台账"] == [*SALES_CONTRACT_FORMS, "合同", "新建合同"]


def codes_of(labels):
    return [label.split()[0] for label in labels if label.startswith("表")]


def test_menus_index_and_monthly_workbook_are_in_form_order(org, client):
    # Declared out of order (they replace the real 5-13, 5-3, 5-11 and 5-6, so they are
    # registered after all the others): menus, index and workbook still follow 表 order.
    forms = [
        product_form("5-13", "企业销售记录"),
        product_form("5-3", "月份销售计划"),
        product_form("5-11", "月份销售实绩统计表"),
        product_form("5-6", "产品销售记录台账"),
    ]
    client.force_login(org.admin)
    with declared(*forms):
        assert list(site._registry)[-4:] == ["5-13", "5-3", "5-11", "5-6"]
        menus = menu(client)
        assert codes_of(menus["销售台账"]) == [f"表5-{n}" for n in range(2, 14)]
        assert codes_of(menus["合同台账"]) == [f"表5-{n}" for n in range(14, 26)]
        assert codes_of(menus["拜访台账"]) == [f"表5-{n}" for n in range(27, 31)]
        index = client.get("/registers/").context["families"]
        assert [key for key, _label, _entries in index] == [
            "customers",
            "sales",
            "contracts",
            "visits",
        ]
        codes = [e["code"] for _key, _label, entries in index for e in entries if e["code"]]
        assert codes == [f"5-{n}" for n in (*range(2, 26), *range(27, 31))]
        assert all(e["url"] for _key, _label, entries in index for e in entries)
        response = client.get("/registers/monthly.xlsx?month=2026-11")
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        cells = [v for row in book["目录"].iter_rows(values_only=True) for v in row]
        listed = [v for v in cells if isinstance(v, str) and v.startswith("表5-")]
        # The registers only (documents have no sheet), sales then contracts then visits.
        assert listed == [f"表{code}" for code in REGISTER_CODES]
        assert [name.split()[0] for name in book.sheetnames[3:]] == listed


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


DOCUMENT_CODES = ["5-2", "5-4", "5-5", "5-8", "5-9", "5-10", "5-14", "5-15", "5-16", "5-29"]


def test_document_forms_join_menus_index_and_exports_in_form_order(org, client):
    client.force_login(org.admin)
    # Documents (5-2, 5-4, 5-5, 5-8 …) and registers (5-3, 5-6, 5-7 …): one 表 order.
    menus = menu(client)
    assert menus["销售台账"] == [*SALES_FORMS, "销售看板", "新建订单", "费用与分摊"]
    assert menus["合同台账"] == [*CONTRACT_FORMS, "合同", "新建合同"]
    assert menus["拜访台账"] == [*VISIT_FORMS, "拜访总览"]
    linked = {}
    for family in ("sales", "contracts", "visits"):
        entries = sales_index(client, family)
        assert [e["code"] for e in entries] == sorted(
            (e["code"] for e in entries), key=lambda c: int(c.split("-")[1])
        )
        linked |= {e["code"]: (e["kind"], e["url"]) for e in entries}
    assert linked == {
        code: (
            ("document", f"/forms/{code}/")
            if code in DOCUMENT_CODES
            else ("register", f"/registers/{code}/")
        )
        for code in [f"5-{n}" for n in (*range(2, 26), *range(27, 31))]
    }
    assert set(DOCUMENT_CODES) == {d.code for d in site.documents() if d.is_form}
    page = client.get("/exports/")
    listed = [entry["register"].code for entry in page.context["registers"]]
    assert listed == [
        "customers",
        "service",
        "customer",
        *(f"5-{n}" for n in (*range(2, 26), *range(27, 31))),
    ]
    html = page.content.decode()
    assert 'href="/forms/5-8/"' in html and "/forms/5-8/export.xlsx" not in html
    assert "每份单据的 PDF · Excel（在列表中下载）" in html  # 5-2 and the card
    assert "每份单据的 PDF（在列表中下载）" in html  # 5-8 is no table: no workbook


def test_documents_not_declared_yet_stay_out_of_menus_and_say_so_in_the_index(org, client):
    client.force_login(org.admin)
    declared_entry = next(e for e in sales_index(client) if e["code"] == "5-10")
    assert (declared_entry["url"], declared_entry["available"]) == ("/forms/5-10/", True)
    assert "尚未启用" not in client.get("/registers/").content.decode()
    # As before 表5-10 was built: out of the menu, listed in the index without a link.
    with withdrawn("5-10"):
        assert "表5-10 订货统计表" not in menu(client)["销售台账"]
        assert [label for label in menu(client)["销售台账"] if label.startswith("表")] == [
            label for label in SALES_FORMS if label != "表5-10 订货统计表"
        ]
        order = next(e for e in sales_index(client) if e["code"] == "5-10")
        assert order == {
            "code": "5-10",
            "sort_key": (1, 5, 10),
            "title": "订货统计表",
            "kind": "document",
            "url": None,
            "available": False,
        }
        assert "尚未启用" in client.get("/registers/").content.decode()
    assert "表5-10 订货统计表" in menu(client)["销售台账"]


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
