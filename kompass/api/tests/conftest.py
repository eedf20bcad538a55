"""Fixtures for the API tests: one token-authenticated client per persona."""

from __future__ import annotations

import pytest

from kompass.api.tests.helpers import ApiClient, token_for
from kompass.conftest import World


@pytest.fixture
def api(world: World) -> dict[str, ApiClient]:
    """One API client per persona: admin, editor (limited to 32), reader, outsider, anonymous."""
    return {
        "admin": ApiClient(token_for(world.admin)),
        "editor": ApiClient(token_for(world.editor)),
        "reader": ApiClient(token_for(world.reader)),
        "outsider": ApiClient(token_for(world.outsider)),
        "anonymous": ApiClient(),
    }
