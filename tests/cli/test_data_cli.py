"""`kizuna data ...`: import (file and CKAN URL), list, lineage, pipeline run, publish."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import DCAT, RDF
from typer.testing import CliRunner

from kizuna.cli.main import app

runner = CliRunner()

READINGS = "meter_id,building_type,timestamp,energy [kWh]\n" + "".join(
    f"m{m},{kind},2024-0{month}-01T0{hour}:00:00+09:00,{value}\n"
    for month in (1, 2)
    for m, kind, value in ((1, "residential", 1.5), (2, "commercial", 4.0))
    for hour in range(3)
)
PIPELINE = """
name: meters-to-inventory
input: {dataset: meters}
aggregate: {by: [building_type], unit: kWh}
outputs:
  - kind: activity
    name: buildings
    city: Sample City
    column: building_type
    map: {residential: I.1.2, commercial: I.2.2}
    unit: kWh
    emission_factor: {value: 0.5, unit: kg/kWh}
    file: activity.csv
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "meters.csv").write_text(READINGS, encoding="utf-8")
    (tmp_path / "pipeline.yaml").write_text(PIPELINE, encoding="utf-8")
    (tmp_path / "bad.csv").write_bytes("meter_id,timestamp\n横浜,1\n".encode("shift_jis"))
    return {
        "meters": tmp_path / "meters.csv",
        "pipeline": tmp_path / "pipeline.yaml",
        "bad": tmp_path / "bad.csv",
        "warehouse": tmp_path / "wh",
    }


def data(*args: str) -> object:
    return runner.invoke(app, ["data", *args])


def meter_import(files: dict[str, Path], *extra: str) -> object:
    return data(
        "import",
        str(files["meters"]),
        "-w",
        str(files["warehouse"]),
        "--name",
        "meters",
        "--time-column",
        "timestamp",
        "--value-column",
        "energy",
        "--timezone",
        "Asia/Tokyo",
        "--expected-unit",
        "kWh",
        "-d",
        "building_type",
        *extra,
    )


def test_preview_shows_the_schema_and_imports_nothing(files: dict[str, Path]) -> None:
    result = meter_import(files, "--preview")
    assert result.exit_code == 0, result.output
    assert "meters.csv: csv, 12 rows" in result.stdout
    assert "energy" in result.stdout
    assert "kWh" in result.stdout
    assert not (files["warehouse"] / "datasets").exists()
    as_json = meter_import(files, "--preview", "-f", "json")
    assert json.loads(as_json.stdout)["schema"]["columns"][3]["unit"] == "kWh"


def test_import_list_lineage_and_pipeline(files: dict[str, Path]) -> None:
    """Residential 3 x 1.5 kWh per month, commercial 3 x 4 kWh: 2024 holds 9 and 24 kWh,
    at 0.5 kg/kWh 4.5 kg and 12 kg."""
    result = meter_import(files, "-f", "json")
    assert result.exit_code == 0, result.output
    stored = json.loads(result.stdout)
    assert stored["rows"] == 12
    assert stored["partitions"] == ["2024-01", "2024-02"]
    listed = data("list", "-w", str(files["warehouse"]), "-f", "json")
    assert [d["name"] for d in json.loads(listed.stdout)] == ["meters"]
    run = data(
        "pipeline", "run", str(files["pipeline"]), "-w", str(files["warehouse"]), "-f", "json"
    )
    assert run.exit_code == 0, run.output
    summary = json.loads(run.stdout)
    assert summary["recomputed"] == ["2024-01", "2024-02"]
    activity = (files["pipeline"].parent / "activity.csv").read_text().splitlines()
    assert activity[1].startswith("Sample City,2024,I.1.2,CO2,9.0,kWh,0.5,kg/kWh,2,")
    assert activity[2].startswith("Sample City,2024,I.2.2,CO2,24.0,kWh,0.5,kg/kWh,2,")
    table = data("pipeline", "run", str(files["pipeline"]), "-w", str(files["warehouse"]))
    assert "0 month(s) recomputed (none), 2 unchanged" in table.stdout
    lineage = data(
        "lineage", "meters-to-inventory.buildings", "-w", str(files["warehouse"]), "-f", "json"
    )
    objects = [r["object"] for r in json.loads(lineage.stdout)["lineage"]]
    assert objects[-1] == "meters"


