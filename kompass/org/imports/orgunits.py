"""Checking an org-unit file row by row and as a tree, before anything is written.

Rows may come in any order: a unit's `uebergeordnet` may name a unit further down the file
or one that already exists in the Kommune. The tree that would result (existing units plus
the file) is checked as a whole for cycles and for the maximum depth.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from kompass.org.import_services import OrgUnitState, UnitChange
from kompass.org.models import MAX_TREE_DEPTH, OrgUnit, OrgUnitType, code_validator
from kompass.tabular.columns import Record, max_length
from kompass.tabular.report import ACTION_CHANGED, ACTION_NEW, ACTION_UNCHANGED, ImportReport, ImportRow

CODE_MAX = max_length(OrgUnit, "code")
NAME_MAX = max_length(OrgUnit, "name")


@dataclass
class UnitRow:
    row: int
    change: UnitChange


def unit_type_lookup() -> dict[str, str]:
    """`typ` cell (lower case) → internal value: internal values and German and English labels."""
    lookup: dict[str, str] = {}
    for value, label in OrgUnitType.choices:
        lookup[value.lower()] = value
        for language in ("de", "en"):
            with translation.override(language):
                lookup[str(label).lower()] = value
    return lookup


def validate(records: list[Record], state: OrgUnitState, report: ImportReport) -> list[UnitRow]:
    """Every row checked; the problems go to `report`, the wanted changes are returned."""
    types = unit_type_lookup()
    rows: list[UnitRow] = []
    first_row: dict[str, int] = {}
    for record in records:
        code = record.get("kennung")
        if code in first_row:
            report.add(
                record.row,
                "kennung",
                _("Die Kennung „%(code)s“ kommt in der Datei mehrfach vor (zuerst in Zeile %(row)d).")
                % {"code": code, "row": first_row[code]},
            )
            continue
        if code:
            first_row[code] = record.row
        change = _change_from(record, state, types, report)
        if change is not None:
            rows.append(UnitRow(record.row, change))
    _check_parents(rows, first_row, state, report)
    _check_tree(rows, state, report)
    return rows


def _change_from(record: Record, state: OrgUnitState, types: dict[str, str], report: ImportReport) -> UnitChange | None:
    count = len(report.issues)
    code, name, typ = record.get("kennung"), record.get("name"), record.get("typ")
    if not code:
        report.add(record.row, "kennung", _("Bitte geben Sie eine Kennung an."))
    elif len(code) > CODE_MAX or not _valid_code(code):
        report.add(record.row, "kennung", str(code_validator.message))
    if not name:
        report.add(record.row, "name", _("Bitte geben Sie einen Namen an."))
    elif len(name) > NAME_MAX:
        report.add(record.row, "name", _too_long(NAME_MAX, len(name)))
    unit_type = types.get(typ.lower())
    if unit_type is None:
        report.add(
            record.row,
            "typ",
            _("Unbekannter Typ „%(typ)s“. Erlaubt sind: %(allowed)s.")
            % {"typ": typ, "allowed": ", ".join(str(label) for label in OrgUnitType.labels)},
        )
    head_id = _head(record, state, report)
    if len(report.issues) > count:
        return None
    return UnitChange(
        code=code,
        name=name,
        unit_type=unit_type or "",
        parent_code=record.get("uebergeordnet"),
        head_id=head_id,
        set_head="leitung_email" in record.values,
        unit=state.units.get(code),
    )


def _valid_code(code: str) -> bool:
    try:
        code_validator(code)
    except ValidationError:
        return False
    return True


def _too_long(limit: int, length: int) -> str:
    return _("Höchstens %(max)d Zeichen erlaubt (hier %(n)d).") % {"max": limit, "n": length}


def _head(record: Record, state: OrgUnitState, report: ImportReport) -> int | None:
    email = record.get("leitung_email").lower()
    if not email:
        return None
    head_id = state.person_ids.get(email)
    if head_id is None:
        report.add(
            record.row,
            "leitung_email",
            _("Keine Person dieser Kommune hat die E-Mail-Adresse %(email)s. Importieren Sie die Personen zuerst.")
            % {"email": email},
        )
    return head_id


def _check_parents(rows: list[UnitRow], in_file: dict[str, int], state: OrgUnitState, report: ImportReport) -> None:
    for item in rows:
        parent = item.change.parent_code
        if parent and parent not in in_file and parent not in state.units:
            report.add(
                item.row,
                "uebergeordnet",
                _("Die übergeordnete Einheit „%(code)s“ gibt es weder in dieser Datei noch in der Kommune.")
                % {"code": parent},
            )


def _check_tree(rows: list[UnitRow], state: OrgUnitState, report: ImportReport) -> None:
    """Cycles and depth of the tree that existing units and the file's rows would form."""
    parent_of = {code: state.parent_code(unit) for code, unit in state.units.items()}
    row_of = {}
    for item in rows:
        parent_of[item.change.code] = item.change.parent_code
        row_of[item.change.code] = item.row
    depths, cycles = tree_depths(parent_of)
    for cycle in cycles:
        chain = " → ".join([*cycle, cycle[0]])
        for code in cycle:
            if code in row_of:
                report.add(
                    row_of[code],
                    "uebergeordnet",
                    _("Zirkelbezug: Die Einheit wäre sich selbst übergeordnet (%(chain)s).") % {"chain": chain},
                )
    too_deep = set()
    for code, depth in depths.items():
        if depth >= MAX_TREE_DEPTH:
            culprit = _nearest_in_file(code, parent_of, row_of)
            if culprit is not None:
                too_deep.add(row_of[culprit])
    for row in sorted(too_deep):
        report.add(
            row, "uebergeordnet", _("Die Gliederung darf höchstens %(n)d Ebenen tief sein.") % {"n": MAX_TREE_DEPTH}
        )


