"""The orientation framework (Orientierungsrahmen) as data.

Global, versioned catalogues (`FrameworkCatalogue` with its `CatalogueDimension`, `CatalogueField`
and `CatalogueCriterion`) ship as `catalogue/orientierungsrahmen.toml` and are loaded idempotently,
like the role catalogues. A Kommune adopts a version by copying the tree into its own
`Dimension`, `Field` and `Criterion` rows (the catalogue key kept), then switches fields off,
rewords them and adds its own criteria. Measure templates (`MeasureTemplate`) suggest what to do
about weak fields; they are updated in place by key.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kompass.core.catalogues import Confidence
from kompass.tenancy.scoping import TenantModel

LEVELS = (1, 2, 3, 4, 5)


class Effort(models.TextChoices):
    GERING = "gering", _("gering")
    MITTEL = "mittel", _("mittel")
    HOCH = "hoch", _("hoch")


# --- global catalogues -----------------------------------------------------------------------


class FrameworkCatalogue(models.Model):
    """One loaded version of the framework catalogue; never changed once loaded."""

    key = models.CharField(max_length=50)
    version = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    source = models.TextField(blank=True)
    level_names = models.JSONField(default=list)
    decisions = models.JSONField(default=list)
    content_hash = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Katalog Orientierungsrahmen")
        verbose_name_plural = _("Kataloge Orientierungsrahmen")
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="framework_catalogue_unique")]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class DimensionContent(models.Model):
    key = models.SlugField(_("Schlüssel"), max_length=60)
    name = models.CharField(_("Name"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    source = models.TextField(_("Quelle"), blank=True)
    confidence = models.CharField(_("Belegstärke"), max_length=12, choices=Confidence.choices)
    position = models.PositiveSmallIntegerField(default=0)

    CONTENT_FIELDS = ("name", "description", "source", "confidence", "position")

    class Meta:
        abstract = True


class FieldContent(models.Model):
    key = models.SlugField(_("Schlüssel"), max_length=60)
    name = models.CharField(_("Name"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    assessable = models.BooleanField(_("Bewertbar"), default=True)
    optional = models.BooleanField(_("Wahlfeld"), default=False)
    source = models.TextField(_("Quelle"), blank=True)
    confidence = models.CharField(_("Belegstärke"), max_length=12, choices=Confidence.choices)
    confidence_note = models.TextField(_("Hinweis zur Belegstärke"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    CONTENT_FIELDS = ("name", "description", "assessable", "optional", "source", "confidence", "confidence_note")

    class Meta:
        abstract = True


class CriterionContent(models.Model):
    key = models.SlugField(_("Schlüssel"), max_length=60)
    name = models.CharField(_("Kriterium"), max_length=200)
    question = models.TextField(_("Frage"))
    levels = models.JSONField(_("Stufenbeschreibungen"), default=list)
    source = models.TextField(_("Quelle"), blank=True)
    confidence = models.CharField(_("Belegstärke"), max_length=12, choices=Confidence.choices)
    position = models.PositiveSmallIntegerField(default=0)

    CONTENT_FIELDS = ("name", "question", "levels", "source", "confidence")

    class Meta:
        abstract = True


class CatalogueDimension(DimensionContent):
    catalogue = models.ForeignKey(FrameworkCatalogue, on_delete=models.CASCADE, related_name="dimensions")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["catalogue", "key"], name="catalogue_dimension_unique")]
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class CatalogueField(FieldContent):
    catalogue = models.ForeignKey(FrameworkCatalogue, on_delete=models.CASCADE, related_name="fields")
    dimension_key = models.SlugField(max_length=60)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["catalogue", "key"], name="catalogue_field_unique")]
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class CatalogueCriterion(CriterionContent):
    catalogue = models.ForeignKey(FrameworkCatalogue, on_delete=models.CASCADE, related_name="criteria")
    field_key = models.SlugField(max_length=60)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "field_key", "key"], name="catalogue_criterion_unique")
        ]
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class MeasureTemplate(models.Model):
    """A suggestion for what a Kommune can do about a weak field (updated in place by key)."""

    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    field_keys = models.JSONField(default=list)
    max_level = models.PositiveSmallIntegerField(default=3)
    effort = models.CharField(max_length=10, choices=Effort.choices, default=Effort.MITTEL)
    kommunentypen = models.JSONField(default=list)
    source = models.TextField(blank=True)
    confidence = models.CharField(max_length=12, choices=Confidence.choices)
    position = models.PositiveSmallIntegerField(default=0)
    version = models.CharField(max_length=20)

    class Meta:
        verbose_name = _("Maßnahmenvorlage")
        verbose_name_plural = _("Maßnahmenvorlagen")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


# --- the Kommune's framework -----------------------------------------------------------------


class Framework(TenantModel):
    """A Kommune's adoption of a framework catalogue version."""

    catalogue = models.ForeignKey(FrameworkCatalogue, on_delete=models.PROTECT, related_name="+")
    adopted_at = models.DateTimeField(auto_now_add=True)
    adopted_by_name = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("Orientierungsrahmen")
        verbose_name_plural = _("Orientierungsrahmen")
        constraints = [models.UniqueConstraint(fields=["kommune"], name="framework_one_per_kommune")]

    def __str__(self) -> str:
        return f"Orientierungsrahmen ({self.catalogue})"


class Dimension(TenantModel, DimensionContent):
    class Meta:
        verbose_name = _("Dimension")
        verbose_name_plural = _("Dimensionen")
        constraints = [models.UniqueConstraint(fields=["kommune", "key"], name="dimension_unique_key")]
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Field(TenantModel, FieldContent):
    """A field of the Kommune's framework; switched off (`is_active=False`) it leaves surveys and results."""

    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="fields")
    is_active = models.BooleanField(_("Aktiv"), default=True)
    reworded = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    AUDIT_FIELDS = ("name", "description", "is_active")

    class Meta:
        verbose_name = _("Feld")
        verbose_name_plural = _("Felder")
        constraints = [models.UniqueConstraint(fields=["kommune", "key"], name="field_unique_key")]
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Criterion(TenantModel, CriterionContent):
    """A criterion of a field: from the catalogue (`is_custom=False`) or the Kommune's own."""

    field = models.ForeignKey(Field, on_delete=models.PROTECT, related_name="criteria")
    is_custom = models.BooleanField(default=False)
    is_active = models.BooleanField(_("Aktiv"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    AUDIT_FIELDS = ("name", "question", "levels", "is_active")

    class Meta:
        verbose_name = _("Kriterium")
        verbose_name_plural = _("Kriterien")
        constraints = [models.UniqueConstraint(fields=["kommune", "field", "key"], name="criterion_unique_key")]
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name
