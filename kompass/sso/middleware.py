"""No page with one factor where a second is due (docs/security.md A3).

After the password, a session that still owes its second factor (`mfa.state`) reaches only the
step itself (or the enrolment, for an account that must set one up), logging out, the password
change while one is forced, the language switch, the legal pages, the health checks, the public
pages of a Kommune and static files. Every other page redirects to the step; the API, when called with the
session cookie, answers 403 (a token caller has no session and is not concerned).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from kompass.accounts.middleware import OPEN_ROUTES, PUBLIC_AREA, must_change_password
from kompass.sso import mfa

PASSWORD_ROUTES = ("accounts:password_change", "accounts:password_change_done")
ALWAYS_OPEN = (
    *(name for name in OPEN_ROUTES if name not in PASSWORD_ROUTES),
    "ui:healthz",
    "ui:readyz",
    "sso:oidc_start",
    "sso:oidc_callback",
)
STEP_ROUTES = {mfa.VERIFY: ("sso:verify",), mfa.ENROL: ("sso:enrol",), "password": PASSWORD_ROUTES}
TARGET = {mfa.VERIFY: "sso:verify", mfa.ENROL: "sso:enrol"}


def _paths(names: tuple[str, ...]) -> frozenset[str]:
    found = set()
    for name in names:
        try:
            found.add(reverse(name))
        except NoReverseMatch:  # a URLconf without that page (tests mount partial URLconfs)
            continue
    return frozenset(found)


def second_factor_message() -> str:
    return _(
        "Bitte bestätigen Sie zuerst Ihre Anmeldung mit dem zweiten Faktor. "
        "Melden Sie sich dazu im Browser an; API-Tokens sind davon nicht betroffen."
    )


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open: frozenset[str] | None = None
        self._steps: dict[str, frozenset[str]] = {}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        # Open paths are decided before the session is read (public pages stay cacheable).
        if path.startswith((settings.STATIC_URL, PUBLIC_AREA)) or path in self._open_paths():
            return self.get_response(request)
        owed = mfa.state(request)
        if owed == mfa.OK or path in self._step_paths(owed):
            return self.get_response(request)
        # A password someone else set is changed first (accounts' middleware sends her there).
        if path in self._step_paths("password") and must_change_password(request.user):
            return self.get_response(request)
        return self._answer(request, owed)

    def _open_paths(self) -> frozenset[str]:
        if self._open is None:  # resolved lazily: the URLconf is not loaded at start-up
            self._open = _paths(ALWAYS_OPEN)
        return self._open

    def _step_paths(self, owed: str) -> frozenset[str]:
        if owed not in self._steps:
            self._steps[owed] = _paths(STEP_ROUTES[owed])
        return self._steps[owed]

    def _answer(self, request: HttpRequest, owed: str) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": second_factor_message()}, status=403)
        target = reverse(TARGET[owed])
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        response = redirect(target)
        if getattr(request, "htmx", False):
            response["HX-Redirect"] = target  # a fragment request: the whole page moves
        return response
