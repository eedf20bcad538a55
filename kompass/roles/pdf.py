"""PDF documents of the role model: the printable role profile and the responsibility matrix.

This module only gathers what each document shows; rendering (WeasyPrint, fonts, the local-only
URL fetcher, the base template and print stylesheet) is the shared `kompass.reports.pdf`. The
templates live under `roles/pdf/` and extend `reports/pdf/base.html`; `roles/print.css` adds the
role model's own print rules.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kompass.reports.pdf import render_pdf
from kompass.roles import exports, selectors
from kompass.roles.models import Role
from kompass.tenancy.models import Kommune

STYLESHEETS = ("roles/print.css",)
MATRIX_COLUMNS = 12  # roles per table on a landscape A4 page; more roles continue in a further table


def _stamp(kommune: Kommune) -> dict[str, Any]:
    return {"kommune": kommune, "today": timezone.localdate()}


def matrix_context(kommune: Kommune) -> dict[str, Any]:
    """The matrix in chunks of at most `MATRIX_COLUMNS` roles, each printed as its own table."""
    table = exports.matrix_table(kommune)
    count = len(table.roles)
    parts = [list(range(i, min(i + MATRIX_COLUMNS, count))) for i in range(0, count, MATRIX_COLUMNS)]
    chunks = [
        {
            "roles": [table.roles[i] for i in part],
            "rows": [(row, [row.letters[i] for i in part]) for row in table.rows],
        }
        for part in parts
    ]
    return {"table": table, "chunks": chunks, "legend": exports.letter_meanings(), **_stamp(kommune)}


def matrix_pdf(kommune: Kommune) -> bytes:
    return render_pdf("roles/pdf/matrix.html", matrix_context(kommune), stylesheets=STYLESHEETS)


def role_profile_context(kommune: Kommune, role: Role) -> dict[str, Any]:
    """What the printed role profile shows: the role's texts, relations and current holders."""
    relations = list(selectors.relations(kommune).filter(from_role__is_active=True, to_role__is_active=True))
    catalogue_role = role.catalogue_role
    outgoing = [r for r in relations if r.from_role_id == role.pk]
    incoming = [r for r in relations if r.to_role_id == role.pk]
    holders = list(selectors.role_holders(kommune, role))
    return {
        "role": role,
        "holders": holders,
        "holder_people": len({a.person_id for a in holders}),
        "outgoing": outgoing,
        "incoming": incoming,
        "relation_count": len(outgoing) + len(incoming),
        "catalogue": catalogue_role.catalogue if catalogue_role is not None else None,
        **_stamp(kommune),
    }


def role_profile_pdf(kommune: Kommune, role: Role) -> bytes:
    return render_pdf("roles/pdf/role_profile.html", role_profile_context(kommune, role), stylesheets=STYLESHEETS)
