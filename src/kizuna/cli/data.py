"""`kizuna data ...`: import files and API data, run pipelines, publish open data."""

from __future__ import annotations

import json
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from kizuna.cli.console import err, out, reported_errors
from kizuna.cli.formats import OutputFormat
from kizuna.datahub import (
    DatasetSpec,
    Mode,
    Preview,
    Warehouse,
    import_file,
    import_frame,
    load_pipeline,
    preview_file,
    run_pipeline,
)
from kizuna.datahub.files import DEFAULT_MAX_BYTES
from kizuna.datahub.http import HttpSettings
from kizuna.datahub.publish import (
    PublicUrls,
    catalogue_jsonld,
    catalogue_turtle,
    city_catalogue,
    city_from_file,
    demo_city,
    ngsi_ld_entities,
    write_open_sdg,
)
from kizuna.datahub.sources import FetchOptions, fetch, split_source
from kizuna.datahub.warehouse import default_warehouse_dir
from kizuna.errors import InputError

app = typer.Typer(
    rich_markup_mode="markdown",
    help="The data hub: import open and big data, run pipelines, publish.",
    no_args_is_help=True,
)
pipeline_app = typer.Typer(
    rich_markup_mode="markdown", help="Pipelines declared in a YAML file.", no_args_is_help=True
)
app.add_typer(pipeline_app, name="pipeline")


class PublishFormat(StrEnum):
    dcat = "dcat"
    ngsi_ld = "ngsi-ld"
    open_sdg = "open-sdg"


class RdfSyntax(StrEnum):
    json_ld = "json-ld"
    turtle = "turtle"


def _warehouse(path: Path | None) -> Warehouse:
    return Warehouse(path or default_warehouse_dir())


WAREHOUSE = typer.Option(
    None,
    "--warehouse",
    "-w",
    help="Warehouse folder (default: KIZUNA_DATAHUB_DIR or the user data folder).",
)


