"""The Kommune (the tenant of Kommunalkompass), its members and audited operator access.

A Landkreis or municipal IT provider hosts many Kommunen on one instance. Every row of
tenant data carries a non-null `kommune` (see `scoping.TenantModel`). A user belongs to one or
more Kommunen through a `Membership` with one of three roles; platform operators (superusers)
have no membership and reach a Kommune only through an `OperatorAccess` that names a reason
and is written to that Kommune's audit log.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kompass.tenancy.scoping import TenantModel


class KommuneType(models.TextChoices):
    GEMEINDE = "gemeinde", _("Gemeinde")
    STADT = "stadt", _("Stadt")
    GROSSE_KREISSTADT = "grosse_kreisstadt", _("Große Kreisstadt")
    KREISFREIE_STADT = "kreisfreie_stadt", _("Kreisfreie Stadt")
    LANDKREIS = "landkreis", _("Landkreis")
    AMT = "amt", _("Amt")
    VERBANDSGEMEINDE = "verbandsgemeinde", _("Verbandsgemeinde")
    # The value predates Amt and Verbandsgemeinde as types of their own; rows that carry it stay valid.
    VERBAND = "verband", _("Samtgemeinde / sonstiger Gemeindeverband")


class Bundesland(models.TextChoices):
    BW = "BW", "Baden-Württemberg"
    BY = "BY", "Bayern"
    BE = "BE", "Berlin"
    BB = "BB", "Brandenburg"
    HB = "HB", "Bremen"
    HH = "HH", "Hamburg"
    HE = "HE", "Hessen"
    MV = "MV", "Mecklenburg-Vorpommern"
    NI = "NI", "Niedersachsen"
    NW = "NW", "Nordrhein-Westfalen"
    RP = "RP", "Rheinland-Pfalz"
    SL = "SL", "Saarland"
    SN = "SN", "Sachsen"
    ST = "ST", "Sachsen-Anhalt"
    SH = "SH", "Schleswig-Holstein"
    TH = "TH", "Thüringen"


# The first two digits of the Amtlicher Gemeindeschlüssel name the Land (Destatis).
AGS_LAND_PREFIX = {
    "SH": "01",
    "HH": "02",
    "NI": "03",
    "HB": "04",
    "NW": "05",
    "HE": "06",
    "RP": "07",
    "BW": "08",
    "BY": "09",
    "SL": "10",
    "BE": "11",
    "BB": "12",
    "MV": "13",
    "SN": "14",
    "ST": "15",
    "TH": "16",
}

# The official key of a Kommune (Destatis Gemeindeverzeichnis). Its length says what it is:
# the Kreisschlüssel of a Landkreis or kreisfreie Stadt (5 digits), the Amtlicher Gemeindeschlüssel
# of a Gemeinde or Stadt (8), the Amtlicher Regionalschlüssel (12), which also names the Gemeindeverband
# and so is the only key an Amt, a Verbandsgemeinde or a Samtgemeinde has.
KREISSCHLUESSEL, AGS, ARS = 5, 8, 12
KEY_NAMES = {KREISSCHLUESSEL: _("Kreisschlüssel"), AGS: _("AGS"), ARS: _("ARS")}
KEY_LENGTHS: dict[str, tuple[int, ...]] = {
    KommuneType.GEMEINDE: (AGS, ARS),
    KommuneType.STADT: (AGS, ARS),
    KommuneType.GROSSE_KREISSTADT: (AGS, ARS),
    KommuneType.KREISFREIE_STADT: (KREISSCHLUESSEL, AGS, ARS),
    KommuneType.LANDKREIS: (KREISSCHLUESSEL,),
    KommuneType.AMT: (ARS,),
    KommuneType.VERBANDSGEMEINDE: (ARS,),
    KommuneType.VERBAND: (ARS,),
}
OFFICIAL_KEY_HELP = _(
    "Nur Ziffern. Landkreis: Kreisschlüssel, 5 Ziffern. Gemeinde oder Stadt: Amtlicher Gemeindeschlüssel (AGS), "
    "8 Ziffern. Amt, Verbandsgemeinde, Samtgemeinde: Amtlicher Regionalschlüssel (ARS), 12 Ziffern – auch "
    "Gemeinden und Städte dürfen ihn angeben; eine kreisfreie Stadt auch ihren Kreisschlüssel. "
    "Die ersten beiden Ziffern bezeichnen das Land."
)
ags_validator = RegexValidator(
    r"^(?:\d{5}|\d{8}|\d{12})$",
    _("Der Amtliche Schlüssel besteht aus 5, 8 oder 12 Ziffern (Kreisschlüssel, AGS oder ARS)."),
)
SUSPENSION_REASON_MAX = 250  # short enough to name the reason in the audit entry's label as well
slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$",
    _("Kurzname: Kleinbuchstaben, Ziffern und Bindestriche, höchstens 50 Zeichen."),
)


class Kommune(models.Model):
    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(
        _("Kurzname"),
        max_length=50,
        unique=True,
        validators=[slug_validator],
        error_messages={"unique": _("Diesen Kurznamen trägt schon eine andere Kommune.")},
    )
    kommune_type = models.CharField(_("Art"), max_length=30, choices=KommuneType.choices)
    bundesland = models.CharField(_("Bundesland"), max_length=2, choices=Bundesland.choices)
    population = models.PositiveIntegerField(_("Einwohnerzahl"), validators=[MinValueValidator(1)])
    # The column keeps its first name; it holds a Kreisschlüssel, an AGS or an ARS (see KEY_LENGTHS).
    ags = models.CharField(
        _("Amtlicher Schlüssel"),
        max_length=12,
        unique=True,
        validators=[ags_validator],
        help_text=OFFICIAL_KEY_HELP,
        error_messages={"unique": _("Eine Kommune mit diesem Amtlichen Schlüssel gibt es schon.")},
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    # A suspended Kommune stays on the platform with all its data, but its members cannot open it
    # (`context.resolve_tenant`); the platform operators suspend and reactivate it.
    suspended_at = models.DateTimeField(_("Gesperrt seit"), null=True, blank=True)
    suspension_reason = models.CharField(_("Grund der Sperre"), max_length=SUSPENSION_REASON_MAX, blank=True)

    class Meta:
        verbose_name = _("Kommune")
        verbose_name_plural = _("Kommunen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    @property
    def key_name(self) -> str:
        """What the official key is, by its length: "Kreisschlüssel", "AGS" or "ARS"."""
        return str(KEY_NAMES.get(len(self.ags), _("Amtlicher Schlüssel")))


class Role(models.TextChoices):
    ADMIN = "admin", _("Administration")
    EDITOR = "editor", _("Redaktion")
    READER = "reader", _("Lesend")


class Membership(TenantModel):
    """A user's role in one Kommune; Redaktion may be limited to one org-unit subtree."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("Rolle"), max_length=10, choices=Role.choices)
    # The unit model is named by the project settings, the way Django names the user model
    # (`AUTH_USER_MODEL`): the tenant layer knows that Kommunen have a unit tree, not which app owns it.
    scope_unit = models.ForeignKey(
        settings.TENANT_SCOPE_UNIT_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Beschränkt auf Organisationseinheit"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        db_table = "accounts_membership"  # moved from accounts without touching the table
        constraints = [models.UniqueConstraint(fields=["user", "kommune"], name="membership_unique_user_kommune")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


class OperatorAccess(TenantModel):
    """A platform operator's time-limited, read-only access to one Kommune, with a reason."""

    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    operator_name = models.CharField(max_length=200)
    reason = models.CharField(_("Begründung"), max_length=500)
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("Betreiberzugriff")
        verbose_name_plural = _("Betreiberzugriffe")
        db_table = "accounts_operatoraccess"  # moved from accounts without touching the table
        ordering = ["-granted_at"]
