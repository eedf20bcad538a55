"""Provenance of the shipped catalogues: what is marked "belegt" rests on a citable source.

The rule (also written at the top of `catalogue/kgst.toml`): every role, relation and activity
marked ``confidence = "belegt"`` has a source that

1. names no mirror (a document portal that re-hosts someone else's PDF) and no advertisement (a
   provider's customer magazine, a sponsored page),
2. is not our own derivation ("Eigene Ableitung", "Vorschlag Kommunalkompass", general knowledge),
3. names, in each of its parts (separated by ";" outside parentheses), a publication or a primary web address: a year
   of publication, a legal citation (Art., §), an ISBN, or the host of the official or original page.

The first half of the file checks the rule itself (it must fail on a planted ad or mirror source);
the second half runs it over the shipped files and checks that the corrected texts reach a
Kommune as a catalogue update.
"""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kompass.conftest import World
from kompass.roles import overview, services
from kompass.roles.catalogue_loader import CATALOGUE_DIR, latest_catalogue, load_catalogues
from kompass.roles.models import Catalogue, RoleRelation

CATALOGUE_FILES = sorted(CATALOGUE_DIR.glob("*.toml"))

# Document portals that re-host other people's files: a copy, never the source.
MIRROR_HOSTS = {
    "vdocuments.mx",
    "vdocuments.net",
    "vdokument.com",
    "docplayer.org",
    "docplayer.net",
    "fdokument.com",
    "pdfslide.org",
    "pdfslide.net",
    "pdfslide.tips",
    "pdfdokument.com",
    "9dok.net",
    "yumpu.com",
    "scribd.com",
    "issuu.com",
    "readkong.com",
    "studlib.de",
    "paperexplained.cn",
    "unterlagen.site",
    "distantreader.org",
}
# Advertising: "SERVER", the customer magazine of an IT provider (KID Magdeburg), on server-lesen.de.
AD_HOSTS = {"server-lesen.de"}
AD_WORDS = re.compile(r"\b(Anzeige|Advertorial|Sponsored|Kundenmagazin|Werbung)\b", re.IGNORECASE)
OWN_DERIVATION = re.compile(
    r"Eigene Ableitung|Vorschlag Kommunalkompass|allgemeines Fachwissen|nicht gesondert belegt", re.I
)

HOST = re.compile(r"\b(?:[a-z0-9-]+\.)+(?:de|org|eu|com|net|info|one|mx|cn|site|tips|digital)\b", re.IGNORECASE)
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
LAW = re.compile(r"\b(?:Art\.|§)\s*\d")
ISBN = re.compile(r"\bISBN\b")


def _hosts(text: str) -> set[str]:
    return {match.group(0).lower() for match in HOST.finditer(text)}


def _is_listed(host: str, listed: set[str]) -> bool:
    return any(host == entry or host.endswith("." + entry) for entry in listed)


def _parts(source: str) -> list[str]:
    """The cited works of a source: split at ";" outside parentheses."""
    parts, depth, current = [], 0, ""
    for char in source:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == ";" and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [part for part in [*parts, current.strip()] if part]


def source_problems(source: str) -> list[str]:
    """Why `source` cannot carry "belegt" (empty when it can)."""
    problems: list[str] = []
    for host in sorted(_hosts(source)):
        if _is_listed(host, MIRROR_HOSTS):
            problems.append(f"{host} ist eine Abschrift (Spiegel), keine Quelle")
        if _is_listed(host, AD_HOSTS):
            problems.append(f"{host} ist Werbung, keine Quelle")
    if match := AD_WORDS.search(source):
        problems.append(f"„{match.group(0)}“: Werbung ist keine Quelle")
    if OWN_DERIVATION.search(source):
        problems.append("eigene Ableitung ist kein Beleg")
    for part in _parts(source):
        if not (YEAR.search(part) or LAW.search(part) or ISBN.search(part) or _hosts(part)):
            problems.append(f"„{part}“ nennt weder Veröffentlichung noch Webadresse")
    return problems


