"""The audit log's extension point: labels and shared tables registered by the apps above it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from kompass.audit import extensions
from kompass.audit.extensions import AUDIT_LABELS, AuditLabels
from kompass.org.models import Person
from kompass.roles.models import Catalogue


def test_every_registered_audit_label_entry_is_valid() -> None:
    items = AUDIT_LABELS.check()
    assert "roles" in [item.key for item in items]


def test_the_role_model_names_its_fields_and_shared_catalogues() -> None:
    assert extensions.field_label("letter") == "Zuständigkeit (RACI)"
    assert extensions.is_shared(Catalogue)
    assert not extensions.is_shared(Person)


def test_a_kommunes_table_cannot_be_registered_as_shared() -> None:
    with pytest.raises(ImproperlyConfigured, match="belongs to a Kommune"):
        AUDIT_LABELS.register(AuditLabels(key="test.leak", shared_models=(Person,)))
    assert "test.leak" not in AUDIT_LABELS


def test_an_unregistered_label_falls_back_to_the_field_name() -> None:
    AUDIT_LABELS.register(AuditLabels(key="test.labels", field_labels={"massnahme": "Maßnahme"}))
    try:
        assert extensions.field_label("massnahme") == "Maßnahme"
    finally:
        AUDIT_LABELS.unregister("test.labels")
    assert extensions.field_label("massnahme") is None
