"""The daily retention job (DSGVO Art. 5(1)(e); docs/security.md D3).

It deletes what the personal-data registry declares expired: every entry with an `expired(rows,
now)` rule (invitations nobody accepted, expired sessions, old login records …). Only declared
rules run; a table whose retention is a decision of the Kommune says so in words and is not
touched here. Tables with their own job (the raw answers of a survey) keep it.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from kompass.core.extensions import PERSONAL_DATA, PersonalData
from kompass.tasks.runner import kommune_task
from kompass.tasks.schedules import Schedule, schedules
from kompass.tenancy.models import Kommune

logger = logging.getLogger("kompass.privacy")


def rules() -> list[PersonalData]:
    """The registry entries that declare a machine-readable retention rule."""
    return [entry for entry in PERSONAL_DATA if entry.expired is not None]


def delete_expired(now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete every row a declared rule finds expired; returns the number per table."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    with transaction.atomic():
        for entry in rules():
            assert entry.expired is not None
            rows = entry.expired(entry.model._base_manager.all(), now)
            counts[entry.key] = rows.delete()[0]
    for key, count in counts.items():
        if count:
            logger.info("privacy.retention_deleted table=%s rows=%s", key, count)
    return counts


@kommune_task()
def retention_job(kommune: Kommune | None) -> None:
    delete_expired()


def register() -> None:
    schedules.register(
        Schedule(
            key="privacy-retention",
            interval=datetime.timedelta(days=1),
            task=retention_job,
            description="Personenbezogene Daten nach Ablauf ihrer im Register erklärten Frist löschen",
        )
    )
