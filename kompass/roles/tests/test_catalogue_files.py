"""The shipped role catalogues and the activity matrix are well-formed domain data.

Plain `tomllib` checks, no database and no Django: the files under `kompass/roles/catalogue/` are
the source the catalogue loader imports, so a broken key, a dangling relation or a matrix row with
two "A" must fail here, before any Kommune adopts the catalogue.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

CATALOGUE_DIR = Path(__file__).resolve().parents[1] / "catalogue"
KGST_FILE = CATALOGUE_DIR / "kgst.toml"
ITPLR_FILE = CATALOGUE_DIR / "itplr-ekompetenz.toml"
ACTIVITIES_FILE = CATALOGUE_DIR / "activities.toml"
ROLE_FILES = [KGST_FILE, ITPLR_FILE]

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
VERSION_PATTERN = re.compile(r"^\d{4}\.\d+$")
CONFIDENCES = {"belegt", "abgeleitet"}
KINDS = {"intern", "extern", "gremium"}
RELATION_TYPES = {"berichtet_an", "koordiniert", "beraet", "beauftragt", "arbeitet_zu", "kontrolliert"}
MARKERS = {
    "rat",
    "hvb",
    "cdo",
    "cio",
    "it_steuerung",
    "digital_team",
    "lotse",
    "fachbereichsleitung",
    "leistungsverantwortung",
    "organisation",
    "personal",
    "it_betrieb",
    "isb",
    "dsb",
    "personalrat",
    "extern",
    "core",
}
RACI_LETTERS = {"R", "A", "C", "I"}
# The study's four groups ("Gestalter", "IT-Koordinatoren", …, "Nutzer"), named by their function.
ITPLR_GROUPS = {"Gestaltung", "IT-Koordination", "IT-Fachaufgaben / IT-Dienstleistungen", "Nutzung"}

ROLE_TEXT_FIELDS = (
    "key",
    "name",
    "short_name",
    "name_singular",
    "kind",
    "purpose",
    "placement",
    "source",
    "confidence",
)
ROLE_LIST_FIELDS = {"tasks": (4, 8), "responsibilities": (2, 5), "competences": (3, 8)}
RELATION_FIELDS = ("from", "to", "type", "source", "confidence")
ACTIVITY_TEXT_FIELDS = ("key", "name", "description", "source", "confidence")

# The 18 roles of the KGSt-oriented catalogue (domain brief §3.2), by stable key.
KGST_ROLE_KEYS = {
    "rat",
    "hvb",
    "cdo",
    "cio",
    "it_steuerung",
    "digital_team",
    "lotse",
    "fachbereichsleitung",
    "leistungsverantwortung",
    "organisation",
    "personal",
    "it_dienstleister",
    "isb",
    "dsb",
    "mitarbeitende",
    "buerger",
    "partner",
    "personalrat",
}

# The activities the issue names; each must ship with a default RACI row.
REQUIRED_ACTIVITY_KEYS = {
    "strategie_beschliessen",
    "agenda_fortschreiben",
    "it_strategie",
    "it_vorhabenplanung",
    "leistung_digitalisieren",
    "prozess_optimieren",
    "lotsen_netzwerk",
    "kompetenzentwicklung",
    "informationssicherheit_freigeben",
    "datenschutz_folgenabschaetzung",
    "wirkungsmessung",
    "beschaffung",
}


def load(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def is_text(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


def roles_of(path: Path) -> list[dict[str, Any]]:
    return load(path)["roles"]


def keys_of(path: Path) -> set[str]:
    return {role["key"] for role in roles_of(path)}


def markers_by_key(path: Path) -> dict[str, set[str]]:
    return {role["key"]: set(role["markers"]) for role in roles_of(path)}


# --- every catalogue file ------------------------------------------------------------------------


@pytest.mark.parametrize("path", [*ROLE_FILES, ACTIVITIES_FILE], ids=lambda p: p.name)
def test_file_parses_and_has_a_catalogue_header(path: Path) -> None:
    catalogue = load(path)["catalogue"]
    assert KEY_PATTERN.match(catalogue["key"].replace("-", "_")), catalogue["key"]
    assert isinstance(catalogue["version"], str)
    assert VERSION_PATTERN.match(catalogue["version"]), catalogue["version"]
    assert is_text(catalogue["source"])


def test_catalogue_keys_differ_between_files() -> None:
    keys = [load(path)["catalogue"]["key"] for path in [*ROLE_FILES, ACTIVITIES_FILE]]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("path", ROLE_FILES, ids=lambda p: p.name)
def test_role_catalogue_header_has_name_and_description(path: Path) -> None:
    catalogue = load(path)["catalogue"]
    assert is_text(catalogue["name"])
    assert is_text(catalogue["description"])


# --- roles ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ROLE_FILES, ids=lambda p: p.name)
def test_every_role_has_its_required_texts(path: Path) -> None:
    for role in roles_of(path):
        for field in ROLE_TEXT_FIELDS:
            assert is_text(role.get(field)), f"{path.name}: role {role.get('key')!r} lacks {field}"
        for field, (low, high) in ROLE_LIST_FIELDS.items():
            items = role.get(field)
            assert isinstance(items, list), f"{role['key']}: {field} is not a list"
            assert low <= len(items) <= high, f"{role['key']}: {field} has {len(items)} items, want {low}–{high}"
            assert all(is_text(item) for item in items), f"{role['key']}: empty entry in {field}"
            assert len(items) == len(set(items)), f"{role['key']}: duplicate entry in {field}"


@pytest.mark.parametrize("path", ROLE_FILES, ids=lambda p: p.name)
def test_role_keys_are_unique_lowercase_ascii(path: Path) -> None:
    keys = [role["key"] for role in roles_of(path)]
    duplicates = [key for key, count in Counter(keys).items() if count > 1]
    assert not duplicates
    assert all(KEY_PATTERN.match(key) and len(key) <= 60 for key in keys), keys


@pytest.mark.parametrize("path", ROLE_FILES, ids=lambda p: p.name)
def test_short_names_fit_a_badge(path: Path) -> None:
    for role in roles_of(path):
        assert len(role["short_name"]) <= 40, role["key"]
        assert len(role["name"]) <= 200, role["key"]


@pytest.mark.parametrize("path", ROLE_FILES, ids=lambda p: p.name)
def test_role_kind_confidence_and_markers_come_from_the_allowed_sets(path: Path) -> None:
    for role in roles_of(path):
        assert role["kind"] in KINDS, role["key"]
        assert role["confidence"] in CONFIDENCES, role["key"]
        assert isinstance(role["markers"], list), role["key"]
        assert set(role["markers"]) <= MARKERS, (role["key"], set(role["markers"]) - MARKERS)
        if "confidence_note" in role:
            assert is_text(role["confidence_note"]), role["key"]


@pytest.mark.parametrize("path", ROLE_FILES, ids=lambda p: p.name)
def test_time_share_is_a_percentage_with_a_note_when_given(path: Path) -> None:
    for role in roles_of(path):
        if "time_share_percent" in role:
            share = role["time_share_percent"]
            assert isinstance(share, int) and not isinstance(share, bool), role["key"]
            assert 0 <= share <= 100, role["key"]
        if "time_share_note" in role:
            assert is_text(role["time_share_note"]), role["key"]


def test_kgst_catalogue_holds_the_eighteen_roles() -> None:
    assert keys_of(KGST_FILE) == KGST_ROLE_KEYS
    assert len(roles_of(KGST_FILE)) == 18


def test_kgst_core_roles_carry_the_core_marker() -> None:
    markers = markers_by_key(KGST_FILE)
    for key in ("cdo", "cio", "isb", "dsb"):
        assert {key, "core"} <= markers[key], key
    core_roles = {key for key, marks in markers.items() if "core" in marks}
    assert core_roles == {"cdo", "cio", "isb", "dsb"}


def test_kgst_marks_each_checked_function_exactly_once() -> None:
    """The role checks find a function by its marker, so each one must name a single KGSt role."""
    markers = markers_by_key(KGST_FILE)
    counts = Counter(marker for marks in markers.values() for marker in marks)
    for marker in MARKERS - {"core", "extern"}:
        assert counts[marker] == 1, f"marker {marker!r} is used {counts[marker]} times"
    assert {key for key, marks in markers.items() if "extern" in marks} == {"buerger", "partner"}


def test_lotse_time_share_is_left_to_the_kommune() -> None:
    lotse = next(role for role in roles_of(KGST_FILE) if role["key"] == "lotse")
    assert "time_share_percent" not in lotse, "no verified norm exists; the Kommune sets the quota"
    assert is_text(lotse.get("time_share_note"))


def test_itplr_catalogue_holds_nineteen_roles_in_four_groups() -> None:
    roles = roles_of(ITPLR_FILE)
    assert len(roles) == 19
    groups = Counter(role.get("group") for role in roles)
    assert set(groups) == ITPLR_GROUPS
    assert groups == {"Gestaltung": 7, "IT-Koordination": 5, "IT-Fachaufgaben / IT-Dienstleistungen": 5, "Nutzung": 2}


def test_itplr_maps_its_security_and_it_leadership_roles_to_core_markers() -> None:
    markers = markers_by_key(ITPLR_FILE)
    assert {"cio", "core"} <= markers["cio"]
    assert {"isb", "core"} <= markers["it_sicherheitsmanager"]
    assert "it_betrieb" in markers["betrieb"]


# --- relations -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ROLE_FILES, ids=lambda p: p.name)
def test_relations_are_typed_sourced_and_point_at_existing_roles(path: Path) -> None:
    keys = keys_of(path)
    relations = load(path)["relations"]
    for relation in relations:
        label = f"{relation.get('from')} -> {relation.get('to')}"
        for field in RELATION_FIELDS:
            assert is_text(relation.get(field)), f"{path.name}: {label} lacks {field}"
        assert relation["from"] in keys, label
        assert relation["to"] in keys, label
        assert relation["from"] != relation["to"], label
        assert relation["type"] in RELATION_TYPES, label
        assert relation["confidence"] in CONFIDENCES, label
        if "note" in relation:
            assert is_text(relation["note"]), label
    triples = [(r["from"], r["to"], r["type"]) for r in relations]
    assert len(triples) == len(set(triples)), "duplicate relation"


def test_kgst_has_between_25_and_40_relations() -> None:
    assert 25 <= len(load(KGST_FILE)["relations"]) <= 40


def test_itplr_has_between_10_and_20_derived_relations() -> None:
    relations = load(ITPLR_FILE)["relations"]
    assert 10 <= len(relations) <= 20
    assert {relation["confidence"] for relation in relations} == {"abgeleitet"}


def test_kgst_relations_include_the_key_interfaces() -> None:
    triples = {(r["from"], r["to"], r["type"]) for r in load(KGST_FILE)["relations"]}
    assert ("cdo", "hvb", "berichtet_an") in triples
    assert ("cdo", "lotse", "koordiniert") in triples
    assert ("cio", "it_dienstleister", "beauftragt") in triples
    assert ("isb", "cio", "beraet") in triples
    assert ("fachbereichsleitung", "lotse", "beauftragt") in triples
    assert any(f == "personalrat" and t == "kontrolliert" for f, _, t in triples)
    assert any(f == "dsb" and t == "kontrolliert" for f, _, t in triples)


# --- activities ----------------------------------------------------------------------------------


def activities() -> list[dict[str, Any]]:
    return load(ACTIVITIES_FILE)["activities"]


def test_at_least_twelve_activities_including_the_required_ones() -> None:
    keys = [activity["key"] for activity in activities()]
    assert len(keys) >= 12
    assert len(keys) == len(set(keys))
    assert set(keys) >= REQUIRED_ACTIVITY_KEYS, REQUIRED_ACTIVITY_KEYS - set(keys)


def test_every_activity_has_its_required_texts() -> None:
    for activity in activities():
        for field in ACTIVITY_TEXT_FIELDS:
            assert is_text(activity.get(field)), f"activity {activity.get('key')!r} lacks {field}"
        assert KEY_PATTERN.match(activity["key"]), activity["key"]
        assert activity["confidence"] in CONFIDENCES, activity["key"]
        if "note" in activity:
            assert is_text(activity["note"]), activity["key"]


def test_every_activity_has_exactly_one_a_and_at_least_one_r() -> None:
    for activity in activities():
        letters = Counter(activity["raci"].values())
        assert letters["A"] == 1, f"{activity['key']}: {letters['A']} × A"
        assert letters["R"] >= 1, f"{activity['key']}: no R"


def test_matrix_cells_use_known_kgst_roles_and_raci_letters() -> None:
    kgst_keys = keys_of(KGST_FILE)
    assert load(ACTIVITIES_FILE)["catalogue"].get("role_catalogue", "kgst") == "kgst"
    for activity in activities():
        raci = activity["raci"]
        assert set(raci) <= kgst_keys, (activity["key"], set(raci) - kgst_keys)
        assert set(raci.values()) <= RACI_LETTERS, activity["key"]


def test_data_protection_officer_never_performs_what_she_must_monitor() -> None:
    """DSGVO Art. 39: the DSB advises and monitors; making her R for a DPIA or an A anywhere is a conflict."""
    for activity in activities():
        assert activity["raci"].get("dsb") not in {"R", "A"}, activity["key"]


# --- words (docs/glossary.md) ---------------------------------------------------------------------


def _catalogue_texts(path: Path) -> list[tuple[str, str]]:
    """Every text a Kommune reads from a catalogue file, as (where, text); comments are not read."""
    texts: list[tuple[str, str]] = []

    def walk(where: str, value: object) -> None:
        if isinstance(value, str):
            texts.append((where, value))
        elif isinstance(value, list):
            for n, item in enumerate(value):
                walk(f"{where}[{n}]", item)
        elif isinstance(value, dict):
            for name, item in value.items():
                walk(f"{where}.{name}", item)

    walk(path.name, load(path))
    return texts


@pytest.mark.parametrize("path", [*ROLE_FILES, ACTIVITIES_FILE], ids=lambda p: p.name)
def test_catalogue_texts_say_gesamtkommunal_not_gesamtstaedtisch(path: Path) -> None:
    found = [where for where, text in _catalogue_texts(path) if "gesamtstädt" in text.lower()]
    assert not found, f"„gesamtkommunal“ reads right in a Landkreis and a Gemeinde too: {found}"


@pytest.mark.parametrize("path", ROLE_FILES, ids=lambda p: p.name)
def test_the_singular_names_one_person_without_pair_brackets(path: Path) -> None:
    for role in roles_of(path):
        singular = role["name_singular"]
        assert len(singular) <= 200, role["key"]
        assert "/" not in singular and "(r)" not in singular, (role["key"], singular)
