"""S3: what the XSS payload crawls share — the payload, planting it in every free text, the pages and who opens them.

`test_xss_crawl.py` opens every page with Django's test client and looks for the payload as markup;
`browser/test_xss_browser.py` opens the pages in Chromium and waits for the payload to run (a dialog, a marker).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Concat, Length

from kompass.accounts.models import User
from kompass.audit.models import AuditEntry
from kompass.tenancy.scoping import TenantModel
from kompass.ui.tests import test_isolation as iso
from kompass.ui.tests import url_registry as reg

# If it ever ran: the image fails to load, its handler sets `window.__xss` and opens a dialog. Short, so that it
# fits into most columns beside their text.
PAYLOAD = "\"'><img src=x onerror=alert(__xss=1)>"
MARKUP = b"<img src=x onerror"
# Text columns that the code reads as identifiers, paths or references, not as text to show.
NOT_FREE_TEXT = frozenset(
    {"path", "slug", "key", "code", "username", "password", "token_hash", "prefix", "ags", "pseudonym", "markers"}
)
# Every page of the URL resolver that answers GET (not the API).
PAGES = [
    name
    for name in iso.REGISTERED
    if reg.ROUTES[name].access != reg.API and not name.startswith("api:") and "GET" in reg.ROUTES[name].expect
]


def free_text_fields(model: type[models.Model]) -> list[models.Field]:
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
        for field in free_text_fields(model):
            fitting = rows
            if field.max_length:
                fitting = rows.alias(_len=Length(field.name)).filter(_len__lte=field.max_length - len(PAYLOAD))
            written += bool(
                fitting.exclude(**{field.name: ""}).update(**{field.name: Concat(F(field.name), Value(PAYLOAD))})
            )
    return written


def persona_for(route: reg.Route) -> str:
    """Who may see the page: the administration, the platform operator for its own pages, anyone for public ones."""
    row = route.expect["GET"]
    for persona in (reg.ADMIN, reg.OPERATOR, reg.ANON, reg.READER):
        status = row.get(persona)
        if status is not None and status != reg.LOGIN and int(status) < 400:
            return persona
    return reg.ADMIN
