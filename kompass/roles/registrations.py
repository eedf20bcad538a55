"""What the role model registers in the extension points of the apps below it (called from `ready`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kompass.audit.extensions import AUDIT_LABELS, AuditLabels
from kompass.org.extensions import UNIT_BADGES, UnitBadges


def register() -> None:
    from kompass.roles import overview
    from kompass.roles.models import ActivityTemplate, Catalogue, CatalogueRole

    UNIT_BADGES.register(UnitBadges(key="roles.key_roles", attach=overview.attach_role_badges))
    AUDIT_LABELS.register(
        AuditLabels(
            key="roles",
            field_labels={
                "catalogue": _("Rollenkatalog"),
                "from_role": _("Von Rolle"),
                "letter": _("Zuständigkeit (RACI)"),
                "markers": _("Zählt für die Rollen-Checks als"),
                "to_role": _("Zu Rolle"),
            },
            # The shipped catalogues are the same for every Kommune: any log may name their rows.
            shared_models=(Catalogue, CatalogueRole, ActivityTemplate),
        )
    )
