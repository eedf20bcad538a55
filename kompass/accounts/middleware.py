"""A password someone else set is changed before anything else (issue 8, ASVS 6.4.1).

`create_kommune` and an administrator who sets a password mark the account
(`User.must_change_password`); until its holder chooses her own password, every page sends her
to the password change page, and the API answers 403. Logging out, the password pages, the
language switch, the legal pages, static files and the health check stay open.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

PUBLIC_AREA = "/p/"  # the anonymous pages of tenancy.public: they never show the visitor's account
OPEN_ROUTES = (
    "accounts:password_change",
    "accounts:password_change_done",
    "accounts:logout",
    "set_language",
    "ui:health",
    "ui:impressum",
    "ui:privacy",
    "ui:accessibility",
)


def password_change_required_message() -> str:
    return _(
        "Bitte ändern Sie zuerst Ihr Passwort: Es wurde von jemand anderem festgelegt. "
        "Melden Sie sich dazu im Browser an; danach funktioniert auch der Zugriff über die API wieder."
    )


def _reverse_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:  # a URLconf without that page (tests mount partial URLconfs)
        return None


def must_change_password(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "must_change_password", False))


class PasswordChangeRequiredMiddleware:
    """Sends a logged-in user whose password was set by someone else to the change page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open_paths: frozenset[str | None] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Open paths are decided before the session is read: a public page, which shows nothing
        # of the visitor, stays cacheable by shared caches for everyone (tenancy.public).
        if not self._is_open(request.path_info) and must_change_password(getattr(request, "user", None)):
            return self._answer(request)
        return self.get_response(request)

    def _is_open(self, path: str) -> bool:
        if path.startswith((settings.STATIC_URL, PUBLIC_AREA)):
            return True
        if self._open_paths is None:  # resolved lazily: the URLconf is not loaded at start-up
            self._open_paths = frozenset(_reverse_or_none(name) for name in OPEN_ROUTES) - {None}
        return path in self._open_paths

    def _answer(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": password_change_required_message()}, status=403)
        target = reverse("accounts:password_change")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        response = redirect(target)
        if getattr(request, "htmx", False):
            response["HX-Redirect"] = target  # a fragment request: the whole page moves
        return response
