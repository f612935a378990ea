"""HTML → PDF with WeasyPrint, loading nothing but the application's own static files."""

from __future__ import annotations

import mimetypes
import posixpath
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Print templates name their assets ``ledger-static:<path>`` (tag ``print_static``); any
# other URL — file://, http(s)://, data: — is refused.
STATIC_SCHEME = "ledger-static:"
BASE_URL = STATIC_SCHEME


class StaticOnlyFetcher(URLFetcher):
    """A URL fetcher that serves the app's static files and refuses everything else."""

    def __init__(self):
        super().__init__(allowed_protocols=[], fail_on_errors=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if not url.startswith(STATIC_SCHEME):
            self.refused.append(url)
            raise ValueError(f"refused to load {url[:80]!r}: only the app's static files")
        path = posixpath.normpath(url[len(STATIC_SCHEME) :].lstrip("/"))
        if path.startswith("..") or path.startswith("/"):
            self.refused.append(url)
            raise ValueError(f"refused to load {url[:80]!r}")
        found = finders.find(path)
        if not found:
            self.refused.append(url)
            raise ValueError(f"no static file {path!r}")
        with open(found, "rb") as handle:
            body = handle.read()
        mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": mime})


def html_to_pdf(html: str) -> bytes:
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).write_pdf()


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a print template (autoescaped like every Django template) to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context))
