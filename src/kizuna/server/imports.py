"""Importing uploaded files: inventories (CSV, Excel) and plans (YAML, JSON), for a principal.

An upload is size-limited and fully validated before anything is written:
the inventory is computed by `kizuna.inventory`, the plan optimised by
`kizuna.planning`, and only then is anything stored, through the tenancy
service (`kizuna.server.tenancy`, which checks roles and writes the audit
log). Nothing here commits: the route commits when every step has worked, and
a failure leaves the database as it was.

An uploaded plan never reads a file of the server: a ``baseline.inventory``
it names is replaced by the city's stored inventory of the plan's base year
(written to a temporary CSV of direct emissions per GPC reference number, in
tCO2e, which gives back the stored figures exactly).
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from sqlalchemy.orm import Session

from kizuna.errors import InputError, KizunaError, Location
from kizuna.inventory import compute, read_inventory_file
from kizuna.planning import optimise, parse_plan
from kizuna.planning.macc import macc_table
from kizuna.reference.gwp import GWP_SETS
from kizuna.server import tenancy
from kizuna.server.tables import City, CityPlan, Inventory, Visibility

INVENTORY_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xls", ".ods")
PLAN_SUFFIXES = (".yaml", ".yml", ".json")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class TooLarge(KizunaError):
    """An upload over the size limit (HTTP 413)."""

    code = "too_large"
    http_status = 413


def check_size(size: int, limit: int, filename: str) -> None:
    """Raise `TooLarge` when `size` bytes exceed `limit` bytes."""
    if size > limit:
        raise TooLarge(
            f"{filename} is larger than the upload limit of {limit / 1e6:g} MB",
            where=Location(file=filename, field="file"),
            hint="split the file by year, or ask the operator to raise KIZUNA_UPLOAD_MAX_MB",
        )


def safe_name(filename: str | None, default: str) -> str:
    """The last part of an uploaded file's name with unusual characters replaced."""
    name = Path((filename or "").replace("\\", "/")).name
    name = _UNSAFE.sub("_", name).strip("._")
    return name[:120] or default


def _suffix(filename: str, allowed: tuple[str, ...], what: str) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix not in allowed:
        raise InputError(
            f"{filename}: a {what} is a {' or '.join(allowed)} file, not {suffix or 'no suffix'!r}",
            where=Location(file=filename, field="file"),
            hint=f"save the {what} as {allowed[0]} and upload it again",
        )
    return suffix


@dataclass(frozen=True, slots=True)
class InventoryImport:
    """The inventories an upload stored (one per year of the file)."""

    city: City
    inventories: list[Inventory]


