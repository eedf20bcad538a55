"""The fixed breakdowns of a campaign's results: groups, and the equations that tie them together.

Every response belongs to one *leaf*: its reporting audience (after merging audiences smaller than
k) and its reporting unit (the unit of the invitation coarsened to the campaign's reporting depth,
or none). From the leaves come the groups the product shows — the Kommune as a whole, each
audience, each unit of the reporting levels (with "direkt zugeordnet" for those assigned to a unit
that has sub-units, and "ohne Zuordnung"), and the audience × top-level-unit table — and the
equations `anonymity.suppress` needs. No other breakdown exists: there are no free filters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kompass.assessment.anonymity import Equation
from kompass.assessment.models import AUDIENCE_MERGE_INTO, Audience

ALL = "all"
NO_UNIT = "none"


@dataclass(frozen=True)
class UnitInfo:
    pk: int
    label: str
    parent_pk: int | None  # the reporting parent (None for a top-level unit)


@dataclass
class Grouping:
    """Groups (key → label, kind) and equations for one campaign's leaves."""

    labels: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)
    equations: list[Equation] = field(default_factory=list)
    # leaf (audience, unit_pk or None) → the groups it counts in
    memberships: dict[tuple[str, int | None], tuple[str, ...]] = field(default_factory=dict)

    def groups_of(self, audience: str, unit_pk: int | None) -> tuple[str, ...]:
        return self.memberships[(audience, unit_pk)]


def merge_audiences(sizes: Mapping[str, int], k: int) -> dict[str, str]:
    """Raw audience → reporting audience: an audience smaller than k is reported with the next
    (Verwaltungsvorstand → Führungskräfte → Mitarbeitende; Lotsinnen und Lotsen → Mitarbeitende),
    until every reporting audience has k or more, or only one is left."""
    mapping = {a: a for a in sizes}
    while True:
        totals: dict[str, int] = {}
        for raw, target in mapping.items():
            totals[target] = totals.get(target, 0) + sizes[raw]
        small = sorted((a for a, n in totals.items() if n < k), key=lambda a: (totals[a], a))
        if not small or len(totals) < 2:
            return mapping
        victim = small[0]
        into = str(AUDIENCE_MERGE_INTO.get(victim, ""))
        if into not in totals or into == victim:
            into = max((a for a in totals if a != victim), key=lambda a: (totals[a], a))
        for raw, current in mapping.items():
            if current == victim:
                mapping[raw] = into


def audience_label(key: str, merged_from: Iterable[str] = ()) -> str:
    label = str(Audience(key).label)
    extra = [str(Audience(a).label) for a in merged_from if a != key]
    return f"{label} (mit {', '.join(extra)})" if extra else label


def build(
    *,
    audiences: Mapping[str, str],
    leaves: Iterable[tuple[str, int | None]],
    units: Mapping[int, UnitInfo],
    by_unit: bool,
) -> Grouping:
    """Groups and equations for the reporting audiences (raw → reporting) and the leaves present."""
    g = Grouping()
    g.labels[ALL] = "Gesamt"
    g.kinds[ALL] = "all"
    reporting = sorted(set(audiences.values()), key=lambda a: list(Audience.values).index(a))
    for aud in reporting:
        key = f"a:{aud}"
        g.labels[key] = audience_label(aud, [raw for raw, rep in audiences.items() if rep == aud])
        g.kinds[key] = "audience"
        g.parents[key] = ALL
    g.equations.append(Equation(ALL, tuple(f"a:{a}" for a in reporting)))
    leaves = sorted(set(leaves), key=lambda leaf: (leaf[0], leaf[1] or 0))
    if not by_unit:
        for aud, unit_pk in leaves:
            g.memberships[(aud, unit_pk)] = (ALL, f"a:{audiences.get(aud, aud)}")
        return g

    def top_of(unit_pk: int | None) -> str:
        if unit_pk is None or unit_pk not in units:
            return NO_UNIT
        info = units[unit_pk]
        return str(info.parent_pk) if info.parent_pk is not None else str(unit_pk)

    tops: dict[str, set[str]] = {}
    for _aud, unit_pk in leaves:
        top = top_of(unit_pk)
        children = tops.setdefault(top, set())
        if unit_pk is not None and unit_pk in units and units[unit_pk].parent_pk is not None:
            children.add(str(unit_pk))
    for top, children in tops.items():
        key = f"u:{top}"
        g.labels[key] = "Ohne Zuordnung" if top == NO_UNIT else units[int(top)].label
        g.kinds[key] = "unit"
        g.parents[key] = ALL
        if children:
            direct = f"d:{top}"
            for child in children:
                g.labels[f"u:{child}"] = units[int(child)].label
                g.kinds[f"u:{child}"] = "subunit"
                g.parents[f"u:{child}"] = key
            g.labels[direct] = f"{g.labels[key]}: direkt zugeordnet"
            g.kinds[direct] = "subunit"
            g.parents[direct] = key
            g.equations.append(Equation(key, (*sorted(f"u:{c}" for c in children), direct)))
        cells = []
        for aud in reporting:
            cell = f"x:{top}:{aud}"
            g.labels[cell] = f"{g.labels[key]} · {g.labels[f'a:{aud}']}"
            g.kinds[cell] = "cross"
            g.parents[cell] = key
            cells.append(cell)
        g.equations.append(Equation(key, tuple(cells)))
    ordered_tops = sorted(tops, key=lambda t: (t == NO_UNIT, g.labels[f"u:{t}"]))
    g.equations.append(Equation(ALL, tuple(f"u:{t}" for t in ordered_tops)))
    for aud in reporting:
        g.equations.append(Equation(f"a:{aud}", tuple(f"x:{t}:{aud}" for t in ordered_tops)))
    for aud, unit_pk in leaves:
        rep = audiences.get(aud, aud)
        top = top_of(unit_pk)
        member = [ALL, f"a:{rep}", f"u:{top}", f"x:{top}:{rep}"]
        if tops[top]:
            is_sub = unit_pk is not None and unit_pk in units and units[unit_pk].parent_pk is not None
            member.append(f"u:{unit_pk}" if is_sub else f"d:{top}")
        g.memberships[(aud, unit_pk)] = tuple(member)
    return g
