"""The CDO walks the self-assessment from adopting the framework to the PDF report (issue 9).

Teststadt has the small test catalogue loaded, not adopted, and nine employees in the Hauptamt. The
administration, in Chromium and through the pages only: adopts the Orientierungsrahmen, creates a
campaign, leaves "Strategie" out of its questionnaire, invites the Mitarbeitenden with the CSV list
(the links are read from the downloaded file, as a mail merge would), and opens the campaign. One
respondent answers in a second browser through the public survey pages; five more submit through
the survey's services with their links from the file (k + 1 = 6 responses). The CDO closes the
campaign, reads the results (the k statement and a field), sets a Soll, accepts a recommendation
and downloads the PDF report, which `pdftotext` shows to hold a field and the k statement. Every
page on the way passes axe-core (WCAG 2.1 A/AA).
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from kompass.assessment import services as survey_services
from kompass.assessment.models import Campaign, CampaignItem, CampaignStatus, Recommendation, Response, Target
from kompass.factories import person
from kompass.framework.catalogue_loader import load_framework
from kompass.framework.models import Framework
from kompass.framework.tests.catalogue_fixture import write_catalogue
from kompass.ui.tests.browser.conftest import Browsing, assert_shell, axe_scan

FIELD = "Rollen und Verantwortung"
LEFT_OUT = "Strategie"
SHOTS = os.environ.get("KOMPASS_SCREENSHOTS")  # a folder: save screenshots of the pages for review


def check_page(page: Any, label: str) -> None:
    """Every page of the journey: the shell is complete and axe-core finds no violation."""
    assert_shell(page)
    axe_scan(page, label)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(Path(SHOTS) / f"assessment-{re.sub(r'[^a-z0-9]+', '-', label.lower())}.png"), full_page=True
        )


def main_text(page: Any) -> str:
    return str(page.locator("main").inner_text())


def nav_to(page: Any, link: str) -> None:
    """Follow a link of the main navigation."""
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    group = nav.locator("details").filter(has=page.get_by_text(link, exact=True))
    if group.count():  # the link sits in its module's group: open it first, as a user does
        group.locator("summary").click()
    with page.expect_navigation():
        nav.get_by_role("link", name=link, exact=True).click()


def click_link(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.locator("main").get_by_role("link", name=name, exact=True).first.click()


def press(page: Any, button: str) -> None:
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name=button, exact=True).first.click()


def fill_date(page: Any, name: str, day: datetime.date) -> None:
    """A date of Tag / Monat / Jahr."""
    page.fill(f"#id_{name}", str(day.day))
    page.fill(f"#id_{name}_monat", str(day.month))
    page.fill(f"#id_{name}_jahr", str(day.year))


def links_from_csv(content: bytes) -> list[str]:
    """The survey links of the mail-merge list (UTF-8 with BOM, `;`, the link in the last column)."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[-1].strip(), "the list names its columns"
    return [row[-1] for row in body if row]


def answer_in_browser(page: Any, link: str) -> None:
    """A respondent follows her link, answers every question with level 2 and submits."""
    page.goto(link)
    assert page.locator("h1").inner_text() == "Standortbestimmung Digitalisierung"
    check_page(page, "survey start")
    click_link(page, "Zur Umfrage")
    for number in range(1, 10):
        check_page(page, f"survey page {number}")
        for group in page.locator("main fieldset:has(input[type=radio])").all():
            group.locator("input[type=radio][value='2']").check()
        last = page.locator("main").get_by_role("button", name="Speichern und zur Übersicht", exact=True)
        if last.count():
            with page.expect_navigation():
                last.click()
            break
        press(page, "Speichern und weiter")
    assert page.locator("h1").inner_text() == "Übersicht und Absenden"
    check_page(page, "survey summary")
    press(page, "Antworten absenden")
    assert page.locator("h1").inner_text() == "Vielen Dank für Ihre Antworten"
    check_page(page, "survey thanks")


