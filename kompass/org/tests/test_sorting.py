"""Natural order of Kennungen: the stored key, the tree order, and lists and selects that use it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from kompass.conftest import World
from kompass.factories import orgunit
from kompass.org import import_services, selectors
from kompass.org.models import OrgUnit, OrgUnitType
from kompass.org.sorting import SORT_KEY_MAX_LENGTH, natural_parts, natural_sort_key, tree_order

# Letters, digits, umlauts and the separators a Kennung may hold.
CODES = st.text(alphabet="0123456789abzABZäöüßÄé.-/_ ", min_size=1, max_size=30)


def _sign(a: Any, b: Any) -> int:
    return (a > b) - (a < b)


@given(CODES, CODES)
def test_the_order_of_keys_is_the_natural_order(a: str, b: str) -> None:
    assert _sign(natural_sort_key(a), natural_sort_key(b)) == _sign(natural_parts(a), natural_parts(b))


@given(st.lists(CODES, max_size=20))
def test_sorting_by_key_sorts_naturally(codes: list[str]) -> None:
    by_key = sorted(codes, key=lambda c: (natural_sort_key(c), c))
    by_parts = sorted(codes, key=lambda c: (natural_parts(c), c))
    assert by_key == by_parts


@given(CODES)
def test_the_key_is_digits_only_and_fits_the_column(code: str) -> None:
    # Digits compare alike in every database collation (PostgreSQL's en_US skips punctuation).
    key = natural_sort_key(code)
    assert re.fullmatch(r"[0-9]*", key)
    assert len(key) <= SORT_KEY_MAX_LENGTH


@given(st.integers(min_value=0, max_value=10**29), st.integers(min_value=0, max_value=10**29))
def test_numbers_compare_by_value(a: int, b: int) -> None:
    assert _sign(natural_sort_key(f"32.{a}"), natural_sort_key(f"32.{b}")) == _sign(a, b)


def test_examples_of_the_kgst_numbering() -> None:
    codes = ["32.10", "10", "2", "32.2", "32", "D1", "32.2a", "VV", "D10", "D2", "1.1.10", "1.1.9"]
    assert sorted(codes, key=natural_sort_key) == [
        "1.1.9", "1.1.10", "2", "10", "32", "32.2", "32.2a", "32.10", "D1", "D2", "D10", "VV",
    ]  # fmt: skip


def test_case_umlauts_and_separators_do_not_change_the_order() -> None:
    assert natural_sort_key("FB a") == natural_sort_key("fb-A")
    assert natural_sort_key("Ämter") == natural_sort_key("aemter")
    assert natural_sort_key("32.01") == natural_sort_key("32/1")
    assert natural_sort_key("Straße") < natural_sort_key("Strasse 2")


def test_tree_order_is_depth_first_with_siblings_in_natural_order() -> None:
    rows = [(1, None, "10"), (2, None, "2"), (3, 2, "2.10"), (4, 2, "2.9"), (5, 4, "2.9.1"), (6, 99, "x")]
    ordered = tree_order(rows, pk=lambda r: r[0], parent=lambda r: r[1], key=lambda r: natural_sort_key(r[2]))
    assert [r[2] for r in ordered] == ["2", "2.9", "2.9.1", "2.10", "10", "x"]


# --- the stored key --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_unit_gets_its_key_when_created_and_when_its_kennung_changes(world: World) -> None:
    from kompass.org import services

    unit = orgunit(world.kommune, "32.10", "Zehn", OrgUnitType.SACHGEBIET, world.ordnungsamt)
    assert OrgUnit.objects.for_kommune(world.kommune).get(pk=unit.pk).sort_key == natural_sort_key("32.10")
    services.orgunit_update(kommune=world.kommune, actor=None, unit=unit, data={"code": "32.3"})
    assert OrgUnit.objects.for_kommune(world.kommune).get(pk=unit.pk).sort_key == natural_sort_key("32.3")


@pytest.mark.django_db
def test_units_of_an_import_get_their_key(world: World) -> None:
    state = import_services.load_orgunit_state(world.kommune, lock=False)
    change = import_services.UnitChange(
        code="32.10", name="Zehn", unit_type="sachgebiet", parent_code="32", head_id=None, set_head=False
    )
    import_services.orgunits_apply(kommune=world.kommune, actor=None, state=state, changes=[change])
    unit = OrgUnit.objects.for_kommune(world.kommune).get(code="32.10")
    assert unit.sort_key == natural_sort_key("32.10")


# --- pages and selects ---------------------------------------------------------------------------


@pytest.fixture
def numbered(world: World) -> World:
    """Siblings whose Kennungen sort differently as text and as numbers."""
    for code in ("32.10", "32.2", "32.9"):
        orgunit(world.kommune, code, f"Sachgebiet {code}", OrgUnitType.SACHGEBIET, world.ordnungsamt)
    orgunit(world.kommune, "2", "Amt zwei", OrgUnitType.AMT, world.dezernat)
    return world


def _positions(text: str, codes: list[str], template: str) -> list[int]:
    return [text.index(template.format(code=code)) for code in codes]


@pytest.mark.django_db
def test_the_unit_list_is_in_natural_order(numbered: World) -> None:
    client = numbered.client_for(numbered.reader)
    html = client.get(reverse("org:unit_list", args=[numbered.kommune.slug])).content.decode()
    codes = ["2", "10", "32", "32.1", "32.2", "32.9", "32.10", "D1", "VV"]
    positions = _positions(html, codes, '<span class="kk-code">{code}</span>')
    assert positions == sorted(positions)
    listed = list(selectors.orgunit_list(numbered.kommune).values_list("code", flat=True))
    assert listed == codes
    assert list(selectors.orgunit_list(numbered.kommune, sort="-code").values_list("code", flat=True)) == codes[::-1]


@pytest.mark.django_db
def test_the_unit_search_lists_units_in_natural_order_of_kennung(numbered: World) -> None:
    # Units are picked with the search combobox (core.pickers); its suggestions follow the Kennung.
    found = selectors.unit_search(numbered.kommune, "32", limit=20)
    assert [unit.code for unit in found] == ["32", "32.1", "32.2", "32.9", "32.10"]


@pytest.mark.django_db
def test_the_tree_shows_siblings_in_natural_order(numbered: World) -> None:
    roots = selectors.orgunit_tree(numbered.kommune)
    ordnungsamt = next(n for n in roots[0].children[0].children if n.unit.code == "32")
    assert [n.unit.code for n in roots[0].children[0].children] == ["2", "10", "32"]
    assert [n.unit.code for n in ordnungsamt.children] == ["32.1", "32.2", "32.9", "32.10"]


@pytest.mark.django_db
def test_units_listed_without_an_order_are_in_natural_order(numbered: World) -> None:
    # The model's default order: the API, another app's choices or a forgotten order_by stay natural.
    codes = list(OrgUnit.objects.for_kommune(numbered.kommune).values_list("code", flat=True))
    assert codes == ["2", "10", "32", "32.1", "32.2", "32.9", "32.10", "D1", "VV"]


@pytest.mark.django_db
def test_the_export_lists_units_in_tree_order_with_siblings_in_natural_order(numbered: World) -> None:
    from kompass.org.exports import orgunit_rows

    codes = [row[0] for row in orgunit_rows(numbered.kommune)]
    assert codes == ["VV", "D1", "2", "10", "32", "32.1", "32.2", "32.9", "32.10"]
