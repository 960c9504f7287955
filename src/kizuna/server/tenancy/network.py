"""The network's catalogue on behalf of a principal: providers, solutions, case studies, city
network profiles and in-app notifications; read through the one visibility rule, changed
with the role checks, every change audited.

| change                           | needs                                                   |
|----------------------------------|---------------------------------------------------------|
| a provider                       | editor+ of the owner: a company, startup or university  |
| a solution                       | editor+ of the provider's owner organisation            |
| a case study                     | editor+ of the owner organisation                       |
| a city's network profile         | editor+ of the city's owner                             |
| anything not private             | admin+ (a sharing decision, as for cities)              |
| marking one's notifications read | the signed-in user                                      |

Values are validated by the library's models (`kizuna.network.knowledge`), so the rules for
a measure id, a country code, SDG numbers or a TRL live there. Lists read with `visible`
first and filter on the JSON columns in Python (catalogues are small). Functions flush but
never commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from kizuna.errors import Forbidden, InputError, Location, NotFound
from kizuna.network import knowledge
from kizuna.network.knowledge import library_impact
from kizuna.network.profiles import CityProfile
from kizuna.planning.library import measure_library
from kizuna.server.tables import City, Membership, Organisation, OrgKind, Visibility, utcnow
from kizuna.server.tables.network import (
    CaseStudy,
    CityNetworkProfile,
    CostBand,
    Notification,
    Provider,
    ProviderKind,
    Solution,
)
from kizuna.server.tenancy.audit import record
from kizuna.server.tenancy.content import _require_create
from kizuna.server.tenancy.licences import check_licence
from kizuna.server.tenancy.permissions import not_found, require_change, require_readable
from kizuna.server.tenancy.principals import Principal
from kizuna.server.tenancy.visibility import visibility_clause, visible

T = TypeVar("T", Provider, Solution, CaseStudy)

#: The organisations that publish providers: companies, startups, universities (and labs).
PROVIDER_ORG_KINDS = frozenset({OrgKind.COMPANY, OrgKind.STARTUP, OrgKind.UNIVERSITY})
#: The editable fields of a city's network profile (`CityNetworkProfile`).
PROFILE_FIELDS = (
    "geonameid",
    "locode",
    "latitude",
    "longitude",
    "area_km2",
    "gdp_per_capita",
    "gdp_currency",
    "gdp_year",
    "priority_sdgs",
    "off_track_indicators",
    "challenges",
    "languages",
)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


# --- validation ------------------------------------------------------------------------------


def validated(model: type[BaseModel], data: dict[str, Any]) -> Any:
    """`data` as the library's `model`, or an `InputError` naming each field at fault."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = exc.errors()
        where = [Location(field=".".join(str(p) for p in e["loc"]) or None) for e in problems]
        first = str(problems[0]["msg"]).removeprefix("Value error, ")
        field = ".".join(str(p) for p in problems[0]["loc"])
        raise InputError(
            f"Invalid {field or 'value'}: {first}" if field else f"Invalid value: {first}",
            where=where,
            hint="fix the named fields (measure ids: kizuna plan library; countries: ISO "
            "3166-1 alpha-2 such as JP; SDGs 1-17)",
        ) from None


def slugify(text: str) -> str:
    """A slug from a title: ASCII lower case, digits and hyphens (``"BEMS as a service"`` ->
    ``"bems-as-a-service"``), at most 60 characters."""
    from kizuna.network.registry import fold

    return _NOT_SLUG.sub("-", fold(text)).strip("-")[:60].strip("-")


def free_slug(session: Session, model: type[Any], wanted: str, fallback: str) -> str:
    """`wanted` (a slugified title) or `fallback`, with ``-2``, ``-3``, ... until unused."""
    base = wanted or fallback
    taken = set(session.scalars(select(model.slug).where(model.slug.like(f"{base}%"))))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_slug(session: Session, model: type[Any], slug: str, what: str) -> None:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", slug or ""):
        raise InputError(
            f"Invalid {what} slug {slug!r}",
            where=Location(field="slug"),
            hint="lower-case letters, digits and hyphens, up to 64 characters",
        )
    if session.scalar(select(model.id).where(model.slug == slug)) is not None:
        raise InputError(
            f"The {what} slug {slug!r} is taken",
            where=Location(field="slug"),
            hint="choose another slug",
        )


# --- reads -----------------------------------------------------------------------------------


def _one(session: Session, principal: Principal, model: type[T], slug: str) -> T:
    stmt: Select[Any] = visible(select(model).where(model.slug == slug), model, principal)
    found = session.scalars(stmt).one_or_none()
    if found is None:
        raise not_found(model.shared_type.replace("_", " "), slug)
    return found


