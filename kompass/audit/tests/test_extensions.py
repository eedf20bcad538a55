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


def test_accounts_name_a_user_by_display_name_and_others_fall_back_to_str() -> None:
    from kompass.accounts.models import User

    user = User(username="nhuber", first_name="Nicole", last_name="Huber")
    assert extensions.object_name(user) == "Nicole Huber"
    assert extensions.object_name(Person(first_name="Zoë", last_name="Łukasiewicz")) == "Zoë Łukasiewicz"


def test_an_object_name_that_is_not_callable_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="not callable"):
        AUDIT_LABELS.register(AuditLabels(key="test.names", object_names={Person: "Vorname"}))  # type: ignore[dict-item]
    assert "test.names" not in AUDIT_LABELS