def test_the_cdo_runs_a_self_assessment_from_the_framework_to_the_report(
    admin_browsing: Browsing, tmp_path: Path
) -> None:
    world = admin_browsing.world
    kommune = world.kommune
    load_framework(write_catalogue(tmp_path / "fw"))
    for i in range(9):
        person(kommune, f"Mitarbeiterin{i}", "Hauptamt", world.hauptamt)
    page = admin_browsing.page
    today = datetime.date.today()

    # 1. Adopt the Orientierungsrahmen on its page.
    page.goto(admin_browsing.url("framework:overview", kommune_slug=kommune.slug))
    assert "noch nicht übernommen" in main_text(page)
    check_page(page, "framework before adoption")
    press(page, "Orientierungsrahmen übernehmen")
    assert Framework.objects.for_kommune(kommune).exists()
    assert FIELD in main_text(page)
    check_page(page, "framework adopted")

    # 2. Create a campaign.
    nav_to(page, "Umfragen")
    check_page(page, "campaign list")
    click_link(page, "Neue Umfrage")
    page.fill("#id_title", "Standortbestimmung Digitalisierung")
    fill_date(page, "starts_on", today)
    fill_date(page, "ends_on", today + datetime.timedelta(days=28))
    page.locator("#id_unit_depth_3").check()  # reported down to the Ämter
    check_page(page, "new campaign form")
    press(page, "Umfrage anlegen")
    campaign = Campaign.objects.for_kommune(kommune).get()
    assert page.locator("h1").inner_text() == "Standortbestimmung Digitalisierung"
    assert "wurde angelegt" in page.locator(".kk-messages").inner_text()
    check_page(page, "campaign draft")

    # 3. Choose the questionnaire: everything but the field "Strategie".
    click_link(page, "Fragebogen zusammenstellen")
    check_page(page, "questionnaire")
    page.locator("main summary", has_text=LEFT_OUT).click()
    page.locator("main details[open]").get_by_label("Alle (3 Kriterien)").uncheck()
    press(page, "Fragebogen speichern")
    asked = set(
        CampaignItem.objects.for_kommune(kommune).filter(campaign=campaign).values_list("field_name", flat=True)
    )
    assert LEFT_OUT not in asked and FIELD in asked and len(asked) == 2

    # 4. Invite the Mitarbeitenden with the list for a mail merge; the links are in the download.
    click_link(page, "Personen einladen")
    check_page(page, "invitations")
    page.locator("main fieldset", has_text="Zielgruppe").get_by_label("Mitarbeitende", exact=True).check()
    page.get_by_label("Als Liste für einen Serienbrief herunterladen (CSV)").check()
    with page.expect_download() as download_info:
        page.locator("main").get_by_role("button", name="Einladen", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    links = links_from_csv(Path(download.path()).read_bytes())
    k = campaign.k
    assert len(links) >= k + 1, f"{len(links)} links for k = {k}"
    assert all(f"/p/{kommune.slug}/umfrage/t/" in link for link in links)

    # 5. Open the campaign (the confirmation page, then the button).
    page.goto(admin_browsing.url("assessment:campaign_detail", kommune_slug=kommune.slug, pk=campaign.pk))
    click_link(page, "Umfrage öffnen")
    check_page(page, "open confirmation")
    press(page, "Umfrage öffnen")
    assert "Die Umfrage ist geöffnet" in page.locator(".kk-messages").inner_text()
    check_page(page, "campaign open")

    # 6. k + 1 respondents: one in her own browser, five more through the survey's services.
    answer_in_browser(admin_browsing.new_page(), links[0])
    for n, link in enumerate(links[1 : k + 1]):
        token = link.rstrip("/").rsplit("/", 1)[1]
        participant = survey_services.participant_for(token, kommune)
        items = CampaignItem.objects.for_kommune(kommune).filter(campaign=campaign).values_list("pk", flat=True)
        survey_services.submit(participant=participant, answers={item: 1 + (n + item) % 3 for item in items})
    assert Response.objects.for_kommune(kommune).filter(campaign=campaign).count() == k + 1

    # 7. Close the campaign and read the results.
    page.reload()
    click_link(page, "Umfrage schließen")
    check_page(page, "close confirmation")
    press(page, "Umfrage schließen")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    click_link(page, "Ergebnisse ansehen")
    results = main_text(page)
    assert f"k = {k};" in results, "the result page states k and how many groups are hidden"
    assert FIELD in results and LEFT_OUT not in results
    check_page(page, "results")
    results_url = page.url

    # 8. Set a Soll for the field on the Soll page.
    page.goto(admin_browsing.url("assessment:targets", kommune_slug=kommune.slug))
    check_page(page, "Soll-Profil")
    row = page.locator("#feld-rollen-verantwortung")
    assert "2,0" in row.inner_text(), "the Ist comes from the closed campaign (every answer 1 to 3)"
    with page.expect_navigation():
        row.get_by_role("link", name="Soll festlegen").click()
    page.select_option("#id_level", "4.0")
    page.select_option("#id_year", str(today.year + 2))
    page.select_option("#id_weight", "4")
    page.fill("#id_reason", "Beschluss des Verwaltungsvorstands zur Digitalstrategie")
    check_page(page, "Soll form")
    press(page, "Speichern")
    target = Target.objects.for_kommune(kommune).get(field__name=FIELD)
    assert (float(target.level), target.weight) == (4.0, 4)
    assert "4,0" in page.locator("#feld-rollen-verantwortung").inner_text()
    check_page(page, "Soll-Profil with a Soll")

    # 9. Accept the suggested measure for the field.
    page.goto(admin_browsing.url("assessment:recommendations", kommune_slug=kommune.slug))
    check_page(page, "recommendations")
    card = page.locator("main li.kern-card", has_text="Lotsen-Netzwerk aufbauen")
    card.locator("summary").click()
    with page.expect_navigation():
        card.get_by_role("button", name="Als Empfehlung übernehmen").click()
    assert "wurde als Empfehlung" in page.locator(".kk-messages").inner_text()
    taken = page.locator("main table", has=page.locator("#uebernommen-tabelle"))
    assert "Lotsen-Netzwerk aufbauen" in taken.inner_text()
    assert Recommendation.objects.for_kommune(kommune).get().field.name == FIELD
    check_page(page, "recommendation accepted")

    # 10. Download the PDF report from the result page.
    page.goto(results_url)
    with page.expect_download() as report_info:
        page.locator("main").get_by_role("link", name="Bericht als PDF").click()
    report = Path(report_info.value.path()).read_bytes()
    assert report.startswith(b"%PDF")
    if shutil.which("pdftotext"):  # poppler-utils, as for the role profile's PDF in test_cdo_journey
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=report, capture_output=True, check=True, timeout=60
        ).stdout.decode()
        assert FIELD in text
        assert f"k = {k};" in text, "the report states k and how many groups are hidden"
