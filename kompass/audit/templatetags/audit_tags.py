"""Template access to the readable audit changes, for pages whose views only pass the entries."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from kompass.audit.models import AuditEntry
from kompass.audit.presentation import PresentedEntry, present_entries

register = template.Library()


@register.simple_tag
def audit_present(entries: Iterable[AuditEntry] | None) -> list[PresentedEntry]:
    """`{% audit_present history as items %}`: each item has `entry`, `type_label` and `changes`."""
    return present_entries(entries or [])
