"""Maturity self-assessment along the Kommune's framework: campaigns, participation, answers, results.

Anonymity is a property of the schema (docs/security.md N3), not only of the pages:

- `Participant` ("has been invited", "has answered" — for reminders and response rates) and
  `Response`/`Answer` (what was answered) share no key. Responses and answers have random UUID
  keys, no timestamps, no default ordering, and nothing that follows the order of insertion; a
  participant knows only the day she or he answered.
- A response carries only what the reports break down by: the audience and the reporting unit
  (the unit of the invitation, coarsened to the campaign's reporting depth).
- A `Draft` (answers saved to resume later) is keyed by the participant's token and deleted when
  the response is submitted.
- Aggregates leave the database only through `results.py`, which suppresses every group smaller
  than k and its complements; the computed result of a closed campaign is stored in
  `CampaignResult`, so that raw answers can be deleted after the retention period while the
  aggregates stay.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kompass.framework.models import Criterion
from kompass.tenancy.scoping import TenantModel

MIN_K = 5
MIN_FREE_TEXT_K = 10
DISTRIBUTION_MIN = 10


class Audience(models.TextChoices):
    VORSTAND = "vorstand", _("Verwaltungsvorstand")
    FUEHRUNG = "fuehrung", _("Führungskräfte")
    LOTSEN = "lotsen", _("Lotsinnen und Lotsen")
    MITARBEITENDE = "mitarbeitende", _("Mitarbeitende")


# When an audience is smaller than k, its answers are reported together with the next one.
AUDIENCE_MERGE_INTO: dict[str, str] = {
    Audience.VORSTAND: Audience.FUEHRUNG,
    Audience.FUEHRUNG: Audience.MITARBEITENDE,
    Audience.LOTSEN: Audience.MITARBEITENDE,
    Audience.MITARBEITENDE: Audience.FUEHRUNG,
}


class CampaignStatus(models.TextChoices):
    DRAFT = "entwurf", _("Entwurf")
    OPEN = "offen", _("Offen")
    CLOSED = "geschlossen", _("Geschlossen")
    ARCHIVED = "archiviert", _("Archiviert")


class Channel(models.TextChoices):
    MAIL = "mail", _("E-Mail")
    LIST = "liste", _("Liste für Serienbrief")
    LETTER = "brief", _("Brief")
    OPEN = "offen", _("Offener Link")


class AssessmentSettings(TenantModel):
    """The Kommune's anonymity threshold: 5 or more, raised only (e.g. by a Dienstvereinbarung)."""

    k = models.PositiveSmallIntegerField(
        _("Mindestgruppengröße k"), default=MIN_K, validators=[MinValueValidator(MIN_K)]
    )
    reason = models.TextField(_("Grundlage"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("Einstellungen der Selbstbewertung")
        verbose_name_plural = _("Einstellungen der Selbstbewertung")
        constraints = [
            models.UniqueConstraint(fields=["kommune"], name="assessment_settings_one_per_kommune"),
            models.CheckConstraint(condition=models.Q(k__gte=MIN_K), name="assessment_settings_k_min"),
        ]


class Campaign(TenantModel):
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    starts_on = models.DateField(_("Beginn"))
    ends_on = models.DateField(_("Ende"))
    status = models.CharField(_("Status"), max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    audiences = models.JSONField(_("Zielgruppen"), default=list)
    units = models.ManyToManyField(
        "org.OrgUnit", blank=True, related_name="+", verbose_name=_("Organisationseinheiten")
    )
    unit_depth = models.PositiveSmallIntegerField(
        _("Auswertung nach Organisationseinheiten bis Ebene"),
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(4)],
        help_text=_(
            "0 = keine Auswertung nach Organisationseinheiten; 1 = oberste Ebene des Organigramms, 2 = die "
            "Ebene darunter (gezeigt unter der Ebene darüber) usw."
        ),
    )
    k = models.PositiveSmallIntegerField(
        _("Mindestgruppengröße k"), default=MIN_K, validators=[MinValueValidator(MIN_K)]
    )
    free_text_enabled = models.BooleanField(_("Freitext erlauben"), default=False)
    free_text_k = models.PositiveSmallIntegerField(
        _("Mindestgruppengröße für Freitext"), default=MIN_FREE_TEXT_K, validators=[MinValueValidator(MIN_FREE_TEXT_K)]
    )
    open_link_enabled = models.BooleanField(_("Offener Link mit Zugangscode"), default=False)
    open_token = models.CharField(max_length=43, blank=True)
    access_code = models.CharField(_("Zugangscode"), max_length=20, blank=True)
    dv_reference = models.CharField(_("Dienstvereinbarung (Bezeichnung)"), max_length=200, blank=True)
    dv_date = models.DateField(_("Dienstvereinbarung vom"), null=True, blank=True)
    retention_months = models.PositiveSmallIntegerField(
        _("Aufbewahrung der Einzelantworten (Monate)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    privacy_notice = models.TextField(_("Datenschutzhinweis"), blank=True)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    raw_deleted_on = models.DateField(null=True, blank=True)
    results_released = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    AUDIT_FIELDS = (
        "title",
        "description",
        "starts_on",
        "ends_on",
        "status",
        "audiences",
        "unit_depth",
        "k",
        "free_text_enabled",
        "free_text_k",
        "open_link_enabled",
        "dv_reference",
        "dv_date",
        "retention_months",
    )

    class Meta:
        verbose_name = _("Umfrage")
        verbose_name_plural = _("Umfragen")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(k__gte=MIN_K), name="campaign_k_min"),
            models.CheckConstraint(
                condition=models.Q(free_text_k__gte=MIN_FREE_TEXT_K), name="campaign_free_text_k_min"
            ),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="campaign_period"),
        ]

    def __str__(self) -> str:
        return self.title


class CampaignItem(TenantModel):
    """One criterion of a campaign's questionnaire, with the wording that was asked."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    field_key = models.SlugField(max_length=60)
    field_name = models.CharField(max_length=200)
    dimension_key = models.SlugField(max_length=60)
    dimension_name = models.CharField(max_length=200)
    name = models.CharField(max_length=200)
    question = models.TextField()
    levels = models.JSONField(default=list)

    class Meta:
        verbose_name = _("Frage")
        verbose_name_plural = _("Fragen")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "criterion"], name="campaign_item_unique")]

    def __str__(self) -> str:
        return self.name


class Participant(TenantModel):
    """An invitation: who may answer once, and whether she or he has. Knows nothing of the answers."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="participants")
    token_hash = models.CharField(max_length=64, unique=True)
    audience = models.CharField(max_length=16, choices=Audience.choices)
    unit = models.ForeignKey("org.OrgUnit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    person = models.ForeignKey("org.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    email = models.EmailField(blank=True)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.MAIL)
    invited_on = models.DateField()
    reminded_on = models.DateField(null=True, blank=True)
    answered_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("Teilnahme")
        verbose_name_plural = _("Teilnahmen")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "person"],
                condition=models.Q(person__isnull=False),
                name="participant_once_per_person",
            )
        ]


