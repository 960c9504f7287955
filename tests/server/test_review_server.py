"""Reviews in the platform, on SQLite and PostgreSQL: scenario sets and stored stress tests,
risk runs, progress tracking and re-plans of a city's plan over the API.

- A stored review's result is the library's (`kizuna.review`) for the same inputs: the
  tests compute it again from the plan file and compare, figure by figure.
- Tenancy: a review is read where both it and its plan may be read (404 otherwise, like a
  missing one); running one needs an editor of the plan's owner (403 for others).
- Bad scenario files, bad actuals and too many draws are answered 4xx and write nothing
  (each such test counts the rows and audit entries before and after).
- The demo stores a stress test of the Yokohama plan under the packaged scenarios (the
  pandemic shock among them) and a seeded risk run, for the network's members.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from dbs import ENGINES
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from world import DATA, INVENTORY, LICENCE, PLAN, World, served_world

from kizuna.demo import load_demo
from kizuna.planning import load_plan, optimise
from kizuna.review import (
    default_scenarios,
    monte_carlo,
    parse_scenarios,
    read_actuals,
    replan,
    stress_test,
    track_progress,
)
from kizuna.server import Settings, create_app
from kizuna.server.settings import sqlite_url
from kizuna.server.tables import AuditEntry, Share
from kizuna.server.tables.review import PlanReview, StoredScenarioSet

PLAN_FILE = DATA / "plans" / "testville.yaml"
SLUMP = b"""scenarios:
  - id: slump
    name: Slump
    description: BAU 10 % lower in 2026, back over two years
    shocks: [{year: 2026, drop: 0.1, rebound_years: 2}]
