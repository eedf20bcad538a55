"""Routes of the agenda's kpis area (joined in `kompass/agenda/urls.py`)."""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []
