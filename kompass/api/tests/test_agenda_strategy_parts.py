"""What a version of the agenda says, through the API: Leitsätze and Handlungsfelder (with the fields of the
Orientierungsrahmen and the Gestaltungsfelder), deciding a draft, a new draft from a decided version and the
diff. Every member reads; only Administration and Redaktion without limit write (EDIT_AGENDA); a decided
version is read-only (409 with the reason); another Kommune's ids are 404; bad input is a German field error
and stores nothing; a stale version is 409."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kompass.agenda import services
from kompass.agenda.models import AgendaVersion, Goal, Handlungsfeld, Leitsatz
from kompass.agenda.tests.factories_api import AgendaScene, agenda_scene
from kompass.agenda.tests.factories_strategy import fields
from kompass.api.tests.agenda_parts import Parts, agenda_parts
from kompass.api.tests.helpers import BASE, ApiClient, api_entries, tenant_state

AGENDA = f"{BASE}/agenda"


@pytest.fixture
def scene(world: Any) -> AgendaScene:
    return agenda_scene(world)


@pytest.fixture
def parts(scene: AgendaScene) -> Parts:
    return agenda_parts(scene)


def _leitsaetze(world: Any) -> list[tuple[Any, ...]]:
    rows = Leitsatz.objects.for_kommune(world.kommune).order_by("pk")
    return list(rows.values_list("pk", "agenda_version_id", "text", "position", "version"))


def _fields(world: Any) -> list[tuple[Any, ...]]:
    rows = Handlungsfeld.objects.for_kommune(world.kommune).order_by("pk")
    return list(rows.values_list("pk", "agenda_version_id", "key", "name", "framework_field_keys", "version"))


# --- Leitsätze ----------------------------------------------------------------------------------------


def test_leitsaetze_of_each_version_are_listed_and_read(parts: Parts, api: dict[str, ApiClient]) -> None:
    reader = api["reader"]
    decided = reader.get(f"{AGENDA}/fassungen/{parts.scene.version.pk}/leitsaetze").json()
    assert (decided["count"], [i["text"] for i in decided["items"]]) == (1, ["Nutzen zuerst."])
    draft = reader.get(f"{AGENDA}/fassungen/{parts.draft.pk}/leitsaetze").json()
    assert [(i["id"], i["agenda_version_id"]) for i in draft["items"]] == [(parts.leitsatz.pk, parts.draft.pk)]
    one = reader.get(f"{AGENDA}/leitsaetze/{parts.leitsatz.pk}")
    assert one.status_code == 200
    assert one.json() == {
        "id": parts.leitsatz.pk,
        "text": "Nutzen zuerst.",
        "position": parts.leitsatz.position,
        "version": 1,
        "agenda_version_id": parts.draft.pk,
    }


def test_leitsatz_is_created_changed_and_deleted_in_the_draft(parts: Parts, api: dict[str, ApiClient]) -> None:
    w = parts.scene.world
    admin = api["admin"]
    created = admin.post(f"{AGENDA}/fassungen/{parts.draft.pk}/leitsaetze", {"text": "Offen und sicher."})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["text"], body["position"], body["agenda_version_id"]) == ("Offen und sicher.", 2, parts.draft.pk)
    url = f"{AGENDA}/leitsaetze/{body['id']}"
    changed = admin.patch(url, {"text": "Offen, sicher und nah.", "position": 0, "version": 1})
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["text"], changed.json()["position"], changed.json()["version"]) == (
        "Offen, sicher und nah.",
        0,
        2,
    )
    assert admin.patch(url, {"text": "Zu spät", "version": 1}).status_code == 409
    assert admin.delete(url, "?version=1").status_code == 409
    assert admin.delete(url, "?version=2").status_code == 204
    actions = list(api_entries(w).filter(object_type="leitsatz").values_list("action", flat=True))
    assert actions == ["create", "update", "delete"]


@pytest.mark.parametrize("persona", ["reader", "editor"])
def test_leitsaetze_are_strategy_no_limited_editor_or_reader_writes_them(
    parts: Parts, api: dict[str, ApiClient], persona: str
) -> None:
    w = parts.scene.world
    before = _leitsaetze(w)
    client = api[persona]
    assert client.post(f"{AGENDA}/fassungen/{parts.draft.pk}/leitsaetze", {"text": "x"}).status_code == 403
    assert client.patch(f"{AGENDA}/leitsaetze/{parts.leitsatz.pk}", {"text": "y", "version": 1}).status_code == 403
    assert client.delete(f"{AGENDA}/leitsaetze/{parts.leitsatz.pk}", "?version=1").status_code == 403
    assert _leitsaetze(w) == before


def test_a_decided_version_refuses_every_change_to_its_leitsaetze(parts: Parts, api: dict[str, ApiClient]) -> None:
    w = parts.scene.world
    admin = api["admin"]
    before = _leitsaetze(w)
    url = f"{AGENDA}/leitsaetze/{parts.decided_leitsatz.pk}"
    for response in (
        admin.post(f"{AGENDA}/fassungen/{parts.scene.version.pk}/leitsaetze", {"text": "Neu"}),
        admin.patch(url, {"text": "Anders", "version": 1}),
        admin.delete(url, "?version=1"),
    ):
        assert response.status_code == 409
        assert response.json()["detail"].startswith("Fassung 1 ist beschlossen und damit eingefroren.")
    assert _leitsaetze(w) == before


def test_leitsatz_input_errors_are_german_and_store_nothing(parts: Parts, api: dict[str, ApiClient]) -> None:
    w = parts.scene.world
    before = _leitsaetze(w)
    url = f"{AGENDA}/fassungen/{parts.draft.pk}/leitsaetze"
    empty = api["admin"].post(url, {"text": "   "})
    assert empty.status_code == 422
    assert empty.json()["detail"] == [
        {"loc": ["body", "text"], "msg": "Bitte den Leitsatz angeben.", "type": "value_error"}
    ]
    too_far = api["admin"].patch(f"{AGENDA}/leitsaetze/{parts.leitsatz.pk}", {"position": 5000, "version": 1})
    assert too_far.status_code == 422
    assert too_far.json()["detail"][0]["loc"] == ["body", "position"]
    assert too_far.json()["detail"][0]["msg"] == "Der Wert darf höchstens 1000 sein."
    unknown = api["admin"].post(url, {"text": "x", "agenda_version_id": parts.scene.version.pk})
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["msg"] == "Dieses Feld ist unbekannt oder kann nicht gesetzt werden."
    assert _leitsaetze(w) == before


# --- Handlungsfelder ------------------------------------------------------------------------------------


def test_handlungsfelder_name_their_fields_and_gestaltungsfelder(parts: Parts, api: dict[str, ApiClient]) -> None:
    w = parts.scene.world
    plain, outside = fields(w)
    # A key the framework no longer has (the Kommune switched the field off after the Handlungsfeld named it).
    Handlungsfeld.objects.for_kommune(w.kommune).filter(pk=parts.handlungsfeld.pk).update(
        framework_field_keys=[plain.key, outside.key, "gibt-es-nicht-mehr"]
    )
    listed = api["reader"].get(f"{AGENDA}/fassungen/{parts.draft.pk}/handlungsfelder").json()
    assert listed["count"] == 1
    item = listed["items"][0]
    assert (item["key"], item["agenda_version_id"]) == ("verwaltung-digital", parts.draft.pk)
    assert item["framework_field_keys"] == ["steuerung", "lebensqualitaet", "gibt-es-nicht-mehr"]
    assert item["framework_fields"] == [
        {"key": "steuerung", "name": "Steuerung der Digitalisierung", "known": True},
        {"key": "gibt-es-nicht-mehr", "name": "gibt-es-nicht-mehr", "known": False},
    ]
    assert item["gestaltungsfelder"] == [{"key": "lebensqualitaet", "name": "Lebensqualität", "known": True}]
    assert api["reader"].get(f"{AGENDA}/handlungsfelder/{parts.handlungsfeld.pk}").json() == item


def test_handlungsfeld_is_created_with_fields_and_gestaltungsfelder(parts: Parts, api: dict[str, ApiClient]) -> None:
    w = parts.scene.world
    plain, outside = fields(w)
    body = {
        "name": "Bürgerservice digital",
        "description": "Leistungen online",
        "framework_field_keys": [plain.key],
        "gestaltungsfeld_keys": [outside.key],
    }
    response = api["admin"].post(f"{AGENDA}/fassungen/{parts.draft.pk}/handlungsfelder", body)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["key"], created["framework_field_keys"]) == (
        "burgerservice-digital",
        ["steuerung", "lebensqualitaet"],
    )
    assert [f["key"] for f in created["gestaltungsfelder"]] == ["lebensqualitaet"]
    entry = api_entries(w).get(object_type="handlungsfeld", action="create")
    assert entry.object_id == str(created["id"])
    # Each list replaces its own part: sending only the Gestaltungsfelder keeps the fields.
    url = f"{AGENDA}/handlungsfelder/{created['id']}"
    changed = api["admin"].patch(url, {"gestaltungsfeld_keys": [], "version": 1})
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["framework_field_keys"], changed.json()["version"]) == (["steuerung"], 2)
    assert api["admin"].delete(url, "?version=2").status_code == 204
    assert not Handlungsfeld.objects.for_kommune(w.kommune).filter(pk=created["id"]).exists()


def test_handlungsfeld_with_a_given_key_keeps_it(parts: Parts, api: dict[str, ApiClient]) -> None:
    url = f"{AGENDA}/fassungen/{parts.draft.pk}/handlungsfelder"
    response = api["admin"].post(url, {"name": "Schulen", "key": "Bildung Digital"})
    assert response.status_code == 201, response.json()
    assert response.json()["key"] == "bildung-digital"
    again = api["admin"].post(url, {"name": "Bildung digital"})
    assert again.status_code == 422
    assert again.json()["detail"] == [
        {
            "loc": ["body", "name"],
            "msg": "Diese Fassung hat bereits ein Handlungsfeld mit dem Schlüssel „bildung-digital“.",
            "type": "value_error",
        }
    ]


def test_handlungsfeld_input_errors_are_german_and_store_nothing(parts: Parts, api: dict[str, ApiClient]) -> None:
    w = parts.scene.world
    plain, outside = fields(w)
    before = _fields(w)
    url = f"{AGENDA}/fassungen/{parts.draft.pk}/handlungsfelder"
    unknown = api["admin"].post(url, {"name": "Neu", "framework_field_keys": ["erfunden"]})
    assert unknown.status_code == 422
    assert unknown.json()["detail"] == [
        {
            "loc": ["body", "framework_field_keys"],
            "msg": "Diese Felder gibt es im Orientierungsrahmen der Kommune nicht: erfunden.",
            "type": "value_error",
        }
    ]
    swapped = api["admin"].post(
        url, {"name": "Neu", "framework_field_keys": [outside.key], "gestaltungsfeld_keys": [plain.key]}
    )
    assert swapped.status_code == 422
    assert {tuple(e["loc"]): e["msg"] for e in swapped.json()["detail"]} == {
        ("body", "framework_field_keys"): "Gestaltungsfelder gehören in „gestaltungsfeld_keys“: lebensqualitaet.",
        ("body", "gestaltungsfeld_keys"): "Diese Felder sind keine Gestaltungsfelder: steuerung.",
    }
    nameless = api["admin"].patch(f"{AGENDA}/handlungsfelder/{parts.handlungsfeld.pk}", {"name": None, "version": 1})
    assert nameless.status_code == 422
    assert nameless.json()["detail"][0]["msg"] == "Dieses Feld darf nicht leer (null) sein."
    assert _fields(w) == before


def test_a_decided_version_refuses_every_change_to_its_handlungsfelder(parts: Parts, api: dict[str, ApiClient]) -> None:
    w = parts.scene.world
    before = _fields(w)
    admin = api["admin"]
    url = f"{AGENDA}/handlungsfelder/{parts.decided_handlungsfeld.pk}"
    for response in (
        admin.post(f"{AGENDA}/fassungen/{parts.scene.version.pk}/handlungsfelder", {"name": "Neu"}),
        admin.patch(url, {"name": "Anders", "version": 1}),
        admin.delete(url, "?version=1"),
    ):
        assert response.status_code == 409
        assert "beschlossen und damit eingefroren" in response.json()["detail"]
    assert _fields(w) == before


@pytest.mark.parametrize("persona", ["reader", "editor"])
def test_handlungsfelder_are_strategy(parts: Parts, api: dict[str, ApiClient], persona: str) -> None:
    w = parts.scene.world
    before = _fields(w)
    client = api[persona]
    url = f"{AGENDA}/handlungsfelder/{parts.handlungsfeld.pk}"
    assert client.post(f"{AGENDA}/fassungen/{parts.draft.pk}/handlungsfelder", {"name": "x"}).status_code == 403
    assert client.patch(url, {"name": "y", "version": 1}).status_code == 403
    assert client.delete(url, "?version=1").status_code == 403
    assert _fields(w) == before


def test_the_handlungsfeld_list_costs_the_same_queries_for_more_fields(parts: Parts, api: dict[str, ApiClient]) -> None:
    w = parts.scene.world
    fields(w)
    url = f"{AGENDA}/fassungen/{parts.draft.pk}/handlungsfelder"
    client = api["reader"]
    client.get(url)  # the token's first use of the day is written once

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for i in range(6):
        services.handlungsfeld_create(
            kommune=w.kommune,
            actor=w.admin,
            version=parts.draft,
            data={"name": f"Feld {i}", "framework_field_keys": ["steuerung", "lebensqualitaet"]},
        )
    assert queries() == few


# --- deciding, a new draft, the diff --------------------------------------------------------------


def test_a_draft_is_decided_with_its_council_decision_and_is_frozen_then(
    parts: Parts, api: dict[str, ApiClient]
) -> None:
    w = parts.scene.world
    url = f"{AGENDA}/fassungen/{parts.draft.pk}/beschliessen"
    assert api["editor"].post(url, {"decided_on": "2026-02-01", "version": 1}).status_code == 403
    body = {"decided_on": "12.02.2026", "decision_id": parts.scene.decision.pk, "version": 1}
    response = api["admin"].post(url, body)
    assert response.status_code == 200, response.json()
    decided = response.json()
    assert (decided["state"], decided["decided_on"], decided["decision_id"], decided["read_only"]) == (
        "beschlossen",
        "2026-02-12",
        parts.scene.decision.pk,
        True,
    )
    assert api["reader"].get(AGENDA).json()["current"]["id"] == parts.draft.pk
    # Goals move to the Handlungsfeld of the decided version with the same key.
    goal = Goal.objects.for_kommune(w.kommune).get(pk=parts.scene.goal.pk)
    assert list(Goal.handlungsfelder.through.objects.filter(goal=goal).values_list("handlungsfeld_id", flat=True)) == [
        parts.handlungsfeld.pk
    ]
    again = api["admin"].post(url, {"decided_on": "2026-02-13", "version": 2})
    assert again.status_code == 409
    assert "Fassung 2 ist beschlossen" in again.json()["detail"]
    entry = api_entries(w).get(object_type="agendaversion", action="update")
    assert entry.changes["state"] == ["entwurf", "beschlossen"]


def test_deciding_refuses_bad_input_and_stores_nothing(parts: Parts, api: dict[str, ApiClient]) -> None:
    w = parts.scene.world
    url = f"{AGENDA}/fassungen/{parts.draft.pk}/beschliessen"
    rejected = services.council_decision_create(
        kommune=w.kommune, actor=w.admin, data={"body": "Rat", "decided_on": "2026-01-01", "result": "abgelehnt"}
    )
    before = tenant_state(w)
    response = api["admin"].post(url, {"decided_on": "31.02.2026", "decision_id": rejected.pk, "version": 1})
    assert response.status_code == 422
    assert {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]} == {
        ("body", "decided_on"): "„31.02.2026“ ist kein gültiges Datum. Bitte TT.MM.JJJJ schreiben.",
        ("body", "decision_id"): "Der Beschluss lautet „abgelehnt“; eine Fassung gilt nur mit einem zustimmenden "
        "Beschluss.",
    }
    foreign = api["admin"].post(
        url, {"decided_on": "2026-02-01", "decision_id": parts.scene.other["decision_id"], "version": 1}
    )
    assert foreign.status_code == 422
    assert foreign.json()["detail"] == [
        {"loc": ["body", "decision_id"], "msg": "Die Auswahl wurde nicht gefunden.", "type": "value_error"}
    ]
    stale = api["admin"].post(url, {"decided_on": "2026-02-01", "version": 7})
    assert stale.status_code == 409
    assert "inzwischen von jemand anderem geändert" in stale.json()["detail"]
    missing = api["admin"].post(url, {"decided_on": "2026-02-01"})
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["body", "version"]
    assert tenant_state(w) == before


def test_a_version_without_handlungsfelder_cannot_be_decided(parts: Parts, api: dict[str, ApiClient]) -> None:
    w = parts.scene.world
    services.handlungsfeld_delete(kommune=w.kommune, actor=w.admin, handlungsfeld=parts.handlungsfeld)
    response = api["admin"].post(
        f"{AGENDA}/fassungen/{parts.draft.pk}/beschliessen", {"decided_on": "2026-02-01", "version": 1}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "Eine Fassung ohne Handlungsfelder kann nicht beschlossen werden."
    assert AgendaVersion.objects.for_kommune(w.kommune).get(pk=parts.draft.pk).state == "entwurf"


def test_a_new_draft_is_made_from_a_decided_version_only(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    w = scene.world
    url = f"{AGENDA}/fassungen/{scene.version.pk}/neuer-entwurf"
    assert api["editor"].post(url, {}).status_code == 403
    response = api["admin"].post(url, {})
    assert response.status_code == 201, response.json()
    draft = response.json()
    assert (draft["number"], draft["state"], draft["based_on_id"], draft["vision"]) == (
        2,
        "entwurf",
        scene.version.pk,
        "Digital und nah.",
    )
    assert [i["text"] for i in draft["leitsaetze"]] == ["Nutzen zuerst."]
    assert [h["key"] for h in draft["handlungsfelder"]] == ["verwaltung-digital"]
    count = AgendaVersion.objects.for_kommune(w.kommune).count()
    twice = api["admin"].post(url, {})
    assert twice.status_code == 409
    assert (
        twice.json()["detail"] == "Es gibt bereits einen Entwurf. Bearbeiten Sie ihn, statt einen weiteren anzulegen."
    )
    from_draft = api["admin"].post(f"{AGENDA}/fassungen/{draft['id']}/neuer-entwurf", {})
    assert from_draft.status_code == 409
    assert "Nur eine beschlossene Fassung" in from_draft.json()["detail"]
    assert AgendaVersion.objects.for_kommune(w.kommune).count() == count


def test_the_diff_says_what_a_draft_changes(parts: Parts, api: dict[str, ApiClient]) -> None:
    w = parts.scene.world
    plain, _outside = fields(w)
    services.version_update(
        kommune=w.kommune, actor=w.admin, version=parts.draft, data={"vision": "Digital, nah und offen."}
    )
    services.leitsatz_update(
        kommune=w.kommune, actor=w.admin, leitsatz=parts.leitsatz, data={"text": "Nutzen vor Technik."}
    )
    services.leitsatz_create(kommune=w.kommune, actor=w.admin, version=parts.draft, data={"text": "Offen und sicher."})
    services.handlungsfeld_update(
        kommune=w.kommune, actor=w.admin, handlungsfeld=parts.handlungsfeld, data={"framework_field_keys": [plain.key]}
    )
    services.handlungsfeld_create(kommune=w.kommune, actor=w.admin, version=parts.draft, data={"name": "Bildung"})
    response = api["reader"].get(f"{AGENDA}/fassungen/{parts.draft.pk}/vergleich")
    assert response.status_code == 200
    diff = response.json()
    assert (diff["version_id"], diff["base_id"], diff["base_number"], diff["is_empty"]) == (
        parts.draft.pk,
        parts.scene.version.pk,
        1,
        False,
    )
    assert diff["vision"] == {"old": "Digital und nah.", "new": "Digital, nah und offen."}
    assert diff["leitsaetze_changed"] == [{"old": "Nutzen zuerst.", "new": "Nutzen vor Technik."}]
    assert diff["leitsaetze_added"] == ["Offen und sicher."]
    assert diff["handlungsfelder_added"] == [{"key": "bildung", "name": "Bildung"}]
    assert diff["handlungsfelder_changed"] == [
        {
            "name": "Verwaltung digital",
            "changes": [{"label": "Felder des Orientierungsrahmens", "old": "", "new": "steuerung"}],
        }
    ]
    assert "Leitsatz neu: „Offen und sicher.“" in diff["lines"]
    # Against itself nothing changed; version 1 has no base; another Kommune's version is not found.
    itself = api["reader"].get(f"{AGENDA}/fassungen/{parts.draft.pk}/vergleich", {"gegen": parts.draft.pk}).json()
    assert (itself["is_empty"], itself["lines"]) == (True, [])
    first = api["reader"].get(f"{AGENDA}/fassungen/{parts.scene.version.pk}/vergleich").json()
    assert (first["base_id"], first["is_empty"]) == (None, True)
    foreign = api["reader"].get(
        f"{AGENDA}/fassungen/{parts.draft.pk}/vergleich", {"gegen": parts.scene.other["agenda_version_id"]}
    )
    assert foreign.status_code == 422
    assert foreign.json()["detail"] == [
        {"loc": ["query", "gegen"], "msg": "Diese Fassung gibt es in dieser Kommune nicht.", "type": "value_error"}
    ]
    assert "GEHEIM" not in foreign.content.decode()


# --- another Kommune ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "param"),
    [("agenda/leitsaetze", "leitsatz_id"), ("agenda/handlungsfelder", "handlungsfeld_id")],
)
def test_another_kommunes_leitsaetze_and_handlungsfelder_are_not_found(
    parts: Parts, api: dict[str, ApiClient], path: str, param: str
) -> None:
    w = parts.scene.world
    url = f"{BASE}/{path}/{parts.other[param]}"
    before = tenant_state(w)
    for response in (
        api["admin"].get(url),
        api["admin"].patch(url, {"version": 1}),
        api["admin"].delete(url, "?version=1"),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "Nicht gefunden."}
    version = parts.scene.other["agenda_version_id"]
    for sub in ("leitsaetze", "handlungsfelder", "vergleich"):
        assert api["admin"].get(f"{AGENDA}/fassungen/{version}/{sub}").status_code == 404
    for action in ("leitsaetze", "handlungsfelder", "beschliessen", "neuer-entwurf"):
        response = api["admin"].post(f"{AGENDA}/fassungen/{version}/{action}", {"text": "x", "name": "x"})
        assert response.status_code == 404
    assert tenant_state(w) == before
