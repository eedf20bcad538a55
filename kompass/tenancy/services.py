"""Creating and changing Kommunen. Creation is a platform task (command); the Kommune's own
administration maintains its master data (name, type, Land, population, AGS)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kompass.audit.models import AuditAction
from kompass.audit.services import audit_record, check_version, save_update, snapshot
from kompass.tenancy.models import AGS_LAND_PREFIX, Kommune

KOMMUNE_FIELDS = ("name", "slug", "kommune_type", "bundesland", "population", "ags")
EDITABLE_FIELDS = ("name", "kommune_type", "bundesland", "population", "ags")


def check_ags_matches_land(ags: str, bundesland: str) -> None:
    """The first two digits of the AGS name the Land (Destatis Gemeindeverzeichnis)."""
    prefix = AGS_LAND_PREFIX.get(bundesland)
    if prefix and len(ags) == 8 and ags.isdigit() and not ags.startswith(prefix):
        raise ValidationError(
            {
                "ags": [
                    _("Ein Amtlicher Gemeindeschlüssel in %(land)s beginnt mit %(prefix)s.")
                    % {"land": bundesland, "prefix": prefix}
                ]
            }
        )


def _validate(kommune: Kommune) -> None:
    errors: dict[str, list[str]] = {}
    try:
        kommune.full_clean(exclude=["version"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if "ags" not in errors and "bundesland" not in errors:
        try:
            check_ags_matches_land(kommune.ags, kommune.bundesland)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


def _clean(data: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in fields:
        if field in data:
            value = data[field]
            values[field] = value.replace("\x00", "").strip() if isinstance(value, str) else value
    return values


@transaction.atomic
def kommune_create(*, actor: Any, data: Mapping[str, Any]) -> Kommune:
    kommune = Kommune(**_clean(data, KOMMUNE_FIELDS))
    _validate(kommune)
    kommune.save()
    audit_record(
        kommune_id=kommune.pk,
        actor=actor,
        action=AuditAction.CREATE,
        obj=kommune,
        after=snapshot(kommune, KOMMUNE_FIELDS),
    )
    return kommune


@transaction.atomic
def kommune_update(
    *, kommune: Kommune, actor: Any, data: Mapping[str, Any], expected_version: int | None = None
) -> Kommune:
    kommune = Kommune.objects.select_for_update().get(pk=kommune.pk)
    check_version(kommune, expected_version)
    before = snapshot(kommune, KOMMUNE_FIELDS)
    for field, value in _clean(data, EDITABLE_FIELDS).items():
        setattr(kommune, field, value)
    _validate(kommune)
    save_update(kommune_id=kommune.pk, actor=actor, obj=kommune, fields=KOMMUNE_FIELDS, before=before)
    return kommune
