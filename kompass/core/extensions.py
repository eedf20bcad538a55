"""The extension points of the page shell and of privacy, filled by every app in `AppConfig.ready`.

They live on the ground floor because the apps that fill them (org, roles and the modules to come)
sit below the shell (`ui`) that reads them: a domain app must not import `ui`.

- `NAV_ENTRIES`: the main navigation of a Kommune, grouped by module (`NavGroup`).
- `DASHBOARD_PANELS`: the sections of a Kommune's start page.
- `ONBOARDING_STEPS`: "Erste Schritte", the checklist a new Kommune's start page leads with.
- `PERSONAL_DATA`: for every table that holds personal data, its purpose, legal basis and
  retention, and how rows about one person are found and erased — what the privacy app's export,
  erasure, retention job and Verzeichnis von Verarbeitungstätigkeiten read.
- `ERASURE_HOOKS`: what else an erasure must do (the audit log forgets the names it shows).
- `CATALOGUE_LOADERS`: the shipped data catalogues that `manage.py load_catalogues` loads.
- `EVIDENCE_PROVIDERS`: objective signals of a module about framework fields, shown next to the
  perceived level of the self-assessment (the Rollen-Check for "Rollen und Verantwortung").
- `AFTER_RESTORE`: work `manage.py restore` runs after a backup is back (the erasure journal).

Capabilities are named by their string value (`"view_audit"`), so this module needs no import
of the tenant layer; `ui` checks them with the acting member's `TenantContext`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _

from kompass.core.registry import Registry


def _require_text(key: str, **texts: Any) -> None:
    for name, value in texts.items():
        if not str(value or "").strip():
            raise ImproperlyConfigured(f"{key}: {name} is empty")


# --- navigation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NavGroup:
    """A module's place in the main navigation ("Organisation", "Rollenmodell", "Verwaltung")."""

    key: str
    label: Any  # German, lazily translated
    order: int = 100


@dataclass(frozen=True)
class NavEntry:
    """A link of the main navigation. `url_name` takes the Kommune's slug as its only argument.
    `current(match, path, url)` says whether the page shown belongs to this entry (default: the
    page's path starts with the entry's URL)."""

    key: str
    group: str
    label: Any
    url_name: str
    order: int = 100
    capability: str | None = None  # shown only to members who hold it Kommune-wide
    current: Callable[[Any, str, str], bool] | None = None


def _validate_group(item: NavGroup) -> None:
    _require_text(item.key, label=item.label)


def _validate_entry(item: NavEntry) -> None:
    _require_text(item.key, label=item.label, url_name=item.url_name, group=item.group)
    if item.current is not None and not callable(item.current):
        raise ImproperlyConfigured(f"nav entry {item.key!r}: current is not callable")


NAV_GROUPS: Registry[NavGroup] = Registry("core.nav_groups", _validate_group)
NAV_ENTRIES: Registry[NavEntry] = Registry("core.nav_entries", _validate_entry)

# The administration of a Kommune (imports, log, members, master data) is no module of its own:
# the apps that offer such pages put them here.
NAV_GROUPS.register(NavGroup(key="verwaltung", label=_("Verwaltung"), order=900))


def navigation() -> list[tuple[NavGroup, list[NavEntry]]]:
    """The groups in order with their entries in order; an entry of an unknown group is an error."""
    groups = {group.key: group for group in NAV_GROUPS}
    unknown = [entry.key for entry in NAV_ENTRIES if entry.group not in groups]
    if unknown:
        raise ImproperlyConfigured(f"nav entries of unknown groups: {unknown}")
    return [(group, [e for e in NAV_ENTRIES if e.group == group.key]) for group in groups.values()]


# --- dashboard -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardPanel:
    """A section of a Kommune's start page: `template` is rendered with the page's context plus
    what `context(tenant)` returns (one call per page view; keep its queries constant in N)."""

    key: str
    title: Any
    template: str
    context: Callable[[Any], dict[str, Any]]
    order: int = 100
    capability: str | None = None


def _validate_panel(item: DashboardPanel) -> None:
    _require_text(item.key, title=item.title, template=item.template)
    if not callable(item.context):
        raise ImproperlyConfigured(f"dashboard panel {item.key!r}: context is not callable")


DASHBOARD_PANELS: Registry[DashboardPanel] = Registry("core.dashboard_panels", _validate_panel)