"""


@pytest.fixture(scope="module", params=ENGINES)
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, World]]:
    """The app on the world of `world.build_world`, on each engine (uploads up to 0.2 MB)."""
    with served_world(
        request.param, tmp_path_factory.mktemp("review"), upload_max_mb=0.2
    ) as served:
        yield served


@pytest.fixture(scope="module")
def library() -> tuple[Any, Any]:
    """The world's plan read from its file (the server read the same figures from its
    stored inventory) and its optimised result."""
    plan = load_plan(PLAN_FILE)
    return plan, optimise(plan)


def counts(client: TestClient) -> dict[str, int]:
    """Rows of the tables a review or a scenario upload may write."""
    with client.app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        return {
            model.__name__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (StoredScenarioSet, PlanReview, AuditEntry, Share)
        }


def same(stored: Any, expected: Any, where: str = "") -> None:
    """`stored` (JSON read back) equals `expected` (the library's ``to_dict()``), floats to
    1e-9 relative; NaN is stored as null."""
    if isinstance(expected, dict):
        assert set(stored) == {str(k) for k in expected}, where
        for key, value in expected.items():
            same(stored[str(key)], value, f"{where}.{key}")
    elif isinstance(expected, list | tuple):
        assert len(stored) == len(expected), where
        for i, (a, b) in enumerate(zip(stored, expected, strict=True)):
            same(a, b, f"{where}[{i}]")
    elif isinstance(expected, float) and not isinstance(expected, bool):
        if math.isnan(expected):
            assert stored is None, where
        else:
            assert stored == pytest.approx(expected, rel=1e-9, abs=1e-6), where
    else:
        assert stored == expected, where


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return response.json()["error"]


# --- stress tests and scenario sets -----------------------------------------------------------


def test_stress_test_is_the_librarys(platform: tuple[TestClient, World], library: Any) -> None:
    """The stored stress test equals `stress_test(plan, optimise(plan), default_scenarios())`.

    By hand, for the pandemic (BAU x (1 - 0.054) in start_year + 2 = 2025, the roadmap's
    abatement unchanged and no sector floored at zero): E_pandemic(2025) = E_plan(2025) -
    0.054 x BAU(2025), and the plan's own world repeats the optimised emissions and NPV."""
    client, world = platform
    plan, result = library
    made = client.post(
        "/api/v1/cities/private-city/reviews/stress", json={}, headers=world.headers("editor")
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["kind"], body["title"], body["stale"]) == (
        "stress",
        "Kizuna default scenarios",
        False,
    )
    assert body["sharing"] == {"owner": "city-hall", "visibility": "private", "licence": None}
    same(body["result"], stress_test(plan, result, default_scenarios()).to_dict())
    assert body["inputs"]["scenario_set"] == "default"
    assert parse_scenarios(body["inputs"]["scenarios"]) == default_scenarios()
    stored_plan = client.get(
        "/api/v1/cities/private-city/plan", headers=world.headers("viewer")
    ).json()
    by_id = {o["scenario"]: o for o in body["result"]["scenarios"]}
    own = by_id["plan"]
    assert own["npv"] == pytest.approx(stored_plan["result"]["npv"])
    same(own["emissions"], stored_plan["result"]["emissions"])
    bau, planned = own["bau"]["2025"], own["emissions"]["2025"]
    assert by_id["pandemic"]["emissions"]["2025"] == pytest.approx(planned - 0.054 * bau)
    # read back: the same answer, with an ETag a client can send again
    address = body["links"]["self"]
    again = client.get(address, headers=world.headers("viewer"))
    assert again.json() == body
    cached = client.get(
        address, headers={**world.headers("viewer"), "if-none-match": again.headers["etag"]}
    )
    assert cached.status_code == 304
    listed = client.get(
        "/api/v1/cities/private-city/reviews",
        params={"kind": "stress"},
        headers=world.headers("viewer"),
    ).json()
    assert body["id"] in [r["id"] for r in listed["reviews"]]
    assert "result" not in listed["reviews"][0]
    # the plan optimised again: the stored review is of the earlier roadmap
    client.post("/api/v1/cities/private-city/plan/optimise", headers=world.headers("editor"))
    assert client.get(address, headers=world.headers("viewer")).json()["stale"] is True


def test_scenario_set_upload_use_and_delete(
    platform: tuple[TestClient, World], library: Any
) -> None:
    """An uploaded set is private to its owner, usable in a stress test (the library's result
    for the same scenarios), and deleting it leaves the reviews made with it whole."""
    client, world = platform
    plan, result = library
    editor = world.headers("editor")
    uploaded = client.post(
        "/api/v1/scenario-sets",
        files={"file": ("slump.yaml", SLUMP, "application/yaml")},
        data={"owner": "city-hall", "name": "Local slump"},
        headers=editor,
    )
    assert uploaded.status_code == 201, uploaded.text
    key = uploaded.json()["key"]
    assert uploaded.json()["scenarios"] == [
        {
            "id": "slump",
            "name": "Slump",
            "description": "BAU 10 % lower in 2026, back over two years",
        }
    ]
    keys = [
        s["key"]
        for s in client.get("/api/v1/scenario-sets", headers=editor).json()["scenario_sets"]
    ]
    assert keys[0] == "default"
    assert key in keys
    outsider = world.headers("outsider")
    assert key not in [
        s["key"]
        for s in client.get("/api/v1/scenario-sets", headers=outsider).json()["scenario_sets"]
    ]
    error_of(client.get(f"/api/v1/scenario-sets/{key}", headers=outsider), 404)
    assert client.get("/api/v1/scenario-sets/default").json()["packaged"] is True

    review = client.post(
        "/api/v1/cities/private-city/reviews/stress", json={"scenario_set": key}, headers=editor
    )
    assert review.status_code == 201, review.text
    expected = stress_test(plan, result, parse_scenarios(yaml.safe_load(SLUMP))).to_dict()
    same(review.json()["result"], expected)
    assert [o["scenario"] for o in review.json()["summary"]["scenarios"]] == ["plan", "slump"]

    error_of(client.delete("/api/v1/scenario-sets/default", headers=editor), 403)
    error_of(client.delete(f"/api/v1/scenario-sets/{key}", headers=world.headers("viewer")), 403)
    assert client.delete(f"/api/v1/scenario-sets/{key}", headers=editor).status_code == 204
    error_of(client.get(f"/api/v1/scenario-sets/{key}", headers=editor), 404)
    kept = client.get(review.json()["links"]["self"], headers=editor).json()
    assert kept["inputs"]["scenarios"]["scenarios"][0]["id"] == "slump"
    same(kept["result"], expected)


@pytest.mark.parametrize(
    ("name", "data", "status", "field"),
    [
        ("slump.yaml", SLUMP.replace(b"drop: 0.1", b"drop: 2"), 422, "scenarios[0].shocks[0].drop"),
        ("slump.yaml", b"scenarios: [unclosed", 422, "file"),
        ("slump.yaml", b"a: &x [1, 2]\nscenarios: *x\n", 422, "file"),  # no aliases
        ("slump.txt", SLUMP, 422, "file"),
        ("slump.json", b'{"scenarios": []}', 422, "scenarios"),
        ("slump.yaml", SLUMP + b"#" * 210_000, 413, "file"),
    ],
)
def test_bad_scenario_files_write_nothing(
    platform: tuple[TestClient, World], name: str, data: bytes, status: int, field: str
) -> None:
    client, world = platform
    before = counts(client)
    response = client.post(
        "/api/v1/scenario-sets",
        files={"file": (name, data, "application/yaml")},
        data={"owner": "city-hall"},
        headers=world.headers("editor"),
    )
    error = error_of(response, status)
    assert field in {d.get("field") for d in error["details"]}, error
    assert counts(client) == before


def test_a_scenario_set_for_someone_elses_organisation_is_refused(
    platform: tuple[TestClient, World],
) -> None:
    client, world = platform
    before = counts(client)
    for who, status in (("outsider", 403), ("viewer", 403), ("editor-read-token", 403)):
        response = client.post(
            "/api/v1/scenario-sets",
            files={"file": ("slump.yaml", SLUMP, "application/yaml")},
            data={"owner": "city-hall"},
            headers={"authorization": f"Bearer {world.tokens[who]}"},
        )
        error_of(response, status)
    public_by_editor = client.post(
        "/api/v1/scenario-sets",
        files={"file": ("slump.yaml", SLUMP, "application/yaml")},
        data={"owner": "city-hall", "visibility": "public", "licence": LICENCE},
        headers=world.headers("editor"),
    )
    error_of(public_by_editor, 403)  # a sharing decision: admins
    assert counts(client) == before


# --- Monte Carlo risk -------------------------------------------------------------------------


def test_risk_is_the_librarys_and_reproducible(
    platform: tuple[TestClient, World], library: Any
) -> None:
    """The stored run equals `monte_carlo(plan, result, draws=500, seed=7)`; the same seed
    gives the same result again; each probability's SE is sqrt(p (1 - p) / 500)."""
    client, world = platform
    plan, result = library
    runs = [
        client.post(
            "/api/v1/cities/private-city/reviews/risk",
            json={"draws": 500, "seed": 7},
            headers=world.headers("editor"),
        )
        for _ in range(2)
    ]
    assert [r.status_code for r in runs] == [201, 201], runs[0].text
    first, second = (r.json() for r in runs)
    assert first["id"] != second["id"]
    assert first["result"] == second["result"]
    same(first["result"], monte_carlo(plan, result, draws=500, seed=7).to_dict())
    for m in first["result"]["milestones"]:
        p = m["probability"]
        assert m["standard_error"] == pytest.approx(math.sqrt(p * (1 - p) / 500))
    assert first["inputs"] == {"draws": 500, "seed": 7, "risk": None, "notes": []}


def test_risk_with_a_risk_file_and_the_draw_limit(
    platform: tuple[TestClient, World], library: Any
) -> None:
    """With every quantity fixed at 1 the fan collapses onto the planned path (the library's
    zero-variance property, seen through the platform); 20,001 draws are refused."""
    client, world = platform
    fixed = {
        "uncertainties": [
            {"name": "uptake", "kind": "uptake", "distribution": {"type": "fixed", "value": 1.0}}
        ]
    }
    made = client.post(
        "/api/v1/cities/private-city/reviews/risk",
        json={"draws": 50, "risk": fixed},
        headers=world.headers("editor"),
    )
    assert made.status_code == 201, made.text
    for row in made.json()["result"]["fan"]:
        assert row["p5"] == pytest.approx(row["planned"])
        assert row["p95"] == pytest.approx(row["planned"])
    before = counts(client)
    too_many = client.post(
        "/api/v1/cities/private-city/reviews/risk",
        json={"draws": 20_001},
        headers=world.headers("editor"),
    )
    error = error_of(too_many, 422)
    assert "20,000" in error["message"]
    assert "20,001" in error["message"]
    assert error["details"] == [{"field": "draws"}]
    error_of(
        client.post(
            "/api/v1/cities/private-city/reviews/risk",
            json={"draws": 1},
            headers=world.headers("editor"),
        ),
        422,
    )
    bad_spec = {
        "uncertainties": [
            {"name": "x", "kind": "uptake", "distribution": {"type": "normal", "mean": 1}}
        ]
    }
    error = error_of(
        client.post(
            "/api/v1/cities/private-city/reviews/risk",
            json={"risk": bad_spec},
            headers=world.headers("editor"),
        ),
        422,
    )
    assert "uncertainties[0].distribution" in {d.get("field") for d in error["details"]}
    assert counts(client) == before


# --- progress and re-plan -----------------------------------------------------------------------


def actuals_above(result: Any, share: float) -> bytes:
    """City totals for 2023 and 2024 (start_year and the next) `share` above the roadmap."""
    rows = [f"{y},total,{result.emissions[y] * (1 + share):.6f}" for y in (2023, 2024)]
    return ("year,sector,emissions_tco2e\n" + "\n".join(rows) + "\n").encode()


def test_progress_is_the_librarys(
    platform: tuple[TestClient, World], library: Any, tmp_path: Path
) -> None:
    """Actual totals 5 % above the roadmap in 2023 and 2024: off track (5 % > the 2 %
    tolerance), gap in 2024 = 0.05 x planned(2024); the library gives the same result."""
    client, world = platform
    plan, result = library
    data = actuals_above(result, 0.05)
    made = client.post(
        "/api/v1/cities/private-city/reviews/progress",
        files={"actuals": ("actuals.csv", data, "text/csv")},
        headers=world.headers("editor"),
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["summary"]["on_track"] is False
    assert body["summary"]["gap"] == pytest.approx(0.05 * result.emissions[2024], rel=1e-6)
    path = tmp_path / "actuals.csv"
    path.write_bytes(data)
    same(body["result"], track_progress(plan, read_actuals(path, plan), result).to_dict())
    assert body["inputs"]["actuals_source"] == "upload"
    assert [e["year"] for e in body["inputs"]["emissions"]] == [2023, 2024]
    loose = client.post(
        "/api/v1/cities/private-city/reviews/progress",
        files={"actuals": ("actuals.csv", data, "text/csv")},
        data={"tolerance": "0.06"},
        headers=world.headers("editor"),
    ).json()
    assert loose["result"]["scopes"][0]["on_track"] is True  # 5 % is within 6 %


def test_replan_is_the_librarys(
    platform: tuple[TestClient, World], library: Any, tmp_path: Path
) -> None:
    """The re-plan after the same actuals is the library's; the excess emitted to 2024 is
    0.05 x (planned(2023) + planned(2024)), and the stored plan is unchanged."""
    client, world = platform
    plan, result = library
    data = actuals_above(result, 0.05)
    delivery = b"year,measure,installed\n2023,led,10000\n2024,led,10000\n"
    before_plan = client.get(
        "/api/v1/cities/private-city/plan", headers=world.headers("viewer")
    ).json()
    made = client.post(
        "/api/v1/cities/private-city/reviews/replan",
        files={
            "actuals": ("actuals.csv", data, "text/csv"),
            "delivery": ("delivery.csv", delivery, "text/csv"),
        },
        headers=world.headers("editor"),
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["result"]["excess"] == pytest.approx(
        0.05 * (result.emissions[2023] + result.emissions[2024]), rel=1e-6
    )
    paths = tmp_path / "actuals.csv", tmp_path / "delivery.csv"
    paths[0].write_bytes(data)
    paths[1].write_bytes(delivery)
    expected = replan(plan, read_actuals(paths[0], plan, delivery=paths[1]), result).to_dict()
    for key in (
        "actual_year",
        "excess",
        "cost_change",
        "npv_after",
        "milestones",
        "changes",
        "unchanged",
        "reasons",
    ):
        same(body["result"][key], expected[key], key)
    assert body["inputs"]["delivery"] == [
        {"year": 2023, "measure": "led", "installed": 10000.0},
        {"year": 2024, "measure": "led", "installed": 10000.0},
    ]
    after_plan = client.get(
        "/api/v1/cities/private-city/plan", headers=world.headers("viewer")
    ).json()
    assert after_plan == before_plan


@pytest.mark.parametrize(
    ("files", "field"),
    [
        ({"actuals": ("a.csv", b"year,sector,emissions_tco2e\n2023,Buildings,lots\n")}, "actuals"),
        ({"actuals": ("a.csv", b"year,sector,emissions_tco2e\n2099,total,5\n")}, "actuals"),
        ({"actuals": ("a.txt", b"year,sector,emissions_tco2e\n2023,total,5\n")}, "file"),
        ({"actuals": ("a.csv", b"")}, "actuals"),
        (
            {
                "actuals": ("a.csv", b"year,sector,emissions_tco2e\n2023,total,1500000\n"),
                "delivery": ("d.csv", b"year,measure,installed\n2023,no-such-measure,5\n"),
            },
            "delivery",
        ),
        ({}, "actuals"),  # no file, and no stored inventory after the base year
    ],
)
def test_bad_actuals_write_nothing(
    platform: tuple[TestClient, World], files: dict, field: str
) -> None:
    client, world = platform
    before = counts(client)
    for kind in ("progress", "replan"):
        response = client.post(
            f"/api/v1/cities/private-city/reviews/{kind}",
            files={k: (n, d, "text/csv") for k, (n, d) in files.items()},
            headers=world.headers("editor"),
        )
        error = error_of(response, 422)
        assert field in {d.get("field") for d in error["details"]}, error
    assert counts(client) == before


# --- tenancy ------------------------------------------------------------------------------------


def test_who_reads_and_runs_reviews(platform: tuple[TestClient, World]) -> None:
    """A private review of a public plan: the owner's members read it, nobody else (404, and
    not listed); running or deleting one needs an editor (403 for the viewer, a read-only
    token, the partner and the outsider; 401 for the anonymous)."""
    client, world = platform
    made = client.post(
        "/api/v1/cities/public-city/reviews/stress", json={}, headers=world.headers("editor")
    ).json()
    address = made["links"]["self"]
    for who in ("owner", "admin", "editor", "viewer"):
        assert client.get(address, headers=world.headers(who)).status_code == 200, who
    for who in ("anonymous", "partner", "outsider", "loner"):
        error_of(client.get(address, headers=world.headers(who)), 404)
        listed = client.get("/api/v1/cities/public-city/reviews", headers=world.headers(who)).json()
        assert made["id"] not in [r["id"] for r in listed["reviews"]], who
    before = counts(client)
    for who, status in (("viewer", 403), ("partner", 403), ("outsider", 403), ("anonymous", 401)):
        error_of(
            client.post(
                "/api/v1/cities/public-city/reviews/stress", json={}, headers=world.headers(who)
            ),
            status,
        )
        error_of(
            client.delete(address, headers=world.headers(who)), 404 if who != "viewer" else 403
        )
    read_only = {"authorization": f"Bearer {world.tokens['editor-read-token']}"}
    error_of(
        client.post("/api/v1/cities/public-city/reviews/risk", json={}, headers=read_only), 403
    )
    error_of(
        client.post(
            "/api/v1/cities/private-city/reviews/stress", json={}, headers=world.headers("outsider")
        ),
        404,
    )
    visible_by_editor = client.post(
        "/api/v1/cities/public-city/reviews/stress",
        json={"visibility": "network"},
        headers=world.headers("editor"),
    )
    error_of(visible_by_editor, 403)  # sharing beyond the organisation: admins
    assert counts(client) == before
    assert client.delete(address, headers=world.headers("editor")).status_code == 204
    error_of(client.get(address, headers=world.headers("owner")), 404)


def test_a_review_needs_its_plan_readable_too(platform: tuple[TestClient, World]) -> None:
    """A public review of a private plan in a public city stays hidden from outsiders: the
    plan decides too. Made public by an admin, then readable once the plan is public."""
    client, world = platform
    admin = world.headers("admin")
    city = {
        "slug": "mixed-city",
        "owner": "city-hall",
        "name": "Mixed",
        "country": "Japan",
        "visibility": "public",
        "licence": LICENCE,
    }
    assert client.post("/api/v1/cities", json=city, headers=admin).status_code == 201
    client.post(
        "/api/v1/cities/mixed-city/inventories",
        files={"file": ("t.csv", INVENTORY, "text/csv")},
        headers=admin,
    )
    plan = client.put(
        "/api/v1/cities/mixed-city/plan",
        files={"file": ("t.yaml", PLAN, "application/yaml")},
        headers=admin,
    )
    assert plan.json()["sharing"]["visibility"] == "private"
    made = client.post(
        "/api/v1/cities/mixed-city/reviews/stress",
        json={"visibility": "public", "licence": LICENCE},
        headers=admin,
    ).json()
    assert made["sharing"]["visibility"] == "public"
    outsider = world.headers("outsider")
    assert client.get("/api/v1/cities/mixed-city", headers=outsider).status_code == 200
    for address in (made["links"]["self"], "/api/v1/cities/mixed-city/reviews"):
        error_of(client.get(address, headers=outsider), 404)
        error_of(client.get(address), 404)
    assert (
        client.get(made["links"]["page"], headers={**outsider, "accept": "text/html"}).status_code
        == 404
    )
    opened = client.put(
        plan.json()["links"]["sharing"],
        json={"visibility": "public", "licence": LICENCE},
        headers=admin,
    )
    assert opened.status_code == 200, opened.text
    assert client.get(made["links"]["self"]).json()["id"] == made["id"]


def test_deleting_the_plan_takes_its_reviews_and_their_shares(
    platform: tuple[TestClient, World],
) -> None:
    client, world = platform
    admin = world.headers("admin")
    city = {"slug": "brief-city", "owner": "city-hall", "name": "Brief", "country": "Japan"}
    assert client.post("/api/v1/cities", json=city, headers=admin).status_code == 201
    client.post(
        "/api/v1/cities/brief-city/inventories",
        files={"file": ("t.csv", INVENTORY, "text/csv")},
        headers=admin,
    )
    client.put(
        "/api/v1/cities/brief-city/plan",
        files={"file": ("t.yaml", PLAN, "application/yaml")},
        headers=admin,
    )
    made = client.post(
        "/api/v1/cities/brief-city/reviews/stress", json={"visibility": "partners"}, headers=admin
    ).json()
    shared = client.post(
        f"/api/v1/sharing/review/{made['id']}/partners",
        json={"organisation": "partner-lab"},
        headers=admin,
    )
    assert shared.status_code == 200, shared.text
    assert [p["organisation"] for p in shared.json()["partners"]] == ["partner-lab"]
    assert client.delete("/api/v1/cities/brief-city/plan", headers=admin).status_code == 204
    with client.app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        assert session.get(PlanReview, made["id"]) is None
        left = session.scalars(
            select(Share).where(Share.object_type == "review", Share.object_id == made["id"])
        )
        assert list(left) == []


def test_review_pages_follow_the_same_rules(platform: tuple[TestClient, World]) -> None:
    """The hub and review pages show what the API shows to the same reader; forms that run
    a review need a signed-in browser (a token is sent to the sign-in page)."""
    client, world = platform
    html = {"accept": "text/html"}
    made = client.post(
        "/api/v1/cities/network-city/reviews/stress", json={}, headers=world.headers("editor")
    ).json()
    viewer = client.get("/cities/network-city/review", headers={**html, **world.headers("viewer")})
    assert viewer.status_code == 200
    assert f'href="/cities/network-city/review/{made["id"]}"' in viewer.text
    assert 'id="run-stress"' not in viewer.text  # viewers read, editors run
    editor = client.get("/cities/network-city/review", headers={**html, **world.headers("editor")})
    assert 'id="run-stress"' in editor.text
    outsider = client.get(
        "/cities/network-city/review", headers={**html, **world.headers("outsider")}
    )
    assert outsider.status_code == 200  # the network plan is readable, its private review not
    assert f"/cities/network-city/review/{made['id']}" not in outsider.text
    page = client.get(made["links"]["page"], headers={**html, **world.headers("outsider")})
    assert page.status_code == 404
    assert (
        client.get(
            "/cities/private-city/review", headers={**html, **world.headers("outsider")}
        ).status_code
        == 404
    )
    shown = client.get(made["links"]["page"], headers={**html, **world.headers("viewer")})
    assert "Pandemic shock" in shown.text
    before = counts(client)
    run = client.post(
        "/cities/network-city/review/stress",
        data={"csrf_token": "x"},
        headers={**html, **world.headers("editor")},
        follow_redirects=False,
    )
    assert run.status_code == 303
    assert run.headers["location"].startswith("/signin?next=")
    assert counts(client) == before


# --- the demo -----------------------------------------------------------------------------------


def test_the_demo_shows_the_pandemic_review(tmp_path: Path) -> None:
    """The demo's Yokohama plan has a stress test under the packaged scenarios (the pandemic
    among them) and a 2,000-draw risk run, both shared with the network like the plan."""
    app = create_app(Settings(database_url=sqlite_url(tmp_path / "demo.sqlite")))
    with app.state.sessionmaker() as session:
        summary = load_demo(session)
    secretariat = next(
        login for login in summary.logins if login.organisation == "zero-carbon-cities"
    )
    with TestClient(app) as client:
        error_of(client.get("/api/v1/cities/yokohama/reviews"), 404)  # the plan is for members
        page = client.get("/signin", headers={"accept": "text/html"})
        csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        signed = client.post(
            "/signin",
            data={"email": secretariat.email, "password": secretariat.password, "csrf_token": csrf},
            follow_redirects=False,
        )
        assert signed.status_code == 303
        listed = client.get("/api/v1/cities/yokohama/reviews").json()
        kinds = {r["kind"]: r for r in listed["reviews"]}
        assert set(kinds) == {"stress", "risk"}
        assert all(r["sharing"]["visibility"] == "network" for r in listed["reviews"])
        stress = client.get(kinds["stress"]["links"]["self"]).json()
        pandemic = next(o for o in stress["result"]["scenarios"] if o["scenario"] == "pandemic")
        assert pandemic["name"] == "Pandemic shock"
        # the shock of start_year + 2 = 2027: BAU 5.4 % lower that year only
        dip = (
            1
            - pandemic["bau"]["2027"]
            / next(o for o in stress["result"]["scenarios"] if o["scenario"] == "plan")["bau"][
                "2027"
            ]
        )
        assert dip == pytest.approx(0.054)
        risk = client.get(kinds["risk"]["links"]["self"]).json()
        assert (risk["result"]["draws"], risk["inputs"]["seed"]) == (2000, 2025)
        html = client.get(stress["links"]["page"], headers={"accept": "text/html"}).text
        assert "Pandemic shock" in html
        plan_page = client.get("/cities/yokohama/plan", headers={"accept": "text/html"}).text
        assert 'href="/cities/yokohama/review"' in plan_page
        # a network member reads the reviews but may not run one: the hub says why
        session_csrf = plan_page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        refused = client.post(
            "/cities/yokohama/review/stress",
            data={"csrf_token": session_csrf},
            headers={"accept": "text/html"},
        )
        assert refused.status_code == 403
        assert 'id="run-error"' in refused.text
        assert len(client.get("/api/v1/cities/yokohama/reviews").json()["reviews"]) == 2
