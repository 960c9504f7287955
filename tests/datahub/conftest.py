"""Fixtures of the data hub tests: a warehouse in a temporary folder and a local HTTP API
(see `datahub_support`)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from datahub_support import LocalApi, handler

from kizuna.datahub import Warehouse


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "warehouse")


@pytest.fixture
def api() -> Iterator[LocalApi]:
    """A local HTTP API answering the routes a test registers; stopped at teardown."""
    local = LocalApi()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(local))
    server.daemon_threads = True
    local.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield local
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
