"""Query counts of the role-model reads stay the same when the data grows (no N+1), and the
reduced data the Rollen-Check loads gives the same findings as all current assignments."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompass.factories import person
from kompass.roles import rules, selectors
from kompass.roles.rules import CheckData
from kompass.roles.tests.conftest import Model

SLUG = "teststadt"
TODAY = datetime.date.today()


def _count(client: Client, target: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(target)
    assert response.status_code == 200, target
    return len(ctx.captured_queries)


def _queries(call: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


def _grow(adopted: Model, n: int = 15) -> None:
    """More people with roles of every kind: current, ending soon, ended recently, above 100 %."""
    w = adopted.world
    keys = ["lotse", "cdo", "isb", "dsb", "personal", "partner", "rat"]
    for i in range(n):
        p = person(w.kommune, f"Person{i}", "Mehr", w.sachgebiet if i % 2 else w.hauptamt)
        adopted.assign(
            p,
            keys[i % len(keys)],
            60,
            deputy=w.alice,
            approved_by=w.bruno,
            org_unit=w.ordnungsamt if i % 3 else None,
            valid_until=TODAY + datetime.timedelta(days=20 + i) if i % 4 == 0 else None,
        )
        # For a unit of its own: the same role for the same unit at the same time would be a duplicate.
        adopted.assign(p, "partner", 50, org_unit=w.sachgebiet, valid_from=datetime.date(2024, 1, 1))
        if i % 5 == 0:
            adopted.assign(
                p, "cio", 5, valid_from=datetime.date(2024, 1, 1), valid_until=TODAY - datetime.timedelta(days=10)
            )


@pytest.fixture
def some(adopted: Model) -> Model:
    w = adopted.world
    adopted.assign(w.bruno, "lotse", 20, org_unit=w.ordnungsamt, approved_by=w.alice)
    adopted.assign(w.alice, "cdo", 50, deputy=w.bruno)
    adopted.assign(w.alice, "rat", 5, valid_until=TODAY + datetime.timedelta(days=7))  # ends soon
    return adopted


@pytest.mark.parametrize(
    "target",
    [
        reverse("roles:graph", args=[SLUG]),
        reverse("roles:matrix", args=[SLUG]),
        reverse("roles:matrix_csv", args=[SLUG]),
        reverse("roles:matrix_xlsx", args=[SLUG]),
        reverse("roles:assignment_list", args=[SLUG]) + "?status=endet_bald",
        reverse("roles:assignment_list", args=[SLUG]) + "?sort=-bis&status=alle",
        reverse("org:export", args=[SLUG, "rollenzuordnungen", "csv"]),
        reverse("org:export", args=[SLUG, "rollenzuordnungen", "xlsx"]),
        reverse("org:tree", args=[SLUG]),
    ],
)
def test_page_queries_do_not_grow_with_the_assignments(target: str, some: Model, admin_client: Client) -> None:
    admin_client.get(target)  # warm caches (content types, sessions, the graph's SVG)
    before = _count(admin_client, target)
    _grow(some)
    admin_client.get(target)
    assert _count(admin_client, target) == before


@pytest.mark.parametrize("name", ["assignment_list", "lotsen", "checks", "role_list"])
def test_pages_of_a_limited_redaktion_need_no_query_per_row(name: str, some: Model, editor_client: Client) -> None:
    target = reverse(f"roles:{name}", args=[SLUG])
    editor_client.get(target)
    before = _count(editor_client, target)
    _grow(some)
    assert _count(editor_client, target) == before


def test_role_profile_of_a_role_with_many_holders_has_constant_queries(some: Model, reader_client: Client) -> None:
    target = reverse("roles:role_detail", args=[SLUG, some.roles["partner"].pk])
    reader_client.get(target)
    before = _count(reader_client, target)
    _grow(some)
    assert _count(reader_client, target) == before


def test_the_check_data_and_the_tree_badges_are_read_in_a_fixed_number_of_queries(some: Model) -> None:
    k = some.world.kommune
    check, badges = _queries(lambda: selectors.check_data(k)), _queries(lambda: selectors.unit_role_badges(k, 5))
    _grow(some)
    # 10 reads of the role model, and one per registered loader that has nothing more to read here
    # (the role model's duplicate check; the digital agenda asks whether the Kommune has one). What
    # matters: N does not change it.
    own, loaders = 10, len(rules.CHECK_DATA_LOADERS)
    assert _queries(lambda: selectors.check_data(k)) == check == own + loaders == 12
    assert _queries(lambda: selectors.unit_role_badges(k, 5)) == badges == 2


def test_running_the_checks_reads_nothing_the_check_data_did_not_load(some: Model) -> None:
    _grow(some)
    data = selectors.check_data(some.world.kommune)
    findings = _queries(lambda: [(f.title, f.explanation) for f in rules.run_checks(data)])
    assert findings == 0


# --- the reduced check data --------------------------------------------------------------------------


def _full_data(kommune: Any) -> CheckData:
    """What the checks read if every current assignment is loaded (the definition of the rules)."""
    reduced = selectors.check_data(kommune)
    return CheckData(
        today=reduced.today,
        roles=reduced.roles,
        current=list(selectors.current_assignments(kommune).order_by("id")),
        recent_past=reduced.recent_past,
        activities=reduced.activities,
        cells=reduced.cells,
        units=reduced.units,
    )


def test_the_reduced_check_data_finds_exactly_what_all_assignments_would(some: Model) -> None:
    w = some.world
    _grow(some)
    # Above the Beschäftigungsumfang (100 %) only through roles no rule watches; ending soon in such a role; an ended
    # assignment with a successor in the same role and unit, and one without.
    busy = person(w.kommune, "Viel", "Arbeit", w.hauptamt)
    some.assign(busy, "partner", Decimal("70"))
    some.assign(busy, "rat", Decimal("40.5"), valid_until=TODAY + datetime.timedelta(days=30))
    ended = TODAY - datetime.timedelta(days=5)
    some.assign(busy, "rat", 10, org_unit=w.sachgebiet, valid_from=datetime.date(2024, 1, 1), valid_until=ended)
    some.assign(w.alice, "partner", 10, org_unit=w.hauptamt, valid_until=TODAY - datetime.timedelta(days=3))
    some.assign(w.bruno, "partner", 10, org_unit=w.hauptamt)
    reduced = selectors.check_data(w.kommune)
    assert len(reduced.current) < len(_full_data(w.kommune).current)
    findings = rules.run_checks(reduced)
    assert findings == rules.run_checks(_full_data(w.kommune))
    titles = [f.title for f in findings]
    assert "Viel Arbeit: 110,5 % Zeitanteil bei 100 % Beschäftigungsumfang" in titles
    assert any(t.startswith("Endet bald: Viel Arbeit in der Rolle „Rat“") for t in titles)
    assert any(t.startswith("Abgelaufen ohne Nachfolge: Rat") for t in titles)
    assert not any(t.startswith("Abgelaufen ohne Nachfolge: Externe Partner") for t in titles)


def test_badges_show_the_first_five_in_role_order_and_count_the_rest(some: Model) -> None:
    w = some.world
    for key in ("cio", "isb", "dsb", "personal", "hvb"):
        some.assign(w.alice, key, 5)
    badges = selectors.unit_role_badges(w.kommune, 5)
    shown, total = badges[w.hauptamt.pk]
    assert total == 7  # the five above, DSB and the Rat of the fixture
    assert [b.role_label for b in shown] == ["Rat", "HVB/VV", "CDO", "CIO", "Personal"]
    assert shown[0].person_name == "Alice Amtsleiterin"
    assert badges[w.ordnungsamt.pk] == (
        [selectors.RoleBadge("Digitale Lotsinnen und Lotsen", "Lotse", "Bruno Ordner")],
        1,
    )
