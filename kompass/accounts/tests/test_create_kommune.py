"""`create_kommune` for scripts: every Kommune type with its kind of official key, the Kurzname from the
name when none is given, and a German error that names the field when the key does not fit."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from kompass.tenancy.models import Kommune, Membership

pytestmark = pytest.mark.django_db


def create(*args: str) -> None:
    call_command("create_kommune", *args, "--population", "12000", "--admin", "verwaltung")


@pytest.mark.parametrize(
    ("kommune_type", "land", "ags"),
    [("landkreis", "NI", "03355"), ("amt", "SH", "010595988000"), ("verbandsgemeinde", "RP", "071405001000")],
)
def test_the_command_creates_every_type_with_its_key(kommune_type: str, land: str, ags: str) -> None:
    create("--name", "Neue Kommune", "--type", kommune_type, "--land", land, "--ags", ags)
    kommune = Kommune.objects.get(ags=ags)
    assert kommune.kommune_type == kommune_type
    assert Membership.objects.for_kommune(kommune).filter(user__username="verwaltung").exists()


def test_without_a_slug_the_kurzname_comes_from_the_name() -> None:
    create("--name", "Amt Süderbrarup", "--type", "amt", "--land", "SH", "--ags", "010595988000")
    assert Kommune.objects.filter(slug="amt-suederbrarup").exists()


def test_a_key_that_does_not_fit_the_type_creates_nothing() -> None:
    with pytest.raises(CommandError, match=r"ags: .*Regionalschlüssel"):
        create("--name", "Amt Süderbrarup", "--type", "amt", "--land", "SH", "--ags", "01059000")
    assert not Kommune.objects.exists()
