"""The Rollen-Check through the API: findings with rule, source and fix link; the Lotsen coverage."""

from __future__ import annotations

from kompass.api.tests.helpers import BASE, ApiClient
from kompass.api.tests.roles.conftest import Scene, assert_no_sentinel
from kompass.conftest import World


def test_check_lists_findings_with_rule_source_and_fix_url_and_the_lotsen_coverage(
    scene: Scene, api: dict[str, ApiClient]
) -> None:
    response = api["reader"].get(f"{BASE}/rollen-check")
    assert response.status_code == 200
    body = response.json()
    assert body["has_model"] is True
    assert body["total"] == len(body["findings"]) == sum(body["counts"].values())
    rules = {f["rule"] for f in body["findings"]}
    assert {"kernrolle.cio", "kernrolle.isb", "lotsen.abdeckung", "lotsen.freigabe"} <= rules
    missing_cio = next(f for f in body["findings"] if f["rule"] == "kernrolle.cio")
    assert (missing_cio["severity"], missing_cio["severity_label"]) == ("fehler", "Fehler")
    assert missing_cio["confidence"] == "belegt"
    assert {f["confidence"] for f in body["findings"]} <= {"belegt", "abgeleitet"}
    assert missing_cio["source"] and missing_cio["explanation"].startswith("Regel")
    assert missing_cio["fix_url"] == f"/k/teststadt/rollen/{scene.roles['cio'].pk}/"
    coverage = body["lotsen_coverage"]
    assert (coverage["covered"], coverage["total"], coverage["percent"]) == (1, 2, 50)
    assert {u["code"]: u["lotsen"] for u in coverage["units"]} == {"10": 0, "32": 1}
    assert_no_sentinel(response)


def test_check_without_a_role_model_says_so(world: World, api: dict[str, ApiClient]) -> None:
    body = api["reader"].get(f"{BASE}/rollen-check").json()
    assert body["has_model"] is False
