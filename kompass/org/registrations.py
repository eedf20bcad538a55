"""What the org app registers in the extension points of the floors below it (called from `ready`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kompass.core.extensions import (
    DASHBOARD_PANELS,
    ERASE_CLEAR,
    NAV_ENTRIES,
    NAV_GROUPS,
    ONBOARDING_STEPS,
    PERSONAL_DATA,
    SUBJECT_PERSON,
    SUBJECT_USER,
    DashboardPanel,
    NavEntry,
    NavGroup,
    OnboardingStep,
    PersonalData,
    Subject,
)
from kompass.tabular.kinds import TABLE_KINDS, TableKind

EMPLOYEE_DATA = _(
    "Art. 6 Abs. 1 lit. e und Art. 88 DSGVO i. V. m. dem Beschäftigtendatenschutz des Landes "
    "(Organisation der Verwaltung)"
)


def _dashboard(tenant: Any) -> dict[str, Any]:
    from kompass.org import selectors

    return {"figures": selectors.key_figures(tenant.kommune)}


def _import_page(tenant: Any) -> str:
    return reverse("org:import_export", args=[tenant.kommune.slug]) + "#import-titel"


def _file_links(kind: str) -> Any:
    """The empty template and the filled example of an import kind, as CSV and as Excel file."""

    def links(tenant: Any) -> list[tuple[Any, str]]:
        from kompass.org import exports

        args = [tenant.kommune.slug, exports.FILE_STEMS[kind]]
        return [
            (_("Vorlage als CSV"), reverse("org:import_template", args=[*args, "csv"])),
            (_("Vorlage als Excel-Datei"), reverse("org:import_template", args=[*args, "xlsx"])),
            (_("Beispiel als CSV"), reverse("org:import_example", args=[*args, "csv"])),
            (_("Beispiel als Excel-Datei"), reverse("org:import_example", args=[*args, "xlsx"])),
        ]

    return links


def _has_units(tenant: Any) -> bool:
    from kompass.org import selectors

    return selectors.orgunits(tenant.kommune).exists()


def _has_people(tenant: Any) -> bool:
    from kompass.org import selectors

    return selectors.people(tenant.kommune).exists()


def _onboarding() -> None:
    """The org chart and the staff list come first: every later step picks units and people."""
    from kompass.org import importers

    ONBOARDING_STEPS.register(
        OnboardingStep(
            key="org.units",
            title=_("Organigramm importieren"),
            explanation=_(
                "Laden Sie Ihre Verwaltungsgliederung als CSV- oder Excel-Datei hoch: Dezernate, Fachbereiche, "
                "Ämter und Abteilungen mit Kennung und übergeordneter Einheit."
            ),
            url=_import_page,
            done=_has_units,
            links=_file_links(importers.KIND_ORGUNITS),
            order=10,
            capability="import",
        )
    )
    ONBOARDING_STEPS.register(
        OnboardingStep(
            key="org.people",
            title=_("Personen importieren"),
            explanation=_(
                "Laden Sie die Beschäftigten hoch, die Rollen übernehmen oder Einheiten leiten, mit dienstlicher "
                "E-Mail-Adresse und Organisationseinheit."
            ),
            url=_import_page,
            done=_has_people,
            links=_file_links(importers.KIND_PEOPLE),
            order=20,
            capability="import",
        )
    )


def _pick_sources() -> None:
    """People and units for the search combobox of lower apps' forms (the member scope in accounts)."""
    from kompass.core.pickers import PICK_SOURCES
    from kompass.org.pickers import PEOPLE, UNITS

    PICK_SOURCES.register(PEOPLE)
    PICK_SOURCES.register(UNITS)


def register() -> None:
    _pick_sources()
    NAV_GROUPS.register(NavGroup(key="organisation", label=_("Organisation"), order=10))
    NAV_ENTRIES.register(
        NavEntry(key="org.tree", group="organisation", label=_("Organigramm"), url_name="org:tree", order=10)
    )
    NAV_ENTRIES.register(
        NavEntry(key="org.people", group="organisation", label=_("Personen"), url_name="org:person_list", order=20)
    )
    NAV_ENTRIES.register(
        NavEntry(
            key="org.import_export",
            group="verwaltung",
            label=_("Import und Export"),
            url_name="org:import_export",
            order=10,
        )
    )
    DASHBOARD_PANELS.register(
        DashboardPanel(
            key="org.figures",
            title=_("Kennzahlen und was noch fehlt"),
            template="org/partials/dashboard_panel.html",
            context=_dashboard,
            order=10,
        )
    )
    _onboarding()
    _personal_data()
    _table_kinds()
    _trash()