# --- first steps ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OnboardingStep:
    """A step of "Erste Schritte", the checklist on the start page of a new Kommune.

    `done(tenant)` says whether the Kommune has taken the step (a cheap query or two; the start page
    asks every step on every view), `url(tenant)` where to take it. `links(tenant)` may add further
    links as (label, URL) pairs, e.g. file templates. A member without `capability` (held
    Kommune-wide) sees the step and whether it is done, but no link to a page that is not theirs."""

    key: str
    title: Any
    explanation: Any
    url: Callable[[Any], str]
    done: Callable[[Any], bool]
    order: int = 100
    capability: str | None = None
    links: Callable[[Any], list[tuple[Any, str]]] | None = None


def _validate_step(item: OnboardingStep) -> None:
    _require_text(item.key, title=item.title, explanation=item.explanation)
    for name in ("url", "done", "links"):
        value = getattr(item, name)
        if (value is not None or name != "links") and not callable(value):
            raise ImproperlyConfigured(f"onboarding step {item.key!r}: {name} is not callable")


ONBOARDING_STEPS: Registry[OnboardingStep] = Registry("core.onboarding_steps", _validate_step)


# --- personal data -------------------------------------------------------------------------------


# How the rows of a registered table are found for one data subject (`Subject.kind`):
SUBJECT_PERSON = "person"  # the path leads to an org Person (a foreign key, or "pk" on Person itself)
SUBJECT_USER = "user"  # the path leads to a user account (a foreign key, or "pk" on the User table)
SUBJECT_USER_NAME = "user_name"  # a text column holding the account's display name as a snapshot
SUBJECT_USERNAME = "username"  # a text column holding the account's login name (login protection)
SUBJECT_EMAIL = "email"  # a text column holding the e-mail address of the person or the account
SUBJECT_KINDS = (SUBJECT_PERSON, SUBJECT_USER, SUBJECT_USER_NAME, SUBJECT_USERNAME, SUBJECT_EMAIL)

# What an erasure (DSGVO Art. 17) does to a matching row (`Subject.erase`):
ERASE_DELETE = "delete"  # the row goes
ERASE_CLEAR = "clear"  # the row stays; the path (a foreign key: NULL, a text: "") and `blank` are emptied
ERASE_HOOK = "hook"  # an `ERASURE_HOOKS` entry takes care of it (the audit log: rows never change)
ERASE_MODES = (ERASE_DELETE, ERASE_CLEAR, ERASE_HOOK)


@dataclass(frozen=True)
class Subject:
    """One way a row names a data subject: `path` is an ORM lookup ("pk", "person", "deputy",
    "author_name"), `kind` what it holds, `erase` what an erasure does with the row."""

    path: str
    kind: str
    erase: str = ERASE_DELETE
    blank: tuple[str, ...] = ()  # further columns emptied with ERASE_CLEAR (a name snapshot)
    # Fixed lookups that must hold on the same row as `path` (pairs of lookup and value), for a
    # reference kept as (model, id): `where=(("refs__model", "org.Person"),)`.
    where: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class PersonalData:
    """A table with personal data and why it is kept (DSGVO Art. 5, 6 and 30).

    `key` is the model's label ("org.Person"); `retention` says in words how long rows are kept
    and what ends them; `fields` names the columns that carry personal data.

    For the rights of data subjects (the privacy app): `subjects` say how the rows about one person
    or account are found and erased; a table whose rows cannot be tied to one person says why in
    `no_subject_reason`. A machine-readable retention rule is `expired(queryset, now)`, returning
    the rows that are due for deletion (the daily retention job deletes them), with
    `retention_days` where a fixed period applies. `recipients` names who receives the data, if
    anyone outside the Kommune does (for the Verzeichnis von Verarbeitungstätigkeiten)."""

    key: str
    model: type[models.Model]
    purpose: Any
    legal_basis: Any
    retention: Any
    fields: tuple[str, ...]
    categories: Any = ""  # whose data: "Beschäftigte", "Nutzerinnen und Nutzer der Plattform" …
    subjects: tuple[Subject, ...] = ()
    no_subject_reason: Any = ""
    retention_days: int | None = None
    expired: Callable[[Any, Any], Any] | None = None
    recipients: Any = ""


def _validate_subject(item: PersonalData, subject: Subject) -> None:
    if subject.kind not in SUBJECT_KINDS or subject.erase not in ERASE_MODES:
        raise ImproperlyConfigured(f"personal data {item.key!r}: unknown subject kind or erase mode {subject!r}")
    names = {f.name for f in item.model._meta.get_fields()}
    head = subject.path.split("__")[0]
    if head != "pk" and head not in names:
        raise ImproperlyConfigured(f"personal data {item.key!r}: subject path {subject.path!r} is no field")
    if subject.path == "pk" and subject.erase == ERASE_CLEAR:
        raise ImproperlyConfigured(f"personal data {item.key!r}: the subject row itself cannot be cleared")
    unknown = [name for name in subject.blank if name not in names]
    if unknown:
        raise ImproperlyConfigured(f"personal data {item.key!r}: unknown blank fields {unknown}")


