"""The personal-data registry is complete for the rights of data subjects (docs/security.md D1, D3).

Every model of every installed app is walked: a table with columns that look personal (names,
e-mail and IP addresses, phone numbers, login names, a foreign key to an account or an org
person) must be registered in `PERSONAL_DATA` or be on the reviewed list below with a reason.
A registered table must say how its rows are found for one person, for every column that
points at a person — otherwise the export would miss them and the erasure leave them behind.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from kompass.core.extensions import (
    ERASE_HOOK,
    ERASURE_HOOKS,
    PERSONAL_DATA,
    SUBJECT_EMAIL,
    SUBJECT_PERSON,
    SUBJECT_USER,
    PersonalData,
    Subject,
)

PERSONAL_NAME = re.compile(
    r"^(username|first_name|last_name|full_name|phone|telephone|mobile|email|user_agent|session_data|ip_address"
    r"|.*_by_name|actor_name|operator_name|user_name|author_name)$"
)

# Tables whose columns look personal but are not, reviewed one by one.
NOT_PERSONAL: dict[str, str] = {}


def _people() -> set[type[models.Model]]:
    return {apps.get_model(settings.AUTH_USER_MODEL), apps.get_model("org.Person")}


def personal_columns(model: type[models.Model]) -> list[str]:
    people = _people()
    found = []
    for f in (*model._meta.concrete_fields, *model._meta.many_to_many):
        points_at_people = f.is_relation and f.related_model in people
        looks_personal = isinstance(f, models.EmailField | models.GenericIPAddressField) or PERSONAL_NAME.match(f.name)
        if points_at_people or looks_personal:
            found.append(f.name)
    return found


def test_every_model_with_personal_columns_is_registered_or_reviewed() -> None:
    missing = {
        model._meta.label: columns
        for model in apps.get_models()
        if (columns := personal_columns(model))
        and model._meta.label not in PERSONAL_DATA
        and model._meta.label not in NOT_PERSONAL
    }
    assert not missing, f"Tabellen mit personenbezogenen Spalten ohne Registereintrag: {missing}"


def test_the_reviewed_list_has_a_reason_for_each_table_and_no_registered_one() -> None:
    for label, reason in NOT_PERSONAL.items():
        assert reason.strip().endswith("."), label
        assert label not in PERSONAL_DATA, label


@pytest.mark.parametrize("entry", list(PERSONAL_DATA), ids=lambda e: e.key)
def test_every_column_pointing_at_a_person_is_a_way_to_find_her(entry: PersonalData) -> None:
    """A foreign key to an account or a person, and every e-mail column of a Kommune's table, is a
    `Subject` of the entry: the export reads it and the erasure empties it."""
    people = _people()
    paths = {s.path for s in entry.subjects}
    for f in entry.model._meta.concrete_fields:
        if f.is_relation and f.related_model in people:
            assert f.name in paths, f"{entry.key}.{f.name} zeigt auf eine Person, ist aber kein Subject"
        if isinstance(f, models.EmailField) and entry.subjects and "pk" not in paths:
            assert f.name in paths or any(f.name in s.blank for s in entry.subjects), f"{entry.key}.{f.name}"
    if not entry.subjects:
        assert str(entry.no_subject_reason).strip().endswith("."), entry.key


@pytest.mark.django_db
@pytest.mark.parametrize("entry", [e for e in PERSONAL_DATA if e.subjects], ids=lambda e: e.key)
def test_every_subject_path_is_a_working_query(entry: PersonalData) -> None:
    for subject in entry.subjects:
        value: object = 0 if subject.kind in (SUBJECT_PERSON, SUBJECT_USER) else "x@example.org"
        assert entry.model._base_manager.filter(**{subject.path: value}).count() == 0


def test_the_people_and_the_accounts_are_subjects_of_their_own_tables() -> None:
    own = {(e.model, s.kind) for e in PERSONAL_DATA for s in e.subjects if s.path == "pk"}
    assert (apps.get_model("org.Person"), SUBJECT_PERSON) in own
    assert (apps.get_model(settings.AUTH_USER_MODEL), SUBJECT_USER) in own


def test_a_table_erased_by_a_hook_has_a_hook() -> None:
    hooked = [e.key for e in PERSONAL_DATA for s in e.subjects if s.erase == ERASE_HOOK]
    if hooked:
        assert len(ERASURE_HOOKS), f"{hooked} rely on an erasure hook, but none is registered"


def test_a_wrong_entry_fails_at_registration() -> None:
    from django.core.exceptions import ImproperlyConfigured

    from kompass.core.extensions import _validate_personal_data

    person = apps.get_model("org.Person")
    base = {
        "key": "org.Person",
        "model": person,
        "purpose": "Zweck.",
        "legal_basis": "Art. 6",
        "retention": "Frist",
        "fields": ("email",),
        "categories": "Beschäftigte",
    }
    with pytest.raises(ImproperlyConfigured, match="no subjects"):
        _validate_personal_data(PersonalData(**base))
    with pytest.raises(ImproperlyConfigured, match="no field"):
        _validate_personal_data(PersonalData(**base, subjects=(Subject("nope", SUBJECT_EMAIL),)))
    with pytest.raises(ImproperlyConfigured, match="cannot be cleared"):
        _validate_personal_data(PersonalData(**base, subjects=(Subject("pk", SUBJECT_PERSON, "clear"),)))
    with pytest.raises(ImproperlyConfigured, match="retention_days"):
        _validate_personal_data(PersonalData(**base, subjects=(Subject("pk", SUBJECT_PERSON),), retention_days=30))


def test_the_walk_sees_a_new_personal_column() -> None:
    """The meta-test can fail: a model with a phone number is found."""

    class Probe(models.Model):
        phone = models.CharField(max_length=20)

        class Meta:
            app_label = "kompass_privacy"
            managed = False

        def __str__(self) -> str:
            return self.phone

    try:
        assert personal_columns(Probe) == ["phone"]
        assert Probe._meta.label not in PERSONAL_DATA
    finally:
        apps.all_models["kompass_privacy"].pop("probe", None)
        apps.clear_cache()


def test_a_restore_replays_the_erasure_journal() -> None:
    from unittest import mock

    from kompass.core.extensions import AFTER_RESTORE
    from kompass.privacy import services

    AFTER_RESTORE.check()
    with mock.patch.object(services, "replay_erasures") as replay:
        AFTER_RESTORE["privacy.replay_erasures"].run()
    replay.assert_called_once_with()
