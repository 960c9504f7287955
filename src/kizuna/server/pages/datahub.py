"""The data hub's pages: the data catalogue, a data set's page, and the upload with a preview.

- ``/data``: every data set the asker may read (filter by city and kind), with its licence,
  and the open data exports (DCAT, NGSI-LD, Open SDG) of each public city;
- ``/cities/{slug}/data``: the same for one city;
- ``/cities/{slug}/data/{id}``: a data set (``warehouse-<name>``, or one of the figures a
  public city publishes from its inventories, such as ``emissions-totals``): its
  description, a preview of its rows, a time-series chart, a district map (a GeoJSON
  choropleth drawn without tiles, so it works offline), its lineage and downloads. This is
  the landing page the DCAT catalogue names;
- ``/cities/{slug}/data/upload``: a file previewed (columns, types, units, problems) before
  it is imported, with every problem shown next to the form and nothing stored.

Reads go through `kizuna.server.tenancy.datahub` (visibility) and, for the published
figures, `kizuna.server.tenancy.datahub_public` (what the public reads).
"""

from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from kizuna.datahub import Mode
from kizuna.datahub.charts import choropleth_figure, time_series_figure
from kizuna.datahub.publish import public_dataset
from kizuna.errors import KizunaError, NotFound
from kizuna.reports.i18n import N_, translate_figure
from kizuna.server import tenancy
from kizuna.server.api.common import read_upload
from kizuna.server.api.datahub import hub, public_urls, store_upload
from kizuna.server.deps import AuthDep, SessionDep
from kizuna.server.i18n import request_translations
from kizuna.server.pages.cities import rights
from kizuna.server.pages.forms import csrf_form, done, form_error, is_htmx, render, signed_in
from kizuna.server.schemas.datahub import DatasetForm
from kizuna.server.tables import City, Role, Visibility
from kizuna.server.tables.datahub import Dataset, DatasetKind
from kizuna.server.tenancy import OPEN_LICENCES, datahub_public
from kizuna.server.tenancy import datahub as hub_service
from kizuna.server.tenancy.datahub_uploads import preview_upload
from kizuna.server.tenancy.principals import ANONYMOUS

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

Csrf = Annotated[str, Form(max_length=200)]
#: Kinds of the catalogue: the registered ones, and the figures published from inventories.
PUBLISHED = "published"
KIND_LABELS = {
    DatasetKind.TIME_SERIES.value: N_("Time series"),
    DatasetKind.MAP.value: N_("District map"),
    DatasetKind.TABLE.value: N_("Table"),
    PUBLISHED: N_("Published figures"),
}
#: Rows of a data set's preview table.
PREVIEW_ROWS = 20
TIMEZONES = ("Asia/Tokyo", "Asia/Singapore", "Asia/Seoul", "UTC", "Europe/London", "Europe/Paris")
#: The time zone an upload form starts with, by the city's country (name or ISO code).
ZONES = {"japan": "Asia/Tokyo", "jp": "Asia/Tokyo", "singapore": "Asia/Singapore"}
ZONES |= {"sg": "Asia/Singapore", "korea": "Asia/Seoul", "kr": "Asia/Seoul"}
FORMAT_NAMES = {"csv": "CSV", "parquet": "Parquet", "json": "JSON", "geojson": "GeoJSON"}
ACCEPT = ".csv,.tsv,.txt,.xlsx,.xlsm,.xls,.ods,.parquet,.pq,.json,.geojson"


# --- the catalogue ---------------------------------------------------------------------------


def _period(first: Any, last: Any) -> str:
    if first is None or last is None:
        return ""
    return str(first) if first == last else f"{first}–{last}"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _local_dates(dataset: Dataset) -> tuple[Any, Any]:
    """The first and last day of `dataset` in its time zone (None without a time range)."""
    if dataset.first_time is None or dataset.last_time is None:
        return None, None
    zone = ZoneInfo(dataset.timezone)
    return dataset.first_time.astimezone(zone).date(), dataset.last_time.astimezone(zone).date()


def _registered_row(dataset: Dataset) -> dict[str, Any]:
    first, last = _local_dates(dataset)
    return {
        "title": dataset.title,
        "href": dataset.page,
        "city": dataset.city,
        "kind": dataset.kind.value,
        "licence": dataset.licence,
        "visibility": dataset.visibility.value,
        "rows": dataset.rows,
        "period": _period(first, last),
        "updated": dataset.updated_at,
    }


