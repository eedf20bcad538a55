"""Counts say assignments and people apart; two people with one name are told apart by unit and e-mail."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kompass.factories import person
from kompass.org import selectors as org_selectors
from kompass.org.models import Person
from kompass.roles import pdf
from kompass.roles.templatetags.role_counts import holder_summary
from kompass.roles.tests.conftest import Model

SLUG = "teststadt"


def test_the_summary_counts_assignments_and_people_with_german_plurals() -> None:
    with translation.override("de"):
        assert holder_summary(6, 4) == "6 Zuordnungen, 4 Personen"
        assert holder_summary(1, 1) == "1 Zuordnung, 1 Person"
        assert holder_summary(2, 1) == "2 Zuordnungen, 1 Person"
        assert holder_summary(0, 0) == "keine Zuordnung"


@pytest.fixture
def lotsen(adopted: Model) -> Model:
    """Three Lotsen assignments held by two people (Bruno for two units), one ended."""
    w = adopted.world
    adopted.assign(w.bruno, "lotse", 10, org_unit=w.ordnungsamt)
    adopted.assign(w.bruno, "lotse", 10, org_unit=w.hauptamt)
    adopted.assign(w.alice, "lotse", 10, org_unit=w.hauptamt)
    adopted.assign(
        w.alice, "lotse", 10, org_unit=w.sachgebiet, valid_from=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2021, 1, 1),
    )  # fmt: skip
    return adopted


def _row(html: str, text: str) -> str:
    return next(row for row in re.findall(r"<tr.*?</tr>", html, re.S) if text in row)


def test_the_role_list_counts_assignments_and_people(lotsen: Model, reader_client: Client) -> None:
    html = reader_client.get(reverse("roles:role_list", args=[SLUG])).content.decode()
    assert "3 Zuordnungen, 2 Personen" in _row(html, "Digitale Lotsinnen und Lotsen")
    assert "keine Zuordnung" in _row(html, "Chief Information Officer")


def test_the_role_profile_counts_assignments_and_people(lotsen: Model, reader_client: Client) -> None:
    role = lotsen.roles["lotse"]
    html = reader_client.get(reverse("roles:role_detail", args=[SLUG, role.pk])).content.decode()
    assert "3 Zuordnungen, 2 Personen" in html


def test_the_role_profile_pdf_counts_assignments_and_people(lotsen: Model) -> None:
    context = pdf.role_profile_context(lotsen.world.kommune, lotsen.roles["lotse"])
    from django.template.loader import render_to_string

    with translation.override("de"):
        html = render_to_string("roles/pdf/role_profile.html", context)
    assert "3 Zuordnungen, 2 Personen" in html


def test_the_assignment_list_counts_assignments_and_people(lotsen: Model, reader_client: Client) -> None:
    html = reader_client.get(reverse("roles:assignment_list", args=[SLUG])).content.decode()
    caption = re.search(r'<caption id="zuordnungen-caption">(.*?)</caption>', html, re.S)
    assert caption is not None and caption.group(1) == "3 Zuordnungen, 2 Personen"


# --- homonyms --------------------------------------------------------------------------------


@pytest.fixture
def two_annas(adopted: Model) -> tuple[Person, Person]:
    w = adopted.world
    first = person(w.kommune, "Anna", "Schmidt", w.hauptamt, email="a.schmidt@teststadt.example")
    second = person(w.kommune, "Anna", "Schmidt", w.sachgebiet, email="anna.schmidt2@teststadt.example")
    adopted.assign(first, "lotse", 10, org_unit=w.hauptamt)
    adopted.assign(second, "lotse", 10, org_unit=w.ordnungsamt, deputy=first)
    return first, second


def test_person_label_names_unit_and_email(two_annas: tuple[Person, Person]) -> None:
    first, second = (Person.objects.for_kommune(p.kommune).select_related("org_unit").get(pk=p.pk) for p in two_annas)
    assert org_selectors.person_label(first) == "Anna Schmidt (10 Hauptamt, a.schmidt@teststadt.example)"
    assert org_selectors.person_label(second) == "Anna Schmidt (32.1 Gewerbe, anna.schmidt2@teststadt.example)"
    first.org_unit = None
    assert org_selectors.person_label(first) == "Anna Schmidt (a.schmidt@teststadt.example)"


@pytest.mark.parametrize(
    "page",
    [
        lambda m: reverse("roles:assignment_list", args=[SLUG]),
        lambda m: reverse("roles:role_detail", args=[SLUG, m.roles["lotse"].pk]),
        lambda m: reverse("org:person_list", args=[SLUG]) + "?q=Schmidt",
    ],
    ids=["assignment list", "holder table", "person list"],
)
def test_lists_tell_two_people_of_one_name_apart(
    page: object, adopted: Model, two_annas: tuple[Person, Person], reader_client: Client
) -> None:
    html = reader_client.get(page(adopted)).content.decode()  # type: ignore[operator]
    rows = [row for row in re.findall(r"<tr.*?</tr>", html, re.S) if "Schmidt, Anna" in row]
    assert len(rows) == 2
    assert "a.schmidt@teststadt.example" in rows[0] and "10 Hauptamt" in rows[0]
    assert "anna.schmidt2@teststadt.example" in rows[1] and "32.1 Gewerbe" in rows[1]


def test_the_deputy_is_named_with_the_email(
    adopted: Model, two_annas: tuple[Person, Person], reader_client: Client
) -> None:
    html = reader_client.get(reverse("roles:assignment_list", args=[SLUG])).content.decode()
    row = _row(html, "anna.schmidt2@teststadt.example")
    deputy_cell = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[5]
    assert "Anna Schmidt" in deputy_cell and "a.schmidt@teststadt.example" in deputy_cell


def test_the_catalogue_says_what_the_kommune_holds_of_each_role(lotsen: Model, reader_client: Client) -> None:
    html = reader_client.get(reverse("roles:catalogue_list", args=[SLUG])).content.decode()
    lotse = _row(html, "Digitale Lotsinnen und Lotsen")
    assert "übernommen" in lotse and "3 Zuordnungen, 2 Personen" in lotse
    assert reverse("roles:role_detail", args=[SLUG, lotsen.roles["lotse"].pk]) in lotse
    assert "nicht übernommen" in _row(html, "IT-Architekt(in)")  # the other catalogue was not adopted


def test_a_catalogue_role_says_what_the_kommune_holds(lotsen: Model, reader_client: Client) -> None:
    role = lotsen.roles["lotse"]
    url = reverse("roles:catalogue_role", args=[SLUG, role.catalogue_role.catalogue_id, "lotse"])  # type: ignore[union-attr]
    assert "3 Zuordnungen, 2 Personen" in reader_client.get(url).content.decode()


def test_the_catalogue_list_costs_the_same_queries_for_many_roles_held(lotsen: Model, reader_client: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("roles:catalogue_list", args=[SLUG])
    reader_client.get(url)
    with CaptureQueriesContext(connection) as few:
        reader_client.get(url)
    w = lotsen.world
    for key in ("cdo", "cio", "isb", "dsb", "personal"):
        lotsen.assign(person(w.kommune, key.upper(), "Mehr", w.hauptamt), key, 10)
    with CaptureQueriesContext(connection) as many:
        reader_client.get(url)
    assert len(many) == len(few)
