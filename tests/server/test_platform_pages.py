"""The platform's pages over HTTP: organisations and members, the audit log, the account
and its tokens, new cities, inventory and plan uploads with inline errors, sharing and
open data. Forms need a signed-in browser and its CSRF token; refused input is shown
next to the form and writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from dbs import fresh_database
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from world import INVENTORY, PASSWORD, PLAN, World, build_world

from kizuna.server import Settings, create_app
from kizuna.server.tables import AuditEntry, Inventory, Share

HTML = {"accept": "text/html"}
BAD_INVENTORY = b"city,year,gpc_ref,gas,emissions_value,emissions_unit\nX,2022,I.9.9,CO2,-5,t\n"


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, World]]:
    with fresh_database("sqlite", tmp_path_factory.mktemp("pages")) as url:
        app = create_app(Settings(database_url=url))
        with app.state.sessionmaker() as session:
            world = build_world(session)
        yield app, world
        app.state.engine.dispose()


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def browser(app: FastAPI, world: World, who: str) -> tuple[TestClient, str]:
    """A client signed in as `who` through the sign-in form, and its session's CSRF token."""
    client = TestClient(app)
    form = client.get("/signin", headers=HTML)
    response = client.post(
        "/signin",
        data={"email": world.emails[who], "password": PASSWORD, "csrf_token": csrf_of(form.text)},
        headers=HTML,
        follow_redirects=False,
    )
    assert response.status_code == 303
    return client, csrf_of(client.get("/account", headers=HTML).text)


