"""The Rechenzentrum profile (product brief): 400 Kommunen on one instance, for `make loadtest`.

Each Kommune is a small administration built by the Großstadt's generators at a smaller size: 60
org units in four levels (`bench_profile`), 600 people, the KGSt role model with 900 assignments
(`bench_roles`), one closed self-assessment with 250 invitations, 200 respondents × 20 criteria and
its stored result (`bench_assessment`), and a decided agenda with 40 measures, one KPI each with
12 monthly values (`bench_agenda`, without milestones, budgets and reports). Every tenth Kommune
also has an open campaign with 50 personal invitations, for the public survey pages.

Two accounts per Kommune — its Administration and a read-only member (`Lesend`) — share one
password, hashed once (hashing it 800 times would take minutes and measure nothing), and the
Administration holds a read-only API token. `generate` returns what the load run needs to log in
and find its pages (`KommuneLoad`); the token secrets and survey links exist only there.

Each Kommune is written in its own transaction; the content is seeded, so every run builds the same
Kommunen (apart from the random token and link secrets).
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from kompass.accounts.models import User
from kompass.accounts.services import api_token_create
from kompass.assessment.models import Campaign
from kompass.demo.bench_agenda import AgendaSize, build_agenda
from kompass.demo.bench_assessment import CLOSED_TITLE, AssessmentSize, build_assessment
from kompass.demo.bench_profile import create_kommune, person_rows, populate, unit_rows
from kompass.demo.bench_roles import RoleSize, build_role_model, kgst_catalogue
from kompass.framework.catalogue_loader import load_framework
from kompass.org.models import OrgUnit, OrgUnitType
from kompass.roles.models import Catalogue
from kompass.tenancy.models import Kommune, Membership, Role

KOMMUNEN = 400
LEVEL_SIZES = (1, 4, 15, 40)  # Verwaltungsvorstand, Dezernate, Ämter, Abteilungen: 60 units
PEOPLE = 600
ROLES = RoleSize(assignments=900, lotsen=10, history=100, expiring=5)
ASSESSMENT = AssessmentSize(criteria=20, invited=250, respondents=200, reporting_units=15, open_participants=50)
AGENDA = AgendaSize(
    measures=40, kpis_per_measure=1, months=12, handlungsfelder=4, wirkungsziele=4, operative_per_wirkungsziel=2,
    details=False,
)  # fmt: skip
OPEN_SURVEY_EVERY = 10  # the first Kommune and every tenth after it run an open campaign
ANALYZE_EVERY = 50  # PostgreSQL: fresh statistics now and then, as autovacuum would keep them
PASSWORD = "Rechenzentrum-Last-2026"  # noqa: S105 - the load run's throw-away accounts on loopback
TOKEN_NAME = "Lasttest"  # noqa: S105 - a label, not a secret


def slug_of(n: int) -> str:
    return f"rz-{n + 1:03d}"


@dataclass
class KommuneLoad:
    """What the load run needs of one Kommune: its logins, token, pages' objects and survey links."""

    slug: str
    admin: str
    reader: str
    token: str
    unit_id: int  # an Amt (its detail page)
    campaign_id: int  # the closed campaign (its result page)
    survey_tokens: list[str] = field(default_factory=list)


def _accounts(kommune: Kommune, password_hash: str) -> tuple[User, User]:
    admin, reader = User.objects.bulk_create(
        User(username=f"{kommune.slug}-{suffix}", first_name=first, last_name=kommune.name, password=password_hash)
        for suffix, first in (("admin", "Administration"), ("lesend", "Lesend"))
    )  # fmt: skip
    Membership.objects.bulk_create(
        [Membership(kommune=kommune, user=admin, role=Role.ADMIN), Membership(kommune=kommune, user=reader,
                    role=Role.READER)]
    )  # fmt: skip
    return admin, reader


def build_kommune(n: int, catalogue: Catalogue, password_hash: str, today: datetime.date) -> KommuneLoad:
    """One Kommune of the profile, in one transaction."""
    slug = slug_of(n)
    rows = unit_rows(LEVEL_SIZES)
    with transaction.atomic():
        kommune = create_kommune(
            slug, f"Gemeinde {n + 1:03d} (Rechenzentrum)", f"09{n + 1:06d}", kommune_type="gemeinde", population=25_000
        )
        populate(kommune, rows, person_rows(rows, f"{slug}.example", seed=slug, count=PEOPLE))
        build_role_model(kommune, catalogue, today, ROLES)
        analyze = connection.vendor == "postgresql" and n % ANALYZE_EVERY == 0
        _seconds, survey_tokens = build_assessment(
            kommune, ASSESSMENT, open_survey=n % OPEN_SURVEY_EVERY == 0, analyze=analyze
        )
        build_agenda(kommune, today, AGENDA)
        admin, reader = _accounts(kommune, password_hash)
        _token, secret = api_token_create(user=admin, name=TOKEN_NAME, kommune=kommune, scope="read")
    amt = OrgUnit.objects.for_kommune(kommune).filter(unit_type=OrgUnitType.AMT).order_by("code").first()
    closed = Campaign.objects.for_kommune(kommune).get(title=CLOSED_TITLE)
    return KommuneLoad(slug, admin.username, reader.username, secret, amt.pk if amt else 0, closed.pk, survey_tokens)


def generate(
    kommunen: int = KOMMUNEN,
    today: datetime.date | None = None,
    progress: Callable[[int, float], None] | None = None,
) -> list[KommuneLoad]:
    """The profile with `kommunen` Kommunen (400); `progress(done, seconds)` after each one."""
    load_framework()
    catalogue = kgst_catalogue()
    password_hash = make_password(PASSWORD)
    day = today or timezone.localdate()
    started = time.perf_counter()
    result = []
    for n in range(kommunen):
        result.append(build_kommune(n, catalogue, password_hash, day))
        if progress is not None:
            progress(n + 1, time.perf_counter() - started)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return result
