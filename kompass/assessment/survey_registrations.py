"""Registrations of one area of the self-assessment (called from `registrations.register`)."""

from __future__ import annotations


def register() -> None:
    pass
