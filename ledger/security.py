"""Request and response guards: junk characters refused, private pages never cached."""

from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

NUL = "\x00"


def _has_nul(values) -> bool:
    for key, items in values.lists():
        if NUL in key or any(isinstance(item, str) and NUL in item for item in items):
            return True
    return False


class RejectNulMiddleware:
    """Refuse, with a 400 page, a request whose path, query, form or cookies hold NUL.

    No form of the ledger can contain the character, PostgreSQL refuses it in text (a
    500 before this check), and stripping it silently would save something other than
    what was sent. Put it before the session middleware: a session cookie is text too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.has_nul(request):
            return HttpResponseBadRequest(
                render_to_string(
                    "400.html",
                    {
                        "message": _(
                            "The request contains an invalid character (NUL) and was not "
                            "processed. Remove it and try again."
                        )
                    },
                )
            )
        return self.get_response(request)

    @staticmethod
    def has_nul(request) -> bool:
        if NUL in request.path or any(
            NUL in key or NUL in value for key, value in request.COOKIES.items()
        ):
            return True
        if _has_nul(request.GET):
            return True
        return request.method == "POST" and _has_nul(request.POST)


class NoStoreMiddleware:
    """``Cache-Control: private, no-store`` on every response a view produces.

    Pages, PDFs and workbooks carry customer data: neither a shared proxy nor the
    browser's disk cache may keep them. Static files are answered by WhiteNoise before
    this middleware and keep their long-lived caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, private=True, no_store=True)
        return response
