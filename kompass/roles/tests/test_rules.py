"""Each role-check rule, positive and negative, on in-memory objects (no database needed)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from itertools import count

import pytest

from kompass.org.models import OrgUnit, OrgUnitType, Person
from kompass.roles import rules
from kompass.roles.models import ActivityTemplate, Assignment, RaciCell, Role

TODAY = datetime.date(2026, 11, 27)
_ids = count(1)


def unit(code: str, unit_type: str, parent: OrgUnit | None = None) -> OrgUnit:
    pk = next(_ids)
    u = OrgUnit(pk=pk, kommune_id=1, code=code, name=f"Einheit {code}", unit_type=unit_type, is_active=True)
    u.path = f"{parent.path if parent else ''}{pk}/"
    u.depth = parent.depth + 1 if parent else 0
    return u


def person(name: str, org_unit: OrgUnit | None = None) -> Person:
    p = Person(pk=next(_ids), kommune_id=1, first_name=name, last_name="Test", email=f"{name}@x.de")
    p.org_unit = org_unit
    return p


def role(key: str, *markers: str, not_filled: bool = False) -> Role:
    return Role(
        pk=next(_ids),
        kommune_id=1,
        key=key,
        name=key.upper(),
        markers=list(markers),
        is_active=True,
        not_filled=not_filled,
        not_filled_reason="Grund" if not_filled else "",
    )


def assign(
    p: Person,
    r: Role,
    share: int = 10,
    *,
    unit_: OrgUnit | None = None,
    until: datetime.date | None = None,
    deputy: Person | None = None,
    approved: Person | None = None,
) -> Assignment:
    a = Assignment(
        pk=next(_ids), kommune_id=1, time_share=Decimal(share), valid_from=datetime.date(2025, 1, 1), valid_until=until
    )
    a.person, a.role, a.org_unit = p, r, unit_
    a.deputy, a.approved_by = deputy, approved
    return a


def data(roles_=(), current=(), past=(), activities=(), cells=(), units=()) -> rules.CheckData:
    return rules.CheckData(
        today=TODAY,
        roles=list(roles_),
        current=list(current),
        recent_past=list(past),
        activities=list(activities),
        cells=list(cells),
        units=list(units),
    )


def activity(name: str) -> ActivityTemplate:
    return ActivityTemplate(pk=next(_ids), key=name, name=name, confidence="abgeleitet", version="1")


def cell(a: ActivityTemplate, r: Role, letter: str) -> RaciCell:
    return RaciCell(kommune_id=1, activity=a, role=r, letter=letter)


# --- RACI ------------------------------------------------------------------------------------


def test_activity_with_one_a_and_one_r_passes():
    act, hvb, cdo = activity("Strategie"), role("hvb"), role("cdo")
    assert (
        rules.rule_raci_one_accountable(
            data([hvb, cdo], activities=[act], cells=[cell(act, hvb, "A"), cell(act, cdo, "R")])
        )
        == []
    )


@pytest.mark.parametrize("letters", [("R",), ("A", "A", "R"), ("A", "C")])
def test_activity_without_exactly_one_a_or_without_r_is_an_error(letters):
    act = activity("Strategie")
    roles_ = [role(f"r{i}") for i in range(len(letters))]
    findings = rules.rule_raci_one_accountable(
        data(roles_, activities=[act], cells=[cell(act, r, letter) for r, letter in zip(roles_, letters, strict=True)])
    )
    assert len(findings) == 1 and findings[0].severity == rules.ERROR
    assert "Genau ein A" in findings[0].explanation
    assert "Allgemeine RACI-Konvention" in findings[0].source and "KGSt-Bericht 6/2017" in findings[0].source
    assert "9/2016" not in findings[0].source and findings[0].confidence == rules.ABGELEITET


def test_cells_of_inactive_roles_do_not_count():
    act, hvb, cdo = activity("Strategie"), role("hvb"), role("cdo")
    hvb.is_active = False
    findings = rules.rule_raci_one_accountable(
        data([hvb, cdo], activities=[act], cells=[cell(act, hvb, "A"), cell(act, cdo, "R")])
    )
    assert findings and "0 verantwortliche" in findings[0].explanation


# --- core roles ------------------------------------------------------------------------------


def _core_roles():
    return [role(m, m, "core") for m in rules.CORE_MARKERS]


def test_core_roles_filled_pass():
    roles_ = _core_roles()
    p = person("Ada")
    assert rules.rule_core_roles_filled(data(roles_, current=[assign(p, r) for r in roles_])) == []


def test_unfilled_core_role_is_an_error_unless_marked_deliberately_not_filled():
    roles_ = _core_roles()
    p = person("Ada")
    current = [assign(p, r) for r in roles_ if not r.has_marker("isb")]
    findings = rules.rule_core_roles_filled(data(roles_, current=current))
    assert [f.rule for f in findings] == ["kernrolle.isb"]
    roles_[2].not_filled, roles_[2].not_filled_reason = True, "über den Kreis abgedeckt"
    assert roles_[2].has_marker("isb")
    assert rules.rule_core_roles_filled(data(roles_, current=current)) == []


def test_missing_core_role_in_the_model_is_reported():
    findings = rules.rule_core_roles_filled(data([]))
    assert {f.rule for f in findings} == {f"kernrolle.{m}" for m in rules.CORE_MARKERS}


def test_a_missing_cdo_is_a_warning_while_cio_isb_and_dsb_stay_errors():
    """Severity follows the source: no source makes a CDO mandatory; DSGVO, BSI and KGSt name the others."""
    findings = {f.rule: f for f in rules.rule_core_roles_filled(data(_core_roles()))}
    assert {rule: (f.severity, f.confidence) for rule, f in findings.items()} == {
        "kernrolle.cdo": (rules.WARNING, rules.ABGELEITET),
        "kernrolle.cio": (rules.ERROR, rules.BELEGT),
        "kernrolle.isb": (rules.ERROR, rules.BELEGT),
        "kernrolle.dsb": (rules.ERROR, rules.BELEGT),
    }
    assert "keine Pflicht" in findings["kernrolle.cdo"].source and "BMWK" in findings["kernrolle.cdo"].source
    assert "empfohlen, aber nicht vorgeschrieben" in findings["kernrolle.cdo"].explanation
    assert "Art. 37" in findings["kernrolle.dsb"].source and "ISMS.1.A4" in findings["kernrolle.isb"].source
    assert "9/2016" in findings["kernrolle.cio"].source


def test_the_severity_follows_the_marker_not_the_role_name():
    """An own role marked CDO is treated as the CDO (a warning); an own role marked DSB as the DSB (an error)."""
    own_cdo, own_dsb = role("digitalbeauftragte", "cdo"), role("datenschutz", "dsb")
    findings = {f.rule: f.severity for f in rules.rule_core_roles_filled(data([own_cdo, own_dsb]))}
    assert findings["kernrolle.cdo"] == rules.WARNING and findings["kernrolle.dsb"] == rules.ERROR


def _own_cdo_beside_the_catalogue_cdo():
    """The catalogue CDO plus the Kommune's own "Digitalisierungsbeauftragte(r)" marked as CDO."""
    roles_ = _core_roles()
    catalogue_cdo = roles_[0]
    own = role("digitalisierungsbeauftragte", "cdo")
    own.name = "Digitalisierungsbeauftragte(r)"
    p = person("Ada")
    current = [assign(p, r) for r in roles_ if r is not catalogue_cdo] + [assign(p, own)]
    return [*roles_, own], catalogue_cdo, own, current