def tree_depths(parent_of: dict[str, str]) -> tuple[dict[str, int], list[list[str]]]:
    """Depth of every unit (root = 0) from child → parent links, and the cycles found.
    A parent that is not in `parent_of` counts as no parent (reported elsewhere)."""
    depths: dict[str, int] = {}
    broken: set[str] = set()
    cycles: list[list[str]] = []
    for start in parent_of:
        chain: list[str] = []
        position: dict[str, int] = {}
        node, base = start, -1
        while True:
            if node in depths:
                base = depths[node]
                break
            if node in broken or node in position:
                if node in position:
                    cycles.append(chain[position[node] :])
                base = -2
                break
            position[node] = len(chain)
            chain.append(node)
            parent = parent_of.get(node, "")
            if not parent or parent not in parent_of:
                break
            node = parent
        if base == -2:
            broken.update(chain)
        else:
            for offset, code in enumerate(reversed(chain), start=1):
                depths[code] = base + offset
    return depths, cycles


def _nearest_in_file(code: str, parent_of: dict[str, str], row_of: dict[str, int]) -> str | None:
    node = code
    for _step in range(len(parent_of) + 1):
        if node in row_of:
            return node
        node = parent_of.get(node, "")
        if not node:
            return None
    return None


def actions(rows: list[UnitRow], state: OrgUnitState) -> list[ImportRow]:
    """What each row does: new, changed (which columns) or unchanged."""
    result = []
    for item in rows:
        change, unit = item.change, item.change.unit
        if unit is None:
            result.append(ImportRow(item.row, change.code, ACTION_NEW, label=change.name))
            continue
        changed = [
            column
            for column, differs in (
                ("name", change.name != unit.name),
                ("typ", change.unit_type != unit.unit_type),
                ("uebergeordnet", change.parent_code != state.parent_code(unit)),
                ("leitung_email", change.set_head and change.head_id != unit.head_id),
            )
            if differs
        ]
        action = ACTION_CHANGED if changed else ACTION_UNCHANGED
        result.append(ImportRow(item.row, change.code, action, changed, label=change.name))
    return result
