"""Shared fixtures: a live server on a loopback port and Debian's Chromium driven by Playwright.

Browser tests (``@pytest.mark.browser``) use the system Chromium only
(``/usr/bin/chromium``, from ``apt-get install chromium``); Playwright never
downloads a browser here. They are skipped, with the reason, where it is missing,
unless ``KIZUNA_REQUIRE_BROWSER=1`` (as in CI), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK = "127.0.0.1"


class Served:
    """ASGI apps served with uvicorn in background threads on loopback ports; `stop` ends them."""

    def __init__(self) -> None:
        self.running: list[tuple[uvicorn.Server, threading.Thread]] = []

    def __call__(self, app: object) -> str:
        """Serve `app`; returns its base URL. The socket is bound before the server starts
        (port 0: the system picks a free port), so there is no race for the port."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((LOOPBACK, 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="on")  # type: ignore[arg-type]
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        self.running.append((server, thread))
        return f"http://{LOOPBACK}:{port}"

    def stop(self) -> None:
        for server, thread in self.running:
            server.should_exit = True
            thread.join(timeout=10)
        self.running.clear()


@pytest.fixture
def serve() -> Iterator[Callable[[object], str]]:
    """Serve an ASGI app with uvicorn in a background thread; returns its base URL.
    Servers stop at teardown."""
    served = Served()
    yield served
    served.stop()


@pytest.fixture(scope="module")
def serve_module() -> Iterator[Callable[[object], str]]:
    """Like `serve`, for servers shared by the tests of a module."""
    served = Served()
    yield served
    served.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless, launched by Playwright (skipped where it is not installed)."""
    required = os.environ.get("KIZUNA_REQUIRE_BROWSER", "") not in ("", "0")
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found: install it with `apt-get install chromium`"
        if required:
            pytest.fail(f"KIZUNA_REQUIRE_BROWSER is set but {reason}")
        pytest.skip(reason)
    try:
        from playwright import sync_api
    except ImportError:
        if required:
            pytest.fail("KIZUNA_REQUIRE_BROWSER is set but playwright is not installed")
        pytest.skip("playwright is not installed: pip install -e '.[test]'")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


# --- the real public data sets in ../shared/data ------------------------------------------------

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the checkout; tests needing it skip with the reason if absent."""
    if not SHARED_DATA.is_dir():
        reason = f"the real data sets are not here ({SHARED_DATA} is absent; CI has them)"
        if os.environ.get("KIZUNA_REQUIRE_SHARED_DATA"):
            pytest.fail(reason + " and KIZUNA_REQUIRE_SHARED_DATA is set")
        pytest.skip(reason)
    return SHARED_DATA
