"""Logging in: password rules (ASVS 6.2, check A2) and throttling without user enumeration (docs/security.md A1).

The throttling tests use the real login view with django-axes as configured in
`kompass.settings`; the hasher test reads the production settings, not the fast MD5 hasher
of the test settings.
"""

from __future__ import annotations

import datetime
import importlib
import re
import string

import pytest
import time_machine
from django.conf import global_settings, settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import check_password, get_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from kompass.conftest import World
from kompass.factories import UserFactory

PASSWORD = "ein-langes-testpasswort"
WRONG = "falsches-passwort"
LOGIN = "/anmelden/"


def production_hashers() -> list[str]:
    prod = importlib.import_module("kompass.settings")
    return list(getattr(prod, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS))


def letters(n: int, seed: int = 7) -> str:
    """n lowercase letters that are no common password."""
    alphabet = string.ascii_lowercase
    return "".join(alphabet[(i * seed + i // 26) % 26] for i in range(n))


# --- A2: password rules --------------------------------------------------------------------------


def test_a_password_of_seven_characters_is_rejected_in_german() -> None:
    with pytest.raises(ValidationError) as exc:
        validate_password("qzvjxkw")
    assert "mindestens 8 Zeichen" in " ".join(exc.value.messages)


@pytest.mark.parametrize("length", [8, 15, 64, 128])
def test_passwords_from_eight_to_128_characters_are_accepted(length: int) -> None:
    validate_password(letters(length))


def test_there_is_no_composition_rule_for_lowercase_only_passwords() -> None:
    validate_password("wolkenkratzerhimbeere")


@pytest.mark.parametrize("common", ["password", "12345678", "qwertyuiop"])
def test_a_common_password_is_rejected(common: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_password(common)
    assert "zu üblich" in " ".join(exc.value.messages)


def test_an_absurdly_long_password_is_rejected() -> None:
    with pytest.raises(ValidationError):
        validate_password(letters(513))


def test_production_hashes_passwords_with_a_salted_slow_hash() -> None:
    hashers = production_hashers()
    assert hashers[0] in (
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    )
    assert not any("MD5" in h or "Unsalted" in h for h in hashers), "no fast or unsalted hash, not even to verify"
    with override_settings(PASSWORD_HASHERS=hashers):
        first, second = make_password("gleiches-passwort-1"), make_password("gleiches-passwort-1")
        assert first != second, "every hash has its own salt"
        assert first.startswith(f"{get_hasher().algorithm}$")


def test_long_passwords_differing_in_the_last_character_are_not_interchangeable() -> None:
    base = letters(99)
    with override_settings(PASSWORD_HASHERS=production_hashers()):
        encoded = make_password(base + "a")
        assert check_password(base + "a", encoded)
        assert not check_password(base + "b", encoded)


@pytest.mark.django_db
def test_the_password_change_page_applies_the_rules_and_saves_a_good_password(world: World) -> None:
    client = world.client_for(world.reader)
    url = reverse("accounts:password_change")
    short = client.post(url, {"old_password": PASSWORD, "new_password1": "kurz123", "new_password2": "kurz123"})
    assert short.status_code == 200
    assert "mindestens 8 Zeichen" in short.content.decode()
    good = "meine lange passphrase ohne sonderzeichen"
    response = client.post(url, {"old_password": PASSWORD, "new_password1": good, "new_password2": good})
    assert response.status_code == 302
    world.reader.refresh_from_db()
    assert world.reader.check_password(good)


# --- A1: throttling without revealing accounts ---------------------------------------------------


def normalised(body: bytes, username: str) -> str:
    text = body.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value="…"', text)
    return text.replace(f'value="{username}"', 'value="…"')


def attempt(client: Client, username: str, password: str = WRONG) -> tuple[int, str]:
    response = client.post(LOGIN, {"username": username, "password": password})
    return response.status_code, normalised(response.content, username)


@pytest.mark.django_db
def test_after_the_limit_further_attempts_are_refused_for_existing_and_unknown_accounts(world: World) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    client = Client()
    for _ in range(limit - 1):
        assert attempt(client, "admin")[0] == 200
        assert attempt(client, "niemand")[0] == 200
    existing, unknown = attempt(client, "admin"), attempt(client, "niemand")
    assert existing[0] == unknown[0] == 429
    assert "vorübergehend gesperrt" in existing[1]
    status, _body = attempt(client, "admin", PASSWORD)
    assert status == 429, "even the right password is refused while locked"
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_answers_for_existing_and_unknown_accounts_are_identical_before_and_after_the_limit(world: World) -> None:
    client = Client()
    for round_ in range(settings.AXES_FAILURE_LIMIT + 1):
        existing, unknown = attempt(client, "admin"), attempt(client, "niemand")
        assert existing == unknown, f"attempt {round_ + 1} reveals whether the account exists"
    assert existing[0] == 429


@pytest.mark.django_db
def test_a_wrong_password_gives_one_german_message_for_every_reason(world: World) -> None:
    inactive = UserFactory(username="ehemalig", is_active=False)
    messages = {
        attempt(Client(), name)[1].count("Benutzername oder Passwort ist falsch.")
        for name in ("admin", "niemand", inactive.username)
    }
    assert messages == {1}
    assert attempt(Client(), "ehemalig", PASSWORD)[1] == attempt(Client(), "niemand2", PASSWORD)[1].replace(
        "niemand2", "ehemalig"
    )


@pytest.mark.django_db
def test_the_lock_ends_after_the_cool_off_time(world: World) -> None:
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            attempt(client, "admin")
        assert attempt(client, "admin", PASSWORD)[0] == 429
        traveller.shift(datetime.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1))
        response = client.post(LOGIN, {"username": "admin", "password": PASSWORD})
        assert response.status_code == 302


# --- login, logout, session ----------------------------------------------------------------------


@pytest.mark.django_db
def test_login_with_the_right_password_redirects_into_the_kommune(world: World) -> None:
    client = Client()
    response = client.post(LOGIN, {"username": "admin", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("ui:dashboard", args=["teststadt"])
    assert int(client.session[SESSION_KEY]) == world.admin.pk


@pytest.mark.django_db
def test_login_follows_a_local_next_but_not_a_foreign_one(world: World) -> None:
    local = Client().post(LOGIN + "?next=/impressum/", {"username": "admin", "password": PASSWORD})
    assert local["Location"] == "/impressum/"
    foreign = Client().post(LOGIN + "?next=https://boese.example/", {"username": "admin", "password": PASSWORD})
    assert "boese.example" not in foreign["Location"]


@pytest.mark.django_db
def test_the_session_key_changes_at_login(world: World) -> None:
    client = Client()
    session = client.session
    session["vorher"] = True
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    old_key = session.session_key
    client.post(LOGIN, {"username": "admin", "password": PASSWORD})
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key and new_key != old_key
    assert not type(session)().exists(old_key)


@pytest.mark.django_db
def test_logout_works_only_by_post(world: World) -> None:
    client = world.client_for(world.admin)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert SESSION_KEY in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    after = client.get(reverse("ui:dashboard", args=["teststadt"]))
    assert after.status_code == 302 and after["Location"].startswith(LOGIN)
