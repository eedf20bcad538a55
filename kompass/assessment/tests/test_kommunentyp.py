"""The Kommunentyp: the shipped file, the scoring, the questionnaire (service, pages)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kompass.assessment import selectors, services_targets
from kompass.assessment.models import TypeProfile
from kompass.assessment.tests.targets_support import SLUG
from kompass.audit.models import AuditEntry
from kompass.core.exceptions import ConflictError
from kompass.framework import kommunentypen
from kompass.framework.catalogue_loader import CatalogueFileError

TYPES = ("bedaechtige", "optimierer", "serviceorientierte", "community-manager")
ITEMS_OF = {
    "bedaechtige": ("pflichten", "foerdermittel", "sicherheit", "nachnutzung"),
    "optimierer": ("effizienz", "datennutzung", "neue-zugaenge"),
    "serviceorientierte": ("nutzerfreundlichkeit", "gute-arbeit", "qualifizierung"),
    "community-manager": ("daseinsvorsorge", "mitgestaltung", "offenheit"),
}


def _answers(**per_type: int) -> dict[str, int]:
    """Every item of a type with the same answer (default 1)."""
    return {item: per_type.get(kind.replace("-", "_"), 1) for kind, items in ITEMS_OF.items() for item in items}


def _url(name: str) -> str:
    return reverse(f"assessment:{name}", args=[SLUG])


# --- the file --------------------------------------------------------------------------------------


def test_the_shipped_file_has_four_types_and_thirteen_items_each_with_source() -> None:
    catalogue = kommunentypen.catalogue()
    assert tuple(t.key for t in catalogue.types) == TYPES
    assert len(catalogue.items) == 13 and len(catalogue.scale) == 5
    assert {t: tuple(i.key for i in catalogue.items_of(t)) for t in TYPES} == ITEMS_OF
    assert all(t.source and t.confidence == "belegt" for t in catalogue.types)
    assert all(i.source and i.confidence == "abgeleitet" for i in catalogue.items)  # derived, as the note says
    assert "eigene Ableitung" in catalogue.note


def _write(tmp_path: Path, items: str, types: str = "") -> Path:
    types = (
        types
        or """
[[types]]
key = "a"
name = "A"
description = "d"
strengths = "s"
next_steps = "n"
source = "q"
confidence = "belegt"
"""
    )
    path = tmp_path / "typen.toml"
    path.write_text(
        """
