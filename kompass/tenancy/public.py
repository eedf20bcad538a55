"""Pages anonymous visitors may see: `/p/<kommune_slug>/…` (URL namespace `public`).

The survey pages and the transparency page of later modules live here. `public_view` is their
entry, the counterpart of `tenant_view`:

- the Kommune comes from the slug; an unknown slug is 404, and so is a Kommune that publishes
  nothing (see below), so the public area does not confirm which Kommunen use the instance;
- the view gets `request.public` (the Kommune, nothing else) and no user: while it runs,
  `request.user` is anonymous even for a logged-in visitor, so neither the view nor the page
  shell can show the session user's name, memberships or another Kommune's data — a member
  sees exactly what anyone sees;
- no login; CSRF protection stays on (survey answers are POSTed);
- `Cache-Control` follows from what the page holds: a page with a CSRF token, a cookie or the
  visitor's session data is `private, no-cache`; a page that is the same for everyone may be
  kept by shared caches for `PUBLIC_MAX_AGE` seconds.

Publishing is opt-in. A Kommune has public pages only while something of it is published; the
modules that publish (an open survey, a released transparency page) say so through the
`publications` registry, in their `AppConfig.ready`. Until one does, every `/p/…` address is 404 —
there is no Kommune-wide "public" switch yet (it needs a field on `Kommune` and a page to set it).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, cast

from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse
from django.urls import URLPattern, get_resolver, path
from django.utils.cache import patch_cache_control, patch_vary_headers

from kompass.core.registry import Registry
from kompass.tenancy import rls
from kompass.tenancy.models import Kommune

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

P = ParamSpec("P")
PREFIX = "p/<slug:kommune_slug>/"
PUBLIC_MAX_AGE = 300
METHODS = ("GET", "POST")
KWARG = re.compile(r"<(?:[^>:]+:)?([^>]+)>")


# --- what a Kommune publishes -------------------------------------------------------------------


@dataclass(frozen=True)
class Publication:
    """Something a module publishes for a Kommune (e.g. "umfragen": the Kommune has an open survey).

    `publishes(kommune)` answers whether the Kommune currently publishes it; one `True` among the
    registered publications opens the Kommune's public pages.
    """

    key: str
    publishes: Callable[[Kommune], bool]


publications: Registry[Publication] = Registry("tenancy.publications")


def is_published(kommune: Kommune) -> bool:
    return any(publication.publishes(kommune) for publication in publications)


# --- the request of a public page ---------------------------------------------------------------


@dataclass(frozen=True)
class PublicContext:
    """What a public page knows: the Kommune whose page it is. No user, no membership, no role."""

    kommune: Kommune


class PublicRequest(HttpRequest):
    """A request of a public page, after `public_view`. For type annotations only."""

    public: PublicContext
    htmx: HtmxDetails


def resolve_public(kommune_slug: str) -> PublicContext:
    """The public context of the Kommune `kommune_slug`, or 404 if it is unknown or publishes nothing."""
    kommune = Kommune.objects.filter(slug=kommune_slug).first()
    if kommune is None:
        raise Http404
    rls.activate(kommune.pk)  # the database shows this Kommune's rows for the rest of the request (docs/security.md T4)
    if not is_published(kommune):
        rls.deactivate()
        raise Http404
    return PublicContext(kommune)


def public_view(
    view: Callable[Concatenate[PublicRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, str, P], HttpResponse]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, kommune_slug: str, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        public_request = cast(PublicRequest, request)
        public_request.public = resolve_public(kommune_slug)
        # SECURITY: the page is rendered for nobody. The session user (a member of this or another
        # Kommune, an operator) must not change what a public page shows, so the view and the shell's
        # context processors see an anonymous user; the real one is back for the middleware.
        session_user = request.user
        request.user = AnonymousUser()
        try:
            response = view(public_request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
                response.render()  # lazily rendered templates must not see the real user either
        finally:
            request.user = session_user
        _set_cache_control(request, response)
        return response

    wrapper.public_view = True  # type: ignore[attr-defined]  # checked by `public_path`
    return wrapper


def _set_cache_control(request: HttpRequest, response: HttpResponse) -> None:
    """Shared caches may keep a public page only if it is the same for every visitor."""
    if "Cache-Control" in response:
        return
    messages = get_messages(request)
    per_visitor = (
        request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page holds a CSRF token (Django's get_token)
        or response.cookies
        or getattr(getattr(request, "session", None), "accessed", False)  # read the visitor's session
        or getattr(messages, "used", False)  # showed the visitor's messages (conservative: even none)
    )
    if per_visitor:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    patch_vary_headers(response, ("Cookie",))  # the language comes from a cookie


# --- declaring public routes --------------------------------------------------------------------


@dataclass(frozen=True)
class PublicRoute:
    key: str  # "public:<name>"
    route: str  # with the `p/<slug:kommune_slug>/` prefix
    view: Callable[..., Any]
    methods: tuple[str, ...] = ("GET",)

    @property
    def kwargs(self) -> list[str]:
        return KWARG.findall(self.route)


def _validate(spec: PublicRoute) -> None:
    if not getattr(spec.view, "public_view", False):
        raise ImproperlyConfigured(f"{spec.key}: the view of a public route must be wrapped by @public_view")
    if not spec.methods or set(spec.methods) - set(METHODS):
        raise ImproperlyConfigured(f"{spec.key}: methods must be among {METHODS}, got {spec.methods}")


public_routes: Registry[PublicRoute] = Registry("tenancy.public_routes", validate=_validate)


def public_path(route: str, view: Callable[..., Any], *, name: str, methods: tuple[str, ...] = ("GET",)) -> URLPattern:
    """`path(f"p/<slug:kommune_slug>/{route}", view, name=name)` for the URL namespace `public`,
    recorded in `public_routes` so the isolation tests know every public page and its methods."""
    spec = PublicRoute(f"public:{name}", PREFIX + route, view, tuple(methods))
    if public_routes.get(spec.key) != spec:
        public_routes.register(spec)
    pattern = path(spec.route, view, name=name)
    pattern.public_route = spec  # type: ignore[attr-defined]
    return pattern


@dataclass(frozen=True)
class PublicPages:
    """The public pages of a module (a survey's pages): `patterns()` returns its `public_path`
    routes, added to the namespace `public` by `public_urls.py` (a lower floor cannot import the
    module's URLconf, so the module registers it in its `AppConfig.ready`)."""

    key: str
    patterns: Callable[[], list[URLPattern]]


public_pages: Registry[PublicPages] = Registry("tenancy.public_pages")


def declared_public_routes() -> list[PublicRoute]:
    get_resolver().url_patterns  # noqa: B018  # importing the URLconfs fills the registry
    return list(public_routes)
