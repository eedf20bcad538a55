"""The Kommune's digital agenda: strategy, goals, measures, impact chains, KPIs and status reports.

A Kommune has one `Agenda` with numbered `AgendaVersion`s (Entwurf or beschlossen). A decided
version is frozen: its vision, Leitsätze and Handlungsfelder are changed only through a new
draft copied from it (`services.version_new_draft`), and `versions.diff` shows what changed.
Council decisions (`CouncilDecision`) are records of their own, linked to the versions, budget
lines and status reports they concern.

Goals (Wirkungsziele and operative Ziele) and measures belong to the agenda, not to one version:
they live on while the strategy is revised. Handlungsfelder do belong to a version; when a new
version is decided, goals and measures are moved to its Handlungsfelder with the same key
(`services.version_decide`).

A measure is owned through the role model: `accountable_role` names a role, and its current
holder (`ownership.owner_of`) is the owner, so ownership follows the role when people change.
Measured values (`KPIValue`) are kept per KPI and day.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kompass.tenancy.scoping import TenantModel

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class ImpactStyle(models.TextChoices):
    """Which names the impact chain shows: the KGSt's (default) or the EU/PHINEO set (see `impact`)."""

    KGST = "kgst", _("KGSt-Wirkungsmodell")
    EU = "eu", _("EU/PHINEO-Wirkungskette")


# --- settings ----------------------------------------------------------------------------------


