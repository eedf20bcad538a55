"""What the framework pages share: breadcrumbs."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from kompass.framework.models import Field


def framework_crumb(ctx: Any) -> tuple[str, str]:
    return (_("Orientierungsrahmen"), reverse("framework:overview", args=[ctx.kommune.slug]))


def field_crumbs(ctx: Any, field: Field) -> list[tuple[str, str | None]]:
    return [framework_crumb(ctx), (field.name, reverse("framework:field_detail", args=[ctx.kommune.slug, field.pk]))]
