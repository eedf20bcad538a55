"""Pages of the Verwaltungsgliederung: happy paths, German errors, audit, locking, scope and lists."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_editor_limited_to_ordnungsamt_can_open_the_create_forms(world):
    client = world.client_for(world.editor)
    assert client.get(reverse("org:unit_create", args=["teststadt"])).status_code == 200
    assert client.get(reverse("org:person_create", args=["teststadt"])).status_code == 200


def test_editor_limited_to_ordnungsamt_can_add_a_person_to_her_subtree(world):
    client = world.client_for(world.editor)
    response = client.post(
        reverse("org:person_create", args=["teststadt"]),
        {
            "first_name": "Nora",
            "last_name": "Neu",
            "email": "nora.neu@teststadt.example",
            "org_unit": world.sachgebiet.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
