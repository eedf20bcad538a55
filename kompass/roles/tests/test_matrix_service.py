"""`raci_set_row`: several cells of one activity change together or not at all."""

from __future__ import annotations

import pytest

from kompass.core.exceptions import ConflictError
from kompass.roles import services
from kompass.roles.models import ActivityTemplate, RaciCell


def _row(model, activity):
    cells = RaciCell.objects.for_kommune(model.world.kommune).filter(activity=activity).select_related("role")
    return {c.role.key: c.letter for c in cells}


def test_the_a_moves_from_one_role_to_another_in_one_save(adopted):
    activity = ActivityTemplate.objects.get(key="strategie")
    services.raci_set_row(
        kommune=adopted.world.kommune,
        actor=adopted.world.admin,
        activity=activity,
        changes=[(adopted.roles["cdo"], "A", "R"), (adopted.roles["rat"], "I", "A")],
    )
    assert _row(adopted, activity) == {"rat": "I", "cdo": "A", "hvb": "R"}


def test_a_conflict_in_one_cell_leaves_the_whole_row_unchanged(adopted):
    activity = ActivityTemplate.objects.get(key="strategie")
    before = _row(adopted, activity)
    with pytest.raises(ConflictError):
        services.raci_set_row(
            kommune=adopted.world.kommune,
            actor=adopted.world.admin,
            activity=activity,
            changes=[(adopted.roles["isb"], "C", None), (adopted.roles["hvb"], "I", "C")],  # hvb shows R, not C
        )
    assert _row(adopted, activity) == before
