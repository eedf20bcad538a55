"""The shipped Orientierungsrahmen, measure templates and Kommunentypen: complete, sourced, loadable."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from kompass.framework import catalogue_loader
from kompass.framework.models import CatalogueCriterion, CatalogueField, FrameworkCatalogue, MeasureTemplate
from kompass.roles.tests.test_catalogue_provenance import source_problems

DIRECTORY = catalogue_loader.CATALOGUE_DIR
FRAMEWORK = tomllib.loads((DIRECTORY / "orientierungsrahmen.toml").read_text(encoding="utf-8"))
MEASURES = tomllib.loads((DIRECTORY / "massnahmen.toml").read_text(encoding="utf-8"))
TYPES = tomllib.loads((DIRECTORY / "kommunentypen.toml").read_text(encoding="utf-8"))
FIELD_KEYS = {f["key"] for f in FRAMEWORK["fields"]}

# The fields the issue names (domain.md §2) and the gap decisions (framework-agenda.md §1.3).
REQUIRED_FIELDS = {
    "wirkung": {"mehrwert-buergerschaft", "mehrwert-mitarbeitende", "leistungen-prozesse"},
    "aussensicht": {"lebensqualitaet", "arbeitsbedingungen", "standortqualitaet", "teilhabe"},
    "innensicht": {
        "gemeinsames-verstaendnis",
        "digitale-haltung",
        "rollen-verantwortung",
        "nutzerzentrierung",
        "prozesse",
        "kompetenzen",
        "it-infrastruktur",
        "daten",
        "informationssicherheit-datenschutz",
        "ressourcen",
        "kultur-experimentieren",
        "zusammenarbeit",
        "interoperabilitaet-offenheit",
    },
    "steuerung": {"strategie", "wirkungsorientierung", "steuerungskreislauf", "fuehrung-commitment"},
    "akteure": {"politik", "buergerschaft-zivilgesellschaft", "wirtschaft-wissenschaft", "region-ikz"},
}
GAP_TOPICS = (
    "Interoperab",
    "Green IT",
    "Interkommunal",
    "Führung",
    "Resilienz",
    "Barrierefrei",
    "Finanzierung",
    "Infrastruktur",
)


def _items() -> list[tuple[str, dict[str, Any]]]:
    items = [(f"Dimension {d['key']}", d) for d in FRAMEWORK["dimensions"]]
    for field in FRAMEWORK["fields"]:
        items.append((f"Feld {field['key']}", field))
        items += [(f"Kriterium {field['key']}/{c['key']}", c) for c in field.get("criteria", [])]
    items += [(f"Maßnahme {m['key']}", m) for m in MEASURES["measures"]]
    items += [(f"Typ {t['key']}", t) for t in TYPES["types"]]
    return items


def test_every_dimension_and_field_of_the_issue_is_there() -> None:
    by_dimension: dict[str, set[str]] = {}
    for field in FRAMEWORK["fields"]:
        by_dimension.setdefault(field["dimension"], set()).add(field["key"])
    for dimension, keys in REQUIRED_FIELDS.items():
        assert keys <= by_dimension[dimension], keys - by_dimension[dimension]
    optional = {f["key"] for f in FRAMEWORK["fields"] if f.get("optional")}
    assert {"mobilitaet", "umwelt-energie", "bildung", "gesundheit-soziales"} <= optional


def test_every_assessable_field_has_three_to_six_criteria_with_five_distinct_levels() -> None:
    for field in FRAMEWORK["fields"]:
        criteria = field.get("criteria", [])
        assert 3 <= len(criteria) <= 6, field["key"]
        for criterion in criteria:
            assert len(criterion["levels"]) == 5 and len(set(criterion["levels"])) == 5, criterion["key"]
            assert criterion["question"].endswith("?"), criterion["key"]


def test_every_item_has_a_source_and_a_confidence_and_belegt_is_citable() -> None:
    problems = []
    for label, item in _items():
        if item.get("confidence") not in ("belegt", "abgeleitet") or not item.get("source", "").strip():
            problems.append(f"{label}: Quelle oder Belegstärke fehlt")
        elif item["confidence"] == "belegt":
            problems += [f"{label}: {p}" for p in source_problems(item["source"])]
    assert not problems, "\n".join(problems)


def test_each_gap_of_the_research_is_decided_and_placed_in_existing_fields() -> None:
    decisions = FRAMEWORK["decisions"]
    for topic in GAP_TOPICS:
        assert any(topic.lower() in d["topic"].lower() for d in decisions), topic
    for decision in decisions:
        assert decision["decision"].strip() and set(decision["fields"]) <= FIELD_KEYS


def test_measure_templates_cover_every_field_and_name_only_existing_ones() -> None:
    measures = MEASURES["measures"]
    assert len(measures) >= 30
    named = {key for m in measures for key in m["fields"]}
    assert named <= FIELD_KEYS
    assert named >= FIELD_KEYS  # every field has at least one measure
    names = {m["name"] for m in measures}
    for wanted in (
        "Lotsen-Netzwerk",
        "Prozesslandkarte",
        "E-Akte",
        "Service-Design",
        "Open-Data",
        "Digitalisierungsausschuss",
    ):
        assert any(wanted.lower() in name.lower() for name in names), wanted


def test_the_four_kommunentypen_each_have_questions() -> None:
    types = {t["key"] for t in TYPES["types"]}
    assert types == {"bedaechtige", "optimierer", "serviceorientierte", "community-manager"}
    for key in types:
        assert sum(1 for item in TYPES["items"] if item["type"] == key) >= 3


def test_loading_twice_changes_nothing_and_a_silent_change_is_refused(db: Any, tmp_path: Path) -> None:
    first = catalogue_loader.load_framework()
    assert first.loaded == ["orientierungsrahmen 2026.1"]
    assert CatalogueField.objects.count() == len(FRAMEWORK["fields"])
    assert CatalogueCriterion.objects.count() == sum(len(f["criteria"]) for f in FRAMEWORK["fields"])
    assert MeasureTemplate.objects.count() == len(MEASURES["measures"])
    second = catalogue_loader.load_framework()
    assert second.loaded == [] and second.measures_created == second.measures_updated == 0
    changed = tmp_path / "changed"
    changed.mkdir()
    text = (DIRECTORY / "orientierungsrahmen.toml").read_text(encoding="utf-8")
    (changed / "orientierungsrahmen.toml").write_text(text.replace("Einstieg", "Anfang", 1), encoding="utf-8")
    with pytest.raises(catalogue_loader.CatalogueFileError, match="ohne die Version zu erhöhen"):
        catalogue_loader.load_framework(changed)
    assert FrameworkCatalogue.objects.count() == 1
