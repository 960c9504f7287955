"""The network pages: the overview, a city's network profile with its peers on a map and its
standing among them, its matches, the solution catalogue and provider pages, the case study
library, the partnership pipeline (a board by stage) and each partnership with its feed,
members and invitations, and the signed-in user's notifications.

Pages show what the request's principal may read, through the same service calls as the API
(`kizuna.server.tenancy.network`, `.partnerships`, `kizuna.server.network_views`); forms
need a signed-in browser and its CSRF token, and show their errors next to the fields
(`pages.forms`). Texts go through the catalogue; the library's own explanations (peer and
match reasons) are shown as it writes them, in English.

The catalogue pages are in `network_catalogue`, the partnership pages in
`network_partnerships`; their routes are included in this module's `router`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from kizuna.errors import Forbidden, KizunaError
from kizuna.network import geonames_registry
from kizuna.network.features import DIMENSIONS
from kizuna.network.peers import SIZE_BANDS
from kizuna.network.registry import REGIONS
from kizuna.server import network_views as nv
from kizuna.server import tenancy
from kizuna.server.deps import Auth, AuthDep, SessionDep
from kizuna.server.pages import network_catalogue, network_partnerships
from kizuna.server.pages.forms import csrf_form, done, gettext, render, signed_in
from kizuna.server.pages.network_common import (
    LABELS,
    Csrf,
    Long,
    Short,
    chart_labels,
    lines,
    number,
    numbers,
    page_context,
    submit,
    words,
)
from kizuna.server.tables import Role
from kizuna.server.tenancy import network as nt
from kizuna.server.tenancy import partnerships as pt

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


# --- overview and city pages ------------------------------------------------------------------


@router.get("/network")
def overview(request: Request, session: SessionDep, auth: AuthDep) -> Response:
    """The network: its cities, catalogue and partnerships at a glance."""
    cities = tenancy.list_cities(session, auth.principal)
    board = pt.pipeline(pt.list_partnerships(session, auth.principal))
    counts = {
        "registry": len(geonames_registry()),
        "cities": len(cities),
        "providers": len(nt.list_providers(session, auth.principal)),
        "solutions": len(nt.list_solutions(session, auth.principal)),
        "case_studies": len(nt.list_case_studies(session, auth.principal)),
        "partnerships": board["total"],
    }
    context = page_context(auth, cities=cities, counts=counts, board=board)
    return render(request, "network_index.html", context)


@router.get("/network/cities/{slug}")
def city_profile(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    k: Annotated[int, Query(ge=1, le=50)] = 10,
    by: Annotated[list[str] | None, Query(max_length=10)] = None,
    region: Annotated[str, Query(max_length=40)] = "",
    size_band: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    """A city's network profile, its peers on a map and its standing among them."""
    city = tenancy.get_city(session, auth.principal, slug)
    network = nv.platform_network(session, auth.principal)
    profile = network.profiles.get(city.id)
    context = page_context(
        auth,
        city=city,
        profile=profile,
        stored=nt.get_network_profile(session, city),
        dimensions=list(DIMENSIONS),
        bands=list(SIZE_BANDS),
        regions=list(REGIONS),
        query={"k": k, "by": by or [], "region": region, "size_band": size_band},
        can_edit=auth.principal.has_role(city.owner_org_id, Role.EDITOR),
        result=None,
        peers=[],
        standing=[],
        charts={},
    )
    try:
        dims = ",".join(by) if by else None
        result = nv.peers(network, city, k=k, dimensions=dims, region=region, size_band=size_band)
    except KizunaError as exc:
        return render(request, "network_city.html", {**context, "error": exc.as_dict()["error"]})
    places = nv.coordinates(network, [network.row(city), *(p.row for p in result.peers)])
    labels = chart_labels(request)
    charts = {}
    named = [(p.name, p.score, place) for p, place in zip(result.peers, places[1:], strict=True)]
    if (figure := nv.peers_map(city.name, places[0], named, labels)) is not None:
        charts["map"] = figure
    if (figure := nv.standing_chart(network, city, result, labels)) is not None:
        charts["standing"] = figure
    peers = [
        {"peer": p, "slug": network.slug_at(p.row), "place": place}
        for p, place in zip(result.peers, places[1:], strict=True)
    ]
    context |= {
        "result": result,
        "used": [LABELS["dimension"][d] for d in result.used],
        "peers": peers,
        "standing": nv.standing(network, result),
        "charts": charts,
        "land": nv.land_fraction() is not None,
    }
    return render(request, "network_city.html", context)


PROFILE_FORM = ("geonameid", "locode", "latitude", "longitude", "area_km2", "gdp_per_capita")