def test_own_role_marked_cdo_and_filled_fills_the_core_role_and_the_unfilled_catalogue_cdo_gets_a_hint():
    roles_, catalogue_cdo, _own, current = _own_cdo_beside_the_catalogue_cdo()
    assert catalogue_cdo.has_marker("cdo") and not catalogue_cdo.not_filled
    findings = rules.rule_core_roles_filled(data(roles_, current=current))
    assert [f.rule for f in findings if f.severity == rules.ERROR] == []
    [hint] = findings
    assert (hint.rule, hint.severity) == ("kernrolle.cdo.weitere", rules.NOTE)
    assert hint.title == "Die Rolle „CDO“ trägt ebenfalls die Markierung CDO und ist unbesetzt"
    assert "weil „Digitalisierungsbeauftragte(r)“ besetzt ist" in hint.explanation
    assert hint.fix == ("roles:role_detail", {"pk": catalogue_cdo.pk})


def test_a_further_cdo_role_deliberately_not_filled_or_inactive_gets_no_hint():
    roles_, catalogue_cdo, _own, current = _own_cdo_beside_the_catalogue_cdo()
    catalogue_cdo.not_filled, catalogue_cdo.not_filled_reason = True, "Eigene Digitalisierungsbeauftragte"
    assert rules.rule_core_roles_filled(data(roles_, current=current)) == []
    catalogue_cdo.not_filled, catalogue_cdo.is_active = False, False
    assert rules.rule_core_roles_filled(data(roles_, current=current)) == []


