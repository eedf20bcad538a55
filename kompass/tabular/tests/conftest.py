"""A table kind that belongs to no domain app, for the tests of the tabular layer itself."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from kompass.audit import context
from kompass.tabular.columns import Columns, Record
from kompass.tabular.kinds import TABLE_KINDS, TableKind
from kompass.tabular.report import ACTION_NEW, ImportReport, ImportRow
from kompass.tabular.writing import ExportFile, table_file

TEST_KEY = "tabular-test"


@dataclass
class Recorder:
    """What the test kind saw: the rows and the change context of each call."""

    calls: list[tuple[list[Record], context.ChangeContext, bool]] = field(default_factory=list)
    step: Callable[[ImportReport], None] | None = None

    def check_and_apply(self, kommune: Any, actor: Any, rows: list[Record], report: ImportReport) -> None:
        self.calls.append((rows, context.current(), report.dry_run))
        report.record([ImportRow(record.row, record.get("name"), ACTION_NEW) for record in rows])
        if self.step is not None:
            self.step(report)

    def export(self, kommune: Any, fmt: str) -> ExportFile:
        rows = [["=1+1", "Formel"], ["Hauptamt", ""]]
        return table_file(header=("name", "notiz"), rows=rows, fmt=fmt, stem="testtabellen", kommune=kommune)


@pytest.fixture
def test_kind() -> Iterator[Recorder]:
    """A registered kind with the columns `name` (required) and `notiz`; unregistered afterwards."""
    recorder = Recorder()
    TABLE_KINDS.register(
        TableKind(
            key=TEST_KEY,
            label="Testtabellen",
            slug="testtabellen",
            columns=Columns(("name",), ("notiz",)),
            check_and_apply=recorder.check_and_apply,
            export=recorder.export,
            order=99,
        )
    )
    yield recorder
    TABLE_KINDS.unregister(TEST_KEY)
