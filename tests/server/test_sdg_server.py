"""The SDG routes of the API on SQLite and PostgreSQL: indicator data sets (upload, read,
progress, download), the VLR (settings, narratives, HTML and PDF), tenancy and refused input.

The data are the Yokohama demo CITY_DIR (`kizuna/demo/data/sdg/yokohama`), uploaded to the
cities of `world` (every visibility, every role). Hand-computed check of the progress
method on 13.2.2, 21.59 MtCO2e (2013) -> 16.48 (2020), target 10.795 (-50 %) in 2030,
lower is better:

    CAGR   = (16.48 / 21.59)^(1/7) - 1   = exp(-0.270083 / 7) - 1  = -0.0378486
    CAGR_T = (10.795 / 21.59)^(1/17) - 1 = exp(-0.693147 / 17) - 1 = -0.0399533
    R      = -(-0.0378486) / 0.0399533   = 0.94732  -> moderate progress (0.6 <= R < 0.95)
    score  = 7.1429 R - 4.2857           = 2.4809

Bad input is answered with a 4xx in the one error shape and writes nothing: each such
test counts the rows (and audit entries) before and after.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest
import yaml
from dbs import ENGINES
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from world import PASSWORD, World, served_world

from kizuna.demo.sdg_seed import narrative_texts
from kizuna.planning import load_plan, optimise
from kizuna.sdg import assess_indicators, goals_only, read_data_dir
from kizuna.sdg.vlr import load_city_dir
from kizuna.server.sdg_vlr import plan_result, preview_policy
from kizuna.server.tables import AuditEntry, Visibility
from kizuna.server.tables.sdg import SdgDataset, SdgIndicator, VlrProject

CITY_DIR = Path(str(files("kizuna.demo").joinpath("data", "sdg", "yokohama")))
DATA_FILES = sorted(
    [*CITY_DIR.glob("data/indicator_*.csv"), *CITY_DIR.glob("indicator-config/*.yml")]
)
API = "/api/v1/cities"


def city_zip(extra: dict[str, bytes] | None = None, root: str = "yokohama/") -> bytes:
    """The whole CITY_DIR zipped under `root` (city.yaml and narratives too: they are not
    data and are skipped), plus `extra` members."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(CITY_DIR.rglob("*")):
            if path.is_file():
                archive.write(path, root + str(path.relative_to(CITY_DIR)))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def data_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def vlr_config() -> dict:
    """The city.yaml fields of the demo CITY_DIR, without the files it names."""
    return load_city_dir(CITY_DIR).config.model_dump(
        mode="json", exclude={"plan", "framework", "data"}
    )


@pytest.fixture(scope="module", params=ENGINES)
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, World]]:
    with served_world(request.param, tmp_path_factory.mktemp("sdg"), upload_max_mb=0.2) as served:
        yield served


def counts(client: TestClient) -> dict[str, int]:
    """Rows of the tables an SDG upload or VLR change may write."""
    with client.app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        return {
            m.__name__: int(session.scalar(select(func.count()).select_from(m)) or 0)
            for m in (SdgDataset, SdgIndicator, VlrProject, AuditEntry)
        }


def upload(
    client: TestClient, world: World, slug: str, who: str = "editor", name: str = "indicators"
) -> dict:
    response = client.post(
        f"{API}/{slug}/sdg/datasets",
        files=[("file", ("yokohama.zip", city_zip(), "application/zip"))],
        data={"name": name, "title": "Yokohama indicators"},
        headers=world.headers(who),
    )
    assert response.status_code == 201, response.text
    return response.json()


def assert_error(response: object, status: int) -> dict:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    error = response.json()["error"]  # type: ignore[attr-defined]
    assert set(error) == {"code", "message", "hint", "details"}
    return error


# --- data sets -------------------------------------------------------------------------------


