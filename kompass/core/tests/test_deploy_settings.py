"""The documented production settings pass Django's deployment checks (docs/security.md S1).

The environment is read from the block in docs/operations.md, so the documentation and the test
cannot drift apart. Each check runs in a subprocess: settings are read once, at start.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def documented_production_environment() -> dict[str, str]:
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    block = re.search(r"For production at least:\s*```\n(.*?)```", text, re.S)
    assert block, "docs/operations.md lost its block of production settings"
    env = dict(line.split("=", 1) for line in block.group(1).splitlines() if "=" in line)
    assert env["DJANGO_SECRET_KEY"].startswith("<"), "the documented key is a placeholder"
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    return env


def run(args: list[str], extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # Only the documented variables; they win over a .env in the checkout (kompass/core/env.py).
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", str(ROOT))}
    env |= documented_production_environment() | (extra or {})
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_check_deploy_is_clean_with_the_documented_production_settings() -> None:
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_check_fails_when_a_production_setting_is_missing() -> None:
    # The test can fail: without TLS settings Django's own checks warn, and the exit code says so.
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], {"DJANGO_SECURE": "false"})
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W012" in result.stderr


PRINT_COOKIES = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in (
    "SESSION_COOKIE_NAME", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_PATH", "SESSION_COOKIE_DOMAIN", "CSRF_COOKIE_NAME", "CSRF_COOKIE_SECURE", "CSRF_COOKIE_PATH",
    "CSRF_COOKIE_DOMAIN", "CSRF_USE_SESSIONS", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD")}))
"""


def production_settings() -> dict[str, object]:
    result = run(["-c", PRINT_COOKIES], {"DJANGO_SETTINGS_MODULE": "kompass.settings"})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_cookies_carry_the_host_prefix_and_its_conditions() -> None:
    s = production_settings()
    # `__Host-` is accepted by browsers only with Secure, Path=/ and no Domain.
    assert s["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert s["SESSION_COOKIE_SECURE"] is True and s["SESSION_COOKIE_PATH"] == "/" and s["SESSION_COOKIE_DOMAIN"] is None
    assert s["SESSION_COOKIE_HTTPONLY"] is True and s["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert s["CSRF_USE_SESSIONS"] is False, "with the token in the session the CSRF cookie would not exist"
    assert s["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert s["CSRF_COOKIE_SECURE"] is True and s["CSRF_COOKIE_PATH"] == "/" and s["CSRF_COOKIE_DOMAIN"] is None
    assert s["SECURE_HSTS_SECONDS"] >= 31536000 and s["SECURE_HSTS_PRELOAD"] is True