def provenance_problems(data: dict[str, Any], name: str = "katalog") -> list[str]:
    """Every item of one catalogue file marked "belegt" whose source breaks the rule."""
    found: list[str] = []
    items = [
        *(("Rolle", r.get("key", "?"), r) for r in data.get("roles", [])),
        *(("Beziehung", f"{r.get('from')} -> {r.get('to')}", r) for r in data.get("relations", [])),
        *(("Aktivität", r.get("key", "?"), r) for r in data.get("activities", [])),
    ]
    for kind, label, item in items:
        if item.get("confidence") != "belegt":
            continue
        for problem in source_problems(item.get("source", "")) or ([] if item.get("source") else ["keine Quelle"]):
            found.append(f"{name}: {kind} {label}: {problem}")
    return found


# --- the rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "KGSt-Bericht 9/2016; KGSt-Bericht 6/2017",
        "DSGVO Art. 37–39",
        "Ogonek, Räckers, Becker: Rollen und Kompetenzen …, NEGZ 2016, ISBN 978-3-946209-03-4",
        "Stadt Konstanz, Digitallotsen (konstanz.de); Hansestadt Lübeck, CDO-Profil (luebeck.de)",
    ],
)
def test_a_publication_or_a_primary_address_is_a_source(source: str) -> None:
    assert source_problems(source) == []


@pytest.mark.parametrize(
    ("source", "complaint"),
    [
        ("KITU-Mitgliederporträt Landkreis Anhalt-Bitterfeld (server-lesen.de)", "Werbung"),
        ("Übersicht der Referenzrollen (vdocuments.mx)", "Spiegel"),
        ("Studie 2016 (www.docplayer.org/123)", "Spiegel"),
        ("Anzeige: Digitalisierung leicht gemacht (example.de)", "Werbung"),
        ("Stadt Köln, Masterplan Digitales Köln", "weder Veröffentlichung noch Webadresse"),
        ("KGSt-Bericht 9/2016; KGSt „Strategisch denken“", "weder Veröffentlichung noch Webadresse"),
        ("Eigene Ableitung aus KGSt-Bericht 9/2016", "eigene Ableitung"),
    ],
)
def test_an_advertisement_a_mirror_or_an_unnamed_source_is_not(source: str, complaint: str) -> None:
    problems = source_problems(source)
    assert any(complaint in problem for problem in problems), problems


def test_the_check_finds_a_planted_ad_source_in_a_catalogue() -> None:
    data = tomllib.loads((CATALOGUE_DIR / "kgst.toml").read_text(encoding="utf-8"))
    assert provenance_problems(data, "kgst.toml") == []
    isb = next(role for role in data["roles"] if role["key"] == "isb")
    isb["confidence"] = "belegt"
    isb["source"] = "KITU-Mitgliederporträt Landkreis Anhalt-Bitterfeld (server-lesen.de)"
    data["relations"][0]["source"] = "Übersicht (vdocuments.mx)"
    data["relations"][0]["confidence"] = "belegt"
    problems = provenance_problems(data, "kgst.toml")
    assert any("Rolle isb" in p and "server-lesen.de ist Werbung" in p for p in problems), problems
    assert any("Beziehung" in p and "vdocuments.mx" in p for p in problems), problems


def test_a_derived_item_may_cite_its_own_derivation() -> None:
    data = {"relations": [{"from": "a", "to": "b", "source": "Eigene Ableitung", "confidence": "abgeleitet"}]}
    assert provenance_problems(data) == []


# --- the shipped files ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", CATALOGUE_FILES, ids=lambda p: p.name)
def test_every_item_marked_belegt_has_a_citable_source(path: Path) -> None:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert provenance_problems(data, path.name) == []