def test_upload_round_trip_gives_the_files_back(platform: tuple[TestClient, World]) -> None:
    client, world = platform
    stored = upload(client, world, "private-city", name="round-trip")
    assert stored["sharing"]["visibility"] == "private"  # a new data set is private
    assert [i["id"] for i in stored["indicators"]] == [
        "1-2-2-a",
        "5-5-1-b",
        "11-6-2-a",
        "12-5-L1",
        "13-2-2",
    ]
    download = client.get(stored["links"]["download"], headers=world.headers("viewer"))
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        got = {name: archive.read(name) for name in archive.namelist()}
    expected = {str(p.relative_to(CITY_DIR)): p.read_bytes() for p in DATA_FILES}
    assert got == expected  # every CSV and config, byte for byte, in Open SDG's layout
    # the single files (CSV and config) give the same data set as the zip
    single = client.post(
        f"{API}/private-city/sdg/datasets",
        files=[("file", (p.name, p.read_bytes(), "text/plain")) for p in DATA_FILES],
        data={"name": "single-files"},
        headers=world.headers("editor"),
    )
    assert single.status_code == 201, single.text
    again = client.get(single.json()["links"]["download"], headers=world.headers("editor"))
    with zipfile.ZipFile(io.BytesIO(again.content)) as archive:
        assert {name: archive.read(name) for name in archive.namelist()} == expected
    one = client.get(
        f"{API}/private-city/sdg/datasets/round-trip/indicators/13-2-2",
        headers=world.headers("viewer"),
    ).json()
    assert (one["number"], one["unit"], one["first_year"], one["last_year"]) == (
        "13.2.2",
        "MtCO2e",
        2013,
        2020,
    )
    assert [r["Value"] for r in one["rows"]] == [21.59, 17.72, 16.48]
    assert one["config"]["progress_calculation_options"][0]["target"] == 10.795


def test_progress_via_the_api_equals_the_library(platform: tuple[TestClient, World]) -> None:
    client, world = platform
    upload(client, world, "public-city", who="admin")
    response = client.get(
        f"{API}/public-city/sdg/datasets/indicators/progress", headers=world.headers("viewer")
    )
    assert response.status_code == 200
    body = response.json()
    assert (body.pop("city"), body.pop("dataset")) == ("public-city", "indicators")
    library = assess_indicators(read_data_dir(CITY_DIR / "data"), goals_only()).to_dict()
    assert body == json.loads(json.dumps(library))
    ghg = next(i for i in body["indicators"] if i["id"] == "13-2-2")["series"][0]
    assert ghg["progress_value"] == pytest.approx(0.94732, abs=1e-5)  # hand-computed R
    assert ghg["score"] == pytest.approx(2.4809, abs=1e-4)
    assert ghg["status"] == "moderate_progress"
    goal13 = next(g for g in body["goals"] if g["key"] == "13")
    assert goal13["score"] == pytest.approx(ghg["score"])  # one target, one indicator


def test_replacing_a_data_set_keeps_its_sharing(platform: tuple[TestClient, World]) -> None:
    client, world = platform
    first = upload(client, world, "network-city", name="replaced")
    again = upload(client, world, "network-city", name="replaced")
    assert again["sharing"] == first["sharing"]
    listed = client.get(f"{API}/network-city/sdg/datasets", headers=world.headers("editor"))
    assert [d["name"] for d in listed.json()["datasets"]].count("replaced") == 1
    assert listed.json()["datasets"][0]["indicators"] == 5


# --- tenancy ---------------------------------------------------------------------------------


def test_private_data_set_is_hidden_and_writes_need_an_editor(
    platform: tuple[TestClient, World],
) -> None:
    client, world = platform
    upload(client, world, "public-city", name="hidden")  # private, of a public city
    base = f"{API}/public-city/sdg/datasets/hidden"
    for who in ("anonymous", "outsider", "partner", "loner"):
        for path in ("", "/progress", "/download", "/indicators/13-2-2"):
            assert_error(client.get(base + path, headers=world.headers(who)), 404)
        listed = client.get("/api/v1/sdg/datasets", headers=world.headers(who)).json()
        assert "hidden" not in [d["name"] for d in listed["datasets"]]
    assert client.get(base, headers=world.headers("viewer")).status_code == 200
    before = counts(client)
    for who, status in (("viewer", 403), ("editor-read-token", 403), ("outsider", 403)):
        response = client.post(
            f"{API}/public-city/sdg/datasets",
            files=[("file", ("y.zip", city_zip(), "application/zip"))],
            headers=world.headers(who),
        )
        assert_error(response, status)
    # a city the asker cannot read is 404, not 403
    response = client.post(
        f"{API}/private-city/sdg/datasets",
        files=[("file", ("y.zip", city_zip(), "application/zip"))],
        headers=world.headers("outsider"),
    )
    assert_error(response, 404)
    # publishing beyond the organisation needs an admin
    response = client.post(
        f"{API}/public-city/sdg/datasets",
        files=[("file", ("y.zip", city_zip(), "application/zip"))],
        data={"name": "published", "visibility": "public", "licence": "CC-BY-4.0"},
        headers=world.headers("editor"),
    )
    assert_error(response, 403)
    assert_error(client.delete(base, headers=world.headers("viewer")), 403)
    assert counts(client) == before