def _like(column: Any, q: str | None) -> Any:
    return func.lower(column).like(f"%{q.strip().lower()}%") if q and q.strip() else None


def list_providers(
    session: Session,
    principal: Principal,
    *,
    kind: ProviderKind | None = None,
    country: str | None = None,
    q: str | None = None,
) -> Sequence[Provider]:
    """The providers `principal` may read, by name; filters: kind, country (alpha-2), a part
    of the name."""
    stmt = visible(select(Provider), Provider, principal).options(
        selectinload(Provider.owner), selectinload(Provider.organisation)
    )
    if kind is not None:
        stmt = stmt.where(Provider.kind == kind)
    if country:
        stmt = stmt.where(Provider.country == country.strip().upper())
    if (name := _like(Provider.name, q)) is not None:
        stmt = stmt.where(name)
    return session.scalars(stmt.order_by(Provider.name, Provider.id)).all()


def get_provider(session: Session, principal: Principal, slug: str) -> Provider:
    """The provider `slug`; `NotFound` when hidden or unknown."""
    return _one(session, principal, Provider, slug)


def list_solutions(
    session: Session,
    principal: Principal,
    *,
    sector: str | None = None,
    measure: str | None = None,
    provider: Provider | None = None,
    region: str | None = None,
    q: str | None = None,
) -> list[Solution]:
    """The solutions `principal` may read (of readable providers), by name; filters: GPC
    sector, measure library id, provider, a region served (``global`` always serves), text."""
    stmt = (
        visible(select(Solution), Solution, principal)
        .join(Solution.provider)
        .where(visibility_clause(Provider, principal))
        .options(selectinload(Solution.provider), selectinload(Solution.owner))
    )
    if sector:
        stmt = stmt.where(Solution.sector == sector)
    if measure:
        stmt = stmt.where(Solution.measure_type == measure)
    if provider is not None:
        stmt = stmt.where(Solution.provider_id == provider.id)
    if q and q.strip():
        stmt = stmt.where(or_(_like(Solution.name, q), _like(Solution.description, q)))
    found = list(session.scalars(stmt.order_by(Solution.name, Solution.id)))
    if region:
        wanted = {"GLOBAL", region.strip().upper()}
        found = [s for s in found if wanted & {r.upper() for r in s.regions}]
    return found


def get_solution(session: Session, principal: Principal, slug: str) -> Solution:
    """The solution `slug`; `NotFound` when it or its provider is hidden, or unknown."""
    found = _one(session, principal, Solution, slug)
    require_readable(session, principal, found.provider)
    return found


def list_case_studies(
    session: Session,
    principal: Principal,
    *,
    sector: str | None = None,
    measure: str | None = None,
    country: str | None = None,
) -> list[CaseStudy]:
    """The case studies `principal` may read, by title; filters: sector, measure, country."""
    stmt = visible(select(CaseStudy), CaseStudy, principal).options(selectinload(CaseStudy.owner))
    if sector:
        stmt = stmt.where(CaseStudy.sector == sector)
    if country:
        stmt = stmt.where(CaseStudy.country == country.strip().upper())
    found = list(session.scalars(stmt.order_by(CaseStudy.title, CaseStudy.id)))
    return [c for c in found if not measure or measure in c.measures]


def get_case_study(session: Session, principal: Principal, slug: str) -> CaseStudy:
    """The case study `slug`; `NotFound` when hidden or unknown."""
    return _one(session, principal, CaseStudy, slug)


# --- the library's values --------------------------------------------------------------------


def library_solution(row: Solution) -> knowledge.Solution:
    """A stored solution as `kizuna.network.Solution` (for matchmaking)."""
    return knowledge.Solution.model_validate(
        {
            "id": row.slug,
            "provider": row.provider.slug,
            "name": row.name,
            "description": row.description,
            "sector": row.sector,
            "measure_type": row.measure_type,
            "cost_band": row.cost_band.value,
            "impact": row.impact,
            "trl": row.trl,
            "references": row.references,
            "regions": row.regions,
            "sdgs": row.sdgs,
            "sources": row.sources,
            "fictional": row.fictional,
            "owner": row.owner.slug,
            "visibility": row.visibility.value,
        }
    )