@pytest.mark.parametrize("path", CATALOGUE_FILES, ids=lambda p: p.name)
def test_no_catalogue_text_cites_a_mirror_or_an_advertisement(path: Path) -> None:
    """Not even a derived item or the catalogue header may point a reader at a copy or an ad."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    texts = [data["catalogue"].get("source", "")]
    for group in ("roles", "relations", "activities"):
        texts += [item.get("source", "") for item in data.get(group, [])]
    hosts = {host for text in texts for host in _hosts(text)}
    assert not {h for h in hosts if _is_listed(h, MIRROR_HOSTS | AD_HOSTS)}


def _kgst() -> dict[str, Any]:
    return tomllib.loads((CATALOGUE_DIR / "kgst.toml").read_text(encoding="utf-8"))


def _itplr() -> dict[str, Any]:
    return tomllib.loads((CATALOGUE_DIR / "itplr-ekompetenz.toml").read_text(encoding="utf-8"))


def test_itplr_cites_the_study_and_names_the_split_box() -> None:
    data = _itplr()
    assert "ISBN 978-3-946209-03-4" in data["catalogue"]["source"]
    assert "LNI P-261" in data["catalogue"]["source"]
    description = data["catalogue"]["description"]
    assert "Politik, Amtsleitung u. a. (Agenda Setter)" in description and "Berater, Dienstleister" in description
    assert "Behördenleitung" in description
    for role in data["roles"]:
        assert "Ogonek, Räckers, Becker" in role["source"], role["key"]
        assert role["confidence"] == "abgeleitet", role["key"]
        assert "Gruppe" in role["confidence_note"] and "abgeleitet" in role["confidence_note"], role["key"]
    head = next(role for role in data["roles"] if role["key"] == "amtsleitung")
    assert head["name"] == "Behördenleitung" and "nicht die Leitung eines Amts" in head["purpose"]


def test_kgst_marks_as_derived_what_no_public_source_carries() -> None:
    data = _kgst()
    roles = {role["key"]: role for role in data["roles"]}
    for key in ("digital_team", "fachbereichsleitung", "organisation", "partner", "personalrat"):
        assert roles[key]["confidence"] == "abgeleitet", key
    assert "Pflege von IT-Strategie und IT-Vorhabenplanung" in roles["it_steuerung"]["confidence_note"]
    relations = {(r["from"], r["to"], r["type"]): r for r in data["relations"]}
    assert relations[("it_steuerung", "cio", "arbeitet_zu")]["confidence"] == "abgeleitet"
    assert relations[("fachbereichsleitung", "lotse", "beauftragt")]["confidence"] == "abgeleitet"
    assert "Strategisch denken" not in " ".join(str(r.get("source")) for r in [*data["roles"], *data["relations"]])


def test_kgst_corrects_the_three_errors() -> None:
    data = _kgst()
    roles = {role["key"]: role for role in data["roles"]}
    triples = {(r["from"], r["to"], r["type"]) for r in data["relations"]}
    assert ("buerger", "rat", "beraet") not in triples  # Erkelenz's Digitalbeirat advised the administration
    assert ("buerger", "hvb", "beraet") in triples
    assert "Dachverband" in roles["it_dienstleister"]["placement"]
    assert "Köln" not in roles["digital_team"]["placement"]
    for body in ("Stadtverordnetenversammlung", "Gemeindevertretung", "Bürgerschaft", "Kreistag"):
        assert body in roles["rat"]["placement"], body


# --- the update reaches the Kommunen -------------------------------------------------------------

OLD_KDN_PLACEMENT = (
    "Internes IT-Amt oder externer öffentlich-rechtlicher IT-Dienstleister, z. B. Komm.ONE, KITU, "
    "ekom21 oder KDN. Die IT-Steuerung selbst bleibt bei der Kommune."
)


OLD_ERKELENZ_NOTE = "Über einen Digitalbeirat mit Bürgerinnen, Bürgern und Wirtschaft."
OLD_ERKELENZ_SOURCE = "Digitalbeirat Erkelenz (erkelenz.de)"


def _erkelenz(data: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in data["relations"] if (r["from"], r["to"], r["type"]) == ("buerger", "hvb", "beraet"))


def _previous_version(directory: Path) -> Path:
    """The shipped KGSt file as a Kommune adopted it before: version 2026.2, KDN still a provider,
    the citizens' Digitalbeirat of Erkelenz still advising the council (Rat) with the old note and source."""
    directory.mkdir(parents=True)
    data = _kgst()
    text = (CATALOGUE_DIR / "kgst.toml").read_text(encoding="utf-8")
    current = next(role for role in data["roles"] if role["key"] == "it_dienstleister")["placement"]
    text = text.replace(f'version = "{data["catalogue"]["version"]}"', 'version = "2026.2"', 1)
    text = text.replace(current, OLD_KDN_PLACEMENT, 1)
    erkelenz = _erkelenz(data)
    block = (
        f'from = "buerger"\nto = "hvb"\ntype = "beraet"\nnote = "{erkelenz["note"]}"\nsource = "{erkelenz["source"]}"'
    )
    assert block in text
    text = text.replace(
        block,
        f'from = "buerger"\nto = "rat"\ntype = "beraet"\nnote = "{OLD_ERKELENZ_NOTE}"\nsource = "{OLD_ERKELENZ_SOURCE}"',
        1,
    )
    (directory / "kgst.toml").write_text(text, encoding="utf-8")
    return directory


