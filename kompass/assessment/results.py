"""A campaign's results: aggregated in SQL, suppressed below k, stored when the campaign closes.

`compute(campaign)` reads two GROUP BY queries (respondents per leaf; answers per leaf, question
and level), rolls the leaves up into the fixed groups of `grouping.py`, decides with
`anonymity.suppress` what may be shown — for respondent counts with k, for each question's
statistics with k on the number of ratings, for distributions with max(k, 10), for free text with
the campaign's free-text threshold — and returns only what is visible: a hidden group has no
numbers at all in the result, so no page, export, PDF or API call can show them by mistake.

While a campaign is open no answer statistics exist; participation is shown in steps of k
(`participation`). Closing stores the result (`CampaignResult`), so the raw answers can be deleted
after the retention period while the aggregates stay. Every read of a result is written to the
release log for the Personalrat (`record_release`).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import timezone, translation

from kompass.assessment import evidence, grouping
from kompass.assessment.anonymity import round_down, suppress
from kompass.assessment.models import (
    DISTRIBUTION_MIN,
    Answer,
    Campaign,
    CampaignItem,
    CampaignResult,
    CampaignStatus,
    Participant,
    Response,
    ResultRelease,
)
from kompass.org.models import OrgUnit
from kompass.org.selectors import unit_label

LEVELS = (1, 2, 3, 4, 5)
RESULT_FORMAT = 1


def reporting_unit_ids(kommune: Any, unit_depth: int) -> dict[int, int]:
    """Every unit → its reporting unit (the ancestor at the reporting depth, or itself if shallower)."""
    if unit_depth <= 0:
        return {}
    mapping: dict[int, int] = {}
    for pk, path in OrgUnit.objects.for_kommune(kommune).values_list("pk", "path"):
        ids = [int(p) for p in path.strip("/").split("/") if p]
        mapping[pk] = ids[min(len(ids), unit_depth) - 1] if ids else pk
    return mapping


def _unit_infos(campaign: Campaign, unit_pks: set[int]) -> dict[int, grouping.UnitInfo]:
    """The reporting units: with a reporting depth of 2 or more, the units of the deepest level
    (depth − 1 in the tree) are grouped under their parents one level up; units above those two
    levels (the Verwaltungsspitze, say) are left out and count as "Ohne Zuordnung"."""
    depth = campaign.unit_depth
    if depth <= 0 or not unit_pks:
        return {}
    sub_depth, top_depth = depth - 1, max(depth - 2, 0)
    units = {u.pk: u for u in OrgUnit.objects.for_kommune(campaign.kommune).filter(pk__in=unit_pks)}
    parent_pks = {u.parent_id for u in units.values() if depth >= 2 and u.depth == sub_depth and u.parent_id}
    parents = {u.pk: u for u in OrgUnit.objects.for_kommune(campaign.kommune).filter(pk__in=parent_pks)}
    infos: dict[int, grouping.UnitInfo] = {}
    for pk, unit in units.items():
        if depth >= 2 and unit.depth == sub_depth and unit.parent_id in parents:
            parent = parents[unit.parent_id]
            infos[pk] = grouping.UnitInfo(pk=pk, label=unit_label(unit), parent_pk=parent.pk)
            infos.setdefault(parent.pk, grouping.UnitInfo(pk=parent.pk, label=unit_label(parent), parent_pk=None))
        elif unit.depth == top_depth:
            infos[pk] = grouping.UnitInfo(pk=pk, label=unit_label(unit), parent_pk=None)
    return infos


def audience_sizes(campaign: Campaign) -> dict[str, int]:
    """How many were invited per audience; for an open link (no list), how many answered."""
    rows = dict(
        Participant.objects.for_kommune(campaign.kommune)
        .filter(campaign=campaign, channel__in=["mail", "liste", "brief"])
        .values_list("audience")
        .annotate(n=Count("id"))
        .values_list("audience", "n")
    )
    if not rows:
        rows = dict(
            Response.objects.for_kommune(campaign.kommune)
            .filter(campaign=campaign)
            .values_list("audience")
            .annotate(n=Count("id"))
            .values_list("audience", "n")
        )
    return {a: n for a, n in rows.items() if n > 0}


@dataclass
class _Moments:
    n: int = 0
    total: int = 0
    squares: int = 0
    cannot: int = 0

    def add(self, value: int | None, count: int) -> None:
        if value is None:
            self.cannot += count
        else:
            self.n += count
            self.total += value * count
            self.squares += value * value * count


def _median(dist: list[int]) -> float | None:
    values = [level for level, count in zip(LEVELS, dist, strict=True) for _ in range(count)]
    return float(statistics.median(values)) if values else None


def compute(campaign: Campaign) -> dict[str, Any]:
    """The visible aggregates of a campaign (see the module's description)."""
    with translation.override("de"):
        return _compute(campaign)


def _compute(campaign: Campaign) -> dict[str, Any]:
    kommune = campaign.kommune
    k = max(campaign.k, 5)
    k_dist = max(k, DISTRIBUTION_MIN)
    items = list(CampaignItem.objects.for_kommune(kommune).filter(campaign=campaign))
    respondent_rows = list(
        Response.objects.for_kommune(kommune)
        .filter(campaign=campaign)
        .values("audience", "unit")
        .annotate(n=Count("id"))
        .values_list("audience", "unit", "n")
    )
    answer_rows = list(
        Answer.objects.for_kommune(kommune)
        .filter(response__campaign=campaign)
        .values("response__audience", "response__unit", "item", "value")
        .annotate(n=Count("id"))
        .values_list("response__audience", "response__unit", "item", "value", "n")
    )
    audiences = grouping.merge_audiences(audience_sizes(campaign) or dict.fromkeys(campaign.audiences, 0), k)
    for aud, _unit, _n in respondent_rows:
        audiences.setdefault(aud, aud)
    unit_pks = {unit for _aud, unit, _n in respondent_rows if unit is not None}
    infos = _unit_infos(campaign, unit_pks)
    groups = grouping.build(
        audiences=audiences,
        leaves=[(aud, unit) for aud, unit, _n in respondent_rows],
        units=infos,
        by_unit=campaign.unit_depth > 0,
    )
    counts: dict[str, int] = defaultdict(int)
    for aud, unit, n in respondent_rows:
        for group in groups.groups_of(aud, unit):
            counts[group] += n
    hidden = suppress(counts, groups.equations, k)

    moments: dict[tuple[str, int], _Moments] = defaultdict(_Moments)
    dists: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0] * len(LEVELS))
    for aud, unit, item_pk, value, n in answer_rows:
        for group in groups.groups_of(aud, unit):
            moments[(group, item_pk)].add(value, n)
            if value is not None:
                dists[(group, item_pk)][value - 1] += n
    group_keys = [key for key in groups.labels if counts.get(key, 0) > 0]
    stats: dict[str, dict[str, Any]] = {key: {} for key in group_keys if key not in hidden}
    hidden_cells = 0
    for item in items:
        valid = {g: moments[(g, item.pk)].n for g in group_keys}
        item_hidden = suppress(valid, groups.equations, k, already_hidden=hidden)
        dist_hidden = suppress(valid, groups.equations, k_dist, already_hidden=item_hidden)
        for group in group_keys:
            if group in hidden:
                continue
            m = moments[(group, item.pk)]
            cell: dict[str, Any] = {"cannot": m.cannot, "cannot_share": round(m.cannot / counts[group], 3)}
            if group in item_hidden or m.n == 0:
                hidden_cells += 1 if m.n else 0
                cell.update(n=None, mean=None, sd=None, median=None, dist=None)
            else:
                mean = m.total / m.n
                variance = max(m.squares / m.n - mean * mean, 0.0)
                dist = dists[(group, item.pk)]
                cell.update(
                    n=m.n,
                    mean=round(mean, 2),
                    sd=round(math.sqrt(variance), 2),
                    median=_median(dist) if group not in dist_hidden else None,
                    dist=list(dist) if group not in dist_hidden else None,
                )
            stats[group][str(item.pk)] = cell

    field_scores, dimension_scores = _scores(items, stats)
    return {
        "format": RESULT_FORMAT,
        "k": k,
        "k_distribution": k_dist,
        "free_text_k": campaign.free_text_k,
        "items": [
            {
                "id": item.pk,
                "name": item.name,
                "question": item.question,
                "field_key": item.field_key,
                "field_name": item.field_name,
                "dimension_key": item.dimension_key,
                "dimension_name": item.dimension_name,
            }
            for item in items
        ],
        "groups": [
            {
                "key": key,
                "label": groups.labels[key],
                "kind": groups.kinds[key],
                "parent": groups.parents.get(key),
                "n": counts[key] if key not in hidden else None,
                "hidden": key in hidden,
            }
            for key in group_keys
        ],
        "audience_merge": {raw: rep for raw, rep in audiences.items() if raw != rep},
        "stats": stats,
        "fields": field_scores,
        "dimensions": dimension_scores,
        "suppressed": {"groups": len(hidden & set(group_keys)), "cells": hidden_cells},
        "comments": _comments(campaign, groups, counts, hidden),
        "participation": _invited(campaign),
        # what the Kompass itself knew about the fields when the campaign closed (evidence.py)
        "evidence": evidence.snapshot(kommune, {item.field_key for item in items}),
        "evidence_on": timezone.localdate().isoformat(),
    }


