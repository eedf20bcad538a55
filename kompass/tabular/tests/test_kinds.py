"""The registry of import and export kinds: what the installed apps registered is valid."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from kompass.tabular.columns import Columns
from kompass.tabular.kinds import SLUG, TABLE_KINDS, TableKind, by_slug, columns_for, export_file


def test_every_registered_kind_is_valid():
    kinds = TABLE_KINDS.check()
    assert len(kinds) >= 1
    slugs = [kind.slug for kind in kinds]
    assert len(slugs) == len(set(slugs))
    for kind in kinds:
        assert kind.columns.required, kind.key
        assert SLUG.match(kind.slug), kind.key
        with translation.override("de"):
            label = str(kind.label)
        assert label.strip() and label != kind.key and label[0].isupper(), kind.key
        assert by_slug(kind.slug) is kind and columns_for(kind.key) is kind.columns


def test_the_installed_apps_register_org_units_people_and_assignments_in_this_order():
    assert TABLE_KINDS.keys()[:3] == ["orgunits", "people", "assignments"]
    assert [kind.slug for kind in TABLE_KINDS][:3] == ["organisationseinheiten", "personen", "rollenzuordnungen"]


def kind(**changes) -> TableKind:
    values = {
        "key": "probe",
        "label": "Proben",
        "slug": "proben",
        "columns": Columns(("name",)),
        "check_and_apply": lambda *args: None,
        "export": lambda *args: None,
    }
    return TableKind(**{**values, **changes})


@pytest.mark.parametrize(
    "changes",
    [
        {"label": " "},
        {"columns": Columns(())},
        {"columns": Columns(("name",), ("name",))},
        {"slug": "Proben.csv"},
        {"slug": "personen"},
        {"export": None},
        {"header": ("name", "notiz")},
        {"example": (("Hauptamt", "zu viel"),)},
        {"column_help": (("notiz", "Gibt es nicht."),)},
    ],
    ids=[
        "no-label",
        "no-columns",
        "column-twice",
        "bad-slug",
        "slug-taken",
        "no-export",
        "header-unknown-column",
        "example-row-too-long",
        "help-for-unknown-column",
    ],
)
def test_a_wrong_kind_fails_at_registration(changes):
    with pytest.raises(ImproperlyConfigured):
        TABLE_KINDS.register(kind(**changes))
    assert "probe" not in TABLE_KINDS


def test_export_file_refuses_an_unknown_kind(world):
    with pytest.raises(ValueError):
        export_file(kind="rollen", kommune=world.kommune, fmt="csv")


def test_every_kind_with_an_example_explains_every_column_and_names_rows():
    for table_kind in TABLE_KINDS:
        if table_kind.example:
            assert [name for name, _text in table_kind.column_help] == list(table_kind.columns_in_order)
            assert all(str(text).strip() for _name, text in table_kind.column_help), table_kind.key
            assert str(table_kind.name_label).strip(), table_kind.key
