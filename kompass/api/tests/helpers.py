"""Helpers for the API tests: a JSON client that authenticates with a personal API token."""

from __future__ import annotations

import datetime
import json
import secrets
from typing import Any

from django.test import Client
from django.test.client import MULTIPART_CONTENT
from django.utils import timezone

from kompass.accounts import services as account_services
from kompass.accounts.models import ApiToken, TokenScope, User
from kompass.audit.models import AuditEntry
from kompass.conftest import World
from kompass.org.models import OrgUnit, Person
from kompass.tenancy.models import Kommune, Membership

BASE = "/api/v1/kommunen/teststadt"


class ApiClient:
    """Talks JSON to the API as one user (with a fresh token), or anonymously."""

    def __init__(self, secret: str | None = None, client: Client | None = None) -> None:
        self.client = client or Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(path, params or {}, headers=self.headers)

    def post(self, path: str, data: Any = None) -> Any:
        return self.client.post(path, json.dumps(data), content_type="application/json", headers=self.headers)

    def patch(self, path: str, data: Any = None) -> Any:
        return self.client.patch(path, json.dumps(data), content_type="application/json", headers=self.headers)

    def delete(self, path: str, params: str = "") -> Any:
        return self.client.delete(path + params, headers=self.headers)

    def upload(self, path: str, data: dict[str, Any]) -> Any:
        return self.client.post(path, data, content_type=MULTIPART_CONTENT, headers=self.headers)

    def raw(self, method: str, path: str, body: bytes | str, content_type: str = "application/json") -> Any:
        return self.client.generic(method, path, body, content_type=content_type, headers=self.headers)


def token_for(user: User) -> str:
    """A persona's token for her only Kommune, allowed to write (what she may change is her role's)."""
    _token, secret = persona_token(user)
    return secret


def persona_token(user: User) -> tuple[ApiToken, str]:
    """A persona's API token. A platform operator is member of no Kommune and can make none; she gets
    a row for Teststadt as if it had been made, so the tests show the API still lets her in nowhere."""
    if Membership.objects.unscoped().filter(user=user).exists():
        return account_services.api_token_create(user=user, name="Test", scope=TokenScope.WRITE)
    secret = account_services.TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name="Test",
        prefix=secret[:11],
        token_hash=account_services.hash_token(secret),
        kommune=Kommune.objects.get(slug="teststadt"),
        scope=TokenScope.WRITE,
        expires_at=timezone.now() + datetime.timedelta(days=90),
        password_stamp=account_services.password_stamp(user),
    )
    return token, secret


def tenant_state(world: World) -> tuple[Any, ...]:
    """Everything a write could change, in both Kommunen: compare before and after a request."""
    from kompass.agenda import models as agenda
    from kompass.assessment.models import (
        AssessmentSettings,
        Campaign,
        CampaignItem,
        CampaignResult,
        Participant,
        Recommendation,
        Target,
        TypeProfile,
    )
    from kompass.framework.models import Criterion, Dimension, Field, Framework
    from kompass.roles.models import Assignment, RaciCell, Role, RoleModel

    rows = (
        OrgUnit,
        Person,
        Role,
        Assignment,
        RaciCell,
        Field,
        Criterion,
        Campaign,
        Target,
        Recommendation,
        TypeProfile,
        # the digital agenda
        agenda.AgendaSettings,
        agenda.Agenda,
        agenda.AgendaVersion,
        agenda.Leitsatz,
        agenda.Handlungsfeld,
        agenda.CouncilDecision,
        agenda.Goal,
        agenda.Measure,
        agenda.Milestone,
        agenda.BudgetLine,
        agenda.MeasureDependency,
        agenda.Risk,
        agenda.MeasureRole,
        agenda.ImpactStep,
        agenda.KPI,
        agenda.KPIValue,
        agenda.StatusReport,
    )
    links = (  # the agenda's many-to-many links (rows of no Kommune of their own)
        agenda.Goal.handlungsfelder.through,
        agenda.Measure.handlungsfelder.through,
        agenda.Measure.goals.through,
    )
    counted = (
        RoleModel,
        Framework,
        Dimension,
        CampaignItem,
        CampaignResult,
        Participant,
        AssessmentSettings,
        AuditEntry,
        agenda.MeasureStatusChange,
        agenda.ReportReminder,
    )
    return (
        *(list(model.objects.unscoped().order_by("pk").values()) for model in rows),
        *(list(model.objects.order_by("pk").values()) for model in links),
        *(model.objects.unscoped().count() for model in counted),
    )


def api_entries(world: World) -> Any:
    return AuditEntry.objects.for_kommune(world.kommune).filter(source="api").order_by("id")
