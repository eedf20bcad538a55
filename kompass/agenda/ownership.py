"""Who owns a measure: the current holder of its accountable role, found through the role model.

Source: abgeleitet — the issue's rule (issue 10 §3) on top of the KGSt role model: a measure is
owned by a role, not by a person, so a change of CDO moves ownership without touching the agenda.

The rule (`resolve_owner`):

- the measure names no accountable role: `KEINE_ROLLE`;
- nobody currently holds the role: `NIEMAND`;
- every current assignment of the role belongs to one person: that person owns it (`EINDEUTIG`);
- several people hold it (the Lotsinnen and Lotsen of many Ämter): the holder in the measure's
  responsible unit, else in its nearest parent unit, owns it. A holder's place is the unit of the
  assignment, else the person's own unit (as everywhere in the role model, `roles.rules.role_unit`).
  The first unit up the tree with holders decides: one person there owns it; several people
  there, or no holder anywhere up the tree, or no responsible unit, make it `MEHRDEUTIG`.

`NIEMAND` and `MEHRDEUTIG` are Rollen-Check findings (`rules.rule_measure_owner`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from kompass.org.models import OrgUnit
from kompass.roles.models import Assignment
from kompass.roles.rules import role_unit

EINDEUTIG, NIEMAND, MEHRDEUTIG, KEINE_ROLLE = "eindeutig", "niemand", "mehrdeutig", "keine_rolle"


@dataclass(frozen=True)
class Ownership:
    state: str
    holder: Assignment | None = None
    # The assignments that could own the measure when the state is MEHRDEUTIG.
    candidates: tuple[Assignment, ...] = field(default=())

    @property
    def person(self):  # type: ignore[no-untyped-def]
        return self.holder.person if self.holder is not None else None

    @property
    def is_clear(self) -> bool:
        return self.state == EINDEUTIG


def ancestor_ids(unit: OrgUnit) -> list[int]:
    """The unit and every unit above it, nearest first, from its materialised path ("1/5/17/")."""
    return [int(part) for part in reversed(unit.path.split("/")) if part]


def resolve_owner(has_role: bool, holders: Sequence[Assignment], unit: OrgUnit | None) -> Ownership:
    """The owner of a measure whose accountable role has the current assignments `holders` (each with
    its person and units loaded) and whose responsible unit is `unit` (see the module's rule)."""
    if not has_role:
        return Ownership(KEINE_ROLLE)
    if not holders:
        return Ownership(NIEMAND)
    ordered = sorted(holders, key=lambda a: a.pk)
    if len({a.person_id for a in ordered}) == 1:
        return Ownership(EINDEUTIG, ordered[0])
    if unit is None:
        return Ownership(MEHRDEUTIG, candidates=tuple(ordered))
    by_unit: dict[int, list[Assignment]] = {}
    for a in ordered:
        place = role_unit(a)
        if place is not None:
            by_unit.setdefault(place.pk, []).append(a)
    for unit_id in ancestor_ids(unit) if unit.path else [unit.pk]:
        here = by_unit.get(unit_id)
        if not here:
            continue
        if len({a.person_id for a in here}) == 1:
            return Ownership(EINDEUTIG, here[0])
        return Ownership(MEHRDEUTIG, candidates=tuple(here))
    return Ownership(MEHRDEUTIG, candidates=tuple(ordered))
