"""Where a change comes from: the source (UI, API, import …) and a request or import id.

Set once per request by `RequestIdMiddleware`, per API call, per import run or per
management command; read by `audit_record` so services need not pass it around.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class ChangeContext:
    source: str
    request_id: str


_current: ContextVar[ChangeContext | None] = ContextVar("kompass_change_context", default=None)


def current() -> ChangeContext:
    return _current.get() or ChangeContext(source="system", request_id="")


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextlib.contextmanager
def change_context(source: str, request_id: str | None = None) -> Iterator[ChangeContext]:
    ctx = ChangeContext(source=source, request_id=request_id or new_request_id())
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
