"""The write routes of the API on SQLite and PostgreSQL: uploads, plans, cities, organisations,
members, tokens, sharing and the audit log; paging, ETags and cache headers.

Bad input is answered with a clear 4xx in the one error shape and writes nothing:
each such test counts the rows (and audit entries) before and after.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml
from dbs import ENGINES
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from world import INVENTORY, PLAN, World, served_world

from kizuna.server.tables import SHARED_TYPES, AuditEntry, City, CityPlan, Inventory, Share

BAD_INVENTORY = b"""city,year,gpc_ref,gas,activity_value,activity_unit,ef_value,ef_unit
Testville,2022,I.1.1,CO2,1200,l,0.5,kg/kWh
Testville,2022,I.9.9,CO2,10,TJ,56100,kg/TJ
"""


@pytest.fixture(scope="module", params=ENGINES)
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, World]]:
    with served_world(
        request.param, tmp_path_factory.mktemp("writes"), upload_max_mb=0.2
    ) as served:
        yield served


def counts(client: TestClient) -> dict[str, int]:
    """Rows of the tables an import may write."""
    app = client.app
    with app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        return {
            model.__name__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (City, Inventory, CityPlan, AuditEntry)
        }


def new_city(client: TestClient, world: World, slug: str) -> None:
    made = client.post(
        "/api/v1/cities",
        json={"slug": slug, "owner": "city-hall", "name": slug.title(), "country": "Japan"},
        headers=world.headers("editor"),
    )
    assert made.status_code == 201, made.text


def assert_error_shape(response: object, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    error = response.json()["error"]  # type: ignore[attr-defined]
    assert set(error) == {"code", "message", "hint", "details"}
    assert isinstance(error["details"], list)
    if code:
        assert error["code"] == code
    return error


# --- inventories ---------------------------------------------------------------------------


def test_upload_inventory_then_read_and_export(platform: tuple[TestClient, World]) -> None:
    client, world = platform
    new_city(client, world, "upload-city")
    headers = world.headers("editor")
    response = client.post(
        "/api/v1/cities/upload-city/inventories",
        files={"file": ("testville.csv", INVENTORY, "text/csv")},
        data={"gwp": "AR5"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    stored = response.json()["inventories"]
    assert [(inv["year"], inv["gwp"]) for inv in stored] == [(2015, "AR5"), (2021, "AR5")]
    assert all(inv["sharing"]["visibility"] == "private" for inv in stored)
    # Testville 2021 BASIC: 1,040,000 + 540,000 + 2,100 t CH4 x 28 (AR5) = 1,638,800 tCO2e
    latest = client.get("/api/v1/cities/upload-city/inventories/2021", headers=headers).json()
    assert latest["result"]["totals"]["basic"] == pytest.approx(1_638_800)
    csv = client.get(latest["links"]["csv"], headers=headers)
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().splitlines()
    assert lines[0].startswith("city,year,gpc_ref,sector,subsector,scope")
    total = sum(float(line.rsplit(",", 2)[1]) for line in lines[1:])
    assert total == pytest.approx(sum(latest["result"]["by_ref"].values()))
    entries = client.get(latest["links"]["entries"], headers=headers)
    assert entries.status_code == 200
    assert "gpc_ref" in entries.text.splitlines()[0]
    # uploading the same file again replaces, it does not duplicate
    again = client.post(
        "/api/v1/cities/upload-city/inventories",
        files={"file": ("testville.csv", INVENTORY, "text/csv")},
        headers=headers,
    )
    assert again.status_code == 201
    listed = client.get("/api/v1/cities/upload-city/inventories", headers=headers).json()
    assert listed["total"] == 2


def test_bad_inventory_names_rows_and_writes_nothing(platform: tuple[TestClient, World]) -> None:
    client, world = platform
    before = counts(client)
    response = client.post(
        "/api/v1/cities/private-city/inventories",
        files={"file": ("bad.csv", BAD_INVENTORY, "text/csv")},
        headers=world.headers("editor"),
    )
    error = assert_error_shape(response, 422, "input_error")
    rows = {d.get("row") for d in error["details"]}
    assert {2, 3} <= rows, error
    assert "bad.csv" in error["message"]
    assert counts(client) == before


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("inventory.txt", INVENTORY, 422),
        ("empty.csv", b"", 422),
        ("huge.csv", INVENTORY + b"x" * 300_000, 413),
    ],
)
def test_refused_uploads_write_nothing(
    platform: tuple[TestClient, World], name: str, data: bytes, status: int
) -> None:
    client, world = platform
    before = counts(client)
    response = client.post(
        "/api/v1/cities/private-city/inventories",
        files={"file": (name, data, "text/csv")},
        headers=world.headers("editor"),
    )
    assert_error_shape(response, status)
    assert counts(client) == before


def test_body_over_the_limit_is_refused_before_reading(platform: tuple[TestClient, World]) -> None:
    client, world = platform
    response = client.post(
        "/api/v1/cities/private-city/inventories",
        content=b"x" * 2_000_000,
        headers={**world.headers("editor"), "content-type": "multipart/form-data; boundary=x"},
    )
    assert_error_shape(response, 413, "too_large")


# --- plans ----------------------------------------------------------------------------------


def test_plan_upload_reads_the_stored_inventory(platform: tuple[TestClient, World]) -> None:
    """The plan names ``../testville.csv``; the server reads the city's stored 2021
    inventory instead (never a file of its own): base year 1,638,800 tCO2e."""
    client, world = platform
    new_city(client, world, "plan-city")
    headers = world.headers("editor")
    no_inventory = client.put(
        "/api/v1/cities/plan-city/plan",
        files={"file": ("testville.yaml", PLAN, "application/yaml")},
        headers=headers,
    )
    error = assert_error_shape(no_inventory, 422)
    assert "base year 2021" in error["message"]
    client.post(
        "/api/v1/cities/plan-city/inventories",
        files={"file": ("testville.csv", INVENTORY, "text/csv")},
        headers=headers,
    )
    response = client.put(
        "/api/v1/cities/plan-city/plan",
        files={"file": ("testville.yaml", PLAN, "application/yaml")},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["plan"]["baseline"]["inventory"] == "../testville.csv"
    # the caps are the stored base-year total x (1 - reduction): 1,638,800 x 0.54 and x 0.2
    milestones = {m["year"]: m for m in body["result"]["milestones"]}
    assert milestones[2030]["cap"] == pytest.approx(884_952)
    assert milestones[2040]["cap"] == pytest.approx(327_760)
    macc = client.get("/api/v1/cities/plan-city/plan/macc", headers=headers).json()
    assert macc["currency"] == "JPY"
    assert macc["measures"]
    again = client.post("/api/v1/cities/plan-city/plan/optimise", headers=headers)
    assert again.status_code == 200
    assert again.json()["result"]["npv"] == pytest.approx(body["result"]["npv"])


def test_bad_plan_names_fields_and_writes_nothing(platform: tuple[TestClient, World]) -> None:
    client, world = platform
    plan = yaml.safe_load(PLAN)
    plan["measures"][0]["lifetime"] = -3
    plan["measures"][0]["requires"] = ["no-such-measure"]
    before = counts(client)
    response = client.put(
        "/api/v1/cities/private-city/plan",
        files={"file": ("broken.yaml", yaml.safe_dump(plan).encode(), "application/yaml")},
        headers=world.headers("editor"),
    )
    error = assert_error_shape(response, 422, "input_error")
    assert {"measures[0].lifetime"} <= {d.get("field") for d in error["details"]}
    broken_yaml = client.put(
        "/api/v1/cities/private-city/plan",
        files={"file": ("broken.yaml", b"city: [unclosed", "application/yaml")},
        headers=world.headers("editor"),
    )
    assert "not valid UTF-8 YAML" in assert_error_shape(broken_yaml, 422)["message"]
    assert counts(client) == before


# --- cities ---------------------------------------------------------------------------------


def test_city_create_update_delete(platform: tuple[TestClient, World]) -> None:
    client, world = platform
    headers = world.headers("editor")
    new_city(client, world, "short-lived")
    taken = client.post(
        "/api/v1/cities",
        json={"slug": "short-lived", "owner": "city-hall", "name": "X", "country": "Japan"},
        headers=headers,
    )
    assert_error_shape(taken, 422)
    public_by_editor = client.post(
        "/api/v1/cities",
        json={
            "slug": "loud",
            "owner": "city-hall",
            "name": "Loud",
            "country": "Japan",
            "visibility": "public",
            "licence": "CC-BY-4.0",
        },
        headers=headers,
    )
    assert_error_shape(public_by_editor, 403, "forbidden")
    changed = client.patch("/api/v1/cities/short-lived", json={"population": 1234}, headers=headers)
    assert changed.json()["population"] == 1234
    unknown = client.patch("/api/v1/cities/short-lived", json={"mayor": "x"}, headers=headers)
    assert_error_shape(unknown, 422)
    assert client.delete("/api/v1/cities/short-lived", headers=headers).status_code == 204
    assert client.get("/api/v1/cities/short-lived", headers=headers).status_code == 404
    outsider_city = client.post(
        "/api/v1/cities",
        json={"slug": "grab", "owner": "city-hall", "name": "Grab", "country": "Japan"},
        headers=world.headers("outsider"),
    )
    assert_error_shape(outsider_city, 403)


# --- paging, ETags and caching --------------------------------------------------------------


def test_city_list_pages_and_filters(platform: tuple[TestClient, World]) -> None:
    client, world = platform
    headers = world.headers("owner")
    everything = client.get("/api/v1/cities", headers=headers).json()
    first = client.get("/api/v1/cities", params={"limit": 2}, headers=headers).json()
    assert first["limit"] == 2
    assert first["offset"] == 0
    assert len(first["cities"]) == 2
    assert first["total"] == everything["total"] >= 4
    seen = [c["slug"] for c in first["cities"]]
    next_url = first["next"]
    while next_url:
        page = client.get(next_url, headers=headers).json()
        seen += [c["slug"] for c in page["cities"]]
        next_url = page["next"]
    assert seen == [c["slug"] for c in everything["cities"]]
    found = client.get("/api/v1/cities", params={"q": "PUBLIC"}, headers=headers).json()
    assert [c["slug"] for c in found["cities"]] == ["public-city"]
    none = client.get("/api/v1/cities", params={"country": "Atlantis"}, headers=headers).json()
    assert none["cities"] == []
    assert none["total"] == 0
    assert none["next"] is None
    bad = client.get("/api/v1/cities", params={"limit": 0}, headers=headers)
    assert_error_shape(bad, 422)


def test_etag_and_cache_headers(platform: tuple[TestClient, World]) -> None:
    client, world = platform
    headers = world.headers("viewer")
    first = client.get("/api/v1/cities/network-city", headers=headers)
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "private, no-cache"
    assert "Authorization" in first.headers["vary"]
    assert "Cookie" in first.headers["vary"]
    again = client.get("/api/v1/cities/network-city", headers={**headers, "if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    client.patch(
        "/api/v1/cities/network-city", json={"population": 262001}, headers=world.headers("editor")
    )
    changed = client.get("/api/v1/cities/network-city", headers={**headers, "if-none-match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


# --- organisations, members, tokens, sharing, audit -----------------------------------------


def test_organisation_and_members(platform: tuple[TestClient, World]) -> None:
    client, world = platform
    made = client.post(
        "/api/v1/organisations",
        json={"slug": "new-startup", "name": "New Startup", "kind": "startup"},
        headers=world.headers("loner"),
    )
    assert made.status_code == 201, made.text
    loner = world.headers("loner")
    members = client.get("/api/v1/organisations/new-startup/members", headers=loner).json()
    assert [(m["email"], m["role"]) for m in members["members"]] == [
        (world.emails["loner"], "owner")
    ]
    added = client.post(
        "/api/v1/organisations/new-startup/members",
        json={"email": world.emails["outsider"], "role": "editor"},
        headers=loner,
    )
    assert added.status_code == 201
    assert added.json()["role"] == "editor"
    nobody = client.post(
        "/api/v1/organisations/new-startup/members",
        json={"email": "nobody@nowhere.example", "role": "viewer"},
        headers=loner,
    )
    assert_error_shape(nobody, 404)
    outsider_id = world.user_ids["outsider"]
    promoted = client.patch(
        f"/api/v1/organisations/new-startup/members/{outsider_id}",
        json={"role": "admin"},
        headers=loner,
    )
    assert promoted.json()["role"] == "admin"
    last_owner = client.delete(
        f"/api/v1/organisations/new-startup/members/{world.user_ids['loner']}", headers=loner
    )
    assert "at least one owner" in assert_error_shape(last_owner, 422)["message"]
    removed = client.delete(
        f"/api/v1/organisations/new-startup/members/{outsider_id}", headers=loner
    )
    assert removed.status_code == 204
    renamed = client.patch(
        "/api/v1/organisations/new-startup", json={"name": "Renamed"}, headers=loner
    )
    assert renamed.json()["name"] == "Renamed"
    log = client.get("/api/v1/organisations/new-startup/audit", headers=loner).json()
    actions = [e["action"] for e in log["entries"]]
    assert actions[:5] == [
        "organisation.update",
        "membership.remove",
        "membership.role",
        "membership.add",
        "organisation.create",
    ]
    directory = client.get("/api/v1/organisations", params={"kind": "startup"}).json()
    assert "new-startup" in [o["slug"] for o in directory["organisations"]]


def test_tokens_need_a_session_and_revoke(platform: tuple[TestClient, World]) -> None:
    client, world = platform
    made = client.post("/api/v1/tokens", json={"name": "ci"}, headers=world.headers("viewer"))
    assert_error_shape(made, 403)  # a token cannot make tokens
    me = client.get("/api/v1/me", headers=world.headers("viewer")).json()
    assert me["email"] == world.emails["viewer"]
    assert me["memberships"] == [
        {
            "organisation": "city-hall",
            "name": "City Hall",
            "kind": "city_government",
            "role": "viewer",
        }
    ]
    listed = client.get("/api/v1/tokens", headers=world.headers("viewer")).json()
    assert listed["tokens"]
    assert all("token" not in t for t in listed["tokens"])
    anonymous = client.get("/api/v1/me")
    assert_error_shape(anonymous, 401, "unauthenticated")
    assert anonymous.headers["www-authenticate"] == 'Bearer realm="kizuna"'


def test_sharing_with_a_partner(platform: tuple[TestClient, World]) -> None:
    """A private city made partners-only becomes readable by its partners, nobody else."""
    client, world = platform
    new_city(client, world, "shy-city")
    city = client.get("/api/v1/cities/shy-city", headers=world.headers("editor")).json()
    sharing = city["links"]["sharing"]
    assert (
        client.get("/api/v1/cities/shy-city", headers=world.headers("partner")).status_code == 404
    )
    by_editor = client.put(
        sharing, json={"visibility": "partners"}, headers=world.headers("editor")
    )
    assert_error_shape(by_editor, 403)
    admin = world.headers("admin")
    assert client.put(sharing, json={"visibility": "partners"}, headers=admin).status_code == 200
    shared = client.post(f"{sharing}/partners", json={"organisation": "partner-lab"}, headers=admin)
    assert [p["organisation"] for p in shared.json()["partners"]] == ["partner-lab"]
    assert (
        client.get("/api/v1/cities/shy-city", headers=world.headers("partner")).status_code == 200
    )
    assert (
        client.get("/api/v1/cities/shy-city", headers=world.headers("outsider")).status_code == 404
    )
    no_licence = client.put(sharing, json={"visibility": "public"}, headers=admin)
    assert_error_shape(no_licence, 422)
    unshared = client.delete(f"{sharing}/partners/partner-lab", headers=admin)
    assert unshared.json()["partners"] == []
    assert (
        client.get("/api/v1/cities/shy-city", headers=world.headers("partner")).status_code == 404
    )
    unknown_kind = client.get("/api/v1/sharing/spaceship/1", headers=admin)
    assert "spaceship" in assert_error_shape(unknown_kind, 404)["message"]


def test_objects_of_a_hidden_city_stay_hidden(platform: tuple[TestClient, World]) -> None:
    """A public inventory of a private city is still hidden from outsiders: an object is
    readable only where what it belongs to is (its `parents`)."""
    client, world = platform
    new_city(client, world, "secret-city")
    editor, admin = world.headers("editor"), world.headers("admin")
    client.post(
        "/api/v1/cities/secret-city/inventories",
        files={"file": ("testville.csv", INVENTORY, "text/csv")},
        headers=editor,
    )
    inventory = client.get("/api/v1/cities/secret-city/inventories/2021", headers=editor).json()
    sharing = inventory["links"]["sharing"]
    public = client.put(
        sharing, json={"visibility": "public", "licence": "CC-BY-4.0"}, headers=admin
    )
    assert public.status_code == 200
    for who in ("anonymous", "outsider", "partner"):
        assert client.get(sharing, headers=world.headers(who)).status_code == 404, who
        assert (
            client.put(
                sharing, json={"visibility": "private"}, headers=world.headers(who)
            ).status_code
            == 404
        ), who


def test_deleting_a_city_leaves_no_shares_behind(platform: tuple[TestClient, World]) -> None:
    client, world = platform
    new_city(client, world, "gone-city")
    editor, admin = world.headers("editor"), world.headers("admin")
    client.post(
        "/api/v1/cities/gone-city/inventories",
        files={"file": ("testville.csv", INVENTORY, "text/csv")},
        headers=editor,
    )
    for year in (2015, 2021):
        inv = client.get(f"/api/v1/cities/gone-city/inventories/{year}", headers=editor).json()
        shared = client.post(
            f"{inv['links']['sharing']}/partners",
            json={"organisation": "partner-lab"},
            headers=admin,
        )
        assert shared.status_code == 200
    app = client.app
    with app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        before = session.scalar(select(func.count()).select_from(Share))
    assert client.delete("/api/v1/cities/gone-city", headers=editor).status_code == 204
    with app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        after = session.scalar(select(func.count()).select_from(Share))
        orphans = [
            s
            for s in session.scalars(select(Share))
            if session.get(SHARED_TYPES[s.object_type], s.object_id) is None
        ]
    assert before - after == 2
    assert orphans == []
