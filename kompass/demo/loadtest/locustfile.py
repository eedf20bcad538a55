"""Locust respondents for `make load`: each takes the next personal link and completes the survey.

The survey itself is `survey.complete_survey` (shared with the Rechenzentrum run). Then the next
link, until the links or the time run out. No Django here: links come from the file named by
`KOMPASS_LOAD_TOKENS`, the Kommune's slug from `KOMPASS_LOAD_SLUG`. A request counts as failed
when its status is not the expected one (locust's default), so any 4xx/5xx makes the run fail.
"""

from __future__ import annotations

import os
from pathlib import Path

from locust import HttpUser, between, events, task
from locust.exception import StopUser

from kompass.demo.loadtest.survey import complete_survey

TOKENS: list[str] = []


@events.test_start.add_listener
def _load_tokens(environment: object, **_kwargs: object) -> None:
    TOKENS.extend(Path(os.environ["KOMPASS_LOAD_TOKENS"]).read_text(encoding="utf-8").split())


class Respondent(HttpUser):
    wait_time = between(0.0, 0.2)

    @task
    def complete_a_survey(self) -> None:
        if not TOKENS:
            raise StopUser()
        token = TOKENS.pop()
        complete_survey(self.client, f"/p/{os.environ['KOMPASS_LOAD_SLUG']}/umfrage/t/{token}/")