def library_case_study(row: CaseStudy) -> knowledge.CaseStudy:
    """A stored case study as `kizuna.network.CaseStudy` (for search and matchmaking)."""
    return knowledge.CaseStudy.model_validate(
        {
            "id": row.slug,
            "title": row.title,
            "city": row.city_name,
            "country": row.country,
            "geonameid": row.geonameid,
            "years": row.years,
            "measures": row.measures,
            "sector": row.sector,
            "summary": row.summary,
            "cost": row.cost,
            "outcome": row.outcome,
            "lessons": row.lessons,
            "contact": row.contact,
            "sdgs": row.sdgs,
            "tags": row.tags,
            "sources": row.sources,
            "fictional": row.fictional,
            "owner": row.owner.slug,
            "visibility": row.visibility.value,
        }
    )


# --- changes ---------------------------------------------------------------------------------


def _sharing(
    principal: Principal, owner_org_id: int, visibility: Visibility, licence: str | None, what: str
) -> str | None:
    _require_create(principal, owner_org_id, visibility, what)
    return check_licence(visibility, licence)


def _existing(
    session: Session, principal: Principal, model: type[T], slug: str, replace: bool, what: str
) -> T | None:
    """The stored object `slug` to replace (`replace`, the demo loader), else None after
    checking that the slug is free."""
    found = session.scalars(select(model).where(model.slug == slug)).one_or_none()
    if found is not None and replace:
        require_change(session, principal, found, action=f"replace this {what}")
        return found
    _check_slug(session, model, slug, what)
    return None


def create_provider(
    session: Session,
    principal: Principal,
    *,
    owner: Organisation,
    name: str,
    kind: str,
    country: str,
    slug: str | None = None,
    description: str = "",
    url: str | None = None,
    sources: Iterable[dict[str, Any]] = (),
    fictional: bool = False,
    visibility: Visibility = Visibility.PRIVATE,
    licence: str | None = None,
    listed_by_curator: bool = False,
    replace: bool = False,
) -> Provider:
    """A provider owned by `owner`, a company, startup or university whose editors publish
    it (its `Provider.organisation`). The system (demo loader) may list a provider without
    an organisation of its own under a curator (`listed_by_curator`)."""
    if owner.kind not in PROVIDER_ORG_KINDS and not (principal.is_system and listed_by_curator):
        raise Forbidden(
            f"{owner.name} is not a company, startup or university: it cannot publish providers",
            hint="publish from your provider organisation (Organisations: kind company, "
            "startup or university)",
        )
    slug = slug or free_slug(session, Provider, slugify(name), "provider")
    licence = _sharing(principal, owner.id, visibility, licence, "a provider")
    value = validated(
        knowledge.Provider,
        {
            "id": slug,
            "name": name.strip(),
            "kind": kind,
            "country": country.strip().upper(),
            "description": description,
            "url": url or None,
            "sources": list(sources),
            "fictional": fictional,
        },
    )
    row = _existing(session, principal, Provider, slug, replace, "provider") or Provider(slug=slug)
    row.name, row.kind, row.country = value.name, ProviderKind(value.kind), value.country
    row.description, row.url, row.fictional = value.description, value.url, value.fictional
    row.sources = [s.model_dump() for s in value.sources]
    row.owner_org_id, row.visibility, row.licence = owner.id, Visibility(visibility), licence
    row.organisation_id = None if listed_by_curator else owner.id
    return _saved(session, principal, row, "provider", replace, {"kind": value.kind})


def create_solution(
    session: Session,
    principal: Principal,
    provider: Provider,
    *,
    name: str,
    description: str,
    measure_type: str,
    cost_band: str,
    trl: int,
    slug: str | None = None,
    sector: str | None = None,
    impact: dict[str, Any] | None = None,
    references: Iterable[str] = (),
    regions: Iterable[str] = ("global",),
    sdgs: Iterable[int] = (),
    sources: Iterable[dict[str, Any]] = (),
    fictional: bool = False,
    visibility: Visibility = Visibility.PRIVATE,
    licence: str | None = None,
    replace: bool = False,
) -> Solution:
    """A solution of `provider`, owned by the provider's owner (its editors publish it).

    The sector defaults to the library measure's, the impact per unit to the library's
    abatement with its sources (`kizuna.network.knowledge.library_impact`).
    """
    require_readable(session, principal, provider)
    licence = _sharing(principal, provider.owner_org_id, visibility, licence, "a solution")
    slug = slug or free_slug(session, Solution, slugify(name), "solution")
    entry = measure_library()["measures"].get(measure_type)
    data = {
        "id": slug,
        "provider": provider.slug,
        "name": name.strip(),
        "description": description.strip(),
        "sector": sector or (entry["sector"] if entry else ""),
        "measure_type": measure_type,
        "cost_band": cost_band,
        "impact": impact,
        "trl": trl,
        "references": list(references),
        "regions": list(regions) or ["global"],
        "sdgs": list(sdgs),
        "sources": list(sources),
        "fictional": fictional,
    }
    value = validated(knowledge.Solution, data)
    if value.impact is None:
        value = value.model_copy(update={"impact": library_impact(value.measure_type)})
    row = _existing(session, principal, Solution, slug, replace, "solution") or Solution(slug=slug)
    for field in ("name", "description", "sector", "measure_type", "trl"):
        setattr(row, field, getattr(value, field))
    row.cost_band = CostBand(value.cost_band)
    row.impact = value.impact.model_dump() if value.impact else None
    row.references, row.regions, row.sdgs = value.references, value.regions, value.sdgs
    row.sources, row.fictional = [s.model_dump() for s in value.sources], value.fictional
    row.provider_id, row.owner_org_id = provider.id, provider.owner_org_id
    row.visibility, row.licence = Visibility(visibility), licence
    return _saved(session, principal, row, "solution", replace, {"provider": provider.slug})


