"""The security headers every response must carry (docs/security.md S1), checked by the role matrix of
`test_isolation` on every response of every route and persona: the crawl over the URL resolver.

The matrix sends its requests over HTTPS (`secure=True`) with the production values of the settings that
only apply behind TLS (`PRODUCTION_TLS`), so HSTS and the cookie flags are checked as a browser would get
them in production. The header values themselves come from the project's settings, which
`core/tests/test_deploy_settings.py` checks with `check --deploy`.
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

from django.conf import settings

# What settings.py sets when DJANGO_SECURE is on (TLS in production), except the cookie names: the API's
# session authentication reads the name once at import, so the test keeps the development names.
PRODUCTION_TLS = {
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "LANGUAGE_COOKIE_SECURE": True,
}
HSTS = "max-age=31536000; includeSubDomains; preload"
# A page for everyone (legal pages, login, feedback) shows a logged-in visitor's name in its shell: private
# at least. A page of a Kommune for the public (/p/<slug>/…) is rendered for nobody, whoever asks
# (tenancy/public.py `public_view`), so it may be kept by shared caches for logged-in visitors too.
PRIVATE = ("no-store", "private")


def _directives(csp: str) -> dict[str, list[str]]:
    result = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            result[words[0]] = words[1:]
    return result


def header_problems(
    response: Any, *, logged_in: bool, public_page: bool = False, for_nobody: bool = False
) -> list[str]:
    """What is missing or wrong in the headers of `response`, in words; empty when all is well."""
    problems = []
    csp = _directives(response.get("Content-Security-Policy", ""))
    script = csp.get("script-src", csp.get("default-src"))
    if not script:
        problems.append("no Content-Security-Policy with script-src")
    elif "'unsafe-inline'" in script or "'unsafe-eval'" in script:
        problems.append(f"script-src allows inline script: {script}")
    if csp.get("frame-ancestors") != ["'none'"]:
        problems.append(f"frame-ancestors is {csp.get('frame-ancestors')}")
    if csp.get("object-src") != ["'none'"]:
        problems.append(f"object-src is {csp.get('object-src')}")
    expected = {
        "Strict-Transport-Security": HSTS,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    # Survey pages send the origin only, so a survey link's token never leaves in a Referer (views_survey.py).
    if response.get("Referrer-Policy") not in ("same-origin", "strict-origin", "no-referrer"):
        problems.append(f"Referrer-Policy is {response.get('Referrer-Policy')!r}")
    for name, value in expected.items():
        if response.get(name) != value:
            problems.append(f"{name} is {response.get(name)!r}, not {value!r}")
    cache = {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",")}
    if logged_in and not for_nobody and not (cache & set(PRIVATE if public_page else ("no-store",))):
        problems.append(f"Cache-Control of a logged-in page is {response.get('Cache-Control')!r}")
    problems += cookie_problems(response)
    return problems


def cookie_problems(response: Any) -> list[str]:
    """Every cookie the response sets is Secure, host-only (no Domain) for the whole site, SameSite; the
    session cookie is also HttpOnly. The `__Host-` names of production require exactly that."""
    problems = []
    cookies: SimpleCookie = response.cookies
    for name, morsel in cookies.items():
        if not morsel.value and morsel["max-age"] == 0:
            continue  # a deletion
        if not morsel["secure"]:
            problems.append(f"cookie {name} is not Secure")
        if morsel["domain"] or morsel["path"] != "/":
            problems.append(f"cookie {name} has domain {morsel['domain']!r} and path {morsel['path']!r}")
        if morsel["samesite"] not in ("Lax", "Strict"):
            problems.append(f"cookie {name} has SameSite {morsel['samesite']!r}")
        if name == settings.SESSION_COOKIE_NAME and not morsel["httponly"]:
            problems.append(f"cookie {name} is not HttpOnly")
    return problems
