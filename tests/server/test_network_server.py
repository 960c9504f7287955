"""The network over HTTP on SQLite and PostgreSQL: visibility of case studies in matches,
peers (JSON shape, never the city itself, only readable cities), city network profiles,
the catalogue's role checks, the partnership flow with notifications and audit entries, and
bad input answered 4xx writing nothing.

The platform is `world`'s (``city-hall`` owns four cities, one per visibility, with the
same inventory and plan; ``partner-lab`` is a university, ``outsider-co`` a company), and
each test adds the network objects it needs through the API.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from dbs import ENGINES
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from world import World, served_world

from kizuna.server.tables import AuditEntry
from kizuna.server.tables.network import (
    CaseStudy,
    CityNetworkProfile,
    Notification,
    Partnership,
    PartnershipDocument,
    PartnershipMember,
    PartnershipUpdate,
    Provider,
    Solution,
)

API = "/api/v1/network"
SOURCE = {
    "title": "A public report",
    "publisher": "A city",
    "year": 2020,
    "url": "https://example.org/report",
}


@pytest.fixture(scope="module", params=ENGINES)
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, World]]:
    with served_world(request.param, tmp_path_factory.mktemp("network")) as served:
        yield served


def counts(client: TestClient) -> dict[str, int]:
    """Rows of every table a network change may write, and the audit entries."""
    models = (
        Provider,
        Solution,
        CaseStudy,
        CityNetworkProfile,
        Partnership,
        PartnershipMember,
        PartnershipDocument,
        PartnershipUpdate,
        Notification,
        AuditEntry,
    )
    with client.app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        return {
            m.__name__: int(session.scalar(select(func.count()).select_from(m)) or 0)
            for m in models
        }


def audit_actions(client: TestClient, object_type: str, object_id: int) -> list[str]:
    with client.app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        stmt = (
            select(AuditEntry.action)
            .where(AuditEntry.object_type == object_type, AuditEntry.object_id == str(object_id))
            .order_by(AuditEntry.id)
        )
        return list(session.scalars(stmt))


def case_study(owner: str, slug: str, **extra: Any) -> dict[str, Any]:
    return {
        "owner": owner,
        "slug": slug,
        "title": f"LED campaign {slug}",
        "city_name": "Elsewhere",
        "country": "JP",
        "measures": ["led-lighting-household"],
        "summary": "Households swapped incandescent bulbs for LED bulbs.",
        "outcome": {"text": "Not evaluated."},
        **extra,
    }


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items]


# --- visibility in matches ------------------------------------------------------------------


def test_a_private_case_study_never_appears_in_another_tenants_matches(
    platform: tuple[TestClient, World],
) -> None:
    """The outsider's private case study shows in its own matches and searches, and in no
    one else's: not city-hall's (which reads every one of its cities), not anonymous ones;
    the public one city-hall's admin publishes shows to everyone."""
    client, world = platform
    private = client.post(
        f"{API}/case-studies",
        json=case_study("outsider-co", "outsider-private-led", fictional=True),
        headers=world.headers("outsider"),
    )
    assert private.status_code == 201, private.text
    assert private.json()["sharing"]["visibility"] == "private"
    public = client.post(
        f"{API}/case-studies",
        json=case_study(
            "city-hall",
            "city-hall-public-led",
            sources=[SOURCE],
            visibility="public",
            licence="CC-BY-4.0",
        ),
        headers=world.headers("admin"),
    )
    assert public.status_code == 201, public.text

    def matched(who: str) -> list[str]:
        response = client.get(
            f"{API}/cities/public-city/matches?limit=50", headers=world.headers(who)
        )
        assert response.status_code == 200, response.text
        assert response.json()["text_method"] == "tfidf"
        return ids(response.json()["case_studies"])

    assert "outsider-private-led" in matched("outsider")
    for who in ("owner", "editor", "viewer", "partner", "anonymous"):
        assert "outsider-private-led" not in matched(who), who
        assert "city-hall-public-led" in matched(who), who
    searched = client.get(f"{API}/case-studies?q=LED+bulbs", headers=world.headers("owner"))
    assert [c["slug"] for c in searched.json()["case_studies"]] == ["city-hall-public-led"]
    hidden = client.get(f"{API}/case-studies/outsider-private-led", headers=world.headers("owner"))
    assert hidden.status_code == 404
    own = client.get(f"{API}/case-studies/outsider-private-led", headers=world.headers("outsider"))
    assert own.status_code == 200


