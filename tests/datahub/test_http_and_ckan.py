"""The HTTP client and the CKAN connector against a local server answering in CKAN's format.

Responses follow the CKAN Action API guide (docs.ckan.org/en/latest/api/): every answer is
``{"help": ..., "success": ..., "result" | "error": ...}``; ``package_search`` pages with
``rows`` and ``start`` up to ``result.count``.
"""

from __future__ import annotations

import gzip
import json
import socket
from pathlib import Path

import pytest
from datahub_support import LocalApi, Reply, Seen

from kizuna.datahub import DatasetSpec, Warehouse, import_file
from kizuna.datahub.ckan import CkanClient, pick_resource
from kizuna.datahub.http import (
    HostNotAllowed,
    HttpClient,
    HttpSettings,
    SourceUnavailable,
    host_allowed,
    parse_hosts,
)
from kizuna.datahub.sources import FetchOptions, fetch, split_source
from kizuna.errors import InputError, NotFound

FAST = HttpSettings(timeout=0.3, connect_timeout=0.3, retries=1, backoff=0.0)
CSV = (
    "station,time,pm25 [ug/m3]\n"
    "naka,2024-05-01T00:00:00+09:00,12.5\n"
    "naka,2024-05-01T01:00:00+09:00,11.0\n"
    "nishi,2024-05-01T00:00:00+09:00,8.5\n"
)


def help_url(api: LocalApi, action: str) -> str:
    return f"{api.url}/api/3/action/help_show?name={action}"


def package(api: LocalApi, n: int) -> dict:
    return {
        "id": f"0f2c-{n}",
        "name": f"air-quality-{n}",
        "title": f"Air quality, station set {n}",
        "notes": "Hourly PM2.5 at the city's monitoring stations.",
        "license_id": "cc-by",
        "license_title": "Creative Commons Attribution",
        "license_url": "http://www.opendefinition.org/licenses/cc-by",
        "metadata_modified": "2024-05-02T03:00:00.000000",
        "organization": {"name": "environment-bureau", "title": "Environment Bureau"},
        "tags": [{"name": "air", "display_name": "air"}, {"name": "pm25", "display_name": "pm25"}],
        "resources": [
            {
                "id": f"pdf-{n}",
                "package_id": f"0f2c-{n}",
                "name": "Method note",
                "format": "PDF",
                "url": f"{api.url}/files/method.pdf",
                "mimetype": "application/pdf",
            },
            {
                "id": f"res-{n}",
                "package_id": f"0f2c-{n}",
                "name": "PM2.5 hourly",
                "format": "CSV",
                "url": f"{api.url}/files/pm25.csv",
                "mimetype": "text/csv",
                "size": len(CSV),
                "last_modified": "2024-05-02T02:59:00.000000",
            },
        ],
    }


@pytest.fixture
def portal(api: LocalApi) -> LocalApi:
    datasets = [package(api, n) for n in range(3)]

    def search(seen: Seen) -> Reply:
        start, rows = int(seen.query.get("start", 0)), int(seen.query.get("rows", 10))
        result = {
            "count": len(datasets),
            "facets": {},
            "search_facets": {},
            "sort": "score desc, metadata_modified desc",
            "results": datasets[start : start + rows],
        }
        return Reply({"help": help_url(api, "package_search"), "success": True, "result": result})

    def show(seen: Seen) -> Reply:
        found = [d for d in datasets if seen.query.get("id") in (d["id"], d["name"])]
        if not found:
            return Reply(
                {
                    "help": help_url(api, "package_show"),
                    "success": False,
                    "error": {"__type": "Not Found Error", "message": "Not found"},
                },
                status=404,
            )
        return Reply({"help": help_url(api, "package_show"), "success": True, "result": found[0]})

    api.route("/api/3/action/package_search", search)
    api.route("/api/3/action/package_show", show)
    api.route("/files/pm25.csv", Reply(CSV, content_type="text/csv"))
    return api


def test_search_pages_through_every_data_set(portal: LocalApi) -> None:
    with CkanClient(portal.url, settings=FAST) as ckan:
        found = ckan.search("air", rows=2)
    assert [d.name for d in found] == ["air-quality-0", "air-quality-1", "air-quality-2"]
    starts = [s.query["start"] for s in portal.requests_to("/api/3/action/package_search")]
    assert starts == ["0", "2"]
    assert found[0].license_id == "cc-by"
    assert found[0].organization == "Environment Bureau"
    assert found[0].tags == ("air", "pm25")


def test_show_picks_the_tabular_resource_and_downloads_it(portal: LocalApi, tmp_path: Path) -> None:
    with CkanClient(portal.url, settings=FAST) as ckan:
        dataset = ckan.dataset("air-quality-1")
        resource = pick_resource(dataset)
        path = ckan.download(resource, tmp_path)
    assert resource.id == "res-1"
    assert path.name == "res-1.csv"
    assert path.read_text() == CSV


def test_an_unknown_data_set_is_not_found_with_ckans_message(portal: LocalApi) -> None:
    with CkanClient(portal.url, settings=FAST) as ckan, pytest.raises(NotFound) as caught:
        ckan.dataset("nope")
    assert "HTTP 404" in str(caught.value)
    assert "Not Found Error: Not found" in str(caught.value)


def test_a_validation_error_is_an_input_error(api: LocalApi) -> None:
    api.route(
        "/api/3/action/package_search",
        Reply(
            {
                "help": help_url(api, "package_search"),
                "success": False,
                "error": {"__type": "Validation Error", "rows": ["Invalid integer"]},
            },
            status=409,
        ),
    )
    with CkanClient(api.url, settings=FAST) as ckan, pytest.raises(InputError) as caught:
        ckan.search(rows=2)
    assert "Validation Error: rows: ['Invalid integer']" in str(caught.value)


