"""The responsibility matrix page, saving one cell (JSON and plain form) and the row form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompass.audit.models import AuditEntry
from kompass.conftest import World
from kompass.roles import services
from kompass.roles.models import ActivityTemplate, Confidence, RaciCell, Role

JSON = {"HTTP_ACCEPT": "application/json"}


@dataclass
class MatrixWorld:
    world: World
    strategy: ActivityTemplate
    planning: ActivityTemplate
    hvb: Role
    cdo: Role
    isb: Role
    foreign_role: Role

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(f"roles:{name}", kwargs={"kommune_slug": self.world.kommune.slug, **kwargs})

    def letters(self, activity: ActivityTemplate) -> dict[str, str]:
        cells = RaciCell.objects.for_kommune(self.world.kommune).filter(activity=activity).select_related("role")
        return {cell.role.key: cell.letter for cell in cells}


def activity(key: str, name: str, position: int, description: str = "") -> ActivityTemplate:
    return ActivityTemplate.objects.create(
        key=key, name=name, description=description, confidence=Confidence.ABGELEITET, position=position, version="1"
    )


def role(world: World, name: str, short_name: str, kommune: Any = None) -> Role:
    k = kommune or world.kommune
    return services.role_create(kommune=k, actor=world.admin, data={"name": name, "short_name": short_name})


def set_cell(mw: MatrixWorld, act: ActivityTemplate, r: Role, letter: str | None, expected: str | None = None) -> None:
    services.raci_set(
        kommune=mw.world.kommune, actor=mw.world.admin, activity=act, role=r, letter=letter, expected=expected
    )


@pytest.fixture
def mw(world: World) -> MatrixWorld:
    strategy = activity("strategie", "Digitalstrategie beschließen", 1, "Der Rat beschließt die Strategie.")
    planning = activity("vorhabenplanung", "IT-Vorhabenplanung", 2)
    m = MatrixWorld(
        world,
        strategy,
        planning,
        hvb=role(world, "Hauptverwaltungsbeamte(r)", "HVB"),
        cdo=role(world, "Chief Digital Officer", "CDO"),
        isb=role(world, "Informationssicherheitsbeauftragte(r)", "ISB"),
        foreign_role=role(world, "GEHEIM-Rolle Nachbarort", "GEHEIM", kommune=world.other),
    )
    set_cell(m, strategy, m.hvb, "A")
    set_cell(m, strategy, m.cdo, "R")
    return m


def post_cell(client: Client, mw: MatrixWorld, **data: Any) -> Any:
    body = {"activity": mw.planning.pk, "role": mw.cdo.pk, "letter": "R", "expected": "", **data}
    return client.post(mw.url("matrix_cell"), body, **JSON)


# --- the page --------------------------------------------------------------------------------


def test_matrix_page_shows_letters_row_checks_and_legend(mw: MatrixWorld, admin_client: Client) -> None:
    response = admin_client.get(mw.url("matrix"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<th scope="row"' in html and "Digitalstrategie beschließen" in html
    assert "Der Rat beschließt die Strategie." in html
    assert f'data-role="{mw.hvb.pk}" data-letter="A">A</td>' in html
    assert '<abbr title="Chief Digital Officer">CDO</abbr>' in html
    assert "<dt>R</dt><dd>führt durch (Responsible)</dd>" in html, "the legend explains every letter"
    assert "in Ordnung" in html, "the strategy row has one A and one R"
    assert "kein A, kein R" in html, "the empty planning row says what is missing, as text"
    assert 'role="status"' in html
    assert "data-matrix-edit" in html and "roles/matrix.js" in html


def test_reader_sees_the_matrix_without_editing_affordances(mw: MatrixWorld, reader_client: Client) -> None:
    response = reader_client.get(mw.url("matrix"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Digitalstrategie beschließen" in html
    assert "data-matrix-edit" not in html and "matrix.js" not in html
    assert mw.url("matrix_row") not in html
    assert "nur lesend" in html


def test_editor_limited_to_a_unit_sees_the_matrix_read_only(mw: MatrixWorld, editor_client: Client) -> None:
    html = editor_client.get(mw.url("matrix")).content.decode()
    assert "data-matrix-edit" not in html
    assert post_cell(editor_client, mw).status_code == 403
    assert editor_client.get(mw.url("matrix_row")).status_code == 403
    assert mw.letters(mw.planning) == {}


def test_outsider_gets_404_on_the_page_and_the_save(mw: MatrixWorld, outsider_client: Client) -> None:
    assert outsider_client.get(mw.url("matrix")).status_code == 404
    assert post_cell(outsider_client, mw).status_code == 404
    assert outsider_client.get(mw.url("matrix_row")).status_code == 404
    assert mw.letters(mw.planning) == {}


def test_anonymous_visitor_is_sent_to_the_login(mw: MatrixWorld) -> None:
    response = Client().get(mw.url("matrix"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert post_cell(Client(), mw).status_code == 302
    assert mw.letters(mw.planning) == {}


def test_empty_kommune_gets_a_hint_instead_of_an_empty_grid(world: World, admin_client: Client) -> None:
    response = admin_client.get(reverse("roles:matrix", args=[world.kommune.slug]))
    assert response.status_code == 200
    assert "noch keine Rollen" in response.content.decode()


def test_matrix_page_needs_the_same_queries_for_more_roles_and_cells(mw: MatrixWorld, admin_client: Client) -> None:
    admin_client.get(mw.url("matrix"))  # warm up session and caches
    with CaptureQueriesContext(connection) as small:
        admin_client.get(mw.url("matrix"))
    extra = activity("lotsen", "Lotsen-Netzwerk steuern", 3, "Zeitanteile und Qualifizierung.")
    for n in range(6):
        r = role(mw.world, f"Zusatzrolle {n}", f"Z{n}")
        set_cell(mw, extra, r, "C")
        set_cell(mw, mw.planning, r, "I")
    with CaptureQueriesContext(connection) as large:
        response = admin_client.get(mw.url("matrix"))
    assert response.content.decode().count("kk-matrix__cell") == 3 * 9
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


# --- saving one cell -------------------------------------------------------------------------


def test_admin_sets_a_cell_and_gets_the_stored_letter_and_row_check(mw: MatrixWorld, admin_client: Client) -> None:
    response = post_cell(admin_client, mw, letter="R", expected="")
    assert response.status_code == 200
    data = response.json()
    assert data["letter"] == "R" and data["ok"] is True
    assert data["row_status"] == "kein A" and data["row_ok"] is False
    assert "Gespeichert" in data["message"]
    assert mw.letters(mw.planning) == {mw.cdo.key: "R"}


def test_admin_changes_and_clears_a_cell(mw: MatrixWorld, admin_client: Client) -> None:
    response = post_cell(admin_client, mw, activity=mw.strategy.pk, role=mw.cdo.pk, letter="C", expected="R")
    assert response.json()["letter"] == "C"
    assert mw.letters(mw.strategy)[mw.cdo.key] == "C"
    response = post_cell(admin_client, mw, activity=mw.strategy.pk, role=mw.cdo.pk, letter="", expected="C")
    assert response.status_code == 200 and response.json()["letter"] == ""
    assert mw.letters(mw.strategy) == {mw.hvb.key: "A"}
    assert response.json()["row_status"] == "kein R"


def test_lower_case_letters_are_not_accepted_silently(mw: MatrixWorld, admin_client: Client) -> None:
    response = post_cell(admin_client, mw, letter="r")
    assert response.status_code == 400
    assert mw.letters(mw.planning) == {}


def test_stale_expected_letter_is_a_conflict_and_changes_nothing(mw: MatrixWorld, admin_client: Client) -> None:
    # The editor loaded the page when the CDO cell was empty; meanwhile someone set it to R.
    response = post_cell(admin_client, mw, activity=mw.strategy.pk, role=mw.cdo.pk, letter="C", expected="")
    assert response.status_code == 409
    data = response.json()
    assert data["letter"] == "R", "the answer carries the server's value so the cell can show it"
    assert "inzwischen von jemand anderem" in data["message"] and "nicht gespeichert" in data["message"]
    assert mw.letters(mw.strategy) == {mw.hvb.key: "A", mw.cdo.key: "R"}


def test_second_a_in_a_row_is_refused_with_an_explanation(mw: MatrixWorld, admin_client: Client) -> None:
    entries = AuditEntry.objects.for_kommune(mw.world.kommune).count()
    response = post_cell(admin_client, mw, activity=mw.strategy.pk, role=mw.isb.pk, letter="A", expected="")
    assert response.status_code == 422
    data = response.json()
    assert data["letter"] == ""
    assert (
        "bereits eine verantwortliche Rolle (A)" in data["message"] and "Hauptverwaltungsbeamte(r)" in data["message"]
    )
    assert mw.letters(mw.strategy) == {mw.hvb.key: "A", mw.cdo.key: "R"}
    assert AuditEntry.objects.for_kommune(mw.world.kommune).count() == entries


def test_setting_a_cell_writes_an_audit_entry(mw: MatrixWorld, admin_client: Client) -> None:
    post_cell(admin_client, mw, letter="A", expected="")
    entry = AuditEntry.objects.for_kommune(mw.world.kommune).order_by("-pk").first()
    assert entry is not None and entry.actor_id == mw.world.admin.pk
    assert entry.object_label == "IT-Vorhabenplanung / Chief Digital Officer"
    assert entry.action == "create" and entry.changes == {"letter": [None, "A"]}


def test_reader_cannot_set_a_cell(mw: MatrixWorld, reader_client: Client) -> None:
    assert post_cell(reader_client, mw).status_code == 403
    assert mw.letters(mw.planning) == {}


def test_role_of_another_kommune_is_not_found(mw: MatrixWorld, admin_client: Client) -> None:
    response = post_cell(admin_client, mw, role=mw.foreign_role.pk)
    assert response.status_code == 404
    assert b"GEHEIM" not in response.content
    assert not RaciCell.objects.for_kommune(mw.world.other).exists()
    assert mw.letters(mw.planning) == {}


def test_unknown_activity_and_inactive_role_are_not_found(mw: MatrixWorld, admin_client: Client) -> None:
    assert post_cell(admin_client, mw, activity=999999).status_code == 404
    services.role_update(kommune=mw.world.kommune, actor=mw.world.admin, role=mw.isb, data={"is_active": False})
    assert post_cell(admin_client, mw, role=mw.isb.pk).status_code == 404
    assert mw.letters(mw.planning) == {}


@pytest.mark.parametrize(
    "data",
    [
        {"activity": "abc"},
        {"role": ""},
        {"role": "1; DROP TABLE"},
        {"letter": "X"},
        {"letter": "AA"},
        {"letter": "\x00"},
        {"expected": "Z"},
        {"activity": "-1"},
        {"activity": "9" * 40},
    ],
)
def test_malformed_input_is_a_400_in_german_and_changes_nothing(
    mw: MatrixWorld, admin_client: Client, data: dict[str, Any]
) -> None:
    response = post_cell(admin_client, mw, **data)
    assert response.status_code == 400
    message = response.json()["message"]
    assert any(word in message for word in ("Erlaubt sind nur", "Nummern", "bisherige Wert"))
    assert mw.letters(mw.planning) == {}


def test_missing_expected_letter_is_refused(mw: MatrixWorld, admin_client: Client) -> None:
    response = admin_client.post(mw.url("matrix_cell"), {"activity": mw.planning.pk, "role": mw.cdo.pk, "letter": "R"})
    assert response.status_code == 400
    assert "bisherige Wert" in response.content.decode()
    assert mw.letters(mw.planning) == {}


def test_plain_form_post_redirects_back_with_a_message(mw: MatrixWorld, admin_client: Client) -> None:
    body = {"activity": mw.strategy.pk, "role": mw.isb.pk, "letter": "A", "expected": ""}
    response = admin_client.post(mw.url("matrix_cell"), body, follow=True)
    assert response.redirect_chain[0][0].endswith(f"#zeile-{mw.strategy.pk}")
    assert "bereits eine verantwortliche Rolle" in response.content.decode()


def test_getting_the_cell_address_is_not_allowed(mw: MatrixWorld, admin_client: Client) -> None:
    assert admin_client.get(mw.url("matrix_cell")).status_code == 405


# --- the row form (without JavaScript) -------------------------------------------------------


def row_body(
    mw: MatrixWorld, act: ActivityTemplate, letters: dict[Role, str], shown: dict[Role, str]
) -> dict[str, Any]:
    body: dict[str, Any] = {"aktivitaet": act.pk}
    for r in (mw.hvb, mw.cdo, mw.isb):
        body[f"rolle_{r.pk}"] = letters.get(r, "")
        body[f"erwartet_{r.pk}"] = shown.get(r, "")
    return body


def test_row_chooser_and_row_form_render_for_the_admin(mw: MatrixWorld, admin_client: Client) -> None:
    chooser = admin_client.get(mw.url("matrix_row"))
    assert chooser.status_code == 200 and "IT-Vorhabenplanung" in chooser.content.decode()
    form = admin_client.get(mw.url("matrix_row") + f"?aktivitaet={mw.strategy.pk}")
    html = form.content.decode()
    assert form.status_code == 200
    assert f'name="rolle_{mw.cdo.pk}"' in html and f'name="erwartet_{mw.cdo.pk}"' in html
    assert "Chief Digital Officer (CDO)" in html


def test_row_form_moves_the_a_from_one_role_to_another_in_one_save(mw: MatrixWorld, admin_client: Client) -> None:
    shown = {mw.hvb: "A", mw.cdo: "R"}
    body = row_body(mw, mw.strategy, {mw.hvb: "C", mw.cdo: "R", mw.isb: "A"}, shown)
    response = admin_client.post(mw.url("matrix_row"), body)
    assert response.status_code == 302
    assert mw.letters(mw.strategy) == {mw.hvb.key: "C", mw.cdo.key: "R", mw.isb.key: "A"}


def test_row_form_with_two_as_changes_nothing_and_explains(mw: MatrixWorld, admin_client: Client) -> None:
    body = row_body(mw, mw.strategy, {mw.hvb: "A", mw.cdo: "C", mw.isb: "A"}, {mw.hvb: "A", mw.cdo: "R"})
    response = admin_client.post(mw.url("matrix_row"), body)
    assert response.status_code == 200
    assert "bereits eine verantwortliche Rolle" in response.content.decode()
    assert mw.letters(mw.strategy) == {mw.hvb.key: "A", mw.cdo.key: "R"}, "the CDO change was rolled back too"


def test_row_form_with_a_stale_letter_reports_the_conflict(mw: MatrixWorld, admin_client: Client) -> None:
    body = row_body(mw, mw.strategy, {mw.hvb: "A", mw.cdo: "I"}, {mw.hvb: "A", mw.cdo: "C"})
    response = admin_client.post(mw.url("matrix_row"), body, follow=True)
    assert "inzwischen von jemand anderem" in response.content.decode()
    assert mw.letters(mw.strategy) == {mw.hvb.key: "A", mw.cdo.key: "R"}


@pytest.mark.parametrize("param", ["abc", "-3", "1.5", "0", "²", "9" * 30])
def test_row_form_with_a_malformed_activity_is_a_400(mw: MatrixWorld, admin_client: Client, param: str) -> None:
    response = admin_client.get(mw.url("matrix_row") + f"?aktivitaet={param}")
    assert response.status_code == 400
    assert "als Nummer" in response.content.decode()


def test_row_form_with_an_invalid_letter_shows_the_field_error(mw: MatrixWorld, admin_client: Client) -> None:
    body = row_body(mw, mw.strategy, {mw.hvb: "A", mw.cdo: "R"}, {mw.hvb: "A", mw.cdo: "R"})
    body[f"rolle_{mw.isb.pk}"] = "Q"
    response = admin_client.post(mw.url("matrix_row"), body)
    assert response.status_code == 200 and response.context["form"].errors
    assert mw.letters(mw.strategy) == {mw.hvb.key: "A", mw.cdo.key: "R"}


def test_row_form_is_closed_to_readers(mw: MatrixWorld, reader_client: Client) -> None:
    assert reader_client.get(mw.url("matrix_row") + f"?aktivitaet={mw.strategy.pk}").status_code == 403
    body = row_body(mw, mw.strategy, {mw.isb: "C"}, {mw.hvb: "A", mw.cdo: "R"})
    assert reader_client.post(mw.url("matrix_row"), body).status_code == 403
    assert mw.letters(mw.strategy) == {mw.hvb.key: "A", mw.cdo.key: "R"}
