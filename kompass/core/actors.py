"""Who makes a change: the type of every service's `actor` argument."""

from __future__ import annotations

from typing import Any, Protocol, TypeAlias


class ActingUser(Protocol):
    """A login that changes data: its id and the name the audit log keeps (`User` is one)."""

    @property
    def pk(self) -> Any: ...

    @property
    def display_name(self) -> str: ...


Actor: TypeAlias = ActingUser | None
"""The acting user, or None for the system: demo data, commands run without a login, platform tasks."""
