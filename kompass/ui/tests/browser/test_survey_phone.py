"""A respondent answers a survey on a phone (390 × 844) with the keyboard only (issue 9, X1, X2).

Teststadt adopts the small test framework (three fields of three criteria: three pages), invites
two people and opens the campaign. The respondent follows her personal link, reads the start page,
tabs to "Zur Umfrage", answers each question with Tab between the groups and the arrow keys or
Space within a group, saves page by page, submits from the summary and lands on the thank-you page.
axe-core scans every kind of survey page: start, questions (also with a field error), summary,
thank-you, the open link and the page for a used link. The pages also reflow at 320 px.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kompass.assessment import services
from kompass.assessment.models import Answer, Campaign, CampaignItem, Response
from kompass.factories import person
from kompass.framework.tests.catalogue_fixture import adopted_framework
from kompass.ui.tests.browser.conftest import Browsing, assert_focus_visible, assert_shell, axe_scan, focused

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def survey(browsing: Browsing, tmp_path: Any) -> tuple[Campaign, list[Any]]:
    world = browsing.world
    adopted_framework(world.kommune, tmp_path / "fw")
    campaign = services.campaign_create(
        kommune=world.kommune,
        actor=world.admin,
        data={
            "title": "Standortbestimmung 2026",
            "starts_on": "2026-01-10",
            "ends_on": "2026-02-10",
            "open_link_enabled": True,
            "unit_depth": 2,
        },
    )
    people = [person(world.kommune, f"P{i}", "Test", world.hauptamt) for i in range(2)]
    links = services.invite(
        kommune=world.kommune,
        actor=world.admin,
        campaign=campaign,
        people=people,
        audience="mitarbeitende",
        channel="brief",
    )
    return services.campaign_open(kommune=world.kommune, actor=world.admin, campaign=campaign), links


def survey_url(browsing: Browsing, name: str, token: str) -> str:
    return browsing.url(f"public:{name}", kommune_slug="teststadt", token=token)


def tab_to(page: Any, text: str, limit: int = 40) -> None:
    """Press Tab until the element named `text` has the focus (the keyboard way to reach it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page)["text"] == text:
            return
    raise AssertionError(f"{text!r} not reached by Tab on {page.url}")


def radio(page: Any) -> dict[str, Any]:
    return page.evaluate(
        "() => { const el = document.activeElement; return {type: el.type, name: el.name, value: el.value}; }"
    )


def answer_page_by_keyboard(page: Any, keys: list[list[str]]) -> list[str]:
    """For each question group: Tab into it (its first level), then press the keys; returns the
    chosen values."""
    chosen: list[str] = []
    previous = ""
    for group_keys in keys:
        for _ in range(40):
            page.keyboard.press("Tab")
            first = radio(page)
            if first["type"] == "radio" and first["name"] != previous:
                break
        assert first["value"] == "1", f"Tab leads to the first level of the next group: {first}"
        assert_focus_visible(focused(page))
        for key in group_keys:
            page.keyboard.press(key)
        now = radio(page)
        assert now["name"] == first["name"], "arrow keys stay within the group"
        assert page.locator(f"input[name={now['name']}]:checked").get_attribute("value") == now["value"]
        chosen.append(now["value"])
        previous = now["name"]
    return chosen