def create_case_study(
    session: Session,
    principal: Principal,
    *,
    owner: Organisation,
    title: str,
    city_name: str,
    country: str,
    measures: Sequence[str],
    summary: str,
    outcome: dict[str, Any],
    slug: str | None = None,
    city: City | None = None,
    geonameid: int | None = None,
    years: str = "",
    sector: str | None = None,
    cost: dict[str, Any] | None = None,
    lessons: Iterable[str] = (),
    contact: str = "",
    sdgs: Iterable[int] = (),
    tags: Iterable[str] = (),
    sources: Iterable[dict[str, Any]] = (),
    fictional: bool = False,
    visibility: Visibility = Visibility.PRIVATE,
    licence: str | None = None,
    replace: bool = False,
) -> CaseStudy:
    """What a city did, owned by `owner`; a real case study cites its sources (the library
    refuses one without, unless `fictional`). `city` links a city of this instance."""
    if city is not None:
        require_readable(session, principal, city)
    licence = _sharing(principal, owner.id, visibility, licence, "a case study")
    slug = slug or free_slug(session, CaseStudy, slugify(title), "case-study")
    data = {
        "id": slug,
        "title": title.strip(),
        "city": city_name.strip(),
        "country": country.strip().upper(),
        "geonameid": geonameid,
        "years": years,
        "measures": list(measures),
        "sector": sector or None,
        "summary": summary.strip(),
        "cost": cost or {},
        "outcome": outcome,
        "lessons": list(lessons),
        "contact": contact,
        "sdgs": list(sdgs),
        "tags": list(tags),
        "sources": list(sources),
        "fictional": fictional,
    }
    value = validated(knowledge.CaseStudy, data)
    row = _existing(session, principal, CaseStudy, slug, replace, "case study")
    row = row or CaseStudy(slug=slug)
    row.title, row.city_name, row.country = value.title, value.city, value.country
    row.geonameid, row.city_id, row.years = value.geonameid, city.id if city else None, value.years
    row.measures, row.sector, row.summary = value.measures, value.sector, value.summary
    row.cost, row.outcome = value.cost.model_dump(), value.outcome.model_dump()
    row.lessons, row.contact, row.sdgs, row.tags = (
        value.lessons,
        value.contact,
        value.sdgs,
        value.tags,
    )
    row.sources, row.fictional = [s.model_dump() for s in value.sources], value.fictional
    row.owner_org_id, row.visibility, row.licence = owner.id, Visibility(visibility), licence
    return _saved(session, principal, row, "case_study", replace, {"city": value.city})


def _saved(
    session: Session,
    principal: Principal,
    row: T,
    kind: str,
    replace: bool,
    details: dict[str, Any],
) -> T:
    """Add `row` (when new), flush and audit ``<kind>.create`` (``.save`` when replacing)."""
    new = row.id is None
    session.add(row)
    session.flush()
    record(
        session,
        principal,
        f"{kind}.{'save' if replace else 'create'}",
        organisation_id=row.owner_org_id,
        object_type=kind,
        object_id=row.id,
        details={"slug": row.slug, "visibility": row.visibility.value, "new": new, **details},
    )
    return row


# --- city network profiles -------------------------------------------------------------------


def get_network_profile(session: Session, city: City) -> CityNetworkProfile | None:
    """The network fields of `city` (already read through `get_city`), or None."""
    return session.get(CityNetworkProfile, city.id)


