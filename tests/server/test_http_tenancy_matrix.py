"""The tenancy matrix over HTTP, on SQLite and PostgreSQL.

For each asker (anonymous; owner, admin, editor and viewer of the owner
organisation; a member of the partner organisation every object is shared with;
a member of another organisation; a user in no organisation) and each
visibility, every read and write route of the API answers exactly what the rules
of docs/platform.md allow: 2xx when allowed, 403 when the object is readable but
the change is not allowed (401 for an anonymous visitor, who should sign in),
and 404 when it is hidden, with the same answer as for an object that does not
exist (no existence leaks across tenants). The expected answers are written
out from the rules, independently of the code under test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dbs import ENGINES
from fastapi.testclient import TestClient
from world import ASKERS, INVENTORY, LICENCE, VISIBILITIES, World, served_world

from kizuna.server.tables import Visibility

OWNER_ORG = {"owner": 4, "admin": 3, "editor": 2, "viewer": 1}
EDITOR, ADMIN, VIEWER = 2, 3, 1


def can_read(who: str, visibility: Visibility) -> bool:
    """docs/platform.md, "Who reads what"."""
    if who in OWNER_ORG or visibility is Visibility.PUBLIC:
        return True
    if visibility is Visibility.NETWORK:
        return who in ("partner", "outsider")
    if visibility is Visibility.PARTNERS:
        return who == "partner"
    return False


def expected(who: str, visibility: Visibility, minimum: int, ok: int = 200) -> int:
    """The status a change needing role rank `minimum` in the owner organisation answers."""
    if not can_read(who, visibility):
        return 404
    if OWNER_ORG.get(who, 0) >= minimum:
        return ok
    return 401 if who == "anonymous" else 403


@pytest.fixture(scope="module", params=ENGINES)
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, World]]:
    with served_world(request.param, tmp_path_factory.mktemp("matrix")) as served:
        yield served


def slug(visibility: Visibility) -> str:
    return f"{visibility.value}-city"


READS = {
    "city": "/api/v1/cities/{slug}",
    "inventories": "/api/v1/cities/{slug}/inventories",
    "inventory": "/api/v1/cities/{slug}/inventories/2021?gwp=AR5",
    "export": "/api/v1/cities/{slug}/inventories/2021/export?format=csv",
    "plan": "/api/v1/cities/{slug}/plan",
    "plan result": "/api/v1/cities/{slug}/plan/result",
    "macc": "/api/v1/cities/{slug}/plan/macc",
    "city page": "/cities/{slug}",
    "plan page": "/cities/{slug}/plan",
}


@pytest.mark.parametrize("who", ASKERS)
@pytest.mark.parametrize("visibility", VISIBILITIES, ids=str)
@pytest.mark.parametrize("route", READS)
def test_reads(
    platform: tuple[TestClient, World], who: str, visibility: Visibility, route: str
) -> None:
    client, world = platform
    response = client.get(READS[route].format(slug=slug(visibility)), headers=world.headers(who))
    assert response.status_code == (200 if can_read(who, visibility) else 404), response.text


@pytest.mark.parametrize("route", ["city", "plan", "inventory"])
def test_hidden_answers_like_missing(platform: tuple[TestClient, World], route: str) -> None:
    """A private object asked for by an outsider answers as if it did not exist."""
    client, world = platform
    hidden = client.get(READS[route].format(slug="private-city"), headers=world.headers("outsider"))
    assert hidden.status_code == 404
    if route == "city":
        missing = client.get(READS[route].format(slug="no-such-city"))
        assert hidden.json()["error"]["message"] == "No city with slug 'private-city'"
        assert missing.json()["error"]["code"] == hidden.json()["error"]["code"]
        assert "private-city" not in hidden.json()["error"]["hint"]


@pytest.mark.parametrize("who", ASKERS)
def test_city_list_shows_exactly_the_readable(platform: tuple[TestClient, World], who: str) -> None:
    client, world = platform
    body = client.get("/api/v1/cities", headers=world.headers(who)).json()
    shown = {c["slug"] for c in body["cities"]}
    assert shown == {slug(v) for v in VISIBILITIES if can_read(who, v)}
    assert body["total"] == len(shown)


@pytest.mark.parametrize("who", ASKERS)
@pytest.mark.parametrize("visibility", VISIBILITIES, ids=str)
def test_content_changes(
    platform: tuple[TestClient, World], who: str, visibility: Visibility
) -> None:
    """Changing content needs an editor (or more) of the owner organisation."""
    client, world = platform
    headers = world.headers(who)
    path = f"/api/v1/cities/{slug(visibility)}"
    patch = client.patch(path, json={"notes": "checked"}, headers=headers)
    assert patch.status_code == expected(who, visibility, EDITOR), patch.text
    upload = client.post(
        f"{path}/inventories",
        files={"file": ("testville.csv", INVENTORY, "text/csv")},
        headers=headers,
    )
    assert upload.status_code == expected(who, visibility, EDITOR, ok=201), upload.text
    optimise = client.post(f"{path}/plan/optimise", headers=headers)
    assert optimise.status_code == expected(who, visibility, EDITOR), optimise.text


@pytest.mark.parametrize("who", ASKERS)
@pytest.mark.parametrize("visibility", VISIBILITIES, ids=str)
@pytest.mark.parametrize("kind", ["city", "inventory", "plan"])
def test_sharing_changes(
    platform: tuple[TestClient, World], who: str, visibility: Visibility, kind: str
) -> None:
    """Visibility and partners: admins and owners; the settings: any member of the owner."""
    client, world = platform
    headers = world.headers(who)
    path = f"/api/v1/sharing/{kind}/{world.objects[(kind, visibility)]}"
    licence = LICENCE if visibility is Visibility.PUBLIC else None
    settings = client.get(path, headers=headers)
    assert settings.status_code == expected(who, visibility, VIEWER), settings.text
    if settings.status_code == 200:
        assert [p["organisation"] for p in settings.json()["partners"]] == ["partner-lab"]
    same = client.put(
        path, json={"visibility": visibility.value, "licence": licence}, headers=headers
    )
    assert same.status_code == expected(who, visibility, ADMIN), same.text
    partner = client.post(f"{path}/partners", json={"organisation": "partner-lab"}, headers=headers)
    assert partner.status_code == expected(who, visibility, ADMIN), partner.text


def test_token_scope_narrows_the_user(platform: tuple[TestClient, World]) -> None:
    """The editor's read-only token reads but does not write."""
    client, world = platform
    headers = world.headers("editor-read-token")
    assert client.get("/api/v1/cities/private-city", headers=headers).status_code == 200
    patch = client.patch("/api/v1/cities/private-city", json={"notes": "x"}, headers=headers)
    assert patch.status_code == 403
    assert "scope" in patch.json()["error"]["message"]


def test_anonymous_write_asks_to_sign_in(platform: tuple[TestClient, World]) -> None:
    client, _world = platform
    response = client.patch("/api/v1/cities/public-city", json={"notes": "x"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize("who", ASKERS)
def test_audit_log_is_for_admins(platform: tuple[TestClient, World], who: str) -> None:
    client, world = platform
    response = client.get("/api/v1/organisations/city-hall/audit", headers=world.headers(who))
    if OWNER_ORG.get(who, 0) >= ADMIN:
        assert response.status_code == 200
        assert response.json()["entries"], "the seeding left entries"
    else:
        assert response.status_code == (401 if who == "anonymous" else 403)


@pytest.mark.parametrize("who", ASKERS)
def test_members_are_for_members(platform: tuple[TestClient, World], who: str) -> None:
    client, world = platform
    response = client.get("/api/v1/organisations/city-hall/members", headers=world.headers(who))
    if who in OWNER_ORG:
        assert response.status_code == 200
        roles = {m["email"].split("@")[0]: m["role"] for m in response.json()["members"]}
        assert roles == {"owner": "owner", "admin": "admin", "editor": "editor", "viewer": "viewer"}
    else:
        assert response.status_code == (401 if who == "anonymous" else 403)
