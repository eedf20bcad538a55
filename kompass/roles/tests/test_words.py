"""Words (docs/glossary.md): one gender-fair convention, a singular name for one holder of a role,
marker keys that never show and "belegt / abgeleitet" explained where it appears."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kompass.roles import rules, services
from kompass.roles.catalogue_loader import load_catalogues
from kompass.roles.models import CatalogueRole, Role
from kompass.roles.tests.conftest import KGST_ROLES, Model, role_toml, write_catalogues

SLUG = "teststadt"
KOMPASS = Path(__file__).resolve().parents[2]


def url(name: str, *args: Any) -> str:
    return reverse(f"roles:{name}", args=[SLUG, *args])


# --- one gender-fair convention ------------------------------------------------------------------

# Gender colon, star, underscore, slash-hyphen, Binnen-I and bracket forms: none of them in the UI.
GENDER_CHARACTERS = re.compile(
    r"\w[:*_]innen\b|\w[:*_]in\b|/-innen\b|\w\((?:r|in|innen|n)\)(?!s)|[a-zäöüß]In(?:nen)?\b",
)
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}


def _code_messages(path: Path) -> list[str]:
    """The German msgids of one Python file: string arguments of the gettext functions."""
    messages = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in GETTEXT_NAMES:
            messages += [arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
    return messages


def _app_files(pattern: str) -> list[Path]:
    return [p for p in KOMPASS.glob(pattern) if p.is_file() and "tests" not in p.parts and "migrations" not in p.parts]


def _texts() -> list[tuple[str, str]]:
    texts = [(str(p.relative_to(KOMPASS)), p.read_text(encoding="utf-8")) for p in _app_files("*/templates/**/*")]
    texts += [(str(p.relative_to(KOMPASS)), p.read_text(encoding="utf-8")) for p in _app_files("*/catalogue/*.toml")]
    for path in _app_files("**/*.py"):
        texts += [(str(path.relative_to(KOMPASS)), message) for message in _code_messages(path)]
    return texts


@pytest.mark.parametrize(
    "text",
    ["Bürger:innen", "Kolleg*innen", "Nutzer_innen", "Bürger/-innen", "BürgerInnen", "Beauftragte(r)", "Prüfer(in)"],
)
def test_the_scan_recognises_every_gender_character(text: str) -> None:
    assert GENDER_CHARACTERS.search(f"Für {text} der Kommune")


@pytest.mark.parametrize(
    "text",
    ["Bürgerinnen und Bürger", "Lotsin/Lotse", "Informationssicherheitsbeauftragte oder -beauftragter", "%(n)s Rollen"],
)
def test_the_scan_lets_the_convention_pass(text: str) -> None:
    assert not GENDER_CHARACTERS.search(text)


def test_no_template_catalogue_text_or_message_uses_a_gender_character() -> None:
    texts = _texts()
    assert len(texts) > 500, "the scan must see the templates, the catalogues and the messages"
    found = [(where, match.group(0)) for where, text in texts for match in GENDER_CHARACTERS.finditer(text)]
    assert not found, f"docs/glossary.md: pair or neutral forms instead of gender characters: {found[:20]}"


def test_no_ui_text_says_gesamtstaedtisch() -> None:
    found = [where for where, text in _texts() if "gesamtstädt" in text.lower() and not where.endswith(".toml")]
    assert not found, found


# --- one holder of a role ------------------------------------------------------------------------


def test_a_role_with_a_singular_names_one_holder_by_it() -> None:
    role = Role(name="Digitale Lotsinnen und Lotsen", name_singular="Digitale Lotsin oder Digitaler Lotse")
    assert role.holder_name == "Digitale Lotsin oder Digitaler Lotse"
    assert role.as_holder == "als Digitale Lotsin oder Digitaler Lotse"


def test_a_role_without_a_singular_names_one_holder_in_the_role_without_guessing_a_gender() -> None:
    role = Role(name="Smart-City-Team")
    assert role.holder_name == "Smart-City-Team"
    assert role.as_holder == "in der Rolle „Smart-City-Team“"


def test_every_shipped_role_has_a_singular_and_the_loader_keeps_it(db: Any) -> None:
    load_catalogues()
    roles = list(CatalogueRole.objects.all())  # the shipped files hold one version each
    assert len(roles) == 37
    assert all(role.name_singular for role in roles)
    lotse = next(role for role in roles if role.key == "lotse")
    assert lotse.name_singular == "Digitale Lotsin oder Digitaler Lotse"
    assert load_catalogues().loaded == []  # idempotent


def test_an_adopted_role_gets_its_singular_with_the_catalogue_update(adopted: Model, tmp_path: Path) -> None:
    k = adopted.world.kommune
    lotse = adopted.roles["lotse"]
    assert lotse.name_singular == ""  # the fixture catalogue 2026.1 has none
    specs = [
        role_toml(*spec, name_singular="Digitale Lotsin oder Digitaler Lotse")
        if spec[0] == "lotse"
        else role_toml(*spec)
        for spec in KGST_ROLES
    ]
    load_catalogues(write_catalogues(tmp_path / "v2", kgst_version="2026.2", kgst_roles=specs))
    from kompass.roles import overview

    updates = overview.catalogue_updates(k, adopted.model.catalogue)
    changed = {u.role.key: u for u in updates.changed}
    assert [c.name for c in changed["lotse"].changes] == ["name_singular"]
    source = overview.newest_catalogue_role(lotse)
    assert source is not None
    taken = services.role_take_catalogue_version(kommune=k, actor=None, role=lotse, source=source)
    assert taken.name_singular == "Digitale Lotsin oder Digitaler Lotse"


def test_an_own_role_takes_an_optional_singular_in_the_role_form(adopted: Model, admin_client: Client) -> None:
    data = {"name": "Smart-City-Team", "kind": "intern", "is_active": "on", "name_singular": "Smart-City-Managerin"}
    response = admin_client.post(url("role_create"), {**data, "name_singular": "x" * 201})
    assert response.status_code == 200 and "höchstens 200 Zeichen" in response.content.decode()
    assert not Role.objects.for_kommune(adopted.world.kommune).filter(name="Smart-City-Team").exists()
    assert admin_client.post(url("role_create"), data).status_code == 302
    role = Role.objects.for_kommune(adopted.world.kommune).get(name="Smart-City-Team")
    assert role.name_singular == "Smart-City-Managerin"
    assert "Smart-City-Managerin" in admin_client.get(url("role_detail", role.pk)).content.decode()


def test_the_assignment_message_names_one_holder(adopted: Model, admin_client: Client) -> None:
    w = adopted.world
    lotse = adopted.roles["lotse"]
    Role.objects.for_kommune(w.kommune).filter(pk=lotse.pk).update(name_singular="Digitale Lotsin oder Digitaler Lotse")
    data = {"person": w.alice.email, "role": lotse.pk, "time_share": "10", "valid_from": "2026-01-01"}
    response = admin_client.post(url("assignment_create"), {**data, "qualification": "keine"}, follow=True)
    text = response.content.decode()
    assert f"{w.alice} ist jetzt als Digitale Lotsin oder Digitaler Lotse zugeordnet." in text


def test_a_lotse_finding_names_the_person_as_one_holder(adopted: Model) -> None:
    w = adopted.world
    Role.objects.for_kommune(w.kommune).filter(key="lotse").update(name_singular="Digitale Lotsin oder Digitaler Lotse")
    adopted.assign(w.alice, "lotse", 10)
    from kompass.roles import selectors

    titles = [f.title for f in rules.rule_lotse_time_and_approval(selectors.check_data(w.kommune))]
    assert titles == [f"{w.alice} als Digitale Lotsin oder Digitaler Lotse: keine Freigabe durch die Führungskraft"]


# --- the catalogue list --------------------------------------------------------------------------


def test_the_catalogue_list_explains_belegt_and_abgeleitet_and_shows_groups_only_where_a_source_has_them(
    adopted: Model, admin_client: Client
) -> None:
    CatalogueRole.objects.filter(catalogue__key="itplr-ekompetenz", key="cio").update(group="Gestaltung")
    text = admin_client.get(url("catalogue_list")).content.decode()
    assert 'id="belegstaerke"' in text and "Durch eine öffentliche Quelle gedeckt" in text
    assert "Eigene Ableitung oder eigener Vorschlag" in text and 'href="#belegstaerke"' in text
    kgst, itplr = text.split('id="katalog-caption-')[1:3]
    assert ">Gruppe<" not in kgst, "the KGSt catalogue has no groups: no empty column"
    assert ">Gruppe<" in itplr and "Gestaltung" in itplr


def test_a_role_profile_explains_its_confidence_with_a_link(adopted: Model, admin_client: Client) -> None:
    text = admin_client.get(url("role_detail", adopted.roles["cdo"].pk)).content.decode()
    assert "Durch eine öffentliche Quelle gedeckt" in text
    assert url("catalogue_list") + "#belegstaerke" in text
