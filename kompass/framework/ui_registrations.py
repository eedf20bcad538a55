"""Navigation, start page and first steps of the framework pages (called from `registrations.register`)."""

from __future__ import annotations


def register() -> None:
    pass