def _published_rows(request: Request, session: SessionDep, city: City) -> list[dict[str, Any]]:
    """The figures a public city publishes from its public inventories (none otherwise)."""
    try:
        published, catalogue = datahub_public.city_catalogue_of(
            session, public_urls(request), city.slug
        )
    except NotFound:
        return []
    prefix = f"{published.name}: "
    return [
        {
            "title": _capitalised(entry.title.removeprefix(prefix)),
            "href": f"/cities/{city.slug}/data/{entry.id}",
            "city": city,
            "kind": PUBLISHED,
            "licence": entry.licence,
            "visibility": Visibility.PUBLIC.value,
            "rows": None,
            "period": _period(*(entry.temporal or (None, None))),
            "updated": None,
        }
        for entry in catalogue.datasets
        if not entry.id.startswith(datahub_public.WAREHOUSE_PREFIX)
    ]


def _catalogue(
    request: Request, session: SessionDep, auth: AuthDep, city: City | None, kind: str | None
) -> dict[str, Any]:
    principal = auth.principal
    cities = [city] if city else list(tenancy.list_cities(session, principal))
    public_slugs = {c.slug for c in tenancy.list_cities(session, ANONYMOUS)}
    rows: list[dict[str, Any]] = []
    if kind != PUBLISHED:
        chosen = kind if kind in KIND_LABELS else None
        found = hub_service.list_datasets(session, principal, city=city, kind=chosen)
        rows += [_registered_row(d) for d in found]
    if kind in (None, "", PUBLISHED):
        for item in cities:
            if item.slug in public_slugs:
                rows += _published_rows(request, session, item)
    rows.sort(key=lambda r: (r["city"].name, r["kind"] == PUBLISHED, r["title"]))
    exports = [c for c in cities if c.slug in public_slugs]
    editable = [c for c in cities if principal.has_role(c.owner_org_id, Role.EDITOR)]
    return {
        "rows": rows,
        "city": city,
        "cities": cities if city is None else list(tenancy.list_cities(session, principal)),
        "kind": kind or "",
        "kinds": KIND_LABELS,
        "exports": exports,
        "editable": editable,
        "licences": OPEN_LICENCES,
    }


