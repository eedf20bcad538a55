"""Form widgets in KERN's style that KERN UX 2.7.2 does not ship, German whatever the browser's language.

- `Combobox`: a text field that searches as you type (WAI-ARIA combobox with a listbox popup,
  `core/static/core/widgets.js`); without JavaScript it is a plain text field whose text the
  server resolves (`core.pickers.PickField`).
- `DateParts` with `GermanDateField`: a date as three fields Tag / Monat / Jahr in a fieldset whose
  legend is the field's label; impossible dates get a German message that says what is wrong.
- `GermanFileInput`: a file field whose button and status read "Datei auswählen" / "Keine Datei
  ausgewählt" (then the file's name), instead of the browser's own words.

The ground floor: no app is imported here. `ui/templates/includes/field.html` renders every widget
with its label, hint and error; the date fieldset has its own branch there (`input_type`
"dateparts").
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

# --- combobox --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PickValue:
    """What a combobox sends: the id a script picked (hidden field), the typed text, and the
    candidate chosen from the list the server offered after an ambiguous text (radio buttons)."""

    pk: str = ""
    text: str = ""
    choice: str = ""

    @property
    def empty(self) -> bool:
        return not (self.pk or self.text or self.choice)


@dataclass(frozen=True)
class Candidate:
    """One object offered for a choice: its id and the label that tells it apart from namesakes."""

    pk: int
    label: str


TEXT_SUFFIX = "_text"
CHOICE_SUFFIX = "_wahl"


def _typed(data: Mapping[str, Any], key: str) -> str:
    """A submitted value without NUL characters (PostgreSQL refuses them even in a search) and blanks."""
    return str(data.get(key) or "").replace("\x00", "").strip()


class Combobox(forms.Widget):
    """Search-as-you-type text field; the picked object's id travels in a hidden field.

    The hidden field carries the field's own name, so an address such as `?einheit=17` (a link,
    a bookmark, the benchmark) still names the object by id. The typed text is `<name>_text`;
    after an ambiguous text the server offers the candidates as radio buttons `<name>_wahl`.
    A value in `<name>` that is no id is read as typed text (an e-mail address sent by a script).
    """

    template_name = "core/widgets/combobox.html"
    input_type = "combobox"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.search_url = ""
        self.min_chars = 2
        self.lookup: Any = None  # (pk) -> (pk, label) | None, set by the field
        self.candidates: list[Candidate] = []  # offered after an ambiguous text

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> PickValue:
        raw, text, choice = (_typed(data, name + suffix) for suffix in ("", TEXT_SUFFIX, CHOICE_SUFFIX))
        if raw and not raw.isdigit():  # not an id: a text (e.g. an e-mail address from a script or test)
            return PickValue(text=text or raw, choice=choice)
        return PickValue(pk=raw, text=text, choice=choice)

    def value_omitted_from_data(self, data: Mapping[str, Any], files: Any, name: str) -> bool:
        return not any(key in data for key in (name, name + TEXT_SUFFIX, name + CHOICE_SUFFIX))

    def shown(self, value: Any) -> tuple[str, str]:
        """(id, text) the fields show for a value: a PickValue as sent, or an object or id as loaded."""
        if isinstance(value, PickValue):
            if value.pk and not value.text and self.lookup is not None:
                found = self.lookup(value.pk)
                return (str(found.pk), found.label) if found else ("", "")
            return ("" if self.candidates else value.pk, value.text)
        if value in (None, ""):
            return "", ""
        if isinstance(value, str) and not value.isdigit():
            return "", value  # an initial text (e.g. an e-mail address)
        pk = getattr(value, "pk", value)
        found = self.lookup(pk) if self.lookup is not None else None
        return (str(found.pk), found.label) if found else ("", "")

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, None, attrs)
        pk, text = self.shown(value)
        widget = context["widget"]
        field_id = widget["attrs"].get("id") or f"id_{name}"
        widget["attrs"]["id"] = field_id
        widget.update(
            {
                "text_name": name + TEXT_SUFFIX,
                "choice_name": name + CHOICE_SUFFIX,
                "pk": pk,
                "text": text,
                "field_id": field_id,
                "search_url": self.search_url,
                "min_chars": self.min_chars,
                "candidates": self.candidates,
                "chosen": value.choice if isinstance(value, PickValue) else "",
            }
        )
        return context

    def id_for_label(self, id_: str) -> str:
        return id_


# --- date in three fields --------------------------------------------------------------------------

DATE_PARTS = ("tag", "monat", "jahr")
MIN_YEAR, MAX_YEAR = 1900, 2100


class DateParts(forms.MultiWidget):
    """Tag, Monat and Jahr as three numeric text fields: the same in every browser and language.

    A single value under the field's own name (ISO `2025-03-01` or `01.03.2025`, as scripts and
    older links send it) is read as well.
    """

    template_name = "core/widgets/date_parts.html"
    input_type = "dateparts"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        numeric = {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "tag": forms.TextInput(attrs={**numeric, "maxlength": "2", "size": "2"}),
            "monat": forms.TextInput(attrs={**numeric, "maxlength": "2", "size": "2"}),
            "jahr": forms.TextInput(attrs={**numeric, "maxlength": "4", "size": "4"}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value:  # a single value as sent, shown as typed even when wrong
            return list(_split_single(value))
        return [None, None, None]

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> Any:
        single = data.get(name)
        if single not in (None, "") and not any(f"{name}_{part}" in data for part in DATE_PARTS):
            return str(single)
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data: Mapping[str, Any], files: Any, name: str) -> bool:
        return name not in data and super().value_omitted_from_data(data, files, name)

    def id_for_label(self, id_: str) -> str:
        return id_  # the Tag field carries the field's own id: error links and hints point at it

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        subwidgets = context["widget"]["subwidgets"]
        field_id = context["widget"]["attrs"].get("id")
        if field_id:  # Tag carries the field's own id; Monat and Jahr are named, not numbered
            for subwidget, part in zip(subwidgets, ("", "_monat", "_jahr"), strict=True):
                subwidget["attrs"]["id"] = field_id + part
        labels = (_("Tag"), _("Monat"), _("Jahr"))
        context["widget"]["parts"] = list(zip(context["widget"]["subwidgets"], labels, DATE_PARTS, strict=True))
        return context


def _split_single(text: str) -> tuple[str, str, str]:
    """Tag, Monat, Jahr of one value (ISO or TT.MM.JJJJ); anything else stays in the Tag field."""
    text = text.strip()
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if iso is not None:
        return iso[3], iso[2], iso[1]
    german = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{2,4})", text)
    if german is not None:
        return german[1], german[2], german[3]
    return text, "", ""


class GermanDateField(forms.Field):
    """A date from Tag / Monat / Jahr, with a German message that says what is wrong with it."""

    widget = DateParts
    default_error_messages = {
        "required": _("Bitte geben Sie ein Datum an."),
        "incomplete": _("Bitte geben Sie Tag, Monat und Jahr an (es fehlt: %(missing)s)."),
        "digits": _("Bitte geben Sie Tag, Monat und Jahr in Ziffern an, z. B. 31 12 2025."),
        "short_year": _("Bitte geben Sie das Jahr vierstellig an, z. B. %(year)s."),
        "year": _("Das Jahr muss zwischen %(min)s und %(max)s liegen."),
        "month": _("Einen Monat %(month)s gibt es nicht: Bitte geben Sie 1 bis 12 an."),
        "day": _("Der %(month)s %(year)s hat nur %(days)s Tage."),
        "day_zero": _("Einen Tag %(day)s gibt es nicht: Bitte geben Sie 1 bis 31 an."),
        "invalid": _("Bitte geben Sie ein gültiges Datum an, z. B. 31.12.2025."),
    }

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, datetime.date) or value in (None, ""):
            return value or None
        if isinstance(value, str):  # one value (ISO or TT.MM.JJJJ), as scripts and older links send it
            day, month, year = _split_single(value)
            if not (month and year):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            return self._date(day, month, year)
        day, month, year = (str(part or "").strip() for part in value)
        if day and not month and not year:
            day, month, year = _split_single(day)  # a whole date typed or pasted into the Tag field
        if not (day or month or year):
            return None
        return self._date(day, month, year)

    def _date(self, day: str, month: str, year: str) -> datetime.date:
        named = zip((_("Tag"), _("Monat"), _("Jahr")), (day, month, year), strict=True)
        missing = [str(label) for label, part in named if not part]
        if missing:
            raise forms.ValidationError(
                self.error_messages["incomplete"], code="incomplete", params={"missing": ", ".join(missing)}
            )
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise forms.ValidationError(self.error_messages["digits"], code="digits")
        d, m, y = int(day), int(month), int(year)
        if len(year) < 4:
            raise forms.ValidationError(
                self.error_messages["short_year"], code="short_year", params={"year": 2000 + y if y < 100 else y}
            )
        if not MIN_YEAR <= y <= MAX_YEAR:
            raise forms.ValidationError(
                self.error_messages["year"], code="year", params={"min": MIN_YEAR, "max": MAX_YEAR}
            )
        if not 1 <= m <= 12:
            raise forms.ValidationError(self.error_messages["month"], code="month", params={"month": m})
        if d < 1 or d > 31:
            raise forms.ValidationError(self.error_messages["day_zero"], code="day_zero", params={"day": d})
        days = calendar.monthrange(y, m)[1]
        if d > days:
            raise forms.ValidationError(
                self.error_messages["day"], code="day", params={"month": MONTHS[m], "year": y, "days": days}
            )
        return datetime.date(y, m, d)

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != self.to_python(initial)
        except forms.ValidationError:
            return True


# --- file --------------------------------------------------------------------------------------------


class GermanFileInput(forms.FileInput):
    """A file field with a German button and status, keyboard-operable, working without script.

    The native input lies invisibly over the drop zone, so clicking anywhere, dropping a file and
    the keyboard (Tab, then Enter or Space) reach it. Without script the status says whether a file
    is chosen (CSS `:valid` on a required field); with script it names the file.
    """

    template_name = "core/widgets/file.html"
    input_type = "file"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        classes = [c for c in str(widget_attrs.get("class", "")).split() if not c.startswith("kern-form-input__")]
        widget_attrs["class"] = " ".join(["kk-file__input", *classes])
        field_id = widget_attrs.get("id") or f"id_{name}"
        widget_attrs["id"] = field_id
        status_id = f"{field_id}-datei"
        widget_attrs["aria-describedby"] = " ".join(filter(None, [widget_attrs.get("aria-describedby"), status_id]))
        context["widget"]["status_id"] = status_id
        return context
