"""Receivers connected in `SsoConfig.ready` (no logic beyond handing over to `mfa`)."""

from __future__ import annotations

from typing import Any

from kompass.sso import mfa


def login_started(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        mfa.remember_login(request, user)
