"""Pages of the role model, one module per area: `catalogue` (shipped catalogues, adoption, updates),
`model` (the Kommune's roles and relations), `assignments`, `checks` (Lotsen network, Rollen-Check).

Thin: parse, authorise (`kompass.roles.access`), call a service or selector, render. The matrix
and the reports are in `matrix_views.py` and `report_views.py`.
"""