# --- refused uploads -------------------------------------------------------------------------

BAD_VALUE = b"Year,Units,Value\n2015,Percent,12.5\n2016,Percent,twelve\n"
BAD_OPTION = b"auto_progress_calculation: true\nprogress_calculation_options:\n- {speed: 2}\n"


def bomb() -> bytes:
    """A zip of a few kB that unzips to 3 MB (over 10 x the 0.2 MB upload limit)."""
    return data_zip({"data/indicator_1-1-1.csv": b"Year,Value\n" + b"2015,1\n" * 430_000})


@pytest.mark.parametrize(
    ("files", "status", "where"),
    [
        ([("notes.txt", b"hello")], 422, "notes.txt"),
        ([("data.zip", b"not a zip at all")], 422, "data.zip"),
        (
            [("data.zip", data_zip({"../indicator_1-1-1.csv": b"Year,Value\n2015,1\n"}))],
            422,
            "unsafe path",
        ),
        ([("data.zip", data_zip({"readme.md": b"# nothing"}))], 422, "no indicator_"),
        ([("data.zip", bomb())], 413, "data.zip"),
        ([("indicator_3-1-1.csv", BAD_VALUE)], 422, "indicator_3-1-1.csv"),
        (
            [("indicator_3-1-1.csv", b"Year,Value\n2015,1\n2020,2\n"), ("3-1-1.yml", BAD_OPTION)],
            422,
            "3-1-1.yml",
        ),
        (
            [("data.zip", city_zip({"yokohama/indicator-config/9-9-9.yml": b"a: 1\n"}))],
            422,
            "9-9-9.yml: a config without its data file",
        ),
        ([("big.csv", b"x" * 300_000)], 413, "larger than the upload limit"),
    ],
)
def test_refused_uploads_write_nothing(
    platform: tuple[TestClient, World], files: list[tuple[str, bytes]], status: int, where: str
) -> None:
    client, world = platform
    before = counts(client)
    response = client.post(
        f"{API}/private-city/sdg/datasets",
        files=[("file", (name, data, "application/octet-stream")) for name, data in files],
        headers=world.headers("editor"),
    )
    error = assert_error(response, status)
    if where:
        assert where in json.dumps(error), error
    assert counts(client) == before


def test_every_problem_of_an_upload_is_listed(platform: tuple[TestClient, World]) -> None:
    client, world = platform
    before = counts(client)
    response = client.post(
        f"{API}/private-city/sdg/datasets",
        files=[
            ("file", ("indicator_3-1-1.csv", BAD_VALUE, "text/csv")),
            ("file", ("indicator_4-1-1.csv", b"Value,Year\n1,2015\n", "text/csv")),
            ("file", ("9-9-9.yml", b"indicator_name: orphan\n", "text/yaml")),
        ],
        headers=world.headers("editor"),
    )
    error = assert_error(response, 422)
    assert error["message"].startswith("3 problems")
    assert {"file": "indicator_3-1-1.csv", "row": 3, "column": "Value"} in error["details"]
    assert any("9-9-9.yml" in d.get("file", "") for d in error["details"])
    assert counts(client) == before


# --- the VLR ---------------------------------------------------------------------------------


def narratives() -> dict[str, dict[str, str]]:
    """The demo's narratives by language and section (goal texts as ``goals/<n>``)."""
    city = load_city_dir(CITY_DIR)
    return narrative_texts(city.narratives, city.goal_narratives)


