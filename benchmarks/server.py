"""Load on the web service: requests per second and latency percentiles at N concurrent clients.

The server runs in its own process (uvicorn, one worker, the app of ``kizuna demo``
with the packaged demo loaded) on a loopback port, on a fresh SQLite file and then
on a fresh PostgreSQL schema. The load comes from another process: wrk (Debian's
``wrk``; one thread, N keep-alive connections, each sending one request after
another for D seconds), or where wrk is missing an asyncio httpx client in this
process (which then costs more CPU than the server and measures itself as much as
the server). Clients cycle through the dashboard's JSON routes (and, in a second
mix, its HTML pages), signed in with a demo member's API token. For each run:
requests per second, p50/p95/p99 latency and errors (failed connections and
non-2xx/3xx answers). The baseline is the same load on ``/healthz`` (one trivial
query), so the ratios say what the real routes cost beyond the framework and the
loopback network on this machine.

    python benchmarks/server.py                              # SQLite, 50 clients, 60 s
    python benchmarks/server.py --engines sqlite postgresql --postgres URL
    python benchmarks/server.py --duration 10 --clients 20   # a quick look

PostgreSQL: ``--postgres`` or ``KIZUNA_TEST_POSTGRES_URL`` (as the tests use); a
schema is made for the run and dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import make_url

from kizuna.demo import load_demo
from kizuna.server import Settings, create_app
from kizuna.server.db import make_engine, normalise_url
from kizuna.server.settings import sqlite_url
from kizuna.server.tenancy import SYSTEM, create_token, find_user
from measurements import Table

#: The dashboard's JSON routes (what the goal is about) and its HTML pages.
JSON_ROUTES = (
    "/api/v1/cities",
    "/api/v1/cities/yokohama",
    "/api/v1/cities/yokohama/inventories",
    "/api/v1/cities/yokohama/plan",
    "/api/v1/cities/yokohama/plan/macc",
)
PAGE_ROUTES = ("/", "/cities/yokohama")
ROUTES = (*JSON_ROUTES, *PAGE_ROUTES)
BASELINE = "/healthz"
SERVER = """
import sys, uvicorn
uvicorn.run("kizuna.server.asgi:app", host="127.0.0.1", port=int(sys.argv[1]),
            workers=int(sys.argv[2]), log_level="warning", access_log=False)
"""


@dataclass
class Run:
    """One load run: requests answered, wall seconds, errors and latency percentiles (s)."""

    requests: int
    seconds: float
    errors: int
    p50: float
    p95: float
    p99: float

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds

    def row(self, label: str, baseline: Run | None) -> tuple[str, str, str, str]:
        pct = " / ".join(f"{v * 1000:.1f}" for v in (self.p50, self.p95, self.p99))
        note = f"{self.errors} errors"
        if baseline is not None:
            note += f"; p95 {self.p95 / baseline.p95:.2f}x, rate {self.rate / baseline.rate:.2f}x"
        return label, f"{self.rate:,.0f}", pct, note


@contextmanager
def database(engine: str, postgres: str | None) -> Iterator[str]:
    """A fresh database URL: an SQLite file, or a PostgreSQL schema dropped afterwards."""
    if engine == "sqlite":
        with tempfile.TemporaryDirectory(prefix="kizuna-bench-") as folder:
            yield sqlite_url(Path(folder) / "kizuna.sqlite")
        return
    if not postgres:
        raise SystemExit("PostgreSQL: give --postgres URL or set KIZUNA_TEST_POSTGRES_URL")
    base = normalise_url(postgres)
    schema = f"kizuna_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(base)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


def seed(url: str) -> str:
    """Load the demo into the database at `url`; returns a read token of a network member."""
    app = create_app(Settings(database_url=url))
    with app.state.sessionmaker() as session:
        summary = load_demo(session)
        login = next(x for x in summary.logins if x.organisation == "kurume")
        user = find_user(session, login.email)
        made = create_token(
            session, SYSTEM, name="bench", scopes=["read"], user=user, expires_in=timedelta(1)
        )
        session.commit()
    app.state.engine.dispose()
    return made.token


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(url: str, workers: int) -> Iterator[str]:
    """The app on `url`'s database in a child process (`workers` uvicorn worker processes);
    yields its base URL."""
    port = free_port()
    env = {**os.environ, "KIZUNA_DATABASE_URL": url}
    child = subprocess.Popen([sys.executable, "-c", SERVER, str(port), str(workers)], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}{BASELINE}", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if child.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            time.sleep(0.2)
        yield base
    finally:
        child.terminate()
        child.wait(timeout=20)


async def python_load(
    base: str, routes: tuple[str, ...], clients: int, seconds: float, token: str
) -> Run:
    """`clients` asyncio loops (httpx, keep-alive) over `routes` for `seconds`. The
    fallback where wrk is missing: this client costs more CPU than the server."""
    latencies: list[float] = []
    errors = 0
    headers = {"authorization": f"Bearer {token}", "accept": "application/json"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30) as c:
        start = time.perf_counter()
        stop = start + seconds

        async def client(offset: int) -> None:
            nonlocal errors
            i = offset
            while time.perf_counter() < stop:
                sent = time.perf_counter()
                try:
                    ok = (await c.get(routes[i % len(routes)])).status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - sent)
                errors += not ok
                i += 1

        await asyncio.gather(*(client(k) for k in range(clients)))
        wall = time.perf_counter() - start
    ordered = sorted(latencies)

    def q(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]

    return Run(len(ordered), wall, errors, q(0.5), q(0.95), q(0.99))


#: wrk's script: cycle through the routes with the token; print the summary in one line.
WRK_SCRIPT = """
local paths = {%(paths)s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1],
    {["Authorization"] = "Bearer %(token)s", ["Accept"] = "application/json"})
