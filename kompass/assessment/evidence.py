"""Evidence next to perception: what the Kompass itself knows about a field, and where the two disagree.

Modules register `EvidenceProvider`s in `core.extensions.EVIDENCE_PROVIDERS` (the role model: the
Rollen-Check for "Rollen und Verantwortung"). For the fields of a campaign, `for_fields` asks each
provider that knows one of them once and compares its signals with the perceived level of
"Gesamt" (`disagreement`). The perceived level comes from the stored result. The signals are taken
when the campaign closes and stored with its result (`snapshot`), so perception and evidence compare
the same moment, and a result page never has to run another module's checks (at Großstadt scale
the full Rollen-Check costs more than the page's whole budget); results stored without a snapshot
fall back to today's signals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from kompass.core.extensions import EVIDENCE_PROVIDERS, EVIDENCE_RATINGS, EvidenceSignal
from kompass.reports.charts import german_number

# A perceived level from here up counts as "far developed", up to `LOW` as "little developed";
# from `NEAR_ADVANCED` up the respondents see the field at about level 4 "Fortgeschritten", whose
# descriptors promise what open findings contradict (deputies named, bundles checked …).
HIGH = 3.5
NEAR_ADVANCED = 3.75
LOW = 2.0


@dataclass(frozen=True)
class Signal:
    provider: str  # the provider's title, e.g. "Rollen-Check"
    signal: EvidenceSignal

    @property
    def rating_label(self) -> str:
        return {"gut": _("gut"), "mittel": _("mittel"), "schwach": _("schwach")}.get(self.signal.rating, "")


@dataclass
class FieldEvidence:
    signals: list[Signal] = field(default_factory=list)
    disagreement: str = ""


def collect(kommune: object, field_keys: Iterable[str]) -> dict[str, list[Signal]]:
    """The signals per field key, from every provider that knows one of the fields (each asked once)."""
    wanted = set(field_keys)
    found: dict[str, list[Signal]] = defaultdict(list)
    for provider in EVIDENCE_PROVIDERS:
        keys = wanted & set(provider.field_keys)
        if not keys:
            continue
        signals = provider.collect(kommune)
        for key in sorted(keys):
            for signal in signals.get(key, []):
                if signal.rating in EVIDENCE_RATINGS:
                    found[key].append(Signal(str(provider.title), signal))
    return dict(found)


def snapshot(kommune: object, field_keys: Iterable[str]) -> dict[str, list[dict[str, str]]]:
    """Today's signals as plain data, stored in a campaign's result when it closes."""
    return {
        key: [
            {
                "provider": s.provider,
                "label": str(s.signal.label),
                "value": str(s.signal.value),
                "rating": s.signal.rating,
                "detail": str(s.signal.detail),
                "url": s.signal.url,
                "source": str(s.signal.source),
            }
            for s in signals
        ]
        for key, signals in collect(kommune, field_keys).items()
    }


def from_snapshot(stored: Mapping[str, list[Mapping[str, str]]]) -> dict[str, list[Signal]]:
    return {
        key: [
            Signal(
                item["provider"],
                EvidenceSignal(
                    label=item["label"],
                    value=item["value"],
                    rating=item["rating"],
                    detail=item.get("detail", ""),
                    url=item.get("url", ""),
                    source=item.get("source", ""),
                ),
            )
            for item in items
            if item.get("rating") in EVIDENCE_RATINGS
        ]
        for key, items in stored.items()
    }


def disagreement(perceived: float | None, signals: list[Signal]) -> str:
    """The sentence that says where perception and evidence disagree, or "".

    Three cases: the respondents see the field as far developed (perceived level 3.5 or more) while a
    signal of the Kompass is weak ("schwach") — staff rate the roles as clear while the Rollen-Check
    finds unfilled core roles; they see it close to level 4 "Fortgeschritten" (3.75 or more) while a
    signal is only middling ("mittel") — open findings such as core roles without deputies contradict
    what level 4 describes; or they see it as little developed (2 or less) while every signal is
    good ("gut") — what exists may not be known. Confidence: abgeleitet (our own thresholds: 3.5 is
    halfway between "Etabliert" and "Fortgeschritten", 3.75 a quarter step below "Fortgeschritten",
    2 is "Aufbau")."""
    if perceived is None or not signals:
        return ""
    level = german_number(perceived, 1)
    weak = [s for s in signals if s.signal.rating == "schwach"]
    if perceived >= HIGH and weak:
        named = "; ".join(f"{s.signal.label}: {s.signal.value}" for s in weak)
        return _(
            "Wahrnehmung und Belege passen nicht zusammen: Die Befragten sehen dieses Feld als weit entwickelt "
            "(%(level)s), der Kommunalkompass findet aber Schwächen (%(named)s)."
        ) % {"level": level, "named": named}
    middling = [s for s in signals if s.signal.rating == "mittel"]
    if perceived >= NEAR_ADVANCED and middling:
        named = "; ".join(f"{s.signal.label}: {s.signal.value}" for s in middling)
        return _(
            "Wahrnehmung und Belege passen nicht ganz zusammen: Die Befragten sehen dieses Feld nahe an Stufe 4 "
            "„Fortgeschritten“ (%(level)s), der Kommunalkompass findet aber offene Punkte (%(named)s)."
        ) % {"level": level, "named": named}
    if perceived <= LOW and all(s.signal.rating == "gut" for s in signals):
        return _(
            "Wahrnehmung und Belege passen nicht zusammen: Die Befragten sehen dieses Feld als wenig entwickelt "
            "(%(level)s), die Belege des Kommunalkompass sind aber durchweg gut. Vielleicht ist das Erreichte "
            "nicht bekannt."
        ) % {"level": level}
    return ""


def for_fields(
    kommune: object,
    perceived: Mapping[str, float | None],
    stored: Mapping[str, list[Mapping[str, str]]] | None = None,
) -> dict[str, FieldEvidence]:
    """Per field key: its signals (the stored snapshot, else today's) and, where they disagree with
    the perceived level, the sentence."""
    signals = from_snapshot(stored) if stored is not None else collect(kommune, perceived.keys())
    return {
        key: FieldEvidence(found, disagreement(perceived.get(key), found))
        for key in perceived
        if (found := signals.get(key))
    }
