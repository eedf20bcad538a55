"""What the agenda registers in the extension points of the apps below it (from `ready`):
its rules and their data loader in the Rollen-Check, its tables with personal data, its evidence
for the self-assessment's Steuerung fields, and each area's own registrations."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kompass.core.extensions import (
    ERASE_CLEAR,
    NAV_GROUPS,
    PERSONAL_DATA,
    SUBJECT_USER_NAME,
    NavGroup,
    PersonalData,
    Subject,
)


def _personal_data() -> None:
    from kompass.agenda.models import MeasureStatusChange, StatusReport

    PERSONAL_DATA.register(
        PersonalData(
            key="agenda.MeasureStatusChange",
            model=MeasureStatusChange,
            purpose=_("Nachvollziehen, wer den Status einer Maßnahme der Digitalen Agenda wann geändert hat."),
            legal_basis=_("Art. 6 Abs. 1 lit. e DSGVO i. V. m. dem Landesdatenschutzgesetz (Steuerung der Verwaltung)"),
            retention=_("So lange wie die Maßnahme; mit ihr gelöscht."),
            fields=("changed_by_name",),
            categories=_("Nutzerinnen und Nutzer der Plattform"),
            subjects=(Subject("changed_by_name", SUBJECT_USER_NAME, ERASE_CLEAR),),
        )
    )
    PERSONAL_DATA.register(
        PersonalData(
            key="agenda.StatusReport",
            model=StatusReport,
            purpose=_("Festhalten, wer einen Sachstandsbericht zu einer Maßnahme der Digitalen Agenda erstellt hat."),
            legal_basis=_("Art. 6 Abs. 1 lit. e DSGVO i. V. m. dem Landesdatenschutzgesetz (Steuerung der Verwaltung)"),
            retention=_("So lange wie die Maßnahme; mit ihr gelöscht."),
            fields=("author_name",),
            categories=_("Nutzerinnen und Nutzer der Plattform"),
            subjects=(Subject("author_name", SUBJECT_USER_NAME, ERASE_CLEAR),),
        )
    )


def _role_check() -> None:
    from kompass.agenda import rules, selectors
    from kompass.roles.rules import (
        CHECK_DATA_LOADERS,
        CHECK_RULES,
        FINDING_GROUP_TITLES,
        CheckDataLoader,
        CheckRule,
        FindingGroupTitle,
    )

    CHECK_DATA_LOADERS.register(CheckDataLoader(key=rules.LOADER_KEY, load=selectors.check_data))
    for position, rule in enumerate(rules.RULES):
        CHECK_RULES.register(
            CheckRule(key=f"agenda.{rule.__name__.removeprefix('rule_')}", check=rule, order=200 + position)
        )
    for key, title in rules.GROUP_TITLES.items():
        FINDING_GROUP_TITLES.register(FindingGroupTitle(key=key, title=title))


def _evidence() -> None:
    from kompass.agenda import evidence
    from kompass.core.extensions import EVIDENCE_PROVIDERS, EvidenceProvider

    EVIDENCE_PROVIDERS.register(
        EvidenceProvider(
            key="agenda.steuerung",
            title=_("Digitale Agenda"),
            field_keys=evidence.FIELD_KEYS,
            collect=evidence.collect,
            order=20,
        )
    )


def register() -> None:
    from kompass.agenda import (
        council_registrations,
        kpis_registrations,
        measures_registrations,
        strategy_registrations,
    )

    # The agenda's one navigation group; each area below adds its entries to it.
    NAV_GROUPS.register(NavGroup(key=strategy_registrations.NAV_GROUP, label=_("Digitale Agenda"), order=40))
    _personal_data()
    _role_check()
    _evidence()
    for area in (strategy_registrations, measures_registrations, kpis_registrations, council_registrations):
        area.register()
