"""The demo's network content, stored by `kizuna.demo.load_demo` in its transaction.

From the files of ``kizuna/demo/data/network/`` (each cites its sources and labels what is
fictional; docs/network.md): the network profiles of the demo cities (GeoNames ids, priority
SDGs, off-track indicators and challenges, the last three demo assumptions), the four
fictional demo providers and their eight solutions, the six real case studies and one
fictional private one, and the two fictional demo partnerships, one of them in progress
(feasibility stage, with an open invitation to the university, whose researcher has a
notification about it).

Owners: a provider that is a demo organisation (Hikari Energy, Minato University) owns its
listing and solutions; the two providers without an organisation here, and the real case
studies, are listed by the network secretariat (`NETWORK_SLUG`). Items are public under
CC BY 4.0 unless their file gives another visibility. Everything is written as `SYSTEM`
through `kizuna.server.tenancy.network` and `.partnerships` (audited as ``<type>.save``), so
loading twice replaces the rows instead of adding new ones. No city registry is built here
(the GeoNames ids come from the files): the seed takes milliseconds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.demo.accounts import LICENCE, NETWORK_SLUG
from kizuna.network.demo import _read_list, demo_network_dir
from kizuna.network.knowledge import CaseStudy, Provider, Solution
from kizuna.network.partnerships import Partnership
from kizuna.server.tables import City, Organisation, Visibility
from kizuna.server.tables.network import Notification
from kizuna.server.tenancy import SYSTEM, share_object
from kizuna.server.tenancy import network as nt
from kizuna.server.tenancy import partnerships as pt


def seed(session: Session, orgs: dict[str, Organisation]) -> int:
    """Store the demo's network objects (owned by the demo organisations `orgs`, by slug);
    returns how many objects were stored (the same count on every load)."""
    folder = demo_network_dir()
    curator = orgs.get(NETWORK_SLUG)
    if curator is None:
        return 0
    cities = {c.slug: c for c in session.scalars(select(City))}
    stored = _profiles(session, folder, cities)
    providers = _providers(session, folder, orgs, curator)
    stored += len(providers)
    stored += _solutions(session, folder, providers)
    stored += _case_studies(session, folder, orgs, curator, cities)
    stored += _partnerships(session, folder, orgs)
    return stored


def _sharing(item: Provider | Solution | CaseStudy | Partnership) -> dict[str, Any]:
    visibility = Visibility(item.visibility)
    licence = LICENCE if visibility is Visibility.PUBLIC else None
    return {"visibility": visibility, "licence": licence}


def _network_cities(folder: Path) -> list[dict[str, Any]]:
    return yaml.safe_load((folder / "cities.yaml").read_text(encoding="utf-8")) or []


def _profiles(session: Session, folder: Path, cities: dict[str, City]) -> int:
    count = 0
    for entry in _network_cities(folder):
        city = cities.get(entry.get("demo_city") or "")
        if city is None:
            continue
        nt.save_network_profile(
            session,
            SYSTEM,
            city,
            geonameid=entry.get("geonameid"),
            priority_sdgs=entry.get("priority_sdgs") or [],
            off_track_indicators=[str(x) for x in entry.get("off_track_indicators") or []],
            challenges=entry.get("challenges") or [],
        )
        count += 1
    return count


def _providers(
    session: Session, folder: Path, orgs: dict[str, Organisation], curator: Organisation
) -> dict[str, Any]:
    out = {}
    for p in _read_list(folder / "providers.yaml", Provider):
        own = orgs.get(p.owner or "")
        out[p.id] = nt.create_provider(
            session,
            SYSTEM,
            owner=own or curator,
            slug=p.id,
            name=p.name,
            kind=p.kind,
            country=p.country,
            description=p.description,
            url=p.url,
            sources=[s.model_dump() for s in p.sources],
            fictional=p.fictional,
            listed_by_curator=own is None,
            replace=True,
            **_sharing(p),
        )
    return out


def _solutions(session: Session, folder: Path, providers: dict[str, Any]) -> int:
    count = 0
    for s in _read_list(folder / "solutions.yaml", Solution):
        nt.create_solution(
            session,
            SYSTEM,
            providers[s.provider],
            slug=s.id,
            name=s.name,
            description=s.description,
            sector=s.sector,
            measure_type=s.measure_type,
            cost_band=s.cost_band,
            trl=s.trl,
            impact=s.impact.model_dump() if s.impact else None,
            references=s.references,
            regions=s.regions,
            sdgs=s.sdgs,
            sources=[x.model_dump() for x in s.sources],
            fictional=s.fictional,
            replace=True,
            **_sharing(s),
        )
        count += 1
    return count


def _case_studies(
    session: Session,
    folder: Path,
    orgs: dict[str, Organisation],
    curator: Organisation,
    cities: dict[str, City],
) -> int:
    ids = {(e["name"], e["country"]): e.get("geonameid") for e in _network_cities(folder)}
    by_name = {c.name: c for c in cities.values()}
    count = 0
    for c in _read_list(folder / "case_studies.yaml", CaseStudy):
        owner = orgs.get(c.owner) if c.owner else curator
        if owner is None:  # a private entry of a demo city that is not loaded
            continue
        nt.create_case_study(
            session,
            SYSTEM,
            owner=owner,
            slug=c.id,
            title=c.title,
            city_name=c.city,
            country=c.country,
            city=by_name.get(c.city),
            geonameid=c.geonameid or ids.get((c.city, c.country)),
            years=c.years,
            measures=c.measures,
            sector=c.sector,
            summary=c.summary,
            cost=c.cost.model_dump(),
            outcome=c.outcome.model_dump(),
            lessons=c.lessons,
            contact=c.contact,
            sdgs=c.sdgs,
            tags=c.tags,
            sources=[s.model_dump() for s in c.sources],
            fictional=c.fictional,
            replace=True,
            **_sharing(c),
        )
        count += 1
    return count


def _partnerships(session: Session, folder: Path, orgs: dict[str, Organisation]) -> int:
    count = 0
    for p in _read_list(folder / "partnerships.yaml", Partnership):
        owner = orgs.get(p.owner or "")
        if owner is None:
            continue
        row = pt.save_partnership(session, SYSTEM, p, owner=owner, orgs=orgs, **_sharing(p))
        for org in p.shared_with:
            if org in orgs:
                share_object(session, SYSTEM, row, orgs[org].id)
        for m in p.members:
            if m.status == "invited" and m.org in orgs:
                _invitation_notice(session, row, p, m.org, m.role)
        count += 1
    return count


def _invitation_notice(session: Session, row: Any, value: Partnership, org: str, role: str) -> None:
    """The open invitation's notification for the invited organisation's members (once)."""
    lead = next((m for m in value.members if m.role == "lead"), None)
    invitee = next(m for m in value.members if m.org == org)
    params = {
        "org": lead.name if lead else "",
        "invitee": invitee.name or org,
        "role": role,
        "title": row.title,
    }
    link = f"/network/partnerships/{row.slug}"
    message = pt.MESSAGES["invitation"]
    exists = session.scalar(
        select(Notification.id).where(Notification.link == link, Notification.message == message)
    )
    if exists is None:
        nt.notify(session, SYSTEM, [org], message, params, link)
