"""Numbers as people in German administrations type them: "1.234,56 €", "1234,56", "1 234,56".

`parse_decimal` is for every place a person types an amount or a measured value (forms, CSV and
XLSX imports, API fields sent as text); numbers sent as JSON numbers need no parsing.

The rules: a comma is the decimal separator; dots and blanks (also the non-breaking ones) group
thousands, so "1.234" is one thousand two hundred thirty-four. Without a comma, a single dot that
is not followed by exactly three digits is a decimal point ("12.5", "0.125", "1234.5" as
spreadsheets and machines write them). A currency sign or "EUR" and a sign in front are allowed.
Anything else is refused with a German message that says how to write the number.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

BLANKS = re.compile(r"[\s\u00a0\u202f\u2009']")
CURRENCY = re.compile(r"(€|eur|euro)$|^(€|eur)", re.IGNORECASE)
GERMAN = re.compile(r"^([1-9]\d{0,2}(\.\d{3})+|\d+)(,\d+)?$")
POINT_DECIMAL = re.compile(r"^\d+\.\d+$")
MAX_DIGITS = 30


def _invalid(text: str) -> ValidationError:
    return ValidationError(
        _("„%(value)s“ ist keine Zahl. Bitte schreiben Sie sie z. B. so: 1.234,56 oder 1234,56.") % {"value": text},
        code="invalid_number",
    )


def parse_decimal(text: str | int | Decimal) -> Decimal:
    """The value of a number in German notation (see the module's description); ValidationError else."""
    if isinstance(text, int | Decimal) and not isinstance(text, bool):
        return Decimal(text)
    raw = str(text or "").strip()
    if not raw:
        raise ValidationError(_("Bitte eine Zahl angeben."), code="required")
    cleaned = CURRENCY.sub("", BLANKS.sub("", raw)).replace("\u2212", "-")
    sign = ""
    if cleaned[:1] and cleaned[0] in "+-":
        sign, cleaned = ("-" if cleaned[0] == "-" else ""), cleaned[1:]
    if len(cleaned) > MAX_DIGITS:
        raise _invalid(raw)
    if GERMAN.match(cleaned):
        number = cleaned.replace(".", "").replace(",", ".")
    elif "," not in cleaned and POINT_DECIMAL.match(cleaned):
        number = cleaned
    else:
        raise _invalid(raw)
    try:
        return Decimal(sign + number)
    except InvalidOperation:
        raise _invalid(raw) from None
