"""Tasks for the tests (a task must live at module level so the worker can import it)."""

from __future__ import annotations

from kompass.audit.models import AuditAction
from kompass.audit.services import audit_record
from kompass.tasks.runner import kommune_task
from kompass.tenancy.models import Kommune

# Switched by the tests: while True, `flaky` fails after writing its audit entry.
FLAKY = {"fail": True}
PLATFORM_CALLS: list[str] = []


@kommune_task()
def note_in_log(kommune: Kommune | None, label: str) -> int:
    """Writes one audit entry in the Kommune, so a test can count how often the work was done."""
    assert kommune is not None
    entry = audit_record(kommune_id=kommune.pk, actor=None, action=AuditAction.ACCESS, obj=kommune, label=label)
    assert entry is not None
    return entry.pk


@kommune_task()
def flaky(kommune: Kommune | None, label: str) -> str:
    assert kommune is not None
    audit_record(kommune_id=kommune.pk, actor=None, action=AuditAction.ACCESS, obj=kommune, label=label)
    if FLAKY["fail"]:
        raise RuntimeError("Dienst nicht erreichbar")
    return "ok"


@kommune_task()
def platform_job(kommune: Kommune | None) -> None:
    PLATFORM_CALLS.append("kommune" if kommune is not None else "platform")
