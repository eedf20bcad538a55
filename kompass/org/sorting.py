"""Natural order of Kennungen: "2" before "10", "32.2" before "32.10" (KGSt numbering).

A unit stores `sort_key`, a string whose plain string order is the natural order of its
Kennung, so the database sorts lists, selects and pages (and paginates them) the same way
the tree does.

The key is made of digits only. PostgreSQL compares text by the database's collation, and
common collations (en_US, de_DE) skip spaces and punctuation in a first pass; strings of
digits compare the same in every collation and on SQLite.

A Kennung is read as a sequence of parts: runs of digits (numbers) and runs of letters
(words); anything else (point, hyphen, slash, space) only separates parts. Numbers come
before words; numbers compare by value, words alphabetically without regard to case, with
ä, ö, ü and ß as ae, oe, ue and ss (DIN 5007-2). Kennungen that differ only in separators or
leading zeros ("32.1" and "32-01") get the same key; lists break the tie by the Kennung.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

SORT_KEY_MAX_LENGTH = 200  # a 30-character Kennung needs at most 165 digits (alternating "ä1ä1…")

_PARTS = re.compile(r"[0-9]+|[a-z]+")
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})

Part = tuple[int, int, str]
T = TypeVar("T")


def _normalised(code: str) -> str:
    text = code.lower().translate(_GERMAN)
    # Other accented letters sort as their base letter ("é" as "e"); other characters separate.
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def natural_parts(code: str) -> tuple[Part, ...]:
    """The natural order as a tuple: (0, number, "") for a number, (1, 0, word) for a word."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in _PARTS.findall(_normalised(code)))


def _encode_number(digits: str) -> str:
    # "1", then the count of significant digits (two places), then the digits: a longer number
    # is a greater one, and numbers of one length compare digit by digit.
    significant = digits.lstrip("0") or "0"
    return f"1{len(significant):02d}{significant}"


def _encode_word(word: str) -> str:
    # "2", each letter as two digits 10–35, and "00" as the end, which is below every letter:
    # "ab" sorts before "abc" even when a number follows it.
    return "2" + "".join(f"{ord(letter) - ord('a') + 10:02d}" for letter in word) + "00"


def natural_sort_key(code: str) -> str:
    """The stored sort key of a Kennung (digits only; see the module docstring)."""
    return "".join(
        _encode_number(part) if part.isdigit() else _encode_word(part) for part in _PARTS.findall(_normalised(code))
    )[:SORT_KEY_MAX_LENGTH]


def tree_order(
    items: Iterable[T],
    *,
    pk: Callable[[T], int],
    parent: Callable[[T], int | None],
    key: Callable[[T], Any],
) -> list[T]:
    """Items of a tree depth-first, siblings sorted by `key`, as the org tree shows them.

    An item whose parent is not among the items (a filtered list) stands at the top level.
    """
    listed = list(items)
    ids = {pk(item) for item in listed}
    children: dict[int | None, list[T]] = defaultdict(list)
    for item in listed:
        parent_id = parent(item)
        children[parent_id if parent_id in ids else None].append(item)
    for siblings in children.values():
        siblings.sort(key=key)
    ordered: list[T] = []
    stack = list(reversed(children[None]))
    while stack:
        item = stack.pop()
        ordered.append(item)
        stack.extend(reversed(children.get(pk(item), [])))
    return ordered
