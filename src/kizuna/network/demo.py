"""The demo network: packaged YAML files read into profiles, the catalogue and partnerships.

Files in ``kizuna/demo/data/network/`` (each explains its fields and sources): ``cities.yaml``
(profiles; a ``demo_city`` takes its population, targets and inventory from the demo cities of
``../cities.yaml``, computed with `kizuna.inventory`), ``providers.yaml``, ``solutions.yaml``,
``case_studies.yaml``, ``partnerships.yaml``. The folder is found without importing
`kizuna.demo` (which loads the platform database layer): the network stays a library.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from kizuna.errors import InputError, Location, NotFound
from kizuna.inventory import compute, read_inventory_file
from kizuna.network.knowledge import CaseStudy, Provider, Solution, library_impact
from kizuna.network.needs import Needs, needs_from_plan
from kizuna.network.partnerships import Partnership
from kizuna.network.profiles import CityProfile, Target, profile_from_inventory
from kizuna.network.registry import Registry, fold, geonames_registry
from kizuna.planning import load_plan, optimise

M = TypeVar("M", bound=BaseModel)

_TARGET_KINDS = {"base_year": "base_year", "net_zero": "net_zero", "fixed_level": "fixed_level"}


def demo_network_dir() -> Path:
    """``kizuna/demo/data/network`` of the installed package."""
    spec = importlib.util.find_spec("kizuna.demo")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - packaged
        raise NotFound("the kizuna.demo package data are not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "network"


@dataclass(frozen=True)
class DemoNetwork:
    registry: Registry  # GeoNames cities with the demo profiles written on them
    profiles: list[CityProfile]
    providers: list[Provider]
    solutions: list[Solution]
    case_studies: list[CaseStudy]
    partnerships: list[Partnership]
    plans: dict[str, Path] = field(default_factory=dict)  # folded city name -> plan file

    def profile(self, city: str) -> CityProfile:
        row = self.registry.resolve(city)
        gid = self.registry.frame["geonameid"].iat[row]
        for p in self.profiles:
            if p.geonameid is not None and p.geonameid == gid:
                return p
        return self.registry.profile(row)

    def needs(self, city: str) -> Needs:
        """The city's needs: from its demo plan's roadmap when it has one, and its profile's
        off-track indicators."""
        profile = self.profile(city)
        plan_path = self.plans.get(fold(profile.name))
        if plan_path is None:
            return Needs(
                city=profile.name,
                country=profile.country,
                region=profile.region,
                geonameid=profile.geonameid,
                off_track=list(profile.off_track_indicators),
            )
        plan = load_plan(plan_path)
        return needs_from_plan(
            plan,
            optimise(plan),
            off_track=list(profile.off_track_indicators),
            country=profile.country,
            region=profile.region,
            geonameid=profile.geonameid,
        )


def _read_list(path: Path, model: type[M], defaults: dict[str, Any] | None = None) -> list[M]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        raise InputError(
            f"{path.name}: not valid YAML ({exc})", where=Location(path.name)
        ) from None
    if not isinstance(data, list):
        raise InputError(f"{path.name}: expected a list of entries", where=Location(path.name))
    out = []
    for i, entry in enumerate(data):
        try:
            out.append(model.model_validate({**(defaults or {}), **entry}))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
            )
            raise InputError(
                f"{path.name}: entry {i + 1}: {problems}",
                where=Location(path.name, field=f"[{i}]"),
            ) from None
    return out


def _demo_cities(folder: Path) -> dict[str, dict[str, Any]]:
    data = yaml.safe_load((folder / "cities.yaml").read_text(encoding="utf-8")) or []
    return {str(c["slug"]): c for c in data}


def _targets(city: dict[str, Any]) -> list[Target]:
    out = []
    for t in city.get("targets") or []:
        kind = _TARGET_KINDS.get(t.get("type", "base_year"), "base_year")
        reduction = 1.0 if kind == "net_zero" and t.get("reduction") is None else t.get("reduction")
        if kind == "fixed_level":
            reduction = None
        out.append(
            Target(
                year=int(t["year"]),
                reduction=reduction,
                base_year=t.get("base_year"),
                kind=kind,
                source=str(t.get("source", "")).strip(),
            )  # type: ignore[arg-type]
        )
    return out


def _profiles(folder: Path, registry: Registry) -> tuple[list[CityProfile], dict[str, Path]]:
    entries = yaml.safe_load((folder / "cities.yaml").read_text(encoding="utf-8")) or []
    demo = _demo_cities(folder.parent)
    profiles, plans = [], {}
    for i, e in enumerate(entries):
        where = Location("network/cities.yaml", field=f"[{i}]")
        row = registry.row_of_geonameid(int(e["geonameid"])) if e.get("geonameid") else None
        if row is None:
            row = registry.resolve(f"{e['name']}, {e['country']}")
        base = registry.profile(row).model_copy(
            update={
                "name": e["name"],
                "priority_sdgs": list(e.get("priority_sdgs") or []),
                "off_track_indicators": [str(x) for x in e.get("off_track_indicators") or []],
                "challenges": list(e.get("challenges") or []),
            }
        )
        slug = e.get("demo_city")
        if slug:
            if slug not in demo:
                raise InputError(f"demo city {slug!r} is not in cities.yaml", where=where)
            city = demo[slug]
            results = compute(read_inventory_file(folder.parent / city["inventory"]))
            latest = max(results, key=lambda r: r.year)
            base = profile_from_inventory(
                latest,
                base=base,
                population=float(city["population"]),
                population_year=city.get("population_year"),
                emissions_population=float(city["population"]),
                targets=_targets(city),
                sources=[f"kizuna demo city {slug} (src/kizuna/demo/data/cities.yaml)"],
            )
        profiles.append(CityProfile.model_validate(base.model_dump()))
        if e.get("plan"):
            plans[fold(e["name"])] = (folder / e["plan"]).resolve()
    return profiles, plans


@cache
def demo_network(folder: Path | None = None) -> DemoNetwork:
    """The demo network (cached per folder); the registry is `geonames_registry()` with the
    demo profiles on it, and case studies get the GeoNames id of their city."""
    folder = folder or demo_network_dir()
    registry = geonames_registry()
    profiles, plans = _profiles(folder, registry)
    registry = registry.with_profiles(profiles)
    providers = _read_list(folder / "providers.yaml", Provider)
    solutions = [
        s
        if s.impact is not None
        else s.model_copy(update={"impact": library_impact(s.measure_type)})
        for s in _read_list(folder / "solutions.yaml", Solution)
    ]
    known = {p.id for p in providers}
    for s in solutions:
        if s.provider not in known:
            raise InputError(
                f"solutions.yaml: solution {s.id!r} names unknown provider {s.provider!r}",
                where=Location("solutions.yaml", field="provider"),
            )
    cases = []
    for c in _read_list(folder / "case_studies.yaml", CaseStudy):
        if c.geonameid is None:
            rows = registry.find(c.city, c.country)
            if rows.size:
                c = c.model_copy(
                    update={"geonameid": int(registry.frame["geonameid"].iat[rows[0]])}
                )
        cases.append(c)
    partnerships = _read_list(folder / "partnerships.yaml", Partnership)
    return DemoNetwork(registry, profiles, providers, solutions, cases, partnerships, plans)
