"""Reads of the self-assessment for the target profile: Ist, Soll, gaps, suggested measures, Kommunentyp.

Always scoped to a Kommune, each in a fixed number of queries whatever the number of fields.

- **Ist** is read from the stored, suppressed result of the latest closed or archived campaign
  (`results.stored`), group "Gesamt": never computed from raw answers, so a field whose score the
  result hides (or that was not asked) has no Ist.
- **Soll** is the Kommune's `Target` per field (optionally per criterion).
- **Gap** = Soll − Ist, **priority** = gap × weight (issue 9, §6), listed from the largest priority.
- **Suggestions**: for the weakest fields, the measure templates that name the field and are meant
  for its level (`template_fits`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kompass.assessment import grouping, results
from kompass.assessment.models import (
    Campaign,
    CampaignItem,
    CampaignStatus,
    Recommendation,
    RecommendationStatus,
    Target,
    TypeProfile,
)
from kompass.framework import kommunentypen
from kompass.framework.models import Criterion, Dimension, Field, MeasureTemplate
from kompass.framework.selectors import tree
from kompass.tenancy.models import Kommune

WEAKEST_FIELDS = 5
RESULT_STATUSES = (CampaignStatus.CLOSED, CampaignStatus.ARCHIVED)


# --- Ist ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CurrentLevels:
    """The Ist of the Kommune: per field key and per criterion id, from one campaign's result."""

    campaign: Campaign | None
    fields: Mapping[str, float | None] = field(default_factory=dict)
    criteria: Mapping[int, float | None] = field(default_factory=dict)

    def of_field(self, key: str) -> float | None:
        return self.fields.get(key)

    def of_criterion(self, pk: int) -> float | None:
        return self.criteria.get(pk)


def latest_result_campaign(kommune: Kommune) -> Campaign | None:
    """The campaign whose result is the Kommune's Ist: the closed or archived one that ended last."""
    return (
        Campaign.objects.for_kommune(kommune)
        .filter(status__in=RESULT_STATUSES)
        .order_by("-ends_on", "-closed_on", "-pk")
        .first()
    )


def current_levels(kommune: Kommune) -> CurrentLevels:
    """Ist per field (the field score of the group "Gesamt") and per criterion (its mean), from the
    stored result of the latest closed campaign; None where the result hides it or did not ask it."""
    campaign = latest_result_campaign(kommune)
    if campaign is None:
        return CurrentLevels(None)
    data = results.stored(campaign) or {}
    fields = dict(data.get("fields", {}).get(grouping.ALL, {}))
    stats = data.get("stats", {}).get(grouping.ALL, {})
    item_criteria = (
        CampaignItem.objects.for_kommune(kommune).filter(campaign=campaign).values_list("pk", "criterion_id")
    )
    criteria = {criterion: stats.get(str(item), {}).get("mean") for item, criterion in item_criteria}
    return CurrentLevels(campaign, fields, criteria)


# --- Soll ----------------------------------------------------------------------------------------


def targets(kommune: Kommune) -> QuerySet[Target]:
    return Target.objects.for_kommune(kommune).select_related("field", "criterion")


def _targets_by_place(kommune: Kommune) -> tuple[dict[int, Target], dict[int, Target]]:
    by_field: dict[int, Target] = {}
    by_criterion: dict[int, Target] = {}
    for target in Target.objects.for_kommune(kommune):
        if target.criterion_id is None:
            by_field[target.field_id] = target
        else:
            by_criterion[target.criterion_id] = target
    return by_field, by_criterion


def field_target(kommune: Kommune, field: Field) -> Target | None:
    return Target.objects.for_kommune(kommune).filter(field=field, criterion__isnull=True).first()


def criterion_target(kommune: Kommune, criterion: Criterion) -> Target | None:
    return Target.objects.for_kommune(kommune).filter(criterion=criterion).first()


@dataclass(frozen=True)
class CriterionRow:
    criterion: Criterion
    ist: float | None
    target: Target | None


@dataclass(frozen=True)
class TargetRow:
    field: Field
    ist: float | None
    target: Target | None
    criteria: list[CriterionRow]

    @property
    def criterion_targets(self) -> int:
        return sum(1 for row in self.criteria if row.target is not None)


@dataclass(frozen=True)
class TargetSection:
    dimension: Dimension
    rows: list[TargetRow]


@dataclass(frozen=True)
class TargetProfile:
    levels: CurrentLevels
    sections: list[TargetSection]

    @property
    def rows(self) -> list[TargetRow]:
        return [row for section in self.sections for row in section.rows]