class Draft(TenantModel):
    """Answers saved to resume later; deleted when the response is submitted."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    answers = models.JSONField(default=dict)
    saved_on = models.DateField()


class Response(TenantModel):
    """One submitted questionnaire. No timestamp, no order, no link to the participant."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    audience = models.CharField(max_length=16, choices=Audience.choices)
    unit = models.ForeignKey("org.OrgUnit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _("Antwortbogen")
        verbose_name_plural = _("Antwortbögen")


class Answer(TenantModel):
    """One rating: a level 1–5, or none for "kann ich nicht beurteilen"."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(CampaignItem, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("Antwort")
        verbose_name_plural = _("Antworten")
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="answer_once_per_item"),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=1, value__lte=5), name="answer_value_range"
            ),
        ]


class CampaignResult(TenantModel):
    """The suppressed aggregates of a closed campaign (computed at closing; survives the raw answers)."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="result")
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField()
    response_count = models.PositiveIntegerField(default=0)


class ResultRelease(TenantModel):
    """Every view and export of results, for the Personalrat to read (who, when, which breakdown)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="releases")
    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user_name = models.CharField(max_length=200)
    breakdown = models.CharField(max_length=40)
    channel = models.CharField(max_length=10)
    suppressed = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Ergebnisabruf")
        verbose_name_plural = _("Ergebnisabrufe")
        ordering = ["-at", "-id"]


class Target(TenantModel):
    """Soll: the level leadership aims at for a field (or one criterion), by a year, with a reason."""

    field = models.ForeignKey("framework.Field", on_delete=models.CASCADE, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    level = models.DecimalField(
        _("Soll-Stufe"), max_digits=2, decimal_places=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    year = models.PositiveSmallIntegerField(
        _("Zieljahr"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    reason = models.TextField(_("Begründung"))
    weight = models.PositiveSmallIntegerField(
        _("Gewicht"), default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    AUDIT_FIELDS = ("level", "year", "reason", "weight")

    class Meta:
        verbose_name = _("Soll")
        verbose_name_plural = _("Soll-Profil")
        constraints = [
            models.UniqueConstraint(
                fields=["kommune", "field"], condition=models.Q(criterion__isnull=True), name="target_once_per_field"
            ),
            models.UniqueConstraint(
                fields=["kommune", "criterion"],
                condition=models.Q(criterion__isnull=False),
                name="target_once_per_criterion",
            ),
        ]


class RecommendationStatus(models.TextChoices):
    ACCEPTED = "angenommen", _("angenommen")
    IN_AGENDA = "agenda", _("in die Digitale Agenda übernommen")
    DROPPED = "verworfen", _("verworfen")


class Recommendation(TenantModel):
    """An accepted measure suggestion for a weak field, ready to become a draft measure of the agenda."""

    template = models.ForeignKey(
        "framework.MeasureTemplate", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    field = models.ForeignKey("framework.Field", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    reason = models.TextField(_("Begründung"))
    current_level = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    target_level = models.DecimalField(max_digits=2, decimal_places=1, null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=RecommendationStatus.choices, default=RecommendationStatus.ACCEPTED
    )
    accepted_at = models.DateTimeField(auto_now_add=True)
    accepted_by_name = models.CharField(max_length=200, blank=True)
    dropped_on = models.DateField(_("Verworfen am"), null=True, blank=True)
    dropped_reason = models.TextField(_("Grund für das Verwerfen"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    AUDIT_FIELDS = ("title", "description", "reason", "status", "dropped_reason")

    class Meta:
        verbose_name = _("Empfehlung")
        verbose_name_plural = _("Empfehlungen")
        ordering = ["-accepted_at", "-id"]


class TypeProfile(TenantModel):
    """The Verwaltungsvorstand's answers to the short Kommunentyp questionnaire (one per Kommune)."""

    answers = models.JSONField(default=dict)
    answered_on = models.DateField()
    answered_by_name = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("Kommunentyp")
        verbose_name_plural = _("Kommunentypen")
        constraints = [models.UniqueConstraint(fields=["kommune"], name="typeprofile_one_per_kommune")]
