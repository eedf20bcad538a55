"""The Beschäftigungsumfang and the employer of a person through the API (issue 12, points 8 and 9)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kompass.api.tests.helpers import BASE, api_entries, tenant_state
from kompass.audit.selectors import entry_changes
from kompass.org.models import Person

PERSONS = BASE + "/personen"


def new_person(**extra):
    return {"first_name": "Nora", "last_name": "Neu", "email": "nora.neu@teststadt.example", **extra}


def test_a_person_is_full_time_of_the_own_administration_unless_sent(world, api):
    body = api["admin"].post(PERSONS, new_person()).json()
    assert (body["employment_percent"], body["employer_kind"], body["employer_name"]) == (100.0, "eigen", "")
    listed = api["reader"].get(PERSONS).json()["items"][0]
    assert {"employment_percent", "employer_kind", "employer_name"} <= set(listed)


def test_create_and_patch_both_fields_with_audit(world, api):
    body = (
        api["admin"]
        .post(PERSONS, new_person(employment_percent=62.5, employer_kind="extern", employer_name="Rechenzentrum Süd"))
        .json()
    )
    assert (body["employment_percent"], body["employer_kind"], body["employer_name"]) == (
        62.5,
        "extern",
        "Rechenzentrum Süd",
    )
    response = api["admin"].patch(f"{PERSONS}/{body['id']}", {"employer_kind": "eigen", "version": body["version"]})
    assert response.status_code == 200
    assert (response.json()["employer_kind"], response.json()["employer_name"]) == ("eigen", "")
    entry = api_entries(world).filter(action="update").get()
    assert entry_changes(entry) == {"employer_kind": ["extern", "eigen"], "employer_name": ["Rechenzentrum Süd", ""]}
    stored = Person.objects.for_kommune(world.kommune).get(pk=body["id"])
    assert stored.employment_percent == Decimal("62.5")


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"employment_percent": 0}, "employment_percent"),
        ({"employment_percent": 100.5}, "employment_percent"),
        ({"employment_percent": 50.25}, "employment_percent"),
        ({"employment_percent": "NaN"}, "employment_percent"),
        ({"employment_percent": "fünfzig"}, "employment_percent"),
        ({"employer_kind": "fremd"}, "employer_kind"),
        ({"employer_kind": "extern"}, "employer_name"),
        ({"employer_kind": "extern", "employer_name": "   "}, "employer_name"),
        ({"employer_name": "Rechenzentrum"}, "employer_name"),
        ({"employer_kind": "extern", "employer_name": "R" * 201}, "employer_name"),
    ],
)
def test_bad_values_are_german_field_errors_and_write_nothing(world, api, extra, field):
    before = tenant_state(world)
    response = api["admin"].post(PERSONS, new_person(**extra))
    assert response.status_code == 422
    errors = response.json()["detail"]
    assert ["body", field] in [e["loc"] for e in errors], errors
    assert all(e["msg"] and "field" not in e["msg"].lower() and "input" not in e["msg"].lower() for e in errors)
    assert tenant_state(world) == before


def test_patch_may_not_set_the_fields_to_null(world, api):
    for field in ("employment_percent", "employer_kind", "employer_name"):
        response = api["admin"].patch(f"{PERSONS}/{world.alice.pk}", {field: None, "version": 1})
        assert response.status_code == 422
        assert ["body", field] in [e["loc"] for e in response.json()["detail"]]


def test_the_openapi_schema_documents_the_unit_and_the_choices(world, api):
    schema = api["reader"].get("/api/v1/openapi.json").json()
    out = schema["components"]["schemas"]["PersonOut"]["properties"]
    assert "Prozent einer Vollzeitstelle" in out["employment_percent"]["description"]
    assert "extern" in out["employer_kind"]["description"]
    create = schema["components"]["schemas"]["PersonCreate"]["properties"]
    assert "eigen" in str(create["employer_kind"]) and "extern" in str(create["employer_kind"])
