"""Who sees what over HTTP: the principal of each request (session cookie, bearer
token, or anonymous), signing in and out, CSRF and the sign-in rate limit.

The app runs on a real SQLite file with the packaged demo loaded (`load_demo`):
city profiles and most inventories are public, Nagaokakyo's latest inventory and
Yokohama's plan are for signed-in members (`network`), Kurume's latest is for
its partners.
"""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from kizuna.demo import load_demo
from kizuna.server import Settings, create_app
from kizuna.server.deps import SESSION_COOKIE
from kizuna.server.settings import sqlite_url
from kizuna.server.tables import City, Inventory, Visibility
from kizuna.server.tenancy import SYSTEM, create_token, find_user

#: A member of an organisation that owns no city: sees public and network objects only.
OUTSIDER = ("founder@hikari-energy.example", "demo-founder-hikari-energy")
HTML = {"accept": "text/html"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """The app on a fresh SQLite file holding the packaged demo (cities, plans, accounts)."""
    db = tmp_path_factory.mktemp("access") / "kizuna.sqlite"
    application = create_app(Settings(database_url=sqlite_url(db)))
    with application.state.sessionmaker() as session:
        load_demo(session)
    return application


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    """A fresh browser (no cookies) for each test."""
    return TestClient(app)


def inventory_years(app: FastAPI, slug: str) -> dict[int, Visibility]:
    """The stored inventory years of city `slug` and their visibility (unfiltered)."""
    with app.state.sessionmaker() as session:
        rows = session.execute(
            select(Inventory.year, Inventory.visibility)
            .join(City, Inventory.city_id == City.id)
            .where(City.slug == slug)
        )
        return {year: Visibility(vis) for year, vis in rows}


def form_csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the form"
    return found.group(1)


def sign_in(client: TestClient, email: str, password: str, **headers: str) -> httpx.Response:
    """GET the form, then POST it with its CSRF token (redirects not followed)."""
    page = client.get("/signin", headers=HTML)
    assert page.status_code == 200
    return client.post(
        "/signin",
        data={"email": email, "password": password, "csrf_token": form_csrf(page.text)},
        headers={**HTML, **headers},
        follow_redirects=False,
    )


def api_years(client: TestClient, slug: str, **headers: str) -> set[int]:
    response = client.get(f"/api/v1/cities/{slug}/inventories", headers=headers)
    assert response.status_code == 200, response.text
    return {inv["year"] for inv in response.json()["inventories"]}


# --- anonymous --------------------------------------------------------------------------------


def test_anonymous_sees_public_inventories_only(app: FastAPI, client: TestClient) -> None:
    for slug in ("yokohama", "kurume", "nagaokakyo", "singapore"):
        stored = inventory_years(app, slug)
        public = {year for year, vis in stored.items() if vis is Visibility.PUBLIC}
        assert public, slug
        assert api_years(client, slug) == public
    hidden = [
        (slug, year)
        for slug in ("kurume", "nagaokakyo")
        for year, vis in inventory_years(app, slug).items()
        if vis is not Visibility.PUBLIC
    ]
    assert hidden, "the demo keeps some inventories from the public"
    for slug, year in hidden:
        page = client.get(f"/cities/{slug}", params={"year": year}, headers=HTML)
        assert page.status_code == 404


def test_anonymous_gets_404_for_the_network_only_plan(client: TestClient) -> None:
    api = client.get("/api/v1/cities/yokohama/plan")
    assert api.status_code == 404
    missing = client.get("/api/v1/cities/singapore/plan")  # a city without a plan
    assert missing.status_code == 404
    assert api.json()["error"]["code"] == missing.json()["error"]["code"]
    assert api.json()["error"]["message"] == "Yokohama has no plan"
    page = client.get("/cities/yokohama/plan", headers=HTML)
    assert page.status_code == 404
    city = client.get("/api/v1/cities/yokohama").json()
    assert "plan" not in city["links"]
    header = client.get("/", headers=HTML).text
    assert 'href="/signin"' in header
    assert "/signout" not in header


# --- signed in --------------------------------------------------------------------------------


def test_member_of_another_organisation_sees_network_objects(
    app: FastAPI, client: TestClient
) -> None:
    signed_in = sign_in(client, *OUTSIDER)
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/"
    cookie = signed_in.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()

    assert client.get("/api/v1/cities/yokohama/plan").status_code == 200
    assert client.get("/cities/yokohama/plan", headers=HTML).status_code == 200
    nagaokakyo = inventory_years(app, "nagaokakyo")
    assert api_years(client, "nagaokakyo") == set(nagaokakyo)  # network and public
    kurume = inventory_years(app, "kurume")
    partners_only = {y for y, v in kurume.items() if v is Visibility.PARTNERS}
    assert partners_only
    assert not partners_only & api_years(client, "kurume")

    page = client.get("/", headers=HTML).text
    assert "Hikari Energy founder" in page
    assert 'action="/signout"' in page
    japanese = client.get("/", params={"lang": "ja"}, headers=HTML).text
    assert "サインアウト" in japanese


def test_sign_out_needs_the_csrf_token(client: TestClient) -> None:
    assert sign_in(client, *OUTSIDER).status_code == 303
    refused = client.post("/signout", data={}, headers=HTML, follow_redirects=False)
    assert refused.status_code == 403
    assert client.get("/api/v1/cities/yokohama/plan").status_code == 200  # still signed in

    token = form_csrf(client.get("/", headers=HTML).text)
    out = client.post("/signout", data={"csrf_token": token}, headers=HTML, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/api/v1/cities/yokohama/plan").status_code == 404
    assert 'href="/signin"' in client.get("/", headers=HTML).text


def test_a_stolen_cookie_stops_working_after_sign_out(app: FastAPI, client: TestClient) -> None:
    assert sign_in(client, *OUTSIDER).status_code == 303
    cookie = client.cookies[SESSION_COOKIE]
    token = form_csrf(client.get("/", headers=HTML).text)
    client.post("/signout", data={"csrf_token": token}, follow_redirects=False)
    other = TestClient(app, cookies={SESSION_COOKIE: cookie})
    assert other.get("/api/v1/cities/yokohama/plan").status_code == 404


# --- API tokens -------------------------------------------------------------------------------


def test_bearer_token_on_the_api(app: FastAPI, client: TestClient) -> None:
    with app.state.sessionmaker() as session:
        user = find_user(session, OUTSIDER[0])
        assert user is not None
        token = create_token(session, SYSTEM, name="test", user=user).token
        session.commit()
    auth = {"authorization": f"Bearer {token}"}
    assert client.get("/api/v1/cities/yokohama/plan", headers=auth).status_code == 200
    assert client.get("/api/v1/cities/yokohama/plan").status_code == 404
    nagaokakyo = inventory_years(app, "nagaokakyo")
    assert api_years(client, "nagaokakyo", **auth) == set(nagaokakyo)

    bad = client.get("/api/v1/cities", headers={"authorization": "Bearer kz_00000000_nope"})
    assert bad.status_code == 401
    assert bad.json()["error"]["message"] == "Invalid, expired or revoked API token"


# --- the sign-in form -------------------------------------------------------------------------


def test_wrong_password_shows_the_form_again(client: TestClient) -> None:
    response = sign_in(client, "officer@yokohama.example", "not-the-password")
    assert response.status_code == 400
    assert "Wrong email or password." in response.text
    assert 'value="officer@yokohama.example"' in response.text
    assert SESSION_COOKIE not in client.cookies
    japanese = sign_in(
        client, "officer@yokohama.example", "still-wrong", **{"accept-language": "ja"}
    )
    assert "メールアドレスまたはパスワードが正しくありません。" in japanese.text


def test_sign_in_without_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/signin", headers=HTML)
    response = client.post(
        "/signin",
        data={"email": OUTSIDER[0], "password": OUTSIDER[1]},
        headers=HTML,
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert SESSION_COOKIE not in client.cookies


def test_sign_in_with_a_forged_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/signin", headers=HTML)
    response = client.post(
        "/signin",
        data={"email": OUTSIDER[0], "password": OUTSIDER[1], "csrf_token": "forged"},
        headers=HTML,
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_sixth_failed_sign_in_is_rate_limited(client: TestClient) -> None:
    email, password = "analyst@singapore.example", "demo-analyst-singapore"
    for _ in range(5):
        assert sign_in(client, email, "wrong-password-123").status_code == 400
    limited = sign_in(client, email, password)  # even the right password waits
    assert limited.status_code == 429
    assert "Too many failed sign-ins" in limited.text
    assert int(limited.headers["retry-after"]) > 0
    assert SESSION_COOKIE not in client.cookies


def test_next_stays_on_this_site(client: TestClient) -> None:
    page = client.get("/signin", params={"next": "//evil.example/"}, headers=HTML)
    assert 'name="next" value="/"' in page.text
    page = client.get("/signin", params={"next": "/cities/yokohama/plan"}, headers=HTML)
    response = client.post(
        "/signin",
        data={
            "email": OUTSIDER[0],
            "password": OUTSIDER[1],
            "csrf_token": form_csrf(page.text),
            "next": "/cities/yokohama/plan",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/cities/yokohama/plan"
