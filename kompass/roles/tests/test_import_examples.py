"""The example files of the import page import into an empty Kommune in the page's order, with the
shipped KGSt catalogue adopted before the assignments; the preview names person, role and unit."""

from __future__ import annotations

import pytest

from kompass.org.tests.test_import_guidance import empty_kommune_admin, import_example
from kompass.roles.catalogue_loader import load_catalogues
from kompass.roles.models import Assignment, Catalogue
from kompass.roles.services import catalogue_adopt
from kompass.tabular.kinds import TABLE_KINDS


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_units_people_and_assignments_examples_import_one_after_the_other(world, fmt):
    kommune, client = empty_kommune_admin()
    load_catalogues()
    catalogue_adopt(kommune=kommune, actor=None, catalogue=Catalogue.objects.get(key="kgst"))
    reports = {kind.key: import_example(client, kommune.slug, kind, fmt) for kind in TABLE_KINDS}
    for key, report in reports.items():
        assert report.ok and report.created == len(TABLE_KINDS[key].example), (key, report.issues)
    labels = [row.label for row in reports["assignments"].rows]
    assert labels[0].startswith("Jana Schäfer · ") and labels[0].endswith(" · 10 Hauptamt")
    assert labels[1].startswith("Łukasz Wójcik · ")
    assignments = Assignment.objects.for_kommune(kommune)
    assert assignments.count() == 4
    assert assignments.filter(role__key="lotse").count() == 3
