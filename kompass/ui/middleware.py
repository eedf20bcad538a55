"""The request's language: German unless the user chose English with the language switch."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


def language_from_cookie(request: HttpRequest) -> str:
    """The language the user chose with the language switch (cookie), else German.

    Accept-Language is ignored on purpose: Kommunalkompass is German by default, and English is a
    deliberate choice in the header, not a guess from the browser's settings.
    """
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen:
        try:
            # Only languages in settings.LANGUAGES with a catalogue; "en-GB" falls back to "en".
            # Over-long or malformed values raise LookupError.
            return translation.get_supported_language_variant(chosen)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    """Activate the request's language: the language cookie if valid, otherwise German.

    Replaces Django's LocaleMiddleware, which would pick English for every browser that sends
    `Accept-Language: en`. We use no language prefixes in URLs, so its redirects are not needed.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Only for this request: the thread's language is restored afterwards, so a request in
        # English does not leave English behind for whatever the thread runs next.
        with translation.override(language_from_cookie(request)):
            language = translation.get_language()
            request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
            response = self.get_response(request)
        # The page depends on the language cookie only; shared caches must key on it.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