def test_a_respondent_completes_the_survey_on_a_phone_by_keyboard_only(
    browsing: Browsing, survey: tuple[Campaign, list[Any]]
) -> None:
    campaign, links = survey
    token = links[0].token
    page = browsing.new_page(viewport=PHONE, is_mobile=True, has_touch=True)

    page.goto(survey_url(browsing, "survey_start", token))
    assert page.locator("h1").inner_text() == "Standortbestimmung 2026"
    assert page.locator("html").get_attribute("lang") == "de"
    assert "Ergebnisse nur für Gruppen ab 5 Personen" in page.locator("main").inner_text()
    assert page.locator(".kk-brand__name").inner_text() == "Teststadt"
    assert page.locator("nav[aria-label=Hauptnavigation]").count() == 0
    assert_shell(page)
    axe_scan(page, "survey start")
    tab_to(page, "Zur Umfrage")
    assert_focus_visible(focused(page))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # page 1: Tab into each group; ArrowDown picks the next level, Space the focused one
    assert "Seite 1 von 3" in page.locator("main").inner_text()
    axe_scan(page, "survey questions")
    chosen = answer_page_by_keyboard(page, [["ArrowDown", "ArrowDown"], ["Space"], ["ArrowUp"]])
    assert chosen == ["3", "1", "x"], "ArrowUp from the first level wraps to 'kann ich nicht beurteilen'"
    tab_to(page, "Speichern und weiter")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "Seite 2 von 3" in page.locator("main").inner_text()
    assert answer_page_by_keyboard(page, [["ArrowRight"], ["ArrowDown"], ["Space"]]) == [
        "2",
        "2",
        "1",
    ]
    tab_to(page, "Speichern und weiter")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "Seite 3 von 3" in page.locator("main").inner_text()
    assert answer_page_by_keyboard(page, [["ArrowDown", "ArrowDown", "ArrowDown", "ArrowDown"], ["Space"]]) == [
        "5",
        "1",
    ]
    tab_to(page, "Speichern und zur Übersicht")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # the summary: one question left open, then submit
    assert page.locator("h1").inner_text() == "Übersicht und Absenden"
    assert "1 Frage ist noch offen" in page.locator("main").inner_text()
    axe_scan(page, "survey summary")
    tab_to(page, "Antworten absenden")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == browsing.url("public:survey_thanks", kommune_slug="teststadt")
    assert token not in page.url
    assert page.locator("h1").inner_text() == "Vielen Dank für Ihre Antworten"
    axe_scan(page, "survey thanks")

    items = list(CampaignItem.objects.for_kommune(campaign.kommune).filter(campaign=campaign))
    stored = Response.objects.for_kommune(campaign.kommune).get()
    values = dict(Answer.objects.for_kommune(campaign.kommune).filter(response=stored).values_list("item_id", "value"))
    assert [values[item.pk] for item in items] == [3, 1, None, 2, 2, 1, 5, 1, None]

    # the link is used now: the page says so (410), and passes axe too
    page.goto(survey_url(browsing, "survey_start", token))
    assert page.locator("h1").inner_text() == "Bereits geantwortet"
    assert_shell(page)
    axe_scan(page, "survey: link already used")
    forgive(browsing, "410")


def forgive(browsing: Browsing, status: str) -> None:
    """Chromium logs every page answered with an error status as a console error; these are the
    answers the test asks for on purpose, any other console error still fails."""
    errors = browsing.guard.console_errors
    errors[:] = [e for e in errors if not (e.startswith("Failed to load resource") and status in e)]


def test_a_field_error_is_announced_and_linked_to_its_question(
    browsing: Browsing, survey: tuple[Campaign, list[Any]]
) -> None:
    _campaign, links = survey
    page = browsing.new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(survey_url(browsing, "survey_questions", links[1].token) + "?seite=1")
    first = page.locator("input[type=radio]").first
    name = first.get_attribute("name")
    page.evaluate(
        "name => { const r = document.querySelector(`input[name=${name}]`); r.value = '9'; r.checked = true; }", name
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Speichern und weiter").click()
    summary = page.locator("#fehler")
    assert summary.is_visible()
    assert page.evaluate("() => document.activeElement.id") == "fehler", "the error summary takes the focus"
    assert page.locator(f"#{name}").get_attribute("aria-describedby") == f"{name}-fehler"
    assert "Bitte eine Stufe von 1 bis 5" in page.locator(f"#{name}-fehler").inner_text()
    assert page.locator(f"#fehler a[href='#{name}-1']").count() == 1
    axe_scan(page, "survey questions with a field error")
    forgive(browsing, "400")


def test_the_open_link_and_an_unknown_link_pass_axe_and_reflow_at_320_px(
    browsing: Browsing, survey: tuple[Campaign, list[Any]]
) -> None:
    campaign, links = survey
    page = browsing.new_page(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True)
    pages = [
        (
            reverse("public:survey_open", kwargs={"kommune_slug": "teststadt", "open_token": campaign.open_token}),
            "open",
        ),
        (reverse("public:survey_start", kwargs={"kommune_slug": "teststadt", "token": links[1].token}), "start"),
        (
            reverse("public:survey_questions", kwargs={"kommune_slug": "teststadt", "token": links[1].token}),
            "questions",
        ),
        (reverse("public:survey_submit", kwargs={"kommune_slug": "teststadt", "token": links[1].token}), "summary"),
        (reverse("public:survey_start", kwargs={"kommune_slug": "teststadt", "token": "unbekannt"}), "unknown"),
    ]
    for path, label in pages:
        page.goto(browsing.base + path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 320, f"{label}: the page is {width} px wide at 320 px"
        assert_shell(page)
        axe_scan(page, f"survey {label} at 320 px")
    assert page.locator("h1").inner_text() == "Dieser Link ist unbekannt"
    forgive(browsing, "404")
