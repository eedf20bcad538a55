"""The second factor in the browser (docs/security.md A3): an Administration member must set up
TOTP right after the password, confirms it with a code computed here (RFC 6238, django-otp's
`totp`), sees her recovery codes once, logs in again with password and code, and a recovery code
works exactly once. The enrolment, the codes page and the step pass axe."""

from __future__ import annotations

import base64
import re
from typing import Any

from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kompass.ui.tests.browser.conftest import Browsing, assert_shell, axe_scan, login


def _code(secret: str) -> str:
    raw = secret.replace(" ", "")
    key = base64.b32decode(raw + "=" * (-len(raw) % 8))
    return f"{totp(key):06d}"


def _verify(page: Any, code: str) -> None:
    assert "/anmelden/bestaetigen/" in page.url
    page.fill("#id_code", code)
    with page.expect_navigation():
        page.locator("main form.kk-form button[type=submit]").click()


@override_settings(KOMPASS_MFA_REQUIRED=True)
def test_enrol_log_in_again_with_the_code_and_a_recovery_code_once(browsing: Browsing) -> None:
    world, page = browsing.world, browsing.page
    login(page, browsing.base, world.admin.username)
    assert "/konto/zweiter-faktor/einrichten/" in page.url
    assert_shell(page)
    axe_scan(page, "enrolment")
    secret = page.locator(".kk-secret").inner_text()
    page.fill("#id_code", _code(secret))
    with page.expect_navigation():
        page.locator("main form.kk-form button[type=submit]").click()
    assert "/konto/zweiter-faktor/codes/" in page.url
    axe_scan(page, "recovery codes")
    codes = re.findall(r"[a-z2-9]{5}-[a-z2-9]{5}", page.locator(".kk-recovery-codes").inner_text())
    assert len(codes) == 10
    with page.expect_navigation():
        page.get_by_role("button", name="Ich habe die Codes gesichert").click()
    axe_scan(page, "second factor overview")
    # The code of the enrolment is spent; as if the next one were due, for a fresh browser.
    TOTPDevice.objects.filter(user=world.admin).update(last_t=TOTPDevice.objects.get(user=world.admin).last_t - 1)

    again = browsing.new_page()
    login(again, browsing.base, world.admin.username)
    assert "/anmelden/bestaetigen/" in again.url
    assert_shell(again)
    again.fill("#id_code", "000000")
    with again.expect_navigation():
        again.locator("main form.kk-form button[type=submit]").click()
    assert "Der Code stimmt nicht" in again.locator("main").inner_text()
    axe_scan(again, "verification step with an error")
    StaticDevice.objects.filter(user=world.admin).update(throttling_failure_count=0)
    TOTPDevice.objects.filter(user=world.admin).update(throttling_failure_count=0)
    _verify(again, _code(secret))
    again.goto(browsing.url("ui:dashboard", kommune_slug=world.kommune.slug))
    assert "/k/teststadt/" in again.url

    recovery = browsing.new_page()
    login(recovery, browsing.base, world.admin.username)
    _verify(recovery, codes[0])
    assert "/anmelden/bestaetigen/" not in recovery.url
    spent = browsing.new_page()
    login(spent, browsing.base, world.admin.username)
    _verify(spent, codes[0])
    assert "/anmelden/bestaetigen/" in spent.url and "Der Code stimmt nicht" in spent.locator("main").inner_text()
