"""Which groups of respondents may be shown: minimum group size and complementary suppression.

Pure functions, no database (property-tested in `tests/test_anonymity_properties.py`).

The reports break responses down along fixed *equations*: a parent group is the sum of its
children (the Kommune = its audiences; the Kommune = its top-level units and the unassigned; a unit
= its sub-units and those assigned to the unit itself; in the audience × unit table, a unit = its
cells and an audience = its cells). Every additive aggregate — counts, sums, sums of squares (and
so mean and spread), the counts per level of a distribution — obeys the same equations, so a group
hidden for being small could be computed as parent minus visible siblings unless more is hidden.

`suppress` hides

1. every group with fewer than k members (primary suppression), and
2. in every equation whose parent is visible, enough further children that the hidden ones are
   at least two and count at least k together (complementary suppression); when no visible sibling
   is left, the parent goes too. This repeats until nothing changes, so a hiding in one breakdown
   carries into every other.
3. Finally an exact check: over all equations at once (a linear system in the hidden groups), no
   hidden group of fewer than k may be uniquely determined by the visible values. Where one is,
   one more group of its equations is hidden and the check repeats. (Steps 1–2 almost always
   suffice; step 3 closes the rare two-dimensional patterns the local rule misses.)

Groups without members are left out of the equations: an empty group reveals nobody.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

Group = str  # a group's key, e.g. "all", "a:fuehrung", "u:12"


@dataclass(frozen=True)
class Equation:
    """`parent` = sum of `children` (for every additive aggregate)."""

    parent: Group
    children: tuple[Group, ...]


def _order(counts: Mapping[Group, int], group: Group) -> tuple[int, str]:
    return (counts.get(group, 0), str(group))


def suppress(
    counts: Mapping[Group, int],
    equations: Sequence[Equation],
    k: int,
    already_hidden: Iterable[Group] = (),
) -> set[Group]:
    """The groups to hide (see the module's description). `already_hidden` are hidden from the
    start, e.g. groups whose respondent count is hidden when deciding about one question."""
    if k < 1:
        raise ValueError("k must be positive")
    present = {g for g, n in counts.items() if n > 0}
    hidden = {g for g in present if counts[g] < k} | (set(already_hidden) & present)
    live = [
        Equation(eq.parent, tuple(c for c in eq.children if c in present)) for eq in equations if eq.parent in present
    ]
    while True:
        _complementary(counts, live, k, hidden)
        determined = _determined_small(counts, live, k, hidden)
        if not determined:
            return hidden
        _hide_one_more(counts, live, determined, hidden)


def _complementary(counts: Mapping[Group, int], equations: Sequence[Equation], k: int, hidden: set[Group]) -> None:
    changed = True
    while changed:
        changed = False
        for eq in equations:
            if eq.parent in hidden:
                continue
            hid = [c for c in eq.children if c in hidden]
            if not hid or (len(hid) >= 2 and sum(counts[c] for c in hid) >= k):
                continue
            visible = sorted((c for c in eq.children if c not in hidden), key=lambda g: _order(counts, g))
            hidden.add(visible[0] if visible else eq.parent)
            changed = True


def _hide_one_more(
    counts: Mapping[Group, int], equations: Sequence[Equation], determined: Group, hidden: set[Group]
) -> None:
    """Hide the smallest visible group that the derivation of `determined` can use: the visible
    members of the equations reachable from it through hidden groups."""
    reached, frontier, visible = {determined}, [determined], set()
    while frontier:
        group = frontier.pop()
        for eq in equations:
            members = (eq.parent, *eq.children)
            if group not in members:
                continue
            for member in members:
                if member in hidden and member not in reached:
                    reached.add(member)
                    frontier.append(member)
                elif member not in hidden:
                    visible.add(member)
    if not visible:  # pragma: no cover - a determined group is derived from some visible value
        raise AssertionError("a determined group must be connected to a visible one")
    hidden.add(min(visible, key=lambda g: _order(counts, g)))


def determined_groups(equations: Sequence[Equation], hidden: set[Group]) -> set[Group]:
    """The hidden groups whose value follows from the visible ones through the equations."""
    unknowns = sorted({g for eq in equations for g in (eq.parent, *eq.children) if g in hidden}, key=str)
    if not unknowns:
        return set()
    index = {g: i for i, g in enumerate(unknowns)}
    rows: list[list[Fraction]] = []
    for eq in equations:
        row = [Fraction(0)] * len(unknowns)
        if eq.parent in index:
            row[index[eq.parent]] += 1
        for child in eq.children:
            if child in index:
                row[index[child]] -= 1
        if any(row):
            rows.append(row)
    reduced = _rref(rows, len(unknowns))
    found = set()
    for row in reduced:
        nonzero = [i for i, v in enumerate(row) if v != 0]
        if len(nonzero) == 1:
            found.add(unknowns[nonzero[0]])
    return found


def _determined_small(
    counts: Mapping[Group, int], equations: Sequence[Equation], k: int, hidden: set[Group]
) -> Group | None:
    """A hidden group of fewer than k that the visible values determine (the set of determined
    groups is closed: what follows from a determined group follows from the visible ones)."""
    small = sorted((g for g in determined_groups(equations, hidden) if counts.get(g, 0) < k), key=str)
    return small[0] if small else None


def _rref(rows: list[list[Fraction]], width: int) -> list[list[Fraction]]:
    matrix = [row[:] for row in rows]
    pivot_row = 0
    for col in range(width):
        pivot = next((r for r in range(pivot_row, len(matrix)) if matrix[r][col] != 0), None)
        if pivot is None:
            continue
        matrix[pivot_row], matrix[pivot] = matrix[pivot], matrix[pivot_row]
        lead = matrix[pivot_row][col]
        matrix[pivot_row] = [v / lead for v in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][col] != 0:
                factor = matrix[r][col]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[pivot_row], strict=True)]
        pivot_row += 1
        if pivot_row == len(matrix):
            break
    return matrix[:pivot_row]


def round_down(n: int, k: int) -> int:
    """A count shown while a survey is open: in steps of k (0, k, 2k …)."""
    return (n // k) * k
