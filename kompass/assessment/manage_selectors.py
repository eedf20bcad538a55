"""Reads of the campaign pages (list, detail, form, questionnaire, invitations), scoped to a Kommune.

Each reads a fixed number of queries whatever the number of campaigns, criteria or people. Counts of
answers are never exact while a campaign runs: they are rounded down to steps of k
(`anonymity.round_down`), like `results.participation`; invitations are counted exactly (who was
invited is no secret, what was answered is).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils import timezone

from kompass.assessment.anonymity import round_down
from kompass.assessment.models import MIN_K, Audience, Campaign, CampaignItem, Channel, Participant
from kompass.framework import selectors as framework_selectors
from kompass.org.models import NATURAL_ORDER, OrgUnit
from kompass.org.selectors import unit_label
from kompass.tenancy.models import Kommune

PERSONAL_CHANNELS = (Channel.MAIL, Channel.LIST, Channel.LETTER)  # the open link invites nobody in person
DEPTH_EXAMPLES = 4  # units named per reporting level on the campaign form
MAX_DEPTH = 4


@dataclass(frozen=True)
class CampaignRow:
    campaign: Campaign
    invited: int
    answered_at_least: int  # in steps of k


def campaign_rows(kommune: Kommune) -> list[CampaignRow]:
    """Every campaign of the Kommune, newest first, with its invitations and answers (steps of k)."""
    campaigns = Campaign.objects.for_kommune(kommune).annotate(
        n_invited=Count("participants"), n_answered=Count("participants__answered_on")
    )
    return [
        CampaignRow(c, c.n_invited, round_down(c.n_answered, max(c.k, MIN_K)))  # type: ignore[attr-defined]
        for c in campaigns
    ]


@dataclass(frozen=True)
class LevelExample:
    """What "Ebene n" of the reporting depth means in this Kommune: the first units at that level."""

    depth: int
    names: list[str]
    count: int


def depth_examples(kommune: Kommune) -> dict[int, LevelExample]:
    """For each reporting depth 1–4, the first few active units of that level of the org chart
    (depth 1 = the top level, tree depth 0) and how many there are."""
    units = OrgUnit.objects.for_kommune(kommune).filter(is_active=True)
    counts = dict(
        units.filter(depth__lt=MAX_DEPTH).values_list("depth").annotate(n=Count("id")).values_list("depth", "n")
    )
    examples = {}
    for level in range(1, MAX_DEPTH + 1):
        first = units.filter(depth=level - 1).only("code", "name").order_by(*NATURAL_ORDER)[:DEPTH_EXAMPLES]
        examples[level] = LevelExample(level, [unit_label(u) for u in first], counts.get(level - 1, 0))
    return examples


@dataclass
class InvitedCounts:
    """Invitations per audience and channel (exact: participation is no secret)."""

    rows: dict[str, dict[str, int]] = field(default_factory=dict)

    def total(self) -> int:
        """Personal invitations (mail, list, letter); visitors of the open link are not invited."""
        return sum(n for channels in self.rows.values() for c, n in channels.items() if c in PERSONAL_CHANNELS)

    def table(self, audiences: list[str]) -> list[dict[str, Any]]:
        """One row per audience of the campaign: label, count per channel, total."""
        return [
            {
                "audience": audience,
                "label": Audience(audience).label,
                "channels": [self.rows.get(audience, {}).get(c, 0) for c in PERSONAL_CHANNELS],
                "total": sum(self.rows.get(audience, {}).get(c, 0) for c in PERSONAL_CHANNELS),
            }
            for audience in audiences
        ]


def invited_counts(campaign: Campaign) -> InvitedCounts:
    rows: dict[str, dict[str, int]] = defaultdict(dict)
    counted = (
        Participant.objects.for_kommune(campaign.kommune)
        .filter(campaign=campaign, channel__in=PERSONAL_CHANNELS)
        .values("audience", "channel")
        .annotate(n=Count("id"))
        .values_list("audience", "channel", "n")
    )
    for audience, channel, n in counted:
        rows[audience][channel] = n
    return InvitedCounts(dict(rows))


def letters_waiting(campaign: Campaign) -> bool:
    """Are there people invited by letter who have neither answered nor been reminded today?"""
    return (
        Participant.objects.for_kommune(campaign.kommune)
        .filter(campaign=campaign, channel=Channel.LETTER, answered_on__isnull=True)
        .exclude(reminded_on=timezone.localdate())
        .exists()
    )


def campaign_audiences(campaign: Campaign) -> list[str]:
    """The campaign's audiences in their fixed order (Verwaltungsvorstand first)."""
    return [a for a in Audience.values if a in (campaign.audiences or [])]


# --- the questionnaire ---------------------------------------------------------------------------


def questionnaire_choices(kommune: Kommune) -> list[framework_selectors.DimensionNode]:
    """The criteria a questionnaire may ask: active criteria of active, assessable fields."""
    nodes = []
    for node in framework_selectors.tree(kommune, active_only=True):
        node.fields = [f for f in node.fields if f.field.assessable and f.criteria]
        if node.fields:
            nodes.append(node)
    return nodes


def selected_criteria(campaign: Campaign) -> set[int]:
    return set(
        CampaignItem.objects.for_kommune(campaign.kommune)
        .filter(campaign=campaign)
        .values_list("criterion_id", flat=True)
    )


@dataclass(frozen=True)
class FieldSummary:
    dimension: str
    field: str
    criteria: list[str]


def questionnaire_summary(campaign: Campaign) -> list[FieldSummary]:
    """The questionnaire as asked (the wording stored with the campaign), field by field."""
    by_field: dict[tuple[str, str], list[str]] = {}
    items = CampaignItem.objects.for_kommune(campaign.kommune).filter(campaign=campaign)
    for item in items.only("dimension_name", "field_name", "name", "position"):
        by_field.setdefault((item.dimension_name, item.field_name), []).append(item.name)
    return [FieldSummary(dim, name, criteria) for (dim, name), criteria in by_field.items()]