def import_inventory(
    session: Session,
    principal: tenancy.Principal,
    city: City,
    *,
    filename: str,
    data: bytes,
    gwp: str = "AR5",
    visibility: Visibility | None = None,
    licence: str | None = None,
) -> InventoryImport:
    """Compute the inventory file `data` and store one inventory per year for `city`.

    The file may hold one city (its name need not be the profile's); a year and
    GWP set already stored is replaced. Needs editor of the city's owner.
    """
    tenancy.require_change(session, principal, city, action="add inventories to the city")
    if gwp not in GWP_SETS:
        raise InputError(
            f"Unknown GWP set {gwp!r}",
            where=Location(field="gwp"),
            hint=f"use one of {', '.join(GWP_SETS)}",
        )
    name = safe_name(filename, "inventory.csv")
    _suffix(name, INVENTORY_SUFFIXES, "inventory")
    if not data.strip():
        raise InputError(f"{name} is empty", where=Location(file=name), hint="upload a filled file")
    with tempfile.TemporaryDirectory(prefix="kizuna-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        book = read_inventory_file(path, gwp=gwp)
    results = compute(book)
    cities = sorted({r.city for r in results})
    if len(cities) != 1:
        raise InputError(
            f"{name} holds {len(cities)} cities ({', '.join(cities[:5])}); upload one city's rows",
            where=Location(file=name, column="city"),
            hint=f"keep only the rows of {city.name}",
        )
    stored = [
        tenancy.save_inventory(
            session,
            principal,
            city,
            year=result.year,
            gwp=result.gwp,
            source_file=name,
            result=result.to_dict(),
            entries=book.records(result.city, result.year),
            visibility=visibility,
            licence=licence,
        )
        for result in results
    ]
    return InventoryImport(city=city, inventories=stored)


def read_plan_data(filename: str, data: bytes) -> dict[str, Any]:
    """The mapping in an uploaded plan file (YAML or JSON), or an `InputError` naming the file."""
    name = safe_name(filename, "plan.yaml")
    suffix = _suffix(name, PLAN_SUFFIXES, "plan")
    try:
        text = data.decode("utf-8")
        parsed = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
    except (UnicodeDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
        kind = "JSON" if suffix == ".json" else "YAML"
        raise InputError(
            f"{name}: not valid UTF-8 {kind} ({exc})".replace("\n", " "),
            where=Location(file=name),
            hint="check the file in a text editor (docs/formats.md, 'Plan files')",
        ) from None
    if not isinstance(parsed, dict):
        raise InputError(
            f"{name}: a plan is a mapping of fields (city, currency, ...)",
            where=Location(file=name),
            hint="see docs/formats.md, 'Plan files'",
        )
    return parsed


def stored_inventory_csv(inventory: Inventory) -> str:
    """The stored inventory as a long-layout CSV: one direct emission (t CO2e) per GPC number.

    Read back by `kizuna.inventory`, it gives the stored ``by_ref`` exactly, so a
    plan's base year reads the figures the platform shows.
    """
    by_ref: dict[str, float] = inventory.result.get("by_ref", {})
    frame = pd.DataFrame(
        {
            "city": inventory.city.name,
            "year": inventory.year,
            "gpc_ref": list(by_ref),
            "gas": "CO2e",
            "emissions_value": list(by_ref.values()),
            "emissions_unit": "t",
        }
    )
    return frame.to_csv(index=False)


def import_plan(
    session: Session,
    principal: tenancy.Principal,
    city: City,
    *,
    filename: str,
    data: bytes,
    visibility: Visibility | None = None,
    licence: str | None = None,
    threads: int = 1,
) -> CityPlan:
    """Validate and optimise the plan file `data`, then store it as the plan of `city`."""
    tenancy.require_change(session, principal, city, action="add or replace the city's plan")
    name = safe_name(filename, "plan.yaml")
    raw = read_plan_data(name, data)
    return _optimise_and_save(
        session, principal, city, raw, name, visibility=visibility, licence=licence, threads=threads
    )


def reoptimise_plan(
    session: Session, principal: tenancy.Principal, city: City, *, threads: int = 1
) -> CityPlan:
    """Optimise the stored plan of `city` again (after its inventory changed, say)."""
    stored = tenancy.get_plan(session, principal, city)
    tenancy.require_change(session, principal, stored, action="optimise the plan")
    raw = dict(stored.plan)
    raw.pop("library", None)  # the stored plan holds the expanded measures already
    return _optimise_and_save(session, principal, city, raw, stored.source_file, threads=threads)


def _optimise_and_save(
    session: Session,
    principal: tenancy.Principal,
    city: City,
    raw: dict[str, Any],
    name: str,
    *,
    visibility: Visibility | None = None,
    licence: str | None = None,
    threads: int = 1,
) -> CityPlan:
    named_inventory = (raw.get("baseline") or {}).get("inventory")
    with tempfile.TemporaryDirectory(prefix="kizuna-plan-") as folder:
        data = raw
        if named_inventory:
            data = _with_inventory_file(session, principal, city, raw, name, Path(folder))
        plan = parse_plan(data, source=name)
        result = optimise(plan, threads=threads)
        macc = json.loads(macc_table(plan).to_json(orient="records"))
    stored_plan = plan.model_dump(mode="json")
    if named_inventory:
        stored_plan["baseline"]["inventory"] = named_inventory
    return tenancy.save_plan(
        session,
        principal,
        city,
        source_file=name,
        plan=stored_plan,
        result=result.to_dict(),
        macc=macc,
        visibility=visibility,
        licence=licence,
    )


def _with_inventory_file(
    session: Session,
    principal: tenancy.Principal,
    city: City,
    raw: dict[str, Any],
    name: str,
    folder: Path,
) -> dict[str, Any]:
    """`raw` with ``baseline.inventory`` pointing at a CSV of the city's stored inventory
    of the base year (the plan's GWP set); `InputError` when there is none to read."""
    baseline = dict(raw.get("baseline") or {})
    gwp = str(baseline.get("gwp", "AR5"))
    base_year = raw.get("base_year")
    readable = tenancy.list_inventories(session, principal, city)
    match = [inv for inv in readable if inv.year == base_year and inv.gwp == gwp]
    if not match:
        have = ", ".join(f"{inv.year} ({inv.gwp})" for inv in readable) or "none"
        raise InputError(
            f"{name}: baseline.inventory reads the city's stored inventory of the base year "
            f"{base_year} ({gwp}), and {city.name} has none",
            where=Location(file=name, field="baseline.inventory"),
            hint="upload that inventory first, or give baseline.sectors.<name>.emissions "
            f"in tCO2e; stored: {have}",
        )
    csv = folder / f"{city.slug}-{base_year}.csv"
    csv.write_text(stored_inventory_csv(match[0]), encoding="utf-8")
    baseline["inventory"] = str(csv)
    return {**raw, "baseline": baseline}
