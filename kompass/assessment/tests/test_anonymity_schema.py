"""Participation and answers cannot be linked (docs/security.md N3), read off the schema itself."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection, models

from kompass.assessment import services
from kompass.assessment.models import Answer, Draft, Participant, Response
from kompass.factories import person
from kompass.framework.tests.catalogue_fixture import adopted_framework

ANSWER_SIDE = (Response, Answer)
PARTICIPATION_SIDE = (Participant, Draft)
TRACE_NAMES = {"ip", "ip_address", "user_agent", "session", "session_key", "request_id", "created_at", "updated_at"}


@pytest.mark.parametrize("model", ANSWER_SIDE)
def test_answers_have_random_keys_no_time_no_order_and_no_way_to_the_participant(model: type[models.Model]) -> None:
    assert isinstance(model._meta.pk, models.UUIDField)
    assert model._meta.pk.default is uuid.uuid4
    assert not model._meta.ordering
    for field in model._meta.concrete_fields:
        assert not isinstance(field, models.DateField | models.DateTimeField | models.GenericIPAddressField), field
        assert field.name not in TRACE_NAMES, field
        if field.is_relation:
            assert field.related_model not in PARTICIPATION_SIDE, field
            assert field.related_model._meta.label != "org.Person", field
    for index in model._meta.indexes:
        assert not set(index.fields) & {"id"}, index


@pytest.mark.parametrize("model", PARTICIPATION_SIDE)
def test_participation_knows_the_day_at_most_and_nothing_of_the_answers(model: type[models.Model]) -> None:
    for field in model._meta.concrete_fields:
        assert not isinstance(field, models.DateTimeField), field
        assert field.name not in TRACE_NAMES, field
        if field.is_relation:
            assert field.related_model not in ANSWER_SIDE, field
    reverse = {rel.related_model for rel in model._meta.related_objects}
    assert not reverse & set(ANSWER_SIDE)


@pytest.mark.django_db(transaction=True)
def test_a_submission_writes_participation_and_answers_in_separate_transactions(world: Any, tmp_path: Any) -> None:
    """On PostgreSQL the rows of one transaction share its id (xmin); they must not."""
    if connection.vendor != "postgresql":
        pytest.skip("transaction ids are a PostgreSQL matter")
    adopted_framework(world.kommune, tmp_path / "fw")
    campaign = services.campaign_create(
        kommune=world.kommune,
        actor=world.admin,
        data={"title": "T", "starts_on": "2026-01-01", "ends_on": "2026-02-01"},
    )
    [link] = services.invite(
        kommune=world.kommune,
        actor=world.admin,
        campaign=campaign,
        people=[person(world.kommune, "Xaver", "Test", world.hauptamt)],
        audience="mitarbeitende",
        channel="liste",
    )
    services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign)
    participant = services.participant_for(link.token, world.kommune)
    services.submit(participant=participant, answers={})
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text FROM assessment_participant WHERE id = %s", [participant.pk])
        participation_xid = cursor.fetchone()[0]
        cursor.execute("SELECT DISTINCT xmin::text FROM assessment_response")
        response_xids = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT DISTINCT xmin::text FROM assessment_answer")
        answer_xids = {row[0] for row in cursor.fetchall()}
    assert participation_xid not in response_xids | answer_xids
