"""Issue 12, points 8 and 9: the overload rule knows the Beschäftigungsumfang and a Lotse role beside
a full post; IT steering held only by people of an external body is a finding (in memory, no database)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from kompass.org.models import EmployerKind, Person
from kompass.roles import rules
from kompass.roles.tests.test_rules import TODAY, assign, data, person, role


def part_time(name: str, percent: str) -> Person:
    p = person(name)
    p.employment_percent = Decimal(percent)
    return p


def external(name: str, body: str = "Rechenzentrum Süd") -> Person:
    p = person(name)
    p.employer_kind, p.employer_name = EmployerKind.EXTERNAL, body
    return p


# --- Beschäftigungsumfang ---------------------------------------------------------------------


def test_a_part_time_person_with_more_time_share_than_her_umfang_is_overloaded():
    p, r1, r2 = part_time("Tea", "50"), role("a"), role("b")
    findings = rules.rule_person_overload(data([r1, r2], current=[assign(p, r1, 40), assign(p, r2, 20)]))
    assert [(f.rule, f.severity) for f in findings] == [("person.ueberlastung", rules.ERROR)]
    assert findings[0].title == "Tea Test: 60 % Zeitanteil bei 50 % Beschäftigungsumfang"
    assert "A 40 %; B 20 %" in findings[0].explanation
    assert findings[0].confidence == rules.ABGELEITET


def test_a_part_time_person_within_her_umfang_is_fine_and_a_decimal_umfang_counts_exactly():
    p, r = part_time("Tea", "62.5"), role("a")
    assert rules.rule_person_overload(data([r], current=[assign(p, r, 62)])) == []
    over = assign(p, r, 63)
    assert rules.rule_person_overload(data([r], current=[over]))[0].title.endswith("bei 62,5 % Beschäftigungsumfang")


def test_a_lotse_role_beside_a_full_post_is_shown_as_such_not_as_overload():
    p, cio, lotse = person("Max"), role("cio", "cio"), role("lotse", "lotse")
    side = assign(p, lotse, 10)
    findings = rules.rule_person_overload(data([cio, lotse], current=[assign(p, cio, 100), side]))
    assert [(f.rule, f.severity) for f in findings] == [("person.lotse_zusaetzlich", rules.WARNING)]
    assert findings[0].title == "Max Test: Lotsenrolle neben voller Stelle: 10 % zusätzlich"
    assert "110" not in findings[0].title and "nicht freigestellt" in findings[0].explanation
    assert findings[0].fix == ("roles:assignment_edit", {"pk": side.pk})
    assert "Kehl" in findings[0].source and "abgeleitet" in findings[0].source


def test_a_lotse_role_beside_a_filled_part_time_post_names_the_umfang():
    p, other, lotse = part_time("Tea", "50"), role("a"), role("lotse", "lotse")
    findings = rules.rule_person_overload(data([other, lotse], current=[assign(p, other, 50), assign(p, lotse, 10)]))
    assert findings[0].title == "Tea Test: Lotsenrolle neben Teilzeitstelle (50 %): 10 % zusätzlich"


@pytest.mark.parametrize(
    ("umfang", "other_share", "lotse_shares"),
    [
        ("100", 110, [10]),  # the other roles alone are above the post
        ("100", 0, [60, 50]),  # Lotse roles of more than half the post are no side role
        ("50", 30, [30]),  # the same for a part-time post
    ],
)
def test_more_than_a_side_lotse_role_is_overload_again(umfang, other_share, lotse_shares):
    p, other, lotse = part_time("Max", umfang), role("a"), role("lotse", "lotse")
    current = [assign(p, lotse, share) for share in lotse_shares]
    if other_share:
        current.append(assign(p, other, other_share))
    findings = rules.rule_person_overload(data([other, lotse], current=current))
    assert [f.rule for f in findings] == ["person.ueberlastung"]


def test_the_load_states_at_their_edges():
    load = rules.PersonLoad
    assert load(Decimal(100), Decimal(100), Decimal(10)).state == rules.OK
    assert load(Decimal(100), Decimal(150), Decimal(50)).state == rules.LOTSE_EXTRA
    assert load(Decimal(100), Decimal("150.1"), Decimal("50.1")).state == rules.OVERLOAD
    assert load(Decimal(50), Decimal("50.1")).state == rules.OVERLOAD
    assert load(Decimal(100), Decimal(110), Decimal(10)).extra == Decimal(10)


# --- IT steering ------------------------------------------------------------------------------


def test_it_steering_held_only_by_external_people_is_an_error_citing_kgst_9_2016():
    cio, steering = role("cio", "cio"), role("it_steuerung", "it_steuerung")
    current = [assign(external("Eva"), cio), assign(external("Ole", "Zweckverband IT"), steering)]
    findings = rules.rule_it_steering_in_house(data([cio, steering], current=current))
    assert [(f.rule, f.severity, f.confidence) for f in findings] == [("it_steuerung.extern", rules.ERROR, "belegt")]
    finding = findings[0]
    assert finding.title == "Die IT-Steuerung liegt nur bei externen Stellen"
    assert "Eva Test (Rechenzentrum Süd) in der Rolle „CIO“" in finding.explanation
    assert "Ole Test (Zweckverband IT) in der Rolle „IT_STEUERUNG“" in finding.explanation
    assert "KGSt-Bericht 9/2016" in finding.source and "nicht ausgelagert" in finding.source
    assert finding.fix == ("roles:role_detail", {"pk": cio.pk})


@pytest.mark.parametrize("own_marker", ["cio", "it_steuerung"])
def test_one_holder_of_the_own_administration_is_enough(own_marker):
    cio, steering = role("cio", "cio"), role("it_steuerung", "it_steuerung")
    own_role = cio if own_marker == "cio" else steering
    other_role = steering if own_marker == "cio" else cio
    current = [assign(external("Eva"), other_role), assign(person("Ida"), own_role)]
    assert rules.rule_it_steering_in_house(data([cio, steering], current=current)) == []


def test_no_it_steering_holder_at_all_is_left_to_the_core_role_rule():
    cio = role("cio", "cio")
    assert rules.rule_it_steering_in_house(data([cio])) == []


def test_external_holders_of_other_roles_do_not_count():
    cio, partner = role("cio", "cio"), role("partner")
    current = [assign(person("Ida"), cio), assign(external("Eva"), partner)]
    assert rules.rule_it_steering_in_house(data([cio, partner], current=current)) == []
    only_partner = [assign(external("Eva"), partner)]
    assert rules.rule_it_steering_in_house(data([cio, partner], current=only_partner)) == []


def test_the_it_steering_rule_is_registered_and_its_marker_watched():
    assert rules.CHECK_RULES.get("it_steering_in_house") is not None
    assert "it_steuerung" in rules.WATCHED_MARKERS
    assert rules.group_title("person.lotse_zusaetzlich", 3) == "3 Lotsenrollen zusätzlich zur ausgefüllten Stelle"


def test_findings_about_one_person_name_the_role_in_its_singular_form():
    lotse = role("lotse", "lotse")
    lotse.name, lotse.name_singular = "Digitale Lotsinnen und Lotsen", "Digitale Lotsin oder Digitaler Lotse"
    ending = assign(person("Renate"), lotse, until=TODAY + datetime.timedelta(days=10))
    [finding] = rules.rule_assignment_expiry(data([lotse], current=[ending]))
    assert finding.title.startswith("Endet bald: Renate Test als Digitale Lotsin oder Digitaler Lotse am ")
