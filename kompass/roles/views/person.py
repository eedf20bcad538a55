"""The roles section of the person page (registered in `org.extensions.PERSON_SECTIONS`).

The org app shows the person; the roles a person holds come from here, so org needs no import
of roles. Two queries whatever the number of assignments (`selectors.person_assignments`).
"""

from __future__ import annotations

from typing import Any

from kompass.org.models import Person
from kompass.roles import access, rules, selectors
from kompass.tenancy.context import TenantContext


def person_roles(ctx: TenantContext, person: Person) -> dict[str, Any]:
    """What `roles/partials/person_roles.html` shows: current and future assignments (with
    whether the member may change each), ended ones, and the current total time share."""
    found = selectors.person_assignments(ctx.kommune, person)
    running = [a for a in found.current if a.valid_from <= found.today]
    load = rules.person_load(person.employment_percent, running)
    return {
        "person": person,
        "today": found.today,
        "current": [(a, access.can_edit_assignment(ctx, a)) for a in found.current],
        "current_total": found.current_total,
        "ended": found.ended,
        "ended_total": found.ended_total,
        "time_share_total": rules.percent(load.total) if running else "",
        "employment_percent": rules.percent(load.capacity),
        "overloaded": load.state == rules.OVERLOAD,
        "lotse_extra": rules.percent(load.extra) if load.state == rules.LOTSE_EXTRA else "",
        "can_assign": access.can_add_assignments(ctx),
    }
