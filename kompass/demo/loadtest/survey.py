"""One respondent completing a survey through the public pages, shared by both locustfiles.

No Django here (locust runs outside the app): the pages are read with regular expressions. The
respondent opens the start page, then the first page of questions, and posts every page with an
answer to each question (a level or "kann ich nicht beurteilen") — each post is redirected to the
next page — until the summary, where she or he submits.
"""

from __future__ import annotations

import random
import re
from typing import Any

QUESTION = re.compile(r'name="(q\d+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MAX_PAGES = 100
SUBMIT = "Absenden"
RANDOM = random.Random("kompass-load")  # noqa: S311 - answers of a load test, not security


def answers(html: str) -> dict[str, str]:
    names = sorted(set(QUESTION.findall(html)))
    return {name: RANDOM.choice(["1", "2", "3", "4", "5", "x"]) for name in names}


def csrf(html: str) -> str:
    found = CSRF.search(html)
    if found is None:
        raise ValueError("no CSRF token on the page")
    return found.group(1)


def complete_survey(client: Any, base: str, prefix: str = "") -> None:
    """Answer and submit the survey behind the personal link `base` (…/umfrage/t/<token>/) with a
    locust `HttpSession`; `prefix` goes before the names of the statistics rows."""
    client.get(base, name=f"{prefix}Start")
    page = client.get(f"{base}fragen/?seite=1", name=f"{prefix}Fragen (GET)")
    for _n in range(MAX_PAGES):
        if "/absenden/" in page.url:
            break
        data = {"csrfmiddlewaretoken": csrf(page.text), "aktion": "weiter", **answers(page.text)}
        page = client.post(page.url, data=data, name=f"{prefix}Fragen (POST)")
    summary = page.text
    with client.post(
        f"{base}absenden/", data={"csrfmiddlewaretoken": csrf(summary), "aktion": "absenden"},
        name=f"{prefix}{SUBMIT}", catch_response=True,
    ) as response:  # fmt: skip
        if "/umfrage/danke/" not in response.url:
            response.failure(f"nicht auf der Dankeseite gelandet: {response.status_code}")
    client.cookies.clear()  # the next respondent starts without this one's cookies
