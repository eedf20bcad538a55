"""What the role model registers in the extension points of the apps below it (called from `ready`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kompass.audit.extensions import AUDIT_LABELS, AuditLabels
from kompass.core.extensions import (
    CATALOGUE_LOADERS,
    DASHBOARD_PANELS,
    ERASE_CLEAR,
    EVIDENCE_PROVIDERS,
    NAV_ENTRIES,
    NAV_GROUPS,
    ONBOARDING_STEPS,
    PERSONAL_DATA,
    SUBJECT_PERSON,
    SUBJECT_USER_NAME,
    CatalogueLoader,
    DashboardPanel,
    NavEntry,
    NavGroup,
    OnboardingStep,
    PersonalData,
    Subject,
)
from kompass.org.extensions import PERSON_SECTIONS, UNIT_BADGES, PersonSection, UnitBadges
from kompass.tabular.kinds import TABLE_KINDS


def _in_roles(match: Any) -> bool:
    return match is not None and match.namespace == "roles"


def _roles_current(match: Any, path: str, url: str) -> bool:
    return _in_roles(match) and match.url_name not in ("lotsen", "checks") and "assignment" not in match.url_name


def _assignments_current(match: Any, path: str, url: str) -> bool:
    return _in_roles(match) and "assignment" in match.url_name


def _page_current(url_name: str) -> Any:
    return lambda match, path, url: _in_roles(match) and match.url_name == url_name


def _dashboard(tenant: Any) -> dict[str, Any]:
    from kompass.roles import overview

    return {"role_check": overview.check_summary(tenant.kommune, tenant.kommune.slug)}


def _url(name: str) -> Any:
    return lambda tenant: reverse(name, args=[tenant.kommune.slug])


def _marker_role_ids(tenant: Any, marker: str) -> list[int]:
    from kompass.roles import selectors

    rows = selectors.roles(tenant.kommune).filter(is_active=True).values_list("pk", "markers")
    return [pk for pk, markers in rows if marker in (markers or [])]


def _assign_url(marker: str) -> Any:
    """The form for a new assignment with the first role carrying `marker` chosen, else the role list."""

    def url(tenant: Any) -> str:
        ids = _marker_role_ids(tenant, marker)
        if not ids:
            return reverse("roles:role_list", args=[tenant.kommune.slug])
        return reverse("roles:assignment_create", args=[tenant.kommune.slug]) + f"?rolle={min(ids)}"

    return url


def _held(marker: str) -> Any:
    """Done when someone currently holds an active role carrying `marker`."""

    def done(tenant: Any) -> bool:
        from kompass.roles import selectors

        ids = _marker_role_ids(tenant, marker)
        return bool(ids) and selectors.current_assignments(tenant.kommune).filter(role_id__in=ids).exists()

    return done


def _has_roles(tenant: Any) -> bool:
    from kompass.roles import selectors

    return selectors.roles(tenant.kommune).exists()


def _check_opened(tenant: Any) -> bool:
    from kompass.roles.models import RoleCheckVisit

    return RoleCheckVisit.objects.for_kommune(tenant.kommune).exists()


def _onboarding() -> None:
    """From the catalogue to the first Rollen-Check: the steps after the org chart and the people."""
    steps = (
        (
            "roles.catalogue",
            _("Rollenkatalog übernehmen"),
            _(
                "Übernehmen Sie den Rollenkatalog als Ausgangspunkt Ihres Rollenmodells; Sie können jede Rolle "
                "danach anpassen, ergänzen oder weglassen."
            ),
            _url("roles:role_list"),
            _has_roles,
            "edit_role_model",
        ),
        (
            "roles.cdo",
            _("CDO benennen"),
            _("Ordnen Sie die Digitalisierungsverantwortung (Chief Digital Officer) einer Person zu."),
            _assign_url("cdo"),
            _held("cdo"),
            "edit_assignments",
        ),
        (
            "roles.lotsen",
            _("Digitale Lotsinnen und Lotsen benennen"),
            _(
                "Ordnen Sie für die Fachbereiche und Ämter Digitale Lotsinnen und Lotsen zu, mindestens eine "
                "Person zum Start."
            ),
            _assign_url("lotse"),
            _held("lotse"),
            "edit_assignments",
        ),
        (
            "roles.check",
            _("Rollen-Check öffnen"),
            _("Der Rollen-Check zeigt, welche Rollen fehlen, wo Lotsinnen und Lotsen fehlen und wo es Konflikte gibt."),
            _url("roles:checks"),
            _check_opened,
            None,
        ),
    )
    for order, (key, title, explanation, url, done, capability) in enumerate(steps, start=30):
        ONBOARDING_STEPS.register(
            OnboardingStep(
                key=key, title=title, explanation=explanation, url=url, done=done, order=order, capability=capability
            )
        )


def _navigation() -> None:
    NAV_GROUPS.register(NavGroup(key="rollenmodell", label=_("Rollenmodell"), order=20))
    for order, (key, label, url_name, current) in enumerate(
        (
            ("roles.roles", _("Rollen"), "roles:role_list", _roles_current),
            ("roles.assignments", _("Zuordnungen"), "roles:assignment_list", _assignments_current),
            ("roles.lotsen", _("Lotsinnen und Lotsen"), "roles:lotsen", _page_current("lotsen")),
            ("roles.checks", _("Rollen-Check"), "roles:checks", _page_current("checks")),
        )
    ):
        NAV_ENTRIES.register(
            NavEntry(key=key, group="rollenmodell", label=label, url_name=url_name, order=order, current=current)
        )


def _personal_data() -> None:
    from kompass.roles.models import Assignment, RoleModel

    PERSONAL_DATA.register(
        PersonalData(
            key="roles.RoleModel",
            model=RoleModel,
            purpose=_("Festhalten, wer das Rollenmodell für die Kommune übernommen hat."),
            legal_basis=_("Art. 6 Abs. 1 lit. e DSGVO i. V. m. dem Datenschutzgesetz des Landes (Aufgabe der Kommune)"),
            retention=_("So lange wie der Eintrag; der Name wird bei einer Löschung der Person geleert."),
            fields=("adopted_by_name",),
            categories=_("Nutzerinnen und Nutzer der Plattform"),
            subjects=(Subject("adopted_by_name", SUBJECT_USER_NAME, ERASE_CLEAR),),
        )
    )

    PERSONAL_DATA.register(
        PersonalData(
            key="roles.Assignment",
            model=Assignment,
            purpose=_(
                "Festhalten, wer welche Rolle der Digitalisierung mit welchem Zeitanteil wahrnimmt, wer vertritt "
                "und wer die Freistellung genehmigt hat; keine Leistungs- oder Verhaltenskontrolle."
            ),
            legal_basis=_(
                "Art. 6 Abs. 1 lit. e und Art. 88 DSGVO i. V. m. dem Beschäftigtendatenschutz des Landes "
                "(Organisation der Verwaltung)"
            ),
            retention=_(
                "Beendete Zuordnungen bleiben als Verlauf, bis die Redaktion sie löscht; eine feste Frist "
                "folgt mit dem Löschkonzept."
            ),
            fields=("person", "deputy", "approved_by", "time_share", "qualification", "mandate"),
            categories=_("Beschäftigte der Kommune"),
            subjects=(
                Subject("person", SUBJECT_PERSON),
                Subject("deputy", SUBJECT_PERSON, ERASE_CLEAR),
                Subject("approved_by", SUBJECT_PERSON, ERASE_CLEAR),
            ),
        )
    )


def register() -> None:
    from kompass.roles import catalogue_loader, evidence, importers, overview
    from kompass.roles.markers import marker_label
    from kompass.roles.models import ActivityTemplate, Catalogue, CatalogueRole, Role
    from kompass.roles.views.person import person_roles

    _navigation()
    _personal_data()
    _onboarding()
    _trash()
    CATALOGUE_LOADERS.register(
        CatalogueLoader(key="roles", label=_("Rollenkataloge"), load=catalogue_loader.load_summary, order=10)
    )
    DASHBOARD_PANELS.register(
        DashboardPanel(
            key="roles.check",
            title=_("Rollenmodell"),
            template="roles/partials/dashboard_panel.html",
            context=_dashboard,
            order=20,
        )
    )
    UNIT_BADGES.register(UnitBadges(key="roles.key_roles", attach=overview.attach_role_badges))
    PERSON_SECTIONS.register(
        PersonSection(key="roles.assignments", template="roles/partials/person_roles.html", context=person_roles)
    )
    TABLE_KINDS.register(importers.TABLE_KIND)
    EVIDENCE_PROVIDERS.register(evidence.provider())  # the Rollen-Check as evidence for the self-assessment
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
            # A role's history names its markers in German ("CDO, Kernrolle"), never by key ("core").
            item_names={(Role, "markers"): marker_label, (CatalogueRole, "markers"): marker_label},
        )
    )


def _trash() -> None:
    """A deleted role goes to the Papierkorb with its relations and RACI cells (restorable for 30 days)."""
    from kompass.roles.models import Role
    from kompass.trash.registry import TRASHABLE, Trashable

    TRASHABLE.register(
        Trashable(key="roles.role", model=Role, noun=_("Rolle"), label=str, capability="edit_role_model", order=30)
    )
