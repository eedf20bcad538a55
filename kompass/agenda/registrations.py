"""What the agenda registers in the extension points of the apps below it (from `ready`)."""

from __future__ import annotations


def register() -> None:
    pass