def test_a_deliberately_unfilled_cdo_does_not_excuse_another_unfilled_role_marked_cdo():
    roles_, catalogue_cdo, own, current = _own_cdo_beside_the_catalogue_cdo()
    catalogue_cdo.not_filled, catalogue_cdo.not_filled_reason = True, "Eigene Digitalisierungsbeauftragte"
    without_own = [a for a in current if a.role is not own]
    [warning] = rules.rule_core_roles_filled(data(roles_, current=without_own))
    assert (warning.rule, warning.severity) == ("kernrolle.cdo", rules.WARNING)
    assert warning.fix == ("roles:role_detail", {"pk": own.pk})
    own.not_filled, own.not_filled_reason = True, "Aufgabe beim Kreis"
    assert rules.rule_core_roles_filled(data(roles_, current=without_own)) == []


# --- Lotsen ----------------------------------------------------------------------------------


def _org():
    top = unit("VV", OrgUnitType.VERWALTUNGSVORSTAND)
    fb1 = unit("1", OrgUnitType.FACHBEREICH, top)
    amt = unit("10", OrgUnitType.AMT, fb1)
    sg = unit("10.1", OrgUnitType.SACHGEBIET, amt)
    fb2 = unit("2", OrgUnitType.FACHBEREICH, top)
    return top, fb1, amt, sg, fb2


def test_lotse_in_a_sachgebiet_covers_its_amt_and_fachbereich():
    top, fb1, amt, sg, fb2 = _org()
    lotse = role("lotse", "lotse")
    a = assign(person("Lena", sg), lotse)
    cov = rules.lotse_coverage(data([lotse], current=[a], units=[top, fb1, amt, sg, fb2]))
    covered = {u.code for u, lotsen in cov.units if lotsen}
    assert covered == {"1", "10"} and cov.percent == 67
    findings = rules.rule_lotse_coverage(data([lotse], current=[a], units=[top, fb1, amt, sg, fb2]))
    assert [f.title for f in findings] == ["Ohne Digitale Lotsin oder Digitalen Lotsen: 2 Einheit 2"]
    assert "67 %" in findings[0].explanation
    assert "Konstanz" in findings[0].source and "KGSt" not in findings[0].source
    assert (findings[0].severity, findings[0].confidence) == (rules.WARNING, rules.BELEGT)


def test_assignment_unit_wins_over_the_persons_own_unit():
    _top, fb1, _amt, sg, fb2 = _org()
    lotse = role("lotse", "lotse")
    a = assign(person("Lena", sg), lotse, unit_=fb2)
    cov = rules.lotse_coverage(data([lotse], current=[a], units=[fb1, fb2]))
    assert {u.code for u, lotsen in cov.units if lotsen} == {"2"}


def test_full_coverage_has_no_findings():
    top, fb1, amt, sg, fb2 = _org()
    lotse = role("lotse", "lotse")
    current = [assign(person("A", amt), lotse), assign(person("B", fb2), lotse)]
    assert rules.rule_lotse_coverage(data([lotse], current=current, units=[top, fb1, amt, sg, fb2])) == []


def test_lotse_needs_time_share_and_approval():
    lotse, boss = role("lotse", "lotse"), person("Chefin")
    good = assign(person("A"), lotse, 10, approved=boss)
    no_time = assign(person("B"), lotse, 0, approved=boss)
    no_ok = assign(person("C"), lotse, 10)
    findings = rules.rule_lotse_time_and_approval(data([lotse], current=[good, no_time, no_ok]))
    assert [f.rule for f in findings] == ["lotsen.zeitanteil", "lotsen.freigabe"]
    assert "kein Zeitanteil" in findings[0].title and "Freigabe" in findings[1].title


