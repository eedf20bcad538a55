"""The stored result of a campaign as the result pages, the PDF report, the workbook and the API show it.

Nothing here computes a statistic from answers. Every number comes from the stored result
(`results.stored`), which holds no number of a hidden group; this module only arranges what is
there — fields under their dimensions, groups in the order of the org chart, earlier campaigns
matched by field key — and says what is hidden and why. The few derived figures are plain
arithmetic on visible values: the response rate of a visible group, the difference between two
visible field scores (the perception gap) and the range of the visible "kann ich nicht
beurteilen" shares of a field's criteria.

Every read of a result for a person is written to the release log (`release`), one line per
breakdown shown, so the Personalrat can see who looked at what.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kompass.assessment import grouping, results
from kompass.assessment.models import (
    Audience,
    Campaign,
    CampaignItem,
    CampaignResult,
    CampaignStatus,
    ResultRelease,
)

# The breakdowns of the release log (`ResultRelease.breakdown`) and the channels (`.channel`).
GESAMT, ZIELGRUPPEN, EINHEITEN, KREUZTABELLE, KRITERIUM, TREND, FREITEXT = (
    "gesamt",
    "zielgruppen",
    "einheiten",
    "kreuztabelle",
    "kriterium",
    "trend",
    "freitext",
)
BREAKDOWNS = (GESAMT, ZIELGRUPPEN, EINHEITEN, KREUZTABELLE, KRITERIUM, TREND, FREITEXT)
SEITE, PDF, XLSX, API, STARTSEITE = "seite", "pdf", "xlsx", "api", "startseite"
CHANNELS = (SEITE, PDF, XLSX, API, STARTSEITE)

# Leadership and staff for the perception gap (Wahrnehmungslücke).
LEADERSHIP = (Audience.VORSTAND.value, Audience.FUEHRUNG.value)
STAFF = Audience.MITARBEITENDE.value

# Consensus: the standard deviation of the levels 1–5 in words (see `consensus`).
CONSENSUS_AGREED = 0.8
CONSENSUS_SPLIT = 1.2

CLOSED = (CampaignStatus.CLOSED, CampaignStatus.ARCHIVED)


def breakdown_label(key: str) -> str:
    return {
        GESAMT: _("Gesamt"),
        ZIELGRUPPEN: _("Zielgruppen"),
        EINHEITEN: _("Organisationseinheiten"),
        KREUZTABELLE: _("Zielgruppe × Organisationseinheit"),
        KRITERIUM: _("Kriterien"),
        TREND: _("Verlauf"),
        FREITEXT: _("Freitext"),
    }.get(key, key)


def channel_label(key: str) -> str:
    return {
        SEITE: _("Seite"),
        PDF: _("PDF-Bericht"),
        XLSX: _("Tabelle (XLSX)"),
        API: _("API"),
        STARTSEITE: _("Startseite (einmal am Tag je Person)"),
    }.get(key, key)


def hidden_text(k: int) -> str:
    """What is shown instead of the numbers of a hidden group."""
    return _("weniger als %(k)d Antworten oder zum Schutz einer kleinen Gruppe verborgen") % {"k": k}


def consensus(sd: float | None) -> tuple[str, str] | None:
    """The spread of the answers as a consensus indicator: ("einig" | "gemischt" | "uneinig", words).

    On the five levels the standard deviation lies between 0 (everyone chose the same level) and 2
    (half chose 1, half chose 5); answers spread evenly over all five levels give about 1.41. Below
    0.8 most answers lie within one level of each other: *einig*. From 1.2 on the answers spread
    almost as widely as at random, or split into camps: *uneinig*. In between: *gemischt*.
    Confidence: abgeleitet (our own thresholds, from the range of the scale; no public source sets
    them for maturity surveys)."""
    if sd is None:
        return None
    if sd < CONSENSUS_AGREED:
        return "einig", _("einig")
    if sd < CONSENSUS_SPLIT:
        return "gemischt", _("gemischt")
    return "uneinig", _("uneinig")


# --- the pieces of a result ----------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    kind: str  # all, audience, unit, subunit, cross
    parent: str | None
    n: int | None
    hidden: bool


@dataclass(frozen=True)
class Item:
    id: int
    name: str
    question: str
    field_key: str


@dataclass
class FieldInfo:
    key: str
    name: str
    dimension_key: str
    dimension_name: str
    items: list[Item] = field(default_factory=list)


@dataclass
class DimensionInfo:
    key: str
    name: str
    fields: list[FieldInfo] = field(default_factory=list)


@dataclass(frozen=True)
class ParticipationRow:
    label: str
    invited: int | None
    answered: int | None  # None: the group is hidden
    hidden: bool

    @property
    def rate(self) -> float | None:
        if self.answered is None or not self.invited:
            return None
        return round(100 * self.answered / self.invited)


@dataclass(frozen=True)
class Gap:
    """The perception gap of one field: a leadership audience's score minus the staff's."""

    field: FieldInfo
    leader: Group
    leader_score: float
    staff_score: float

    @property
    def gap(self) -> float:
        return round(self.leader_score - self.staff_score, 2)


@dataclass(frozen=True)
class CrossRow:
    unit: Group
    cells: list[Group | None]  # per audience column; None: nobody of that audience in the unit


# --- the result ----------------------------------------------------------------------------------


class Result:
    """One campaign's stored result, read for display (see the module's description)."""

    def __init__(self, campaign: Campaign, data: Mapping[str, Any]) -> None:
        self.campaign = campaign
        self.data = data

    # figures of the whole result

    @property
    def k(self) -> int:
        return int(self.data.get("k", campaign_k(self.campaign)))

    @property
    def k_distribution(self) -> int:
        return int(self.data.get("k_distribution", max(self.k, 10)))

    @property
    def suppressed_groups(self) -> int:
        return int(self.data.get("suppressed", {}).get("groups", 0))

    @property
    def suppressed_cells(self) -> int:
        return int(self.data.get("suppressed", {}).get("cells", 0))

    @property
    def k_statement(self) -> str:
        """ "k = 5; 3 Gruppen verborgen" — on every result page and in every report."""
        return k_statement(self.k, self.suppressed_groups)

    @property
    def hidden_text(self) -> str:
        return hidden_text(self.k)

    @cached_property
    def groups(self) -> list[Group]:
        return [
            Group(g["key"], g["label"], g["kind"], g.get("parent"), g.get("n"), bool(g.get("hidden")))
            for g in self.data.get("groups", [])
        ]

    @cached_property
    def _groups_by_key(self) -> dict[str, Group]:
        return {g.key: g for g in self.groups}

    def group(self, key: str) -> Group | None:
        return self._groups_by_key.get(key)

    @property
    def total(self) -> Group | None:
        return self.group(grouping.ALL)

    def visible(self, key: str) -> bool:
        group = self.group(key)
        return group is not None and not group.hidden

    # the questionnaire

    @cached_property
    def items(self) -> list[Item]:
        return [Item(int(i["id"]), i["name"], i["question"], i["field_key"]) for i in self.data.get("items", [])]

    @cached_property
    def dimensions(self) -> list[DimensionInfo]:
        """Dimensions → fields → items in the order of the questionnaire."""
        dimensions: dict[str, DimensionInfo] = {}
        fields: dict[str, FieldInfo] = {}
        for raw, item in zip(self.data.get("items", []), self.items, strict=True):
            dim = dimensions.setdefault(
                raw["dimension_key"], DimensionInfo(raw["dimension_key"], raw["dimension_name"])
            )
            if item.field_key not in fields:
                fields[item.field_key] = FieldInfo(
                    item.field_key, raw["field_name"], raw["dimension_key"], raw["dimension_name"]
                )
                dim.fields.append(fields[item.field_key])
            fields[item.field_key].items.append(item)
        return list(dimensions.values())

    @cached_property
    def fields(self) -> list[FieldInfo]:
        return [f for d in self.dimensions for f in d.fields]

    def field(self, key: str) -> FieldInfo | None:
        return next((f for f in self.fields if f.key == key), None)

    # numbers (None wherever the stored result has none)

    def field_score(self, group_key: str, field_key: str) -> float | None:
        return _number(self.data.get("fields", {}).get(group_key, {}).get(field_key))

    def field_scores(self, group_key: str = grouping.ALL) -> dict[str, float | None]:
        return {f.key: self.field_score(group_key, f.key) for f in self.fields}

    def dimension_score(self, group_key: str, dimension_key: str) -> float | None:
        return _number(self.data.get("dimensions", {}).get(group_key, {}).get(dimension_key))

    def stat(self, group_key: str, item_id: int) -> dict[str, Any] | None:
        """The stored figures of one question for one group (None for a hidden group)."""
        if not self.visible(group_key):
            return None
        stat = self.data.get("stats", {}).get(group_key, {}).get(str(item_id))
        return dict(stat) if stat is not None else None

    def cannot_range(self, group_key: str, field_info: FieldInfo) -> tuple[float, float] | None:
        """Lowest and highest share of "kann ich nicht beurteilen" among the field's questions."""
        shares = [
            float(stat["cannot_share"])
            for item in field_info.items
            if (stat := self.stat(group_key, item.id)) is not None and stat.get("cannot_share") is not None
        ]
        return (min(shares), max(shares)) if shares else None

    # breakdowns

    @property
    def audiences(self) -> list[Group]:
        return [g for g in self.groups if g.kind == "audience"]

    @property
    def merged_audiences(self) -> list[tuple[str, str]]:
        """(raw audience, the audience it is reported with), as labels."""
        return [
            (audience_label(raw), audience_label(into)) for raw, into in self.data.get("audience_merge", {}).items()
        ]

    @cached_property
    def units(self) -> list[Group]:
        """The unit groups in the order of the org chart: each top unit, then its sub-units (by
        name) and "direkt zugeordnet"; "Ohne Zuordnung" last."""
        tops = sorted(
            (g for g in self.groups if g.kind == "unit"), key=lambda g: (g.key == f"u:{grouping.NO_UNIT}", g.label)
        )
        ordered: list[Group] = []
        for top in tops:
            ordered.append(top)
            children = [g for g in self.groups if g.kind == "subunit" and g.parent == top.key]
            ordered.extend(sorted(children, key=lambda g: (g.key.startswith("d:"), g.label)))
        return ordered

    @property
    def top_units(self) -> list[Group]:
        return [g for g in self.units if g.kind == "unit"]

    @cached_property
    def cross(self) -> list[CrossRow]:
        """The audience × top-level unit table: a row per top unit, a cell per audience."""
        rows = []
        for unit in self.top_units:
            top = unit.key.removeprefix("u:")
            cells = [self.group(f"x:{top}:{a.key.removeprefix('a:')}") for a in self.audiences]
            rows.append(CrossRow(unit, cells))
        return rows

    def perception_gaps(self) -> list[Gap]:
        """Per field and visible leadership audience: its score minus the staff's, largest first."""
        staff_key = f"a:{STAFF}"
        if not self.visible(staff_key):
            return []
        gaps = []
        for audience in LEADERSHIP:
            leader = self.group(f"a:{audience}")
            if leader is None or leader.hidden:
                continue
            for f in self.fields:
                lead, staff = self.field_score(leader.key, f.key), self.field_score(staff_key, f.key)
                if lead is not None and staff is not None:
                    gaps.append(Gap(f, leader, lead, staff))
        return sorted(gaps, key=lambda g: (-abs(g.gap), g.field.name))

    @property
    def gap_missing_reason(self) -> str:
        """Why no perception gap can be shown, or ""."""
        staff = self.group(f"a:{STAFF}")
        if staff is None:
            if STAFF in self.data.get("audience_merge", {}):
                return _(
                    "Die Mitarbeitenden waren weniger als k und wurden mit einer anderen Zielgruppe ausgewertet; "
                    "eine Wahrnehmungslücke lässt sich deshalb nicht zeigen."
                )
            return _("Mitarbeitende wurden nicht befragt oder haben nicht geantwortet.")
        if staff.hidden:
            return _("Die Ergebnisse der Mitarbeitenden sind verborgen.")
        if not any(self.visible(f"a:{a}") for a in LEADERSHIP):
            return _("Von Verwaltungsvorstand und Führungskräften gibt es keine sichtbaren Ergebnisse.")
        return ""

    # participation and free text

    @cached_property
    def participation(self) -> list[ParticipationRow]:
        """Invited and answered: the Kommune as a whole, then each reporting audience."""
        stored = self.data.get("participation") or {}
        invited_raw: Mapping[str, int] = stored.get("audiences", {})
        merge = self.data.get("audience_merge", {})
        rows = []
        total = self.total
        if total is not None:
            rows.append(ParticipationRow(_("Gesamt"), stored.get("invited"), total.n, total.hidden))
        for group in self.audiences:
            audience = group.key.removeprefix("a:")
            invited = sum(n for raw, n in invited_raw.items() if merge.get(raw, raw) == audience)
            rows.append(ParticipationRow(group.label, invited if invited_raw else None, group.n, group.hidden))
        return rows

    @property
    def comments(self) -> list[tuple[Group, list[str]]]:
        """The free texts per group, as stored (only groups that reached the threshold)."""
        stored = self.data.get("comments", {})
        return [(g, list(stored[g.key])) for g in self.groups if stored.get(g.key)]

    @property
    def free_text_k(self) -> int:
        return int(self.data.get("free_text_k", 10))