def test_a_bad_file_fails_with_status_1_and_leaves_nothing(files: dict[str, Path]) -> None:
    result = data("import", str(files["bad"]), "-w", str(files["warehouse"]))
    assert result.exit_code == 1
    assert "is not valid utf-8 text" in result.stderr
    assert "--encoding" in result.stderr
    assert not (files["warehouse"] / "datasets").exists()


def test_unknown_url_kinds_are_refused(files: dict[str, Path]) -> None:
    result = data("import", "https://example.org/x.csv", "-w", str(files["warehouse"]))
    assert result.exit_code == 1
    assert "KIND+URL" in result.stderr


@pytest.fixture
def ckan() -> Iterator[str]:
    """A CKAN portal on 127.0.0.1 with one data set and its CSV resource."""
    state: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.startswith("/api/3/action/package_show"):
                body = json.dumps(
                    {
                        "help": "...",
                        "success": True,
                        "result": {
                            "id": "p1",
                            "name": "meters",
                            "title": "Smart meters",
                            "license_id": "CC-BY-4.0",
                            "resources": [
                                {
                                    "id": "r1",
                                    "name": "readings",
                                    "format": "CSV",
                                    "url": f"{state['url']}/files/readings.csv",
                                }
                            ],
                        },
                    }
                ).encode()
            elif self.path == "/files/readings.csv":
                body = READINGS.encode()
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state["url"]
    server.shutdown()
    server.server_close()


def test_import_from_a_ckan_portal(ckan: str, files: dict[str, Path]) -> None:
    result = data(
        "import",
        f"ckan+{ckan}",
        "--dataset",
        "meters",
        "-w",
        str(files["warehouse"]),
        "--time-column",
        "timestamp",
        "--value-column",
        "energy",
        "-f",
        "json",
    )
    assert result.exit_code == 0, result.output
    stored = json.loads(result.stdout)
    assert stored["dataset"] == "meters"
    assert stored["source"]["source"] == f"{ckan}/files/readings.csv"
    info = json.loads(data("list", "-w", str(files["warehouse"]), "-f", "json").stdout)[0]
    assert info["spec"]["licence"] == "CC-BY-4.0"


def test_publish_dcat_on_stdout_for_every_demo_city() -> None:
    for city in ("yokohama", "kurume", "singapore", "nagaokakyo"):
        result = data("publish", city)
        assert result.exit_code == 0, result.output
        graph = rdflib.Graph().parse(data=result.stdout, format="json-ld")
        assert len(list(graph.subjects(RDF.type, DCAT.Dataset))) >= 4


def test_publish_turtle_ngsi_ld_and_open_sdg_files(tmp_path: Path) -> None:
    ttl = tmp_path / "catalogue.ttl"
    assert data("publish", "kurume", "--out", str(ttl)).exit_code == 0
    assert (None, RDF.type, DCAT.Catalog) in rdflib.Graph().parse(ttl, format="turtle")
    entities = json.loads(data("publish", "singapore", "--format", "ngsi-ld").stdout)
    assert {e["type"] for e in entities} == {"KeyPerformanceIndicator", "CarbonFootprint"}
    folder = tmp_path / "sdg"
    result = data("publish", "yokohama", "--format", "open-sdg", "--out", str(folder))
    assert result.exit_code == 0, result.output
    assert (folder / "data" / "indicator_13-2-2.csv").is_file()
    assert (folder / "indicator-config" / "13-2-2.yml").is_file()


def test_publish_an_unknown_city_fails() -> None:
    result = data("publish", "atlantis")
    assert result.exit_code == 1
    assert "no demo city 'atlantis'" in result.stderr
