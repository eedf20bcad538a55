"""Catalogue updates offer the corrected relations too (issue 12).

A Kommune keeps the relations it copied when it adopted a catalogue version. When a newer version
changes, adds or drops a relation between roles the Kommune adopted, the "Katalog-Aktualisierung"
page offers it; relations the Kommune created itself are never touched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompass.audit.models import AuditAction, AuditEntry
from kompass.roles import overview, services
from kompass.roles.catalogue_loader import load_catalogues
from kompass.roles.models import Catalogue, CatalogueRelation, Confidence, RoleRelation
from kompass.roles.tests.conftest import ITPLR_ROLES, KGST_ROLES, Model, catalogue_toml, role_toml

CHANGED = """
[[relations]]
from = "cdo"
to = "hvb"
type = "berichtet_an"
note = "Berichtet quartalsweise."
source = "Neue Quelle 2026"
confidence = "abgeleitet"
"""
CORRECTED = """
[[relations]]
from = "lotse"
to = "cio"
type = "arbeitet_zu"
confidence = "abgeleitet"
"""
ADDED = """
[[relations]]
from = "isb"
to = "hvb"
type = "berichtet_an"
note = "Berichtet direkt."
confidence = "belegt"
"""
UNCHANGED_LOTSE = """
[[relations]]
from = "lotse"
to = "cdo"
type = "arbeitet_zu"
confidence = "abgeleitet"
"""
UNCHANGED_CDO = """
[[relations]]
from = "cdo"
to = "hvb"
type = "berichtet_an"
note = "Berichtet regelmäßig."
confidence = "belegt"
"""


def _load_version_two(tmp_path: Path, relations: str) -> Catalogue:
    directory = tmp_path / "v2"
    directory.mkdir()
    roles = [role_toml(*spec) for spec in KGST_ROLES]
    (directory / "kgst.toml").write_text(
        catalogue_toml("kgst", "KGSt-orientiertes Rollenmodell (Test)", "2026.2", roles, relations), encoding="utf-8"
    )
    (directory / "itplr-ekompetenz.toml").write_text(
        catalogue_toml("itplr-ekompetenz", "E-Kompetenz (Test)", "2026.1", [role_toml(*r) for r in ITPLR_ROLES]),
        encoding="utf-8",
    )
    load_catalogues(directory)
    return Catalogue.objects.get(key="kgst", version="2026.2")


def _updates(adopted: Model) -> list[overview.RelationUpdate]:
    return overview.relation_updates(adopted.world.kommune, adopted.model.catalogue)


def _relation(adopted: Model, from_key: str, to_key: str, kind: str) -> RoleRelation:
    return RoleRelation.objects.for_kommune(adopted.world.kommune).get(
        from_role__key=from_key, to_role__key=to_key, relation_type=kind
    )


def _own(adopted: Model, from_key: str, to_key: str, kind: str, note: str = "Eigene Notiz") -> RoleRelation:
    data = {
        "from_role": adopted.roles[from_key],
        "to_role": adopted.roles[to_key],
        "relation_type": kind,
        "note": note,
    }
    return services.relation_create(kommune=adopted.world.kommune, actor=None, data=data)


def _take_url(adopted: Model, relation: RoleRelation) -> str:
    return reverse("roles:relation_take_catalogue_version", args=[adopted.world.kommune.slug, relation.pk])


def _add_url(adopted: Model) -> str:
    return reverse("roles:relation_add_from_catalogue", args=[adopted.world.kommune.slug])


def _page(adopted: Model, client: Client) -> str:
    return client.get(reverse("roles:catalogue_updates", args=[adopted.world.kommune.slug])).content.decode()


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _state(adopted: Model) -> list[tuple[Any, ...]]:
    return sorted(
        RoleRelation.objects.for_kommune(adopted.world.kommune).values_list(
            "pk", "from_role_id", "to_role_id", "relation_type", "note", "source", "confidence"
        )
    )


# --- what is offered -------------------------------------------------------------------------------


def test_without_a_newer_version_no_relation_is_offered(adopted: Model) -> None:
    assert _updates(adopted) == []


def test_changed_corrected_and_added_relations_are_offered_self_made_ones_never(adopted: Model, tmp_path: Path) -> None:
    own_same = _own(adopted, "cdo", "hvb", "berichtet_an")  # same triple as a catalogue relation, but own
    own_other = _own(adopted, "rat", "hvb", "kontrolliert")
    _load_version_two(tmp_path, CHANGED + CORRECTED + ADDED)
    updates = _updates(adopted)
    assert [(u.kind, u.from_role.key, u.to_role.key) for u in updates] == [
        ("changed", "cdo", "hvb"),
        ("changed", "lotse", "cio"),
        ("added", "isb", "hvb"),
    ]
    note = updates[0]
    assert note.relation is not None and note.relation.pk != own_same.pk and note.relation.confidence == "belegt"
    assert {(c.label, c.old, c.new) for c in note.changes} == {
        ("Hinweis", "Berichtet regelmäßig.", "Berichtet quartalsweise."),
        ("Quelle", "", "Neue Quelle 2026"),
        ("Belegstärke", "belegt", "abgeleitet"),
    }
    correction = updates[1]
    assert correction.relation is not None and correction.relation.to_role.key == "cdo"
    assert [(c.label, c.old, c.new) for c in correction.changes] == [
        ("Zu Rolle", "Chief Digital Officer", "Chief Information Officer")
    ]
    offered = {u.relation.pk for u in updates if u.relation is not None}
    assert own_same.pk not in offered and own_other.pk not in offered


def test_an_added_relation_the_kommune_already_made_itself_is_not_offered(adopted: Model, tmp_path: Path) -> None:
    _own(adopted, "isb", "hvb", "berichtet_an")
    _load_version_two(tmp_path, UNCHANGED_CDO + UNCHANGED_LOTSE + ADDED)
    assert _updates(adopted) == []


def test_a_dropped_relation_is_offered_for_removal(adopted: Model, tmp_path: Path) -> None:
    _load_version_two(tmp_path, UNCHANGED_CDO)
    updates = _updates(adopted)
    assert [(u.kind, u.from_role.key, u.to_role.key) for u in updates] == [("removed", "lotse", "cdo")]


def test_the_page_shows_each_relation_change_readably(adopted: Model, admin_client: Client, tmp_path: Path) -> None:
    _load_version_two(tmp_path, CHANGED + CORRECTED + ADDED)
    text = _page(adopted, admin_client)
    assert "Geänderte Beziehungen zwischen Rollen" in text
    assert "Chief Digital Officer → Verwaltungsvorstand: berichtet an" in text
    assert "<del>Berichtet regelmäßig.</del>" in text and "<ins>Berichtet quartalsweise.</ins>" in text
    assert "Digitale Lotsinnen und Lotsen → Chief Information Officer: arbeitet zu" in text
    assert "<del>Chief Digital Officer</del>" in text
    assert "Informationssicherheitsbeauftragte(r) → Verwaltungsvorstand: berichtet an" in text
    assert "Neu im Katalog" in text and "Berichtet direkt." in text
    assert text.count('name="catalogue_relation"') == 1


def test_the_page_needs_the_same_queries_for_many_relations(
    adopted: Model, admin_client: Client, tmp_path: Path
) -> None:
    _load_version_two(tmp_path, CHANGED + CORRECTED + ADDED)
    url = reverse("roles:catalogue_updates", args=[adopted.world.kommune.slug])
    admin_client.get(url)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    for from_key in ("rat", "personal", "dsb", "isb", "partner"):
        _own(adopted, from_key, "cio", "beraet")
    Catalogue.objects.get(key="kgst", version="2026.2").relations.create(
        from_key="dsb", to_key="hvb", relation_type="berichtet_an", confidence="belegt"
    )
    assert len(_updates(adopted)) == 4
    with CaptureQueriesContext(connection) as many:
        admin_client.get(url)
    assert len(many) == len(few)


# --- taking a change ---------------------------------------------------------------------------------


def test_taking_a_change_updates_the_relation_and_writes_an_audit_entry(
    adopted: Model, admin_client: Client, tmp_path: Path
) -> None:
    k = adopted.world.kommune
    own = _own(adopted, "cdo", "hvb", "berichtet_an")
    _load_version_two(tmp_path, CHANGED + UNCHANGED_LOTSE)
    copied = RoleRelation.objects.for_kommune(k).exclude(pk=own.pk).get(from_role__key="cdo")
    response = admin_client.post(_take_url(adopted, copied), follow=True)
    assert "entspricht jetzt dem Katalog" in " ".join(_messages(response))
    copied.refresh_from_db()
    assert (copied.note, copied.source, copied.confidence) == (
        "Berichtet quartalsweise.",
        "Neue Quelle 2026",
        "abgeleitet",
    )
    entry = (
        AuditEntry.objects.for_kommune(k).filter(object_type__icontains="relation", object_id=str(copied.pk)).first()
    )
    assert entry is not None and entry.action == AuditAction.UPDATE
    assert entry.changes["note"] == ["Berichtet regelmäßig.", "Berichtet quartalsweise."]
    own.refresh_from_db()
    assert (own.note, own.confidence) == ("Eigene Notiz", Confidence.EIGENE)
    assert _updates(adopted) == []


def test_taking_a_correction_moves_the_relation_to_the_new_role(
    adopted: Model, admin_client: Client, tmp_path: Path
) -> None:
    _load_version_two(tmp_path, UNCHANGED_CDO + CORRECTED)
    copied = _relation(adopted, "lotse", "cdo", "arbeitet_zu")
    admin_client.post(_take_url(adopted, copied))
    copied.refresh_from_db()
    assert copied.to_role.key == "cio"
    assert _updates(adopted) == []


def test_adding_and_removing_relations_from_the_catalogue(adopted: Model, admin_client: Client, tmp_path: Path) -> None:
    k = adopted.world.kommune
    v2 = _load_version_two(tmp_path, UNCHANGED_CDO + ADDED)
    source = CatalogueRelation.objects.get(catalogue=v2, from_key="isb")
    admin_client.post(_add_url(adopted), {"catalogue_relation": source.pk})
    added = _relation(adopted, "isb", "hvb", "berichtet_an")
    assert (added.note, added.confidence) == ("Berichtet direkt.", "belegt")
    assert AuditEntry.objects.for_kommune(k).filter(object_id=str(added.pk), action=AuditAction.CREATE).exists()
    dropped = _relation(adopted, "lotse", "cdo", "arbeitet_zu")
    admin_client.post(_take_url(adopted, dropped))
    assert not RoleRelation.objects.for_kommune(k).filter(pk=dropped.pk).exists()
    assert AuditEntry.objects.for_kommune(k).filter(object_id=str(dropped.pk), action=AuditAction.DELETE).exists()
    assert _updates(adopted) == []


# --- bad input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", "abc", "999999", "-1", "1" * 30])
def test_an_unknown_catalogue_relation_changes_nothing(
    adopted: Model, admin_client: Client, tmp_path: Path, value: str
) -> None:
    _load_version_two(tmp_path, CHANGED + ADDED)
    before = _state(adopted)
    response = admin_client.post(_add_url(adopted), {"catalogue_relation": value}, follow=True)
    assert response.status_code == 200
    assert "bietet der Katalog keine Änderung" in " ".join(_messages(response))
    assert _state(adopted) == before


def test_an_applied_or_self_made_relation_gets_a_message_and_nothing_changes(
    adopted: Model, admin_client: Client, tmp_path: Path
) -> None:
    k = adopted.world.kommune
    own = _own(adopted, "rat", "hvb", "kontrolliert")
    v2 = _load_version_two(tmp_path, CHANGED + UNCHANGED_LOTSE + ADDED)
    copied = RoleRelation.objects.for_kommune(k).get(from_role__key="cdo")
    admin_client.post(_take_url(adopted, copied))
    source = CatalogueRelation.objects.get(catalogue=v2, from_key="isb")
    admin_client.post(_add_url(adopted), {"catalogue_relation": source.pk})
    before, entries = _state(adopted), AuditEntry.objects.for_kommune(k).count()
    for url, data in (
        (_take_url(adopted, copied), {}),  # already applied
        (_take_url(adopted, own), {}),  # the Kommune's own
        (_add_url(adopted), {"catalogue_relation": source.pk}),  # already added
    ):
        response = admin_client.post(url, data, follow=True)
        assert response.status_code == 200
        assert "bietet der Katalog keine Änderung" in " ".join(_messages(response))
    assert _state(adopted) == before
    assert AuditEntry.objects.for_kommune(k).count() == entries


def test_another_kommunes_relation_is_not_found(adopted: Model, tmp_path: Path) -> None:
    world = adopted.world
    services.catalogue_adopt(
        kommune=world.other, actor=None, catalogue=Catalogue.objects.get(key="kgst", version="2026.1")
    )
    _load_version_two(tmp_path, CHANGED + UNCHANGED_LOTSE)
    theirs = RoleRelation.objects.for_kommune(world.other).get(from_role__key="cdo")
    response = world.client_for(world.admin).post(_take_url(adopted, theirs))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.note == "Berichtet regelmäßig."


def test_readers_cannot_take_relation_changes(adopted: Model, tmp_path: Path) -> None:
    _load_version_two(tmp_path, CHANGED + UNCHANGED_LOTSE)
    copied = RoleRelation.objects.for_kommune(adopted.world.kommune).get(from_role__key="cdo")
    response = adopted.world.client_for(adopted.world.reader).post(_take_url(adopted, copied))
    assert response.status_code == 403
    copied.refresh_from_db()
    assert copied.note == "Berichtet regelmäßig."


def test_the_role_list_says_so_when_only_relations_changed(
    adopted: Model, admin_client: Client, tmp_path: Path
) -> None:
    """A version that changes relations but no role must not go unnoticed on the role list."""
    role_list = reverse("roles:role_list", args=[adopted.world.kommune.slug])
    assert "Neuere Katalogfassung verfügbar" not in admin_client.get(role_list).content.decode()
    _load_version_two(tmp_path, CHANGED + UNCHANGED_LOTSE)
    assert overview.catalogue_updates(adopted.world.kommune, adopted.model.catalogue).pending == 0
    page = admin_client.get(role_list).content.decode()
    assert "Neuere Katalogfassung verfügbar" in page
    assert "Eine Beziehung zwischen Ihren Katalogrollen hat der Katalog geändert." in page
