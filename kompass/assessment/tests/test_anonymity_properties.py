"""Suppression holds for any org tree and any responses (docs/security.md N1, N2).

Random reporting trees, audiences and respondent counts; the fixed breakdowns of `grouping.build`
(audiences, units with sub-units and "direkt zugeordnet", the audience × unit table). Checked:
no visible group below k; in every equation with a visible parent, the hidden children are none or
at least two with k or more together; and — independently of the implementation, by ranks over a
prime field — no hidden group below k is determined by the visible groups through all equations
at once (parent minus siblings, across breakdowns).
"""

from __future__ import annotations

from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kompass.assessment import grouping
from kompass.assessment.anonymity import Equation, determined_groups, suppress

PRIME = 2_147_483_647
AUDIENCES = ["vorstand", "fuehrung", "lotsen", "mitarbeitende"]


def _rank_mod_p(rows: list[list[int]]) -> int:
    matrix = [[v % PRIME for v in row] for row in rows]
    rank, width = 0, len(matrix[0]) if matrix else 0
    for col in range(width):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][col]), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        inv = pow(matrix[rank][col], PRIME - 2, PRIME)
        matrix[rank] = [v * inv % PRIME for v in matrix[rank]]
        for r in range(len(matrix)):
            if r != rank and matrix[r][col]:
                f = matrix[r][col]
                matrix[r] = [(a - f * b) % PRIME for a, b in zip(matrix[r], matrix[rank], strict=True)]
        rank += 1
    return rank


def _determined_independently(equations: list[Equation], hidden: set, group: object) -> bool:
    unknowns = sorted({g for eq in equations for g in (eq.parent, *eq.children) if g in hidden}, key=str)
    index = {g: i for i, g in enumerate(unknowns)}
    rows = []
    for eq in equations:
        row = [0] * len(unknowns)
        if eq.parent in index:
            row[index[eq.parent]] += 1
        for child in eq.children:
            if child in index:
                row[index[child]] -= 1
        if any(row):
            rows.append(row)
    if group not in index or not rows:
        return False
    unit = [0] * len(unknowns)
    unit[index[group]] = 1
    return _rank_mod_p([*rows, unit]) == _rank_mod_p(rows)


@st.composite
def campaigns(draw):
    k = draw(st.integers(5, 7))
    audiences = draw(st.lists(st.sampled_from(AUDIENCES), min_size=1, max_size=4, unique=True))
    by_unit = draw(st.booleans())
    units: dict[int, grouping.UnitInfo] = {}
    next_pk = 1
    unit_choices: list[int | None] = [None]
    for _top in range(draw(st.integers(1, 5))):
        top = next_pk
        units[top] = grouping.UnitInfo(pk=top, label=f"U{top}", parent_pk=None)
        unit_choices.append(top)
        next_pk += 1
        for _sub in range(draw(st.integers(0, 3))):
            units[next_pk] = grouping.UnitInfo(pk=next_pk, label=f"U{next_pk}", parent_pk=top)
            unit_choices.append(next_pk)
            next_pk += 1
    leaves = draw(
        st.dictionaries(
            st.tuples(st.sampled_from(audiences), st.sampled_from(unit_choices)),
            st.integers(1, 14),
            min_size=1,
            max_size=14,
        )
    )
    return k, audiences, by_unit, units, leaves


def _groups_and_counts(k, audiences, by_unit, units, leaves):
    sizes = defaultdict(int)
    for (aud, _unit), n in leaves.items():
        sizes[aud] += n
    mapping = grouping.merge_audiences(dict(sizes), k)
    g = grouping.build(audiences=mapping, leaves=leaves.keys(), units=units, by_unit=by_unit)
    counts: dict[str, int] = defaultdict(int)
    for (aud, unit), n in leaves.items():
        for group in g.groups_of(aud, unit):
            counts[group] += n
    return g, counts


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(campaigns())
def test_no_visible_group_below_k_and_no_subtraction(case):
    k, audiences, by_unit, units, leaves = case
    g, counts = _groups_and_counts(k, audiences, by_unit, units, leaves)
    hidden = suppress(counts, g.equations, k)
    present = {group for group, n in counts.items() if n > 0}
    for group in present - hidden:
        assert counts[group] >= k, (group, counts[group])
    for eq in g.equations:
        if eq.parent in hidden or eq.parent not in present:
            continue
        hid = [c for c in eq.children if c in hidden and c in present]
        assert not hid or (len(hid) >= 2 and sum(counts[c] for c in hid) >= k), (eq, hid)
    live = [
        Equation(eq.parent, tuple(c for c in eq.children if c in present)) for eq in g.equations if eq.parent in present
    ]
    for group in hidden:
        if counts[group] < k:
            assert not _determined_independently(live, hidden, group), group


@settings(max_examples=100, deadline=None)
@given(campaigns())
def test_merged_audiences_reach_k_or_are_one(case):
    k, _audiences, _by_unit, _units, leaves = case
    sizes = defaultdict(int)
    for (aud, _unit), n in leaves.items():
        sizes[aud] += n
    mapping = grouping.merge_audiences(dict(sizes), k)
    totals = defaultdict(int)
    for raw, rep in mapping.items():
        totals[rep] += sizes[raw]
    assert len(totals) == 1 or all(n >= k for n in totals.values())
    assert set(mapping) == set(sizes)


def test_a_single_small_sibling_takes_the_next_smallest_with_it():
    counts = {"P": 20, "A": 2, "B": 8, "C": 10}
    hidden = suppress(counts, [Equation("P", ("A", "B", "C"))], 5)
    assert hidden == {"A", "B"}


def test_two_small_siblings_below_k_together_take_a_third():
    counts = {"P": 22, "A": 2, "B": 1, "C": 9, "D": 10}
    hidden = suppress(counts, [Equation("P", ("A", "B", "C", "D"))], 5)
    assert hidden == {"A", "B", "C"}


def test_with_no_sibling_left_the_parent_goes_and_so_on_upwards():
    equations = [Equation("R", ("P", "Q")), Equation("P", ("A", "B"))]
    counts = {"R": 30, "P": 7, "Q": 23, "A": 3, "B": 4}
    hidden = suppress(counts, equations, 5)
    assert {"A", "B"} <= hidden
    assert "R" not in hidden


def test_the_exact_check_finds_what_the_local_rule_misses():
    # a 2 x 2 table whose cells are all hidden is safe; one visible margin too many exposes a cell
    equations = [
        Equation("r1", ("a", "b")),
        Equation("r2", ("c", "d")),
        Equation("c1", ("a", "c")),
        Equation("c2", ("b", "d")),
        Equation("T", ("r1", "r2")),
    ]
    assert determined_groups(equations, {"a", "b", "c", "d"}) == set()
    assert determined_groups(equations, {"a", "b"}) == {"a", "b"}


def test_empty_groups_reveal_nobody_and_are_left_out():
    counts = {"P": 10, "A": 0, "B": 10}
    assert suppress(counts, [Equation("P", ("A", "B"))], 5) == set()
