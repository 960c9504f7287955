"""The HTML pages, one module per part of the platform, and the one router that serves them.

Pages show what the request's principal may read (`kizuna.server.deps.get_auth`);
a hidden object is the same 404 page as a missing one. Pages that change
something need a signed-in browser (`forms.SignInRequired` sends others to the
sign-in page) and the session's CSRF token in the form. Every text goes through
the gettext catalogue (English and Japanese, `kizuna.server.i18n`).
"""

from fastapi import APIRouter

from kizuna.server.pages import (
    account,
    cities,
    datahub,
    datahub_pipelines,
    datahub_sources,
    network,
    organisations,
    review,
    sdg,
    sharing,
    signin,
    uploads,
)

router = APIRouter(include_in_schema=False)
# uploads and review first: /cities/new and /cities/{slug}/review/... must win over the
# city page's /cities/{slug}; the data hub's fetch and pipelines pages before its
# /cities/{slug}/data/{id}
for _module in (
    uploads,
    review,
    cities,
    organisations,
    account,
    sharing,
    signin,
    sdg,
    network,
    datahub_sources,
    datahub_pipelines,
    datahub,
):
    router.include_router(_module.router)

__all__ = ["router"]
