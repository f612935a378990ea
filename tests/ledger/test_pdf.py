"""PDF rendering loads only the app's own static files and escapes user text."""

import pytest

from ledger.engine.pdf import STATIC_SCHEME, StaticOnlyFetcher, html_to_pdf
from tests.factories import CustomerFactory
from tests.formcheck import pdf_text


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/x.css",
        "https://127.0.0.1/secret",
        "data:text/css,body{}",
        f"{STATIC_SCHEME}../../ledger/settings.py",
        f"{STATIC_SCHEME}/etc/passwd",
        f"{STATIC_SCHEME}css/nope.css",
    ],
)
def test_the_fetcher_refuses_everything_but_static_files(url):
    fetcher = StaticOnlyFetcher()
    with pytest.raises(ValueError):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_the_fetcher_serves_the_print_stylesheet():
    response = StaticOnlyFetcher().fetch(f"{STATIC_SCHEME}css/print.css")
    body = response.read() if hasattr(response, "read") else response.body
    assert b"@page" in (body if isinstance(body, bytes) else body.read())


def test_a_document_that_asks_for_files_gets_nothing(monkeypatch):
    asked = []
    original = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    pdf = html_to_pdf(
        '<link rel="stylesheet" href="http://example.com/a.css">'
        '<img src="file:///etc/passwd"><p style="background:url(file:///etc/shadow)">正文</p>'
    )
    assert pdf.startswith(b"%PDF")
    assert "root:" not in pdf_text(pdf)
    # Each of the three was asked for once, through the fetcher (which refused it).
    assert sorted(asked) == ["file:///etc/passwd", "file:///etc/shadow", "http://example.com/a.css"]


def test_user_text_is_escaped_in_printed_forms(login, admin_user, monkeypatch):
    CustomerFactory(
        owner=admin_user,
        name='<img src="file:///etc/passwd"><link rel="stylesheet" href="http://evil.example/x.css">恶意客户',
    )
    asked = []
    original = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    response = login(admin_user).get("/registers/customers/print.pdf?scope=personal")
    assert response.status_code == 200
    text = "".join(pdf_text(response.content).split())
    assert '<imgsrc="file:///etc/passwd">' in text and "恶意客户" in text
    # The print stylesheet and nothing else: the user's <img>/<link> were never fetched.
    assert asked == [f"{STATIC_SCHEME}css/print.css"]
