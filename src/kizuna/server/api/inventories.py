"""``/api/v1/cities/{slug}/inventories``: upload, read, export and delete a city's inventories."""

from __future__ import annotations

import io
from typing import Annotated, Literal

import pandas as pd
from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile

from kizuna.reference.gpc import gpc_taxonomy
from kizuna.server import imports, tenancy
from kizuna.server.api.common import PagingDep, cached_read, errors, read_upload
from kizuna.server.deps import AuthDep, SessionDep
from kizuna.server.schemas import InventoryList, InventoryOut, InventoryUploadOut
from kizuna.server.tables import Inventory, Visibility

router = APIRouter(tags=["inventories"])

GwpQuery = Annotated[str, Query(pattern=r"^AR[4-6]$", description="GWP set: AR4, AR5 or AR6.")]


def _inventory(session: SessionDep, auth: AuthDep, slug: str, year: int, gwp: str) -> Inventory:
    city = tenancy.get_city(session, auth.principal, slug)
    return tenancy.get_inventory(session, auth.principal, city, year, gwp=gwp)


@router.get("/cities/{slug}/inventories", response_model=InventoryList, responses=errors(404, 422))
def list_inventories(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    page: PagingDep,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    gwp: Annotated[str | None, Query(pattern=r"^AR[4-6]$")] = None,
) -> Response:
    """A page of the city's computed inventories you may read, oldest first (totals and
    breakdowns in tCO2e); filter by `year` or `gwp`."""

    def build() -> InventoryList:
        city = tenancy.get_city(session, auth.principal, slug)
        readable = [
            inv
            for inv in tenancy.list_inventories(session, auth.principal, city)
            if (year is None or inv.year == year) and (gwp is None or inv.gwp == gwp)
        ]
        shown = readable[page.offset : page.offset + page.limit]
        return InventoryList(
            city=city.slug,
            inventories=[inv.result for inv in shown],
            **page.info(request, len(readable)),
        )

    return cached_read(request, session, auth, build)


@router.post(
    "/cities/{slug}/inventories",
    response_model=InventoryUploadOut,
    status_code=201,
    responses=errors(403, 404, 413, 422),
)
async def upload_inventory(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    file: Annotated[UploadFile, File(description="CSV or Excel, long or wide layout.")],
    gwp: Annotated[str, Form(pattern=r"^AR[4-6]$")] = "AR5",
    visibility: Annotated[Visibility | None, Form()] = None,
    licence: Annotated[str | None, Form(max_length=64)] = None,
) -> InventoryUploadOut:
    """Compute an inventory file (docs/formats.md) and store one inventory per year of it.

    Every problem of the file is answered at once (422, with file, row and column in
    `error.details`) and nothing is stored; a year already stored is replaced.
    """
    name, data = await read_upload(file, request.app.state.settings.upload_max_bytes)
    city = tenancy.get_city(session, auth.principal, slug)
    done = imports.import_inventory(
        session,
        auth.principal,
        city,
        filename=name,
        data=data,
        gwp=gwp,
        visibility=visibility,
        licence=licence or None,
    )
    session.commit()
    return InventoryUploadOut(
        city=city.slug, inventories=[InventoryOut.of(city, inv) for inv in done.inventories]
    )


@router.get(
    "/cities/{slug}/inventories/{year}", response_model=InventoryOut, responses=errors(404, 422)
)
def get_inventory(
    request: Request,
    slug: str,
    year: int,
    session: SessionDep,
    auth: AuthDep,
    gwp: GwpQuery = "AR5",
) -> Response:
    """One inventory with its full result (tCO2e) and sharing."""

    def build() -> InventoryOut:
        inventory = _inventory(session, auth, slug, year, gwp)
        return InventoryOut.of(inventory.city, inventory)

    return cached_read(request, session, auth, build)


@router.get(
    "/cities/{slug}/inventories/{year}/export",
    responses={
        **errors(404, 422),
        200: {"content": {"text/csv": {}}, "description": "The inventory as a CSV file."},
    },
    response_class=Response,
)
def export_inventory(
    slug: str,
    year: int,
    session: SessionDep,
    auth: AuthDep,
    gwp: GwpQuery = "AR5",
    format: Annotated[Literal["csv", "entries"], Query()] = "csv",
) -> Response:
    """Download an inventory: `csv` gives tCO2e by GPC reference number with its sector,
    scope and reporting levels; `entries` the validated input entries (long layout)."""
    inventory = _inventory(session, auth, slug, year, gwp)
    frame = by_ref_frame(inventory) if format == "csv" else pd.DataFrame(inventory.entries)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    filename = f"{inventory.city.slug}-{year}-{gwp}-{format}.csv"
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


def by_ref_frame(inventory: Inventory) -> pd.DataFrame:
    """tCO2e by GPC reference number, with the taxonomy's sector, scope and level flags."""
    tax = gpc_taxonomy()
    by_ref: dict[str, float] = inventory.result.get("by_ref", {})
    refs = [r for r in tax.index if r in by_ref]
    frame = tax.loc[
        refs, ["sector", "subsector", "scope", "in_basic", "in_basic_plus", "in_territorial"]
    ].copy()
    frame.insert(0, "gpc_ref", refs)
    frame.insert(0, "year", inventory.year)
    frame.insert(0, "city", inventory.city.name)
    frame["emissions_tco2e"] = [by_ref[r] for r in refs]
    frame["gwp"] = inventory.gwp
    return frame


@router.delete("/cities/{slug}/inventories/{year}", status_code=204, responses=errors(403, 404))
def delete_inventory(
    slug: str, year: int, session: SessionDep, auth: AuthDep, gwp: GwpQuery = "AR5"
) -> Response:
    """Delete one inventory (editors and up of its owner)."""
    inventory = _inventory(session, auth, slug, year, gwp)
    tenancy.delete_object(session, auth.principal, inventory)
    session.commit()
    return Response(status_code=204)
