"""The JSON API, version 1 (``/api/v1``), one module per resource, and the health check.

Every read and change goes through the tenancy service with the request's
principal (`kizuna.server.deps.get_auth`: session cookie, else ``Authorization:
Bearer`` token, else anonymous), so an object the caller may not read answers
404 exactly like a missing one, and one it may read but not change answers 403.
Errors share one shape (`kizuna.server.errors`); lists are paged and reads carry
ETags (`kizuna.server.api.common`).
"""

from fastapi import APIRouter

from kizuna.server.api import (
    account,
    cities,
    datahub,
    datahub_pipelines,
    datahub_sources,
    health,
    inventories,
    network,
    organisations,
    plans,
    review,
    sdg,
    sharing,
)

PREFIX = "/api/v1"

router = APIRouter(prefix=PREFIX)
for _module in (
    cities,
    inventories,
    plans,
    organisations,
    account,
    sharing,
    review,
    sdg,
    network,
    datahub_sources,
    datahub_pipelines,
    datahub,
):
    router.include_router(_module.router)

health_router = health.router

__all__ = ["PREFIX", "health_router", "router"]