class AgendaSettings(TenantModel):
    """How the Kommune steers its agenda: priority weights, limits and periods (one row per Kommune).

    Defaults (abgeleitet, the Kommune changes them): benefit weighs twice as much as urgency and
    effort (a measure is there for its effect, KGSt Wirkungsorientierung); one person is accountable
    for at most 8 measures (a span a person can follow month by month); a status report every 90
    days (a quarter, as Kiel and München report to their councils); a KPI value counts as overdue 30
    days after its reporting period ended.
    """

    weight_benefit = models.PositiveSmallIntegerField(
        _("Gewicht Nutzen"), default=2, validators=[MaxValueValidator(10)]
    )
    weight_urgency = models.PositiveSmallIntegerField(
        _("Gewicht Dringlichkeit"), default=1, validators=[MaxValueValidator(10)]
    )
    weight_effort = models.PositiveSmallIntegerField(
        _("Gewicht Aufwand"), default=1, validators=[MaxValueValidator(10)]
    )
    accountable_limit = models.PositiveSmallIntegerField(
        _("Höchstzahl verantworteter Maßnahmen je Person"), default=8, validators=[MinValueValidator(1)]
    )
    report_period_days = models.PositiveSmallIntegerField(
        _("Berichtszeitraum für Sachstandsberichte (Tage)"), default=90, validators=[MinValueValidator(1)]
    )
    kpi_overdue_tolerance_days = models.PositiveSmallIntegerField(
        _("Toleranz für fehlende Kennzahlenwerte (Tage)"), default=30
    )
    impact_labels = models.CharField(
        _("Bezeichnungen der Wirkungskette"), max_length=4, choices=ImpactStyle.choices, default=ImpactStyle.KGST
    )
    # The public transparency page (`/p/<slug>/digitale-agenda/`): off until the Kommune opens it.
    public_page_enabled = models.BooleanField(_("Öffentliche Seite der Digitalen Agenda"), default=False)
    public_intro = models.TextField(_("Einleitung der öffentlichen Seite"), blank=True)
    public_easy_text = models.TextField(_("Eigener Text in Leichter Sprache"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    AUDIT_FIELDS = (
        "weight_benefit",
        "weight_urgency",
        "weight_effort",
        "accountable_limit",
        "report_period_days",
        "kpi_overdue_tolerance_days",
        "impact_labels",
        "public_page_enabled",
        "public_intro",
        "public_easy_text",
    )

    class Meta:
        verbose_name = _("Einstellungen der Digitalen Agenda")
        verbose_name_plural = _("Einstellungen der Digitalen Agenda")
        constraints = [models.UniqueConstraint(fields=["kommune"], name="agenda_settings_one_per_kommune")]

    def __str__(self) -> str:
        return str(_("Einstellungen der Digitalen Agenda"))


# --- council decisions ------------------------------------------------------------------------


class DecisionResult(models.TextChoices):
    """The result a council information system records. "in Beratung": the item is on the agenda of
    the body (or goes through the Beratungsfolge) and has no result yet."""

    IN_BERATUNG = "in_beratung", _("in Beratung")
    BESCHLOSSEN = "beschlossen", _("beschlossen")
    GEAENDERT = "geaendert", _("geändert beschlossen")
    ABGELEHNT = "abgelehnt", _("abgelehnt")
    VERTAGT = "vertagt", _("vertagt")
    KENNTNIS = "kenntnis", _("zur Kenntnis genommen")


class CouncilDecision(TenantModel):
    """A decision of a council body (Rat, Ausschuss) as the council information system records it:
    body, date, Drucksache, Beratungsfolge, result and a link (an OParl object or a web address)."""

    body = models.CharField(_("Gremium"), max_length=200)
    decided_on = models.DateField(_("Datum"))
    drucksache = models.CharField(_("Drucksachennummer"), max_length=60, blank=True)
    title = models.CharField(_("Betreff"), max_length=300, blank=True)
    beratungsfolge = models.TextField(_("Beratungsfolge"), blank=True)
    result = models.CharField(_("Ergebnis"), max_length=12, choices=DecisionResult.choices)
    link = models.URLField(_("Link"), max_length=500, blank=True)
    oparl_id = models.URLField(_("OParl-Objekt"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    AUDIT_FIELDS = ("body", "decided_on", "drucksache", "title", "beratungsfolge", "result", "link", "oparl_id")

    class Meta:
        verbose_name = _("Gremienbeschluss")
        verbose_name_plural = _("Gremienbeschlüsse")
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        number = f" ({self.drucksache})" if self.drucksache else ""
        return f"{self.body}, {self.decided_on:%d.%m.%Y}{number}"


# --- strategy --------------------------------------------------------------------------------


class Agenda(TenantModel):
    """The Kommune's Digitale Agenda (one per Kommune); its content is in its versions."""

    title = models.CharField(_("Titel"), max_length=200, default="Digitale Agenda")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    AUDIT_FIELDS = ("title",)

    class Meta:
        verbose_name = _("Digitale Agenda")
        verbose_name_plural = _("Digitale Agenden")
        constraints = [models.UniqueConstraint(fields=["kommune"], name="agenda_one_per_kommune")]

    def __str__(self) -> str:
        return self.title


class VersionState(models.TextChoices):
    ENTWURF = "entwurf", _("Entwurf")
    BESCHLOSSEN = "beschlossen", _("beschlossen")


class AgendaVersion(TenantModel):
    """One version of the agenda's strategy: vision, Leitsätze and Handlungsfelder. A decided
    version (`state` beschlossen) is frozen; later changes go into a new draft."""

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField(_("Fassung"))
    state = models.CharField(_("Stand"), max_length=12, choices=VersionState.choices, default=VersionState.ENTWURF)
    vision = models.TextField(_("Vision"), blank=True)
    decided_on = models.DateField(_("Beschlossen am"), null=True, blank=True)
    decision = models.ForeignKey(
        CouncilDecision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Gremienbeschluss"),
    )
    based_on = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    AUDIT_FIELDS = ("number", "state", "vision", "decided_on", "decision")

    class Meta:
        verbose_name = _("Fassung der Digitalen Agenda")
        verbose_name_plural = _("Fassungen der Digitalen Agenda")
        constraints = [models.UniqueConstraint(fields=["agenda", "number"], name="agenda_version_unique_number")]
        ordering = ["number"]

    def __str__(self) -> str:
        return f"Fassung {self.number} ({self.get_state_display()})"

    @property
    def is_decided(self) -> bool:
        return self.state == VersionState.BESCHLOSSEN


class Leitsatz(TenantModel):
    """A guiding sentence of a version of the agenda (Marburg-Biedenkopf has fifteen)."""

    agenda_version = models.ForeignKey(AgendaVersion, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("Leitsatz"))
    position = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    AUDIT_FIELDS = ("text", "position")

    class Meta:
        verbose_name = _("Leitsatz")
        verbose_name_plural = _("Leitsätze")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class Handlungsfeld(TenantModel):
    """A field of action of a version (Kiel has ten), mapped to fields of the Kommune's
    Orientierungsrahmen by their keys (`framework_field_keys`).

    Keys rather than a foreign key: the mapping is part of a decided, frozen version and must
    survive a field the Kommune later switches off or a catalogue update; the Gestaltungsfelder
    are the framework's Außensicht fields, so the same list covers both.
    """

    agenda_version = models.ForeignKey(AgendaVersion, on_delete=models.CASCADE, related_name="+")
    key = models.SlugField(_("Schlüssel"), max_length=60)
    name = models.CharField(_("Name"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    framework_field_keys = models.JSONField(_("Felder des Orientierungsrahmens"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    AUDIT_FIELDS = ("key", "name", "description", "framework_field_keys", "position")

    class Meta:
        verbose_name = _("Handlungsfeld")
        verbose_name_plural = _("Handlungsfelder")
        constraints = [
            models.UniqueConstraint(fields=["agenda_version", "key"], name="handlungsfeld_unique_key"),
        ]
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


# --- goals -----------------------------------------------------------------------------------


class GoalKind(models.TextChoices):
    WIRKUNGSZIEL = "wirkungsziel", _("Wirkungsziel")
    OPERATIV = "operativ", _("Operatives Ziel")


class Effect(models.TextChoices):
    """Whom a goal serves (the three effect dimensions of the KGSt's steering by effects)."""

    BUERGER_UNTERNEHMEN = "buerger_unternehmen", _("Bürgerinnen, Bürger und Unternehmen")
    MITARBEITENDE = "mitarbeitende", _("Mitarbeitende")
    LEISTUNGEN_PROZESSE = "leistungen_prozesse", _("Leistungen und Prozesse")


class Goal(TenantModel):
    """A Wirkungsziel (strategic) or an operative goal under one; each should have a KPI."""

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("Art"), max_length=12, choices=GoalKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Wirkungsziel"),
    )
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    effect = models.CharField(_("Wirkung für"), max_length=20, choices=Effect.choices)
    handlungsfelder = models.ManyToManyField(
        Handlungsfeld, blank=True, related_name="+", verbose_name=_("Handlungsfelder")
    )
    position = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    AUDIT_FIELDS = ("kind", "parent", "title", "description", "effect", "position")

    class Meta:
        verbose_name = _("Ziel")
        verbose_name_plural = _("Ziele")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


# --- measures --------------------------------------------------------------------------------


class MeasureStatus(models.TextChoices):
    IDEE = "idee", _("Idee")
    GEPLANT = "geplant", _("geplant")
    IN_UMSETZUNG = "in_umsetzung", _("in Umsetzung")
    ABGESCHLOSSEN = "abgeschlossen", _("abgeschlossen")
    GESTOPPT = "gestoppt", _("gestoppt")


class Measure(TenantModel):
    """A Maßnahme or project of the agenda: owned through a role (`accountable_role`), carried out
    by an org unit, prioritised by benefit, urgency and effort, with its dates, money and staff."""

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    handlungsfelder = models.ManyToManyField(
        Handlungsfeld, blank=True, related_name="measures", verbose_name=_("Handlungsfelder")
    )
    goals = models.ManyToManyField(Goal, blank=True, related_name="measures", verbose_name=_("Ziele"))
    # SET_NULL, not PROTECT: deleting a role or unit in the role model or the Verwaltungsgliederung
    # must not depend on the agenda; a measure without accountable role is a Rollen-Check finding.
    accountable_role = models.ForeignKey(
        "roles.Role",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Verantwortliche Rolle"),
    )
    responsible_unit = models.ForeignKey(
        "org.OrgUnit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Federführende Organisationseinheit"),
    )
    # The activity of the role model's responsibility matrix whose RACI row seeded `MeasureRole`.
    activity = models.ForeignKey(
        "roles.ActivityTemplate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Aktivität der Verantwortungsmatrix"),
    )
    status = models.CharField(_("Status"), max_length=14, choices=MeasureStatus.choices, default=MeasureStatus.IDEE)
    benefit = models.PositiveSmallIntegerField(_("Nutzen"), default=3, validators=ONE_TO_FIVE)
    urgency = models.PositiveSmallIntegerField(_("Dringlichkeit"), default=3, validators=ONE_TO_FIVE)
    effort = models.PositiveSmallIntegerField(_("Aufwand"), default=3, validators=ONE_TO_FIVE)
    starts_on = models.DateField(_("Beginn"), null=True, blank=True)
    ends_on = models.DateField(_("Ende"), null=True, blank=True)
    fte = models.DecimalField(_("Personaleinsatz (VZÄ)"), max_digits=6, decimal_places=2, null=True, blank=True)
    beneficiaries = models.TextField(_("Wem die Maßnahme nützt"), blank=True)
    report_period_days = models.PositiveSmallIntegerField(
        _("Berichtszeitraum (Tage)"),
        null=True,
        blank=True,
        help_text=_("Leer: der Berichtszeitraum aus den Einstellungen der Agenda."),
    )
    origin_recommendation = models.ForeignKey(
        "assessment.Recommendation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Aus Empfehlung"),
    )
    # Copied from the recommendation, so the measure keeps where it came from when that is gone.
    origin_field_key = models.SlugField(_("Feld des Orientierungsrahmens"), max_length=60, blank=True)
    origin_field_name = models.CharField(max_length=200, blank=True)
    origin_gap = models.TextField(_("Lücke laut Selbstbewertung"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    AUDIT_FIELDS = (
        "title",
        "description",
        "accountable_role",
        "responsible_unit",
        "status",
        "benefit",
        "urgency",
        "effort",
        "starts_on",
        "ends_on",
        "fte",
        "beneficiaries",
        "report_period_days",
    )

    class Meta:
        verbose_name = _("Maßnahme")
        verbose_name_plural = _("Maßnahmen")
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["kommune", "status"], name="measure_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(benefit__gte=1, benefit__lte=5)
                & models.Q(urgency__gte=1, urgency__lte=5)
                & models.Q(effort__gte=1, effort__lte=5),
                name="measure_scores_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MeasurePart(TenantModel):
    """What belongs to one measure and is edited on its own page (a milestone, a budget line, a risk,
    a step of the impact chain): deleted with the measure, changed with optimistic locking
    (`version`, R3), created, changed and deleted through the same service helpers
    (`services.measures`)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    AUDIT_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True


class MeasureStatusChange(TenantModel):
    """One step of a measure's status history (who by name, when, why)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+")
    from_status = models.CharField(_("Von"), max_length=14, choices=MeasureStatus.choices, blank=True)
    to_status = models.CharField(_("Nach"), max_length=14, choices=MeasureStatus.choices)
    changed_at = models.DateTimeField(_("Geändert am"), auto_now_add=True)
    changed_by_name = models.CharField(_("Geändert von"), max_length=200, blank=True)
    note = models.TextField(_("Anmerkung"), blank=True)

    class Meta:
        verbose_name = _("Statusänderung")
        verbose_name_plural = _("Statusänderungen")
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '–'} → {self.to_status}"


class Milestone(MeasurePart):
    title = models.CharField(_("Meilenstein"), max_length=200)
    due_on = models.DateField(_("Fällig am"))
    done_on = models.DateField(_("Erreicht am"), null=True, blank=True)

    AUDIT_FIELDS = ("title", "due_on", "done_on")

    class Meta:
        verbose_name = _("Meilenstein")
        verbose_name_plural = _("Meilensteine")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class HaushaltKind(models.TextChoices):
    PRODUKT = "produkt", _("Produkt")
    KOSTENSTELLE = "kostenstelle", _("Kostenstelle")
    INVESTITION = "investition", _("Investitionsnummer")


class BudgetLine(MeasurePart):
    """Money of a measure in one budget year: planned and spent (EUR), where it stands in the
    Haushalt (Produkt, Kostenstelle or Investitionsnummer), funding, and the approving decision."""

    year = models.PositiveSmallIntegerField(
        _("Haushaltsjahr"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    planned = models.DecimalField(_("Geplant (EUR)"), default=Decimal(0), max_digits=14, decimal_places=2)
    spent = models.DecimalField(_("Ausgegeben (EUR)"), default=Decimal(0), max_digits=14, decimal_places=2)
    haushalt_kind = models.CharField(_("Art der Haushaltsstelle"), max_length=12, choices=HaushaltKind.choices)
    haushalt_ref = models.CharField(_("Haushaltsstelle"), max_length=60, blank=True)
    funding_programme = models.CharField(_("Förderprogramm"), max_length=200, blank=True)
    funding_amount = models.DecimalField(_("Fördersumme (EUR)"), null=True, blank=True, max_digits=14, decimal_places=2)
    decision = models.ForeignKey(
        CouncilDecision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Haushaltsbeschluss"),
    )

    AUDIT_FIELDS = (
        "year",
        "planned",
        "spent",
        "haushalt_kind",
        "haushalt_ref",
        "funding_programme",
        "funding_amount",
        "decision",
    )

    class Meta:
        verbose_name = _("Haushaltsansatz")
        verbose_name_plural = _("Haushaltsansätze")
        ordering = ["year", "id"]

    def __str__(self) -> str:
        return f"{self.year}: {self.planned} EUR"


class MeasureDependency(TenantModel):
    """`measure` needs `depends_on` first. The graph of a Kommune's measures has no cycle."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+")
    depends_on = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+")

    AUDIT_FIELDS = ("measure", "depends_on")

    class Meta:
        verbose_name = _("Abhängigkeit")
        verbose_name_plural = _("Abhängigkeiten")
        constraints = [
            models.UniqueConstraint(fields=["measure", "depends_on"], name="measure_dependency_unique"),
            models.CheckConstraint(
                condition=~models.Q(measure=models.F("depends_on")), name="measure_dependency_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} → {self.depends_on_id}"


class Risk(MeasurePart):
    title = models.CharField(_("Risiko"), max_length=200)
    likelihood = models.PositiveSmallIntegerField(_("Eintrittswahrscheinlichkeit"), default=3, validators=ONE_TO_FIVE)
    impact = models.PositiveSmallIntegerField(_("Auswirkung"), default=3, validators=ONE_TO_FIVE)
    mitigation = models.TextField(_("Gegenmaßnahme"), blank=True)

    AUDIT_FIELDS = ("title", "likelihood", "impact", "mitigation")

    class Meta:
        verbose_name = _("Risiko")
        verbose_name_plural = _("Risiken")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class MeasureRole(TenantModel):
    """The RACI letter of a role in one measure (seeded from the role model's matrix)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+")
    role = models.ForeignKey("roles.Role", on_delete=models.CASCADE, related_name="+", verbose_name=_("Rolle"))
    letter = models.CharField(_("Zuständigkeit (RACI)"), max_length=1, choices=[(c, c) for c in "RACI"])

    AUDIT_FIELDS = ("role", "letter")

    class Meta:
        verbose_name = _("Beteiligte Rolle")
        verbose_name_plural = _("Beteiligte Rollen")
        constraints = [models.UniqueConstraint(fields=["measure", "role"], name="measure_role_unique")]

    def __str__(self) -> str:
        return f"{self.role_id}: {self.letter}"


class ImpactLevel(models.TextChoices):
    """Neutral codes of the impact chain; `impact.impact_labels` names them for a style."""

    INPUT = "input", "input"
    OUTPUT = "output", "output"
    EFFEKT = "effekt", "effekt"
    IMPACT = "impact", "impact"
    OUTCOME = "outcome", "outcome"


class ImpactStep(MeasurePart):
    """One link of a measure's impact chain (Input → Output → Effekt → Impact → Outcome)."""

    level = models.CharField(_("Stufe"), max_length=8, choices=ImpactLevel.choices)
    text = models.TextField(_("Beschreibung"))
    position = models.PositiveSmallIntegerField(default=0)

    AUDIT_FIELDS = ("level", "text", "position")

    class Meta:
        verbose_name = _("Stufe der Wirkungskette")
        verbose_name_plural = _("Stufen der Wirkungskette")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.level}: {self.text[:60]}"


# --- KPIs ------------------------------------------------------------------------------------


class Direction(models.TextChoices):
    STEIGEND = "steigend", _("steigend besser")
    FALLEND = "fallend", _("fallend besser")


class KPI(TenantModel):
    """A Kennzahl with baseline, target and measured values; it measures a goal, a measure or one
    step of a measure's impact chain."""

    name = models.CharField(_("Name"), max_length=200)
    unit = models.CharField(_("Einheit"), max_length=40, blank=True)
    direction = models.CharField(_("Richtung"), max_length=10, choices=Direction.choices, default=Direction.STEIGEND)
    baseline_value = models.DecimalField(_("Ausgangswert"), max_digits=18, decimal_places=4)
    baseline_on = models.DateField(_("Ausgangswert vom"))
    target_value = models.DecimalField(_("Zielwert"), max_digits=18, decimal_places=4)
    target_on = models.DateField(_("Zielwert bis"))
    data_source = models.CharField(_("Datenquelle"), max_length=300, blank=True)
    owner_role = models.ForeignKey(
        "roles.Role",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Verantwortliche Rolle"),
    )
    period_days = models.PositiveSmallIntegerField(
        _("Erhebungszeitraum (Tage)"), default=90, validators=[MinValueValidator(1)]
    )
    is_public = models.BooleanField(_("Öffentlich zeigen"), default=False)
    goal = models.ForeignKey(
        Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("Ziel")
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("Maßnahme")
    )
    impact_step = models.ForeignKey(
        ImpactStep,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Stufe der Wirkungskette"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    AUDIT_FIELDS = (
        "name",
        "unit",
        "direction",
        "baseline_value",
        "baseline_on",
        "target_value",
        "target_on",
        "data_source",
        "owner_role",
        "period_days",
        "is_public",
        "goal",
        "measure",
        "impact_step",
    )

    class Meta:
        verbose_name = _("Kennzahl")
        verbose_name_plural = _("Kennzahlen")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ValueSource(models.TextChoices):
    MANUELL = "manuell", _("von Hand")
    IMPORT = "import", _("Import")
    API = "api", _("Schnittstelle")


class KPIValue(TenantModel):
    """A measured value of a KPI on one day (at most one per day: a second one replaces it)."""

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="+")
    measured_on = models.DateField(_("Stichtag"))
    value = models.DecimalField(_("Wert"), max_digits=18, decimal_places=4)
    note = models.CharField(_("Anmerkung"), max_length=500, blank=True)
    source = models.CharField(_("Herkunft"), max_length=8, choices=ValueSource.choices, default=ValueSource.MANUELL)

    AUDIT_FIELDS = ("measured_on", "value", "note", "source")

    class Meta:
        verbose_name = _("Kennzahlenwert")
        verbose_name_plural = _("Kennzahlenwerte")
        ordering = ["measured_on", "id"]
        constraints = [models.UniqueConstraint(fields=["kpi", "measured_on"], name="kpi_value_one_per_day")]
        indexes = [models.Index(fields=["kommune", "kpi", "measured_on"], name="kpi_value_series_idx")]

    def __str__(self) -> str:
        return f"{self.measured_on:%d.%m.%Y}: {self.value}"


# --- status reports --------------------------------------------------------------------------


class TrafficLight(models.TextChoices):
    GRUEN = "gruen", _("im Plan")
    GELB = "gelb", _("gefährdet")
    ROT = "rot", _("kritisch")


class StatusReport(TenantModel):
    """A periodic Sachstandsbericht of a measure: traffic light with its words, progress, text and
    the KPI values at the time (`kpi_snapshot`: [{"kpi": id, "name", "value", "measured_on", "status"}])."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+")
    period_end = models.DateField(_("Berichtszeitraum bis"))
    reported_on = models.DateField(_("Berichtet am"))
    light = models.CharField(_("Ampel"), max_length=5, choices=TrafficLight.choices)
    progress = models.PositiveSmallIntegerField(_("Fortschritt (%)"), validators=[MaxValueValidator(100)])
    text = models.TextField(_("Sachstand"), blank=True)
    kpi_snapshot = models.JSONField(default=list, blank=True)
    author_name = models.CharField(_("Berichtet von"), max_length=200, blank=True)
    decision = models.ForeignKey(
        CouncilDecision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Gremienbeschluss"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = ("period_end", "reported_on", "light", "progress", "text", "decision")

    class Meta:
        verbose_name = _("Sachstandsbericht")
        verbose_name_plural = _("Sachstandsberichte")
        ordering = ["-reported_on", "-id"]
        indexes = [models.Index(fields=["kommune", "measure", "reported_on"], name="status_report_measure_idx")]
        constraints = [models.CheckConstraint(condition=models.Q(progress__lte=100), name="status_report_progress")]

    def __str__(self) -> str:
        return f"{self.reported_on:%d.%m.%Y}: {self.get_light_display()}"


class ReportReminder(TenantModel):
    """That the reminder for a measure's report due on `due_on` was sent: one row per measure and
    due date, so the reminder task never sends it twice (the unique constraint holds under races).
    No person is named: the recipient follows from the accountable role when it is sent."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Erinnerung an einen Sachstandsbericht")
        verbose_name_plural = _("Erinnerungen an Sachstandsberichte")
        constraints = [models.UniqueConstraint(fields=["measure", "due_on"], name="report_reminder_once")]

    def __str__(self) -> str:
        return f"{self.measure_id}: {self.due_on:%d.%m.%Y}"