@app.command("import")
def import_command(
    source: str = typer.Argument(
        ...,
        help="A file (CSV, Excel, Parquet, JSON, GeoJSON) or KIND+URL "
        "(ckan+https://..., ngsi-ld+http://..., sensorthings+https://..., sdmx+https://...).",
    ),
    name: str | None = typer.Option(None, help="Data set name (default: from the source)."),
    kind: str | None = typer.Option(
        None, help="API kind of a plain URL: ckan, ngsi-ld, sensorthings, sdmx."
    ),
    time_column: str | None = typer.Option(None, help="Column of times (a time series)."),
    value_column: str | None = typer.Option(None, help="Column of values."),
    unit: str | None = typer.Option(None, help="Unit of the values (such as kWh)."),
    expected_unit: str | None = typer.Option(
        None, help="Check the values' unit converts to this one (kWh: an energy)."
    ),
    timezone: str = typer.Option("UTC", help="Time zone the months are counted in."),
    dimension: list[str] = typer.Option([], "--dimension", "-d", help="Columns naming a series."),
    required: list[str] = typer.Option([], "--require", help="Columns that must be present."),
    city: str | None = typer.Option(None, help="City slug the data set belongs to."),
    licence: str | None = typer.Option(None, help="SPDX licence id (such as CC-BY-4.0)."),
    public: bool = typer.Option(False, help="List it in the city's public catalogue."),
    mode: Mode = typer.Option(Mode.create, help="create, append or replace."),
    preview: bool = typer.Option(False, "--preview", help="Only show the preview; import nothing."),
    confirm: bool = typer.Option(False, "--confirm", help="Ask before importing."),
    encoding: str = typer.Option("utf-8", help="Text encoding of a CSV or JSON file."),
    sheet: str | None = typer.Option(None, help="Workbook sheet."),
    max_mb: float = typer.Option(DEFAULT_MAX_BYTES / 1024**2, help="Size limit, MiB."),
    timeout: float = typer.Option(30.0, help="HTTP timeout, seconds."),
    retries: int = typer.Option(2, help="HTTP retries."),
    dataset: str | None = typer.Option(None, help="CKAN data set id or name."),
    resource: str | None = typer.Option(None, help="CKAN resource id or name."),
    entity_type: str | None = typer.Option(None, help="NGSI-LD entity type."),
    entity_id: str | None = typer.Option(None, help="NGSI-LD entity id (history of one)."),
    attr: list[str] = typer.Option([], "--attr", help="NGSI-LD attribute(s)."),
    tenant: str | None = typer.Option(None, help="NGSI-LD tenant (NGSILD-Tenant header)."),
    context: str | None = typer.Option(None, help="NGSI-LD @context URL (Link header)."),
    start: str | None = typer.Option(None, help="Start time, ISO 8601 (history, observations)."),
    end: str | None = typer.Option(None, help="End time, ISO 8601."),
    datastream: str | None = typer.Option(None, help="SensorThings Datastream id."),
    flow: str | None = typer.Option(None, help="SDMX dataflow (AGENCY,ID,VERSION)."),
    key: str = typer.Option("all", help="SDMX series key (such as A.JP..)."),
    sdmx_format: str = typer.Option("json", help="SDMX answer format: json or csv."),
    warehouse: Path | None = WAREHOUSE,
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """Preview a source, then store it in the warehouse.

    Preview a source, then store it in the warehouse (one transaction: a bad file leaves
    nothing behind). Errors name the file, row, column and fix, and exit with status 1."""
    with reported_errors():
        max_bytes = int(max_mb * 1024**2)
        found_kind, location = split_source(source, kind)
        spec_fields: dict[str, Any] = {
            "time_column": time_column,
            "value_column": value_column,
            "unit": unit,
            "timezone": timezone,
            "dimensions": tuple(dimension),
            "required": tuple(required),
            "expected_unit": expected_unit,
            "city": city,
            "licence": licence,
            "public": public,
        }
        store = _warehouse(warehouse)
        if found_kind is None:
            path = Path(location)
            options = {"max_bytes": max_bytes, "encoding": encoding, "sheet": sheet}
            shown = preview_file(path, **options)
            _show_preview(shown, fmt, preview)
            if preview or not _confirmed(confirm):
                return
            spec = DatasetSpec(name or _name_from(path.stem), title=path.name, **spec_fields)
            result = import_file(path, store, spec, mode=mode, **options)
        else:
            http = HttpSettings(timeout=timeout, retries=retries, max_bytes=max_bytes)
            fetch_options = FetchOptions(
                dataset=dataset,
                resource=resource,
                entity_type=entity_type,
                entity_id=entity_id,
                attrs=tuple(attr),
                tenant=tenant,
                context=context,
                start=start,
                end=end,
                datastream=datastream,
                flow=flow,
                key=key,
                sdmx_format=sdmx_format,
                http=http,
            )
            with tempfile.TemporaryDirectory(prefix="kizuna-import-") as tmp:
                with err.status(f"Fetching from {location} ...", spinner="dots"):
                    fetched = fetch(found_kind, location, fetch_options, Path(tmp))
                for field, suggested in (
                    ("time_column", fetched.time_column),
                    ("value_column", fetched.value_column),
                    ("unit", fetched.unit),
                    ("licence", fetched.licence),
                ):
                    spec_fields[field] = spec_fields[field] or suggested
                spec_fields["dimensions"] = spec_fields["dimensions"] or fetched.dimensions
                default = dataset or entity_type or entity_id or datastream or flow or found_kind
                spec = DatasetSpec(
                    name or _name_from(str(default)), title=fetched.title, **spec_fields
                )
                if fetched.file is not None:
                    shown = preview_file(fetched.file, max_bytes=max_bytes, encoding=encoding)
                    _show_preview(shown, fmt, preview)
                    if preview or not _confirmed(confirm):
                        return
                    result = import_file(
                        fetched.file,
                        store,
                        spec,
                        mode=mode,
                        max_bytes=max_bytes,
                        encoding=encoding,
                        source=fetched.source,
                    )
                else:
                    assert fetched.frame is not None
                    err.print(f"{len(fetched.frame):,} rows from {location}")
                    if preview:
                        _print(
                            fmt,
                            {
                                "rows": len(fetched.frame),
                                "head": json.loads(
                                    fetched.frame.head(10).to_json(
                                        orient="records", date_format="iso"
                                    )
                                ),
                            },
                        )
                        return
                    if not _confirmed(confirm):
                        return
                    result = import_frame(fetched.frame, store, spec, fetched.source, mode=mode)
        if fmt is OutputFormat.json:
            sys.stdout.write(json.dumps(result.to_dict(), indent=2, default=str) + "\n")
        else:
            stored = result.stored
            out.print(
                f"Stored {stored.rows:,} rows as {stored.dataset!r} ({stored.mode}) in "
                f"{len(stored.partitions)} partition(s) at {store.root}; lineage #"
                f"{stored.lineage_id}"
            )


def _name_from(text: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in text.lower())
    return cleaned.strip("-._")[:100] or "dataset"


def _confirmed(ask: bool) -> bool:
    if not ask:
        return True
    if typer.confirm("Import it?", default=False, err=True):
        return True
    err.print("Nothing imported.")
    return False


def _show_preview(preview: Preview, fmt: OutputFormat, only: bool) -> None:
    """The preview on stdout when it is all the command does, else on stderr."""
    if fmt is OutputFormat.json:
        if only:
            sys.stdout.write(json.dumps(preview.to_dict(), indent=2, default=str) + "\n")
        return
    console = out if only else err
    table = Table(
        title=f"{preview.source}: {preview.format}, {preview.rows:,} rows, "
        f"{preview.size_bytes / 1024:,.1f} KiB"
    )
    for name in ("Column", "Type", "Unit", "Blank", "Examples"):
        table.add_column(name)
    for c in preview.schema.columns:
        table.add_row(
            c.name,
            c.type.value,
            c.unit or "",
            str(c.missing),
            ", ".join(str(v) for v in c.examples)[:60],
        )
    console.print(table)
    for problem in preview.problems:
        console.print(f"[yellow]problem:[/] {problem.text()}", highlight=False)


def _print(fmt: OutputFormat, data: Any) -> None:
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
    else:
        out.print_json(json.dumps(data, default=str))


@app.command("list")
def list_command(
    warehouse: Path | None = WAREHOUSE,
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """The data sets in the warehouse."""
    with reported_errors():
        infos = _warehouse(warehouse).datasets()
        if fmt is OutputFormat.json:
            sys.stdout.write(json.dumps([i.to_dict() for i in infos], indent=2) + "\n")
            return
        table = Table(title=f"{len(infos)} data set(s)")
        for name in ("Name", "Kind", "Rows", "Partitions", "Unit", "Time range"):
            table.add_column(name, justify="right" if name in ("Rows", "Partitions") else "left")
        for info in infos:
            data = info.to_dict()
            span = " to ".join(t[:10] for t in data["time_range"]) if data["time_range"] else ""
            table.add_row(
                info.name,
                info.kind,
                f"{info.rows:,}",
                str(len(info.partitions)),
                info.unit or "",
                span,
            )
        out.print(table)


@app.command("lineage")
def lineage_command(
    name: str = typer.Argument(..., help="A data set or pipeline output."),
    warehouse: Path | None = WAREHOUSE,
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """Where a data set came from (and what was derived from it)."""
    with reported_errors():
        store = _warehouse(warehouse)
        store.dataset(name)
        records = store.lineage(name)
        derived = store.derived_from(name)
        if fmt is OutputFormat.json:
            sys.stdout.write(
                json.dumps(
                    {"lineage": [r.to_dict() for r in records], "derived": derived}, indent=2
                )
                + "\n"
            )
            return
        table = Table(title=f"Lineage of {name}")
        for column in ("#", "Object", "Transformation", "From", "Source", "Recorded"):
            table.add_column(column)
        for r in records:
            table.add_row(
                str(r.id),
                r.object,
                r.transformation,
                ", ".join(r.inputs),
                r.source or "",
                (r.recorded_at or "")[:19],
            )
        out.print(table)
        if derived:
            out.print("Derived from it: " + ", ".join(derived))


@pipeline_app.command("run")
def pipeline_run(
    file: Path = typer.Argument(..., help="Pipeline file (YAML)."),
    engine: str | None = typer.Option(None, help="duckdb or dask (default: the file's)."),
    dask_address: str | None = typer.Option(None, help="Dask scheduler address."),
    warehouse: Path | None = WAREHOUSE,
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """Run a pipeline: recompute the months whose data changed, then write its outputs."""
    with reported_errors():
        if engine not in (None, "duckdb", "dask"):
            raise InputError(f"unknown engine {engine!r}", hint="use duckdb or dask")
        pipeline = load_pipeline(file)
        if dask_address:
            pipeline = pipeline.model_copy(
                update={"dask": pipeline.dask.model_copy(update={"address": dask_address})}
            )
        with err.status(f"Running {pipeline.name} ...", spinner="dots"):
            result = run_pipeline(
                pipeline, _warehouse(warehouse), base_dir=file.parent, engine=engine
            )
        if fmt is OutputFormat.json:
            sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n")
            return
        out.print(
            f"{result.pipeline} on {result.engine}: {len(result.recomputed)} month(s) "
            f"recomputed ({', '.join(result.recomputed) or 'none'}), "
            f"{len(result.unchanged)} unchanged, {len(result.removed)} removed"
        )
        table = Table(title="Outputs")
        for column in ("Output", "Kind", "Rows", "Changed", "File"):
            table.add_column(column)
        for o in result.outputs:
            table.add_row(o.name, o.kind, str(o.rows), ", ".join(o.changed) or "none", o.file or "")
        out.print(table)


@app.command("publish")
def publish_command(
    city: str = typer.Argument(..., help="A demo city slug (yokohama, ...) or an inventory file."),
    fmt: PublishFormat = typer.Option(
        PublishFormat.dcat, "--format", "-f", help="What to publish."
    ),
    out_path: Path | None = typer.Option(
        None, "--out", "-o", help="File (or folder for open-sdg); default: standard output."
    ),
    syntax: RdfSyntax | None = typer.Option(
        None, help="DCAT syntax (default JSON-LD; Turtle for a .ttl --out)."
    ),
    base_url: str = typer.Option(PublicUrls().base, help="Public base URL of the platform."),
    warehouse: Path | None = typer.Option(
        None, "--warehouse", "-w", help="Also list this warehouse's public data sets."
    ),
) -> None:
    """Publish a city's open data: DCAT, NGSI-LD or Open SDG.

    Publish a city's open data: a DCAT catalogue, NGSI-LD entities (Smart Data Models
    KeyPerformanceIndicator and CarbonFootprint) or Open SDG CSVs."""
    with reported_errors():
        target = Path(city)
        published = (
            city_from_file(target) if target.suffix and target.is_file() else demo_city(city)
        )
        urls = PublicUrls(base_url)
        if fmt is PublishFormat.open_sdg:
            folder = out_path or Path(f"open-sdg-{published.slug}")
            written = write_open_sdg(published, folder)
            for path in written:
                err.print(f"wrote {path}")
            return
        if fmt is PublishFormat.ngsi_ld:
            text = json.dumps(ngsi_ld_entities(published, urls), indent=2, ensure_ascii=False)
        else:
            catalogue = city_catalogue(published, urls, Warehouse(warehouse) if warehouse else None)
            turtle = syntax is RdfSyntax.turtle or (
                syntax is None and out_path is not None and out_path.suffix == ".ttl"
            )
            text = catalogue_turtle(catalogue) if turtle else catalogue_jsonld(catalogue)
        if out_path is None:
            sys.stdout.write(text.rstrip("\n") + "\n")
        else:
            out_path.parent.mkdir(parents=True, exist_ok=True)
            out_path.write_text(text, encoding="utf-8")
            err.print(f"wrote {out_path}")