def target_profile(kommune: Kommune) -> TargetProfile:
    """Every active assessable field by dimension with its Ist and Soll, and its criteria with theirs."""
    levels = current_levels(kommune)
    by_field, by_criterion = _targets_by_place(kommune)
    sections = []
    for node in tree(kommune, active_only=True):
        rows = [
            TargetRow(
                field=f.field,
                ist=levels.of_field(f.field.key),
                target=by_field.get(f.field.pk),
                criteria=[CriterionRow(c, levels.of_criterion(c.pk), by_criterion.get(c.pk)) for c in f.criteria],
            )
            for f in node.fields
            if f.field.assessable
        ]
        if rows:
            sections.append(TargetSection(node.dimension, rows))
    return TargetProfile(levels, sections)


# --- gaps ----------------------------------------------------------------------------------------


def gap_of(soll: Decimal | float, ist: float) -> float:
    """Gap = Soll − Ist (issue 9, §6: "gap = Soll − Ist"), two decimals; negative when the Ist is
    above the Soll."""
    return round(float(soll) - float(ist), 2)


def priority_of(gap: float, weight: int) -> float:
    """Priority = gap × weight (issue 9, §6: "a prioritised list (gap × weight the Kommune sets)")."""
    return round(gap * weight, 2)


@dataclass(frozen=True)
class Gap:
    """One field's Ist and Soll; gap and priority where both are known."""

    field: Field
    ist: float | None
    target: Target | None

    @property
    def gap(self) -> float | None:
        if self.ist is None or self.target is None:
            return None
        return gap_of(self.target.level, self.ist)

    @property
    def priority(self) -> float | None:
        gap = self.gap
        return None if gap is None or self.target is None else priority_of(gap, self.target.weight)

    @property
    def reached(self) -> bool:
        return self.gap is not None and self.gap <= 0

    @property
    def missing(self) -> list[str]:
        """What keeps the field out of the ranking, in words for the page."""
        out = []
        if self.ist is None:
            out.append(_("Ist fehlt"))
        if self.target is None:
            out.append(_("Soll fehlt"))
        return out


@dataclass(frozen=True)
class GapReport:
    campaign: Campaign | None
    ranked: list[Gap]  # Ist and Soll known, largest priority first
    incomplete: list[Gap]  # Ist or Soll missing, in the order of the framework

    @property
    def open_gaps(self) -> list[Gap]:
        return [g for g in self.ranked if not g.reached]


def _rank_key(gap: Gap, order: Mapping[int, int]) -> tuple[float, float, int]:
    return (-(gap.priority or 0.0), -(gap.gap or 0.0), order[gap.field.pk])


def gap_report(kommune: Kommune, profile: TargetProfile | None = None) -> GapReport:
    """The prioritised gaps of the Kommune's active assessable fields (see the module's description)."""
    profile = profile or target_profile(kommune)
    gaps = [Gap(row.field, row.ist, row.target) for row in profile.rows]
    order = {g.field.pk: index for index, g in enumerate(gaps)}
    ranked = sorted((g for g in gaps if g.gap is not None), key=lambda g: _rank_key(g, order))
    incomplete = [g for g in gaps if g.gap is None]
    return GapReport(profile.levels.campaign, ranked, incomplete)


# --- Kommunentyp ---------------------------------------------------------------------------------


def type_profile(kommune: Kommune) -> TypeProfile | None:
    return TypeProfile.objects.for_kommune(kommune).first()


@dataclass(frozen=True)
class TypeResult:
    """The Kommune's answers to the Kommunentyp questionnaire, scored."""

    catalogue: kommunentypen.TypeCatalogue
    profile: TypeProfile | None
    scores: dict[str, float | None]
    nearest: list[kommunentypen.KommuneType]

    @property
    def nearest_keys(self) -> set[str]:
        return {t.key for t in self.nearest}

    @property
    def undecided(self) -> bool:
        """Every type scores the same (e.g. all answers 1): no type stands out."""
        return len(self.nearest) == len(self.catalogue.types) > 1


def type_result(kommune: Kommune, profile: TypeProfile | None = None) -> TypeResult:
    catalogue = kommunentypen.catalogue()
    profile = profile if profile is not None else type_profile(kommune)
    answers = profile.answers if profile is not None else {}
    scores = kommunentypen.type_scores(catalogue, answers)
    nearest = [t for key in kommunentypen.nearest_types(scores) if (t := catalogue.type(key)) is not None]
    return TypeResult(catalogue, profile, scores, nearest if profile is not None else [])


# --- suggested measures and recommendations ----------------------------------------------------


