"""Helpers of the data hub tests: a local HTTP server that answers like a real API (routes
registered per test), the synthetic smart-meter set, and what a failed import leaves behind.

The smart-meter set (`meter_frame`): hourly readings in Wh, in Asia/Tokyo local time, for
three meters: m1 (residential, 500 Wh each hour), m2 (residential, 250 Wh) and m3
(commercial, 2,000 Wh). Hours per month of 2024: January 744, February 696 (leap year),
March 744, April 720. So per month, in kWh:

    residential = 0.75 x hours   (Jan 558, Feb 522, Mar 558, Apr 540)
    commercial  = 2.0 x hours    (Jan 1,488, Feb 1,392, Mar 1,488, Apr 1,440)
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pandas as pd

from kizuna.datahub import DatasetSpec

#: How the meter readings are imported: Wh from the header, months in Asia/Tokyo.
METER_SPEC = DatasetSpec(
    "meters",
    time_column="timestamp",
    value_column="energy",
    expected_unit="kWh",
    timezone="Asia/Tokyo",
    dimensions=("building_type",),
)
METERS = {"m1": ("residential", 500.0), "m2": ("residential", 250.0), "m3": ("commercial", 2000.0)}


def meter_frame(
    start: str, end: str, meters: dict[str, tuple[str, float]] = METERS
) -> pd.DataFrame:
    """Hourly readings from `start` to `end` (inclusive, Asia/Tokyo), one row per meter-hour;
    times written as ISO 8601 text with their +09:00 offset, as a meter export would."""
    hours = pd.date_range(start, end, freq="h", tz="Asia/Tokyo")
    frames = [
        pd.DataFrame(
            {
                "meter_id": meter,
                "building_type": kind,
                "timestamp": [t.isoformat() for t in hours],
                "energy [Wh]": wh,
            }
        )
        for meter, (kind, wh) in meters.items()
    ]
    return pd.concat(frames, ignore_index=True)


def leftovers(root: Path) -> list[str]:
    """Files under the warehouse other than its catalogue (what a failed import must not leave)."""
    if not root.exists():
        return []
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and not p.name.startswith("warehouse.duckdb")
    )


# --- a local HTTP server ------------------------------------------------------------------------


@dataclass
class Reply:
    """What a route answers: status, JSON (dict/list) or text body, headers, and a delay (s)."""

    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_type: str = "application/json"


@dataclass(frozen=True)
class Seen:
    """A request the server received."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]


class LocalApi:
    """Routes (path -> function of the request -> Reply) served on 127.0.0.1, port 0."""

    def __init__(self) -> None:
        self.routes: dict[str, Callable[[Seen], Reply]] = {}
        self.seen: list[Seen] = []
        self.url = ""

    def route(self, path: str, reply: Callable[[Seen], Reply] | Reply) -> None:
        self.routes[path] = reply if callable(reply) else (lambda _seen, r=reply: r)

    def requests_to(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]


def handler(api: LocalApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            seen = Seen(parts.path, query, dict(self.headers.items()))
            api.seen.append(seen)
            route = api.routes.get(parts.path)
            reply = route(seen) if route else Reply({"error": "no such route"}, status=404)
            if reply.delay:
                time.sleep(reply.delay)
            body = reply.body
            data = (
                body
                if isinstance(body, bytes)
                else (body.encode() if isinstance(body, str) else json.dumps(body).encode())
            )
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(data)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                pass

        def log_message(self, *args: object) -> None:  # keep the test output quiet
            return

    return Handler


@contextmanager
def serving(api: LocalApi) -> Iterator[LocalApi]:
    """`api` served on 127.0.0.1 (a free port, set as ``api.url``) until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(api))
    server.daemon_threads = True
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
