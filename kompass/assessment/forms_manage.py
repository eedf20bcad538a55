"""Forms of the campaign pages. They parse input; the services decide what is valid (k, period …)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kompass.assessment.manage_selectors import LevelExample
from kompass.assessment.models import MIN_FREE_TEXT_K, Audience, Campaign, Channel
from kompass.assessment.services import DEFAULT_PRIVACY_NOTICE, LOCKED_AFTER_FIRST_RESPONSE
from kompass.core.widgets import GermanDateField
from kompass.org.forms import VersionedForm
from kompass.org.models import OrgUnit

LOCKED_REASON = _("Nach der ersten Antwort nicht mehr änderbar: die Antworten wurden unter diesen Bedingungen gegeben.")
DEFAULT_RETENTION = 12


def _number(label: Any, *, help_text: Any = "", initial: int | None = None) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        initial=initial,
        error_messages={
            "required": _("Bitte eine ganze Zahl angeben."),
            "invalid": _("Bitte eine ganze Zahl angeben."),
        },
    )


class CheckboxList(forms.CheckboxSelectMultiple):
    """Checkboxes whose field points at the first box: the error summary's link needs a target."""

    def id_for_label(self, id_: str, index: str | None = "0") -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class RadioList(forms.RadioSelect):
    def id_for_label(self, id_: str, index: str | None = "0") -> str:
        return super().id_for_label(id_, "0" if index is None else index)


def default_notice(k: int, months: int) -> str:
    return str(DEFAULT_PRIVACY_NOTICE) % {"k": k, "months": months}


