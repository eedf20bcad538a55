"""The German date in three fields and the German file field (core.widgets), without a database."""

from __future__ import annotations

import datetime

import pytest
from django import forms

from kompass.core.widgets import DateParts, GermanDateField, GermanFileInput


class DateForm(forms.Form):
    day = GermanDateField(label="Gültig ab")
    until = GermanDateField(label="Gültig bis", required=False)


def parts(day: str, month: str, year: str, name: str = "day") -> dict[str, str]:
    return {f"{name}_tag": day, f"{name}_monat": month, f"{name}_jahr": year}


def error_of(data: dict[str, str], field: str = "day") -> str:
    form = DateForm(data)
    assert not form.is_valid()
    return " ".join(form.errors[field])


def test_three_fields_make_a_date() -> None:
    form = DateForm(parts("1", "3", "2026"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"day": datetime.date(2026, 3, 1), "until": None}


@pytest.mark.parametrize("single", ["2026-03-01", "01.03.2026", "1.3.2026"])
def test_one_value_as_scripts_send_it_is_read_too(single: str) -> None:
    form = DateForm({"day": single})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == datetime.date(2026, 3, 1)


def test_a_whole_date_typed_into_the_tag_field_is_read() -> None:
    form = DateForm(parts("24.12.2026", "", ""))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == datetime.date(2026, 12, 24)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (parts("31", "2", "2026"), "Der Februar 2026 hat nur 28 Tage."),
        (parts("29", "2", "2025"), "Der Februar 2025 hat nur 28 Tage."),
        (parts("31", "4", "2026"), "Der April 2026 hat nur 30 Tage."),
        (parts("1", "13", "2026"), "Einen Monat 13 gibt es nicht"),
        (parts("0", "5", "2026"), "Einen Tag 0 gibt es nicht"),
        (parts("1", "5", "26"), "Bitte geben Sie das Jahr vierstellig an, z. B. 2026."),
        (parts("1", "5", "1066"), "zwischen 1900 und 2100"),
        (parts("1", "", "2026"), "es fehlt: Monat"),
        (parts("", "", "2026"), "es fehlt: Tag, Monat"),
        (parts("erster", "5", "2026"), "in Ziffern"),
        (parts("", "", ""), "Bitte geben Sie ein Datum an."),
        ({"day": "morgen"}, "gültiges Datum"),
        ({"day": "2026-02-30"}, "Der Februar 2026 hat nur 28 Tage."),
    ],
)
def test_impossible_dates_get_a_german_message_that_says_what_is_wrong(data: dict[str, str], message: str) -> None:
    assert message in error_of(data)


def test_a_leap_day_is_a_date() -> None:
    form = DateForm(parts("29", "2", "2028"))
    assert form.is_valid(), form.errors


def test_the_date_renders_as_a_fieldset_of_three_labelled_numeric_fields() -> None:
    form = DateForm(initial={"day": datetime.date(2026, 3, 1)})
    html = str(form["day"])
    assert 'id="id_day"' in html and 'id="id_day_monat"' in html and 'id="id_day_jahr"' in html
    assert html.count('inputmode="numeric"') == 3
    assert '<label class="kern-label" for="id_day">Tag</label>' in html
    assert 'for="id_day_monat">Monat</label>' in html and 'for="id_day_jahr">Jahr</label>' in html
    assert 'name="day_tag" value="1"' in html and 'name="day_monat" value="3"' in html
    assert 'name="day_jahr" value="2026"' in html
    assert form["day"].id_for_label == "id_day"  # error summary links lead to the Tag field


def test_a_wrong_date_is_shown_again_as_typed() -> None:
    form = DateForm(parts("31", "2", "2026"))
    form.is_valid()
    html = str(form["day"])
    assert 'value="31"' in html and 'value="2"' in html and 'value="2026"' in html


def test_the_date_widget_tells_the_field_template_to_draw_a_fieldset() -> None:
    assert DateParts.input_type == "dateparts"


class UploadForm(forms.Form):
    file = forms.FileField(label="Datei", widget=GermanFileInput)


def test_the_file_field_speaks_german_whatever_the_browser_language() -> None:
    html = str(UploadForm()["file"])
    assert 'type="file"' in html and 'id="id_file"' in html and "required" in html
    assert "Datei auswählen" in html and "Keine Datei ausgewählt" in html
    # The status is the input's description; the button look-alike is hidden from screen readers.
    assert 'aria-describedby="id_file-datei"' in html and 'id="id_file-datei"' in html
    assert 'class="kern-btn kern-btn--secondary kk-file__button" aria-hidden="true"' in html
    assert "kk-file--required" in html  # the status without script reads :valid of a required field


def test_the_combobox_drops_nul_characters_that_postgresql_refuses_even_in_a_search() -> None:
    from kompass.core.widgets import TEXT_SUFFIX, Combobox

    value = Combobox().value_from_datadict({"person": "\x00", "person" + TEXT_SUFFIX: "Ann\x00a "}, {}, "person")
    assert value.text == "Anna" and value.pk == ""