@router.get("/network/cities/{slug}/edit")
def edit_profile(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """The form of a city's network fields (editors and up of its owner)."""
    signed_in(request, auth)
    city = tenancy.get_city(session, auth.principal, slug)
    if not auth.principal.has_role(city.owner_org_id, Role.EDITOR):
        raise Forbidden(
            f"Only editors, admins and owners of {city.owner.name} change its network profile",
            hint="ask an admin of the city's organisation for the editor role",
        )
    return render(request, "network_profile_edit.html", _profile_form(session, auth, city, {}))


def _profile_form(
    session: SessionDep, auth: Auth, city: Any, form: dict[str, Any]
) -> dict[str, Any]:
    stored = nt.get_network_profile(session, city)
    values = {f: getattr(stored, f) if stored else None for f in nt.PROFILE_FIELDS}
    return page_context(auth, city=city, values=values | form)


@router.post("/network/cities/{slug}/edit")
def save_profile(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    csrf_token: Csrf = "",
    geonameid: Short = "",
    locode: Short = "",
    latitude: Short = "",
    longitude: Short = "",
    area_km2: Short = "",
    gdp_per_capita: Short = "",
    gdp_currency: Short = "",
    gdp_year: Short = "",
    priority_sdgs: Short = "",
    off_track_indicators: Long = "",
    challenges: Long = "",
    languages: Short = "",
) -> Response:
    """Save a city's network fields; errors next to the fields."""
    csrf_form(request, auth, csrf_token)
    city = tenancy.get_city(session, auth.principal, slug)
    form = {k: v for k, v in locals().items() if k in nt.PROFILE_FIELDS}

    def change() -> str:
        fields: dict[str, Any] = {
            name: number(form[name], name, integer=name in ("geonameid", "gdp_year"))
            for name in (*PROFILE_FORM, "gdp_year")
        }
        fields |= {
            "locode": locode.strip().upper() or None,
            "gdp_currency": gdp_currency.strip().upper() or None,
            "priority_sdgs": numbers(priority_sdgs, "priority_sdgs"),
            "off_track_indicators": words(off_track_indicators),
            "challenges": lines(challenges),
            "languages": words(languages),
        }
        nt.save_network_profile(session, auth.principal, city, **fields)
        return f"/network/cities/{slug}?saved=1"

    def again() -> dict[str, Any]:
        return _profile_form(session, auth, city, form)

    return submit(request, session, "network_profile_edit.html", change, again)


@router.get("/network/cities/{slug}/matches")
def city_matches(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    limit: Annotated[int, Query(ge=1, le=30)] = 8,
) -> Response:
    """Solutions, case studies and cities that did it for the city's needs, with reasons."""
    city = tenancy.get_city(session, auth.principal, slug)
    network = nv.platform_network(session, auth.principal)
    result = nv.matches(session, auth.principal, network, city, limit=limit)
    slugs = {c.name: c.slug for c in network.cities.values()}
    context = page_context(auth, city=city, result=result, city_slugs=slugs)
    return render(request, "network_matches.html", context)


# --- notifications ----------------------------------------------------------------------------


@router.get("/notifications")
def notifications(request: Request, session: SessionDep, auth: AuthDep) -> Response:
    """The signed-in user's notifications, newest first."""
    signed_in(request, auth)
    found = nt.list_notifications(session, auth.principal, limit=100)
    _ = gettext(request)
    shown = [(n, _notice(n, _)) for n in found]
    context = page_context(auth, notices=shown, unread=nt.count_unread(session, auth.principal))
    return render(request, "network_notifications.html", context)


def _notice(n: Any, _: Any) -> str:
    """A notification in the page's language (its English text if the message is unknown)."""
    params = dict(n.params)
    for key, group in (("from", "stage"), ("to", "stage"), ("role", "role")):
        if key in params:
            params[key] = _(LABELS[group].get(params[key], params[key]))
    try:
        return str(_(n.message) % params)
    except (KeyError, TypeError, ValueError):
        return str(n.text)


@router.post("/notifications/read")
def read_notifications(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    csrf_token: Csrf = "",
    notification: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Mark one notification read (or all of them), then go back to the list."""
    csrf_form(request, auth, csrf_token)
    ids = [int(notification)] if notification.isdigit() else None
    nt.mark_read(session, auth.principal, ids)
    session.commit()
    return done(request, "/notifications")


@router.get("/notifications/badge")
def notifications_badge(request: Request, session: SessionDep, auth: AuthDep) -> Response:
    """The header's notifications link with the unread count (HTMX loads it)."""
    count = nt.count_unread(session, auth.principal)
    return request.app.state.templates.TemplateResponse(
        request, "network_badge.html", {"count": count}, headers={"cache-control": "no-store"}
    )


router.include_router(network_catalogue.router)
router.include_router(network_partnerships.router)
