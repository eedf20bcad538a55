"""Finding everything about one data subject, table by table, from the personal-data registry.

A data subject is a person of the Kommune's Verwaltungsgliederung (an org `Person`), a user
account that is a member of the Kommune, or both (a person linked to her account). The privacy
app does not import the apps above it: it knows their tables only through `PERSONAL_DATA`, whose
entries say for each table how a row names a subject (`Subject`: a foreign key, a name snapshot,
an e-mail address, a login name) and what an erasure does with it.

Rows of a Kommune's tables are read only within that Kommune. Tables without a Kommune (the
account itself, its API tokens, the login records) are about the account alone: they are read
for an account that is a member of the Kommune, and erased only when the account belongs to no
other Kommune (`DataSubject.owns_account`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q

from kompass.audit.models import AuditEntry
from kompass.core.extensions import (
    PERSONAL_DATA,
    SUBJECT_EMAIL,
    SUBJECT_PERSON,
    SUBJECT_USER,
    SUBJECT_USER_NAME,
    SUBJECT_USERNAME,
    PersonalData,
    Subject,
)
from kompass.core.pickers import PICK_SOURCES
from kompass.tenancy.models import Kommune, Membership
from kompass.tenancy.scoping import TenantModel

PEOPLE_SOURCE = "org.people"  # the picker of the Verwaltungsgliederung's people (search, fetch, label)
# Columns never shown in an export: secrets and what only the platform can read. In the account's
# own tables (outside any Kommune) also the keys of second factors and recovery codes.
SECRET_COLUMNS = frozenset({"password", "token_hash", "session_key", "session_data", "session_epoch"})
ACCOUNT_SECRET_COLUMNS = frozenset({"key", "token", "secret", "bin_key"})
SNAPSHOT_LENGTH = 200  # the services cut a name snapshot to its column's length


@dataclass
class DataSubject:
    """Whom an export or an erasure is about: a person, an account, or a person with her account."""

    kommune: Kommune
    person: models.Model | None = None
    user: Any = None
    other_kommunen: bool = field(default=False)
    # The display names of the person's account (and the name of the person linked to it) even when
    # it has left the Kommune: the name snapshots it wrote while a member ("Berichtet von") name her.
    account_names: tuple[str, ...] = ()

    @classmethod
    def build(cls, kommune: Kommune, *, person: models.Model | None = None, user: Any = None) -> DataSubject:
        if user is None and person is not None and getattr(person, "user_id", None):
            user = get_user_model()._base_manager.filter(pk=person.user_id).first()  # type: ignore[attr-defined]
        names = tuple(_display_names(user)) if user is not None else ()
        if user is not None and person is not None and getattr(person, "user_id", None) == user.pk:
            # Her person's name too: the account may have been renamed (a provider's claims at a login)
            # after it wrote its copies, while the person kept the name they show.
            full = f"{getattr(person, 'first_name', '')} {getattr(person, 'last_name', '')}".strip()
            names = tuple(sorted({*names, full, full[:SNAPSHOT_LENGTH]} - {""}))
        if user is not None and not Membership.objects.for_kommune(kommune).filter(user=user).exists():
            user = None  # an account outside the Kommune is not the Kommune's to disclose or erase
        others = user is not None and Membership.objects.unscoped().filter(user=user).exclude(kommune=kommune).exists()
        return cls(kommune=kommune, person=person, user=user, other_kommunen=others, account_names=names)

    @property
    def owns_account(self) -> bool:
        """May the account's own rows (outside any Kommune) be erased from this Kommune?"""
        return self.user is not None and not self.other_kommunen

    @property
    def emails(self) -> list[str]:
        found = [getattr(self.person, "email", ""), getattr(self.user, "email", "")]
        return sorted({e.strip().lower() for e in found if e and e.strip()})

    @property
    def snapshot_values(self) -> list[str]:
        """The texts a name snapshot or an address column holds for her: her account's display
        names (also cut to a snapshot column's length) and her e-mail addresses."""
        found = set(self.account_names) | set(self.emails)
        found |= {getattr(self.person, "email", "") or "", getattr(self.user, "email", "") or ""}
        return sorted(value for value in found if value)

    @property
    def label(self) -> str:
        if self.person is not None:
            return PICK_SOURCES[PEOPLE_SOURCE].label(self.person)
        return str(getattr(self.user, "display_name", "") or getattr(self.user, "username", ""))


def _display_names(user: Any) -> list[str]:
    name = str(getattr(user, "display_name", "") or "")
    return [value for value in {name, name[:SNAPSHOT_LENGTH]} if value]


def is_tenant_table(model: type[models.Model]) -> bool:
    return issubclass(model, TenantModel)


