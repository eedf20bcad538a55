"""The priority score of a measure from benefit, urgency and effort, weighted by the Kommune.

Source: abgeleitet — a weighted scoring (Nutzwertanalyse) as portfolio steering uses it; the
weights are the Kommune's (`AgendaSettings`). Effort counts inverted (6 − Aufwand), so a measure
that is cheap to do ranks higher. The score stays on the scale of its inputs, 1 to 5.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from kompass.core.percent import percent_text


@dataclass(frozen=True)
class Weights:
    benefit: int = 2
    urgency: int = 1
    effort: int = 1

    @property
    def total(self) -> int:
        return self.benefit + self.urgency + self.effort


def weights_of(settings: object) -> Weights:
    """The weights of an `AgendaSettings` row (or of anything with the three attributes)."""
    return Weights(
        getattr(settings, "weight_benefit", 2),
        getattr(settings, "weight_urgency", 1),
        getattr(settings, "weight_effort", 1),
    )


def priority_score(benefit: int, urgency: int, effort: int, weights: Weights | None = None) -> Decimal:
    """(w_N × Nutzen + w_D × Dringlichkeit + w_A × (6 − Aufwand)) ÷ (w_N + w_D + w_A), two decimals.

    All weights 0 counts every criterion equally (a Kommune that sets no weights still gets a score).
    """
    w = weights or Weights()
    if w.total == 0:
        w = Weights(1, 1, 1)
    raw = Decimal(w.benefit * benefit + w.urgency * urgency + w.effort * (6 - effort)) / Decimal(w.total)
    return raw.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def formula_text(weights: Weights | None = None) -> str:
    """The formula in German with the Kommune's weights, for the portfolio and measure pages."""
    w = weights or Weights()
    if w.total == 0:
        w = Weights(1, 1, 1)
    return _(
        "Priorität = (%(wb)d × Nutzen + %(wu)d × Dringlichkeit + %(we)d × (6 − Aufwand)) ÷ %(total)d. "
        "Nutzen, Dringlichkeit und Aufwand werden von 1 (gering) bis 5 (hoch) bewertet; geringer Aufwand "
        "erhöht die Priorität. Das Ergebnis liegt zwischen 1 und 5. Die Gewichte legt die Kommune in den "
        "Einstellungen der Agenda fest."
    ) % {"wb": w.benefit, "wu": w.urgency, "we": w.effort, "total": w.total}


def score_text(score: Decimal) -> str:
    """A score as the pages write it: 3.50 → "3,5"."""
    return percent_text(score)
