"""Recovery codes stored as a keyed hash, never in clear (docs/security.md A3).

django-otp's `StaticToken` would keep each code in clear in its `token` column (16 characters).
We keep the table and the device around it (its growing wait after failures), but the column holds
a digest: HMAC-SHA256 over the device and the code, with a key derived from `SECRET_KEY` (Django's
`salted_hmac`), cut to 90 bits and marked with "$", which no code contains. So a dump or a backup of
the database holds no usable code, and without the key — which is not in the database — it gives
nothing to guess against offline. A code is 10 characters of a 31-letter alphabet (about 50 bits);
the cut digest leaves no practical chance of a false match.

The digest is computed under the current key and every `SECRET_KEY_FALLBACKS` key, so rotating the
key keeps the codes while the old one stays a fallback, and compared in constant time. A matching
row is spent with a DELETE that must remove it: two requests cannot use one code twice.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

MARK = "$"
KEY_SALT = "kompass.sso.recovery-code"
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # without 0/o, 1/l/i: read aloud and typed without doubt


def new_code() -> str:
    """10 characters (~50 bits), grouped for reading aloud: "k7pm2-x9qr4"."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def normalise(code: str) -> str:
    """As the person may type it: spaces, capitals and the hyphen left out are all accepted."""
    code = "".join(code.split()).lower()
    if len(code) == 10 and "-" not in code:
        code = f"{code[:5]}-{code[5:]}"
    return code


def digest(device_id: int, code: str, secret: str | bytes | None = None) -> str:
    """The stored form of `code` on device `device_id`: "$" and 15 characters (90 bits)."""
    mac = salted_hmac(KEY_SALT, f"{device_id}:{normalise(code)}", secret=secret, algorithm="sha256").digest()
    return MARK + base64.urlsafe_b64encode(mac).decode()[:15]


def is_digest(token: str) -> bool:
    return token.startswith(MARK)


def store(device: StaticDevice, codes: list[str]) -> None:
    StaticToken.objects.bulk_create([StaticToken(device=device, token=digest(device.pk, code)) for code in codes])


def _candidates(device_id: int, code: str) -> list[str]:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [digest(device_id, code, secret=key) for key in keys]


def spend(device: StaticDevice, code: str) -> bool:
    """Use one code of the device: True once per code. A failure counts towards django-otp's
    growing wait (`verify_is_allowed`), a success resets it, as its own `verify_token` does."""
    allowed, _why = device.verify_is_allowed()
    if not allowed:
        return False
    wanted = _candidates(device.pk, code)
    for token in StaticToken.objects.filter(device=device).order_by("pk"):
        matches = any(constant_time_compare(token.token, candidate) for candidate in wanted)
        if matches and StaticToken.objects.filter(pk=token.pk).delete()[0]:
            device.throttle_reset(commit=False)
            device.set_last_used_timestamp(commit=False)
            device.save()
            return True
    device.throttle_increment()
    return False


def hash_clear_tokens(token_model: Any) -> int:
    """Replace every code still stored in clear by its digest (the data migration; idempotent)."""
    changed = []
    for token in token_model.objects.all().only("pk", "device_id", "token"):
        if not is_digest(token.token):
            token.token = digest(token.device_id, token.token)
            changed.append(token)
    token_model.objects.bulk_update(changed, ["token"], batch_size=500)
    return len(changed)