[meta]
version = "1"
name = "Test"
source = "Test"
question = "Wie wichtig?"
scale = ["1", "2", "3", "4", "5"]
"""
        + types
        + items,
        encoding="utf-8",
    )
    return path


ITEM = """
[[items]]
key = "{key}"
type = "{type}"
text = "t"
source = "q"
confidence = "abgeleitet"
"""


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (ITEM.format(key="x", type="unbekannt"), "unbekannten Typ"),
        (ITEM.format(key="x", type="a") * 2, "zweimal"),
        ("", "keine Fragen"),
        (ITEM.format(key="x", type="a").replace('text = "t"', 'text = ""'), "'text' fehlt"),
    ],
)
def test_a_broken_types_file_is_refused_with_a_german_message(tmp_path: Path, items: str, message: str) -> None:
    with pytest.raises(CatalogueFileError, match=message):
        kommunentypen.load(_write(tmp_path, items))


# --- scoring -------------------------------------------------------------------------------------


def test_a_types_score_is_the_mean_of_its_items_and_the_highest_is_nearest() -> None:
    catalogue = kommunentypen.catalogue()
    answers = _answers(optimierer=4, serviceorientierte=3)
    answers["effizienz"] = 5  # optimierer: (5 + 4 + 4) / 3
    scores = kommunentypen.type_scores(catalogue, answers)
    assert scores == {"bedaechtige": 1.0, "optimierer": 4.33, "serviceorientierte": 3.0, "community-manager": 1.0}
    assert kommunentypen.nearest_types(scores) == ["optimierer"]


def test_a_tie_names_every_type_with_the_highest_score() -> None:
    scores = kommunentypen.type_scores(kommunentypen.catalogue(), _answers(optimierer=4, community_manager=4))
    assert kommunentypen.nearest_types(scores) == ["optimierer", "community-manager"]


def test_all_ones_put_every_type_equally_near() -> None:
    scores = kommunentypen.type_scores(kommunentypen.catalogue(), _answers())
    assert set(scores.values()) == {1.0}
    assert kommunentypen.nearest_types(scores) == list(TYPES)


def test_missing_or_invalid_answers_do_not_count_and_no_answers_give_no_type() -> None:
    catalogue = kommunentypen.catalogue()
    scores = kommunentypen.type_scores(catalogue, {"effizienz": 5, "datennutzung": 9, "neue-zugaenge": True})
    assert scores["optimierer"] == 5.0 and scores["bedaechtige"] is None
    assert kommunentypen.nearest_types(kommunentypen.type_scores(catalogue, {})) == []


# --- the service ---------------------------------------------------------------------------------


def _save(world: Any, answers: dict[str, Any], **extra: Any) -> TypeProfile:
    return services_targets.type_profile_save(kommune=world.kommune, actor=world.admin, answers=answers, **extra)


def test_answers_are_stored_once_per_kommune_updated_and_audited(world: Any) -> None:
    profile = _save(world, _answers(optimierer=5), expected_version=0)
    assert profile.answered_by_name == world.admin.display_name and profile.version == 1
    assert selectors.type_result(world.kommune).nearest[0].key == "optimierer"

    again = _save(world, _answers(serviceorientierte=5), expected_version=1)
    assert again.pk == profile.pk and again.version == 2
    assert [t.key for t in selectors.type_result(world.kommune).nearest] == ["serviceorientierte"]
    _save(world, _answers(serviceorientierte=5))  # unchanged: nothing written
    entries = AuditEntry.objects.for_kommune(world.kommune).filter(object_type="typeprofile")
    assert sorted(entries.values_list("action", flat=True)) == ["create", "update"]
    with pytest.raises(ConflictError):
        _save(world, _answers(), expected_version=1)
    assert TypeProfile.objects.for_kommune(world.kommune).count() == 1


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"effizienz": None}, "effizienz"),
        ({"effizienz": 0}, "effizienz"),
        ({"effizienz": 6}, "effizienz"),
        ({"effizienz": "fünf"}, "effizienz"),
        ({"effizienz": True}, "effizienz"),
        ({"erfunden": 3}, "answers"),
    ],
)
def test_every_item_needs_an_answer_from_1_to_5_and_unknown_items_are_refused(
    world: Any, change: dict[str, Any], error: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        _save(world, {**_answers(), **change})
    assert error in exc.value.message_dict
    assert not TypeProfile.objects.for_kommune(world.kommune).exists()


# --- pages -----------------------------------------------------------------------------------------


def test_every_member_reads_the_kommunentyp_page(world: Any) -> None:
    for user in (world.admin, world.editor, world.reader):
        html = world.client_for(user).get(_url("kommunentyp")).content.decode()
        assert "Noch nicht beantwortet" in html and "eigene Ableitung" in html
    assert world.client_for(world.outsider).get(_url("kommunentyp")).status_code == 404
    assert world.client_for(None).get(_url("kommunentyp")).status_code == 302


def test_answering_the_questionnaire_through_the_page_shows_the_nearest_type_and_the_radar(world: Any) -> None:
    client = world.client_for(world.admin)
    form = client.get(_url("kommunentyp_answer"))
    assert form.status_code == 200 and form.content.decode().count('type="radio"') == 13 * 5
    body = {key: str(value) for key, value in _answers(community_manager=5).items()} | {"version": "0"}
    response = client.post(_url("kommunentyp_answer"), body)
    assert response.status_code == 302
    html = client.get(_url("kommunentyp")).content.decode()
    assert "Die Community Manager" in html and "Ihre Kommune steht diesem Typ am nächsten" in html
    assert 'role="img"' in html and "Profil der Kommunentypen" in html
    assert world.admin.display_name in html


def test_all_ones_say_that_no_type_stands_out(world: Any) -> None:
    _save(world, _answers())
    html = world.client_for(world.reader).get(_url("kommunentyp")).content.decode()
    assert "Kein Typ steht heraus" in html


def test_a_missing_answer_on_the_page_is_a_field_error_and_stores_nothing(world: Any) -> None:
    client = world.client_for(world.admin)
    body = {key: str(value) for key, value in _answers().items() if key != "offenheit"} | {"version": "0"}
    response = client.post(_url("kommunentyp_answer"), {**body, "effizienz": "7"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_effizienz-error"' in html  # not one of the offered choices
    assert not TypeProfile.objects.for_kommune(world.kommune).exists()
    response = client.post(_url("kommunentyp_answer"), body)
    assert (
        'id="id_offenheit-error"' in response.content.decode() and 'href="#id_offenheit_0"' in response.content.decode()
    )
    assert not TypeProfile.objects.for_kommune(world.kommune).exists()


def test_readers_and_limited_editors_may_not_answer(world: Any) -> None:
    body = {key: str(value) for key, value in _answers().items()}
    for user in (world.reader, world.editor):
        client = world.client_for(user)
        assert client.get(_url("kommunentyp_answer")).status_code == 403
        assert client.post(_url("kommunentyp_answer"), body).status_code == 403
    assert world.client_for(world.outsider).post(_url("kommunentyp_answer"), body).status_code == 404
    assert not TypeProfile.objects.unscoped().exists()
