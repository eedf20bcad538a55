"""Locust users for `make loadtest`: members, API scripts and respondents across the Rechenzentrum's Kommunen.

No Django here: the manifest named by `KOMPASS_LOAD_MANIFEST` (written by `prepare.py rechenzentrum`)
lists each Kommune's accounts, API token, page paths and survey links.

- `Member` logs in through the real login form (CSRF token from the form, password from the
  manifest), as the Administration or the read-only member of a random Kommune, opens that
  Kommune's pages in random order, and after a few pages logs out and into another Kommune.
- `ApiScript` calls the API's list endpoints and the Rollen-Check of a random Kommune with its token.
- `Respondent` takes the next personal link of an open campaign and completes the survey.

A page counts as failed unless it answers 200 at the requested address: a redirect (to the login,
to the password change, to the second factor) is a failure, so is any 4xx/5xx.
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task
from locust.exception import StopUser

from kompass.demo.loadtest.survey import complete_survey, csrf

MANIFEST: dict[str, Any] = {}
SURVEY_LINKS: list[str] = []
PAGES_PER_LOGIN = 12
RANDOM = random.Random("kompass-loadtest")  # noqa: S311 - choice of Kommunen and pages, not security
LOGGED_IN = re.compile(r'action="[^"]*/abmelden/')


@events.test_start.add_listener
def _load_manifest(environment: object, **_kwargs: object) -> None:
    MANIFEST.update(json.loads(Path(os.environ["KOMPASS_LOAD_MANIFEST"]).read_text(encoding="utf-8")))
    SURVEY_LINKS.extend(link for k in MANIFEST["kommunen"] for link in k["survey_links"])
    RANDOM.shuffle(SURVEY_LINKS)


def _expect_page(client: Any, path: str, name: str, **headers: str) -> None:
    with client.get(path, name=name, headers=headers, allow_redirects=False, catch_response=True) as response:
        if response.status_code != 200:
            where = response.headers.get("Location", "")
            response.failure(f"Status {response.status_code} statt 200 {where}".strip())


class Member(HttpUser):
    """A member of one Kommune at a time (Administration or read-only), logged in by the login form."""

    weight = 6
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        self.kommune: dict[str, Any] = {}
        self.pages_left = 0

    def _login(self) -> None:
        if self.kommune:
            self.client.cookies.clear()  # as after logging out: a fresh browser session
        self.kommune = RANDOM.choice(MANIFEST["kommunen"])
        username = self.kommune[RANDOM.choice(["admin", "reader"])]
        login = MANIFEST["login"]
        form = self.client.get(login, name="Anmeldung (Formular)")
        data = {"csrfmiddlewaretoken": csrf(form.text), "username": username, "password": MANIFEST["password"]}
        target = self.kommune["pages"]["Startseite der Kommune"]
        with self.client.post(
            f"{login}?next={target}", data=data, name="Anmeldung (Absenden)", headers={"Referer": self.host + login},
            catch_response=True,
        ) as response:  # fmt: skip
            if not response.url.endswith(target) or not LOGGED_IN.search(response.text):
                response.failure(f"Anmeldung von {username} gescheitert: {response.status_code} {response.url}")
        self.pages_left = PAGES_PER_LOGIN

    @task
    def open_a_page(self) -> None:
        if self.pages_left <= 0:
            self._login()
        self.pages_left -= 1
        name, path = RANDOM.choice(list(self.kommune["pages"].items()))
        _expect_page(self.client, path, name)


class ApiScript(HttpUser):
    """A script with a Kommune's read-only token."""

    weight = 2
    wait_time = between(0.2, 1.0)

    @task
    def call_the_api(self) -> None:
        kommune = RANDOM.choice(MANIFEST["kommunen"])
        name, path = RANDOM.choice(list(kommune["api"].items()))
        _expect_page(self.client, path, name, Authorization=f"Bearer {kommune['token']}")


class Respondent(HttpUser):
    """A respondent of an open campaign: one personal link after the other."""

    weight = 2
    wait_time = between(0.5, 2.0)

    @task
    def complete_a_survey(self) -> None:
        if not SURVEY_LINKS:
            raise StopUser()
        complete_survey(self.client, SURVEY_LINKS.pop(), prefix="Umfrage: ")
