"""Locust respondents for `make load`: each takes the next personal link and completes the survey.

A respondent opens the start page, then the first page of questions, and posts every page with an
answer to each question (a level or "kann ich nicht beurteilen") — each post is redirected to the
next page — until the summary, where she or he submits. Then the next link, until the links or the
time run out. No Django here: links come from the file named by `KOMPASS_LOAD_TOKENS`, the
Kommune's slug from `KOMPASS_LOAD_SLUG`. A request counts as failed when its status is not the
expected one (locust's default), so any 4xx/5xx makes the run fail.
"""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, events, task
from locust.exception import StopUser

QUESTION = re.compile(r'name="(q\d+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MAX_PAGES = 100
TOKENS: list[str] = []
RANDOM = random.Random("kompass-load")  # noqa: S311 - answers of a load test, not security


@events.test_start.add_listener
def _load_tokens(environment: object, **_kwargs: object) -> None:
    TOKENS.extend(Path(os.environ["KOMPASS_LOAD_TOKENS"]).read_text(encoding="utf-8").split())


def _answers(html: str) -> dict[str, str]:
    names = sorted(set(QUESTION.findall(html)))
    return {name: RANDOM.choice(["1", "2", "3", "4", "5", "x"]) for name in names}


def _csrf(html: str) -> str:
    found = CSRF.search(html)
    if found is None:
        raise ValueError("no CSRF token on the page")
    return found.group(1)


class Respondent(HttpUser):
    wait_time = between(0.0, 0.2)

    @task
    def complete_a_survey(self) -> None:
        if not TOKENS:
            raise StopUser()
        token = TOKENS.pop()
        base = f"/p/{os.environ['KOMPASS_LOAD_SLUG']}/umfrage/t/{token}/"
        self.client.get(base, name="Start")
        page = self.client.get(f"{base}fragen/?seite=1", name="Fragen (GET)")
        for _n in range(MAX_PAGES):
            if "/absenden/" in page.url:
                break
            data = {"csrfmiddlewaretoken": _csrf(page.text), "aktion": "weiter", **_answers(page.text)}
            page = self.client.post(page.url, data=data, name="Fragen (POST)")
        summary = page.text
        with self.client.post(
            f"{base}absenden/", data={"csrfmiddlewaretoken": _csrf(summary), "aktion": "absenden"},
            name="Absenden", catch_response=True,
        ) as response:  # fmt: skip
            if "/umfrage/danke/" not in response.url:
                response.failure(f"nicht auf der Dankeseite gelandet: {response.status_code}")
        self.client.cookies.clear()  # the next respondent starts without this one's cookies