def _invited(campaign: Campaign) -> dict[str, Any]:
    """Invitations per audience, kept in the result so response rates survive the deletion of the
    participants after the retention period."""
    rows = (
        Participant.objects.for_kommune(campaign.kommune)
        .filter(campaign=campaign)
        .values_list("audience")
        .annotate(n=Count("id"))
        .values_list("audience", "n")
    )
    per_audience = dict(rows)
    return {"invited": sum(per_audience.values()), "audiences": per_audience}


def _scores(items: list[CampaignItem], stats: Mapping[str, Mapping[str, Any]]) -> tuple[dict, dict]:
    """Field score = mean of the visible question means of the field (at least half of them
    visible); dimension score = mean of its visible field scores. Derived from visible values only."""
    by_field: dict[str, list[CampaignItem]] = defaultdict(list)
    dimension_of: dict[str, str] = {}
    for item in items:
        by_field[item.field_key].append(item)
        dimension_of[item.field_key] = item.dimension_key
    fields: dict[str, dict[str, float | None]] = {}
    dimensions: dict[str, dict[str, float | None]] = {}
    for group, cells in stats.items():
        fields[group] = {}
        per_dimension: dict[str, list[float]] = defaultdict(list)
        for field_key, field_items in by_field.items():
            means = [cells[str(i.pk)]["mean"] for i in field_items if cells.get(str(i.pk), {}).get("mean") is not None]
            score = round(sum(means) / len(means), 2) if means and 2 * len(means) >= len(field_items) else None
            fields[group][field_key] = score
            if score is not None:
                per_dimension[dimension_of[field_key]].append(score)
        dimensions[group] = {
            dim: round(sum(scores) / len(scores), 2) for dim, scores in per_dimension.items() if scores
        }
    return fields, dimensions


