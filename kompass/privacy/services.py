"""Rights of data subjects: the export (DSGVO Art. 15), the erasure (Art. 17) and its journal.

`export_data` gathers everything the registry's tables hold about a person or an account of the
Kommune, plus the log entries about her. `erase_person` deletes or empties those rows in one
transaction as each table's entry says, lets the erasure hooks do the rest (the audit log forgets
the names it shows; its rows never change), writes an `ErasureJournal` row and an audit entry
that names the subject only by a pseudonym, and appends the journal line to a file outside the
database. `replay_erasures` erases again whatever a restore from an older backup brought back;
the operations commands call it right after a restore, before the app serves again.
"""

from __future__ import annotations

import datetime
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from kompass.audit.models import AuditAction
from kompass.audit.services import audit_record, forget_rows, forget_values
from kompass.core.extensions import ERASE_CLEAR, ERASE_DELETE, ERASURE_HOOKS, SUBJECT_USER
from kompass.privacy import selectors
from kompass.privacy.models import KIND_PERSON, KIND_USER, ErasureJournal
from kompass.privacy.selectors import DataSubject
from kompass.tenancy.models import Kommune

__all__ = [
    "ErasureResult",
    "erase_person",
    "export_data",
    "export_json",
    "journal_path",
    "pseudonym",
    "replay_erasures",
]

logger = logging.getLogger("kompass.privacy")


def pseudonym(kommune_id: int, kind: str, object_id: int) -> str:
    """A stable pseudonym for a subject of a Kommune ("P-3F9A1C0D2E"); it cannot be turned back
    into the id without the secret key, and names nobody."""
    digest = salted_hmac("kompass.privacy.pseudonym", f"{kommune_id}:{kind}:{object_id}", algorithm="sha256")
    prefix = "P" if kind == KIND_PERSON else "K"
    return f"{prefix}-{digest.hexdigest()[:10].upper()}"


# --- export (Art. 15) ------------------------------------------------------------------------------


def export_data(ds: DataSubject) -> dict[str, Any]:
    """Everything about the subject, table by table, with purpose, legal basis and retention."""
    tables: dict[str, dict[str, Any]] = {}
    for entry, _subject, rows in selectors.matches(ds):
        found = [selectors.row_data(obj) for obj in rows.order_by("pk")]
        if not found:
            continue
        table = tables.setdefault(
            entry.key,
            {
                "tabelle": entry.key,
                "bezeichnung": str(entry.model._meta.verbose_name_plural),
                "zweck": str(entry.purpose),
                "rechtsgrundlage": str(entry.legal_basis),
                "speicherdauer": str(entry.retention),
                "empfaenger": str(entry.recipients or ""),
                "zeilen": [],
            },
        )
        known = {row.get("id") for row in table["zeilen"]}
        table["zeilen"].extend(row for row in found if row.get("id") not in known)
    protocol = [
        {
            "zeitpunkt": e.created_at,
            "aktion": e.get_action_display(),
            "objektart": e.object_type,
            "objekt_id": e.object_id,
            "objekt": e.object_label,
            "aenderungen": e.changes,
        }
        for e in selectors.audit_entries_about(ds)
    ]
    return {
        "erstellt_am": timezone.now(),
        "kommune": ds.kommune.name,
        "person_id": ds.person.pk if ds.person is not None else None,
        "konto_id": ds.user.pk if ds.user is not None else None,
        "tabellen": list(tables.values()),
        "protokoll_ueber_die_person": protocol,
    }


def export_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")


def export_record(ds: DataSubject, *, actor: Any, fmt: str) -> None:
    """The export is a personal-data disclosure: it goes to the Kommune's log, by pseudonym."""
    target = ds.person if ds.person is not None else ds.user
    kind = KIND_PERSON if ds.person is not None else KIND_USER
    audit_record(
        kommune_id=ds.kommune.pk,
        actor=actor,
        action=AuditAction.ACCESS,
        obj=target,
        label=f"Auskunft nach Art. 15 DSGVO ({fmt}) über {pseudonym(ds.kommune.pk, kind, target.pk)}",
    )


# --- erasure (Art. 17) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErasureResult:
    deleted: int
    cleared: int
    pseudonyms: tuple[str, ...]


def _empty(model: type[models.Model], name: str) -> Any:
    return None if getattr(model._meta.get_field(name), "null", False) else ""


def _apply(ds: DataSubject, *, subject_rows_last: bool) -> tuple[int, int]:
    """Delete or empty the rows per registry; the subject's own rows ("pk") come last, the person's
    before the account's, so rows that point at them are gone before them. The log forgets the
    labels and values it keeps for each deleted row (the subjects' own rows: the erasure hooks)."""
    deleted = cleared = 0
    deferred = []
    for entry, subject, rows in selectors.matches(ds):
        if not selectors.is_tenant_table(entry.model) and not ds.owns_account:
            continue
        if subject.path == "pk" and subject_rows_last:
            deferred.append((entry, subject, rows))
            continue
        if subject.erase == ERASE_DELETE:
            ids = list(rows.values_list("pk", flat=True))
            deleted += rows.delete()[0]
            forget_rows(kommune_id=ds.kommune.pk, kind=entry.model._meta.label, object_ids=ids)
        elif subject.erase == ERASE_CLEAR:
            values = {name: _empty(entry.model, name) for name in (subject.path, *subject.blank)}
            cleared += rows.update(**values)
    deferred.sort(key=lambda item: item[1].kind == SUBJECT_USER)
    for _entry, _subject, rows in deferred:
        deleted += rows.delete()[0]
    return deleted, cleared