def test_the_time_share_rests_on_kehl_and_the_approval_is_derived():
    """Each part of the Lotsen rule names its own backing: the fixed quota Kehl's survey, the approval ours."""
    lotse = role("lotse", "lotse")
    both = assign(person("B"), lotse, 0)
    time_share, approval = rules.rule_lotse_time_and_approval(data([lotse], current=[both]))
    assert (time_share.confidence, approval.confidence) == (rules.BELEGT, rules.ABGELEITET)
    assert "Hochschule Kehl" in time_share.source and "Zeitkontingente" in time_share.source
    assert approval.source.startswith("abgeleitet") and "Kehl" not in approval.source


# --- overload --------------------------------------------------------------------------------


def test_person_above_100_percent_is_listed_with_roles():
    p, r1, r2 = person("Max"), role("a"), role("b")
    findings = rules.rule_person_overload(data([r1, r2], current=[assign(p, r1, 70), assign(p, r2, 50)]))
    assert len(findings) == 1 and "120 %" in findings[0].title
    assert "A 70 %" in findings[0].explanation and "B 50 %" in findings[0].explanation


def test_overload_lists_the_roles_in_role_order_whatever_order_the_database_returns():
    p, r1, r2 = person("Max"), role("a"), role("b")
    r1.position, r2.position = 2, 1
    first, second = assign(p, r1, 70), assign(p, r2, 50)
    forward = rules.rule_person_overload(data([r1, r2], current=[first, second]))
    backward = rules.rule_person_overload(data([r1, r2], current=[second, first]))
    assert forward == backward
    assert "B 50 %; A 70 %" in forward[0].explanation and forward[0].fix == ("roles:assignment_edit", {"pk": second.pk})


def test_exactly_100_percent_is_fine():
    p, r1, r2 = person("Max"), role("a"), role("b")
    assert rules.rule_person_overload(data([r1, r2], current=[assign(p, r1, 60), assign(p, r2, 40)])) == []


# --- conflicts -------------------------------------------------------------------------------


@pytest.mark.parametrize("other", ["hvb", "cio"])
def test_dsb_who_is_also_the_administrations_or_its_leadership_is_a_conflict_to_check(other):
    p, dsb, second = person("Dora"), role("dsb", "dsb"), role(other, other)
    [finding] = rules.rule_dsb_conflict(data([dsb, second], current=[assign(p, dsb), assign(p, second)]))
    assert (finding.severity, finding.confidence) == (rules.WARNING, rules.BELEGT)
    assert finding.title.startswith("Interessenkonflikt prüfen: Dora Test ist DSB und ")
    assert "im Einzelfall" in finding.explanation and "Prüfen Sie" in finding.explanation
    assert "38 Abs. 6" in finding.source and "C-453/21" in finding.source and "WP 243 rev.01" in finding.source


@pytest.mark.parametrize(("other", "label"), [("it_betrieb", "Leitung IT-Betrieb"), ("personal", "Personalleitung")])
def test_dsb_in_it_operations_or_hr_is_a_conflict_only_for_the_head_of_the_unit(other, label):
    """The guidelines name the head of IT and the head of HR, not every member of those units."""
    unit_ = unit("11", OrgUnitType.AMT)
    dsb, second = role("dsb", "dsb"), role(other, other)
    clerk, head = person("Karl", unit_), person("Hanna", unit_)
    unit_.head = head
    clerk_data = data([dsb, second], current=[assign(clerk, dsb), assign(clerk, second)])
    assert rules.rule_dsb_conflict(clerk_data) == []
    [finding] = rules.rule_dsb_conflict(data([dsb, second], current=[assign(head, dsb), assign(head, second)]))
    assert finding.title == f"Interessenkonflikt prüfen: Hanna Test ist DSB und {label}"


def test_the_unit_the_role_is_held_for_decides_who_leads_it():
    """The head of the Hauptamt holding the HR role for the Personalamt is no Personalleitung; the
    Personalamt's head holding it without a unit (her own unit) is."""
    haupt, personalamt = unit("10", OrgUnitType.AMT), unit("11", OrgUnitType.AMT)
    dsb, hr = role("dsb", "dsb"), role("personal", "personal")
    boss, hr_head = person("Bert", haupt), person("Hanna", personalamt)
    haupt.head, personalamt.head = boss, hr_head
    for_other_unit = [assign(boss, dsb), assign(boss, hr, unit_=personalamt)]
    assert rules.rule_dsb_conflict(data([dsb, hr], current=for_other_unit)) == []
    own_unit = [assign(hr_head, dsb), assign(hr_head, hr)]
    assert len(rules.rule_dsb_conflict(data([dsb, hr], current=own_unit))) == 1


