"""`AnswerReplay`: whole answers replayed while the data version holds, never past it.

The tests change a row behind the platform's back (no audit entry) to see whether an
answer came from the replay store (it still shows the old value) or from the app.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dbs import ENGINES
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from test_platform_pages import browser
from world import World, served_world

from kizuna.server.tables import ApiToken, City
from kizuna.server.tenancy import SYSTEM, record, revoke_token

CITY = "/api/v1/cities/private-city"


@pytest.fixture(params=ENGINES)
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, World]]:
    with served_world(request.param, tmp_path_factory.mktemp("replay")) as served:
        yield served


def rename_quietly(client: TestClient, name: str, *, audited: bool = False) -> None:
    """Rename the private city in the database; with `audited`, as a real change would."""
    with client.app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        session.execute(update(City).where(City.slug == "private-city").values(name=name))
        if audited:
            record(session, SYSTEM, "city.update", object_type="city", object_id=1)
        session.commit()


def test_a_read_is_replayed_until_a_change_is_committed(platform: tuple[TestClient, World]) -> None:
    client, world = platform
    first = client.get(CITY, headers=world.headers("editor"))
    assert first.status_code == 200
    assert first.json()["name"] == "Private City"
    rename_quietly(client, "Quietly Renamed")
    again = client.get(CITY, headers=world.headers("editor"))
    assert again.content == first.content  # replayed: the unaudited rename is not seen
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["cache-control"] == "private, no-cache"
    assert "content-security-policy" in again.headers
    cached = client.get(
        CITY, headers={**world.headers("editor"), "if-none-match": first.headers["etag"]}
    )
    assert cached.status_code == 304
    assert cached.headers["etag"] == first.headers["etag"]
    rename_quietly(client, "Renamed", audited=True)
    after = client.get(CITY, headers=world.headers("editor"))
    assert after.json()["name"] == "Renamed"


def test_each_reader_gets_their_own_answer(platform: tuple[TestClient, World]) -> None:
    client, world = platform
    assert client.get(CITY, headers=world.headers("editor")).status_code == 200
    assert client.get(CITY, headers=world.headers("outsider")).status_code == 404
    assert client.get(CITY).status_code == 404  # hidden objects look missing
    assert client.get(CITY, headers={"authorization": "Bearer kz_nonsense"}).status_code == 401


def test_a_revoked_token_is_refused_at_once(platform: tuple[TestClient, World]) -> None:
    client, world = platform
    assert client.get(CITY, headers=world.headers("viewer")).status_code == 200
    prefix = world.tokens["viewer"].split("_")[1]
    with client.app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        token_id = session.scalar(select(ApiToken.id).where(ApiToken.prefix == prefix))
        assert token_id is not None
        revoke_token(session, SYSTEM, token_id)
        session.commit()
    assert client.get(CITY, headers=world.headers("viewer")).status_code == 401


def test_web_sessions_are_never_replayed(platform: tuple[TestClient, World]) -> None:
    client, world = platform
    store = client.app.state.replay_store  # type: ignore[attr-defined]
    signed_in, _ = browser(client.app, world, "editor")  # type: ignore[arg-type]
    looked_up = store.hits + store.misses
    for _ in range(3):
        assert signed_in.get(CITY).status_code == 200
    assert store.hits + store.misses == looked_up  # the replay store was not even asked
    for _ in range(3):
        assert client.get(CITY, headers=world.headers("editor")).status_code == 200
    assert store.hits >= 2
