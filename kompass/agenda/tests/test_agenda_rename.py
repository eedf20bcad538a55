"""Renaming the agenda ("Digitale Agenda 2026–2030"): the service (one transaction, audit entry,
optimistic locking, German refusal of an empty title) and its page for the Administration and the
Redaktion without limit; the title belongs to no version, so a decided one does not freeze it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kompass.agenda import services
from kompass.agenda.models import Agenda
from kompass.agenda.tests import factories
from kompass.agenda.tests.factories_strategy import url
from kompass.audit.models import AuditEntry
from kompass.core.exceptions import ConflictError

pytestmark = pytest.mark.django_db

NEW_TITLE = "Digitale Agenda 2026–2030"


def the_agenda(world: Any) -> Agenda:
    return Agenda.objects.for_kommune(world.kommune).get()


def renames(world: Any, agenda: Agenda) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.for_kommune(world.kommune).filter(
            object_type="agenda", object_id=str(agenda.pk), action="update"
        )
    )


def test_the_service_renames_with_an_audit_entry_and_a_new_version(world: Any) -> None:
    agenda = factories.agenda(world)
    saved = services.agenda_update(
        kommune=world.kommune, actor=world.admin, agenda=agenda, data={"title": f"  {NEW_TITLE} "}, expected_version=1
    )
    assert saved.title == NEW_TITLE and the_agenda(world).title == NEW_TITLE
    assert the_agenda(world).version == 2
    [entry] = renames(world, agenda)
    assert entry.changes["title"] == ["Digitale Agenda", NEW_TITLE]
    assert entry.actor_id == world.admin.pk and entry.actor_pseudonym  # no name in the row


def test_an_empty_title_is_refused_in_german_and_changes_nothing(world: Any) -> None:
    agenda = factories.agenda(world)
    with pytest.raises(ValidationError) as refused:
        services.agenda_update(kommune=world.kommune, actor=world.admin, agenda=agenda, data={"title": "  "})
    assert refused.value.message_dict == {"title": ["Bitte einen Titel angeben."]}
    assert the_agenda(world).title == "Digitale Agenda" and not renames(world, agenda)


def test_a_stale_version_is_a_conflict(world: Any) -> None:
    agenda = factories.agenda(world)
    services.agenda_update(kommune=world.kommune, actor=world.admin, agenda=agenda, data={"title": "Erst so"})
    with pytest.raises(ConflictError):
        services.agenda_update(
            kommune=world.kommune, actor=world.admin, agenda=agenda, data={"title": "Dann so"}, expected_version=1
        )
    assert the_agenda(world).title == "Erst so"


def test_the_same_title_writes_nothing(world: Any) -> None:
    agenda = factories.agenda(world)
    services.agenda_update(kommune=world.kommune, actor=world.admin, agenda=agenda, data={"title": "Digitale Agenda"})
    assert not renames(world, agenda) and the_agenda(world).version == 1


def test_a_decided_version_does_not_freeze_the_title(world: Any) -> None:
    factories.decided_agenda(world)
    response = world.client_for(world.admin).post(url("rename"), {"title": NEW_TITLE, "version": 1})
    assert response.status_code == 302 and response["Location"] == url("overview")
    assert the_agenda(world).title == NEW_TITLE


def test_the_page_renames_and_the_overview_shows_the_new_title(world: Any) -> None:
    factories.agenda(world)
    client = world.client_for(world.admin)
    overview = client.get(url("overview")).content.decode()
    assert url("rename") in overview
    page = client.get(url("rename"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Digitale Agenda umbenennen" in html and 'value="Digitale Agenda"' in html
    response = client.post(url("rename"), {"title": NEW_TITLE, "version": 1})
    assert response.status_code == 302
    assert NEW_TITLE in client.get(url("overview")).content.decode()
    assert "Titel: Digitale Agenda" in client.get(url("rename")).content.decode()  # the Verlauf


def test_the_page_refuses_an_empty_or_stale_title_with_400(world: Any) -> None:
    factories.agenda(world)
    client = world.client_for(world.admin)
    empty = client.post(url("rename"), {"title": "", "version": 1})
    assert empty.status_code == 400 and "Bitte einen Titel angeben." in empty.content.decode()
    services.agenda_update(
        kommune=world.kommune, actor=world.admin, agenda=the_agenda(world), data={"title": "Zwischendurch"}
    )
    stale = client.post(url("rename"), {"title": NEW_TITLE, "version": 1})
    assert stale.status_code == 400
    assert the_agenda(world).title == "Zwischendurch"


@pytest.mark.parametrize("persona", ["reader", "editor"])
def test_reader_and_limited_editor_may_not_rename(world: Any, persona: str) -> None:
    factories.agenda(world)
    client = world.client_for(getattr(world, persona))
    assert client.get(url("rename")).status_code == 403
    assert client.post(url("rename"), {"title": "Fremd"}).status_code == 403
    assert the_agenda(world).title == "Digitale Agenda"
    assert url("rename") not in client.get(url("overview")).content.decode()


def test_outsider_anonymous_and_other_methods(world: Any) -> None:
    factories.agenda(world)
    assert world.client_for(world.outsider).post(url("rename"), {"title": "Fremd"}).status_code == 404
    anonymous = world.client_for(None).get(url("rename"))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))
    assert world.client_for(world.admin).put(url("rename")).status_code == 405
    assert the_agenda(world).title == "Digitale Agenda"


def test_before_the_agenda_is_started_there_is_nothing_to_rename(world: Any) -> None:
    assert world.client_for(world.admin).get(url("rename")).status_code == 404