def rows(app: FastAPI, model: type) -> int:
    with app.state.sessionmaker() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize(
    "path", ["/account", "/cities/new", "/cities/private-city/upload", "/sharing/city/1"]
)
def test_pages_that_change_things_ask_to_sign_in(
    platform: tuple[FastAPI, World], path: str
) -> None:
    app, _world = platform
    response = TestClient(app).get(path, headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/signin?next={path}"


def test_forms_need_the_csrf_token(platform: tuple[FastAPI, World]) -> None:
    app, world = platform
    client, _csrf = browser(app, world, "editor")
    before = rows(app, Inventory)
    response = client.post(
        "/cities/private-city/upload",
        files={"file": ("testville.csv", INVENTORY, "text/csv")},
        data={"csrf_token": "forged"},
        headers=HTML,
    )
    assert response.status_code == 403
    assert rows(app, Inventory) == before


def test_inventory_upload_shows_problems_inline_then_stores(
    platform: tuple[FastAPI, World],
) -> None:
    app, world = platform
    client, csrf = browser(app, world, "editor")
    form = client.get("/cities/private-city/upload", headers=HTML)
    assert 'enctype="multipart/form-data"' in form.text
    before = rows(app, Inventory), rows(app, AuditEntry)
    refused = client.post(
        "/cities/private-city/upload",
        files={"file": ("bad.csv", BAD_INVENTORY, "text/csv")},
        data={"csrf_token": csrf},
        headers=HTML,
    )
    assert refused.status_code == 422
    assert 'class="form-error"' in refused.text
    assert "bad.csv</code> row 2" in refused.text
    assert "<html" in refused.text  # a plain form gets the whole page again
    assert (rows(app, Inventory), rows(app, AuditEntry)) == before
    htmx = client.post(
        "/cities/private-city/upload",
        files={"file": ("bad.csv", BAD_INVENTORY, "text/csv")},
        data={"csrf_token": csrf},
        headers={**HTML, "hx-request": "true"},
    )
    assert htmx.status_code == 422
    assert htmx.text.lstrip().startswith("<form")  # HTMX gets the form alone, swapped in place
    stored = client.post(
        "/cities/private-city/upload",
        files={"file": ("testville.csv", INVENTORY, "text/csv")},
        data={"csrf_token": csrf, "gwp": "AR6"},
        headers=HTML,
        follow_redirects=False,
    )
    assert stored.status_code == 303
    assert stored.headers["location"] == "/cities/private-city?year=2021"
    page = client.get(stored.headers["location"], headers=HTML)
    assert "GWP AR6" in page.text


def test_viewer_may_not_open_the_upload_form(platform: tuple[FastAPI, World]) -> None:
    app, world = platform
    client, _csrf = browser(app, world, "viewer")
    assert client.get("/cities/private-city/upload", headers=HTML).status_code == 403
    city = client.get("/cities/private-city", headers=HTML).text
    assert "/cities/private-city/upload" not in city
    assert "/sharing/city/" in city  # members see whom it is shared with


def test_plan_upload_and_optimise_again(platform: tuple[FastAPI, World]) -> None:
    app, world = platform
    client, csrf = browser(app, world, "editor")
    broken = client.post(
        "/cities/network-city/plan/upload",
        files={"file": ("plan.yaml", b"city: Testville\ncurrency: yen\n", "application/yaml")},
        data={"csrf_token": csrf},
        headers=HTML,
    )
    assert broken.status_code == 422
    assert "<code>currency</code>" in broken.text
    uploaded = client.post(
        "/cities/network-city/plan/upload",
        files={"file": ("testville.yaml", PLAN, "application/yaml")},
        data={"csrf_token": csrf},
        headers=HTML,
        follow_redirects=False,
    )
    assert uploaded.status_code == 303
    plan_page = client.get("/cities/network-city/plan", headers=HTML)
    assert "Optimise again" in plan_page.text
    again = client.post(
        "/cities/network-city/plan/optimise",
        data={"csrf_token": csrf_of(plan_page.text)},
        headers=HTML,
        follow_redirects=False,
    )
    assert again.status_code == 303


def test_new_city_then_share_it_with_a_partner(platform: tuple[FastAPI, World]) -> None:
    app, world = platform
    client, csrf = browser(app, world, "admin")
    taken = client.post(
        "/cities/new",
        data={"csrf_token": csrf, "owner": "city-hall", "slug": "public-city", "name": "Dup"},
        headers=HTML,
    )
    assert taken.status_code == 422
    assert 'aria-invalid="true"' in taken.text
    made = client.post(
        "/cities/new",
        data={
            "csrf_token": csrf,
            "owner": "city-hall",
            "slug": "fresh-city",
            "name": "Fresh City",
            "country": "Japan",
            "population": "5000",
        },
        headers=HTML,
        follow_redirects=False,
    )
    assert made.headers["location"] == "/cities/fresh-city/upload"
    city_page = client.get("/cities/fresh-city", headers=HTML).text
    sharing = re.search(r'href="(/sharing/city/\d+)"', city_page)
    assert sharing
    url = sharing.group(1)
    partner, _ = browser(app, world, "partner")
    assert partner.get("/cities/fresh-city", headers=HTML).status_code == 404
    client.post(url, data={"csrf_token": csrf, "visibility": "partners"}, headers=HTML)
    client.post(url, data={"csrf_token": csrf, "add_partner": "partner-lab"}, headers=HTML)
    assert partner.get("/cities/fresh-city", headers=HTML).status_code == 200
    public_without_licence = client.post(
        url, data={"csrf_token": csrf, "visibility": "public"}, headers=HTML
    )
    assert public_without_licence.status_code == 422
    assert "licence" in public_without_licence.text.lower()
    public = client.post(
        url,
        data={"csrf_token": csrf, "visibility": "public", "licence": "CC-BY-4.0"},
        headers=HTML,
        follow_redirects=False,
    )
    assert public.status_code == 303
    assert "Fresh City" in TestClient(app).get("/open-data", headers=HTML).text
    with app.state.sessionmaker() as session:
        assert session.scalar(select(func.count()).select_from(Share)) >= 13


def test_members_page_and_audit_log(platform: tuple[FastAPI, World]) -> None:
    app, world = platform
    owner, csrf = browser(app, world, "owner")
    page = owner.get("/organisations/city-hall", headers=HTML).text
    assert world.emails["viewer"] in page
    unknown = owner.post(
        "/organisations/city-hall/members",
        data={"csrf_token": csrf, "email": "nobody@nowhere.example", "role": "viewer"},
        headers=HTML,
    )
    assert unknown.status_code == 422
    assert "No account for nobody@nowhere.example" in unknown.text
    added = owner.post(
        "/organisations/city-hall/members",
        data={"csrf_token": csrf, "email": world.emails["loner"], "role": "editor"},
        headers=HTML,
        follow_redirects=False,
    )
    assert added.status_code == 303
    loner_id = world.user_ids["loner"]
    owner.post(
        f"/organisations/city-hall/members/{loner_id}",
        data={"csrf_token": csrf, "remove": "1"},
        headers=HTML,
    )
    audit = owner.get("/organisations/city-hall/audit", headers=HTML).text
    assert "membership.add" in audit
    assert "membership.remove" in audit
    viewer, _ = browser(app, world, "viewer")
    assert viewer.get("/organisations/city-hall/audit", headers=HTML).status_code == 403
    assert "Add member" not in viewer.get("/organisations/city-hall", headers=HTML).text


def test_account_token_shown_once_and_revoked(platform: tuple[FastAPI, World]) -> None:
    app, world = platform
    client, csrf = browser(app, world, "viewer")
    made = client.post(
        "/account/tokens",
        data={"csrf_token": csrf, "name": "script", "scope": "read", "lifetime": "30"},
        headers=HTML,
    )
    token = re.search(r'<code class="secret" id="new-token">(kz_[^<]+)</code>', made.text)
    assert token
    api = TestClient(app)
    bearer = {"authorization": f"Bearer {token.group(1)}"}
    assert api.get("/api/v1/me", headers=bearer).json()["email"] == world.emails["viewer"]
    listing = client.get("/account", headers=HTML).text
    assert token.group(1) not in listing  # never shown again
    token_id = re.findall(r'action="/account/tokens/(\d+)/revoke"', listing)[0]
    client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf}, headers=HTML)
    assert api.get("/api/v1/me", headers=bearer).status_code == 401
    wrong = client.post(
        "/account/password",
        data={"csrf_token": csrf, "current_password": "nope", "new_password": "x" * 12},
        headers=HTML,
    )
    assert wrong.status_code == 422
    assert "current password is wrong" in wrong.text


def test_language_choice_is_saved_with_the_profile(platform: tuple[FastAPI, World]) -> None:
    app, world = platform
    client, csrf = browser(app, world, "outsider")
    response = client.post(
        "/account/profile",
        data={"csrf_token": csrf, "display_name": "Outsider", "locale": "ja"},
        headers=HTML,
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = client.get("/organisations", headers=HTML)
    assert page.headers["content-language"] == "ja"
    assert "組織" in page.text
