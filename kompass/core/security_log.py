"""Security events as one JSON object per line (docs/security.md, L3).

`security_event("login", outcome="failure")` writes to the logger `kompass.security`, whose handler
formats with `JsonFormatter`: time (UTC, ISO 8601), event, outcome, request id, Kommune id, user id
and the caller's further fields. No names, e-mail addresses or network addresses: a person is a
user id. Fields whose name suggests a secret or a personal value (password, token, secret, key,
code, cookie, session, csrf, email, name, address …) are replaced by "[entfernt]", and strings are
cut and stripped of control characters, so a field cannot forge a line (ASVS 16.4.1).

The request id is bound per request by the audit middleware (`bind_request`), so events name the
same id as the error pages and the audit log.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import Any

logger = logging.getLogger("kompass.security")

REDACTED = "[entfernt]"
MAX_TEXT = 200
# SECURITY: parts of field names whose values never reach the log.
_HIDDEN_PARTS = (
    "password",
    "passwort",
    "token",
    "secret",
    "key",
    "code",
    "cookie",
    "session",
    "csrf",
    "otp",
    "email",
    "mail",
    "name",
    "address",
    "ip",
    "credential",
    "authorization",
)
_BASE = ("event", "outcome", "request_id", "kommune_id", "user_id")

_request_id: ContextVar[str] = ContextVar("kompass_security_request_id", default="")


@contextlib.contextmanager
def bind_request(request_id: str) -> Iterator[None]:
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


def _hidden(name: str) -> bool:
    lowered = name.lower()
    return any(part in lowered for part in _HIDDEN_PARTS)


def _clean(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return text[:MAX_TEXT]


def redact(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fields as they may be logged: secret or personal ones replaced, text made one line."""
    return {str(k): (REDACTED if _hidden(str(k)) else _clean(v)) for k, v in fields.items()}


def security_event(
    event: str,
    *,
    outcome: str = "success",
    kommune_id: int | None = None,
    user_id: int | None = None,
    request_id: str | None = None,
    level: int = logging.INFO,
    **fields: Any,
) -> None:
    """Log one security event (login, lockout, cross_tenant_denied, export, import …)."""
    record = {
        "event": _clean(event),
        "outcome": _clean(outcome),
        "request_id": _clean(request_id if request_id is not None else _request_id.get()),
        "kommune_id": kommune_id,
        "user_id": user_id,
        **redact({k: v for k, v in fields.items() if k not in _BASE}),
    }
    logger.log(level, "%s", record["event"], extra={"security": record})


class JsonFormatter(logging.Formatter):
    """One JSON object per line; a record without a security payload is logged by its message."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC)
        payload = getattr(record, "security", None)
        body = dict(payload) if isinstance(payload, dict) else {"event": "log", "message": _clean(record.getMessage())}
        line = {"time": moment.isoformat(timespec="milliseconds"), "level": record.levelname.lower(), **body}
        return json.dumps(line, ensure_ascii=False, sort_keys=False, default=str)


# --- events from Django's and django-axes' signals -------------------------------------------


def _user_id(user: Any) -> int | None:
    return getattr(user, "pk", None) if user is not None else None


def _on_login(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    security_event("login", outcome="success", user_id=_user_id(user))


def _on_login_failed(sender: Any, credentials: Any = None, request: Any = None, **kwargs: Any) -> None:
    # SECURITY: neither the username (personal, maybe a mistyped password) nor the password.
    security_event("login", outcome="failure", level=logging.WARNING)


def _on_logout(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    security_event("session_ended", outcome="logout", user_id=_user_id(user))


def _on_lockout(sender: Any, request: Any = None, **kwargs: Any) -> None:
    security_event("lockout", outcome="denied", level=logging.WARNING)


def connect_signals() -> None:
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

    user_logged_in.connect(_on_login, dispatch_uid="kompass.security.login")
    user_login_failed.connect(_on_login_failed, dispatch_uid="kompass.security.login_failed")
    user_logged_out.connect(_on_logout, dispatch_uid="kompass.security.logout")
    try:
        from axes.signals import user_locked_out
    except ImportError:  # pragma: no cover - axes is a pinned requirement
        return
    user_locked_out.connect(_on_lockout, dispatch_uid="kompass.security.lockout")
