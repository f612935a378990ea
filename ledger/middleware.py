"""The interface language: Simplified Chinese unless the user picked another one."""

from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Like Django's LocaleMiddleware, but the browser's Accept-Language is not consulted.

    A company's computers often run English systems; the ledger still speaks Chinese
    unless the user chooses English in the account menu (stored in the language cookie).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        translation.deactivate()
        return response
