"""No silent duplicates (issue 8, point 6) and a time share that says what it means (point 7).

The same person in the same role for the same unit (or both for none) in overlapping periods is
refused by every door – service, form, import – with the existing assignment named; the
Rollen-Check finds the duplicates that are already there. A time share of 0 is refused; below 1 %
the form asks once more before it saves.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.test import Client

from kompass.roles import rules, selectors, services
from kompass.roles.models import Assignment
from kompass.roles.tests.conftest import Model
from kompass.roles.tests.test_import_assignments import BRUNO, csv_bytes, issues, run, state
from kompass.roles.tests.test_views import assignment_form, url

D = datetime.date


def _written_past_the_service(adopted: Model, person: Any, key: str, start: D, until: D | None = None) -> Assignment:
    """A duplicate as it may exist from before the check (or from a direct database write)."""
    return Assignment.objects.create(
        kommune=adopted.world.kommune,
        person=person,
        role=adopted.roles[key],
        time_share=Decimal(10),
        valid_from=start,
        valid_until=until,
    )


def _form(adopted: Model, email: str, key: str = "lotse", **changes: Any) -> dict[str, Any]:
    """The assignment form's fields, with the dates also in the Tag/Monat/Jahr fields of the date input."""
    data = assignment_form(adopted.roles[key], email, **changes)
    for name in ("valid_from", "valid_until"):
        if data.get(name):
            year, month, day = data[name].split("-")
            data.update({f"{name}_tag": day, f"{name}_monat": month, f"{name}_jahr": year})
    return data


# --- the service: one rule for every door ----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "until"),
    [
        (D(2026, 1, 1), None),  # both open-ended
        (D(2024, 1, 1), D(2025, 1, 1)),  # ends on the first day of the existing one
        (D(2025, 6, 1), D(2025, 6, 30)),  # inside it
    ],
)
def test_an_overlapping_assignment_of_the_same_person_role_and_unit_is_refused_with_the_existing_named(
    adopted: Model, start: D, until: D | None
) -> None:
    w = adopted.world
    adopted.assign(w.bruno, "lotse", org_unit=w.ordnungsamt, valid_from=D(2025, 1, 1))
    with pytest.raises(ValidationError) as error:
        adopted.assign(w.bruno, "lotse", org_unit=w.ordnungsamt, valid_from=start, valid_until=until)
    message = error.value.message_dict[NON_FIELD_ERRORS][0]
    assert message.startswith(f"Bruno Ordner ist für {w.ordnungsamt} bereits ")
    assert "seit 01.01.2025 (bis offen)" in message
    assert Assignment.objects.for_kommune(w.kommune).count() == 1


def test_without_a_unit_both_count_as_the_same_place(adopted: Model) -> None:
    w = adopted.world
    adopted.assign(w.alice, "cdo", valid_from=D(2025, 1, 1), valid_until=D(2025, 12, 31))
    with pytest.raises(ValidationError, match=r"Alice Amtsleiterin ist bereits .* seit 01.01.2025 \(bis 31.12.2025\)"):
        adopted.assign(w.alice, "cdo", valid_from=D(2025, 12, 31))


def test_another_period_unit_role_or_person_is_no_duplicate(adopted: Model) -> None:
    w = adopted.world
    adopted.assign(w.bruno, "lotse", org_unit=w.ordnungsamt, valid_from=D(2025, 1, 1), valid_until=D(2025, 12, 31))
    adopted.assign(w.bruno, "lotse", org_unit=w.ordnungsamt, valid_from=D(2026, 1, 1))  # the day after
    adopted.assign(w.bruno, "lotse", org_unit=w.sachgebiet, valid_from=D(2025, 1, 1))
    adopted.assign(w.bruno, "lotse", valid_from=D(2025, 1, 1))
    adopted.assign(w.bruno, "isb", org_unit=w.ordnungsamt, valid_from=D(2025, 1, 1))
    adopted.assign(w.alice, "lotse", org_unit=w.ordnungsamt, valid_from=D(2025, 1, 1))
    assert Assignment.objects.for_kommune(w.kommune).count() == 6


def test_an_update_does_not_collide_with_itself_but_with_another(adopted: Model) -> None:
    w = adopted.world
    k = w.kommune
    first = adopted.assign(w.bruno, "lotse", valid_from=D(2025, 1, 1), valid_until=D(2025, 12, 31))
    second = adopted.assign(w.bruno, "lotse", valid_from=D(2026, 1, 1))
    first = services.assignment_update(kommune=k, actor=None, assignment=first, data={"time_share": Decimal(20)})
    assert first.time_share == Decimal(20)
    with pytest.raises(ValidationError, match=r"(seit|ab) 01.01.2026"):
        services.assignment_update(kommune=k, actor=None, assignment=first, data={"valid_until": None})
    with pytest.raises(ValidationError, match=r"seit 01.01.2025 \(bis 31.12.2025\)"):
        services.assignment_update(kommune=k, actor=None, assignment=second, data={"valid_from": D(2025, 6, 1)})
    first.refresh_from_db()
    assert (first.valid_until, first.version) == (D(2025, 12, 31), 2)


