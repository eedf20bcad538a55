"""Cells a spreadsheet program would run as a formula: one rule for every file we write and read.

SECURITY (docs/security.md I4): a text starting with `=`, `+`, `-`, `@`, tab or CR is run as a formula by Excel and
LibreOffice. Every export (data files in `tabular`, report workbooks in `reports`) puts an
apostrophe before such a text — and before an apostrophe that already precedes one — and the
importer takes exactly one off again, so an exported file imports without any change.
"""

from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# After an apostrophe these would be read back as an escaped formula: such a text gets one more.
ESCAPED_AFTER_APOSTROPHE = ("=", "+", "-", "@", "\t", "\r", "\n", "'")


def escape_formula(value: str) -> str:
    """The text with a leading apostrophe if a spreadsheet program would otherwise run it."""
    if value.startswith(FORMULA_PREFIXES) or (value[:1] == "'" and value[1:2] in ESCAPED_AFTER_APOSTROPHE):
        return f"'{value}"
    return value