def test_the_shipped_versions_are_newer_than_2026_2() -> None:
    for data in (_kgst(), _itplr()):
        version = tuple(int(part) for part in data["catalogue"]["version"].split("."))
        assert version > (2026, 2), data["catalogue"]["key"]


def test_a_kommune_on_the_previous_version_is_offered_the_corrected_texts(
    world: World, admin_client: Client, tmp_path: Path
) -> None:
    load_catalogues(_previous_version(tmp_path / "old"))
    previous = Catalogue.objects.get(key="kgst", version="2026.2")
    services.catalogue_adopt(kommune=world.kommune, actor=world.admin, catalogue=previous)
    shipped = tmp_path / "shipped"
    shutil.copytree(CATALOGUE_DIR, shipped)
    load_catalogues(shipped)
    newest = latest_catalogue("kgst")
    assert newest is not None and newest.version == _kgst()["catalogue"]["version"]

    updates = overview.catalogue_updates(world.kommune, previous)
    changed = {update.role.key: [change.name for change in update.changes] for update in updates.changed}
    assert changed.get("it_dienstleister") == ["placement"]
    assert set(changed) == {"it_dienstleister"}  # the rest of the file is the same text

    text = admin_client.get(reverse("roles:catalogue_updates", args=[world.kommune.slug])).content.decode()
    assert f"Fassung 2026.2 → {newest.version}" in text
    assert "Dachverband kommunaler IT-Dienstleister" in text

    # The Erkelenz correction reaches the Kommune's copied relation: Bürger → Rat becomes Bürger → Verwaltungsspitze.
    relations = overview.relation_updates(world.kommune, previous)
    assert [(u.kind, u.from_role.key, u.to_role.key, u.relation_type_label) for u in relations] == [
        ("changed", "buerger", "hvb", "berät")
    ]
    erkelenz = _erkelenz(_kgst())
    changes = {change.label: (change.old, change.new) for change in relations[0].changes}
    assert relations[0].relation is not None and relations[0].relation.to_role.key == "rat"
    assert changes["Zu Rolle"][1] == "Verwaltungsspitze und Verwaltungsvorstand"
    assert changes["Hinweis"] == (OLD_ERKELENZ_NOTE, erkelenz["note"])
    assert changes["Quelle"] == (OLD_ERKELENZ_SOURCE, erkelenz["source"])
    assert "Digitalbeirat, der die Verwaltung berät" in text
    url = reverse("roles:relation_take_catalogue_version", args=[world.kommune.slug, relations[0].relation.pk])
    admin_client.post(url)
    relation = RoleRelation.objects.for_kommune(world.kommune).get(pk=relations[0].relation.pk)
    assert (relation.to_role.key, relation.note, relation.source) == ("hvb", erkelenz["note"], erkelenz["source"])
    assert overview.relation_updates(world.kommune, previous) == []
