"""SDG data sets and VLR projects on behalf of a principal: read narrowly, changed checked
and audited.

- Reading: `list_datasets`, `get_dataset`, `find_vlr`, `get_vlr` and `vlr_dataset` go
  through `visible`; a data set of a city the principal may not read is hidden with its city.
- Changes (editor of the city's owner; admin to create a data set or VLR that is not
  private): `save_dataset` (create, or replace its indicators), `save_vlr` (the city.yaml
  fields, data set and plan choice), `update_narratives`. Each writes an audit entry
  (``sdg_dataset.create``, ``sdg_dataset.update``, ``vlr.create``, ``vlr.update``) in the
  same transaction; deleting and sharing go through `delete_object` and `sharing`.

Uploaded files are read and checked before they reach `save_dataset`
(`kizuna.server.sdg_files`); the VLR is assembled from what its reader may read
(`kizuna.server.sdg_vlr`). Nothing is committed here: the caller commits.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from kizuna.errors import InputError, Location, NotFound
from kizuna.sdg.vlr.citydir import NARRATIVE_SECTIONS, validate_city_config
from kizuna.server.tables import City, SharedObject, Visibility, utcnow
from kizuna.server.tables.sdg import SdgDataset, SdgIndicator, VlrProject
from kizuna.server.tenancy.audit import record
from kizuna.server.tenancy.content import _require_create
from kizuna.server.tenancy.licences import check_licence
from kizuna.server.tenancy.permissions import require_change, require_readable
from kizuna.server.tenancy.principals import Principal
from kizuna.server.tenancy.visibility import visibility_clause, visible

#: Languages of VLR narratives, and the sections a city writes (``goals/<n>`` per goal).
VLR_LANGUAGES = ("en", "ja")
NARRATIVE_KEYS = (*NARRATIVE_SECTIONS, *(f"goals/{n}" for n in range(1, 18)))
#: At most this many characters in one narrative section.
MAX_NARRATIVE = 50_000
DATASET_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
#: city.yaml fields that name files: a stored VLR chooses its data set and plan instead.
FILE_FIELDS = ("plan", "framework", "data")


@dataclass(frozen=True)
class UploadedIndicator:
    """One checked indicator of an upload: its id, config (JSON) and texts as uploaded."""

    id: str
    config: dict[str, Any]
    csv_text: str
    config_text: str | None


# --- reading ---------------------------------------------------------------------------------


def _datasets(principal: Principal) -> Select[tuple[SdgDataset]]:
    stmt = select(SdgDataset).join(SdgDataset.city).where(visibility_clause(City, principal))
    stmt = stmt.options(selectinload(SdgDataset.city), selectinload(SdgDataset.owner))
    return visible(stmt, SdgDataset, principal)


def list_datasets(
    session: Session, principal: Principal, city: City | None = None
) -> Sequence[SdgDataset]:
    """The data sets `principal` may read (of cities it may read), by city and name."""
    stmt = _datasets(principal)
    if city is not None:
        stmt = stmt.where(SdgDataset.city_id == city.id)
    return session.scalars(stmt.order_by(City.name, SdgDataset.name)).all()


def indicator_counts(session: Session, datasets: Sequence[SdgDataset]) -> dict[int, int]:
    """How many indicators each data set holds, by data set id (one query)."""
    ids = [d.id for d in datasets]
    stmt = (
        select(SdgIndicator.dataset_id, func.count())
        .where(SdgIndicator.dataset_id.in_(ids))
        .group_by(SdgIndicator.dataset_id)
    )
    return {int(k): int(n) for k, n in session.execute(stmt).all()} if ids else {}


def get_dataset(session: Session, principal: Principal, city: City, name: str) -> SdgDataset:
    """The data set `name` of `city` (read through `get_city`); `NotFound` if hidden or unknown."""
    found = list_datasets(session, principal, city)
    for dataset in found:
        if dataset.name == name:
            return dataset
    shown = ", ".join(d.name for d in found)
    raise NotFound(
        f"{city.name} has no SDG data set {name!r}",
        hint=f"use one of: {shown}" if shown else "upload the city's indicators first",
    )


def vlr_dataset(session: Session, principal: Principal, project: VlrProject) -> SdgDataset | None:
    """The data set `project` reviews (None when it has none); `NotFound` when `principal`
    may read the VLR but not its data set."""
    require_readable(session, principal, project)
    if project.dataset_id is None:
        return None
    stmt = _datasets(principal).where(SdgDataset.id == project.dataset_id)
    dataset = session.scalars(stmt).one_or_none()
    if dataset is None:
        raise NotFound(
            f"The data set of {project.city.name}'s VLR is not shared with you",
            hint="ask the city to share its SDG data set, or sign in",
        )
    return dataset


def find_vlr(session: Session, principal: Principal, city: City) -> VlrProject | None:
    """The VLR project of `city` if `principal` may read it, else None."""
    stmt = visible(select(VlrProject).where(VlrProject.city_id == city.id), VlrProject, principal)
    return session.scalars(stmt).one_or_none()


def get_vlr(session: Session, principal: Principal, city: City) -> VlrProject:
    """The VLR project of `city`; `NotFound` when there is none `principal` may read."""
    project = find_vlr(session, principal, city)
    if project is None:
        raise NotFound(
            f"{city.name} has no VLR",
            hint="an editor of the city starts one on its VLR page (/sdg/<city>/vlr)",
        )
    return project


# --- changes ---------------------------------------------------------------------------------


def check_name(name: str) -> str:
    """A data set name: lower-case letters, digits and hyphens, at most 64."""
    text = name.strip()
    if not DATASET_NAME.match(text):
        raise InputError(
            f"Data set name {name!r} is not a short name",
            where=Location(field="name"),
            hint="use lower-case letters, digits and hyphens, such as indicators",
        )
    return text


def _check_sharing(
    session: Session,
    principal: Principal,
    city: City,
    existing: SharedObject | None,
    visibility: Visibility | None,
    licence: str | None,
    what: str,
) -> str | None:
    """The checks before storing `what` for `city` (the city is changeable already): the
    object it replaces must be changeable too; a visibility needs an admin and a licence
    that suits it (returned)."""
    if existing is not None:
        require_change(session, principal, existing, action=f"replace {what}")
    if visibility is None:
        return licence
    _require_create(principal, city.owner_org_id, visibility, what)
    return check_licence(visibility, licence)


def save_dataset(
    session: Session,
    principal: Principal,
    city: City,
    *,
    name: str,
    title: str,
    source_file: str,
    indicators: Sequence[UploadedIndicator],
    visibility: Visibility | None = None,
    licence: str | None = None,
) -> SdgDataset:
    """Store the data set `name` of `city` (replacing its indicators when it exists).

    Needs editor of the city's owner; a new data set is the owner's and private unless
    `visibility` is given (then admin); a replaced one keeps its sharing.
    """
    require_change(session, principal, city, action="add SDG data to the city")
    name = check_name(name)
    stmt = select(SdgDataset).where(SdgDataset.city_id == city.id, SdgDataset.name == name)
    existing = session.scalars(stmt).one_or_none()
    licence = _check_sharing(
        session, principal, city, existing, visibility, licence, "an SDG data set"
    )
    dataset = existing or SdgDataset(
        city=city, name=name, owner_org_id=city.owner_org_id, visibility=Visibility.PRIVATE
    )
    if visibility is not None:
        dataset.visibility, dataset.licence = visibility, licence
    dataset.title = title.strip()[:200] or "SDG indicators"
    dataset.source_file = source_file[:300]
    dataset.uploaded_at = utcnow()
    session.add(dataset)
    if existing is not None:  # old rows go first: the new ones reuse their ids
        dataset.indicators.clear()
        session.flush()
    dataset.indicators = [
        SdgIndicator(
            indicator_id=u.id,
            position=position,
            csv_text=u.csv_text,
            config=u.config,
            config_text=u.config_text,
        )
        for position, u in enumerate(indicators)
    ]
    session.flush()
    record(
        session,
        principal,
        "sdg_dataset.update" if existing is not None else "sdg_dataset.create",
        organisation_id=dataset.owner_org_id,
        object_type=dataset.shared_type,
        object_id=dataset.id,
        details={"city": city.slug, "name": name, "indicators": len(indicators)},
    )
    return dataset


def check_vlr_config(config: dict[str, Any]) -> dict[str, Any]:
    """The city.yaml fields of a VLR, validated (`CityConfig`), as stored; `InputError`
    lists every problem with its field. File fields (plan, framework, data) are refused."""
    named = [k for k in FILE_FIELDS if k in config]
    if named:
        raise InputError(
            f"The fields {', '.join(named)} name files; a stored VLR has none",
            where=[Location(field=k) for k in named],
            hint="choose the data set and whether to show the plan in the VLR's settings",
        )
    checked = validate_city_config(config)
    return checked.model_dump(mode="json", exclude=set(FILE_FIELDS))


def save_vlr(
    session: Session,
    principal: Principal,
    city: City,
    *,
    config: dict[str, Any],
    dataset: SdgDataset | None,
    use_plan: bool = True,
    visibility: Visibility | None = None,
    licence: str | None = None,
) -> VlrProject:
    """Create or change the VLR of `city`: its city.yaml fields, data set and plan choice.

    Needs editor of the city's owner; a new VLR is private unless `visibility` is given
    (then admin); narratives are kept (see `update_narratives`).
    """
    require_change(session, principal, city, action="write the city's VLR")
    existing = session.scalars(select(VlrProject).where(VlrProject.city_id == city.id)).first()
    licence = _check_sharing(session, principal, city, existing, visibility, licence, "a VLR")
    if dataset is not None:
        require_readable(session, principal, dataset)
        if dataset.city_id != city.id:
            raise InputError(
                f"The data set {dataset.name!r} is not one of {city.name}'s",
                where=Location(field="dataset"),
                hint="choose one of the city's data sets",
            )
    project = existing or VlrProject(
        city=city, owner_org_id=city.owner_org_id, visibility=Visibility.PRIVATE, narratives={}
    )
    if visibility is not None:
        project.visibility, project.licence = visibility, licence
    project.config = check_vlr_config(config)
    project.dataset = dataset
    project.use_plan = use_plan
    project.updated_at = utcnow()
    session.add(project)
    session.flush()
    record(
        session,
        principal,
        "vlr.update" if existing is not None else "vlr.create",
        organisation_id=project.owner_org_id,
        object_type=project.shared_type,
        object_id=project.id,
        details={"city": city.slug, "dataset": dataset.name if dataset else None},
    )
    return project


def update_narratives(
    session: Session, principal: Principal, project: VlrProject, texts: dict[str, dict[str, str]]
) -> VlrProject:
    """Set narrative sections of `project`: `texts` is ``{lang: {section: markdown}}``
    (`VLR_LANGUAGES`, `NARRATIVE_KEYS`); an empty text removes the section. Needs editor."""
    require_change(session, principal, project, action="edit the VLR")
    where = [
        Location(field=f"{lang}.{key}")
        for lang, sections in texts.items()
        for key in sections
        if lang not in VLR_LANGUAGES or key not in NARRATIVE_KEYS
    ]
    if where:
        raise InputError(
            f"Unknown narrative sections: {', '.join(str(w.field) for w in where)}",
            where=where,
            hint=f"languages {', '.join(VLR_LANGUAGES)}; sections {', '.join(NARRATIVE_SECTIONS)} "
            "and goals/1 to goals/17",
        )
    narratives = copy.deepcopy(project.narratives)
    changed = []
    for lang, sections in texts.items():
        for key, text in sections.items():
            text = text.replace("\r\n", "\n")
            if len(text) > MAX_NARRATIVE:
                raise InputError(
                    f"The {lang} text of {key} has {len(text)} characters; at most {MAX_NARRATIVE}",
                    where=Location(field=f"{lang}.{key}"),
                    hint="shorten it, or move tables to the data set",
                )
            if narratives.get(key, {}).get(lang, "") == text:
                continue
            if text.strip():
                narratives.setdefault(key, {})[lang] = text
            else:
                narratives.get(key, {}).pop(lang, None)
            changed.append(f"{lang}/{key}")
    project.narratives = {k: v for k, v in narratives.items() if v}
    project.updated_at = utcnow()
    session.flush()
    record(
        session,
        principal,
        "vlr.update",
        organisation_id=project.owner_org_id,
        object_type=project.shared_type,
        object_id=project.id,
        details={"city": project.city.slug, "narratives": changed},
    )
    return project
