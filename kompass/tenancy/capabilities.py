"""The one capability map: which role may do what in a Kommune (deny by default, T6).

Redaktion may be limited to an org-unit subtree (a Lotse edits only her Fachbereich); then
edits are allowed only for objects inside that subtree, and Kommune-wide actions (imports)
are not allowed at all.
"""

from __future__ import annotations

from enum import StrEnum

from kompass.tenancy.models import Role


class Capability(StrEnum):
    VIEW = "view"
    EDIT_ORG = "edit_org"
    EDIT_PEOPLE = "edit_people"
    IMPORT = "import"
    VIEW_AUDIT = "view_audit"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_KOMMUNE = "manage_kommune"


# Capabilities that need the whole Kommune; a subtree-limited editor does not get them.
KOMMUNE_WIDE = {Capability.IMPORT, Capability.VIEW_AUDIT, Capability.MANAGE_MEMBERS, Capability.MANAGE_KOMMUNE}

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.ADMIN: frozenset(Capability),
    Role.EDITOR: frozenset({Capability.VIEW, Capability.EDIT_ORG, Capability.EDIT_PEOPLE, Capability.IMPORT}),
    Role.READER: frozenset({Capability.VIEW}),
}


def role_allows(role: str, capability: Capability, *, scope_path: str | None, target_path: str | None) -> bool:
    """May a member with `role` (limited to the subtree `scope_path`, if any) do `capability`
    on an object located at tree path `target_path` (None: Kommune-wide)?"""
    if capability not in ROLE_CAPABILITIES.get(role, frozenset()):
        return False
    if scope_path is None or capability == Capability.VIEW:
        return True
    if capability in KOMMUNE_WIDE or target_path is None:
        return False
    return target_path.startswith(scope_path)
