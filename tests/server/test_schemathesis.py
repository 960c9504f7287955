"""Property-based tests of the live API against its own OpenAPI schema (schemathesis).

The app runs with uvicorn on a loopback port, on a real SQLite file holding the
small platform of `world` (every visibility, every role). Schemathesis loads the
schema the server publishes at ``/api/v1/openapi.json`` and sends generated
requests to every operation, signed in as the owner of the cities (an admin-scope
token, so the write routes are reached too). Every answer must be free of server
errors, have a status the schema documents, and a body and content type that
match it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import schemathesis
from dbs import fresh_database
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from world import World, build_world

from kizuna.server import Settings, create_app

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def live(
    tmp_path_factory: pytest.TempPathFactory, serve_module: Callable[[object], str]
) -> Iterator[tuple[str, dict[str, str]]]:
    """The base URL of the live app and the owner's Authorization header."""
    with fresh_database("sqlite", tmp_path_factory.mktemp("schemathesis")) as url:
        app = create_app(Settings(database_url=url, upload_max_mb=1))
        with app.state.sessionmaker() as session:
            world: World = build_world(session)
        yield serve_module(app), world.headers("owner")
        app.state.engine.dispose()


def test_api_conforms_to_its_schema(live: tuple[str, dict[str, str]]) -> None:
    """Every operation, 25 generated requests each (schemathesis' lazy pytest loader does
    not run on this pytest, so the operations are walked here, each with Hypothesis)."""
    base_url, headers = live
    schema = schemathesis.openapi.from_url(f"{base_url}/api/v1/openapi.json")
    failures: dict[str, str] = {}
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(base_url=base_url, headers=dict(headers), checks=CHECKS)

        try:
            check()
        except Exception as exc:
            failures[operation.label] = str(exc)[:2000]
        checked += 1
    assert checked >= 20, "the schema lists the API's operations"
    assert failures == {}, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