def _condition(subject: Subject, ds: DataSubject) -> Q | None:
    """The filter that finds the rows naming `ds` in the way `subject` describes (None: none can)."""
    user = ds.user
    if subject.kind == SUBJECT_PERSON:
        return Q(**{subject.path: ds.person.pk}) if ds.person is not None else None
    if subject.kind == SUBJECT_USER:
        return Q(**{subject.path: user.pk}) if user is not None else None
    if subject.kind == SUBJECT_USER_NAME:
        return Q(**{f"{subject.path}__in": ds.account_names}) if ds.account_names else None
    if subject.kind == SUBJECT_USERNAME:
        return Q(**{subject.path: user.username}) if user is not None else None
    if subject.kind == SUBJECT_EMAIL and ds.emails:
        condition = Q()
        for email in ds.emails:
            condition |= Q(**{f"{subject.path}__iexact": email})
        return condition
    return None


def subject_rows(entry: PersonalData, subject: Subject, ds: DataSubject) -> models.QuerySet | None:
    """The rows of `entry`'s table that name `ds` through `subject` (None: this way finds nothing).

    Tables of a Kommune are read within `ds.kommune` only. A table without a Kommune is read only
    through the account (its foreign key or login name): an e-mail address typed into a person of
    one Kommune must not reveal another Kommune's rows."""
    condition = _condition(subject, ds)
    if condition is None:
        return None
    if subject.where:
        # One Q in one filter(): a lookup across a relation and its fixed lookups meet on one row.
        condition = Q(condition, *(Q(**{lookup: value}) for lookup, value in subject.where))
    manager = entry.model._base_manager
    if is_tenant_table(entry.model):
        return manager.filter(condition, kommune_id=ds.kommune.pk)
    if subject.kind not in (SUBJECT_USER, SUBJECT_USERNAME):
        return None
    return manager.filter(condition)


def matches(ds: DataSubject) -> Iterator[tuple[PersonalData, Subject, models.QuerySet]]:
    """Every (table, way, rows) that names the subject, in the registry's order."""
    for entry in PERSONAL_DATA:
        for subject in entry.subjects:
            rows = subject_rows(entry, subject, ds)
            if rows is not None:
                yield entry, subject, rows


def snapshot_columns() -> frozenset[str]:
    """The text columns of the registry that hold a name or an address as a copy: the paths of
    name-snapshot and e-mail subjects and the columns an erasure empties with a row (`blank`).
    An audit entry keeps their values beside it under the row's own pseudonym, not hers."""
    found: set[str] = set()
    for entry in PERSONAL_DATA:
        for subject in entry.subjects:
            if subject.kind in (SUBJECT_USER_NAME, SUBJECT_EMAIL) and subject.path != "pk":
                found.add(subject.path)
            found.update(subject.blank)
    return frozenset(found)


def row_data(obj: models.Model) -> dict[str, Any]:
    """A row as plain values (foreign keys as ids), without secrets."""
    data: dict[str, Any] = {}
    hidden = SECRET_COLUMNS if is_tenant_table(type(obj)) else SECRET_COLUMNS | ACCOUNT_SECRET_COLUMNS
    for f in obj._meta.concrete_fields:
        if f.name in hidden:
            continue
        data[f.attname] = f.value_from_object(obj)
    return data


def audit_entries_about(ds: DataSubject) -> list[AuditEntry]:
    """The Kommune's log entries in which the subject is the object (changes of the person or of the
    account); entries in which she acted come with the log's registry entry (`actor`)."""
    condition = Q()
    if ds.person is not None:
        condition |= Q(object_type=ds.person._meta.model_name, object_id=str(ds.person.pk))
    if ds.user is not None:
        condition |= Q(object_type=ds.user._meta.model_name, object_id=str(ds.user.pk))
    if not condition:
        return []
    return list(AuditEntry.objects.for_kommune(ds.kommune).filter(condition).order_by("created_at", "id"))


def people_find(kommune: Kommune, text: str, limit: int = 20) -> list[Any]:
    return list(PICK_SOURCES[PEOPLE_SOURCE].find(kommune, text, limit))


def person_get(kommune: Kommune, pk: int) -> Any:
    """The Kommune's person with this id, or None (another Kommune's person is None too)."""
    return PICK_SOURCES[PEOPLE_SOURCE].get(kommune, pk)


def members_find(kommune: Kommune, text: str, limit: int = 20) -> list[Membership]:
    words = text.split()
    members = Membership.objects.for_kommune(kommune).select_related("user")
    for word in words:
        members = members.filter(
            Q(user__username__icontains=word)
            | Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
        )
    return list(members.order_by("user__last_name", "user__first_name", "pk")[:limit])
