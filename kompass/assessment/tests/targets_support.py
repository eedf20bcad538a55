"""Test data for the target profile, recommendations and Kommunentyp tests.

`closed_campaign` makes a campaign through the services (draft → open → closed, so its result is
stored by `results.store`) and then writes the field scores and criterion means of the group
"Gesamt" into the stored result, in the format of `results.compute` — the Ist the selectors read.
`more_fields` adds fields to the Kommune's framework, to show that query counts do not grow.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kompass.assessment import services
from kompass.assessment.models import Campaign, CampaignItem, CampaignResult, Target
from kompass.framework.models import Criterion, Dimension, Field
from kompass.framework.tests.catalogue_fixture import LEVELS

SLUG = "teststadt"
# Every item of the Kommunentyp questionnaire rated 1, the "Optimierer" items 5.
OPTIMIERER = {
    "pflichten": 1,
    "foerdermittel": 1,
    "sicherheit": 1,
    "nachnutzung": 1,
    "effizienz": 5,
    "datennutzung": 5,
    "neue-zugaenge": 5,
    "nutzerfreundlichkeit": 1,
    "gute-arbeit": 1,
    "qualifizierung": 1,
    "daseinsvorsorge": 1,
    "mitgestaltung": 1,
    "offenheit": 1,
}
THIS_YEAR = services.today().year


def closed_campaign(
    world: Any,
    fields: dict[str, float | None],
    criteria: dict[str, float | None] | None = None,
    *,
    title: str = "Standortbestimmung",
    ends_on: str = "2026-02-10",
) -> Campaign:
    """A closed campaign whose stored result gives these field scores (and criterion means, by
    criterion key) for the group "Gesamt"; a field left out was "not asked", None is "hidden"."""
    campaign = services.campaign_create(
        kommune=world.kommune,
        actor=world.admin,
        data={"title": title, "starts_on": ends_on[:4] + "-01-10", "ends_on": ends_on},
    )
    services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign)
    services.campaign_close(kommune=world.kommune, actor=world.admin, campaign=campaign)
    result = CampaignResult.objects.for_kommune(world.kommune).get(campaign=campaign)
    items = CampaignItem.objects.for_kommune(world.kommune).filter(campaign=campaign).select_related("criterion")
    stats = {str(item.pk): {"mean": (criteria or {}).get(item.criterion.key)} for item in items}
    result.data = {**result.data, "fields": {"all": dict(fields)}, "stats": {"all": stats}}
    result.save()
    campaign.refresh_from_db()
    return campaign


def field(world: Any, key: str) -> Field:
    return Field.objects.for_kommune(world.kommune).get(key=key)


def criterion(world: Any, field_key: str, key: str) -> Criterion:
    return Criterion.objects.for_kommune(world.kommune).get(field__key=field_key, key=key)


def set_target(world: Any, key: str, level: str, weight: int = 1, year: int | None = None, **extra: Any) -> Target:
    from kompass.assessment import services_targets

    return services_targets.target_set(
        kommune=world.kommune,
        actor=world.admin,
        field=field(world, key),
        data={"level": level, "year": year or THIS_YEAR + 2, "reason": "Beschluss des Rates", "weight": weight},
        **extra,
    )


def more_fields(world: Any, n: int, *, with_targets: bool = False) -> list[Field]:
    """`n` further active fields (three criteria each) in the first dimension, optionally with a Soll."""
    dimension = Dimension.objects.for_kommune(world.kommune).order_by("position")[0]
    made = []
    for i in range(n):
        extra = Field.objects.create(
            kommune=world.kommune,
            dimension=dimension,
            key=f"extra-{i}",
            name=f"Zusatzfeld {i}",
            confidence="eigene",
            position=100 + i,
        )
        Criterion.objects.bulk_create(
            Criterion(
                kommune=world.kommune,
                field=extra,
                key=f"k{j}",
                name=f"Kriterium {j}",
                question="Wie weit?",
                levels=list(LEVELS),
                confidence="eigene",
                position=j,
            )
            for j in range(3)
        )
        if with_targets:
            Target.objects.create(
                kommune=world.kommune, field=extra, level=Decimal("4.0"), year=THIS_YEAR + 1, reason="x", weight=2
            )
        made.append(extra)
    return made


def add_scores(world: Any, campaign: Campaign, fields: dict[str, float | None]) -> None:
    """More field scores of the group "Gesamt" in a campaign's stored result."""
    result = CampaignResult.objects.for_kommune(world.kommune).get(campaign=campaign)
    result.data["fields"]["all"].update(fields)
    result.save()
