"""The Kommune's Orientierungsrahmen: the adopted tree with sources, and the measure templates."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Orientierungsrahmen"])
