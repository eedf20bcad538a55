"""The strategy of the digital agenda through the API: the agenda and its versions, goals, council
decisions. Every member reads; only Administration and Redaktion without limit write (EDIT_AGENDA);
another Kommune's ids are 404 in the URL and field errors in the body; a decided version is read-only."""

from __future__ import annotations

from typing import Any

import pytest

from kompass.agenda import services
from kompass.agenda.models import AgendaVersion, CouncilDecision, Goal
from kompass.agenda.tests.factories_api import AgendaScene, agenda_scene
from kompass.api.tests.helpers import BASE, ApiClient, api_entries
from kompass.audit.models import AuditEntry


@pytest.fixture
def scene(world: Any) -> AgendaScene:
    return agenda_scene(world)


def _goals(scene: AgendaScene) -> list[tuple[Any, ...]]:
    return list(Goal.objects.for_kommune(scene.world.kommune).order_by("pk").values_list("pk", "title", "version"))


# --- agenda and versions -----------------------------------------------------------------------------


def test_agenda_shows_the_decided_version_with_leitsaetze_and_handlungsfelder(
    scene: AgendaScene, api: dict[str, ApiClient]
) -> None:
    response = api["reader"].get(f"{BASE}/agenda")
    assert response.status_code == 200
    body = response.json()
    current = body["current"]
    assert (body["created"], body["decided_id"], body["draft_id"]) == (True, scene.version.pk, None)
    assert (current["number"], current["state"], current["state_label"], current["vision"]) == (
        1,
        "beschlossen",
        "beschlossen",
        "Digital und nah.",
    )
    assert current["read_only"] is True
    assert "beschlossen und damit eingefroren" in current["read_only_reason"]
    assert [item["text"] for item in current["leitsaetze"]] == ["Nutzen zuerst."]
    assert [(h["key"], h["name"], h["framework_field_keys"]) for h in current["handlungsfelder"]] == [
        ("verwaltung-digital", "Verwaltung digital", [])
    ]
    assert "GEHEIM" not in response.content.decode()


def test_agenda_without_agenda_says_so(world: Any, api: dict[str, ApiClient]) -> None:
    body = api["reader"].get(f"{BASE}/agenda").json()
    assert body == {"created": False, "title": "", "current": None, "decided_id": None, "draft_id": None}


def test_agenda_is_created_once_by_a_strategy_editor(world: Any, api: dict[str, ApiClient]) -> None:
    for persona in ("reader", "editor"):
        assert api[persona].post(f"{BASE}/agenda", {"vision": "x"}).status_code == 403
    response = api["admin"].post(f"{BASE}/agenda", {"title": "Digitale Agenda 2030", "vision": "Nah dran."})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["title"], body["current"]["state"], body["current"]["vision"]) == (
        "Digitale Agenda 2030",
        "entwurf",
        "Nah dran.",
    )
    assert body["draft_id"] == body["current"]["id"]
    assert api_entries(world).filter(object_type="agenda", action="create").count() == 1
    again = api["admin"].post(f"{BASE}/agenda", {})
    assert again.status_code == 409
    assert "bereits eine Digitale Agenda" in again.json()["detail"]


def test_versions_are_listed_and_each_is_read(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    w = scene.world
    draft = services.version_new_draft(kommune=w.kommune, actor=w.admin, source=scene.version)
    listed = api["reader"].get(f"{BASE}/agenda/fassungen").json()
    assert listed["count"] == 2
    assert [(v["number"], v["state"], v["read_only"]) for v in listed["items"]] == [
        (1, "beschlossen", True),
        (2, "entwurf", False),
    ]
    assert listed["items"][1]["based_on_id"] == scene.version.pk
    detail = api["reader"].get(f"{BASE}/agenda/fassungen/{draft.pk}").json()
    assert (detail["number"], detail["read_only_reason"], len(detail["handlungsfelder"])) == (2, "", 1)
    # The decided version stays the current one while the draft is being worked on.
    assert api["reader"].get(f"{BASE}/agenda").json()["current"]["id"] == scene.version.pk


def test_a_decided_version_is_read_only(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    response = api["admin"].patch(f"{BASE}/agenda/fassungen/{scene.version.pk}", {"vision": "Neu", "version": 2})
    assert response.status_code == 409
    assert "Fassung 1 ist beschlossen" in response.json()["detail"]
    version = AgendaVersion.objects.for_kommune(scene.world.kommune).get(pk=scene.version.pk)
    assert version.vision == "Digital und nah."


def test_the_vision_of_a_draft_is_changed_with_optimistic_locking(
    scene: AgendaScene, api: dict[str, ApiClient]
) -> None:
    w = scene.world
    draft = services.version_new_draft(kommune=w.kommune, actor=w.admin, source=scene.version)
    url = f"{BASE}/agenda/fassungen/{draft.pk}"
    assert api["editor"].patch(url, {"vision": "x", "version": 1}).status_code == 403
    response = api["admin"].patch(url, {"vision": "Digital, nah und offen.", "version": 1})
    assert response.status_code == 200, response.json()
    assert (response.json()["vision"], response.json()["version"]) == ("Digital, nah und offen.", 2)
    entry = api_entries(w).get(object_type="agendaversion")
    assert entry.changes["vision"] == ["Digital und nah.", "Digital, nah und offen."]
    stale = api["admin"].patch(url, {"vision": "Später", "version": 1})
    assert stale.status_code == 409
    assert "inzwischen von jemand anderem geändert" in stale.json()["detail"]


# --- goals ------------------------------------------------------------------------------------------


def test_goals_are_listed_with_their_links(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    body = api["reader"].get(f"{BASE}/ziele").json()
    assert body["count"] == 1
    goal = body["items"][0]
    assert (goal["title"], goal["kind"], goal["effect_label"]) == (
        "Anträge digital stellen",
        "wirkungsziel",
        "Bürgerinnen, Bürger und Unternehmen",
    )
    assert (goal["handlungsfeld_ids"], goal["kpi_ids"], goal["measure_ids"]) == (
        [scene.handlungsfeld.pk],
        [scene.kpi_goal.pk],
        [scene.inside.pk],
    )
    assert api["reader"].get(f"{BASE}/ziele", {"art": "operativ"}).json()["count"] == 0


def test_goal_is_created_under_a_wirkungsziel(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    body = {
        "kind": "operativ",
        "parent_id": scene.goal.pk,
        "title": "Gewerbe online anmelden",
        "effect": "leistungen_prozesse",
        "handlungsfeld_ids": [scene.handlungsfeld.pk],
    }
    response = api["admin"].post(f"{BASE}/ziele", body)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["parent_id"], created["handlungsfeld_ids"], created["version"]) == (
        scene.goal.pk,
        [scene.handlungsfeld.pk],
        1,
    )
    entry = api_entries(scene.world).get(object_type="goal", action="create")
    assert entry.object_id == str(created["id"])


@pytest.mark.parametrize("persona", ["reader", "editor"])
def test_goals_are_strategy_no_limited_editor_or_reader_writes_them(
    scene: AgendaScene, api: dict[str, ApiClient], persona: str
) -> None:
    before = _goals(scene)
    body = {"kind": "wirkungsziel", "title": "x", "effect": "mitarbeitende"}
    assert api[persona].post(f"{BASE}/ziele", body).status_code == 403
    assert api[persona].patch(f"{BASE}/ziele/{scene.goal.pk}", {"title": "y", "version": 1}).status_code == 403
    assert api[persona].delete(f"{BASE}/ziele/{scene.goal.pk}", "?version=1").status_code == 403
    assert _goals(scene) == before


def test_goal_input_errors_are_german_field_errors_and_store_nothing(
    scene: AgendaScene, api: dict[str, ApiClient]
) -> None:
    before = _goals(scene)
    orphan = api["admin"].post(f"{BASE}/ziele", {"kind": "operativ", "title": "Ohne Dach", "effect": "mitarbeitende"})
    assert orphan.status_code == 422
    assert orphan.json()["detail"] == [
        {
            "loc": ["body", "parent_id"],
            "msg": "Ein operatives Ziel gehört zu einem Wirkungsziel; bitte eines wählen.",
            "type": "value_error",
        }
    ]
    foreign = api["admin"].post(
        f"{BASE}/ziele",
        {
            "kind": "wirkungsziel",
            "title": "x",
            "effect": "mitarbeitende",
            "handlungsfeld_ids": [scene.other_handlungsfeld.pk],
        },
    )
    assert foreign.status_code == 422
    assert foreign.json()["detail"][0]["loc"] == ["body", "handlungsfeld_ids"]
    assert "nicht gefunden" in foreign.json()["detail"][0]["msg"]
    wrong = api["admin"].post(f"{BASE}/ziele", {"kind": "vision", "title": "x", "effect": "mitarbeitende"})
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["msg"].startswith("Ungültiger Wert. Erlaubt sind:")
    assert _goals(scene) == before


def test_goal_is_changed_and_a_stale_version_is_a_conflict(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    url = f"{BASE}/ziele/{scene.goal.pk}"
    response = api["admin"].patch(url, {"title": "Alle Anträge digital", "handlungsfeld_ids": [], "version": 1})
    assert response.status_code == 200, response.json()
    assert (response.json()["title"], response.json()["handlungsfeld_ids"], response.json()["version"]) == (
        "Alle Anträge digital",
        [],
        2,
    )
    assert api_entries(scene.world).filter(object_type="goal", action="update").count() == 2  # title, links
    stale = api["admin"].patch(url, {"title": "Zu spät", "version": 1})
    assert stale.status_code == 409
    assert Goal.objects.for_kommune(scene.world.kommune).get(pk=scene.goal.pk).title == "Alle Anträge digital"


def test_goal_is_deleted_with_its_version_and_not_while_it_has_operative_goals(
    scene: AgendaScene, api: dict[str, ApiClient]
) -> None:
    w = scene.world
    child = services.goal_create(
        kommune=w.kommune,
        actor=w.admin,
        data={"kind": "operativ", "parent": scene.goal.pk, "title": "Teilziel", "effect": "mitarbeitende"},
    )
    url = f"{BASE}/ziele/{scene.goal.pk}"
    missing = api["admin"].delete(url)
    assert missing.status_code == 422
    assert missing.json()["detail"][0] == {
        "loc": ["query", "version"],
        "msg": "Dieses Feld ist erforderlich.",
        "type": "missing",
    }
    assert api["admin"].delete(url, "?version=7").status_code == 409
    refused = api["admin"].delete(url, "?version=1")
    assert refused.status_code == 409
    assert "operative Ziele" in refused.json()["detail"]
    assert api["admin"].delete(f"{BASE}/ziele/{child.pk}", "?version=1").status_code == 204
    assert api["admin"].delete(url, "?version=1").status_code == 204
    assert not Goal.objects.for_kommune(w.kommune).exists()
    assert api_entries(w).filter(object_type="goal", action="delete").count() == 2


# --- council decisions ------------------------------------------------------------------------------


def test_decisions_are_listed_created_changed_and_deleted(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    w = scene.world
    listed = api["reader"].get(f"{BASE}/beschluesse").json()
    assert [(d["body"], d["drucksache"], d["result_label"]) for d in listed["items"]] == [
        ("Rat", "0815/2025", "beschlossen")
    ]
    body = {
        "body": "Hauptausschuss",
        "decided_on": "2026-02-12",
        "drucksache": "0042/2026",
        "title": "Haushalt Digitalisierung",
        "result": "geaendert",
        "link": "https://ris.teststadt.de/vo0050.asp?__kvonr=42",
    }
    created = api["admin"].post(f"{BASE}/beschluesse", body)
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert (created.json()["decided_on"], created.json()["result_label"]) == ("2026-02-12", "geändert beschlossen")
    changed = api["admin"].patch(f"{BASE}/beschluesse/{pk}", {"decided_on": "13.02.2026", "version": 1})
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["decided_on"], changed.json()["version"]) == ("2026-02-13", 2)
    assert api["admin"].delete(f"{BASE}/beschluesse/{pk}", "?version=1").status_code == 409
    assert api["admin"].delete(f"{BASE}/beschluesse/{pk}", "?version=2").status_code == 204
    actions = list(api_entries(w).filter(object_type="councildecision").values_list("action", flat=True))
    assert actions == ["create", "update", "delete"]


def test_decision_input_errors_are_german(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    count = CouncilDecision.objects.for_kommune(scene.world.kommune).count()
    response = api["admin"].post(
        f"{BASE}/beschluesse",
        {"body": "Rat", "decided_on": "31.02.2026", "result": "beschlossen", "link": "ris.teststadt.de"},
    )
    assert response.status_code == 422
    messages = {tuple(e["loc"]): e["msg"] for e in response.json()["detail"]}
    assert messages == {
        ("body", "decided_on"): "„31.02.2026“ ist kein gültiges Datum. Bitte TT.MM.JJJJ schreiben.",
        ("body", "link"): "Bitte eine Webadresse angeben, die mit https:// beginnt.",
    }
    assert CouncilDecision.objects.for_kommune(scene.world.kommune).count() == count


def test_a_decision_a_decided_version_rests_on_stays(scene: AgendaScene, api: dict[str, ApiClient]) -> None:
    w = scene.world
    draft = services.version_new_draft(kommune=w.kommune, actor=w.admin, source=scene.version)
    services.version_decide(
        kommune=w.kommune, actor=w.admin, version=draft, data={"decided_on": "2026-01-10", "decision": scene.decision}
    )
    response = api["admin"].delete(f"{BASE}/beschluesse/{scene.decision.pk}", "?version=1")
    assert response.status_code == 409
    assert "beschlossene Fassung" in response.json()["detail"]
    assert CouncilDecision.objects.for_kommune(w.kommune).filter(pk=scene.decision.pk).exists()


# --- another Kommune --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "param"),
    [("agenda/fassungen", "agenda_version_id"), ("ziele", "goal_id"), ("beschluesse", "decision_id")],
)
def test_another_kommunes_strategy_objects_are_not_found(
    scene: AgendaScene, api: dict[str, ApiClient], path: str, param: str
) -> None:
    url = f"{BASE}/{path}/{scene.other[param]}"
    entries = AuditEntry.objects.unscoped().count()
    for response in (
        api["admin"].get(url),
        api["admin"].patch(url, {"version": 1}),
        api["admin"].delete(url, "?version=1"),
    ):
        assert response.status_code in (404, 405)
        if response.status_code == 404:
            assert response.json() == {"detail": "Nicht gefunden."}
    assert api["admin"].get(url).status_code == 404
    assert api["outsider"].get(f"{BASE}/{path}").status_code == 404
    assert AuditEntry.objects.unscoped().count() == entries
