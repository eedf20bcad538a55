"""Recovery codes are stored as a keyed hash only (docs/security.md A3): shown once, never in the
database in clear, each works once, a wrong one fails, and the migration hashes codes kept in clear."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from kompass.conftest import World
from kompass.sso import mfa, recovery
from kompass.sso.tests.test_mfa import enrol, password_login

pytestmark = pytest.mark.django_db
CODES_PAGE = "/konto/zweiter-faktor/codes/"


def database_dump() -> str:
    """Every row of every table as text (the session table included)."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608  # names from the schema
            rows.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(rows)


def _variants(code: str) -> list[str]:
    return [code, code.replace("-", ""), code.upper()]


def test_after_the_enrolment_no_code_is_in_the_token_table_in_clear(world: World) -> None:
    client = password_login(world.reader)
    _key, codes = enrol(client)
    stored = list(StaticToken.objects.filter(device__user=world.reader).values_list("token", flat=True))
    assert len(stored) == 10 and all(recovery.is_digest(token) for token in stored)
    dump = "\n".join(repr(row) for row in StaticToken.objects.values_list())
    assert not [code for code in codes for variant in _variants(code) if variant in dump]

    client.post(CODES_PAGE)  # "Ich habe die Codes gesichert": the session forgets them too
    everything = database_dump()
    assert not [code for code in codes for variant in _variants(code) if variant in everything]


def test_a_code_works_once_and_a_wrong_one_fails(world: World) -> None:
    codes = mfa.new_recovery_codes(world.reader)
    assert mfa.verify_code(world.reader, "abcde-fghjk") is None
    StaticDevice.objects.filter(user=world.reader).update(throttling_failure_count=0)  # django-otp's wait
    assert mfa.verify_code(world.reader, f" {codes[3].upper().replace('-', '')} ") == "recovery"
    assert mfa.verify_code(world.reader, codes[3]) is None
    StaticDevice.objects.filter(user=world.reader).update(throttling_failure_count=0)
    assert mfa.verify_code(world.reader, codes[4]) == "recovery"
    assert mfa.recovery_codes_left(world.reader) == 8


def test_a_code_of_another_account_does_not_count(world: World) -> None:
    codes = mfa.new_recovery_codes(world.reader)
    mfa.new_recovery_codes(world.editor)
    assert mfa.verify_code(world.editor, codes[0]) is None
    assert mfa.recovery_codes_left(world.reader) == 10


def test_a_stored_digest_itself_is_no_code(world: World) -> None:
    mfa.new_recovery_codes(world.reader)
    stolen = StaticToken.objects.filter(device__user=world.reader).values_list("token", flat=True).first()
    assert mfa.verify_code(world.reader, stolen) is None


def test_the_codes_outlive_a_key_rotation_while_the_old_key_is_a_fallback(world: World, settings: Any) -> None:
    codes = mfa.new_recovery_codes(world.reader)
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "ein-neuer-schluessel-" + "x" * 40, [old]
    assert mfa.verify_code(world.reader, codes[0]) == "recovery"
    settings.SECRET_KEY_FALLBACKS = []
    assert mfa.verify_code(world.reader, codes[1]) is None


def test_the_migration_hashes_the_codes_kept_in_clear_and_leaves_hashed_ones(world: World) -> None:
    device = StaticDevice.objects.create(user=world.reader, name="Wiederherstellungscodes", confirmed=True)
    StaticToken.objects.create(device=device, token="abcde-fghjk")
    StaticToken.objects.create(device=device, token="q2w3e4r5")  # django-otp's own format
    mfa.new_recovery_codes(world.editor)
    hashed_before = set(StaticToken.objects.filter(device__user=world.editor).values_list("token", flat=True))

    migration = importlib.import_module("kompass.sso.migrations.0002_hash_recovery_codes")
    migration.hash_clear_codes(apps, None)
    migration.hash_clear_codes(apps, None)  # a second run changes nothing

    mine = list(StaticToken.objects.filter(device=device).values_list("token", flat=True))
    assert all(recovery.is_digest(token) for token in mine) and "abcde-fghjk" not in mine
    assert set(StaticToken.objects.filter(device__user=world.editor).values_list("token", flat=True)) == hashed_before
    assert mfa.verify_code(world.reader, "ABCDE FGHJK") == "recovery"
    assert mfa.verify_code(world.reader, "q2w3e4r5") == "recovery"
