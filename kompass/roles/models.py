"""The KGSt-oriented role model.

Global, versioned catalogues (`Catalogue`, `CatalogueRole`, `CatalogueRelation`,
`ActivityTemplate`) ship as data files in `catalogue/` and are loaded idempotently. A Kommune
adopts a catalogue version by copying its roles into its own `Role` rows (keeping the link), adapts
them, adds its own, assigns people (`Assignment`) and fills the responsibility matrix
(`RaciCell`: activity × role → R/A/C/I).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kompass.core.catalogues import Confidence
from kompass.tenancy.scoping import TenantModel


class RelationType(models.TextChoices):
    BERICHTET_AN = "berichtet_an", _("berichtet an")
    KOORDINIERT = "koordiniert", _("koordiniert")
    BERAET = "beraet", _("berät")
    BEAUFTRAGT = "beauftragt", _("beauftragt")
    ARBEITET_ZU = "arbeitet_zu", _("arbeitet zu")
    KONTROLLIERT = "kontrolliert", _("kontrolliert")


class RoleKind(models.TextChoices):
    INTERN = "intern", _("Rolle in der Verwaltung")
    EXTERN = "extern", _("Externe Rolle")
    GREMIUM = "gremium", _("Gremium")


class Raci(models.TextChoices):
    R = "R", _("R – führt durch (Responsible)")
    A = "A", _("A – verantwortet, entscheidet (Accountable)")
    C = "C", _("C – wird beteiligt (Consulted)")
    I = "I", _("I – wird informiert (Informed)")  # noqa: E741 - RACI letter


class QualificationStatus(models.TextChoices):
    NONE = "keine", _("noch nicht qualifiziert")
    PLANNED = "geplant", _("Qualifizierung geplant")
    BASIC = "grundlagen", _("Grundqualifizierung abgeschlossen")
    ADVANCED = "aufbau", _("Aufbaumodule abgeschlossen")


# --- global catalogues -----------------------------------------------------------------------


class Catalogue(models.Model):
    """One version of a shipped role catalogue (e.g. KGSt-orientiert 2026.1)."""

    key = models.CharField(max_length=50)
    version = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    source = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Rollenkatalog")
        verbose_name_plural = _("Rollenkataloge")
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="catalogue_unique_version")]
        ordering = ["key", "version"]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"


class RoleContent(models.Model):
    """The descriptive fields a role has in a catalogue and in a Kommune's model alike."""

    key = models.SlugField(_("Schlüssel"), max_length=60)
    name = models.CharField(_("Name"), max_length=200)
    short_name = models.CharField(_("Kurzname"), max_length=40, blank=True)
    # One holder of the role, phrased so that no gender needs to be stored ("Digitale Lotsin oder
    # Digitaler Lotse"); `name` may be a plural or a function ("Digitale Lotsinnen und Lotsen").
    name_singular = models.CharField(_("Bezeichnung für eine Person"), max_length=200, blank=True)
    kind = models.CharField(_("Art"), max_length=10, choices=RoleKind.choices, default=RoleKind.INTERN)
    group = models.CharField(_("Gruppe"), max_length=100, blank=True)
    purpose = models.TextField(_("Zweck"), blank=True)
    tasks = models.JSONField(_("Aufgaben"), default=list)
    responsibilities = models.JSONField(_("Verantwortung"), default=list)
    placement = models.TextField(_("Typische Verortung"), blank=True)
    competences = models.JSONField(_("Erwartete Kompetenzen"), default=list)
    time_share_percent = models.PositiveSmallIntegerField(
        _("Empfohlener Zeitanteil (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    time_share_note = models.TextField(_("Hinweis zum Zeitanteil"), blank=True)
    markers = models.JSONField(default=list)
    source = models.TextField(_("Quelle"), blank=True)
    confidence = models.CharField(_("Belegstärke"), max_length=12, choices=Confidence.choices)
    confidence_note = models.TextField(_("Hinweis zur Belegstärke"), blank=True)

    CONTENT_FIELDS = (
        "name",
        "short_name",
        "name_singular",
        "kind",
        "group",
        "purpose",
        "tasks",
        "responsibilities",
        "placement",
        "competences",
        "time_share_percent",
        "time_share_note",
        "markers",
        "source",
        "confidence",
        "confidence_note",
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name and self.short_name != self.name else self.name

    @property
    def holder_name(self) -> str:
        """How one holder of the role is named on their own ("Digitale Lotsin oder Digitaler Lotse").

        A role without a singular form (an own role whose editors left it empty) is named by its name.
        """
        return self.name_singular or self.name

    @property
    def as_holder(self) -> str:
        """The role of one person in running text: "als Digitale Lotsin oder Digitaler Lotse", or, for a
        role without a singular form, "in der Rolle „Name“" (no gender needs to be guessed)."""
        if self.name_singular:
            return gettext("als %(role)s") % {"role": self.name_singular}
        return gettext("in der Rolle „%(role)s“") % {"role": self.name}


class CatalogueRole(RoleContent):
    catalogue = models.ForeignKey(Catalogue, on_delete=models.CASCADE, related_name="roles")

    class Meta:
        verbose_name = _("Katalogrolle")
        verbose_name_plural = _("Katalogrollen")
        constraints = [models.UniqueConstraint(fields=["catalogue", "key"], name="catalogue_role_unique_key")]
        ordering = ["catalogue", "id"]


class CatalogueRelation(models.Model):
    catalogue = models.ForeignKey(Catalogue, on_delete=models.CASCADE, related_name="relations")
    from_key = models.CharField(max_length=60)
    to_key = models.CharField(max_length=60)
    relation_type = models.CharField(max_length=20, choices=RelationType.choices)
    note = models.TextField(blank=True)
    source = models.TextField(blank=True)
    confidence = models.CharField(max_length=12, choices=Confidence.choices)

    class Meta:
        verbose_name = _("Katalogbeziehung")
        verbose_name_plural = _("Katalogbeziehungen")

    def __str__(self) -> str:
        return f"{self.from_key} {self.relation_type} {self.to_key}"


class ActivityTemplate(models.Model):
    """A digitalisation activity of the responsibility matrix with its default RACI proposal."""

    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    default_raci = models.JSONField(default=dict)
    note = models.TextField(blank=True)
    source = models.TextField(blank=True)
    confidence = models.CharField(max_length=12, choices=Confidence.choices)
    position = models.PositiveSmallIntegerField(default=0)
    version = models.CharField(max_length=20)

    class Meta:
        verbose_name = _("Aktivität")
        verbose_name_plural = _("Aktivitäten")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


# --- the Kommune's role model ----------------------------------------------------------------


class RoleModel(TenantModel):
    """A Kommune's adoption of a catalogue version."""

    catalogue = models.ForeignKey(Catalogue, on_delete=models.PROTECT, related_name="+")
    adopted_at = models.DateTimeField(auto_now_add=True)
    adopted_by_name = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("Rollenmodell")
        verbose_name_plural = _("Rollenmodelle")
        constraints = [models.UniqueConstraint(fields=["kommune"], name="rolemodel_one_per_kommune")]

    def __str__(self) -> str:
        return f"Rollenmodell ({self.catalogue})"


class Role(TenantModel, RoleContent):
    """A role in a Kommune's model: copied from a catalogue (link kept) or the Kommune's own."""

    catalogue_role = models.ForeignKey(
        CatalogueRole, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    not_filled = models.BooleanField(_("Bewusst nicht besetzt"), default=False)
    not_filled_reason = models.TextField(_("Begründung"), blank=True)
    is_active = models.BooleanField(_("Aktiv"), default=True)
    position = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    AUDIT_FIELDS = (*RoleContent.CONTENT_FIELDS, "not_filled", "not_filled_reason", "is_active")

    class Meta:
        verbose_name = _("Rolle")
        verbose_name_plural = _("Rollen")
        constraints = [models.UniqueConstraint(fields=["kommune", "key"], name="role_unique_key")]
        ordering = ["position", "id"]

    @property
    def is_custom(self) -> bool:
        return self.catalogue_role_id is None

    def has_marker(self, marker: str) -> bool:
        return marker in (self.markers or [])


class RoleRelation(TenantModel):
    from_role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="relations_out")
    to_role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="relations_in")
    relation_type = models.CharField(_("Art der Beziehung"), max_length=20, choices=RelationType.choices)
    note = models.TextField(_("Hinweis"), blank=True)
    source = models.TextField(_("Quelle"), blank=True)
    confidence = models.CharField(_("Belegstärke"), max_length=12, choices=Confidence.choices)

    class Meta:
        verbose_name = _("Rollenbeziehung")
        verbose_name_plural = _("Rollenbeziehungen")

    def __str__(self) -> str:
        return f"{self.from_role} {self.get_relation_type_display()} {self.to_role}"


class Assignment(TenantModel):
    """A person holds a role, optionally for one org unit, with a time share and a period.

    Purpose: show who is responsible for what and whether roles are covered. Retention: ended
    assignments stay as history while the person works for the Kommune.
    """

    person = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("Person"))
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("Rolle"))
    org_unit = models.ForeignKey(
        "org.OrgUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Für Organisationseinheit"),
    )
    time_share = models.DecimalField(
        _("Zeitanteil (% einer Vollzeitstelle)"),
        max_digits=5,
        decimal_places=1,
        validators=[
            MinValueValidator(Decimal("0.1"), message=_("Der Zeitanteil muss größer als 0 sein.")),
            MaxValueValidator(100),
        ],
        help_text=_("Anteil an einer Vollzeitstelle in Prozent: 50 ist eine halbe Stelle, 100 eine ganze."),
    )
    valid_from = models.DateField(_("Gültig ab"))
    valid_until = models.DateField(_("Gültig bis"), null=True, blank=True)
    deputy = models.ForeignKey(
        "org.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("Vertretung")
    )
    mandate = models.CharField(_("Grundlage / Mandat"), max_length=300, blank=True)
    approved_by = models.ForeignKey(
        "org.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Freigabe durch Führungskraft"),
    )
    qualification = models.CharField(
        _("Qualifizierung"), max_length=12, choices=QualificationStatus.choices, default=QualificationStatus.NONE
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    AUDIT_FIELDS = (
        "person",
        "role",
        "org_unit",
        "time_share",
        "valid_from",
        "valid_until",
        "deputy",
        "mandate",
        "approved_by",
        "qualification",
    )

    class Meta:
        verbose_name = _("Rollenzuordnung")
        verbose_name_plural = _("Rollenzuordnungen")
        indexes = [
            models.Index(fields=["kommune", "role"], name="assignment_role_idx"),
            models.Index(fields=["kommune", "person"], name="assignment_person_idx"),
            models.Index(fields=["kommune", "valid_until"], name="assignment_until_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.role.holder_name}"

    def overlaps(self, valid_from: datetime.date, valid_until: datetime.date | None) -> bool:
        """Does this assignment's period share a day with the given one? An open end runs forever."""
        return periods_overlap(self.valid_from, self.valid_until, valid_from, valid_until)


def periods_overlap(
    a_from: datetime.date, a_until: datetime.date | None, b_from: datetime.date, b_until: datetime.date | None
) -> bool:
    """Two periods with inclusive ends share at least one day; `None` as the end means open-ended."""
    return (b_until is None or a_from <= b_until) and (a_until is None or b_from <= a_until)


class RaciCell(TenantModel):
    """One cell of the responsibility matrix: activity × role → R, A, C or I."""

    activity = models.ForeignKey(ActivityTemplate, on_delete=models.PROTECT, related_name="+")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="+")
    letter = models.CharField(max_length=1, choices=Raci.choices)

    class Meta:
        verbose_name = _("Matrixzelle")
        verbose_name_plural = _("Matrixzellen")
        constraints = [models.UniqueConstraint(fields=["kommune", "activity", "role"], name="raci_unique_cell")]

    def __str__(self) -> str:
        return f"{self.activity} / {self.role}: {self.letter}"


class RoleCheckVisit(TenantModel):
    """When a member of the Kommune first opened the Rollen-Check: the last step of "Erste Schritte"
    ticks itself with it. One row per Kommune, no person named."""

    first_opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Aufruf des Rollen-Checks")
        verbose_name_plural = _("Aufrufe des Rollen-Checks")
        constraints = [models.UniqueConstraint(fields=["kommune"], name="rolecheckvisit_one_per_kommune")]

    def __str__(self) -> str:
        return f"Rollen-Check zuerst geöffnet am {self.first_opened_at:%d.%m.%Y}"
