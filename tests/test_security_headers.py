"""Security headers: a Content-Security-Policy without 'unsafe-inline', private pages
never cached; page templates free of inline scripts and styles; junk refused with 400."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from tests.factories import CustomerFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle\s*=", re.IGNORECASE)


def _csp(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in (p.strip() for p in policy.split(";"))
        if part
    }


def _no_store(response):
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


@pytest.fixture
def customer(sales1):
    return CustomerFactory(owner=sales1, name="头部测试客户")


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/registers/customers/?scope=personal",
        "/registers/customers/print.pdf?scope=personal",
        "/registers/customers/export.xlsx?scope=personal",
        "customer-pdf",
        "customer-xlsx",
    ],
)
def test_pages_pdfs_and_workbooks_are_private_and_under_the_policy(login, sales1, customer, url):
    if url == "customer-pdf":
        url = f"/customers/{customer.pk}/print.pdf"
    elif url == "customer-xlsx":
        url = f"/customers/{customer.pk}/export.xlsx"
    response = login(sales1).get(url)
    assert response.status_code == 200
    _no_store(response)
    policy = _csp(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'"


def test_the_login_page_is_private_too(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    _no_store(response)
    assert "Content-Security-Policy" in response


def test_static_files_keep_their_caching(client, db):
    assert finders.find("css/app.css")
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_page_templates_have_no_inline_script_or_style():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        if "print" in path.relative_to(TEMPLATES).parts:
            continue  # PDFs are rendered by WeasyPrint, not a browser
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if INLINE.search(line):
                offenders.append(f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}")
    assert offenders == []


def test_rendered_pages_have_no_inline_script_or_style(login, admin_user, customer):
    client = login(admin_user)
    for url in ["/", f"/customers/{customer.pk}/", "/customers/new/", "/registers/customers/"]:
        html = client.get(url).content.decode()
        assert not INLINE.search(html), url
        assert '"includeIndicatorStyles":false' in html


def test_the_admin_works_under_the_policy(client, login, admin_user, customer):
    anonymous = client.get("/admin/login/")
    assert anonymous.status_code == 200
    assert "Content-Security-Policy" in anonymous
    client = login(admin_user)
    for url in [
        "/admin/",
        "/admin/ledger/customer/",
        f"/admin/ledger/customer/{customer.pk}/change/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        inline = [m.group(0) for m in INLINE.finditer(html)]
        assert inline == [], url


@pytest.mark.parametrize(
    "url", ["/admin/ledger/customer/abc/change/", "/admin/ledger/customer/²/change/"]
)
def test_a_junk_admin_id_is_not_a_server_error(login, admin_user, url):
    response = login(admin_user).get(url)
    assert response.status_code == 302  # the admin says "does not exist" on its index


@pytest.mark.parametrize(
    "url",
    [
        "/admin/ledger/customer/abc/history/",
        "/admin/ledger/product/²/history/",
        "/admin/ledger/servicerecord/abc/history/abc/",
        "/admin/ledger/customer/1/history/²/",
    ],
)
def test_a_junk_id_in_an_admin_history_url_is_a_404(login, admin_user, url):
    assert login(admin_user).get(url).status_code == 404


@pytest.mark.parametrize(
    "params",
    [{"q": "a\x00b"}, {"a\x00": "1"}, {"scope": "public\x00"}],
)
def test_nul_in_a_query_is_refused_with_a_400(login, sales1, params):
    response = login(sales1).get("/registers/customers/", params)
    assert response.status_code == 400
    assert "无效字符" in response.content.decode()


def test_nul_in_a_form_is_refused_and_nothing_is_saved(login, sales1):
    from ledger.models import Customer

    response = login(sales1).post("/customers/new/", {"name": "坏\x00客户", "category": "new"})
    assert response.status_code == 400
    assert not Customer.objects.exists()


def test_a_utf16_form_is_not_a_server_error(login, sales1):
    body = "name=客户&category=new"
    response = login(sales1).post(
        "/customers/new/", body, content_type="application/x-www-form-urlencoded; charset=utf-16"
    )
    assert response.status_code < 500


@pytest.mark.parametrize(
    ("per_page", "rows"),
    [("-5", 25), ("0", 25), ("abc", 25), ("²", 25), ("١٠", 25), ("10", 10), ("99999999", 200)],
)
def test_per_page_junk_and_the_cap(login, admin_user, per_page, rows):
    from tests.factories import ProductFactory

    ProductFactory.create_batch(230)
    response = login(admin_user).get("/registers/5-7/", {"per_page": per_page, "page": "-3"})
    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == rows


@pytest.mark.parametrize("exclude", ["²", "١٢", "-1", "9" * 30])
def test_a_non_ascii_digit_where_an_id_is_expected(login, sales1, exclude):
    response = login(sales1).get("/customers/duplicates/", {"name": "恒通", "exclude": exclude})
    assert response.status_code == 200