def _table_kinds() -> None:
    """Org units and people on the import and export page, in the API and the commands."""
    from kompass.org import exports, importers

    TABLE_KINDS.register(
        TableKind(
            key=importers.KIND_ORGUNITS,
            label=_("Organisationseinheiten"),
            slug=exports.FILE_STEMS[importers.KIND_ORGUNITS],
            columns=importers.COLUMNS[importers.KIND_ORGUNITS],
            check_and_apply=importers.check_and_apply_orgunits,
            export=exports.export_orgunits,
            order=10,
            key_label=_("Kennung"),
            name_label=_("Name"),
            example=importers.EXAMPLES[importers.KIND_ORGUNITS],
            column_help=importers.COLUMN_HELP[importers.KIND_ORGUNITS],
            description=_(
                "Organisationseinheiten: „uebergeordnet“ ist die Kennung der übergeordneten Einheit (leer für "
                "die oberste Ebene); die Zeilen dürfen in beliebiger Reihenfolge stehen. „typ“ ist z. B. "
                "Dezernat, Fachbereich, Amt, Abteilung oder Sachgebiet. „leitung_email“ muss eine Person dieser "
                "Kommune sein – importieren Sie die Personen vorher."
            ),
        )
    )
    TABLE_KINDS.register(
        TableKind(
            key=importers.KIND_PEOPLE,
            label=_("Personen"),
            slug=exports.FILE_STEMS[importers.KIND_PEOPLE],
            columns=importers.COLUMNS[importers.KIND_PEOPLE],
            check_and_apply=importers.check_and_apply_people,
            export=exports.export_people,
            order=20,
            key_label=_("E-Mail"),
            name_label=_("Name"),
            example=importers.EXAMPLES[importers.KIND_PEOPLE],
            column_help=importers.COLUMN_HELP[importers.KIND_PEOPLE],
            description=_(
                "Personen: die dienstliche E-Mail-Adresse ist der Schlüssel. „organisationseinheit“ ist die "
                "Kennung einer bestehenden Einheit und darf leer sein. „umfang“ (Beschäftigungsumfang in Prozent), "
                "„arbeitgeber“ und „arbeitgeber_name“ sind freiwillig."
            ),
        )
    )


def _personal_data() -> None:
    from kompass.org.models import OrgUnit, Person

    PERSONAL_DATA.register(
        PersonalData(
            key="org.Person",
            model=Person,
            purpose=_(
                "Leitungen von Organisationseinheiten und Inhaberinnen und Inhaber von Rollen benennen. Der "
                "Beschäftigungsumfang dient nur der Prüfung im Rollen-Check, ob die Zeitanteile der Rollen einer "
                "Person ihren Beschäftigungsumfang übersteigen; der Arbeitgeber (eigene Verwaltung oder externe "
                "Stelle) nur der Prüfung, ob die IT-Steuerung allein bei externen Stellen liegt. Keine Leistungs- "
                "oder Verhaltenskontrolle, keine Auswertung von Arbeitszeiten."
            ),
            legal_basis=EMPLOYEE_DATA,
            retention=_(
                "Solange die Person in der Kommune beschäftigt ist und gepflegt wird; Löschen durch die Redaktion."
            ),
            fields=(
                "first_name",
                "last_name",
                "email",
                "function_title",
                "org_unit",
                "employment_percent",
                "employer_kind",
                "employer_name",
                "user",
            ),
            categories=_("Beschäftigte der Kommune"),
            subjects=(Subject("pk", SUBJECT_PERSON), Subject("user", SUBJECT_USER, ERASE_CLEAR)),
        )
    )
    PERSONAL_DATA.register(
        PersonalData(
            key="org.OrgUnit",
            model=OrgUnit,
            purpose=_("Die Leitung einer Organisationseinheit nennen."),
            legal_basis=EMPLOYEE_DATA,
            retention=_("Bis die Leitung wechselt oder die Einheit gelöscht wird."),
            fields=("head",),
            categories=_("Beschäftigte der Kommune (Leitungen)"),
            subjects=(Subject("head", SUBJECT_PERSON, ERASE_CLEAR),),
        )
    )


def _unit_path_now(kommune: Any, objects: list[Any]) -> None:
    """A unit comes back below its parent as the parent stands now: the parent may have moved since
    the delete, so the materialised path and depth are taken from it again (docs/architecture.md)."""
    from kompass.org.models import OrgUnit

    for unit in objects:
        if type(unit) is not OrgUnit:
            continue
        parent = OrgUnit.objects.for_kommune(kommune).filter(pk=unit.parent_id).first() if unit.parent_id else None
        unit.path = f"{parent.path if parent else ''}{unit.pk}/"
        unit.depth = parent.depth + 1 if parent else 0


def _trash() -> None:
    """People and units go to the Papierkorb when deleted (restorable for 30 days)."""
    from kompass.org.models import OrgUnit, Person
    from kompass.trash.registry import TRASHABLE, Trashable

    TRASHABLE.register(
        Trashable(
            key="org.person",
            model=Person,
            noun=_("Person"),
            label=lambda person: person.full_name,
            capability="edit_people",
            order=10,
        )
    )
    TRASHABLE.register(
        Trashable(
            key="org.orgunit",
            model=OrgUnit,
            noun=_("Organisationseinheit"),
            label=str,
            capability="edit_org",
            before_restore=_unit_path_now,
            order=20,
        )
    )
