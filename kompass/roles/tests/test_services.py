"""Catalogue loading, adoption and the read-side figures of the role pages (`kompass.roles.overview`)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from kompass.factories import person
from kompass.org.models import OrgUnit
from kompass.org.selectors import orgunit_tree
from kompass.roles import overview, rules, selectors, services
from kompass.roles.catalogue_loader import CATALOGUE_DIR, CatalogueFileError, load_catalogues
from kompass.roles.models import ActivityTemplate, Catalogue, CatalogueRole, RaciCell, Role, RoleModel, RoleRelation
from kompass.roles.tests.conftest import KGST_ROLES, Model, role_toml, write_catalogues

# --- loading ---------------------------------------------------------------------------------------


def test_loading_the_fixture_catalogues_twice_changes_nothing(db: Any, tmp_path: Path) -> None:
    directory = write_catalogues(tmp_path / "kat")
    first = load_catalogues(directory)
    counts = (Catalogue.objects.count(), CatalogueRole.objects.count(), ActivityTemplate.objects.count())
    second = load_catalogues(directory)
    assert sorted(first.loaded) == ["itplr-ekompetenz 2026.1", "kgst 2026.1"]
    assert second.loaded == [] and sorted(second.unchanged) == sorted(first.loaded)
    assert second.activities_created == second.activities_updated == 0
    assert (Catalogue.objects.count(), CatalogueRole.objects.count(), ActivityTemplate.objects.count()) == counts


def test_the_shipped_catalogues_load_idempotently(db: Any) -> None:
    if not any(CATALOGUE_DIR.glob("*.toml")):
        pytest.skip("no shipped catalogue files")
    load_catalogues()
    counts = (Catalogue.objects.count(), CatalogueRole.objects.count(), ActivityTemplate.objects.count())
    result = load_catalogues()
    assert result.loaded == []
    assert (Catalogue.objects.count(), CatalogueRole.objects.count(), ActivityTemplate.objects.count()) == counts
    keys = set(Catalogue.objects.values_list("key", flat=True))
    assert {"kgst", "itplr-ekompetenz"} <= keys


def test_a_changed_file_without_a_new_version_is_refused(db: Any, tmp_path: Path) -> None:
    directory = write_catalogues(tmp_path / "kat")
    load_catalogues(directory)
    changed = [role_toml(*KGST_ROLES[0], purpose="Heimlich geändert")] + [role_toml(*r) for r in KGST_ROLES[1:]]
    write_catalogues(directory, kgst_roles=changed)
    with pytest.raises(CatalogueFileError):
        load_catalogues(directory)


# --- adoption ------------------------------------------------------------------------------------


def test_adoption_copies_roles_relations_and_the_default_matrix(adopted: Model) -> None:
    k = adopted.world.kommune
    assert set(adopted.roles) == {spec[0] for spec in KGST_ROLES}
    assert all(r.catalogue_role is not None for r in adopted.roles.values())
    assert RoleRelation.objects.for_kommune(k).count() == 2
    assert RaciCell.objects.for_kommune(k).count() == 5


def test_a_second_adoption_is_refused_and_changes_nothing(adopted: Model, catalogues: dict[str, Catalogue]) -> None:
    k = adopted.world.kommune
    with pytest.raises(ValidationError):
        services.catalogue_adopt(kommune=k, actor=None, catalogue=catalogues["itplr-ekompetenz"])
    assert RoleModel.objects.for_kommune(k).count() == 1
    assert Role.objects.for_kommune(k).count() == len(KGST_ROLES)


# --- catalogue updates ---------------------------------------------------------------------------


def _load_version_two(tmp_path: Path) -> Catalogue:
    roles = []
    for spec in KGST_ROLES:
        if spec[0] == "partner":
            continue  # removed in 2026.2
        if spec[0] == "cdo":
            roles.append(role_toml(*spec, purpose="Neuer Zweck.", competences=["Kommunikation", "Datenkompetenz"]))
        else:
            roles.append(role_toml(*spec))
    roles.append(role_toml("datenlotse", "Datenlotse", "DL", "intern", []))
    load_catalogues(write_catalogues(tmp_path / "v2", kgst_version="2026.2", kgst_roles=roles))
    return Catalogue.objects.get(key="kgst", version="2026.2")


def test_versions_compare_numerically() -> None:
    assert overview.version_key(Catalogue(version="2026.10")) > overview.version_key(Catalogue(version="2026.9"))


def test_without_a_newer_version_there_is_nothing_to_update(adopted: Model) -> None:
    updates = overview.catalogue_updates(adopted.world.kommune, adopted.model.catalogue)
    assert updates.changed == [] and updates.new == [] and updates.removed == [] and updates.pending == 0
    assert {cr.key for cr, _taken in updates.others} == {"cio", "prozessmanager", "it_architekt"}
    assert {cr.key: taken for cr, taken in updates.others}["cio"] is True


def test_the_diff_names_changed_fields_new_and_removed_roles(adopted: Model, tmp_path: Path) -> None:
    _load_version_two(tmp_path)
    updates = overview.catalogue_updates(adopted.world.kommune, adopted.model.catalogue)
    assert [u.role.key for u in updates.changed] == ["cdo"]
    changes = {c.name: c for c in updates.changed[0].changes}
    assert set(changes) == {"purpose", "competences"}
    assert (changes["purpose"].old, changes["purpose"].new) == (
        "Zweck der Rolle Chief Digital Officer.",
        "Neuer Zweck.",
    )
    assert changes["competences"].added == ["Datenkompetenz"]
    assert changes["competences"].removed == ["Strategische Steuerung"]
    assert updates.changed[0].adapted is False
    assert [cr.key for cr in updates.new] == ["datenlotse"]
    assert [r.key for r in updates.removed] == ["partner"]
    assert updates.pending == 2


def test_taking_a_version_updates_one_role_and_leaves_the_others(adopted: Model, tmp_path: Path) -> None:
    k = adopted.world.kommune
    v2 = _load_version_two(tmp_path)
    cdo = adopted.roles["cdo"]
    source = overview.newest_catalogue_role(cdo)
    assert source is not None and source.catalogue == v2
    services.role_take_catalogue_version(kommune=k, actor=None, role=cdo, source=source)
    updates = overview.catalogue_updates(k, adopted.model.catalogue)
    assert updates.changed == []
    assert Role.objects.for_kommune(k).get(key="cio").catalogue_role.catalogue.version == "2026.1"
    assert Role.objects.for_kommune(k).get(key="cdo").purpose == "Neuer Zweck."


def test_the_diff_notices_the_kommunes_own_adaptations(adopted: Model, tmp_path: Path) -> None:
    _load_version_two(tmp_path)
    services.role_update(
        kommune=adopted.world.kommune, actor=None, role=adopted.roles["cdo"], data={"name": "CDO Teststadt"}
    )
    updates = overview.catalogue_updates(adopted.world.kommune, adopted.model.catalogue)
    assert updates.changed[0].adapted is True


# --- role status ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("active", "holders", "not_filled", "expected"),
    [
        (False, 2, False, "inaktiv"),
        (True, 1, False, "besetzt"),
        (True, 0, True, "bewusst_nicht_besetzt"),
        (True, 0, False, "unbesetzt"),
    ],
)
def test_role_status(active: bool, holders: int, not_filled: bool, expected: str) -> None:
    role = Role(is_active=active, not_filled=not_filled)
    assert overview.role_status(role, holders)[0] == expected


# --- checks and Lotsen ---------------------------------------------------------------------------


def test_fix_links_are_built_with_the_kommune_and_missing_pages_give_none() -> None:
    finding = rules.Finding("x", rules.ERROR, "T", "E", "S", ("roles:role_detail", {"pk": 7}))
    assert overview.fix_url(finding, "teststadt") == "/k/teststadt/rollen/7/"
    missing = rules.Finding("x", rules.ERROR, "T", "E", "S", ("roles:gibt_es_nicht", {}))
    assert overview.fix_url(missing, "teststadt") is None
    assert overview.fix_url(rules.Finding("x", rules.NOTE, "T", "E", "S"), "teststadt") is None


def test_check_summary_groups_findings_by_severity(adopted: Model) -> None:
    w = adopted.world
    adopted.assign(w.alice, "dsb", 10)
    adopted.assign(w.alice, "personal", 100)
    summary = overview.check_summary(w.kommune, w.kommune.slug)
    assert [s for s, _label, _items in summary.groups] == ["fehler", "warnung", "hinweis"]
    titles = [item.finding.title for item in summary.groups[0][2]]
    assert any("110 %" in t for t in titles)
    # Alice holds the HR role but does not head the Hauptamt: no Personalleitung, no conflict to check.
    assert not any("Interessenkonflikt" in f.title for f in rules.run_checks(selectors.check_data(w.kommune)))
    OrgUnit.objects.for_kommune(w.kommune).filter(pk=w.hauptamt.pk).update(head=w.alice)
    summary = overview.check_summary(w.kommune, w.kommune.slug)
    warnings = [item.finding.title for item in summary.groups[1][2]]
    assert "Interessenkonflikt prüfen: Alice Amtsleiterin ist DSB und Personalleitung" in warnings
    assert summary.total == sum(summary.counts.values()) and summary.has_model
    assert len(summary.top(3)) == 3


def test_lotsen_network_counts_time_fte_people_and_qualification(adopted: Model) -> None:
    w = adopted.world
    adopted.assign(w.bruno, "lotse", "12.5", qualification="aufbau")
    adopted.assign(w.bruno, "lotse", "7.5", org_unit=w.hauptamt)
    floating = person(w.kommune, "Stab", "Stelle", w.root)
    adopted.assign(floating, "lotse", 10)
    network = overview.lotsen_network(w.kommune)
    assert network.coverage.percent == 100 and network.coverage.covered == 2
    assert network.total_time == Decimal(30) and network.fte == Decimal("0.30")
    assert network.people == 2
    assert [a.person for a in network.outside] == [floating]
    assert {v: n for v, _l, n in network.qualification} == {
        "keine": 2,
        "geplant": 0,
        "grundlagen": 0,
        "aufbau": 1,
    }
    rows = {row.unit.code: row for row in network.rows}
    assert rows["32"].time_share == Decimal("12.5") and rows["10"].time_share == Decimal("7.5")


def test_ended_lotsen_do_not_count(adopted: Model) -> None:
    w = adopted.world
    adopted.assign(w.bruno, "lotse", 20, valid_from=datetime.date(2024, 1, 1), valid_until=datetime.date(2024, 12, 31))
    network = overview.lotsen_network(w.kommune)
    assert network.coverage.covered == 0 and network.total_time == 0


def _tree_nodes(kommune: Any) -> dict[str, Any]:
    roots = orgunit_tree(kommune)
    overview.attach_role_badges(kommune, roots)
    nodes, stack = {}, list(roots)
    while stack:
        node = stack.pop()
        nodes[node.unit.code] = node
        stack.extend(node.children)
    return nodes


def test_org_tree_shows_at_most_three_key_role_holders_and_links_the_rest(adopted: Model) -> None:
    w = adopted.world
    for key in ("cdo", "cio", "isb", "dsb", "lotse", "personal", "hvb", "rat"):
        adopted.assign(w.alice, key, 5)
    html = str(_tree_nodes(w.kommune)["10"].extra_html)
    assert html.count("kern-badge ") == 3
    assert "HVB/VV: Alice Amtsleiterin" in html and "CDO: Alice" in html and "CIO: Alice" in html
    assert "Rat:" not in html  # not a key role: counted in the link, not shown as a badge
    assert "und 5 weitere Rollen" in html and "?einheit=" in html


def test_org_tree_counts_assignments_of_units_without_key_roles(adopted: Model) -> None:
    w = adopted.world
    adopted.assign(w.bruno, "rat", 5)
    nodes = _tree_nodes(w.kommune)
    assert "1 Rollenzuordnung<" in str(nodes["32.1"].extra_html) and "kern-badge" not in str(nodes["32.1"].extra_html)


def test_org_tree_escapes_names_in_role_badges(adopted: Model) -> None:
    w = adopted.world
    w.alice.first_name = "<b>Alice"
    w.alice.save()
    adopted.assign(w.alice, "cdo", 5)
    html = str(_tree_nodes(w.kommune)["10"].extra_html)
    assert "&lt;b&gt;Alice" in html and "<b>" not in html


def test_lotsen_figures_from_the_reduced_data_match_the_full_check_data(adopted: Model) -> None:
    from kompass.roles import selectors

    w = adopted.world
    adopted.assign(w.bruno, "lotse", 20)
    adopted.assign(w.alice, "cdo", 50)
    adopted.assign(w.alice, "lotse", 5, org_unit=w.ordnungsamt)
    reduced = overview.lotsen_network(w.kommune)
    full = overview.lotsen_network(w.kommune, selectors.check_data(w.kommune))

    def figures(n: overview.LotsenNetwork) -> tuple[Any, ...]:
        return (n.coverage.percent, n.total_time, [(r.unit.pk, [a.pk for a in r.lotsen]) for r in n.rows], n.people)

    assert figures(reduced) == figures(full)
    assert all(a.role.has_marker("lotse") for a in reduced.lotsen)
