"""Fixtures of the data hub tests: a warehouse in a temporary folder and a local HTTP API
(see `datahub_support`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from datahub_support import LocalApi, serving

from kizuna.datahub import Warehouse


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "warehouse")


@pytest.fixture
def api() -> Iterator[LocalApi]:
    """A local HTTP API answering the routes a test registers; stopped at teardown."""
    with serving(LocalApi()) as local:
        yield local
