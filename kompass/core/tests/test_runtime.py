"""The WSGI entry point keeps start-up objects out of garbage collection."""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Iterator

import pytest


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_freezing_moves_the_loaded_application_out_of_garbage_collection(unfrozen: None) -> None:
    from kompass.core.runtime import freeze_startup_heap

    assert gc.get_freeze_count() == 0
    frozen = freeze_startup_heap()
    assert frozen == gc.get_freeze_count() > 10_000  # Django, our modules, the URL patterns


def test_the_wsgi_module_freezes_after_loading_the_application(unfrozen: None) -> None:
    sys.modules.pop("kompass.wsgi", None)
    module = importlib.import_module("kompass.wsgi")
    assert callable(module.application)
    assert gc.get_freeze_count() > 10_000