def test_a_dsb_in_several_leading_roles_gets_one_finding_naming_them_all():
    p, dsb, hvb, cio = person("Dora"), role("dsb", "dsb"), role("hvb", "hvb"), role("cio", "cio")
    [finding] = rules.rule_dsb_conflict(data([dsb, hvb, cio], current=[assign(p, r) for r in (dsb, hvb, cio)]))
    assert (
        finding.title == "Interessenkonflikt prüfen: Dora Test ist DSB und Verwaltungsleitung (HVB), IT-Leitung (CIO)"
    )


def test_dsb_with_a_lotse_role_is_no_conflict():
    p, dsb, lotse = person("Dora"), role("dsb", "dsb"), role("lotse", "lotse")
    assert rules.rule_dsb_conflict(data([dsb, lotse], current=[assign(p, dsb), assign(p, lotse)])) == []


def test_different_people_in_dsb_and_hvb_are_fine():
    dsb, hvb = role("dsb", "dsb"), role("hvb", "hvb")
    assert rules.rule_dsb_conflict(data([dsb, hvb], current=[assign(person("A"), dsb), assign(person("B"), hvb)])) == []


def test_isb_in_it_operations_is_a_warning_citing_the_separation_of_functions():
    p, isb, ops = person("Ina"), role("isb", "isb"), role("it", "it_betrieb")
    [finding] = rules.rule_isb_not_it_operations(data([isb, ops], current=[assign(p, isb), assign(p, ops)]))
    assert (finding.severity, finding.confidence) == (rules.WARNING, rules.ABGELEITET)
    assert finding.title == "Ina Test ist ISB und arbeitet im IT-Betrieb"
    assert "ORP.1.A4" in finding.source and "ISMS.1" not in finding.source
    assert rules.rule_isb_not_it_operations(data([isb, ops], current=[assign(p, isb), assign(person("X"), ops)])) == []


def test_isb_who_heads_it_operations_is_named_as_its_leitung():
    it_unit = unit("10.2", OrgUnitType.ABTEILUNG)
    head, isb, ops = person("Ina", it_unit), role("isb", "isb"), role("it", "it_betrieb")
    it_unit.head = head
    [finding] = rules.rule_isb_not_it_operations(data([isb, ops], current=[assign(head, isb), assign(head, ops)]))
    assert finding.title == "Ina Test ist ISB und leitet den IT-Betrieb"


def test_cdo_and_isb_in_one_person_is_flagged_without_a_cio():
    """The Lüchow-Dannenberg case: the CDO is also ISB; no CIO role involved."""
    p, cdo, isb = person("Sabine"), role("cdo", "cdo"), role("isb", "isb")
    [finding] = rules.rule_role_bundling(data([cdo, isb], current=[assign(p, cdo), assign(p, isb)]))
    assert (finding.rule, finding.severity, finding.confidence) == (
        "buendelung.cdo_isb",
        rules.WARNING,
        rules.ABGELEITET,
    )
    assert finding.title == "Sabine Test ist zugleich CDO und ISB"
    assert "Lüchow-Dannenberg" in finding.source and "Lüchow-Dannenberg" in finding.explanation


def test_each_bundled_pair_has_its_own_finding_and_reason_and_cdo_with_cio_is_not_flagged():
    p = person("Ulla")
    cdo, cio, isb = role("cdo", "cdo"), role("cio", "cio"), role("isb", "isb")
    all_three = rules.rule_role_bundling(data([cdo, cio, isb], current=[assign(p, r) for r in (cdo, cio, isb)]))
    assert [f.rule for f in all_three] == ["buendelung.cdo_isb", "buendelung.cio_isb"]
    assert all_three[0].explanation != all_three[1].explanation and all_three[0].source != all_three[1].source
    assert rules.rule_role_bundling(data([cdo, cio], current=[assign(p, cdo), assign(p, cio)])) == []
    apart = [assign(p, cdo), assign(p, cio), assign(person("Z"), isb)]
    assert rules.rule_role_bundling(data([cdo, cio, isb], current=apart)) == []


