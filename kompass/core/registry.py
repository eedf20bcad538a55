"""Small typed registries: how a lower app offers a place that higher apps fill.

A lower app (org, roles, audit, ui …) must not import the apps above it. Where it has to show or
check something of a higher app — role badges on an org unit, the agenda's rules in the
Rollen-Check, a dashboard panel — it declares a `Registry` of a small frozen dataclass, and the
higher app registers its items in its `AppConfig.ready`. Names in strings that point at another
app's code are not needed any more.

Each item has a `key` (unique within its registry) and may have an `order` (ascending; ties keep
the order of registration). `validate` checks an item when it is registered, so a wrong entry
fails at start-up, not on the page that happens to use it; every registry's test calls
`Registry.check()` on what the installed apps registered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, Protocol, TypeVar

from django.core.exceptions import ImproperlyConfigured


class Keyed(Protocol):
    @property
    def key(self) -> str: ...


T = TypeVar("T", bound=Keyed)


class Registry(Generic[T]):
    """An ordered set of items of one type, looked up by their key."""

    def __init__(self, name: str, validate: Callable[[T], None] | None = None) -> None:
        self.name = name
        self._validate = validate
        self._items: dict[str, T] = {}

    def register(self, item: T) -> T:
        """Add `item`; a second item with the same key is a programming error."""
        key = item.key
        if not key:
            raise ImproperlyConfigured(f"{self.name}: an item has no key: {item!r}")
        if key in self._items:
            raise ImproperlyConfigured(f"{self.name}: the key {key!r} is registered twice")
        if self._validate is not None:
            self._validate(item)
        self._items[key] = item
        return item

    def unregister(self, key: str) -> None:
        """Remove an item (tests that show a registry's effect use this; apps never do)."""
        self._items.pop(key, None)

    def get(self, key: str) -> T | None:
        return self._items.get(key)

    def __getitem__(self, key: str) -> T:
        return self._items[key]

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[T]:
        items = list(self._items.values())
        return iter(sorted(items, key=lambda item: getattr(item, "order", 0)))

    def __len__(self) -> int:
        return len(self._items)

    def keys(self) -> list[str]:
        return [item.key for item in self]

    def check(self) -> list[T]:
        """Validate every registered item again (for the registry's test); returns the items."""
        items = list(self)
        if self._validate is not None:
            for item in items:
                self._validate(item)
        return items

    def __repr__(self) -> str:
        return f"<Registry {self.name}: {', '.join(self._items)}>"