def test_match_scores_show_their_components(platform: tuple[TestClient, World]) -> None:
    """Every match's score is the sum of its components' contributions (weight x value)."""
    client, world = platform
    body = client.get(f"{API}/cities/public-city/matches", headers=world.headers("owner")).json()
    assert body["needs"]["city"] == "Public City"
    for match in body["solutions"] + body["case_studies"]:
        parts = match["components"]
        assert {p["name"] for p in parts} >= {"sector", "measure", "text", "sdg"}
        assert match["score"] == pytest.approx(sum(p["weight"] * p["value"] for p in parts))


# --- peers and profiles ---------------------------------------------------------------------


def test_peers_json_shape_never_self_and_only_readable_cities(
    platform: tuple[TestClient, World],
) -> None:
    """The four world cities have the same population and inventory, so for the owner (who
    reads them all) the other three are peers at distance 0 on every dimension: score =
    coverage / (1 + 0) = 1.0; the city itself is never among its peers. An anonymous
    visitor reads only the public city, so none of its twins is its peer."""
    client, world = platform
    response = client.get(f"{API}/cities/public-city/peers?k=5", headers=world.headers("owner"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["city"] == "public-city"
    peers = body["peers"]
    assert len(peers) == 5
    for peer in peers:
        assert {"name", "country", "score", "explanation"} <= set(peer)
        assert isinstance(peer["explanation"], str)
        assert peer["explanation"]
        assert 0 < peer["score"] <= 1
        assert peer["city"] != "public-city"
        assert peer["name"] != "Public City"
    assert [p["score"] for p in peers] == sorted((p["score"] for p in peers), reverse=True)
    twins = {p["city"] for p in peers[:3]}
    assert twins == {"private-city", "partners-city", "network-city"}
    assert [p["score"] for p in peers[:3]] == pytest.approx([1.0, 1.0, 1.0])
    anonymous = client.get(f"{API}/cities/public-city/peers?k=10").json()["peers"]
    assert not {"private-city", "partners-city", "network-city"} & {p["city"] for p in anonymous}
    assert "Public City" not in {p["name"] for p in anonymous}


@pytest.mark.parametrize(
    "query", ["k=0", "k=101", "by=colour", "region=Atlantis", "size_band=huge"]
)
def test_bad_peer_queries_are_422(platform: tuple[TestClient, World], query: str) -> None:
    client, world = platform
    response = client.get(f"{API}/cities/public-city/peers?{query}", headers=world.headers("owner"))
    assert response.status_code == 422, response.text
    assert set(response.json()["error"]) == {"code", "message", "hint", "details"}


def test_hidden_cities_have_no_network_profile(platform: tuple[TestClient, World]) -> None:
    client, world = platform
    for path in ("profile", "peers", "benchmark", "matches"):
        url = f"{API}/cities/private-city/{path}"
        assert client.get(url, headers=world.headers("outsider")).status_code == 404
        assert client.get(url, headers=world.headers("viewer")).status_code == 200


def test_network_profile_fields_by_editors_only(platform: tuple[TestClient, World]) -> None:
    """An editor sets the area: density = 262,000 people / 131 km2 = 2,000 per km2. A viewer
    and a partner may not (an anonymous visitor does not even see the city); a latitude of
    200 degrees is refused; none of these writes anything."""
    client, world = platform
    url = f"{API}/cities/network-city/profile"
    before = counts(client)
    for who, status in (("viewer", 403), ("partner", 403), ("anonymous", 404)):
        assert (
            client.patch(url, json={"area_km2": 131}, headers=world.headers(who)).status_code
            == status
        )
    bad = client.patch(url, json={"latitude": 200}, headers=world.headers("editor"))
    assert bad.status_code == 422
    assert counts(client) == before
    saved = client.patch(
        url,
        json={"area_km2": 131, "priority_sdgs": [7, 13], "off_track_indicators": ["7.2.1"]},
        headers=world.headers("editor"),
    )
    assert saved.status_code == 200, saved.text
    profile = saved.json()["profile"]
    assert profile["density_per_km2"] == pytest.approx(2000)
    assert profile["priority_sdgs"] == [7, 13]
    assert saved.json()["stored"]["area_km2"] == 131
    assert counts(client)["CityNetworkProfile"] == before["CityNetworkProfile"] + 1
    assert counts(client)["AuditEntry"] == before["AuditEntry"] + 1


def test_benchmark_standing(platform: tuple[TestClient, World]) -> None:
    """The twins have the same emissions per capita as the city: each is 'equal', so the
    percentile rank is 100 x (0 + 0.5 x 3) / 3 = 50 among the three peers that have it."""
    client, world = platform
    body = client.get(
        f"{API}/cities/public-city/benchmark?k=3", headers=world.headers("owner")
    ).json()
    standing = {s["metric"]: s for s in body["standing"]}
    emissions = standing["emissions_per_capita"]
    assert emissions["peers"] == 3
    assert emissions["percentile"] == pytest.approx(50.0)
    assert emissions["median"] == pytest.approx(emissions["value"])


# --- providers and solutions ----------------------------------------------------------------


def test_provider_and_solution_by_members_of_a_provider_organisation(
    platform: tuple[TestClient, World],
) -> None:
    """A company (outsider-co) lists itself and publishes a solution; the impact per unit
    is the library measure's (electric bus: 23 tCO2e/yr per bus). A city government cannot
    list a provider; another tenant cannot add to its catalogue; private stays private."""
    client, world = platform
    provider = {
        "owner": "outsider-co",
        "name": "Outsider Buses",
        "kind": "company",
        "country": "JP",
    }
    refused = client.post(
        f"{API}/providers", json={**provider, "owner": "city-hall"}, headers=world.headers("owner")
    )
    assert refused.status_code == 403
    made = client.post(f"{API}/providers", json=provider, headers=world.headers("outsider"))
    assert made.status_code == 201, made.text
    slug = made.json()["slug"]
    assert slug == "outsider-buses"
    assert made.json()["organisation"] == "outsider-co"
    solution = {
        "provider": slug,
        "name": "Electric buses with depot charging",
        "description": "Battery-electric city buses and their chargers.",
        "measure_type": "electric-bus",
        "cost_band": "high",
        "trl": 8,
        "regions": ["JP"],
        "sdgs": [11, 13],
    }
    assert (
        client.post(f"{API}/solutions", json=solution, headers=world.headers("owner")).status_code
        == 404
    )
    published = client.post(f"{API}/solutions", json=solution, headers=world.headers("outsider"))
    assert published.status_code == 201, published.text
    body = published.json()
    assert body["sector"] == "Transportation"
    assert body["impact"]["value"] == pytest.approx(23)
    assert "bus" in body["impact"]["unit"]
    assert (
        client.get(f"{API}/solutions/{body['slug']}", headers=world.headers("owner")).status_code
        == 404
    )
    listed = client.get(f"{API}/solutions?measure=electric-bus", headers=world.headers("outsider"))
    assert [s["slug"] for s in listed.json()["solutions"]] == [body["slug"]]
    with client.app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        stored = session.scalars(select(Solution).where(Solution.slug == body["slug"])).one()
        assert audit_actions(client, "solution", stored.id) == ["solution.create"]


# --- partnerships ---------------------------------------------------------------------------


def unread(client: TestClient, world: World, who: str) -> list[dict[str, Any]]:
    response = client.get("/api/v1/notifications?unread=true", headers=world.headers(who))
    assert response.status_code == 200, response.text
    return response.json()["notifications"]


def test_partnership_flow_with_roles_notifications_and_audit(
    platform: tuple[TestClient, World],
) -> None:
    client, world = platform
    created = client.post(
        f"{API}/partnerships",
        json={
            "owner": "city-hall",
            "title": "Shared electric bus depot",
            "goal": "Buy electric buses together.",
            "measures": ["electric-bus"],
            "sdgs": [11, 13],
        },
        headers=world.headers("editor"),
    )
    assert created.status_code == 201, created.text
    p = created.json()
    slug, url = p["slug"], f"{API}/partnerships/{p['slug']}"
    assert (p["stage"], p["sharing"]["visibility"]) == ("idea", "private")
    assert [(m["organisation"], m["role"], m["status"]) for m in p["members"]] == [
        ("city-hall", "lead", "accepted")
    ]
    assert client.get(url, headers=world.headers("partner")).status_code == 404  # private

    invite = {"organisation": "partner-lab", "role": "partner"}
    assert (
        client.post(f"{url}/members", json=invite, headers=world.headers("viewer")).status_code
        == 403
    )
    assert client.post(f"{url}/members", json=invite).status_code == 404  # hidden from them
    invited = client.post(f"{url}/members", json=invite, headers=world.headers("editor"))
    assert invited.status_code == 201, invited.text
    assert invited.json()["members"][1] == {
        "organisation": "partner-lab",
        "name": "Partner Lab",
        "kind": "university",
        "role": "partner",
        "status": "invited",
    }
    notes = unread(client, world, "partner")
    assert len(notes) == 1
    assert notes[0]["link"] == f"/network/partnerships/{slug}"
    assert "invited Partner Lab" in notes[0]["text"]
    # an invited member reads the private partnership; another tenant still does not
    assert client.get(url, headers=world.headers("partner")).status_code == 200
    assert client.get(url, headers=world.headers("outsider")).status_code == 404

    early = client.post(
        f"{url}/stage", json={"stage": "screening"}, headers=world.headers("editor")
    )
    assert early.status_code == 422
    assert "two accepted members" in early.json()["error"]["message"]
    answer = f"{url}/members/partner-lab/response"
    assert (
        client.post(answer, json={"accept": True}, headers=world.headers("editor")).status_code
        == 403
    )
    accepted = client.post(answer, json={"accept": True}, headers=world.headers("partner"))
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["members"][1]["status"] == "accepted"
    assert any("accepted the invitation" in n["text"] for n in unread(client, world, "owner"))
    assert unread(client, world, "outsider") == []

    not_lead = client.post(
        f"{url}/stage", json={"stage": "screening"}, headers=world.headers("partner")
    )
    assert not_lead.status_code == 403
    skip = client.post(f"{url}/stage", json={"stage": "financed"}, headers=world.headers("editor"))
    assert skip.status_code == 422
    moved = client.post(
        f"{url}/stage",
        json={"stage": "screening", "note": "routes chosen"},
        headers=world.headers("editor"),
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["stage"] == "screening"
    assert moved.json()["allowed_stages"] == ["idea", "feasibility"]
    assert any("from idea to screening" in n["text"] for n in unread(client, world, "partner"))

    posted = client.post(
        f"{url}/updates", json={"text": "Depot survey done."}, headers=world.headers("partner")
    )
    assert posted.status_code == 201, posted.text
    assert posted.json()["feed"][-1]["text"] == "Depot survey done."
    before = counts(client)
    bad_doc = client.post(
        f"{url}/documents",
        json={"title": "Survey", "url": "ftp://x/y"},
        headers=world.headers("partner"),
    )
    assert bad_doc.status_code == 422
    assert counts(client) == before
    doc = client.post(
        f"{url}/documents",
        json={"title": "Survey", "url": "https://example.org/survey.pdf"},
        headers=world.headers("partner"),
    )
    assert doc.status_code == 201
    assert doc.json()["documents"][0]["url"] == "https://example.org/survey.pdf"

    board = client.get(f"{API}/pipeline", headers=world.headers("partner")).json()
    screening = next(c for c in board["stages"] if c["stage"] == "screening")
    assert [card["id"] for card in screening["items"]] == [slug]
    assert client.get(f"{API}/pipeline", headers=world.headers("outsider")).json()["total"] == 0

    with client.app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        row = session.scalars(select(Partnership).where(Partnership.slug == slug)).one()
        assert audit_actions(client, "partnership", row.id) == [
            "partnership.create",
            "partnership.invite",
            "partnership.respond",
            "partnership.advance",
            "partnership.update",
            "partnership.document",
        ]
    marked = client.post("/api/v1/notifications/read", json={}, headers=world.headers("partner"))
    assert marked.status_code == 200
    assert marked.json()["unread"] == 0
    assert marked.json()["marked"] == 2  # the invitation and the stage; not its own posts
    assert unread(client, world, "partner") == []
    other = client.post(
        "/api/v1/notifications/read", json={"ids": [999_999]}, headers=world.headers("partner")
    )
    assert other.status_code == 404


# --- bad input ------------------------------------------------------------------------------

BAD_WRITES = [
    ("viewer", "/case-studies", case_study("city-hall", "viewer-case", fictional=True), 403),
    ("editor", "/case-studies", case_study("city-hall", "no-sources"), 422),
    (
        "editor",
        "/case-studies",
        case_study("city-hall", "bad-measure", measures=["teleport"], fictional=True),
        422,
    ),
    (
        "editor",
        "/case-studies",
        case_study(
            "city-hall",
            "public-by-editor",
            fictional=True,
            visibility="public",
            licence="CC-BY-4.0",
        ),
        403,
    ),
    (
        "admin",
        "/case-studies",
        case_study("city-hall", "public-no-licence", fictional=True, visibility="public"),
        422,
    ),
    ("outsider", "/case-studies", case_study("city-hall", "not-my-org", fictional=True), 403),
    ("anonymous", "/case-studies", case_study("city-hall", "anonymous-case", fictional=True), 401),
    ("editor", "/case-studies", {"owner": "city-hall", "title": "x"}, 422),
    (
        "owner",
        "/providers",
        {"owner": "city-hall", "name": "City Hall", "kind": "company", "country": "JP"},
        403,
    ),
    (
        "outsider",
        "/providers",
        {"owner": "outsider-co", "name": "X", "kind": "company", "country": "Japan"},
        422,
    ),
    (
        "outsider",
        "/providers",
        {"owner": "no-such-org", "name": "X", "kind": "company", "country": "JP"},
        404,
    ),
    (
        "editor",
        "/partnerships",
        {"owner": "city-hall", "title": "x", "goal": "y", "measures": ["teleport"]},
        422,
    ),
    (
        "editor",
        "/partnerships",
        {"owner": "city-hall", "title": "x", "goal": "y", "sdgs": [18]},
        422,
    ),
    (
        "editor",
        "/partnerships",
        {"owner": "city-hall", "title": "x", "goal": "y", "visibility": "network"},
        403,
    ),
    (
        "editor",
        "/partnerships",
        {"owner": "city-hall", "title": "x", "goal": "y", "timeline": [{"date": "soon"}]},
        422,
    ),
]


@pytest.mark.parametrize(("who", "path", "body", "status"), BAD_WRITES)
def test_bad_input_is_4xx_and_writes_nothing(
    platform: tuple[TestClient, World], who: str, path: str, body: dict[str, Any], status: int
) -> None:
    client, world = platform
    before = counts(client)
    response = client.post(f"{API}{path}", json=body, headers=world.headers(who))
    assert response.status_code == status, response.text
    assert set(response.json()["error"]) == {"code", "message", "hint", "details"}
    assert counts(client) == before


def test_notifications_need_a_signed_in_user(platform: tuple[TestClient, World]) -> None:
    client, _world = platform
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.post("/api/v1/notifications/read", json={}).status_code == 401
