"""Fail-closed scoping of tenant-owned querysets (docs/security.md T3).

A query on a tenant-owned model must name its Kommune: `Model.objects.for_kommune(k)` or a
keyword filter that pins one Kommune (`kommune=k`, `kommune_id=1`, `kommune__slug="x"`, ...).
A query that does neither raises `ScopeError` when it reaches the database, so a forgotten
filter is an error in tests, never a data leak in production.
Platform-level code that really needs all rows says so with `.unscoped()`; on PostgreSQL such a
queryset is also evaluated inside `rls.platform_access()`, so the reviewed escapes of this guard are
the only escapes of the database's row-level security (T4, `rls.py`).
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Self

from django.db import models

from kompass.tenancy import rls

if TYPE_CHECKING:
    from kompass.tenancy.models import Kommune


class ScopeError(RuntimeError):
    """A tenant-owned table was queried without naming a Kommune."""


# Keyword lookups that pin exactly one Kommune. Anything else on `kommune` (`__in`, `__isnull`,
# `__gt`, a Q object, an F expression, None) may match several Kommunen or all of them, so it leaves
# the queryset unscoped; code that really means several Kommunen says `.unscoped()`.
_PINNING_LOOKUPS = frozenset(
    f"{field}{suffix}"
    for field in ("kommune", "kommune_id", "kommune__pk", "kommune__id", "kommune__slug")
    for suffix in ("", "__exact")
)


def _pins_one_value(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, models.Model):
        return value.pk is not None
    return isinstance(value, int | str)


def _names_kommune(kwargs: dict[str, Any]) -> bool:
    return any(key in _PINNING_LOOKUPS and _pins_one_value(value) for key, value in kwargs.items())


class TenantQuerySet(models.QuerySet):
    _kommune_scoped = False
    _platform = False  # made by unscoped(): evaluated with the database's platform access

    def _clone(self) -> Self:
        clone = super()._clone()  # type: ignore[misc]
        clone._kommune_scoped = self._kommune_scoped
        clone._platform = self._platform
        return clone

    def for_kommune(self, kommune: Kommune | int) -> Self:
        clone = self.filter(kommune=kommune)
        clone._kommune_scoped = True
        return clone

    def unscoped(self) -> Self:
        """SECURITY: only for platform-level code (migrations, benchmarks, operator tools).

        The query sees every Kommune's rows, also under row-level security (`rls.platform_access`),
        when it is evaluated itself: used as a subquery of another query it is filtered by the
        database like any other (read it into a list first where all rows are meant)."""
        clone = self._chain()  # type: ignore[attr-defined]
        clone._kommune_scoped = True
        clone._platform = True
        return clone

    def _access(self) -> contextlib.AbstractContextManager[None]:
        return rls.platform_access(self.db) if self._platform else contextlib.nullcontext()

    def filter(self, *args: Any, **kwargs: Any) -> Self:
        clone = super().filter(*args, **kwargs)
        if _names_kommune(kwargs):
            clone._kommune_scoped = True
        return clone

    def _require_scope(self) -> None:
        if not self._kommune_scoped:
            raise ScopeError(f"{self.model.__name__}: Abfrage ohne Kommune (for_kommune fehlt).")

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._require_scope()
            with self._access():
                super()._fetch_all()

    def iterator(self, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        self._require_scope()
        if self._platform and rls.enforced(self.db):
            with self._access():  # read in full: the access must not stay open between rows
                return iter(list(super().iterator(*args, **kwargs)))
        return super().iterator(*args, **kwargs)

    def count(self) -> int:
        if self._result_cache is not None:
            return len(self._result_cache)
        self._require_scope()
        with self._access():
            return super().count()

    def exists(self) -> bool:
        if self._result_cache is not None:
            return bool(self._result_cache)
        self._require_scope()
        with self._access():
            return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._require_scope()
        with self._access():
            return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._require_scope()
        with self._access():
            return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._require_scope()
        with self._access():
            return super().delete()


TenantManager = models.Manager.from_queryset(TenantQuerySet)


class TenantModel(models.Model):
    """Base of every tenant-owned model: a non-null Kommune and a fail-closed default manager."""

    kommune = models.ForeignKey("tenancy.Kommune", on_delete=models.CASCADE, related_name="+")

    objects = TenantManager()
    # Django's internals (deletion collector, forward relations) use the base manager.
    unscoped_objects = models.Manager()  # noqa: DJ012 - managers belong together

    class Meta:
        abstract = True
        base_manager_name = "unscoped_objects"


class PlatformQuerySet(models.QuerySet):
    """A query of a global table whose subqueries count rows of every Kommune (the operator's list
    of Kommunen with their member counts): evaluated inside `rls.platform_access()`."""

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            with rls.platform_access(self.db):
                super()._fetch_all()

    def count(self) -> int:
        with rls.platform_access(self.db):
            return super().count()

    def exists(self) -> bool:
        with rls.platform_access(self.db):
            return super().exists()


def across_kommunen(queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """SECURITY: a reviewed, platform-level read over all Kommunen (see `PlatformQuerySet`)."""
    if type(queryset) is not models.QuerySet:
        raise TypeError("across_kommunen nimmt nur einfache QuerySets globaler Tabellen.")
    clone = queryset._chain()  # type: ignore[attr-defined]
    clone.__class__ = PlatformQuerySet
    return clone
