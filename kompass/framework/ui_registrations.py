"""Navigation, first steps and audit labels of the framework pages (called from `registrations.register`).

The navigation group "Selbstbewertung" is defined here, after the role model; the self-assessment
adds its own entries (campaigns, results, targets) to it.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kompass.audit.extensions import AUDIT_LABELS, AuditLabels
from kompass.core.extensions import NAV_ENTRIES, NAV_GROUPS, ONBOARDING_STEPS, NavEntry, NavGroup, OnboardingStep

NAV_GROUP = "selbstbewertung"


def _in_framework(match: Any) -> bool:
    return match is not None and match.namespace == "framework"


def _framework_current(match: Any, path: str, url: str) -> bool:
    return _in_framework(match) and match.url_name != "measures"


def _measures_current(match: Any, path: str, url: str) -> bool:
    return _in_framework(match) and match.url_name == "measures"


def _adopted(tenant: Any) -> bool:
    from kompass.framework.models import Framework

    return Framework.objects.for_kommune(tenant.kommune).exists()


def _navigation() -> None:
    NAV_GROUPS.register(NavGroup(key=NAV_GROUP, label=_("Selbstbewertung"), order=30))
    NAV_ENTRIES.register(
        NavEntry(
            key="framework.overview",
            group=NAV_GROUP,
            label=_("Orientierungsrahmen"),
            url_name="framework:overview",
            order=10,
            current=_framework_current,
        )
    )
    NAV_ENTRIES.register(
        NavEntry(
            key="framework.measures",
            group=NAV_GROUP,
            label=_("Maßnahmenvorlagen"),
            url_name="framework:measures",
            order=80,
            current=_measures_current,
        )
    )


def _onboarding() -> None:
    ONBOARDING_STEPS.register(
        OnboardingStep(
            key="framework.adopt",
            title=_("Orientierungsrahmen übernehmen"),
            explanation=_(
                "Übernehmen Sie den Orientierungsrahmen mit seinen Feldern und Kriterien als Grundlage der "
                "Selbstbewertung; Felder, die nicht passen, schalten Sie danach ab."
            ),
            url=lambda tenant: reverse("framework:overview", args=[tenant.kommune.slug]),
            done=_adopted,
            order=40,
            capability="edit_framework",
        )
    )


def _audit_labels() -> None:
    from kompass.framework.models import (
        CatalogueCriterion,
        CatalogueDimension,
        CatalogueField,
        Criterion,
        Framework,
        FrameworkCatalogue,
        MeasureTemplate,
    )

    AUDIT_LABELS.register(
        AuditLabels(
            # Name, description, "Aktiv", question and levels are labelled by the models' verbose names;
            # these labels are for audited names the models do not label (the registry is global, so
            # no plain "name" or "catalogue" here: those belong to other apps' rows).
            key="framework",
            field_labels={
                "catalogue_name": _("Katalog"),
                "catalogue_version": _("Fassung des Orientierungsrahmens"),
                "dimension": _("Dimension"),
            },
            # The shipped catalogues are the same for every Kommune: any log may name their rows.
            shared_models=(FrameworkCatalogue, CatalogueDimension, CatalogueField, CatalogueCriterion, MeasureTemplate),
            object_names={
                Framework: lambda framework: str(_("Orientierungsrahmen")),
                Criterion: lambda criterion: criterion.name,
            },
        )
    )


def register() -> None:
    _navigation()
    _onboarding()
    _audit_labels()
