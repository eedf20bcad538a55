"""The Rollen-Check is kept per Kommune until its data changes, the day turns or the language differs."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kompass.roles import overview, rules
from kompass.roles.tests.conftest import Model


@pytest.fixture
def runs(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The cache switched on (test settings keep it off) and every run of the rules counted."""
    settings.KOMPASS_CHECK_CACHE = True
    cache.clear()
    counted: list[int] = []
    real = rules.run_checks

    def counting(data: rules.CheckData) -> list[rules.Finding]:
        counted.append(1)
        return real(data)

    monkeypatch.setattr(rules, "run_checks", counting)
    yield counted
    cache.clear()


def _count_queries(call: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def test_the_second_view_reads_the_kept_outcome_in_two_queries(
    adopted: Model, runs: list[int], admin_client: Client
) -> None:
    page = reverse("roles:checks", args=[adopted.world.kommune.slug])
    first = admin_client.get(page)
    assert first.status_code == 200 and len(runs) == 1
    cold = _count_queries(lambda: overview.check_outcome(adopted.world.kommune))
    assert len(runs) == 1, "the outcome came from the cache"
    cache.clear()
    warm_start = _count_queries(lambda: overview.check_outcome(adopted.world.kommune))
    assert len(runs) == 2
    assert cold == 2 < warm_start, "change stamp and cache read only"
    second = admin_client.get(page)
    assert len(runs) == 2 and second.status_code == 200
    assert "Rollen-Check" in second.content.decode()


def test_a_change_through_a_service_is_seen_on_the_next_view(adopted: Model, runs: list[int]) -> None:
    before = overview.check_outcome(adopted.world.kommune)
    assert "kernrolle.cdo" in {f.rule for f in before.findings}
    adopted.assign(adopted.world.alice, "cdo", share=50)
    after = overview.check_outcome(adopted.world.kommune)
    assert len(runs) == 2
    assert "kernrolle.cdo" not in {f.rule for f in after.findings}
    assert overview.check_outcome(adopted.world.kommune) == after and len(runs) == 2


def test_the_next_day_runs_the_rules_again(adopted: Model, runs: list[int]) -> None:
    with time_machine.travel(datetime.datetime(2027, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
        overview.check_outcome(adopted.world.kommune)
        overview.check_outcome(adopted.world.kommune)
    assert len(runs) == 1
    with time_machine.travel(datetime.datetime(2027, 3, 2, 9, tzinfo=datetime.UTC), tick=False):
        overview.check_outcome(adopted.world.kommune)
    assert len(runs) == 2


def test_each_language_has_its_own_texts(adopted: Model, runs: list[int]) -> None:
    with translation.override("de"):
        german = overview.check_outcome(adopted.world.kommune)
    with translation.override("en"):
        english = overview.check_outcome(adopted.world.kommune)
    assert len(runs) == 2
    assert [f.title for f in german.findings] != [f.title for f in english.findings]


def test_two_kommunen_never_share_an_outcome(adopted: Model, runs: list[int]) -> None:
    """Docs/security.md T5: the key starts with the Kommune's id; an empty Kommune has no role model."""
    other = adopted.world.other
    ours = overview.check_outcome(adopted.world.kommune)
    theirs = overview.check_outcome(other)
    assert len(runs) == 2
    assert ours.has_model and not theirs.has_model
    assert overview.check_outcome(adopted.world.kommune) == ours and len(runs) == 2


def test_the_cache_can_be_switched_off(adopted: Model, runs: list[int], settings: Any) -> None:
    settings.KOMPASS_CHECK_CACHE = False
    overview.check_outcome(adopted.world.kommune)
    overview.check_outcome(adopted.world.kommune)
    assert len(runs) == 2
