"""Percentages as German pages, messages and exports write them."""

from __future__ import annotations

from decimal import Decimal


def percent_text(value: Decimal) -> str:
    """A percentage without trailing zeros and with the German decimal comma: 50.0 → "50", 12.50 → "12,5"."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")