def test_a_ckan_resource_imports_with_its_lineage(
    portal: LocalApi, tmp_path: Path, warehouse: Warehouse
) -> None:
    kind, url = split_source(f"ckan+{portal.url}")
    assert kind == "ckan"
    fetched = fetch(kind, url, FetchOptions(dataset="air-quality-2", http=FAST), tmp_path)
    spec = DatasetSpec(
        "pm25",
        time_column="time",
        value_column="pm25",
        timezone="Asia/Tokyo",
        licence=fetched.licence,
    )
    import_file(fetched.file, warehouse, spec, source=fetched.source)
    (record,) = warehouse.lineage("pm25")
    assert record.source == f"{portal.url}/files/pm25.csv"
    assert record.details["dataset"] == "air-quality-2"
    assert record.details["licence"] == "cc-by"
    assert warehouse.dataset("pm25").unit == "ug/m3"
    assert warehouse.read("pm25")["pm25"].sum() == pytest.approx(32.0)


def test_a_download_over_the_limit_stops_and_leaves_no_file(api: LocalApi, tmp_path: Path) -> None:
    api.route("/big.csv", Reply("x" * 5000, content_type="text/csv"))
    dest = tmp_path / "big.csv"
    with HttpClient(api.url, settings=FAST) as http, pytest.raises(InputError, match="larger"):
        http.download("big.csv", dest, max_bytes=1000)
    assert not dest.exists()


def test_api_answers_together_stay_within_the_limit(api: LocalApi) -> None:
    """Pages of 400 bytes, 1,000 allowed: the second page fits (800), the third does not,
    with or without a Content-Length (a chunked answer is counted as it arrives)."""
    api.route("/page", Reply({"rows": "x" * 388}))
    limited = HttpSettings(timeout=1.0, retries=0, max_bytes=1000)
    with HttpClient(api.url, settings=limited) as http:
        first, _ = http.get_json("page")
        http.get_json("page")
        assert (len(first["rows"]), http.received) == (388, 800)
        with pytest.raises(InputError, match="larger than the limit") as caught:
            http.get_json("page")
    assert "start and end" in caught.value.hint
    packed = gzip.compress(json.dumps({"rows": "x" * 388}).encode())
    api.route("/packed", Reply(packed, headers={"Content-Encoding": "gzip"}))
    with HttpClient(api.url, settings=limited) as http:  # decoded once, counted decoded
        assert http.get_json("packed")[0] == {"rows": "x" * 388}
        assert http.received == 400


def test_hosts_off_the_allowlist_are_refused_before_sending(api: LocalApi) -> None:
    moved = Reply("", status=302, headers={"Location": "http://localhost:1/elsewhere"})
    api.route("/moved", moved)
    only_here = HttpSettings(timeout=1.0, retries=0, allowed_hosts=parse_hosts("127.0.0.1"))
    with HttpClient(api.url, settings=only_here) as http, pytest.raises(HostNotAllowed):
        http.get("moved")
    assert len(api.requests_to("/moved")) == 1  # the redirect was not followed
    nowhere = HttpSettings(allowed_hosts=frozenset())
    with HttpClient(api.url, settings=nowhere) as http, pytest.raises(HostNotAllowed):
        http.get("page")
    assert api.requests_to("/page") == []
    assert host_allowed("Data.City.Example.", parse_hosts(".city.example, other.org"))
    assert not host_allowed("city.example.evil.org", parse_hosts(".city.example"))
    assert host_allowed("anything", None)  # the CLI's default


def test_timeouts_are_retried_then_reported(api: LocalApi) -> None:
    api.route("/slow", Reply({"ok": True}, delay=1.0))
    with (
        HttpClient(api.url, settings=FAST, service="the portal") as http,
        pytest.raises(SourceUnavailable) as caught,
    ):
        http.get_json("slow")
    assert "the portal did not answer within 0.3 s" in str(caught.value)
    assert "2 attempts" in str(caught.value)
    assert len(api.requests_to("/slow")) == 2


def test_a_busy_server_is_retried(api: LocalApi) -> None:
    replies = iter(
        [Reply({"message": "busy"}, status=503, headers={"Retry-After": "0"}), Reply({"ok": True})]
    )
    api.route("/flaky", lambda _seen: next(replies))
    with HttpClient(api.url, settings=FAST) as http:
        body, _ = http.get_json("flaky")
    assert body == {"ok": True}
    assert len(api.requests_to("/flaky")) == 2


def test_server_errors_and_refused_connections_are_source_errors(api: LocalApi) -> None:
    api.route("/broken", Reply({"message": "database down"}, status=500))
    with (
        HttpClient(api.url, settings=FAST) as http,
        pytest.raises(SourceUnavailable, match=r"HTTP 500 .*database down"),
    ):
        http.get("broken")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with (
        HttpClient(f"http://127.0.0.1:{port}", settings=FAST) as http,
        pytest.raises(SourceUnavailable, match="cannot reach"),
    ):
        http.get("anything")


def test_sources_need_a_known_kind() -> None:
    with pytest.raises(InputError, match="a URL of no known kind"):
        split_source("https://example.org/data")
    with pytest.raises(InputError, match="unknown source kind 'ftp'"):
        split_source("https://example.org/data", "ftp")
    assert split_source("meters.csv") == (None, "meters.csv")
