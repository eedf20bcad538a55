"""Who calls the API: a personal API token (`Authorization: Bearer kk_…`) or the browser session.

Tokens are for programs; the session lets a logged-in member try the API on the docs page. A
session is a cookie the browser sends by itself, so unsafe methods also need the CSRF token
(the docs page sends it as `X-CSRFToken`); a bearer token is never sent by itself and needs none.

After authenticating, both classes pass the request through `gate.admit`, which resolves the
Kommune and the objects named in the URL before Ninja even reads the request body.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from kompass.accounts.middleware import must_change_password, password_change_required_message
from kompass.accounts.services import api_token_authenticate
from kompass.api.errors import not_authenticated_message
from kompass.api.gate import admit
from kompass.core.ratelimit import RateLimited, hit

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def not_authenticated() -> AuthenticationError:
    return AuthenticationError(401, not_authenticated_message())


class TokenAuth(HttpBearer):
    """A personal API token. A bearer token that is wrong is a 401, even with a valid session cookie."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = api_token_authenticate(token.strip())
        if api_token is None:  # unknown, revoked, expired, or ended by a password change or lost membership
            raise not_authenticated()
        user = api_token.user
        # Per token, generous: against a runaway script, not against work (docs/security.md S7). Counted after the
        # check, so an unknown token fills no counter.
        wait = hit("api.token", token.strip())
        if wait:
            raise RateLimited("api.token", wait)
        if must_change_password(user):  # a password set by someone else is changed in the browser first
            raise HttpError(403, password_change_required_message())
        request.user = user
        admit(request, user, api_token)
        return user


class SessionAuth(APIKeyCookie):
    """The Django session of a logged-in user; unsafe methods need the CSRF token as well."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)  # read by Ninja's docs page: it then sends X-CSRFToken

    def _get_key(self, request: HttpRequest) -> str | None:
        # The CSRF check comes after the login check, so an anonymous caller gets 401, not 403.
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise HttpError(403, _("CSRF-Prüfung fehlgeschlagen. Senden Sie das CSRF-Token im Kopf X-CSRFToken."))
        admit(request, user)
        return user