def save_network_profile(
    session: Session, principal: Principal, city: City, **fields: Any
) -> CityNetworkProfile:
    """Set network fields of `city` (`PROFILE_FIELDS`; None clears one): editors and up of
    the city's owner. Values are checked by the library's `CityProfile` (coordinates in
    range, a UN/LOCODE's shape, SDGs 1-17, an ISO currency code)."""
    require_change(session, principal, city, action="change the city's network profile")
    unknown = sorted(set(fields) - set(PROFILE_FIELDS))
    if unknown:
        raise InputError(
            f"Unknown network profile fields: {', '.join(unknown)}",
            where=[Location(field=f) for f in unknown],
            hint=f"give only {', '.join(PROFILE_FIELDS)}",
        )
    row = get_network_profile(session, city) or CityNetworkProfile(city_id=city.id)
    merged = {f: getattr(row, f) for f in PROFILE_FIELDS} | fields
    check = {k: v for k, v in merged.items() if v is not None and k != "geonameid"}
    if merged.get("gdp_per_capita") is not None and not merged.get("gdp_currency"):
        raise InputError(
            "GDP per capita needs its currency",
            where=Location(field="gdp_currency"),
            hint="give the ISO 4217 code of the figure (USD, JPY, ...)",
        )
    validated(CityProfile, {"name": city.name, "country": "ZZ", **check})
    if merged.get("geonameid") is not None and int(merged["geonameid"]) <= 0:
        raise InputError("A GeoNames id is a positive number", where=Location(field="geonameid"))
    for name in PROFILE_FIELDS:
        value = merged[name]
        if name in ("priority_sdgs", "off_track_indicators", "challenges", "languages"):
            value = list(value or [])
        setattr(row, name, value)
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    record(
        session,
        principal,
        "city.network_profile",
        organisation_id=city.owner_org_id,
        object_type="city",
        object_id=city.id,
        details={"fields": sorted(fields)},
    )
    return row


# --- notifications ---------------------------------------------------------------------------


def notify(
    session: Session,
    principal: Principal,
    org_slugs: Iterable[str],
    message: str,
    params: dict[str, Any],
    link: str,
) -> int:
    """Tell every member of the organisations `org_slugs` (but the one who acts) in the app:
    `message` (English, ``%(name)s`` placeholders) with `params`; returns how many."""
    slugs = sorted(set(org_slugs))
    if not slugs:
        return 0
    users = session.scalars(
        select(Membership.user_id)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Organisation.slug.in_(slugs))
        .distinct()
    )
    text = message % params
    count = 0
    for user_id in sorted(set(users)):
        if user_id == principal.user_id:
            continue
        session.add(
            Notification(user_id=user_id, message=message, params=params, text=text, link=link)
        )
        count += 1
    session.flush()
    return count


def _signed_in_user(principal: Principal) -> int:
    if principal.user_id is None:
        raise Forbidden("Notifications are kept for signed-in users", hint="sign in")
    return principal.user_id


def list_notifications(
    session: Session, principal: Principal, *, unread: bool = False, limit: int = 50
) -> Sequence[Notification]:
    """The signed-in user's notifications, newest first (only the unread ones if `unread`)."""
    stmt = select(Notification).where(Notification.user_id == _signed_in_user(principal))
    if unread:
        stmt = stmt.where(Notification.read_at.is_(None))
    stmt = stmt.order_by(Notification.id.desc()).limit(max(1, min(limit, 500)))
    return session.scalars(stmt).all()


def count_unread(session: Session, principal: Principal) -> int:
    """How many notifications the signed-in user has not read (0 for anyone else)."""
    if principal.user_id is None:
        return 0
    stmt = select(func.count(Notification.id)).where(
        Notification.user_id == principal.user_id, Notification.read_at.is_(None)
    )
    return int(session.scalar(stmt) or 0)


def mark_read(session: Session, principal: Principal, ids: Sequence[int] | None = None) -> int:
    """Mark the user's notifications `ids` read (all unread ones when None); returns how
    many changed. Another user's ids are `NotFound`."""
    user_id = _signed_in_user(principal)
    stmt = select(Notification.id).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if ids is not None:
        wanted = sorted(set(ids))
        mine = set(
            session.scalars(
                select(Notification.id).where(
                    Notification.user_id == user_id, Notification.id.in_(wanted)
                )
            )
        )
        missing = [i for i in wanted if i not in mine]
        if missing:
            raise NotFound(f"No notification {missing[0]}", hint="list your notifications")
        stmt = stmt.where(Notification.id.in_(wanted))
    changed = sorted(session.scalars(stmt))
    if changed:
        session.execute(
            update(Notification).where(Notification.id.in_(changed)).values(read_at=utcnow())
        )
        record(
            session,
            principal,
            "notification.read",
            object_type="notification",
            object_id=changed[0] if len(changed) == 1 else None,
            details={"count": len(changed)},
        )
        session.flush()
    return len(changed)
