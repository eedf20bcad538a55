"""A Kommune with data in every registered table, and one sentinel person who appears in all of them.

The scene builds the isolation test's world, role model, framework with campaigns and agenda, then
makes the sentinel — the person Xaver Sentinella with her account — appear in every table of the
personal-data registry, in every way the registry says a row can name her (`Subject`): an
existing row of the table is pointed at her, or a row is made for her where the scene has none.
A registry entry the scene cannot fill fails the build, so a new table needs a line here.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils import timezone

from kompass.conftest import World, build_world
from kompass.core.extensions import (
    PERSONAL_DATA,
    SUBJECT_EMAIL,
    SUBJECT_PERSON,
    SUBJECT_USER,
    SUBJECT_USER_NAME,
    SUBJECT_USERNAME,
    PersonalData,
    Subject,
)
from kompass.factories import UserFactory, person
from kompass.tenancy.models import Membership, Role

FIRST, LAST = "Xaver", "Sentinella"
EMAIL = "xaver.sentinella@teststadt.example"
USERNAME = "xsentinella"
SENTINELS = (LAST, EMAIL, USERNAME)


@dataclass
class PrivacyScene:
    world: World
    person: Any
    user: Any
    filled: dict[str, set[str]]  # registry key -> the subject paths that name the sentinel


def _value(subject: Subject, scene_person: Any, user: Any) -> Any:
    return {
        SUBJECT_PERSON: scene_person,
        SUBJECT_USER: user,
        SUBJECT_USER_NAME: user.display_name,
        SUBJECT_USERNAME: user.username,
        SUBJECT_EMAIL: EMAIL,
    }[subject.kind]


def _made(entry: PersonalData, kommune: Any, user: Any) -> Any:
    """A row for tables the world and its scenes leave empty."""
    label = entry.key
    now = timezone.now()
    if label == "tenancy.OperatorAccess":
        return entry.model.objects.create(
            kommune=kommune, operator=user, operator_name=user.display_name, reason="Prüfung", expires_at=now
        )
    if label == "accounts.ApiToken":
        return entry.model.objects.create(
            user=user, kommune=kommune, name="Skript", prefix="abc", token_hash=uuid.uuid4().hex, expires_at=now
        )
    if label == "accounts.Invitation":
        return entry.model.objects.create(
            kommune=kommune,
            email=EMAIL,
            first_name=FIRST,
            last_name=LAST,
            role=Role.READER,
            token_hash=uuid.uuid4().hex,
            expires_at=now,
        )
    if label.startswith("axes."):
        names = {f.name for f in entry.model._meta.concrete_fields}
        extra = {"failures_since_start": 1} if "failures_since_start" in names else {}
        return entry.model.objects.create(username=user.username, ip_address="192.0.2.7", user_agent="Test", **extra)
    if label == "assessment.ResultRelease":
        campaign = apps.get_model("assessment.Campaign").objects.for_kommune(kommune).first()
        return entry.model.objects.create(
            kommune=kommune, campaign=campaign, user=user, user_name=user.display_name, breakdown="k", channel="web"
        )
    if label == "assessment.TypeProfile":
        return entry.model.objects.create(kommune=kommune, answers={}, answered_on=datetime.date.today())
    if label == "agenda.StatusReport":
        measure = apps.get_model("agenda.Measure").objects.for_kommune(kommune).first()
        today = datetime.date.today()
        return entry.model.objects.create(
            kommune=kommune, measure=measure, period_end=today, reported_on=today, light="gruen", progress=10
        )
    if label == "agenda.MeasureStatusChange":
        measure = apps.get_model("agenda.Measure").objects.for_kommune(kommune).first()
        return entry.model.objects.create(kommune=kommune, measure=measure, to_status="geplant")
    return _generic(entry.model, user, kommune)


def _generic(model: Any, user: Any, kommune: Any) -> Any:
    """A row of a simple table of an account (second factors, identities): required columns filled."""
    from django.db import models

    values: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.null or f.has_default() or getattr(f, "auto_now_add", False):
            continue
        if f.is_relation:
            if f.related_model is type(user):
                related = user
            elif f.related_model is type(kommune):
                related = kommune
            else:
                related = f.related_model._base_manager.order_by("pk").first() or _generic(
                    f.related_model, user, kommune
                )
            if related is None:
                return None
            values[f.name] = related
        elif isinstance(f, models.CharField | models.TextField):
            values[f.name] = uuid.uuid4().hex[: f.max_length or 32]
        elif isinstance(f, models.DateTimeField):
            values[f.name] = timezone.now()
        elif isinstance(f, models.IntegerField):
            values[f.name] = 1
        elif isinstance(f, models.BooleanField):
            values[f.name] = False
        else:
            return None
    return model._base_manager.create(**values)


def _fill(entry: PersonalData, kommune: Any, sentinel: Any, user: Any) -> set[str]:
    """Point one row of the table at the sentinel in every way its entry names."""
    paths = set()
    for subject in entry.subjects:
        if subject.path == "pk":
            paths.add("pk")
            continue
        if entry.key == "tenancy.Membership":
            paths.add(subject.path)  # the sentinel's own membership, made below
            continue
        manager = entry.model._base_manager
        if not hasattr(entry.model, "kommune"):  # a table of the account alone: a row of her own
            if _made(entry, kommune, user) is None:
                raise AssertionError(f"the privacy scene cannot fill {entry.key}: add a row to `_made`")
            paths.add(subject.path)
            continue
        row = manager.filter(kommune=kommune).order_by("pk").first() or _made(entry, kommune, user)
        if row is None:
            raise AssertionError(f"the privacy scene cannot fill {entry.key}: add a row to `_made`")
        if entry.key == "audit.AuditEntry":
            paths.add(subject.path)  # the sentinel acts below, through a service
            continue
        if subject.where:  # a reference kept in a related row as (model, id): add such a row
            relation, _, column = subject.path.partition("__")
            related = getattr(row, relation)
            values = {column: str(_value(subject, sentinel, user).pk)}
            values |= {lookup.partition("__")[2]: value for lookup, value in subject.where}
            if hasattr(related.model, "kommune"):
                values["kommune"] = kommune
            related.create(**values)
            paths.add(subject.path)
            continue
        manager.filter(pk=row.pk).update(**{subject.path: _value(subject, sentinel, user)})
        paths.add(subject.path)
    return paths


def build_privacy_scene() -> PrivacyScene:
    from kompass.org import services as org_services
    from kompass.ui.tests import test_isolation as iso
    from kompass.ui.tests.agenda_scene import AGENDA_DECIDED, build_agenda_scene
    from kompass.ui.tests.url_registry import FRAMEWORK_ADOPTED

    w = build_world()
    roles = iso.build_role_scene(w)
    framework = iso.build_framework_scene(w, FRAMEWORK_ADOPTED)
    build_agenda_scene(w, roles, framework, AGENDA_DECIDED)
    user = UserFactory(username=USERNAME, first_name=FIRST, last_name=LAST, email=EMAIL)
    # She was invited once (the log labels the invitation, which names her address, with its pseudonym).
    from kompass.accounts import invitations

    invitation, _path = invitations.invitation_create(
        kommune=w.kommune, actor=w.admin, email=EMAIL, role=Role.EDITOR, first_name=FIRST, last_name=LAST
    )
    invitations.invitation_revoke(kommune=w.kommune, actor=w.admin, invitation=invitation)
    Membership.objects.create(kommune=w.kommune, user=user, role=Role.EDITOR)
    sentinel = person(w.kommune, FIRST, LAST, w.hauptamt, email=EMAIL, user=user)
    # She acts: the log names her as actor (and the person she changed as object).
    org_services.person_update(
        kommune=w.kommune,
        actor=user,
        person=sentinel,
        data={"function_title": "Datenschutz"},
        expected_version=sentinel.version,
    )
    filled = {entry.key: _fill(entry, w.kommune, sentinel, user) for entry in PERSONAL_DATA if entry.subjects}
    _writes_snapshots(w, user)
    sentinel.refresh_from_db()
    return PrivacyScene(world=w, person=sentinel, user=user, filled=filled)


def _writes_snapshots(w: World, user: Any) -> None:
    """She works through the services that copy the actor's name into a row: a measure's status
    change ("Geändert von"), a status report ("Berichtet von"), a recommendation taken again
    ("Übernommen von") and the Kommunentyp's answers ("Beantwortet von"). No service audits such a
    column today; an entry that did keeps the copy beside it under the row's pseudonym, not hers,
    so one is written as a service would."""
    from kompass.agenda import services as agenda
    from kompass.agenda.models import Measure, MeasureStatus
    from kompass.assessment import services_targets
    from kompass.assessment.models import Recommendation
    from kompass.audit.models import AuditAction
    from kompass.audit.services import audit_record, snapshot
    from kompass.framework import kommunentypen

    kommune = w.kommune
    measure = Measure.objects.for_kommune(kommune).order_by("pk").first()
    assert measure is not None, "the agenda scene has measures"
    status = MeasureStatus.ABGESCHLOSSEN if measure.status != MeasureStatus.ABGESCHLOSSEN else MeasureStatus.GEPLANT
    agenda.measure_status_change(kommune=kommune, actor=user, measure=measure, status=status, note="Erledigt")
    report = agenda.status_report_create(
        kommune=kommune, actor=user, measure=measure, data={"light": "gruen", "progress": "40", "text": "Läuft"}
    )
    audit_record(
        kommune_id=kommune.pk,
        actor=user,
        action=AuditAction.UPDATE,
        obj=report,
        before={"author_name": ""},
        after=snapshot(report, ("author_name",)),
    )
    recommendation = Recommendation.objects.for_kommune(kommune).order_by("pk").first()
    assert recommendation is not None, "the framework scene has an accepted recommendation"
    services_targets.recommendation_drop(kommune=kommune, actor=None, recommendation=recommendation, reason="Später")
    services_targets.recommendation_accept(
        kommune=kommune, actor=user, template=recommendation.template, field=recommendation.field
    )
    answers = dict.fromkeys(kommunentypen.catalogue().item_keys, 3)
    services_targets.type_profile_save(kommune=kommune, actor=user, answers=answers)