def template_fits(template: MeasureTemplate, field_key: str, ist: float | None) -> bool:
    """A measure template is suggested for a field when it names the field and the field's Ist is
    at or below the template's `max_level` (the rule of `catalogue/massnahmen.toml`: "wenn ihr
    Stand in einem der genannten Felder bei oder unter max_level liegt"). Without an Ist only the
    field decides."""
    return field_key in template.field_keys and (ist is None or ist <= template.max_level)


def weakest(report: GapReport, limit: int | None = WEAKEST_FIELDS) -> list[Gap]:
    """The fields to suggest measures for: open gaps by priority, then fields with an Ist but no
    Soll from the lowest Ist. Fields whose Soll is reached and fields without Ist are left out."""
    without_soll = sorted(
        (g for g in report.incomplete if g.ist is not None and g.target is None), key=lambda g: g.ist or 0.0
    )
    chosen = [*report.open_gaps, *without_soll]
    return chosen if limit is None else chosen[:limit]


def _number(value: float | Decimal) -> str:
    return f"{float(value):.1f}".replace(".", ",")


def default_reason(gap: Gap) -> str:
    """The reason an accepted recommendation is prefilled with, e.g. "Feld Daten: Ist 2,1, Soll 3,5
    (2028); Lücke 1,4 × Gewicht 3"."""
    name = gap.field.name
    if gap.ist is None:
        return _("Feld %(field)s: noch kein Ist aus einer abgeschlossenen Umfrage") % {"field": name}
    if gap.target is None:
        return _("Feld %(field)s: Ist %(ist)s; noch kein Soll festgelegt") % {"field": name, "ist": _number(gap.ist)}
    return _("Feld %(field)s: Ist %(ist)s, Soll %(soll)s (%(year)s); Lücke %(gap)s × Gewicht %(weight)s") % {
        "field": name,
        "ist": _number(gap.ist),
        "soll": _number(gap.target.level),
        "year": gap.target.year,
        "gap": _number(gap.gap or 0),
        "weight": gap.target.weight,
    }


@dataclass(frozen=True)
class Suggestion:
    template: MeasureTemplate
    type_names: list[str]  # the Kommunentypen the template suits (from the catalogue)
    suits_kommune: bool  # one of them is the Kommune's nearest type
    taken: Recommendation | None  # already accepted for this field (not dropped)


@dataclass(frozen=True)
class FieldSuggestions:
    gap: Gap
    reason: str
    suggestions: list[Suggestion]


def active_recommendations(kommune: Kommune) -> dict[tuple[str | None, int], Recommendation]:
    """Accepted recommendations (not dropped) by (template key, field id)."""
    rows = (
        Recommendation.objects.for_kommune(kommune)
        .exclude(status=RecommendationStatus.DROPPED)
        .select_related("template")
    )
    return {(r.template.key if r.template else None, r.field_id): r for r in rows}


def suggestions(
    kommune: Kommune,
    report: GapReport | None = None,
    types: TypeResult | None = None,
    limit: int | None = WEAKEST_FIELDS,
) -> list[FieldSuggestions]:
    """For each of the weakest fields, the measure templates that fit it (see `template_fits`)."""
    report = report or gap_report(kommune)
    types = types or type_result(kommune)
    templates = list(MeasureTemplate.objects.all())
    taken = active_recommendations(kommune)
    type_names = {t.key: t.name for t in types.catalogue.types}
    out = []
    for gap in weakest(report, limit):
        fitting = [t for t in templates if template_fits(t, gap.field.key, gap.ist)]
        out.append(
            FieldSuggestions(
                gap=gap,
                reason=default_reason(gap),
                suggestions=[
                    Suggestion(
                        template=t,
                        type_names=[type_names.get(k, k) for k in t.kommunentypen],
                        suits_kommune=bool(types.nearest_keys & set(t.kommunentypen)),
                        taken=taken.get((t.key, gap.field.pk)),
                    )
                    for t in fitting
                ],
            )
        )
    return out


def recommendations(kommune: Kommune, statuses: Iterable[str] | None = None) -> QuerySet[Recommendation]:
    qs = Recommendation.objects.for_kommune(kommune).select_related("field", "template", "campaign")
    return qs.filter(status__in=list(statuses)) if statuses is not None else qs


def find_gap(kommune: Kommune, field_obj: Field) -> tuple[Gap, Campaign | None]:
    """Ist and Soll of one field, and the campaign the Ist comes from (for accepting a recommendation)."""
    levels = current_levels(kommune)
    return Gap(field_obj, levels.of_field(field_obj.key), field_target(kommune, field_obj)), levels.campaign


def measure_templates() -> dict[str, MeasureTemplate]:
    return {t.key: t for t in MeasureTemplate.objects.all()}


def template_for_key(key: Any) -> MeasureTemplate | None:
    return MeasureTemplate.objects.filter(key=str(key or "")[:60]).first()
