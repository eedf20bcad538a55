"""What the role model registers in the extension points of the apps below it (called from `ready`)."""

from __future__ import annotations

from kompass.org.extensions import UNIT_BADGES, UnitBadges


def register() -> None:
    from kompass.roles import overview

    UNIT_BADGES.register(UnitBadges(key="roles.key_roles", attach=overview.attach_role_badges))
