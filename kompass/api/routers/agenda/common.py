"""What the agenda's sub-routers share: the path prefix, the answers of writes, typed input values
that the agenda's services parse with German messages, and service errors named as the client sent
them."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field

from kompass.api.errors import InputError
from kompass.api.schemas import ErrorOut, ValidationErrorOut, clean_text
from kompass.core.exceptions import ConflictError

T = TypeVar("T")

BASE = "/kommunen/{kommune_slug}"
AGENDA = BASE + "/agenda"
WRITE_ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut}
READ_ERRORS: dict[int, Any] = {404: ErrorOut, 422: ValidationErrorOut}

DATE_DOC = "Datum als JJJJ-MM-TT (ISO 8601); TT.MM.JJJJ wird auch verstanden."
NUMBER_DOC = (
    "Eine Zahl als JSON-Zahl (1234.5) oder als Text, wie man sie in Deutschland schreibt: „1.234,5“, "
    "„1234,50 €“ (Komma trennt die Nachkommastellen, Punkt die Tausender)."
)

LongText = Annotated[str, Field(max_length=10000), AfterValidator(clean_text)]
Title = Annotated[str, Field(max_length=200), AfterValidator(clean_text)]
Limit = Annotated[int, Field(ge=1, le=500)]
Offset = Annotated[int, Field(ge=0, le=10**9)]
DateText = Annotated[str, Field(max_length=30, description=DATE_DOC), AfterValidator(clean_text)]
Score = Annotated[int, Field(ge=1, le=5)]


def _number_text(value: Any) -> str:
    """A JSON number or a German number text, as text for the services' German number parser.

    Bools and non-finite numbers (NaN, Infinity, which Python's JSON parser accepts) are refused here:
    the services compare the value with limits, and a NaN cannot be compared."""
    if isinstance(value, bool):
        raise ValueError(_("Bitte eine Zahl angeben, nicht true oder false."))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(_("Bitte eine endliche Zahl angeben."))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, int):
        if abs(value) >= 10**30:
            raise ValueError(_("Die Zahl ist zu groß."))
        return str(value)
    if isinstance(value, str):
        return clean_text(value)[:60]
    raise ValueError(_("Bitte eine Zahl angeben (als Zahl oder als Text wie „1.234,56“)."))


Number = Annotated[str, BeforeValidator(_number_text), Field(description=NUMBER_DOC)]


def service_call(call: Callable[[], T], names: Mapping[str, str] | None = None) -> T:
    """Run a service; its field errors come back named by the API's fields (`goal` → `goal_id` …)."""
    try:
        return call()
    except ValidationError as exc:
        raise field_errors(exc, names or {}) from None


def field_errors(exc: ValidationError, names: Mapping[str, str]) -> InputError:
    """A service's `ValidationError` as a 422 whose `loc` names the fields the client sent."""
    found = exc.message_dict.items() if hasattr(exc, "error_dict") else [(NON_FIELD_ERRORS, exc.messages)]
    errors: list[dict[str, Any]] = []
    for name, messages in found:
        loc: list[str | int] = ["body"] if name == NON_FIELD_ERRORS else ["body", names.get(name, name)]
        errors.extend({"loc": loc, "msg": message, "type": "value_error"} for message in messages)
    error = InputError("body", "", errors[0]["msg"] if errors else "")
    error.errors = errors
    return error


def conflict_on_refusal(call: Callable[[], T]) -> T:
    """A write the object's state refuses (a decided version, a goal with sub-goals): 409 with the reason."""
    try:
        return call()
    except ValidationError as exc:
        raise ConflictError(" ".join(exc.messages)) from None


def body_ref(fetch: Callable[[Any, int], T], ctx: Any, pk: int | None, field: str, message: str) -> T | None:
    """An object the body names by id, fetched inside the acting Kommune (docs/security.md T2): 422 with the field
    otherwise, with the same message for an unknown id and another Kommune's."""
    if pk is None:
        return None
    try:
        return fetch(ctx, pk)
    except Http404:
        raise InputError("body", field, message) from None


def check_version(obj: Any, version: int) -> None:
    """Optimistic locking of a delete: the version the client read is still the stored one (409)."""
    if obj.version != version:
        raise ConflictError()


def read_only_reason(version: Any) -> str:
    """Why an agenda version cannot be changed ("" for a draft)."""
    if not version.is_decided:
        return ""
    return _(
        "Fassung %(n)d ist beschlossen und damit eingefroren. Änderungen gehen in einen neuen Entwurf, der aus "
        "ihr entsteht."
    ) % {"n": version.number}


def refuse_if_decided(version: Any) -> None:
    """A decided version is read-only: a change to it or what it says answers 409 with the reason."""
    if version.is_decided:
        raise ConflictError(read_only_reason(version))


def number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