def test_vlr_settings_narratives_and_downloads(platform: tuple[TestClient, World]) -> None:
    client, world = platform
    upload(client, world, "partners-city", name="vlr-data")
    editor = world.headers("editor")
    made = client.put(
        f"{API}/partners-city/vlr",
        json={"config": vlr_config(), "dataset": "vlr-data"},
        headers=editor,
    )
    assert made.status_code == 200, made.text
    assert made.json()["sharing"]["visibility"] == "private"
    texts = narratives()
    texts["en"]["opening"] = "Opening of the **test** review."
    texts["en"]["goals/13"] = "What the city does for climate action."
    texts["ja"]["opening"] = "横浜市の**テスト**レビュー。"
    patched = client.patch(
        f"{API}/partners-city/vlr/narratives", json={"narratives": texts}, headers=editor
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["narratives"]["ja"]["opening"] == texts["ja"]["opening"]

    html = client.get(f"{API}/partners-city/vlr/report.html", headers=editor)
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    page = html.text
    assert "Opening of the <strong>test</strong> review." in page
    assert "What the city does for climate action." in page
    assert 'id="chart-wheel"' in page
    assert "Plotly" in page
    # the plan of partners-city (its editor reads it) is in the climate section
    assert "least-cost climate roadmap needs a green investment" in page
    ja = client.get(f"{API}/partners-city/vlr/report.html?language=ja", headers=editor)
    assert "自発的自治体レビュー" in ja.text
    assert "横浜市の<strong>テスト</strong>レビュー。" in ja.text

    pdf = client.get(f"{API}/partners-city/vlr/report.pdf", headers=editor)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content[:5] == b"%PDF-"
    assert len(pdf.content) > 50_000
    again = client.get(f"{API}/partners-city/vlr/report.pdf", headers=editor)
    assert again.content == pdf.content  # from the answer cache, nothing changed
    client.patch(
        f"{API}/partners-city/vlr/narratives",
        json={"narratives": {"en": {"opening": "Changed."}}},
        headers=editor,
    )
    changed = client.get(f"{API}/partners-city/vlr/report.pdf", headers=editor)
    assert changed.content != pdf.content  # a change makes a new PDF

    # readers: a partner may not read the private VLR; once partners-visible, it may
    assert_error(client.get(f"{API}/partners-city/vlr", headers=world.headers("partner")), 404)
    vlr_id = made.json()["links"]["sharing"].rsplit("/", 1)[1]
    for kind, object_id in (("vlr", vlr_id), ("sdg_dataset", None)):
        if object_id is None:
            with client.app.state.sessionmaker() as session:  # type: ignore[attr-defined]
                object_id = session.scalar(
                    select(SdgDataset.id).where(SdgDataset.name == "vlr-data")
                )
        for step in (
            client.put(
                f"/api/v1/sharing/{kind}/{object_id}",
                json={"visibility": "partners"},
                headers=world.headers("admin"),
            ),
            client.post(
                f"/api/v1/sharing/{kind}/{object_id}/partners",
                json={"organisation": "partner-lab"},
                headers=world.headers("admin"),
            ),
        ):
            assert step.status_code in (200, 201), step.text
    partner = world.headers("partner")
    assert client.get(f"{API}/partners-city/vlr", headers=partner).status_code == 200
    assert client.get(f"{API}/partners-city/vlr/report.html", headers=partner).status_code == 200


def test_vlr_shows_the_plan_only_to_its_readers(platform: tuple[TestClient, World]) -> None:
    """A public VLR of public-city, whose plan is made visible to signed-in members only:
    a member reads the review with the plan, an anonymous reader without it."""
    client, world = platform
    admin = world.headers("admin")
    response = client.post(
        f"{API}/public-city/sdg/datasets",
        files=[("file", ("yokohama.zip", city_zip(), "application/zip"))],
        data={"name": "public-data", "visibility": "public", "licence": "CC-BY-4.0"},
        headers=admin,
    )
    assert response.status_code == 201, response.text
    plan = f"/api/v1/sharing/plan/{world.objects[('plan', Visibility.PUBLIC)]}"
    assert client.put(plan, json={"visibility": "network"}, headers=admin).status_code == 200
    try:
        made = client.put(
            f"{API}/public-city/vlr",
            json={
                "config": vlr_config(),
                "dataset": "public-data",
                "visibility": "public",
                "licence": "CC-BY-4.0",
            },
            headers=admin,
        )
        assert made.status_code == 200, made.text
        member = client.get(f"{API}/public-city/vlr/report.html", headers=world.headers("outsider"))
        anonymous = client.get(f"{API}/public-city/vlr/report.html")
        assert member.status_code == 200
        assert anonymous.status_code == 200
        assert "least-cost climate roadmap needs a green investment" in member.text
        assert "least-cost climate roadmap" not in anonymous.text
        assert "This CITY_DIR has no climate plan" in anonymous.text
    finally:
        public = {"visibility": "public", "licence": "CC-BY-4.0"}
        assert client.put(plan, json=public, headers=admin).status_code == 200


def dataset_id(client: TestClient, name: str) -> int:
    with client.app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        return int(session.scalar(select(SdgDataset.id).where(SdgDataset.name == name)) or 0)


def test_bad_vlr_input_writes_nothing(platform: tuple[TestClient, World]) -> None:
    client, world = platform
    upload(client, world, "private-city", name="vlr-bad")
    editor = world.headers("editor")
    before = counts(client)
    config = {**vlr_config(), "report_year": 1900}
    error = assert_error(
        client.put(f"{API}/private-city/vlr", json={"config": config}, headers=editor), 422
    )
    assert {"field": "report_year"} in error["details"]
    with_file = {**vlr_config(), "plan": "plan.yaml"}
    assert_error(
        client.put(f"{API}/private-city/vlr", json={"config": with_file}, headers=editor), 422
    )
    assert_error(
        client.put(
            f"{API}/private-city/vlr",
            json={"config": vlr_config(), "dataset": "nonexistent"},
            headers=editor,
        ),
        404,
    )
    assert_error(
        client.put(
            f"{API}/private-city/vlr",
            json={"config": vlr_config()},
            headers=world.headers("viewer"),
        ),
        403,
    )
    assert counts(client) == before
    client.put(f"{API}/private-city/vlr", json={"config": vlr_config()}, headers=editor)
    before = counts(client)
    for body, status in (
        ({"narratives": {"en": {"chapter-99": "x"}}}, 422),
        ({"narratives": {"fr": {"opening": "x"}}}, 422),
        ({"narratives": {"en": {"opening": "x" * 50_001}}}, 422),
    ):
        response = client.patch(f"{API}/private-city/vlr/narratives", json=body, headers=editor)
        assert_error(response, status)
    viewer = client.patch(
        f"{API}/private-city/vlr/narratives",
        json={"narratives": {"en": {"opening": "x"}}},
        headers=world.headers("viewer"),
    )
    assert_error(viewer, 403)
    assert counts(client) == before


def test_deleting_a_data_set_leaves_the_vlr_without_one(
    platform: tuple[TestClient, World],
) -> None:
    client, world = platform
    upload(client, world, "public-city", name="doomed")
    editor = world.headers("editor")
    client.put(
        f"{API}/public-city/vlr", json={"config": vlr_config(), "dataset": "doomed"}, headers=editor
    )
    assert (
        client.delete(f"{API}/public-city/sdg/datasets/doomed", headers=editor).status_code == 204
    )
    project = client.get(f"{API}/public-city/vlr", headers=editor).json()
    assert project["dataset"] is None  # ON DELETE SET NULL, on both engines
    html = client.get(f"{API}/public-city/vlr/report.html", headers=editor)
    assert html.status_code == 200  # a review without data still builds


# --- the pieces ------------------------------------------------------------------------------


def test_stored_roadmap_gives_back_the_plan_result() -> None:
    result = optimise(load_plan(Path(__file__).parent / "data" / "plans" / "testville.yaml"))
    assert plan_result(result.to_dict()).to_dict() == result.to_dict()


def test_preview_policy_allows_exactly_the_inline_scripts() -> None:
    html = "<script>a()</script><script type='application/json'>{}</script><script>b()</script>"
    policy = preview_policy(html)
    # SHA-256 of "a()" and of "b()" in base64, from: printf 'a()' | openssl dgst -sha256
    # -binary | base64 (what a browser compares a script's hash with)
    assert "'sha256-qVpDBgj7bpq5hMAcGp3AOc79J3Y1Z4HvySTwKrWDoy4='" in policy
    assert "'sha256-cf242PFc/kb7xD0Qzhsmd9vvRkc+cWFmbi+k+YvtdKc='" in policy
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"].count("'sha256-") == 2  # the JSON data is not a script
    assert "unsafe" not in directives["script-src"]
    assert directives["default-src"] == "'none'"
    assert directives["frame-ancestors"] == "'self'"


# --- the pages -------------------------------------------------------------------------------

HTML = {"accept": "text/html"}


def signed_in(client: TestClient, world: World, who: str) -> tuple[TestClient, str]:
    """A client of the same app signed in as `who` through the sign-in form, and its CSRF
    token."""
    browser = TestClient(client.app)
    form = browser.get("/signin", headers=HTML).text
    token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = browser.post(
        "/signin",
        data={"email": world.emails[who], "password": PASSWORD, "csrf_token": token},
        headers=HTML,
        follow_redirects=False,
    )
    assert response.status_code == 303
    account = browser.get("/account", headers=HTML).text
    return browser, account.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def test_pages_follow_the_same_rules(platform: tuple[TestClient, World]) -> None:
    client, world = platform
    editor, csrf = signed_in(client, world, "editor")
    before = counts(client)
    refused = editor.post(
        "/sdg/private-city/upload",
        files=[("file", ("indicator_3-1-1.csv", BAD_VALUE, "text/csv"))],
        data={"csrf_token": csrf, "name": "from-page"},
        headers={**HTML, "hx-request": "true"},
    )
    assert refused.status_code == 422
    assert 'id="upload-error"' in refused.text
    assert "<html" not in refused.text  # the form alone, for HTMX to swap in
    assert counts(client) == before
    stored = editor.post(
        "/sdg/private-city/upload",
        files=[("file", ("y.zip", city_zip(), "application/zip"))],
        data={"csrf_token": csrf, "name": "from-page"},
        headers={**HTML, "hx-request": "true"},
    )
    assert stored.status_code == 204
    assert stored.headers["hx-redirect"] == "/sdg/private-city?dataset=from-page"
    dashboard = editor.get("/sdg/private-city?dataset=from-page", headers=HTML)
    assert dashboard.status_code == 200
    assert 'data-chart-for="chart-wheel"' in dashboard.text
    for who in ("anonymous", "outsider"):
        for path in ("/sdg/private-city", "/sdg/private-city/indicators/13-2-2"):
            assert client.get(path, headers={**HTML, **world.headers(who)}).status_code == 404
    viewer, _ = signed_in(client, world, "viewer")
    assert viewer.get("/sdg/private-city/upload", headers=HTML).status_code == 403

    bad = editor.post(
        "/sdg/private-city/vlr",
        data={"csrf_token": csrf, "dataset": "from-page", "settings": "name: [unclosed"},
        headers=HTML,
    )
    assert bad.status_code == 422
    assert "not valid YAML" in bad.text
    settings = yaml.safe_dump(vlr_config(), allow_unicode=True)
    started = editor.post(
        "/sdg/private-city/vlr",
        data={"csrf_token": csrf, "dataset": "from-page", "use_plan": "1", "settings": settings},
        headers=HTML,
        follow_redirects=False,
    )
    assert started.status_code == 303
    saved = editor.post(
        "/sdg/private-city/vlr/narratives",
        data={"csrf_token": csrf, "lang": "ja", "text:opening": "ページから書いた文章。"},
        headers=HTML,
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == "/sdg/private-city/vlr?edit=ja#preview"
    project = client.get(f"{API}/private-city/vlr", headers=world.headers("editor")).json()
    assert project["narratives"]["ja"]["opening"] == "ページから書いた文章。"
    preview = editor.get("/sdg/private-city/vlr/preview?language=ja", headers=HTML)
    assert preview.status_code == 200
    assert "ページから書いた文章。" in preview.text
    policy = preview.headers["content-security-policy"]
    assert policy == preview_policy(preview.text)
    assert policy.count("'sha256-") == 2  # Plotly.js and the drawing script
    pdf = editor.get("/sdg/private-city/vlr/pdf?language=en", headers=HTML)
    assert 'href="/api/v1/cities/private-city/vlr/report.pdf?language=en"' in pdf.text
