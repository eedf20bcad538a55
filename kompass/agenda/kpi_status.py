"""Is a KPI on track? Its latest value against the straight line from baseline to target.

Source: abgeleitet — the plan line (Soll-Verlauf) between the baseline and the target of a KPI,
as target–actual comparisons in municipal steering reports use it (KGSt Wirkungsorientierung,
framework-agenda.md §3); the tolerances are our own and written out by `explanation()`, so the
pages show the rule next to every status.

The rule: at the day of the latest value, the line says where the KPI should be (before the
baseline date: the baseline; after the target date: the target). How far the value is behind
that, in the KPI's better direction, is measured as a share of the whole way from baseline to
target (the span):

- behind by at most 5 % of the span (or ahead): im Plan;
- behind by more than 5 % and at most 15 %: gefährdet;
- behind by more than 15 %: nicht im Plan;
- no value yet: keine Werte.

A KPI whose target equals its baseline (hold a level) measures the deviation against the
target's own size (or 1 when the target is 0).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from kompass.agenda.models import Direction

ON_TRACK_TOLERANCE = Decimal("0.05")
AT_RISK_TOLERANCE = Decimal("0.15")

IM_PLAN, GEFAEHRDET, NICHT_IM_PLAN, KEINE_WERTE = "im_plan", "gefaehrdet", "nicht_im_plan", "keine_werte"
STATUS_ORDER = (IM_PLAN, GEFAEHRDET, NICHT_IM_PLAN)


def status_label(code: str) -> str:
    return {
        IM_PLAN: _("im Plan"),
        GEFAEHRDET: _("gefährdet"),
        NICHT_IM_PLAN: _("nicht im Plan"),
        KEINE_WERTE: _("keine Werte"),
    }[code]


@dataclass(frozen=True)
class Line:
    """A KPI's plan: baseline and target (value, date) and which direction is better."""

    baseline_value: Decimal
    baseline_on: datetime.date
    target_value: Decimal
    target_on: datetime.date
    direction: str = Direction.STEIGEND

    @classmethod
    def of(cls, kpi: Any) -> Line:
        """The line of a `KPI` (or of anything with its five fields)."""
        return cls(
            Decimal(kpi.baseline_value), kpi.baseline_on, Decimal(kpi.target_value), kpi.target_on, kpi.direction
        )


@dataclass(frozen=True)
class KpiStatus:
    code: str
    expected: Decimal | None = None
    value: Decimal | None = None
    measured_on: datetime.date | None = None
    behind: Decimal | None = None  # share of the span the value is behind the line (negative: ahead)

    @property
    def label(self) -> str:
        return status_label(self.code)


def expected_value(line: Line, on: datetime.date) -> Decimal:
    """Where the straight line from baseline to target stands on the day `on`."""
    if on <= line.baseline_on or line.target_on <= line.baseline_on:
        return line.baseline_value if on < line.target_on else line.target_value
    if on >= line.target_on:
        return line.target_value
    share = Decimal((on - line.baseline_on).days) / Decimal((line.target_on - line.baseline_on).days)
    return line.baseline_value + (line.target_value - line.baseline_value) * share


def _reference(line: Line) -> Decimal:
    span = abs(line.target_value - line.baseline_value)
    if span:
        return span
    return abs(line.target_value) or Decimal(1)


def kpi_status(line: Line, value: Decimal | None, measured_on: datetime.date | None) -> KpiStatus:
    """The status of a KPI whose latest value is `value`, measured on `measured_on` (see the module)."""
    if value is None or measured_on is None:
        return KpiStatus(KEINE_WERTE)
    expected = expected_value(line, measured_on)
    gap = expected - value if line.direction == Direction.STEIGEND else value - expected
    behind = gap / _reference(line)
    if behind <= ON_TRACK_TOLERANCE:
        code = IM_PLAN
    elif behind <= AT_RISK_TOLERANCE:
        code = GEFAEHRDET
    else:
        code = NICHT_IM_PLAN
    return KpiStatus(code, expected, value, measured_on, behind)


def explanation() -> str:
    """The rule in German, for the pages that show a KPI's status."""
    return (
        _(
            "So wird der Status berechnet: Zwischen Ausgangswert und Zielwert wird eine gerade Linie gezogen "
            "(Soll-Verlauf). Der letzte gemessene Wert wird mit dem Soll an seinem Stichtag verglichen. Liegt er "
            "höchstens 5 %% der Strecke vom Ausgangs- zum Zielwert hinter dem Soll (oder davor), ist die Kennzahl "
            "„im Plan“; liegt er bis zu 15 %% dahinter, ist sie „gefährdet“; liegt er weiter zurück, ist sie "
            "„nicht im Plan“. Ohne gemessenen Wert lautet der Status „keine Werte“. Ob steigende oder fallende "
            "Werte besser sind, legt die Richtung der Kennzahl fest."
        )
        % {}
    )
