from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from kompass.tenancy.context import memberships_of


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page shell needs: the current Kommune, the switcher entries, the feedback address."""
    user = getattr(request, "user", None)
    return {
        "tenant": getattr(request, "tenant", None),
        "my_memberships": memberships_of(user) if user is not None else [],
        "feedback_email": settings.FEEDBACK_EMAIL,
    }