def test_a_future_assignment_is_named_with_its_start(adopted: Model) -> None:
    w = adopted.world
    start = selectors.today() + datetime.timedelta(days=30)
    adopted.assign(w.bruno, "lotse", valid_from=start)
    with pytest.raises(ValidationError, match=rf"ab {start:%d.%m.%Y} \(bis offen\)"):
        adopted.assign(w.bruno, "lotse", valid_from=start + datetime.timedelta(days=10))


@pytest.mark.parametrize(("share", "ok"), [(0, False), ("0.04", False), (-1, False), (101, False), ("0.1", True)])
def test_the_service_refuses_a_time_share_of_zero(adopted: Model, share: Any, ok: bool) -> None:
    w = adopted.world
    data = {"person": w.bruno, "role": adopted.roles["lotse"], "time_share": share, "valid_from": D(2025, 1, 1)}
    if ok:
        assert services.assignment_create(kommune=w.kommune, actor=None, data=data).time_share == Decimal("0.1")
        return
    with pytest.raises(ValidationError) as error:
        services.assignment_create(kommune=w.kommune, actor=None, data=data)
    assert "größer als 0" in error.value.message_dict["time_share"][0]


def test_the_service_asks_for_a_time_share_when_none_is_given(adopted: Model) -> None:
    w = adopted.world
    data = {"person": w.bruno, "role": adopted.roles["lotse"], "valid_from": D(2025, 1, 1)}
    with pytest.raises(ValidationError) as error:
        services.assignment_create(kommune=w.kommune, actor=None, data=data)
    assert error.value.message_dict["time_share"] == [
        "Bitte geben Sie den Zeitanteil an (Prozent einer Vollzeitstelle, z. B. 50)."
    ]


# --- the form --------------------------------------------------------------------------------------


def test_the_form_shows_the_existing_assignment_and_saves_nothing(adopted: Model, admin_client: Client) -> None:
    w = adopted.world
    adopted.assign(w.bruno, "lotse", valid_from=D(2025, 1, 1))
    response = admin_client.post(url("assignment_create"), _form(adopted, w.bruno.email, valid_from="2026-01-01"))
    text = response.content.decode()
    assert response.status_code == 200 and "Bitte korrigieren Sie" in text
    assert "Bruno Ordner ist bereits" in text and "seit 01.01.2025 (bis offen)" in text
    assert Assignment.objects.for_kommune(w.kommune).count() == 1


def test_the_form_labels_the_time_share_as_percent_of_a_full_time_post(adopted: Model, admin_client: Client) -> None:
    text = admin_client.get(url("assignment_create")).content.decode()
    assert "Zeitanteil (% einer Vollzeitstelle)" in text
    assert "50 ist eine halbe Stelle" in text


def test_a_share_below_one_percent_is_saved_only_after_it_is_confirmed(adopted: Model, admin_client: Client) -> None:
    w = adopted.world
    data = _form(adopted, w.bruno.email, time_share="0,5")
    asked = admin_client.post(url("assignment_create"), data)
    text = asked.content.decode()
    assert asked.status_code == 200 and not Assignment.objects.for_kommune(w.kommune).exists()
    assert "0,5 % – meinten Sie 50 %?" in text
    assert re.search(r'id="id_time_share-error"[^>]*>0,5 % – meinten Sie 50 %\?', text)
    box = re.search(r'<input[^>]*name="time_share_confirmed"[^>]*>', text)
    assert box and 'type="checkbox"' in box.group(0) and "checked" not in box.group(0)
    assert text.index('name="time_share"') < text.index('name="time_share_confirmed"') < text.index("valid_from")

    saved = admin_client.post(url("assignment_create"), {**data, "time_share_confirmed": "on"})
    assert saved.status_code == 302
    assert Assignment.objects.for_kommune(w.kommune).get().time_share == Decimal("0.5")


def test_a_corrected_share_needs_no_confirmation_and_shares_from_one_are_not_asked(
    adopted: Model, admin_client: Client
) -> None:
    w = adopted.world
    for share in ("50", "1"):
        response = admin_client.post(
            url("assignment_create"), _form(adopted, w.bruno.email, time_share=share, key="isb")
        )
        assert response.status_code == 302, share
        Assignment.objects.for_kommune(w.kommune).delete()
    assert "time_share_confirmed" not in admin_client.get(url("assignment_create")).content.decode()


def test_editing_an_assignment_that_already_has_a_small_share_does_not_ask_again(
    adopted: Model, admin_client: Client
) -> None:
    w = adopted.world
    a = adopted.assign(w.bruno, "lotse", "0.5", valid_from=D(2026, 1, 1))
    data = _form(adopted, w.bruno.email, time_share="0,5", valid_from="2026-01-01", mandate="Neu", version=a.version)
    assert admin_client.post(url("assignment_edit", a.pk), data).status_code == 302
    a.refresh_from_db()
    assert (a.time_share, a.mandate) == (Decimal("0.5"), "Neu")


# --- the import: every row first, also against the other rows, all or nothing --------------------


def test_an_import_row_duplicating_an_assignment_of_the_kommune_is_refused(adopted: Model) -> None:
    w = adopted.world
    adopted.assign(w.bruno, "lotse", org_unit=w.ordnungsamt, valid_from=D(2025, 1, 1))
    before = state(adopted)
    report = run(adopted, csv_bytes(f"{w.alice.email};cdo;;50;01.01.2026;", f"{BRUNO};lotse;32;10;01.01.2026;"))
    assert issues(report) == [(3, "")]
    assert f"Bruno Ordner ist für {w.ordnungsamt} bereits" in report.issues[0].message
    assert state(adopted) == before


def test_two_overlapping_rows_of_one_file_are_refused_naming_the_first(adopted: Model) -> None:
    before = state(adopted)
    report = run(adopted, csv_bytes(f"{BRUNO};lotse;;10;01.01.2026;31.12.2026", f"{BRUNO};lotse;;10;01.06.2026;"))
    assert issues(report) == [(3, "")]
    assert report.issues[0].message.startswith("Zeile 2 der Datei überschneidet sich mit dieser Zeile: Bruno Ordner")
    assert state(adopted) == before


def test_an_import_may_end_an_assignment_and_add_its_successor_in_one_file(adopted: Model) -> None:
    w = adopted.world
    adopted.assign(w.bruno, "lotse", valid_from=D(2025, 1, 1))
    report = run(adopted, csv_bytes(f"{BRUNO};lotse;;10;01.01.2025;31.12.2025", f"{BRUNO};lotse;;20;01.01.2026;"))
    assert report.ok, report.issues
    assert (report.created, report.updated) == (1, 1)
    periods = Assignment.objects.for_kommune(w.kommune).order_by("valid_from").values_list("valid_from", "valid_until")
    assert list(periods) == [(D(2025, 1, 1), D(2025, 12, 31)), (D(2026, 1, 1), None)]


def test_an_import_row_that_extends_an_assignment_into_the_next_is_refused(adopted: Model) -> None:
    w = adopted.world
    adopted.assign(w.bruno, "lotse", valid_from=D(2025, 1, 1), valid_until=D(2025, 12, 31))
    adopted.assign(w.bruno, "lotse", valid_from=D(2026, 1, 1))
    report = run(adopted, csv_bytes(f"{BRUNO};lotse;;10;01.01.2025;"))
    assert issues(report) == [(2, "")] and "01.01.2026" in report.issues[0].message


# --- the Rollen-Check finds the duplicates that are already there ---------------------------------


def test_the_check_reports_existing_duplicates_with_a_link_to_the_later_one(adopted: Model) -> None:
    w = adopted.world
    adopted.assign(w.bruno, "lotse", valid_from=D(2025, 1, 1), valid_until=D(2025, 12, 31))
    adopted.assign(w.bruno, "lotse", valid_from=D(2026, 1, 1))  # follows: fine
    later = _written_past_the_service(adopted, w.bruno, "lotse", D(2025, 6, 1), D(2025, 9, 30))
    _written_past_the_service(adopted, w.alice, "cdo", D(2024, 1, 1), D(2024, 12, 31))  # history, alone
    findings = [f for f in rules.run_checks(selectors.check_data(w.kommune)) if f.rule == "zuordnung.doppelt"]
    assert len(findings) == 1
    (finding,) = findings
    assert finding.severity == rules.ERROR
    assert finding.title.startswith("Doppelte Zuordnung: Bruno Ordner ")
    assert "ab 01.06.2025" in finding.explanation and "vom 01.01.2025 (bis 31.12.2025)" in finding.explanation
    assert finding.fix == ("roles:assignment_edit", {"pk": later.pk})


def test_the_duplicate_rule_is_registered_with_its_source() -> None:
    rule = next(r for r in rules.CHECK_RULES if r.key == "no_duplicate_assignments")
    assert "derived" in (rule.check.__doc__ or "")
    assert rules.DUPLICATES in {loader.key for loader in rules.CHECK_DATA_LOADERS}


def test_the_duplicate_rule_reads_only_what_its_loader_gave() -> None:
    empty = rules.CheckData(
        today=D(2026, 1, 1), roles=[], current=[], recent_past=[], activities=[], cells=[], units=[]
    )
    assert rules.rule_no_duplicate_assignments(empty) == []
