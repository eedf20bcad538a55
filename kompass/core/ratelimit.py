"""Rate limits on Django's cache: fixed windows per address, per user and per Kommune (S7 in docs/security.md).

A limit is a named scope with `count/seconds` in the setting `RATE_LIMITS` (each overridable by an
environment variable, see docs/operations.md). Time is cut into fixed windows of `seconds`; each
event adds one to the counter of its scope, key and window, and the event past `count` is refused
with 429 and `Retry-After` (the seconds until the window ends). Counters live in the default cache,
which every app process shares (the database cache in production), with `cache.add` for the first
event of a window and `cache.incr` after it; a counter expires with its window. Memcached and Redis
increment atomically; the database cache reads and writes, so two requests at the same instant may
be counted as one: a limit can let through a few more under a burst, never fewer.

The part after the dot of a scope's name says what it counts:

- `….address`: the client's address (`core.clientaddr`, trusted proxies honoured); an IPv6 client is
  counted by its /64 network, since one connection usually owns a whole one.
- `….user`: the logged-in user within the Kommune of the page, so one person's work in one Kommune
  does not use up her quota in another.
- `….kommune`: everything of one Kommune together, so a busy Kommune is slowed down without
  touching the others.
- `….token`: a token the request carries: an API token (the caller passes its key), or a survey's
  link in the address (`limited(…, key_from="<URL keyword>")`). Survey pages are counted per link and
  never per address, because a whole Rathaus may reach the instance through one address.

Keys are hashed with the instance's secret key, so the cache holds no address or token in clear, and
no survey token's stored hash either: a counter cannot be matched to a participant (docs/security.md N3).
"""

from __future__ import annotations

import functools
import ipaddress
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Concatenate, ParamSpec, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kompass.core.clientaddr import client_address, parse_address

P = ParamSpec("P")
R = TypeVar("R", bound=HttpRequest)

# The page shell's plain error page when there is no page of its own for 429; plain text without either.
TEMPLATES = ["errors/429.html", "ui/error_plain.html"]


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def rate(scope: str) -> Rate:
    count, seconds = settings.RATE_LIMITS[scope]
    return Rate(int(count), int(seconds))


class RateLimited(Exception):
    """Raised where no response can be returned directly (the API); `retry_after` in seconds."""

    def __init__(self, scope: str, retry_after: int) -> None:
        super().__init__(scope)
        self.scope = scope
        self.retry_after = retry_after


def _window(limit: Rate) -> tuple[int, int]:
    """The current window's number and the whole seconds until it ends (at least 1)."""
    now = time.time()
    window = int(now // limit.seconds)
    return window, max(1, math.ceil((window + 1) * limit.seconds - now))


def _key(scope: str, parts: Iterable[object], window: int) -> str:
    # SECURITY: keyed, not a plain SHA-256: the participant table keeps SHA-256 of each survey token,
    # and a plain hash here would tell which participant was active in which window (docs/security.md N3).
    digest = salted_hmac("kompass.ratelimit", "\x1f".join(str(part) for part in parts)).hexdigest()[:32]
    return f"ratelimit:{scope}:{window}:{digest}"


def hit(scope: str, *parts: object) -> int | None:
    """Count one event of `scope` for the key `parts`: None while within the limit, else the seconds to wait."""
    limit = rate(scope)
    window, retry_after = _window(limit)
    key = _key(scope, parts, window)
    if cache.add(key, 1, timeout=retry_after + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: this event opens the window again
            cache.add(key, 1, timeout=retry_after + 1)
            count = 1
        else:
            # The database cache's incr is a get and a set, and the set gives the default timeout
            # (300 s): the counter must stay until its window ends.
            cache.touch(key, timeout=retry_after + 1)
    return retry_after if count > limit.count else None


def blocked(scope: str, *parts: object) -> int | None:
    """Like `hit` without counting: the seconds to wait if the limit is already used up, else None."""
    limit = rate(scope)
    window, retry_after = _window(limit)
    count = cache.get(_key(scope, parts, window), 0)
    return retry_after if isinstance(count, int) and count >= limit.count else None


def address_key(request: HttpRequest) -> str:
    """The client's address as the limiter counts it: IPv6 by its /64 network."""
    text = client_address(request)
    address = parse_address(text)
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return text


def _kommune_id(request: HttpRequest) -> object:
    tenant = getattr(request, "tenant", None)  # set by tenancy's `tenant_view`
    kommune = getattr(tenant, "kommune", None)
    return getattr(kommune, "pk", None)


def request_parts(request: HttpRequest, scope: str, token: object = None) -> tuple[object, ...]:
    """The key of `scope` for this request, after the scope's suffix (see the module's text)."""
    kind = scope.rsplit(".", 1)[-1]
    if kind == "token" and token:
        return (token,)
    if kind == "address":
        return (address_key(request),)
    if kind == "user":
        user = getattr(request, "user", None)
        return (_kommune_id(request), getattr(user, "pk", None))
    if kind == "kommune":
        return (_kommune_id(request),)
    raise ValueError(f"Rate limit scope {scope!r} cannot be keyed from a request.")


def count_request(request: HttpRequest, *scopes: str, token: object = None) -> int | None:
    """Count the request against every scope: None while within all limits, else the longest wait."""
    waits = [wait for scope in scopes if (wait := hit(scope, *request_parts(request, scope, token)))]
    return max(waits) if waits else None


def enforce(request: HttpRequest, *scopes: str) -> None:
    """`count_request` for code that cannot return a response (the API): raises `RateLimited`."""
    wait = count_request(request, *scopes)
    if wait:
        raise RateLimited(",".join(scopes), wait)


def _wait_text(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    if seconds < 60:
        return ngettext("in %(n)d Sekunde", "in %(n)d Sekunden", seconds) % {"n": seconds}
    return ngettext("in %(n)d Minute", "in %(n)d Minuten", minutes) % {"n": minutes}


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    """The German 429 page with `Retry-After`."""
    title = _("Zu viele Anfragen")
    text = _("Diese Aktion wurde in kurzer Zeit zu oft ausgeführt. Bitte versuchen Sie es %(wait)s noch einmal.") % {
        "wait": _wait_text(retry_after)
    }
    context = {
        "status": 429,
        "title": title,
        "text": text,
        "retry_after": retry_after,
        "request_id": getattr(request, "request_id", ""),
    }
    body: str
    try:
        body = select_template(TEMPLATES).render(context, request)
        content_type = "text/html; charset=utf-8"
    except TemplateDoesNotExist:
        body = f"{title}\n\n{text}\n"
        content_type = "text/plain; charset=utf-8"
    response = HttpResponse(body, status=429, content_type=content_type)
    response["Retry-After"] = str(retry_after)
    return response


def limited(
    *scopes: str, methods: Iterable[str] | None = None, key_from: str | None = None
) -> Callable[[Callable[Concatenate[R, P], HttpResponse]], Callable[Concatenate[R, P], HttpResponse]]:
    """Count each request (of `methods`, default all) against every scope; over any limit → 429.

    Put it directly above the view function, inside `tenant_view`, so that the Kommune is known.
    `key_from` names the URL keyword whose value keys the `….token` scopes (a survey's link).
    """
    for scope in scopes:
        rate(scope)  # an unknown scope fails at import time, not at the first request
    counted = frozenset(method.upper() for method in methods) if methods is not None else None

    def decorate(view: Callable[Concatenate[R, P], HttpResponse]) -> Callable[Concatenate[R, P], HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: R, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            if counted is None or request.method in counted:
                wait = count_request(request, *scopes, token=kwargs.get(key_from) if key_from else None)
                if wait:
                    return too_many_requests(request, wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
