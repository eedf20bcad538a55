"""The role model of a Kommune: catalogue, roles, adoption, assignments, matrix cells, Rollen-Check.

One sub-router per area, mounted together under the tag „Rollenmodell“; the shapes are in
`schemas.py`. The same rules as the role pages (`kompass.roles.access`): every member reads; the
Kommune-wide model (roles, adoption, matrix) is changed by whoever holds `EDIT_ROLE_MODEL`
(Administration, Redaktion without unit limit); assignments by whoever holds `EDIT_ASSIGNMENTS`
at the assignment's place (its unit, else the person's unit). The gate resolves
`role_id`/`assignment_id` in the URL inside the Kommune (404) and with the right to change them
(403) before the body is read; ids in the body are looked up inside the Kommune only (422 with
the field).
"""

from __future__ import annotations

from ninja import Router

from kompass.api.routers.roles import assignments, catalogue, checks, matrix, model

router = Router(tags=["Rollenmodell"])
for area in (catalogue, model, assignments, matrix, checks):
    router.add_router("", area.router)