# --- placement, expiry, deputies -------------------------------------------------------------


def test_cdo_deep_in_the_line_gets_a_derived_hint_worded_as_a_question():
    top, fb1, amt, sg, fb2 = _org()
    stab = unit("DIG", OrgUnitType.STABSSTELLE, top)
    cdo = role("cdo", "cdo")
    units = [top, fb1, amt, sg, fb2, stab]
    assert rules.rule_cdo_placement(data([cdo], current=[assign(person("C", stab), cdo)], units=units)) == []
    [hint] = rules.rule_cdo_placement(data([cdo], current=[assign(person("C", amt), cdo)], units=units))
    assert (hint.severity, hint.confidence) == (rules.NOTE, rules.ABGELEITET)
    assert hint.title == "Nah genug an der Verwaltungsspitze? CDO C Test ist in 10 Einheit 10 verortet"
    assert "?" in hint.explanation and "Fachabteilung" in hint.explanation
    assert "BMWK" in hint.source and "abgeleitet" in hint.source


def test_assignment_ending_within_60_days_is_reported_later_ones_not():
    r = role("lotse", "lotse")
    soon = assign(person("A"), r, until=TODAY + datetime.timedelta(days=30))
    later = assign(person("B"), r, until=TODAY + datetime.timedelta(days=90))
    findings = rules.rule_assignment_expiry(data([r], current=[soon, later]))
    assert [f.rule for f in findings] == ["zuordnung.endet"]


def test_recently_expired_assignment_without_successor_is_reported_once():
    r = role("dsb", "dsb")
    old = assign(person("A"), r, until=TODAY - datetime.timedelta(days=10))
    findings = rules.rule_assignment_expiry(data([r], past=[old, old]))
    assert [f.rule for f in findings] == ["zuordnung.abgelaufen"]
    successor = assign(person("B"), r)
    assert rules.rule_assignment_expiry(data([r], current=[successor], past=[old])) == []


def test_key_role_without_deputy_is_a_warning():
    cdo, lotse = role("cdo", "cdo"), role("lotse", "lotse")
    with_deputy = assign(person("A"), cdo, deputy=person("B"))
    assert rules.rule_key_roles_deputy(data([cdo], current=[with_deputy])) == []
    findings = rules.rule_key_roles_deputy(
        data([cdo, lotse], current=[assign(person("C"), cdo), assign(person("D"), lotse)])
    )
    assert len(findings) == 1 and "CDO" in findings[0].title
    assert "ORP.2.A3" in findings[0].source and findings[0].confidence == rules.BELEGT


def test_run_checks_gives_every_finding_a_confidence_the_rules_own_unless_the_finding_names_one():
    p, dsb, hvb = person("Dora"), role("dsb", "dsb"), role("hvb", "hvb")
    old = assign(person("A"), hvb, until=TODAY - datetime.timedelta(days=10))
    findings = rules.run_checks(data([dsb, hvb], current=[assign(p, dsb), assign(p, hvb, until=TODAY)], past=[old]))
    assert findings and all(f.confidence in rules.CONFIDENCES for f in findings)
    by_rule = {f.rule: f.confidence for f in findings}
    assert by_rule["konflikt.dsb"] == rules.BELEGT  # named by the finding
    assert rules.rule_assignment_expiry(data([hvb], current=[assign(p, hvb, until=TODAY)]))[0].confidence is None
    assert by_rule["zuordnung.endet"] == rules.ABGELEITET  # the rule's


def test_run_checks_sorts_errors_first():
    p, dsb, hvb = person("Dora"), role("dsb", "dsb"), role("hvb", "hvb")
    findings = rules.run_checks(data([dsb, hvb], current=[assign(p, dsb), assign(p, hvb, until=TODAY)]))
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, key=rules.SEVERITY_ORDER.get)
    assert rules.ERROR in severities and rules.WARNING in severities and rules.NOTE not in severities


def test_percent_is_german():
    assert rules.percent(Decimal("12.50")) == "12,5"
    assert rules.percent(Decimal("130.0")) == "130"