end
done = function(s, latency, requests)
  local e = s.errors
  io.write(string.format("KIZUNA %%d %%d %%d %%d %%d %%d %%d\\n", s.requests, s.duration,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def wrk_load(base: str, routes: tuple[str, ...], clients: int, seconds: float, token: str) -> Run:
    """The same load from wrk (one thread, `clients` connections): a C client that leaves
    the CPU to the server. Errors are failed connections and non-2xx/3xx answers."""
    paths = ", ".join(f'"{r}"' for r in routes)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"paths": paths, "token": token})
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{clients}", f"-d{max(1, round(seconds))}s", "-s", script.name, base],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(x for x in out.splitlines() if x.startswith("KIZUNA "))
    n, micros, socket_errors, status_errors, p50, p95, p99 = (int(v) for v in line.split()[1:])
    return Run(n, micros / 1e6, socket_errors + status_errors, p50 / 1e6, p95 / 1e6, p99 / 1e6)


def load(
    client: str, base: str, routes: tuple[str, ...], clients: int, seconds: float, token: str
) -> Run:
    """One run of `client` (``wrk`` or ``python``)."""
    if client == "wrk":
        return wrk_load(base, routes, clients, seconds, token)
    return asyncio.run(python_load(base, routes, clients, seconds, token))


def measure(args: argparse.Namespace, engine: str) -> str:
    """Every run on one engine, as a Markdown section."""
    with database(engine, args.postgres) as url:
        token = seed(url)
        with server(url, args.workers) as base:
            load(args.client, base, ROUTES, 4, 3, token)  # warm up
            baseline = load(args.client, base, (BASELINE,), args.clients, args.baseline, token)
            mix_json = load(args.client, base, JSON_ROUTES, args.clients, args.duration, token)
            mix_all = load(args.client, base, ROUTES, args.clients, args.duration, token)
            per_route = {
                r: load(args.client, base, (r,), args.clients, args.per_route, token)
                for r in (ROUTES if args.per_route else ())
            }
    table = Table()
    table.rows[0] = ("load", "requests/s", "p50 / p95 / p99 ms", "errors; vs /healthz")
    table.add(*baseline.row(f"{BASELINE} (baseline), {args.baseline:g} s", None))
    table.add(*mix_json.row(f"dashboard JSON routes, {args.duration:g} s", baseline))
    table.add(*mix_all.row(f"JSON and HTML routes, {args.duration:g} s", baseline))
    for route, run in per_route.items():
        table.add(*run.row(f"{route}, {args.per_route:g} s", baseline))
    runs = [baseline, mix_json, mix_all, *per_route.values()]
    errors = sum(r.errors for r in runs)
    verdict = "met" if mix_json.p95 < 0.1 else "NOT met"
    return (
        f"\n## {engine} ({args.client} client)\n\n{table.render()}\n\n"
        f"Goal p95 < 100 ms for dashboard JSON: {verdict} (p95 {mix_json.p95 * 1000:.1f} ms). "
        f"Errors: {errors} (must be 0).\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--engines", nargs="+", default=["sqlite"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--postgres", default=os.environ.get("KIZUNA_TEST_POSTGRES_URL"))
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (50)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (1)")
    parser.add_argument("--duration", type=float, default=60, help="seconds per mix (60)")
    parser.add_argument("--baseline", type=float, default=15, help="seconds on /healthz (15)")
    parser.add_argument(
        "--per-route", type=float, default=10, help="seconds per route alone; 0 skips (10)"
    )
    parser.add_argument(
        "--client",
        choices=["wrk", "python"],
        default="wrk" if shutil.which("wrk") else "python",
        help="load generator: wrk (apt-get install wrk) when found, else httpx",
    )
    args = parser.parse_args()
    print(
        f"# Server load: {args.clients} clients, {args.duration:g} s per mix, "
        f"{args.client} client, {args.workers} server worker(s); {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.2f}, Python {sys.version.split()[0]}"
    )
    for engine in args.engines:
        print(measure(args, engine), flush=True)


if __name__ == "__main__":
    main()