def _comments(campaign: Campaign, groups: grouping.Grouping, counts: Mapping[str, int], hidden: set[str]) -> dict:
    """Free text only for the Kommune as a whole and the audiences, only for groups of at least the
    free-text threshold, in alphabetical order (never in the order of submission)."""
    if not campaign.free_text_enabled:
        return {}
    threshold = max(campaign.free_text_k, 10)
    wanted = [key for key in groups.labels if groups.kinds[key] in ("all", "audience")]
    text_counts = {key: counts.get(key, 0) for key in wanted}
    audience_equations = [
        eq for eq in groups.equations if eq.parent == grouping.ALL and all(c.startswith("a:") for c in eq.children)
    ]
    text_hidden = suppress(text_counts, audience_equations, threshold, already_hidden=hidden)
    rows = (
        Response.objects.for_kommune(campaign.kommune)
        .filter(campaign=campaign)
        .exclude(comment="")
        .values_list("audience", "unit", "comment")
    )
    out: dict[str, list[str]] = defaultdict(list)
    for aud, unit, comment in rows:
        for group in groups.groups_of(aud, unit):
            if group in wanted and group not in text_hidden:
                out[group].append(comment)
    return {key: sorted(texts) for key, texts in out.items()}


# --- participation while open ------------------------------------------------------------------


def participation(campaign: Campaign) -> dict[str, Any]:
    """Invited and answered per audience, answered in steps of k (0, k, 2k …), so that the numbers
    change only after k further responses. Invitations are no secret; answers per group are."""
    k = max(campaign.k, 5)
    rows = (
        Participant.objects.for_kommune(campaign.kommune)
        .filter(campaign=campaign)
        .values("audience")
        .annotate(invited=Count("id"), answered=Count("answered_on"))
    )
    per_audience = []
    invited_total = answered_total = 0
    for row in rows:
        invited_total += row["invited"]
        answered_total += row["answered"]
        per_audience.append(
            {
                "audience": row["audience"],
                "invited": row["invited"],
                "answered_at_least": round_down(row["answered"], k),
            }
        )
    return {
        "k": k,
        "invited": invited_total,
        "answered_at_least": round_down(answered_total, k),
        "audiences": sorted(per_audience, key=lambda r: r["audience"]),
    }


# --- stored results and the release log ------------------------------------------------------


def store(campaign: Campaign) -> CampaignResult:
    """Compute and store the result of a closed campaign (called when it closes)."""
    data = compute(campaign)
    count = next((g["n"] or 0 for g in data["groups"] if g["key"] == grouping.ALL), 0)
    result, _created = CampaignResult.objects.for_kommune(campaign.kommune).update_or_create(
        kommune=campaign.kommune,
        campaign=campaign,
        defaults={"data": data, "computed_at": timezone.now(), "response_count": count},
    )
    return result


def stored(campaign: Campaign) -> dict[str, Any] | None:
    """The stored result of a closed or archived campaign; None while it is open or a draft."""
    if campaign.status not in (CampaignStatus.CLOSED, CampaignStatus.ARCHIVED):
        return None
    result = CampaignResult.objects.for_kommune(campaign.kommune).filter(campaign=campaign).first()
    if result is None:
        result = store(campaign)
    return result.data


def record_release(*, campaign: Campaign, user: Any, breakdown: str, channel: str, data: Mapping[str, Any]) -> None:
    """One line of the release log: who read which breakdown of which campaign, through what."""
    ResultRelease.objects.create(
        kommune=campaign.kommune,
        campaign=campaign,
        user=user if getattr(user, "pk", None) else None,
        user_name=(getattr(user, "display_name", "") or "System")[:200],
        breakdown=breakdown[:40],
        channel=channel[:10],
        suppressed=int(data.get("suppressed", {}).get("groups", 0)),
    )
    if not campaign.results_released:
        Campaign.objects.for_kommune(campaign.kommune).filter(pk=campaign.pk).update(results_released=True)
        campaign.results_released = True
