"""S3: an XSS payload crawl over every page of the URL resolver.

Every free text of Teststadt (names, titles, descriptions, notes of every table, and the names of every account)
gets a markup payload appended; then every page that answers GET is opened as a persona who may see it. No page
may answer 500, and no HTML page may contain the payload as markup: every text must arrive escaped. The content
security policy would stop an injected script in a browser anyway (S1); this checks the escaping itself, the
first wall, without relying on the second.

The scene is the one of `test_isolation` (built once per module and kind of route); the payload is written in
the test's own transaction, which is rolled back.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Concat, Length
from django.http import HttpResponse
from django.utils.html import escape

from kompass.accounts.models import User
from kompass.audit.models import AuditEntry
from kompass.tenancy.scoping import TenantModel
from kompass.ui.tests import test_isolation as iso
from kompass.ui.tests import url_registry as reg

scene_layer, scene, world = iso.scene_layer, iso.scene, iso.world

PAYLOAD = "\"'><img src=x onerror=alert(1)>"
MARKUP = b"<img src=x onerror"
# Text columns that the code reads as identifiers, paths or references, not as text to show.
NOT_FREE_TEXT = frozenset(
    {"path", "slug", "key", "code", "username", "password", "token_hash", "prefix", "ags", "pseudonym", "markers"}
)
PAGES = [
    name
    for name in iso.REGISTERED
    if reg.ROUTES[name].access != reg.API and not name.startswith("api:") and "GET" in reg.ROUTES[name].expect
]


def _free_text_fields(model: type[models.Model]) -> list[models.Field]:
    fields = []
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        if isinstance(field, models.EmailField | models.URLField | models.SlugField):
            continue
        if field.choices or field.unique or field.primary_key or field.name in NOT_FREE_TEXT:
            continue
        fields.append(field)
    return fields


def inject(kommune: Any) -> int:
    """Append the payload to every free text of the Kommune's rows and of every account; returns the number of
    columns written. Texts that would grow beyond their column's length keep their value."""
    written = 0
    for model in apps.get_models():
        if not model.__module__.startswith("kompass.") or model is AuditEntry or model._meta.proxy:
            continue
        if issubclass(model, TenantModel):
            rows = model._base_manager.filter(kommune=kommune)
        elif model is User:
            rows = model._base_manager.all()
        else:
            continue
        for field in _free_text_fields(model):
            fitting = rows
            if field.max_length:
                fitting = rows.alias(_len=Length(field.name)).filter(_len__lte=field.max_length - len(PAYLOAD))
            written += bool(
                fitting.exclude(**{field.name: ""}).update(**{field.name: Concat(F(field.name), Value(PAYLOAD))})
            )
    return written


def _persona(route: reg.Route) -> str:
    """Who may see the page: the administration, the platform operator for its own pages, anyone for public ones."""
    row = route.expect["GET"]
    for persona in (reg.ADMIN, reg.OPERATOR, reg.ANON, reg.READER):
        status = row.get(persona)
        if status is not None and status != reg.LOGIN and int(status) < 400:
            return persona
    return reg.ADMIN


def test_the_payload_reaches_the_texts_a_page_shows(world: Any) -> None:
    """The injection itself works: a unit's name and an account's name carry the payload afterwards."""
    assert inject(world.kommune) >= 5
    world.hauptamt.refresh_from_db()
    world.admin.refresh_from_db()
    assert world.hauptamt.name.endswith(PAYLOAD) and world.admin.last_name.endswith(PAYLOAD)
    page = world.client_for(world.admin).get(f"/k/{world.kommune.slug}/organisation/").content.decode()
    assert escape(PAYLOAD) in page and PAYLOAD not in page  # shown, escaped


def test_the_crawl_sees_markup_that_is_not_escaped() -> None:
    assert MARKUP in HttpResponse(f"<p>{PAYLOAD}</p>").content
    assert MARKUP not in HttpResponse(f"<p>{escape(PAYLOAD)}</p>").content


@pytest.mark.django_db
@iso.over_routes(PAGES)
def test_every_page_shows_the_payload_escaped_and_never_answers_500(name: str, scene: iso.Scene) -> None:
    route = reg.ROUTES[name]
    iso.prepare(scene, name)
    persona = _persona(route)
    targets = scene.targets(iso.side_of(persona), scene.user(persona), route)
    url = iso.url_for(name, route, targets)
    inject(scene.world.kommune)
    client = scene.client(persona, route)
    client.raise_request_exception = False  # a crash must show up as the 500 a visitor would get
    response = client.get(url)
    assert response.status_code < 500, f"GET {url} as {persona}: {response.status_code}"
    if response.get("Content-Type", "").startswith("text/html"):
        assert MARKUP not in response.content, f"GET {url} as {persona} shows the payload as markup"
