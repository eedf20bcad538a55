"""The stored result never shows a group below k, whatever the org tree and the answers (docs/security.md N1, N2).

Random reporting trees and responses are written straight into the tables (the submission path is
tested elsewhere); `results.compute` must keep no number of a hidden group, show every visible group
with k or more, and leave no hidden small group computable from the visible counts — checked
independently of the implementation with the rank test of `test_anonymity_properties`.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kompass.assessment import grouping, results, services
from kompass.assessment.anonymity import Equation
from kompass.assessment.models import Answer, Campaign, CampaignItem, Response
from kompass.assessment.tests.test_anonymity_properties import _determined_independently
from kompass.factories import KommuneFactory, orgunit
from kompass.framework.tests.catalogue_fixture import adopted_framework
from kompass.org.models import OrgUnit, OrgUnitType

AUDIENCES = ["vorstand", "fuehrung", "lotsen", "mitarbeitende"]


@pytest.fixture
def scene(db: Any, tmp_path: Any) -> Any:
    """One Kommune with a root, three Dezernate and two Ämter each (once for all examples of a run)."""
    kommune = KommuneFactory(name="Zufallsstadt", slug="zufallsstadt", ags="05999000")
    root = orgunit(kommune, "V", "Verwaltung", OrgUnitType.VERWALTUNGSVORSTAND)
    leaves = [None, root.pk]
    for d in range(3):
        dez = orgunit(kommune, f"D{d}", f"Dezernat {d}", OrgUnitType.DEZERNAT, root)
        leaves.append(dez.pk)
        for a in range(2):
            leaves.append(orgunit(kommune, f"{d}{a}", f"Amt {d}{a}", OrgUnitType.AMT, dez).pk)
    adopted_framework(kommune, tmp_path / "fw")
    return kommune, leaves


def _true_counts(campaign: Campaign, responses: list[Response]) -> dict[str, int]:
    """What an attacker wants to learn: the real size of every group (the grouping of `results`)."""
    audiences = grouping.merge_audiences(results.audience_sizes(campaign), max(campaign.k, 5))
    infos = results._unit_infos(campaign, {r.unit_id for r in responses if r.unit_id})
    groups = grouping.build(
        audiences=audiences,
        leaves=[(r.audience, r.unit_id) for r in responses],
        units=infos,
        by_unit=campaign.unit_depth > 0,
    )
    counts: dict[str, int] = defaultdict(int)
    for r in responses:
        for group in groups.groups_of(r.audience, r.unit_id):
            counts[group] += 1
    return counts


def _equations(data: dict[str, Any]) -> list[Equation]:
    children: dict[str, list[str]] = defaultdict(list)
    for group in data["groups"]:
        if group["parent"]:
            children[group["parent"]].append(group["key"])
        if group["kind"] == "cross":
            children["a:" + group["key"].rsplit(":", 1)[1]].append(group["key"])
    by_kind: dict[str, list[str]] = defaultdict(list)
    for group in data["groups"]:
        by_kind[group["kind"]].append(group["key"])
    equations = [Equation("all", tuple(by_kind["audience"])), Equation("all", tuple(by_kind["unit"]))]
    for parent, kids in children.items():
        if parent == "all":
            continue
        kinds = {next(g["kind"] for g in data["groups"] if g["key"] == kid) for kid in kids}
        for kind in kinds:
            equations.append(
                Equation(
                    parent, tuple(k for k in kids if next(g["kind"] for g in data["groups"] if g["key"] == k) == kind)
                )
            )
    return [eq for eq in equations if eq.children]


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    depth=st.sampled_from([0, 2, 3]),
    leaves=st.lists(
        st.tuples(st.sampled_from(AUDIENCES), st.integers(0, 9), st.integers(1, 5)), min_size=1, max_size=30
    ),
)
@pytest.mark.django_db
def test_no_number_of_a_hidden_group_and_no_small_group_computable(scene: Any, depth: int, leaves: Any) -> None:
    kommune, units = scene
    campaign = services.campaign_create(
        kommune=kommune,
        actor=None,
        data={"title": "Zufall", "starts_on": "2026-01-01", "ends_on": "2026-02-01", "unit_depth": depth},
    )
    items = list(CampaignItem.objects.for_kommune(kommune).filter(campaign=campaign))
    responses, answers = [], []
    for audience, unit_index, value in leaves:
        unit = units[unit_index % len(units)]
        response = Response(id=uuid.uuid4(), kommune=kommune, campaign=campaign, audience=audience, unit_id=unit)
        responses.append(response)
        answers += [Answer(kommune=kommune, response=response, item=item, value=value) for item in items[:2]]
    # the unit stored is the reporting unit, as services.invite would store it
    tree = {u.pk: u for u in OrgUnit.objects.for_kommune(kommune)}
    for response in responses:
        if response.unit_id is not None:
            response.unit = services.reporting_unit(campaign, tree[response.unit_id])
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(answers)
    data = results.compute(Campaign.objects.for_kommune(kommune).get(pk=campaign.pk))
    k = data["k"]
    true = _true_counts(campaign, responses)
    hidden = {g["key"] for g in data["groups"] if g["hidden"]}
    for group in data["groups"]:
        if group["hidden"]:
            assert group["n"] is None and group["key"] not in data["stats"] and group["key"] not in data["fields"]
        else:
            assert group["n"] >= k
            for cell in data["stats"][group["key"]].values():
                assert cell["n"] is None or cell["n"] >= k
                assert cell["dist"] is None or cell["n"] >= data["k_distribution"]
    # the true sizes of the hidden groups, from the raw rows (what an attacker wants to learn)
    equations = _equations(data)
    visible_counts = {g["key"]: g["n"] for g in data["groups"] if not g["hidden"]}
    for eq in equations:
        if eq.parent in visible_counts and all(c in visible_counts for c in eq.children):
            assert visible_counts[eq.parent] == sum(visible_counts[c] for c in eq.children), eq
    small = [group for group in hidden if true[group] < k]
    assert not [group for group in small if _determined_independently(equations, hidden, group)]
    for group in data["groups"]:
        assert group["hidden"] or group["n"] == true[group["key"]]
    Answer.objects.for_kommune(kommune).filter(response__campaign=campaign).delete()
    Response.objects.for_kommune(kommune).filter(campaign=campaign).delete()
    CampaignItem.objects.for_kommune(kommune).filter(campaign=campaign).delete()
    campaign.delete()