def _journal(kommune: Kommune, kind: str, object_id: int, now: datetime.datetime) -> ErasureJournal:
    row, _created = ErasureJournal.objects.for_kommune(kommune).get_or_create(
        kommune=kommune, kind=kind, object_id=object_id, defaults={"erased_at": now}
    )
    return row


def journal_path() -> Path:
    return Path(settings.ERASURE_JOURNAL_PATH)


def _append_to_file(lines: list[dict[str, Any]]) -> None:
    path = journal_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            for line in lines:
                handle.write(json.dumps(line, sort_keys=True) + "\n")
    except OSError:
        # The database journal stands; the operator must repair the file (docs/operations.md).
        logger.exception("privacy.journal_file_failed path=%s", path)


def _hook_kinds(ds: DataSubject) -> list[tuple[str, str, int]]:
    found = []
    if ds.person is not None:
        found.append((KIND_PERSON, ds.person._meta.label, ds.person.pk))
    if ds.user is not None:
        found.append((KIND_USER, ds.user._meta.label, ds.user.pk))
    return found


def erase_person(
    kommune: Kommune, *, person: Any = None, user: Any = None, actor: Any, to_file: bool = True
) -> ErasureResult:
    """Erase a person of the Kommune and/or an account that is a member of it, in one transaction.

    Rows of the Kommune's tables go or are emptied as the registry says; the account itself and its
    rows outside any Kommune go only when it belongs to no other Kommune (otherwise only its
    membership and its traces in this Kommune go). The erasure hooks run for each subject with its
    model label ("org.Person", "accounts.User"). The journal and the audit entry name no one."""
    ds = DataSubject.build(kommune, person=person, user=user)
    if ds.person is None and ds.user is None:
        raise ValueError("Es ist weder eine Person noch ein Konto dieser Kommune angegeben.")
    subjects = _hook_kinds(ds)
    now = timezone.now()
    with transaction.atomic():
        deleted, cleared = _apply(ds, subject_rows_last=True)
        # Her name or address copied into other rows: the log keeps it beside their entries.
        cleared += forget_values(kommune_id=kommune.pk, fields=selectors.snapshot_columns(), values=ds.snapshot_values)
        for _kind, label, object_id in subjects:
            for hook in ERASURE_HOOKS:
                hook.erase(kommune.pk, label, object_id)
        lines = []
        names = []
        for kind, _label, object_id in subjects:
            row = _journal(kommune, kind, object_id, now)
            name = pseudonym(kommune.pk, kind, object_id)
            names.append(name)
            lines.append({"kommune_id": kommune.pk, "kind": kind, "object_id": object_id, "erased_at": now.isoformat()})
            audit_record(
                kommune_id=kommune.pk,
                actor=actor,
                action=AuditAction.DELETE,
                obj=row,
                label=f"Personenbezogene Daten gelöscht (Art. 17 DSGVO): {name}",
            )
        if to_file:
            transaction.on_commit(lambda: _append_to_file(lines))
    logger.info("privacy.erased kommune=%s subjects=%s deleted=%s cleared=%s", kommune.pk, names, deleted, cleared)
    return ErasureResult(deleted=deleted, cleared=cleared, pseudonyms=tuple(names))


# --- replay after a restore (docs/security.md D4) ---------------------------------------------------------------------


def _file_entries() -> set[tuple[int, str, int]]:
    path = journal_path()
    if not path.exists():
        return set()
    found = set()
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            line = json.loads(text)
            found.add((int(line["kommune_id"]), str(line["kind"]), int(line["object_id"])))
        except (ValueError, KeyError, TypeError):
            logger.error("privacy.journal_line_unreadable path=%s line=%s", path, number)
    return found


def journal_entries() -> set[tuple[int, str, int]]:
    """Every journaled erasure, from the table and from the file (a restore may have lost either)."""
    rows = ErasureJournal.objects.unscoped().values_list("kommune_id", "kind", "object_id")
    return {(k, kind, int(i)) for k, kind, i in rows} | _file_entries()


def _existing(kommune: Kommune, kind: str, object_id: int) -> dict[str, Any] | None:
    if kind == KIND_PERSON:
        person = selectors.person_get(kommune, object_id)
        return {"person": person} if person is not None else None
    user = get_user_model()._base_manager.filter(pk=object_id).first()
    if user is None or not DataSubject.build(kommune, user=user).user:
        return None
    return {"user": user}


def replay_erasures() -> int:
    """Erase again every journaled subject that exists again (after a restore of an older backup),
    and put journal rows the restored table lacks back. Returns how many subjects were erased.

    Run it right after a restore, before the app serves: a new row that got an erased row's id
    would otherwise be taken for it."""
    erased = 0
    entries = journal_entries()
    kommunen = {k.pk: k for k in Kommune.objects.filter(pk__in={e[0] for e in entries})}
    for kommune_id, kind, object_id in sorted(entries):
        kommune = kommunen.get(kommune_id)
        if kommune is None:
            continue
        found = _existing(kommune, kind, object_id)
        if found is not None:
            erase_person(kommune, actor=None, to_file=False, **found)
            erased += 1
        else:
            _journal(kommune, kind, object_id, timezone.now())
    known = _file_entries()
    missing = [
        {"kommune_id": k, "kind": kind, "object_id": i, "erased_at": timezone.now().isoformat()}
        for k, kind, i in sorted(entries - known)
        if k in kommunen
    ]
    if missing:
        _append_to_file(missing)
    return erased
