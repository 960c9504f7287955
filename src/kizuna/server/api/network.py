"""The network routes of the JSON API (``/api/v1/network/...`` and ``/api/v1/notifications``).

City network profiles, peers (the city is never its own peer), standing among peers and
matches read what the caller may read: the cities and inventories through
`kizuna.server.tenancy`'s filters, the catalogue through `tenancy.network`'s. Partnerships
show to their members and as their visibility allows. Every change is checked and audited
in `kizuna.server.tenancy.network` and `.partnerships`; reads are cached per reader until
the next change (`cached_read`), except notifications, which belong to one user.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session

from kizuna.network import allowed_stages, search_case_studies
from kizuna.network.peers import SIZE_BANDS
from kizuna.server import network_views as nv
from kizuna.server import tenancy
from kizuna.server.api.common import PagingDep, cached_read, errors, json_with_etag
from kizuna.server.deps import AuthDep, SessionDep
from kizuna.server.schemas.network import (
    BenchmarkOut,
    CaseStudyIn,
    CaseStudyList,
    CaseStudyOut,
    DocumentIn,
    InviteIn,
    MatchesOut,
    MatchOut,
    NetworkFields,
    NetworkFieldsIn,
    NetworkProfileOut,
    NotificationList,
    NotificationOut,
    PartnershipCard,
    PartnershipIn,
    PartnershipList,
    PartnershipOut,
    PeerOut,
    PeersOut,
    PipelineOut,
    ProviderIn,
    ProviderList,
    ProviderOut,
    ReadIn,
    ReadOut,
    ResponseIn,
    SolutionIn,
    SolutionList,
    SolutionOut,
    StageIn,
    StandingOut,
    UpdateIn,
)
from kizuna.server.tables import City, Organisation
from kizuna.server.tables.network import Partnership, ProviderKind, Stage
from kizuna.server.tenancy import network as nt
from kizuna.server.tenancy import partnerships as pt
from kizuna.server.tenancy.principals import Principal

router = APIRouter(tags=["network"])

Text = Annotated[str | None, Query(max_length=100)]
Slug = Annotated[str | None, Query(max_length=64)]


# --- city network profiles, peers, standing, matches ----------------------------------------


def _city(session: Session, principal: Principal, slug: str) -> City:
    return tenancy.get_city(session, principal, slug)


def profile_out(session: Session, network: nv.PlatformNetwork, city: City) -> NetworkProfileOut:
    """The API view of a city's network profile."""
    network.row(city)
    base = f"/api/v1/network/cities/{city.slug}"
    return NetworkProfileOut(
        city=city.slug,
        profile=network.profiles[city.id].to_dict(),
        stored=NetworkFields.of(nt.get_network_profile(session, city)),
        links={
            "self": f"{base}/profile",
            "peers": f"{base}/peers",
            "benchmark": f"{base}/benchmark",
            "matches": f"{base}/matches",
            "city": f"/api/v1/cities/{city.slug}",
            "page": f"/network/cities/{city.slug}",
        },
    )


