"""URL patterns of the responsibility matrix and the role-model reports.

Included by `kompass/roles/urls.py` (namespace `roles`); deliberately without `app_name`.
"""

from __future__ import annotations

from django.urls import path

from kompass.roles import matrix_views, report_views

PREFIX = "k/<slug:kommune_slug>/rollen/"

urlpatterns = [
    path(f"{PREFIX}matrix/", matrix_views.matrix, name="matrix"),
    path(f"{PREFIX}matrix/zelle/", matrix_views.matrix_cell, name="matrix_cell"),
    path(f"{PREFIX}matrix/zeile/", matrix_views.matrix_row, name="matrix_row"),
    path(f"{PREFIX}matrix/export.xlsx", report_views.matrix_xlsx, name="matrix_xlsx"),
    path(f"{PREFIX}matrix/export.csv", report_views.matrix_csv, name="matrix_csv"),
    path(f"{PREFIX}matrix/export.pdf", report_views.matrix_pdf, name="matrix_pdf"),
    path(f"{PREFIX}netzwerk/", report_views.graph_page, name="graph"),
    path(f"{PREFIX}<int:pk>/profil.pdf", report_views.role_pdf, name="role_pdf"),
]
