"""``kizuna demo``: its help, and a real run serving the packaged demo cities."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from importlib.resources import files
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

import kizuna
from kizuna.cli.main import app

PACKAGED = files("kizuna.demo").joinpath("data", "cities.yaml")


def test_help() -> None:
    result = CliRunner().invoke(app, ["demo", "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert "Serve the web dashboard with the demo cities loaded" in result.output
    for option in ("--host", "--port", "--db"):
        assert option in result.output


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.skipif(not PACKAGED.is_file(), reason="the packaged demo data are not there yet")
def test_demo_serves_the_packaged_cities(tmp_path: Path) -> None:
    port, db = free_port(), tmp_path / "demo.sqlite"
    env = {**os.environ, "PYTHONPATH": str(Path(kizuna.__file__).parents[1])}
    command = [
        sys.executable,
        "-c",
        "from kizuna.cli.main import app; app()",
        "demo",
        "--port",
        str(port),
        "--db",
        str(db),
    ]
    proc = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "kizuna demo did not start"
            time.sleep(0.25)
        cities = httpx.get(f"{base}/api/v1/cities").json()["cities"]
        assert cities
        assert all(c["inventories"] for c in cities)
        index = httpx.get(f"{base}/").text
        assert all(f'href="/cities/{c["slug"]}"' in index for c in cities)
        # every packaged plan (plans/<slug>.yaml) is optimised and has its page
        for city in cities:
            if "plan_page" in city["links"]:
                page = httpx.get(f"{base}{city['links']['plan_page']}")
                assert page.status_code == 200, city["slug"]
                assert 'data-chart-for="chart-macc"' in page.text
        assert db.is_file()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            output, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate()
    assert f"http://127.0.0.1:{port}/" in output
    assert "Loaded" in output