def _validate_personal_data(item: PersonalData) -> None:
    _require_text(
        item.key,
        purpose=item.purpose,
        legal_basis=item.legal_basis,
        retention=item.retention,
        categories=item.categories,
    )
    if item.key != item.model._meta.label:
        raise ImproperlyConfigured(f"personal data {item.key!r}: the key must be {item.model._meta.label!r}")
    names = {f.name for f in item.model._meta.get_fields()}
    unknown = [name for name in item.fields if name not in names]
    if not item.fields or unknown:
        raise ImproperlyConfigured(f"personal data {item.key!r}: unknown or no fields {unknown}")
    if not item.subjects and not str(item.no_subject_reason or "").strip():
        raise ImproperlyConfigured(f"personal data {item.key!r}: no subjects and no reason why")
    for subject in item.subjects:
        _validate_subject(item, subject)
    if item.retention_days is not None and (item.retention_days < 1 or item.expired is None):
        raise ImproperlyConfigured(f"personal data {item.key!r}: retention_days needs a positive value and expired")


PERSONAL_DATA: Registry[PersonalData] = Registry("core.personal_data", _validate_personal_data)


@dataclass(frozen=True)
class ErasureHook:
    """Called inside the erasure's transaction for what the registry cannot erase row by row:
    `erase(kommune_id, kind, object_id)` with `kind` "person" (an org Person) or "user" (an account).
    The audit app forgets the names it shows for the subject; its rows never change."""

    key: str
    erase: Callable[[int, str, int], None]


def _validate_erasure_hook(item: ErasureHook) -> None:
    if not callable(item.erase):
        raise ImproperlyConfigured(f"erasure hook {item.key!r}: erase is not callable")


ERASURE_HOOKS: Registry[ErasureHook] = Registry("core.erasure_hooks", _validate_erasure_hook)


# --- catalogues ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueLoader:
    """A shipped data catalogue that `manage.py load_catalogues` loads (idempotently).

    `load()` returns one German line that says what it did ("… geladen", "… unverändert") and
    raises `ValueError` with a German message for a broken or changed-but-not-versioned file."""

    key: str
    label: Any
    load: Callable[[], str]
    order: int = 100


def _validate_loader(item: CatalogueLoader) -> None:
    _require_text(item.key, label=item.label)
    if not callable(item.load):
        raise ImproperlyConfigured(f"catalogue loader {item.key!r}: load is not callable")


CATALOGUE_LOADERS: Registry[CatalogueLoader] = Registry("core.catalogue_loaders", _validate_loader)


# --- evidence for the self-assessment ------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceSignal:
    """One objective signal the Kompass holds about a framework field, e.g. "Kernrollen besetzt: 3 von 4".

    `rating` is "gut", "mittel" or "schwach": the assessment compares it with the perceived level and
    says so where they disagree. `source` names the rule or page the signal comes from."""

    label: Any
    value: Any
    rating: str
    detail: Any = ""
    url: str = ""
    source: Any = ""


EVIDENCE_RATINGS = ("gut", "mittel", "schwach")


@dataclass(frozen=True)
class EvidenceProvider:
    """Signals of a module for the fields (catalogue keys) it can say something about.

    `collect(kommune)` returns the signals per field key; it runs once per result page, so keep it
    to a fixed number of queries."""

    key: str
    title: Any
    field_keys: tuple[str, ...]
    collect: Callable[[Any], dict[str, list[EvidenceSignal]]]
    order: int = 100


def _validate_evidence(item: EvidenceProvider) -> None:
    _require_text(item.key, title=item.title)
    if not item.field_keys or not callable(item.collect):
        raise ImproperlyConfigured(f"evidence provider {item.key!r}: needs field keys and a collect function")


EVIDENCE_PROVIDERS: Registry[EvidenceProvider] = Registry("core.evidence_providers", _validate_evidence)


# --- after a restore -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AfterRestore:
    """Work that must run after a backup was restored and migrated (`manage.py restore`), before the
    instance serves again: e.g. replaying the erasure journal, so that a backup from before an
    erasure does not bring the erased person back. `run()` is idempotent and returns nothing."""

    key: str
    label: Any
    run: Callable[[], None]
    order: int = 100


def _validate_after_restore(item: AfterRestore) -> None:
    _require_text(item.key, label=item.label)
    if not callable(item.run):
        raise ImproperlyConfigured(f"after-restore hook {item.key!r}: run is not callable")


AFTER_RESTORE: Registry[AfterRestore] = Registry("core.after_restore", _validate_after_restore)