@router.get(
    "/network/cities/{slug}/profile", response_model=NetworkProfileOut, responses=errors(404, 422)
)
def get_profile(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """A city's network profile: GeoNames identity and the figures of its own data."""

    def build() -> NetworkProfileOut:
        city = _city(session, auth.principal, slug)
        return profile_out(session, nv.platform_network(session, auth.principal), city)

    return cached_read(request, session, auth, build)


@router.patch(
    "/network/cities/{slug}/profile",
    response_model=NetworkProfileOut,
    responses=errors(403, 404, 422),
)
def update_profile(
    slug: str, body: NetworkFieldsIn, session: SessionDep, auth: AuthDep
) -> NetworkProfileOut:
    """Set a city's network fields (editors and up of its owner)."""
    city = _city(session, auth.principal, slug)
    nt.save_network_profile(session, auth.principal, city, **body.model_dump(exclude_unset=True))
    session.commit()
    city = _city(session, auth.principal, slug)
    return profile_out(session, nv.platform_network(session, auth.principal), city)


def peers_out(network: nv.PlatformNetwork, city: City, result: Any) -> PeersOut:
    """The API view of a peer search."""
    rows = [p.row for p in result.peers]
    places = nv.coordinates(network, [network.row(city), *rows])
    here = places[0]
    peers = []
    for peer, place in zip(result.peers, places[1:], strict=True):
        data = peer.to_dict()
        peers.append(
            PeerOut(
                **data,
                latitude=place[0] if place else None,
                longitude=place[1] if place else None,
                city=network.slug_at(peer.row),
            )
        )
    info = result.to_dict()
    return PeersOut(
        city=city.slug,
        name=result.city,
        country=result.country,
        geonameid=result.geonameid,
        latitude=here[0] if here else None,
        longitude=here[1] if here else None,
        dimensions=info["dimensions"],
        dimensions_used=info["dimensions_used"],
        candidates=result.candidates,
        method=info["method"],
        peers=peers,
    )


PeerK = Annotated[int, Query(ge=1, le=100, description="How many peers.")]
PeerBy = Annotated[
    str | None,
    Query(
        max_length=100,
        description="Dimensions, comma-separated: size, density, income, climate, emissions, "
        "sectors, ambition (default: all the city has).",
    ),
]
Region = Annotated[str | None, Query(max_length=40, description="Continent code or name.")]
Countries = Annotated[str | None, Query(max_length=100, description="ISO codes, a,b.")]
Band = Annotated[str | None, Query(max_length=60, description=", ".join(SIZE_BANDS))]


@router.get("/network/cities/{slug}/peers", response_model=PeersOut, responses=errors(404, 422))
def get_peers(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    k: PeerK = 10,
    by: PeerBy = None,
    region: Region = None,
    country: Countries = None,
    size_band: Band = None,
) -> Response:
    """The k cities most like this one over the 34,006 GeoNames cities and the cities of
    this instance, each with a score (0-1) and an explanation; never the city itself."""

    def build() -> PeersOut:
        city = _city(session, auth.principal, slug)
        network = nv.platform_network(session, auth.principal)
        result = nv.peers(
            network, city, k=k, dimensions=by, region=region, country=country, size_band=size_band
        )
        return peers_out(network, city, result)

    return cached_read(request, session, auth, build)


@router.get(
    "/network/cities/{slug}/benchmark", response_model=BenchmarkOut, responses=errors(404, 422)
)
def get_benchmark(
    request: Request, slug: str, session: SessionDep, auth: AuthDep, k: PeerK = 10
) -> Response:
    """Where the city stands among its k peers: emissions per capita and sector shares, as
    percentiles (0 lowest, 100 highest) with the peers' median and quartiles."""

    def build() -> BenchmarkOut:
        city = _city(session, auth.principal, slug)
        network = nv.platform_network(session, auth.principal)
        result = nv.peers(network, city, k=k)
        return BenchmarkOut(
            city=city.slug,
            peers=[p.name for p in result.peers],
            standing=[
                StandingOut.model_validate(s.to_dict()) for s in nv.standing(network, result)
            ],
        )

    return cached_read(request, session, auth, build)


@router.get("/network/cities/{slug}/matches", response_model=MatchesOut, responses=errors(404, 422))
def get_matches(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    limit: Annotated[int, Query(ge=1, le=50, description="Items per list.")] = 10,
) -> Response:
    """Solutions, case studies and cities that did it, ranked for the city's needs, each
    score with its components; over the catalogue items you may read."""

    def build() -> MatchesOut:
        city = _city(session, auth.principal, slug)
        network = nv.platform_network(session, auth.principal)
        result = nv.matches(session, auth.principal, network, city, limit=limit)
        return MatchesOut(
            city=city.slug,
            text_method=result.method,
            needs=result.needs.to_dict(),
            solutions=[MatchOut.of(m) for m in result.solutions],
            case_studies=[MatchOut.of(m) for m in result.case_studies],
            peer_cities=[p.to_dict() for p in result.peer_cities],
        )

    return cached_read(request, session, auth, build)


# --- providers and solutions ----------------------------------------------------------------


@router.get("/network/providers", response_model=ProviderList, responses=errors(422))
def list_providers(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    page: PagingDep,
    kind: Annotated[ProviderKind | None, Query()] = None,
    country: Annotated[str | None, Query(max_length=2)] = None,
    q: Text = None,
) -> Response:
    """A page of the providers you may read, by name."""

    def build() -> ProviderList:
        found = nt.list_providers(session, auth.principal, kind=kind, country=country, q=q)
        shown = found[page.offset : page.offset + page.limit]
        return ProviderList(
            providers=[ProviderOut.of(p) for p in shown], **page.info(request, len(found))
        )

    return cached_read(request, session, auth, build)


@router.post(
    "/network/providers",
    response_model=ProviderOut,
    status_code=201,
    responses=errors(403, 404, 422),
)
def create_provider(body: ProviderIn, session: SessionDep, auth: AuthDep) -> ProviderOut:
    """List your company, startup or university as a provider (its editors; admins to
    publish beyond the organisation)."""
    owner = tenancy.get_organisation(session, body.owner)
    data = body.model_dump(exclude={"owner"})
    provider = nt.create_provider(session, auth.principal, owner=owner, **data)
    session.commit()
    return ProviderOut.of(provider)


@router.get("/network/providers/{slug}", response_model=ProviderOut, responses=errors(404))
def get_provider(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """One provider."""
    return cached_read(
        request,
        session,
        auth,
        lambda: ProviderOut.of(nt.get_provider(session, auth.principal, slug)),
    )


@router.get("/network/solutions", response_model=SolutionList, responses=errors(404, 422))
def list_solutions(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    page: PagingDep,
    sector: Text = None,
    measure: Slug = None,
    provider: Slug = None,
    region: Annotated[str | None, Query(max_length=10, description="Served: JP, AS ...")] = None,
    q: Text = None,
) -> Response:
    """A page of the solutions you may read, by name; filter by GPC sector, measure type,
    provider, a region served or words."""

    def build() -> SolutionList:
        owner = nt.get_provider(session, auth.principal, provider) if provider else None
        found = nt.list_solutions(
            session,
            auth.principal,
            sector=sector,
            measure=measure,
            provider=owner,
            region=region,
            q=q,
        )
        shown = found[page.offset : page.offset + page.limit]
        return SolutionList(
            solutions=[SolutionOut.of(s) for s in shown], **page.info(request, len(found))
        )

    return cached_read(request, session, auth, build)


@router.post(
    "/network/solutions",
    response_model=SolutionOut,
    status_code=201,
    responses=errors(403, 404, 422),
)
def create_solution(body: SolutionIn, session: SessionDep, auth: AuthDep) -> SolutionOut:
    """Publish a solution of a provider (editors of the provider's organisation)."""
    provider = nt.get_provider(session, auth.principal, body.provider)
    data = body.model_dump(exclude={"provider"})
    solution = nt.create_solution(session, auth.principal, provider, **data)
    session.commit()
    return SolutionOut.of(solution)


@router.get("/network/solutions/{slug}", response_model=SolutionOut, responses=errors(404))
def get_solution(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """One solution."""
    return cached_read(
        request,
        session,
        auth,
        lambda: SolutionOut.of(nt.get_solution(session, auth.principal, slug)),
    )


# --- case studies ---------------------------------------------------------------------------


def city_slugs(session: Session, principal: Principal) -> dict[int, str]:
    """City id -> slug of the cities `principal` may read."""
    return {c.id: c.slug for c in tenancy.list_cities(session, principal)}


@router.get("/network/case-studies", response_model=CaseStudyList, responses=errors(422))
def list_case_studies(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    page: PagingDep,
    q: Annotated[str, Query(max_length=200, description="Words to search for.")] = "",
    sector: Text = None,
    measure: Slug = None,
    country: Annotated[str | None, Query(max_length=2)] = None,
) -> Response:
    """Search the case studies you may read: ranked by text similarity to `q` (TF-IDF),
    filtered by sector, measure and country."""

    def build() -> CaseStudyList:
        rows = nt.list_case_studies(
            session, auth.principal, sector=sector, measure=measure, country=country
        )
        by_slug = {r.slug: r for r in rows}
        ranked = search_case_studies(
            [nt.library_case_study(r) for r in rows], q, limit=max(1, len(rows))
        )
        slugs = city_slugs(session, auth.principal)
        shown = ranked[page.offset : page.offset + page.limit]
        items = [
            CaseStudyOut.of(
                by_slug[c.id], slugs.get(by_slug[c.id].city_id or -1), score if q else None
            )
            for c, score in shown
        ]
        return CaseStudyList(
            query=q, method="tfidf", case_studies=items, **page.info(request, len(ranked))
        )

    return cached_read(request, session, auth, build)


@router.post(
    "/network/case-studies",
    response_model=CaseStudyOut,
    status_code=201,
    responses=errors(403, 404, 422),
)
def create_case_study(body: CaseStudyIn, session: SessionDep, auth: AuthDep) -> CaseStudyOut:
    """Add a case study owned by your organisation (its editors; admins to publish it)."""
    owner = tenancy.get_organisation(session, body.owner)
    city = _city(session, auth.principal, body.city) if body.city else None
    data = body.model_dump(exclude={"owner", "city"})
    case = nt.create_case_study(session, auth.principal, owner=owner, city=city, **data)
    session.commit()
    return CaseStudyOut.of(case, city.slug if city else None)


@router.get("/network/case-studies/{slug}", response_model=CaseStudyOut, responses=errors(404))
def get_case_study(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """One case study."""

    def build() -> CaseStudyOut:
        case = nt.get_case_study(session, auth.principal, slug)
        return CaseStudyOut.of(case, city_slugs(session, auth.principal).get(case.city_id or -1))

    return cached_read(request, session, auth, build)


# --- partnerships ---------------------------------------------------------------------------


def partnership_out(session: Session, principal: Principal, slug: str) -> PartnershipOut:
    """The API view of a partnership (read again after a change)."""
    row = pt.get_partnership(session, principal, slug)
    return PartnershipOut.of(row, allowed_stages(pt.library_partnership(row)))


def _card(p: Partnership) -> PartnershipCard:
    summary = pt.library_partnership(p).summary()
    return PartnershipCard(
        slug=p.slug,
        title=p.title,
        stage=p.stage.value,
        members=summary["members"],
        invited=summary["invited"],
        updated_at=p.updated_at,
        page=p.describe()[1],
    )


@router.get("/network/partnerships", response_model=PartnershipList, responses=errors(422))
def list_partnerships(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    page: PagingDep,
    stage: Annotated[Stage | None, Query()] = None,
) -> Response:
    """A page of the partnerships you may read (yours as a member, or by their visibility)."""

    def build() -> PartnershipList:
        found = pt.list_partnerships(session, auth.principal, stage=stage)
        shown = found[page.offset : page.offset + page.limit]
        return PartnershipList(
            partnerships=[_card(p) for p in shown], **page.info(request, len(found))
        )

    return cached_read(request, session, auth, build)


@router.get("/network/pipeline", response_model=PipelineOut, responses=errors())
def get_pipeline(request: Request, session: SessionDep, auth: AuthDep) -> Response:
    """The partnership pipeline by stage (idea to implemented): counts and cards."""
    return cached_read(
        request,
        session,
        auth,
        lambda: PipelineOut.model_validate(
            pt.pipeline(pt.list_partnerships(session, auth.principal))
        ),
    )


@router.post(
    "/network/partnerships",
    response_model=PartnershipOut,
    status_code=201,
    responses=errors(403, 404, 422),
)
def create_partnership(body: PartnershipIn, session: SessionDep, auth: AuthDep) -> PartnershipOut:
    """Start a partnership led by your organisation (its editors; admins for one that is
    not private)."""
    owner = tenancy.get_organisation(session, body.owner)
    data = body.model_dump(exclude={"owner"})
    row = pt.create_partnership(session, auth.principal, owner=owner, **data)
    session.commit()
    return partnership_out(session, auth.principal, row.slug)


@router.get("/network/partnerships/{slug}", response_model=PartnershipOut, responses=errors(404))
def get_partnership(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """One partnership with its members, documents, timeline and feed."""
    return cached_read(
        request, session, auth, lambda: partnership_out(session, auth.principal, slug)
    )


def _acting(session: Session, slug: str | None) -> Organisation | None:
    return tenancy.get_organisation(session, slug) if slug else None


CHANGED = errors(403, 404, 422)


@router.post(
    "/network/partnerships/{slug}/members",
    response_model=PartnershipOut,
    status_code=201,
    responses=CHANGED,
)
def invite(slug: str, body: InviteIn, session: SessionDep, auth: AuthDep) -> PartnershipOut:
    """Invite an organisation (a lead's editors); its members are notified."""
    row = pt.get_partnership(session, auth.principal, slug)
    invitee = tenancy.get_organisation(session, body.organisation)
    acting = _acting(session, body.as_organisation)
    pt.invite_member(session, auth.principal, row, invitee, body.role, acting=acting)
    session.commit()
    return partnership_out(session, auth.principal, slug)


@router.post(
    "/network/partnerships/{slug}/members/{organisation}/response",
    response_model=PartnershipOut,
    responses=CHANGED,
)
def respond(
    slug: str, organisation: str, body: ResponseIn, session: SessionDep, auth: AuthDep
) -> PartnershipOut:
    """Accept or decline your organisation's invitation (its editors); the leads are told."""
    row = pt.get_partnership(session, auth.principal, slug)
    invitee = tenancy.get_organisation(session, organisation)
    pt.respond_invitation(session, auth.principal, row, invitee, body.accept)
    session.commit()
    return partnership_out(session, auth.principal, slug)


@router.post("/network/partnerships/{slug}/stage", response_model=PartnershipOut, responses=CHANGED)
def advance(slug: str, body: StageIn, session: SessionDep, auth: AuthDep) -> PartnershipOut:
    """Move the stage one step forward or back (an accepted lead's editors)."""
    row = pt.get_partnership(session, auth.principal, slug)
    acting = _acting(session, body.as_organisation)
    pt.advance_stage(session, auth.principal, row, body.stage, note=body.note, acting=acting)
    session.commit()
    return partnership_out(session, auth.principal, slug)


@router.post(
    "/network/partnerships/{slug}/updates",
    response_model=PartnershipOut,
    status_code=201,
    responses=CHANGED,
)
def post_update(slug: str, body: UpdateIn, session: SessionDep, auth: AuthDep) -> PartnershipOut:
    """Post a note in the feed (an accepted member's editors); the others are told."""
    row = pt.get_partnership(session, auth.principal, slug)
    acting = _acting(session, body.as_organisation)
    pt.post_update(session, auth.principal, row, body.text, acting=acting)
    session.commit()
    return partnership_out(session, auth.principal, slug)


@router.post(
    "/network/partnerships/{slug}/documents",
    response_model=PartnershipOut,
    status_code=201,
    responses=CHANGED,
)
def add_document(slug: str, body: DocumentIn, session: SessionDep, auth: AuthDep) -> PartnershipOut:
    """Add a document (its title and address) to the partnership (an accepted member)."""
    row = pt.get_partnership(session, auth.principal, slug)
    acting = _acting(session, body.as_organisation)
    pt.add_document(
        session, auth.principal, row, title=body.title, url=body.url, kind=body.kind, acting=acting
    )
    session.commit()
    return partnership_out(session, auth.principal, slug)


# --- notifications --------------------------------------------------------------------------


@router.get("/notifications", response_model=NotificationList, responses=errors(403, 422))
def list_notifications(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    unread: Annotated[bool, Query(description="Only the unread ones.")] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Response:
    """Your newest notifications (signed-in users), and how many are unread."""
    found = nt.list_notifications(session, auth.principal, unread=unread, limit=limit)
    body = NotificationList(
        unread=nt.count_unread(session, auth.principal),
        notifications=[NotificationOut.of(n) for n in found],
    )
    return json_with_etag(request, body)


@router.post("/notifications/read", response_model=ReadOut, responses=errors(403, 404, 422))
def mark_read(body: ReadIn, session: SessionDep, auth: AuthDep) -> ReadOut:
    """Mark notifications read: those of `ids`, or all unread ones."""
    marked = nt.mark_read(session, auth.principal, body.ids)
    session.commit()
    return ReadOut(marked=marked, unread=nt.count_unread(session, auth.principal))
