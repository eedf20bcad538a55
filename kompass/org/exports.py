"""Exporting a Kommune's org units and people as CSV or XLSX, in the import's own columns.

An exported file imports again without any change (round trip). The formula-safe writers are
the tabular layer's (`kompass.tabular.writing`); here is only what goes into the rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from operator import itemgetter

from django.utils import translation

from kompass.core.percent import percent_text
from kompass.org.importers import COLUMNS, KIND_ORGUNITS, KIND_PEOPLE
from kompass.org.models import OrgUnit, OrgUnitType, Person
from kompass.org.sorting import tree_order
from kompass.tabular.writing import ExportFile, table_file
from kompass.tenancy.models import Kommune

FILE_STEMS = {KIND_ORGUNITS: "organisationseinheiten", KIND_PEOPLE: "personen"}


def orgunit_rows(kommune: Kommune) -> Iterator[list[str]]:
    """The Kommune's units in import columns in the tree's order: parents before children,
    siblings in natural order of Kennung."""
    with translation.override("de"):
        labels = {value: str(label) for value, label in OrgUnitType.choices}
    units = (
        OrgUnit.objects.for_kommune(kommune)
        .order_by()
        .values_list("pk", "parent_id", "sort_key", "code", "name", "unit_type", "parent__code", "head__email")
    )
    ordered = tree_order(units, pk=itemgetter(0), parent=itemgetter(1), key=itemgetter(2, 3))
    for _pk, _parent, _key, code, name, unit_type, parent_code, head_email in ordered:
        yield [code, name, labels.get(unit_type, unit_type), parent_code or "", head_email or ""]


def person_rows(kommune: Kommune) -> Iterator[list[str]]:
    people = (
        Person.objects.for_kommune(kommune)
        .order_by("last_name", "first_name", "email")
        .values_list(
            "email",
            "first_name",
            "last_name",
            "function_title",
            "org_unit__code",
            "employment_percent",
            "employer_kind",
            "employer_name",
        )
    )
    for email, first, last, function_title, unit_code, percent, kind, employer in people.iterator(chunk_size=2000):
        yield [email, first, last, function_title or "", unit_code or "", percent_text(percent), kind, employer]


def export_orgunits(kommune: Kommune, fmt: str) -> ExportFile:
    """The Kommune's org units as CSV or XLSX (`organisationseinheiten-<kommune>-<date>.<fmt>`)."""
    header = COLUMNS[KIND_ORGUNITS].all
    return table_file(
        header=header, rows=orgunit_rows(kommune), fmt=fmt, stem=FILE_STEMS[KIND_ORGUNITS], kommune=kommune
    )


def export_people(kommune: Kommune, fmt: str) -> ExportFile:
    """The Kommune's people as CSV or XLSX (`personen-<kommune>-<date>.<fmt>`)."""
    header = COLUMNS[KIND_PEOPLE].all
    return table_file(header=header, rows=person_rows(kommune), fmt=fmt, stem=FILE_STEMS[KIND_PEOPLE], kommune=kommune)
