"""The person page with its roles, the unit list in natural order and a role profile with its
counts, as a browser shows them; axe-core on each (screenshots go to the pytest tmp dir)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from kompass.factories import orgunit, person
from kompass.org import services as org_services
from kompass.org.models import OrgUnitType
from kompass.roles import services
from kompass.roles.catalogue_loader import load_catalogues
from kompass.roles.models import Catalogue, Role
from kompass.roles.tests.conftest import write_catalogues
from kompass.ui.tests.browser.conftest import Browsing, axe_scan


def _prepare(browsing: Browsing, tmp_path: Path) -> dict[str, Role]:
    w = browsing.world
    k = w.kommune
    load_catalogues(write_catalogues(tmp_path / "catalogues"))
    services.catalogue_adopt(kommune=k, actor=None, catalogue=Catalogue.objects.get(key="kgst"))
    roles = {r.key: r for r in Role.objects.for_kommune(k)}
    for code in ("32.10", "32.2", "32.9"):
        orgunit(k, code, f"Sachgebiet {code}", OrgUnitType.SACHGEBIET, w.ordnungsamt)
    namesake = person(k, "Bruno", "Ordner", w.hauptamt, email="bruno.ordner2@teststadt.example")

    def assign(who: object, key: str, share: str, **extra: object) -> None:
        data = {"person": who, "role": roles[key], "time_share": Decimal(share), **extra}
        data.setdefault("valid_from", datetime.date(2025, 1, 1))
        services.assignment_create(kommune=k, actor=None, data=data)

    assign(w.bruno, "lotse", "20", org_unit=w.ordnungsamt, deputy=w.alice)
    assign(w.bruno, "lotse", "10", org_unit=w.sachgebiet)
    assign(namesake, "lotse", "15", org_unit=w.hauptamt, deputy=w.bruno)
    assign(w.bruno, "cio", "5", valid_from=datetime.date(2022, 1, 1), valid_until=datetime.date(2024, 6, 30))
    org_services.orgunit_update(kommune=k, actor=None, unit=w.sachgebiet, data={"head": w.bruno})
    return roles


def test_person_page_unit_list_and_role_profile(admin_browsing: Browsing, tmp_path: Path) -> None:
    roles = _prepare(admin_browsing, tmp_path)
    w = admin_browsing.world
    slug = w.kommune.slug
    page = admin_browsing.page

    page.goto(admin_browsing.url("org:person_detail", kommune_slug=slug, pk=w.bruno.pk))
    current = page.locator("#rollen-aktuell-caption")
    assert "2 aktuelle oder künftige Zuordnungen" in current.inner_text()
    assert "1 beendete Zuordnung" in page.locator("#rollen-frueher-caption").inner_text()
    assert "32.1 Gewerbe" in page.locator("section[aria-labelledby=leitet]").inner_text()
    axe_scan(page, "person page")
    page.screenshot(path=str(tmp_path / "person_page.png"), full_page=True)

    page.goto(admin_browsing.url("org:unit_list", kommune_slug=slug))
    codes = page.locator("tbody .kk-code").all_inner_texts()
    assert codes == ["10", "32", "32.1", "32.2", "32.9", "32.10", "D1", "VV"]
    axe_scan(page, "unit list")
    page.screenshot(path=str(tmp_path / "unit_list.png"), full_page=True)

    page.goto(admin_browsing.url("roles:role_detail", kommune_slug=slug, pk=roles["lotse"].pk))
    assert "3 Zuordnungen, 2 Personen" in page.locator("main").inner_text()
    holders = page.locator("#inhaber-caption").locator("xpath=..").inner_text()
    assert "bruno.ordner2@teststadt.example" in holders and "10 Hauptamt" in holders
    axe_scan(page, "role profile")
    page.screenshot(path=str(tmp_path / "role_profile.png"), full_page=True)
    print(f"screenshots in {tmp_path}")
