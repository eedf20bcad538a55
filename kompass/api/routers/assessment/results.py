"""One area of the self-assessment API (mounted by `__init__.py`)."""

from __future__ import annotations

from ninja import Router

router = Router()