def campaign_k(campaign: Campaign) -> int:
    return max(campaign.k, 5)


def k_statement(k: int, suppressed: int) -> str:
    groups = ngettext("%(n)d Gruppe verborgen", "%(n)d Gruppen verborgen", suppressed) % {"n": suppressed}
    return f"k = {k}; {groups}"


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def audience_label(key: str) -> str:
    try:
        return str(Audience(key).label)
    except ValueError:
        return key


# --- reading stored results ----------------------------------------------------------------------


def for_campaign(campaign: Campaign) -> Result | None:
    """The result of a closed or archived campaign; None while it is a draft or open."""
    data = results.stored(campaign)
    return Result(campaign, data) if data is not None else None


def closed_campaigns(kommune: Any) -> list[Result]:
    """Every closed or archived campaign of the Kommune with its result, oldest first, in two queries
    (a campaign closed before results were stored gets its result stored now)."""
    campaigns = list(
        Campaign.objects.for_kommune(kommune).filter(status__in=CLOSED).order_by("starts_on", "closed_on", "id")
    )
    stored = dict(
        CampaignResult.objects.for_kommune(kommune)
        .filter(campaign__in=[c.pk for c in campaigns])
        .values_list("campaign_id", "data")
    )
    found = []
    for campaign in campaigns:
        campaign.kommune = kommune
        data = stored.get(campaign.pk)
        if data is None:
            data = results.stored(campaign)
        if data is not None:
            found.append(Result(campaign, data))
    return found


def _before(a: Campaign, b: Campaign) -> bool:
    return (a.starts_on, a.pk) < (b.starts_on, b.pk)


def item_levels(campaign: Campaign) -> dict[int, list[str]]:
    """The level texts of the questionnaire as asked (kept with the campaign, not with the answers)."""
    rows = CampaignItem.objects.for_kommune(campaign.kommune).filter(campaign=campaign).values_list("pk", "levels")
    return {pk: list(levels or []) for pk, levels in rows}


@dataclass(frozen=True)
class TrendField:
    key: str
    name: str
    dimension_name: str
    scores: list[float | None]  # one per campaign, in the order of `Trend.campaigns`


@dataclass(frozen=True)
class Trend:
    campaigns: list[Campaign]
    fields: list[TrendField]

    @property
    def dimensions(self) -> list[tuple[str, list[TrendField]]]:
        by_dimension: dict[str, list[TrendField]] = {}
        for f in self.fields:
            by_dimension.setdefault(f.dimension_name, []).append(f)
        return list(by_dimension.items())


def trend(closed: Sequence[Result], upto: Result | None = None) -> Trend:
    """The field scores of "Gesamt" across campaigns, matched by field key; with `upto`, only the
    campaigns that started no later than it. Fields in the order of the newest campaign first."""
    chosen = [r for r in closed if upto is None or not _before(upto.campaign, r.campaign)]
    names: dict[str, tuple[str, str]] = {}
    for result in reversed(chosen):
        for f in result.fields:
            names.setdefault(f.key, (f.name, f.dimension_name))
    fields = [
        TrendField(key, name, dimension, [r.field_score(grouping.ALL, key) for r in chosen])
        for key, (name, dimension) in names.items()
    ]
    return Trend([r.campaign for r in chosen], fields)