class CampaignForm(VersionedForm):
    """Title, period, audiences, reporting depth, anonymity, Dienstvereinbarung, privacy notice.

    After the first response the fields that decide the anonymity are left out of the form (the
    page shows them read-only with the reason); the service would refuse a change anyway."""

    title = forms.CharField(label=_("Titel"), max_length=200, help_text=_("z. B. „Standortbestimmung 2026“"))
    description = forms.CharField(
        label=_("Beschreibung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Steht in der Einladung und über dem Fragebogen: wozu die Umfrage dient."),
    )
    starts_on = GermanDateField(label=_("Beginn"))
    ends_on = GermanDateField(label=_("Ende"))
    audiences = forms.MultipleChoiceField(
        label=_("Zielgruppen"),
        choices=Audience.choices,
        widget=CheckboxList,
        error_messages={
            "required": _("Bitte mindestens eine Zielgruppe wählen."),
            "invalid_choice": _("Unbekannte Zielgruppe: %(value)s."),
        },
        help_text=_(
            "Wer eingeladen werden kann. Eine Zielgruppe mit weniger als k Antworten wird mit der nächsten "
            "zusammen ausgewertet (etwa der Verwaltungsvorstand mit den Führungskräften)."
        ),
    )
    unit_depth = forms.TypedChoiceField(
        label=_("Auswertung nach Organisationseinheiten"),
        coerce=int,
        choices=[(d, str(d)) for d in range(0, 5)],
        widget=RadioList,
        initial=1,
        error_messages={"invalid_choice": _("Bitte eine Ebene von 0 bis 4 wählen.")},
    )
    k = _number(
        _("Mindestgruppengröße k"),
        help_text=_("Ergebnisse erscheinen nur für Gruppen mit mindestens k Antworten."),
    )
    free_text_enabled = forms.BooleanField(
        label=_("Freitext erlauben"),
        required=False,
        help_text=_("Ein Feld für Anmerkungen am Ende des Fragebogens."),
    )
    free_text_k = _number(
        _("Mindestgruppengröße für Freitext"),
        initial=MIN_FREE_TEXT_K,
        help_text=_(
            "Anmerkungen werden nur für Gruppen mit mindestens so vielen Antworten gezeigt (mindestens 10): "
            "ein Text verrät mehr über die Person als eine Stufe."
        ),
    )
    open_link_enabled = forms.BooleanField(
        label=_("Offener Link mit Zugangscode"),
        required=False,
        help_text=_(
            "Zusätzlich zu persönlichen Einladungen: ein Link für alle mit einem Zugangscode, etwa für einen "
            "Aushang. Wer so teilnimmt, wählt die Zielgruppe selbst."
        ),
    )
    dv_reference = forms.CharField(
        label=_("Dienstvereinbarung (Bezeichnung)"),
        max_length=200,
        required=False,
        help_text=_("Die Vereinbarung mit dem Personalrat, auf der die Umfrage beruht."),
    )
    dv_date = GermanDateField(label=_("Dienstvereinbarung vom"), required=False)
    retention_months = _number(
        _("Aufbewahrung der Einzelantworten (Monate)"),
        initial=DEFAULT_RETENTION,
        help_text=_("Danach werden die Einzelantworten gelöscht; die zusammengefassten Ergebnisse bleiben. 1 bis 120."),
    )
    privacy_notice = forms.CharField(
        label=_("Datenschutzhinweis"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Steht vor der ersten Frage. Der vorgeschlagene Text nennt k und die Aufbewahrungsfrist und wird "
            "angepasst, wenn Sie diese ändern, solange Sie ihn nicht selbst umformulieren; leer gelassen, gilt er."
        ),
    )

    def __init__(
        self,
        *args: Any,
        levels: Mapping[int, LevelExample],
        kommune_k: int,
        locked: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kommune_k = kommune_k
        self.locked = locked
        self.fields["k"].help_text = _(
            "Ergebnisse erscheinen nur für Gruppen mit mindestens k Antworten. Mindestens %(k)d (Vorgabe der Kommune)."
        ) % {"k": kommune_k}
        self.depth_options = [(0, _("Keine Auswertung nach Organisationseinheiten"), "")] + [
            (level, _("Bis Ebene %(n)d") % {"n": level}, _depth_hint(levels[level])) for level in range(1, 5)
        ]
        if locked:
            for name in LOCKED_AFTER_FIRST_RESPONSE:
                self.fields.pop(name, None)

    def service_data(self, *, previous: Campaign | None = None) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["privacy_notice"] = self._notice(data, previous)
        return data

    def _notice(self, data: Mapping[str, Any], previous: Campaign | None) -> str:
        """The suggested text follows k and the retention period; a text the CDO wrote stays."""
        text = (data.get("privacy_notice") or "").strip()
        old_k = previous.k if previous is not None else self.kommune_k
        old_months = previous.retention_months if previous is not None else DEFAULT_RETENTION
        suggested = {default_notice(old_k, old_months), default_notice(self.kommune_k, DEFAULT_RETENTION)}
        if not text or text in suggested:
            k = data.get("k") or old_k
            months = data.get("retention_months") or old_months
            return default_notice(int(k), int(months))
        return text

    @classmethod
    def initial_for(cls, campaign: Campaign) -> dict[str, Any]:
        return {
            "title": campaign.title,
            "description": campaign.description,
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
            "audiences": list(campaign.audiences or []),
            "unit_depth": campaign.unit_depth,
            "k": campaign.k,
            "free_text_enabled": campaign.free_text_enabled,
            "free_text_k": campaign.free_text_k,
            "open_link_enabled": campaign.open_link_enabled,
            "dv_reference": campaign.dv_reference,
            "dv_date": campaign.dv_date,
            "retention_months": campaign.retention_months,
            "privacy_notice": campaign.privacy_notice,
            "version": campaign.version,
        }

    @classmethod
    def initial_new(cls, kommune_k: int) -> dict[str, Any]:
        return {
            "audiences": list(Audience.values),
            "unit_depth": 1,
            "k": kommune_k,
            "free_text_k": MIN_FREE_TEXT_K,
            "retention_months": DEFAULT_RETENTION,
            "privacy_notice": default_notice(kommune_k, DEFAULT_RETENTION),
        }


def _depth_hint(example: LevelExample) -> str:
    if not example.count:
        return str(_("Diese Ebene gibt es im Organigramm der Kommune nicht."))
    names = ", ".join(example.names)
    more = example.count - len(example.names)
    if more > 0:
        return str(_("z. B. %(names)s und %(more)d weitere")) % {"names": names, "more": more}
    return names


# --- questionnaire ---------------------------------------------------------------------------------


class QuestionnaireForm(VersionedForm):
    """The chosen criteria; "alle" of a field stands for all its criteria (works without script)."""

    criteria = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    all_fields = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args: Any, fields: Mapping[int, Iterable[int]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.field_criteria = {pk: list(ids) for pk, ids in fields.items()}
        choice = forms.TypedMultipleChoiceField  # for the type checker: the fields above
        criteria = self.fields["criteria"]
        all_fields = self.fields["all_fields"]
        assert isinstance(criteria, choice) and isinstance(all_fields, choice)
        criteria.choices = [(c, str(c)) for ids in self.field_criteria.values() for c in ids]
        all_fields.choices = [(f, str(f)) for f in self.field_criteria]
        invalid = _("Diese Auswahl gehört nicht zum Orientierungsrahmen der Kommune.")
        criteria.error_messages["invalid_choice"] = invalid
        all_fields.error_messages["invalid_choice"] = invalid

    def chosen(self) -> list[int]:
        return sorted(
            resolve_choice(
                self.field_criteria, self.cleaned_data.get("criteria") or [], self.cleaned_data.get("all_fields") or []
            )
        )


def resolve_choice(
    field_criteria: Mapping[int, list[int]], criteria: Iterable[int], all_fields: Iterable[int]
) -> set[int]:
    """The criteria meant: "Alle" of a field adds all its criteria — unless some, but not all, of them
    are ticked, which means someone cleared single criteria without script (which would clear "Alle")."""
    ids = set(criteria)
    for field_pk in all_fields:
        own = set(field_criteria.get(field_pk, []))
        if not (ids & own) or own <= ids:
            ids |= own
    return ids


# --- actions ---------------------------------------------------------------------------------------


class ConfirmForm(forms.Form):
    """A confirmation page's form: the button is the whole input (the transitions are idempotent)."""


# --- invitations -----------------------------------------------------------------------------------

INVITE_CHANNELS = [
    (Channel.MAIL, _("Per E-Mail jetzt versenden")),
    (Channel.LIST, _("Als Liste für einen Serienbrief herunterladen (CSV)")),
    (Channel.LETTER, _("Als Briefe zum Ausdrucken herunterladen (PDF, mit QR-Code)")),
]
CHANNEL_HINTS = [
    (
        Channel.MAIL,
        _(
            "Jede Person erhält ihren Link sofort per E-Mail, mit Zeitraum und Datenschutzhinweis. Wer keine "
            "E-Mail-Adresse hat, wird nicht eingeladen und danach hier aufgeführt."
        ),
    ),
    (
        Channel.LIST,
        _(
            "Sie laden eine CSV-Datei (Vorname, Nachname, E-Mail, Organisationseinheit, Link) für einen Serienbrief "
            "oder eine Serien-E-Mail herunter. Die Links stehen nur in dieser Datei: Bewahren Sie sie sicher auf "
            "und löschen Sie sie nach dem Versand."
        ),
    ),
    (
        Channel.LETTER,
        _(
            "Sie laden eine PDF-Datei herunter: eine Seite je Person mit Link und QR-Code, etwa für Beschäftigte "
            "ohne PC-Arbeitsplatz. Die Links stehen nur in diesen Briefen."
        ),
    ),
]
PREVIEW, INVITE = "vorschau", "einladen"


class InviteForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Zielgruppe"),
        widget=RadioList,
        error_messages={
            "required": _("Bitte eine Zielgruppe wählen."),
            "invalid_choice": _("Diese Zielgruppe gehört nicht zur Umfrage."),
        },
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Nur in diesen Organisationseinheiten"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=CheckboxList,
        help_text=_("Eingeladen wird, wer in einer gewählten Einheit oder darunter arbeitet."),
        error_messages={"invalid_choice": _("Bitte nur angebotene Organisationseinheiten wählen.")},
    )
    channel = forms.ChoiceField(
        label=_("Weg der Einladung"),
        choices=INVITE_CHANNELS,
        widget=RadioList,
        initial=Channel.MAIL,
        error_messages={
            "required": _("Bitte einen Weg der Einladung wählen."),
            "invalid_choice": _("Unbekannter Weg der Einladung."),
        },
    )
    action = forms.ChoiceField(choices=[(PREVIEW, PREVIEW), (INVITE, INVITE)], required=False)

    def __init__(self, *args: Any, audiences: Iterable[str], units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        audience = self.fields["audience"]
        unit_field = self.fields["units"]
        assert isinstance(audience, forms.ChoiceField) and isinstance(unit_field, forms.ModelMultipleChoiceField)
        audience.choices = [(a, Audience(a).label) for a in audiences]
        unit_field.queryset = units
        unit_field.label_from_instance = _unit_choice_label  # type: ignore[method-assign,assignment]

    @property
    def wants_invite(self) -> bool:
        return self.cleaned_data.get("action") == INVITE


def _unit_choice_label(unit: OrgUnit) -> str:
    return f"{unit.code} {unit.name}"


REMIND_CHANNELS = [
    (Channel.MAIL, _("Per E-Mail an alle, die per E-Mail eingeladen wurden")),
    (Channel.LIST, _("Neue Liste für den Serienbrief (CSV) für alle, die per Liste eingeladen wurden")),
    (Channel.LETTER, _("Neue Briefe (PDF) für alle, die per Brief eingeladen wurden")),
]


class RemindForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Weg der Erinnerung"),
        choices=REMIND_CHANNELS,
        widget=RadioList,
        error_messages={
            "required": _("Bitte einen Weg der Erinnerung wählen."),
            "invalid_choice": _("Unbekannter Weg der Erinnerung."),
        },
    )


# --- the Kommune's k --------------------------------------------------------------------------------


class SettingsForm(forms.Form):
    k = _number(_("Mindestgruppengröße k"))
    reason = forms.CharField(
        label=_("Grundlage"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("z. B. die Dienstvereinbarung mit dem Personalrat, die ein höheres k festlegt."),
        error_messages={"required": _("Bitte die Grundlage angeben, etwa die Dienstvereinbarung.")},
    )

    def __init__(self, *args: Any, current_k: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current_k = current_k

    def clean_k(self) -> int:
        """The service's rule, here too, so that a too low k is named together with a missing reason."""
        from kompass.assessment.services import k_error

        value = int(self.cleaned_data["k"])
        if problem := k_error(self.current_k, value):
            raise forms.ValidationError(problem)
        return value
