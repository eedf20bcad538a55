"""A person's Beschäftigungsumfang and employer as typed in the form or an import file.

The Beschäftigungsumfang is the percent of a full-time post (100 full time, 50 half a post), with
at most one decimal place, from 1 to 100 — the unit of an assignment's time share, so the role
check can compare the sum of the time shares with it. The employer is the Kommune's own
administration or an external body (IT-Dienstleister, Zweckverband, beauftragte Firma).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from kompass.org.models import FULL_TIME, EmployerKind

MIN_PERCENT = Decimal(1)
# At most one decimal place, German comma or point; "1.000" is no percentage.
_PERCENT = re.compile(r"^\d{1,3}(?:[.,]\d)?$")

PERCENT_MESSAGE = _(
    "Bitte geben Sie den Beschäftigungsumfang in Prozent einer Vollzeitstelle an: eine Zahl von 1 bis 100 mit "
    "höchstens einer Nachkommastelle, z. B. 100 für Vollzeit oder 50 für eine halbe Stelle."
)
FRACTION_MESSAGE = _(
    "%(value)s %% – meinten Sie %(meant)s %%? Der Beschäftigungsumfang ist der Anteil an einer Vollzeitstelle in "
    "Prozent (50 ist eine halbe Stelle); eine als Prozent formatierte Excel-Zelle „50 %%“ enthält 0,5."
)
EXTERNAL_NAME_MISSING = _("Bitte nennen Sie die externe Stelle, z. B. den IT-Dienstleister oder den Zweckverband.")
OWN_WITH_NAME = _(
    "Einen Namen hat nur eine externe Stelle. Wählen Sie „Externe Stelle“ oder lassen Sie den Namen leer."
)

# The words an import file may use in the column "arbeitgeber" (lower case).
EMPLOYER_WORDS: dict[str, str] = {
    "eigen": EmployerKind.OWN,
    "eigene verwaltung": EmployerKind.OWN,
    "extern": EmployerKind.EXTERNAL,
    "externe stelle": EmployerKind.EXTERNAL,
}


def parse_percent(text: str) -> Decimal | None:
    """A percentage with at most one decimal place, German comma or point, optional "%"; None for
    anything else (the caller checks the range)."""
    text = text.strip().removesuffix("%").strip()
    if not _PERCENT.match(text):
        return None
    try:
        return Decimal(text.replace(",", ".")).quantize(Decimal("0.1"))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return None


def in_range(value: Decimal) -> bool:
    return MIN_PERCENT <= value <= FULL_TIME
