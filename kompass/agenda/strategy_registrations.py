"""What the agenda's strategy area registers in the extension points (called from `registrations.register`)."""

from __future__ import annotations


def register() -> None:
    pass