@router.get("/data")
def catalogue(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    city: Annotated[str | None, Query(max_length=64)] = None,
    kind: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    """The data catalogue: every data set the asker may read, filtered by city and kind."""
    found = tenancy.get_city(session, auth.principal, city) if city else None
    context = _catalogue(request, session, auth, found, kind)
    context["filtered_city"] = city or ""
    return render(request, "datahub_catalogue.html", context)


@router.get("/cities/{slug}/data")
def city_data(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    kind: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    """The data sets of one city."""
    found = tenancy.get_city(session, auth.principal, slug)
    context = _catalogue(request, session, auth, found, kind)
    context["filtered_city"] = found.slug
    return render(request, "datahub_catalogue.html", context)


# --- uploading (before the data set page: /cities/{slug}/data/upload is not a data set) ----


def upload_context(city: City, **extra: Any) -> dict[str, Any]:
    zone = ZONES.get(city.country.strip().lower(), "UTC")
    form = {"timezone": zone, "mode": "create", "visibility": "private", "encoding": "utf-8"}
    return {
        "city": city,
        "form": form,
        "error": None,
        "preview": None,
        "oob": False,
        "timezones": TIMEZONES,
        "modes": [m.value for m in Mode],
        "visibilities": [v.value for v in Visibility],
        "licences": OPEN_LICENCES,
        "accept": ACCEPT,
        **extra,
    }


def editable_city(request: Request, session: SessionDep, auth: AuthDep, slug: str) -> City:
    signed_in(request, auth)
    city = tenancy.get_city(session, auth.principal, slug)
    tenancy.require_change(session, auth.principal, city, action="add data sets to the city")
    return city


@router.get("/cities/{slug}/data/upload")
def upload_form(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """The form: a file, its name and columns, who sees it; preview before importing."""
    city = editable_city(request, session, auth, slug)
    return render(request, "datahub_upload.html", upload_context(city))


#: The fields a preview fills in when they are blank.
SUGGESTED = ("name", "time_column", "value_column", "unit", "label_column")


@router.post("/cities/{slug}/data/preview")
async def preview(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    file: Annotated[UploadFile, File()],
    form: Annotated[DatasetForm, Form()],
    csrf_token: Csrf = "",
) -> Response:
    """What the file holds, with suggestions for the blank fields; nothing is stored."""
    csrf_form(request, auth, csrf_token)
    city = editable_city(request, session, auth, slug)
    limit = request.app.state.settings.upload_max_bytes
    context = upload_context(city, oob=is_htmx(request))
    context["form"] = given = form.model_dump(mode="json")
    try:
        filename, data = await read_upload(file, limit)
        found = preview_upload(
            filename, data, max_bytes=limit, encoding=form.encoding, sheet=form.sheet
        )
    except KizunaError as exc:
        return form_error(request, "datahub_upload.html", "_datahub_preview.html", context, exc)
    suggested = found["suggested"]
    given.update({k: suggested[k] for k in SUGGESTED if suggested.get(k) and not given.get(k)})
    context.update(preview=found["preview"], suggested=suggested)
    name = "_datahub_preview.html" if is_htmx(request) else "datahub_upload.html"
    return render(request, name, context)


@router.post("/cities/{slug}/data/upload")
async def upload(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    file: Annotated[UploadFile, File()],
    form: Annotated[DatasetForm, Form()],
    csrf_token: Csrf = "",
) -> Response:
    """Import the file as a data set of the city, or show every problem next to the form."""
    csrf_form(request, auth, csrf_token)
    city = editable_city(request, session, auth, slug)
    try:
        done_import = await store_upload(request, session, auth, city, file, form)
    except KizunaError as exc:
        context = upload_context(city, oob=is_htmx(request))
        context["form"] = form.model_dump(mode="json")
        return form_error(request, "datahub_upload.html", "_datahub_preview.html", context, exc)
    return done(request, done_import.dataset.page)


# --- a data set's page -----------------------------------------------------------------------


def _cell(value: Any) -> Any:
    """A cell as the preview shows it: whole numbers without a decimal point."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _table(records: list[dict[str, Any]], columns: list[str]) -> dict[str, Any]:
    """A preview table; geometries are not shown (the map draws them)."""
    shown = [c for c in columns if c != "geometry"]
    return {"columns": shown, "rows": [[_cell(r.get(c)) for c in shown] for r in records]}


def _local_times(frame: Any, timezone: str) -> Any:
    """`frame` with its times as ``YYYY-MM-DD HH:MM`` in `timezone` (for the preview)."""
    out = frame.copy()
    for name in out.columns:
        if getattr(out[name].dtype, "tz", None) is not None:
            out[name] = out[name].dt.tz_convert(timezone).dt.strftime("%Y-%m-%d %H:%M")
    return out


def _map(dataset: Dataset, frame: Any) -> dict[str, Any] | None:
    if not dataset.geojson:
        return None
    keyed = "feature_id" in frame.columns
    key_column = "feature_id" if keyed else dataset.label_column
    values: dict[str, float] = {}
    if dataset.value_column and key_column in frame.columns:
        pairs = frame[[key_column, dataset.value_column]].dropna()
        values = {str(k): float(v) for k, v in pairs.itertuples(index=False)}
    return choropleth_figure(
        dataset.geojson,
        values,
        unit=dataset.unit or "",
        key="id" if keyed else f"properties.{dataset.label_column}",
        label=dataset.label_column,
    )


def _registered_page(
    request: Request, session: SessionDep, auth: AuthDep, city: City, dataset_id: str
) -> dict[str, Any]:
    dataset = hub_service.get_dataset(session, auth.principal, city, dataset_id)
    warehouse = hub(request)
    charts: dict[str, Any] = {}
    daily = False
    if dataset.kind is DatasetKind.MAP:
        frame = hub_service.dataset_table(warehouse, dataset)
        head = frame.head(PREVIEW_ROWS)
        charts["map"] = _map(dataset, frame)
    else:
        small = dataset.rows <= hub_service.CHART_POINTS
        table = hub_service.dataset_table(warehouse, dataset) if small else None
        head = (
            table.head(PREVIEW_ROWS)
            if table is not None
            else hub_service.dataset_rows(warehouse, dataset, limit=PREVIEW_ROWS)
        )
        if dataset.kind is DatasetKind.TIME_SERIES and dataset.value_column:
            series, daily = hub_service.series_frame(warehouse, dataset, table)
            charts["series"] = time_series_figure(
                series,
                time=str(dataset.time_column),
                value=dataset.value_column,
                unit=dataset.unit or "",
                group=(dataset.dimensions or [None])[0],
            )
    api = f"/api/v1/cities/{city.slug}/datasets/{dataset.name}"
    downloads = [
        (FORMAT_NAMES.get(f, f), f"{api}/download?format={f}")
        for f in hub_service.download_formats(dataset)
    ]
    first_day, last_day = _local_dates(dataset)
    public = dataset.visibility is Visibility.PUBLIC and city.visibility is Visibility.PUBLIC
    return {
        "dataset": dataset,
        "title": dataset.title,
        "description": dataset.description,
        "kind": dataset.kind.value,
        "licence": dataset.licence,
        "visibility": dataset.visibility.value,
        "table": _table(
            datahub_public.records(_local_times(head, dataset.timezone)),
            [str(c) for c in head.columns],
        ),
        "first_day": first_day,
        "last_day": last_day,
        "timezone": dataset.timezone if dataset.time_column else None,
        "charts": {k: v for k, v in charts.items() if v},
        "daily": daily,
        "lineage": hub_service.dataset_lineage(warehouse, dataset),
        "downloads": downloads,
        "json_url": api,
        "public_url": f"/api/v1/public/cities/{city.slug}/datasets/{dataset.public_id}"
        if public
        else None,
        "sources": dataset.sources or [],
        "rights": rights(auth.principal, dataset.owner_org_id),
    }


def _published_page(
    request: Request, session: SessionDep, city: City, dataset_id: str
) -> dict[str, Any]:
    """A figure the public city publishes from its inventories, as the public reads it."""
    urls = public_urls(request)
    published = datahub_public.public_city(
        session, city.slug, with_rows=dataset_id == "ghg-inventory"
    )
    if not published.results:
        raise NotFound(f"{city.name} publishes no data set {dataset_id!r}", hint="see /data")
    page = public_dataset(published, dataset_id, urls=urls, limit=PREVIEW_ROWS)
    full = public_dataset(published, dataset_id, urls=urls, limit=1000)
    charts: dict[str, Any] = {}
    rows = full["rows"]
    if dataset_id in ("emissions-totals", "emissions-by-sector") and rows:
        import pandas as pd

        frame = pd.DataFrame(rows)
        frame["time"] = pd.to_datetime(frame["year"].astype(str) + "-01-01", utc=True)
        value = "basic_tco2e" if dataset_id == "emissions-totals" else "emissions_tco2e"
        group = "sector" if dataset_id == "emissions-by-sector" else None
        figure = time_series_figure(frame, time="time", value=value, unit="tCO2e", group=group)
        charts["series"] = translate_figure(figure, request_translations(request))
    public = f"/api/v1/public/cities/{city.slug}/datasets/{dataset_id}"
    downloads = [(d["format"], f"{public}.{_suffix(d['format'])}") for d in page["distributions"]]
    return {
        "dataset": None,
        "title": page["title"].removeprefix(f"{published.name}: "),
        "description": page["description"],
        "kind": PUBLISHED,
        "licence": page["licence"],
        "visibility": Visibility.PUBLIC.value,
        "table": _table(page["rows"], [c["name"] for c in page["columns"]]),
        "total": page["total"],
        "charts": charts,
        "daily": False,
        "lineage": None,
        "downloads": downloads,
        "json_url": public,
        "public_url": public,
        "sources": list(published.sources),
        "rights": {"edit": False, "sharing": False},
    }


def _suffix(format_name: str) -> str:
    return {"json-ld": "jsonld"}.get(format_name.lower(), format_name.lower())


@router.get("/cities/{slug}/data/{dataset_id}")
def dataset_page(
    request: Request, slug: str, dataset_id: str, session: SessionDep, auth: AuthDep
) -> Response:
    """A data set: description, preview of its rows, chart or map, lineage and downloads."""
    city = tenancy.get_city(session, auth.principal, slug)
    if dataset_id.startswith(datahub_public.WAREHOUSE_PREFIX):
        view = _registered_page(request, session, auth, city, dataset_id)
    else:
        view = _published_page(request, session, city, dataset_id)
    view.update(city=city, kinds=KIND_LABELS, licences=OPEN_LICENCES)
    return render(request, "datahub_dataset.html", view)