# --- the release log -----------------------------------------------------------------------------


def release(result: Result, user: Any, channel: str, breakdowns: Iterable[str]) -> None:
    """One line of the release log per breakdown shown (who, when, which breakdown, which channel)."""
    for breakdown in breakdowns:
        results.record_release(
            campaign=result.campaign, user=user, breakdown=breakdown, channel=channel, data=result.data
        )


def release_once_a_day(result: Result, user: Any, channel: str, breakdown: str) -> None:
    """`release` for a view that shows a result again and again (the start page's panel): one line
    per person, campaign, breakdown and channel a day is enough for the Personalrat to see who saw
    it; a line per page load would bury the deliberate reads in the log."""
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    seen = ResultRelease.objects.for_kommune(result.campaign.kommune).filter(
        campaign=result.campaign, user=user if getattr(user, "pk", None) else None,
        breakdown=breakdown, channel=channel, at__gte=start,
    )  # fmt: skip
    if not seen.exists():
        release(result, user, channel, [breakdown])


# --- rows of the overview ------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldRow:
    """One field of the overview: its score for "Gesamt", the previous campaign's, the range of the
    "kann ich nicht beurteilen" shares of its questions."""

    field: FieldInfo
    score: float | None
    previous: float | None
    cannot: tuple[float, float] | None

    @property
    def cannot_min_percent(self) -> int | None:
        return round(100 * self.cannot[0]) if self.cannot else None

    @property
    def cannot_max_percent(self) -> int | None:
        return round(100 * self.cannot[1]) if self.cannot else None


def field_rows(result: Result, earlier: Result | None = None) -> list[FieldRow]:
    return [
        FieldRow(
            f,
            result.field_score(grouping.ALL, f.key),
            earlier.field_score(grouping.ALL, f.key) if earlier is not None else None,
            result.cannot_range(grouping.ALL, f),
        )
        for f in result.fields
    ]


def previous_result(result: Result) -> Result | None:
    """The Kommune's closed campaign that started last before this one, with its result (two queries)."""
    campaign = result.campaign
    earlier = (
        Campaign.objects.for_kommune(campaign.kommune)
        .filter(status__in=CLOSED)
        .filter(Q(starts_on__lt=campaign.starts_on) | Q(starts_on=campaign.starts_on, pk__lt=campaign.pk))
        .order_by("-starts_on", "-pk")
        .first()
    )
    if earlier is None:
        return None
    earlier.kommune = campaign.kommune
    return for_campaign(earlier)
