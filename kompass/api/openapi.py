"""The error answers in the OpenAPI document: every operation names each status it can answer with.

The routers declare their success shape and, for most writes, the errors of their own (`WRITE_ERRORS`). What
every operation can answer besides — 401 without a valid token, 429 from the token's rate limit, 403 and 404
from the gate, 422 for a parameter or body that does not fit, 400 for a body that is no JSON — comes from the
layers around the routers (`auth.py`, `gate.py`, `errors.py`), so it is added here once for all of them. A
client generated from the document then knows every answer, and Schemathesis' status code check
(`tests/test_schemathesis.py`) holds the document to it.
"""

from __future__ import annotations

from typing import Any

ERROR_SCHEMAS = dict.fromkeys((400, 401, 403, 404, 409, 429), "ErrorOut") | {422: "ValidationErrorOut"}
DESCRIPTIONS = {
    400: "Die Anfrage ist fehlerhaft (kein gültiges JSON, eine beschädigte Datei) oder zu groß.",
    401: "Nicht angemeldet: kein, ein unbekanntes, abgelaufenes oder beendetes API-Token.",
    403: "Keine Berechtigung: Rolle, ein Token nur zum Lesen, eine gesperrte Kommune oder ein neues Passwort fehlt.",
    404: "Die Kommune oder das Objekt gibt es nicht, oder Sie dürfen es nicht sehen.",
    409: "Jemand hat das Objekt inzwischen geändert (Feld `version`), oder es ist in diesem Zustand nicht änderbar.",
    422: "Ungültige Eingabe; `detail` nennt je Fehler das Feld (`loc`) und den Grund (`msg`).",
    429: "Zu viele Anfragen mit diesem Token; der Kopf `Retry-After` nennt die Wartezeit in Sekunden.",
}
KOMMUNE_PATH = "{kommune_slug}"
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})


def error_codes(path: str, method: str, operation: dict[str, Any]) -> set[int]:
    """The error statuses the layers around a router can answer for this operation."""
    codes: set[int] = set()
    if operation.get("security"):
        codes |= {401, 429}
    if KOMMUNE_PATH in path:
        codes |= {403, 404}  # the gate: a Kommune that is not yours, a suspended one, an object outside it
    if operation.get("parameters") or operation.get("requestBody"):
        codes.add(422)
    if operation.get("requestBody"):
        codes.add(400)
    if method in WRITE_METHODS:
        codes |= {403, 404, 409, 422}
    return codes


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the missing error answers to every operation of `schema` (Ninja's document, keys are ints)."""
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in sorted(error_codes(path, method, operation)):
                if code not in responses and str(code) not in responses:
                    responses[code] = {
                        "description": DESCRIPTIONS[code],
                        "content": {
                            "application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMAS[code]}"}}
                        },
                    }
    return schema
