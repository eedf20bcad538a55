"""The Verwaltungsgliederung of a Kommune: org units in a tree, and the people in them.

The tree is stored as a materialised path of primary keys (`"1/5/17/"`), so a subtree is
one `path LIKE '1/5/%'` query on SQLite and PostgreSQL alike, and moving a subtree is one
UPDATE. Codes follow the KGSt Verwaltungsgliederungsplan (e.g. `32` Ordnungsamt).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kompass.org.sorting import SORT_KEY_MAX_LENGTH, natural_sort_key
from kompass.tenancy.scoping import TenantModel

MAX_TREE_DEPTH = 12

code_validator = RegexValidator(
    r"^[A-Za-z0-9ÄÖÜäöüß][A-Za-z0-9ÄÖÜäöüß.\-/_ ]{0,29}$",
    _("Kennung: 1–30 Zeichen aus Buchstaben, Ziffern, Punkt, Bindestrich, Schrägstrich oder Unterstrich."),
)


class NaturalSortKeyField(models.CharField):  # type: ignore[type-arg]
    """The natural sort key of another field (`sorting.natural_sort_key`), set whenever the row is
    written by `save()` or `bulk_create` (both call `pre_save`, as for `auto_now`). A queryset
    `update()` or `bulk_update` of the source field must set this field too."""

    def __init__(self, *args: Any, source: str = "code", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", SORT_KEY_MAX_LENGTH)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        if kwargs.get("max_length") == SORT_KEY_MAX_LENGTH:
            del kwargs["max_length"]
        kwargs.pop("editable", None)
        if kwargs.get("default") == "":
            del kwargs["default"]
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = natural_sort_key(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


# How units are listed everywhere: by Kennung in natural order, ties ("32.1", "32-1") by Kennung.
# It is also the model's default order, so a list that forgets `order_by` is natural too.
NATURAL_ORDER = ("sort_key", "code")


class OrgUnitType(models.TextChoices):
    VERWALTUNGSVORSTAND = "verwaltungsvorstand", _("Verwaltungsvorstand")
    DEZERNAT = "dezernat", _("Dezernat")
    FACHBEREICH = "fachbereich", _("Fachbereich")
    AMT = "amt", _("Amt")
    ABTEILUNG = "abteilung", _("Abteilung")
    SACHGEBIET = "sachgebiet", _("Sachgebiet")
    STABSSTELLE = "stabsstelle", _("Stabsstelle")
    EIGENBETRIEB = "eigenbetrieb", _("Eigenbetrieb")
    BETEILIGUNG = "beteiligung", _("Beteiligung")


class OrgUnit(TenantModel):
    """An organisational unit (Dezernat, Fachbereich, Amt …) of one Kommune."""

    code = models.CharField(_("Kennung"), max_length=30, validators=[code_validator])
    # Natural order of the Kennung ("32.2" before "32.10") for ORDER BY; lists order by
    # ("sort_key", "code"), see `NATURAL_ORDER`.
    sort_key = NaturalSortKeyField(source="code")
    name = models.CharField(_("Name"), max_length=200)
    unit_type = models.CharField(_("Typ"), max_length=30, choices=OrgUnitType.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("Übergeordnete Einheit"),
    )
    head = models.ForeignKey(
        "org.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Leitung"),
    )
    is_active = models.BooleanField(_("Aktiv"), default=True)
    path = models.CharField(max_length=255, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_FIELDS = ("code", "name", "unit_type", "parent", "head", "is_active")

    class Meta:
        verbose_name = _("Organisationseinheit")
        verbose_name_plural = _("Organisationseinheiten")
        ordering = NATURAL_ORDER
        constraints = [models.UniqueConstraint(fields=["kommune", "code"], name="orgunit_unique_code")]
        indexes = [
            models.Index(fields=["kommune", "path"], name="orgunit_path_idx"),
            models.Index(fields=["kommune", "sort_key", "code"], name="orgunit_natural_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EmployerKind(models.TextChoices):
    """Who employs a person: the Kommune's own administration, or an external body working for it
    (IT-Dienstleister, Zweckverband, beauftragte Firma). The Rollen-Check reads it: IT steering held
    only by people of an external body is a finding (KGSt-Bericht 9/2016)."""

    OWN = "eigen", _("Eigene Verwaltung")
    EXTERNAL = "extern", _("Externe Stelle")


FULL_TIME = Decimal(100)


class Person(TenantModel):
    """A member of staff, with only what the product needs (DSGVO Art. 5(1)(c)).

    Purpose: naming heads of units and, in later modules, holders of roles and owners of
    measures. Retention: as long as the person works for the Kommune; erasure on request.
    `employment_percent` (Beschäftigungsumfang) serves only the overload check of the roles;
    `employer_kind`/`employer_name` only the check that IT steering is not outsourced.
    """

    first_name = models.CharField(_("Vorname"), max_length=100)
    last_name = models.CharField(_("Nachname"), max_length=100)
    email = models.EmailField(_("Dienstliche E-Mail"), max_length=254)
    function_title = models.CharField(_("Funktion / Stellenbezeichnung"), max_length=200, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("Organisationseinheit"),
    )
    # Percent of a full-time post, like an assignment's time share (50 is half a post).
    employment_percent = models.DecimalField(
        _("Beschäftigungsumfang (% einer Vollzeitstelle)"),
        max_digits=4,
        decimal_places=1,
        default=FULL_TIME,
        validators=[
            MinValueValidator(Decimal(1), message=_("Der Beschäftigungsumfang muss mindestens 1 % betragen.")),
            MaxValueValidator(FULL_TIME, message=_("Der Beschäftigungsumfang kann höchstens 100 % betragen.")),
        ],
        help_text=_("100 ist eine Vollzeitstelle, 50 eine halbe Stelle."),
    )
    employer_kind = models.CharField(
        _("Arbeitgeber"), max_length=10, choices=EmployerKind.choices, default=EmployerKind.OWN
    )
    employer_name = models.CharField(_("Name der externen Stelle"), max_length=200, blank=True)
    is_active = models.BooleanField(_("Aktiv"), default=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Benutzerkonto"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    AUDIT_FIELDS = (
        "first_name",
        "last_name",
        "email",
        "function_title",
        "org_unit",
        "employment_percent",
        "employer_kind",
        "employer_name",
        "is_active",
        "user",
    )

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        constraints = [models.UniqueConstraint(fields=["kommune", "email"], name="person_unique_email")]
        indexes = [models.Index(fields=["kommune", "last_name", "first_name"], name="person_name_idx")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_external(self) -> bool:
        return self.employer_kind == EmployerKind.EXTERNAL

    @property
    def is_part_time(self) -> bool:
        return self.employment_percent < FULL_TIME
