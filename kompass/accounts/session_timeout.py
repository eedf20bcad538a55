"""Browser sessions end after a time without activity and after a fixed lifetime (docs/security.md A4).

A session that has seen no request for `SESSION_IDLE_TIMEOUT` seconds (30 minutes) or that began
more than `SESSION_ABSOLUTE_LIFETIME` seconds ago (10 hours) is logged out at its next request,
which is sent to the login page with a German message (htmx requests through `HX-Redirect`; API
requests on the session answer 401 as for anyone not logged in). The session keeps the time of
the login and of the last activity; the last activity is written at most once a minute, so a busy
page does not write the session on every request. A request that says it was made in the
background (`X-Kompass-Background`) is checked but does not count as activity; the keep-alive
endpoint (`session_keepalive`) is the explicit "Angemeldet bleiben". Bearer tokens of the API
carry no session and are left alone: they have their own expiry.

Pages get the seconds left in `request.session_timeout`; `base.html` hands them to
`accounts/session_timeout.js`, which warns two minutes before the end.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kompass.accounts.middleware import PUBLIC_AREA

STARTED = "kk_session_started"
SEEN = "kk_session_seen"
BACKGROUND_HEADER = "HTTP_X_KOMPASS_BACKGROUND"
SEEN_GRANULARITY = 60  # seconds: the last activity is stored at most once a minute
WARNING_SECONDS = 120  # the page warns this long before the end

security_log = logging.getLogger("kompass.security")


@dataclass(frozen=True)
class SessionTimes:
    """What the page's warning script needs: seconds left, the idle timeout, seconds of warning."""

    left: int
    idle: int
    warn: int


def idle_message() -> str:
    minutes = max(1, settings.SESSION_IDLE_TIMEOUT // 60)
    return ngettext(
        "Sie wurden nach %(n)d Minute ohne Aktivität abgemeldet. Bitte melden Sie sich erneut an.",
        "Sie wurden nach %(n)d Minuten ohne Aktivität abgemeldet. Bitte melden Sie sich erneut an.",
        minutes,
    ) % {"n": minutes}


def lifetime_message() -> str:
    hours = max(1, settings.SESSION_ABSOLUTE_LIFETIME // 3600)
    return ngettext(
        "Ihre Anmeldung endet aus Sicherheitsgründen nach %(n)d Stunde. Bitte melden Sie sich erneut an.",
        "Ihre Anmeldung endet aus Sicherheitsgründen nach %(n)d Stunden. Bitte melden Sie sich erneut an.",
        hours,
    ) % {"n": hours}


def seconds_left(request: HttpRequest, now: float) -> int:
    """Seconds until the session ends by whichever limit comes first."""
    session = request.session
    idle_end = session.get(SEEN, now) + settings.SESSION_IDLE_TIMEOUT
    lifetime_end = session.get(STARTED, now) + settings.SESSION_ABSOLUTE_LIFETIME
    return max(0, int(min(idle_end, lifetime_end) - now))


def _expired(request: HttpRequest, now: float) -> str | None:
    session = request.session
    if now - session.get(STARTED, now) >= settings.SESSION_ABSOLUTE_LIFETIME:
        return "lifetime"
    if now - session.get(SEEN, now) >= settings.SESSION_IDLE_TIMEOUT:
        return "idle"
    return None


def touch(request: HttpRequest, now: float, *, force: bool = False) -> None:
    """Record activity now (at most once a minute, unless `force`)."""
    session = request.session
    if STARTED not in session:  # a session from before the timeout existed (new logins start in session_started)
        session[STARTED] = now
    if force or now - session.get(SEEN, 0) >= SEEN_GRANULARITY:
        session[SEEN] = now


def session_started(sender: object, request: HttpRequest | None, user: object, **kwargs: object) -> None:
    """At the login both limits start counting (receiver of `user_logged_in`)."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[STARTED] = now
        request.session[SEEN] = now


class SessionTimeoutMiddleware:
    """Logs out a browser session that was idle too long or has reached its lifetime."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._exempt(request) or not request.user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        reason = _expired(request, now)
        if reason is not None:
            return self._end(request, reason)
        if not request.META.get(BACKGROUND_HEADER):
            touch(request, now)
        request.session_timeout = SessionTimes(  # type: ignore[attr-defined]
            left=seconds_left(request, now), idle=settings.SESSION_IDLE_TIMEOUT, warn=WARNING_SECONDS
        )
        return self.get_response(request)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        # Public pages and static files never read the session (they stay cacheable, tenancy.public);
        # a bearer token is not a browser session.
        path = request.path_info
        if path.startswith((settings.STATIC_URL, PUBLIC_AREA)):
            return True
        return request.META.get("HTTP_AUTHORIZATION", "").startswith("Bearer ")

    def _end(self, request: HttpRequest, reason: str) -> HttpResponse:
        user_id = request.user.pk
        logout(request)
        security_log.info("session_expired user=%s reason=%s", user_id, reason)
        if request.path_info.startswith("/api/"):
            return self.get_response(request)  # now anonymous: the API answers 401 in JSON
        messages.info(request, idle_message() if reason == "idle" else lifetime_message())
        target = reverse("accounts:login")
        if request.method == "GET" and not getattr(request, "htmx", False):
            target += "?" + urlencode({"next": request.get_full_path()})
        response = redirect(target)
        if getattr(request, "htmx", False):
            response["HX-Redirect"] = target  # a fragment request: the whole page goes to the login
        return response


@require_POST
def session_keepalive(request: HttpRequest) -> HttpResponse:
    """The button "Angemeldet bleiben": counts as activity and answers how many seconds the session has left.

    The middleware has already refused an expired session; an anonymous caller gets 401 (the script
    then reloads the page, which leads to the login)."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": _("Sie sind nicht mehr angemeldet.")}, status=401)
    now = time.time()
    touch(request, now, force=True)
    left = seconds_left(request, now)
    renewable = left > WARNING_SECONDS  # near the end of the lifetime, staying is no longer possible
    response = JsonResponse({"seconds_left": left, "renewable": renewable})
    response["Cache-Control"] = "no-store"
    return response
