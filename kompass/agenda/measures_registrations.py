"""What the agenda's measures area registers in the extension points (called from `registrations.register`)."""

from __future__ import annotations


def register() -> None:
    pass
