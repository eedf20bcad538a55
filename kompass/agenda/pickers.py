"""Picking the measure another measure depends on ("braucht zuerst") with the search combobox
(`core.pickers`), instead of a select over every measure of the Kommune (some 400 in a Großstadt).

The source belongs to one measure: it never offers the measure itself nor one it already needs,
so the search address names the measure (`agenda:dependency_search`). Whether a dependency would
close a cycle is the service's decision (`services.dependency_add`), which names the cycle.

Reads are scoped to the Kommune through `selectors_measures.other_measures` and cost one query,
whatever the number of measures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kompass.agenda import selectors_measures as selectors
from kompass.agenda.models import Measure, MeasureDependency, MeasureStatus
from kompass.core.pickers import PickSource
from kompass.org.selectors import format_unit_label
from kompass.tenancy.models import Kommune

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MESSAGES: dict[str, StrOrPromise] = {
    "required": _("Bitte wählen Sie die Maßnahme, die zuerst kommen muss."),
    "none": _("Keine andere Maßnahme dieser Kommune passt zu „%(text)s“."),
    "several": _("Mehrere Maßnahmen passen zu „%(text)s“. Bitte wählen Sie unten die richtige aus."),
    "too_many": _(
        "Mehr als %(limit)s Maßnahmen passen zu „%(text)s“. Bitte geben Sie mehr vom Titel ein oder wählen Sie "
        "aus den Vorschlägen."
    ),
    "invalid": _("Diese Maßnahme gibt es in dieser Kommune nicht. Bitte wählen Sie erneut."),
}
HINT = _("Einen Teil des Titels eingeben und aus den Vorschlägen wählen.")


def label_of(title: str, unit_code: str | None, unit_name: str | None) -> str:
    """How a measure is named where it is picked, with its responsible unit to tell namesakes apart:
    "E-Akte einführen (10 Hauptamt)"."""
    return f"{title} ({format_unit_label(unit_code, unit_name or '')})" if unit_code is not None else title


def measure_label(measure: Measure) -> str:
    unit = measure.responsible_unit
    return label_of(measure.title, unit.code if unit else None, unit.name if unit else None)


def candidates(kommune: Kommune, measure: Measure) -> QuerySet[Measure]:
    """The measures `measure` may still come to need: every other one it does not need yet."""
    needed = MeasureDependency.objects.for_kommune(kommune).filter(measure=measure).values("depends_on_id")
    return selectors.other_measures(kommune, measure).exclude(pk__in=needed)


def _matching(rows: QuerySet[Measure], text: str) -> QuerySet[Measure]:
    for word in text.split()[:5]:
        rows = rows.filter(title__icontains=word)
    return rows


def search(kommune: Kommune, measure: Measure, text: str, *, limit: int) -> list[dict[str, Any]]:
    """The combobox's options for `text`: the measures whose title contains every word, by title, at
    most `limit`, read as plain values in one query."""
    if not text.strip():
        return []
    rows = _matching(candidates(kommune, measure), text).values_list(
        "pk", "title", "status", "responsible_unit__code", "responsible_unit__name"
    )
    statuses = dict(MeasureStatus.choices)
    return [_option(row, str(statuses.get(row[2], ""))) for row in rows[:limit]]


def _option(row: tuple[int, str, str, str | None, str | None], status: str) -> dict[str, Any]:
    """One measure as the combobox lists it: its title, and its status and unit to tell it apart."""
    pk, title, _status, code, name = row
    unit = format_unit_label(code, name or "") if code is not None else ""
    return {
        "id": pk,
        "label": label_of(title, code, name),
        "name": title,
        "detail": " · ".join(part for part in (status, unit) if part),
    }


def dependency_source(kommune: Kommune, measure: Measure) -> PickSource:
    """The pick source of the field "Diese Maßnahme braucht zuerst" on `measure`'s page."""
    rows = candidates(kommune, measure).select_related("responsible_unit")

    def find(_kommune: Any, text: str, limit: int) -> list[Measure]:
        """The measures a typed text names: those with exactly that title (or label, as the combobox
        writes it), else every one whose title contains all words."""
        text = " ".join(text.split())
        if not text:
            return []
        exact = list(rows.filter(title__iexact=text)[:limit])
        if not exact and text.endswith(")") and " (" in text:
            head = text.rsplit(" (", 1)[0]
            exact = [m for m in rows.filter(title__iexact=head)[:limit] if measure_label(m).lower() == text.lower()]
        return exact or list(_matching(rows, text)[:limit])

    return PickSource(
        key="agenda.dependency",
        url_name="agenda:dependency_search",
        url_args=(measure.pk,),
        find=find,
        get=lambda _kommune, pk: rows.filter(pk=pk).first(),
        label=measure_label,
        messages=MESSAGES,
        hint=HINT,
    )
