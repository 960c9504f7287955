"""A city's pipelines in the platform: stored, run on the city's data sets, outputs registered.

A pipeline file (`kizuna.datahub.pipeline_file`, docs/datahub.md) names its input by the
city's data set name (``input: {dataset: meters}``). In the platform:

- the pipeline is a shared object of the city (`HubPipeline`): its editors store, change,
  run and delete it; an admin makes it visible beyond the organisation;
- a run (`run_city_pipeline`) reads the input only if the runner may read it, and runs
  under warehouse names of the city (``<slug>.<pipeline>.monthly``, ``.<output>``), so two
  cities' pipelines of the same name never meet. Months whose input changed since the last
  run are recomputed, the others kept (`kizuna.datahub.run_pipeline`);
- each output becomes a data set of the city, ``<pipeline>-<output>`` (a table, with the
  pipeline's visibility and licence when first made), whose lineage leads back to the
  input; its download is the activity CSV an inventory upload takes, or the indicator CSV;
- the platform runs pipelines on DuckDB and writes no files: ``engine: dask`` and
  ``file:`` are for ``kizuna data pipeline run`` and are refused here with a clear 422.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kizuna.datahub import Pipeline, parse_pipeline, run_pipeline
from kizuna.datahub.pipelines import MONTHLY
from kizuna.errors import InputError, Location, NotFound
from kizuna.server.tables import City, Visibility, utcnow
from kizuna.server.tables.datahub import Dataset, DatasetKind, HubPipeline
from kizuna.server.tenancy.audit import record
from kizuna.server.tenancy.content import delete_object
from kizuna.server.tenancy.datahub import NAME_PATTERN, HubWarehouse, get_dataset
from kizuna.server.tenancy.datahub_imports import require_publish
from kizuna.server.tenancy.licences import check_licence
from kizuna.server.tenancy.permissions import require_change
from kizuna.server.tenancy.principals import Principal
from kizuna.server.tenancy.visibility import visible

#: The longest pipeline file the platform stores, in characters.
MAX_DEFINITION = 64_000


def _invalid(message: str, field: str, hint: str) -> InputError:
    return InputError(message, where=Location(field=field), hint=hint)


def parse_definition(text: str) -> Pipeline:
    """The pipeline of a file's text (YAML or JSON), checked for what the platform runs:
    names of lower-case letters, digits and hyphens (``<pipeline>-<output>`` at most 64),
    DuckDB, no output files. `InputError` naming every bad field."""
    if len(text) > MAX_DEFINITION:
        raise _invalid(
            f"the pipeline file has {len(text):,} characters, more than {MAX_DEFINITION:,}",
            "definition",
            "a pipeline file is a few lines; move data into data sets",
        )
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _invalid(
            f"the pipeline file is not valid YAML ({exc})",
            "definition",
            "check the indentation and quotes",
        ) from None
    pipeline = parse_pipeline(data, "pipeline")
    names = [("name", pipeline.name), ("input.dataset", pipeline.input.dataset)]
    names += [(f"outputs.{o.name}.name", o.name) for o in pipeline.outputs]
    for field, name in names:
        if not NAME_PATTERN.match(name):
            raise _invalid(
                f"{name!r} ({field}) is not a name the platform takes",
                field,
                "use lower-case letters, digits and hyphens (such as smart-meters)",
            )
    for output in pipeline.outputs:
        if len(f"{pipeline.name}-{output.name}") > 64:
            raise _invalid(
                f"the data set {pipeline.name}-{output.name} would have a name over 64 characters",
                f"outputs.{output.name}.name",
                "shorten the pipeline's or the output's name",
            )
        if output.file:
            raise _invalid(
                f"output {output.name!r} names a file ({output.file}); the platform stores "
                "outputs as data sets of the city",
                f"outputs.{output.name}.file",
                "remove file: (download the output data set instead)",
            )
    if not pipeline.outputs:
        raise _invalid(
            "the pipeline has no outputs", "outputs", "add an activity or indicator output"
        )
    if pipeline.engine != "duckdb":
        raise _invalid(
            f"the platform runs pipelines on DuckDB, not {pipeline.engine}",
            "engine",
            "remove engine: dask here; run on Dask with kizuna data pipeline run --engine dask",
        )
    return pipeline


# --- reading ---------------------------------------------------------------------------------


def _readable(principal: Principal) -> Any:
    stmt = select(HubPipeline).join(HubPipeline.city).options(selectinload(HubPipeline.city))
    return visible(visible(stmt, HubPipeline, principal), City, principal)


def list_pipelines(session: Session, principal: Principal, city: City) -> Sequence[HubPipeline]:
    """The pipelines of `city` that `principal` may read, by name."""
    stmt = _readable(principal).where(HubPipeline.city_id == city.id)
    return session.scalars(stmt.order_by(HubPipeline.name)).all()


def get_pipeline(session: Session, principal: Principal, city: City, name: str) -> HubPipeline:
    """The pipeline `name` of `city`; `NotFound` when hidden from `principal` or unknown."""
    stmt = _readable(principal).where(HubPipeline.city_id == city.id, HubPipeline.name == name)
    found = session.scalars(stmt).one_or_none()
    if found is None:
        raise NotFound(
            f"{city.name} has no pipeline {name!r}",
            where=Location(field="pipeline"),
            hint=f"see /cities/{city.slug}/data/pipelines for the city's pipelines",
        )
    return found


def output_datasets(
    session: Session, principal: Principal, pipeline: HubPipeline
) -> dict[str, Dataset]:
    """The output data sets of `pipeline` that `principal` may read, by output name."""
    prefix = pipeline.warehouse_prefix
    stmt = visible(select(Dataset), Dataset, principal).where(
        Dataset.city_id == pipeline.city_id,
        Dataset.warehouse_name.startswith(prefix, autoescape=True),
    )
    return {d.warehouse_name.removeprefix(prefix): d for d in session.scalars(stmt)}


# --- changing --------------------------------------------------------------------------------


def _audit(
    session: Session, principal: Principal, pipeline: HubPipeline, action: str, **details: Any
) -> None:
    record(
        session,
        principal,
        f"pipeline.{action}",
        organisation_id=pipeline.owner_org_id,
        object_type=HubPipeline.shared_type,
        object_id=pipeline.id,
        details={"city": pipeline.city.slug, "name": pipeline.name, **details},
    )


def create_pipeline(
    session: Session,
    principal: Principal,
    city: City,
    definition: str,
    *,
    visibility: Visibility = Visibility.PRIVATE,
    licence: str | None = None,
) -> HubPipeline:
    """Store the pipeline file `definition` for `city` (editors of its owner; an admin for
    one that is not private). Its name must be new in the city."""
    require_change(session, principal, city, action="add pipelines to the city")
    require_publish(principal, city.owner_org_id, visibility, "a pipeline")
    licence = check_licence(visibility, licence)
    spec = parse_definition(definition)
    taken = session.scalar(
        select(HubPipeline.id).where(HubPipeline.city_id == city.id, HubPipeline.name == spec.name)
    )
    if taken is not None:
        raise _invalid(
            f"{city.name} has a pipeline {spec.name!r} already",
            "name",
            "choose another name, or change that pipeline",
        )
    pipeline = HubPipeline(
        city=city,
        name=spec.name,
        title=spec.description or spec.name,
        definition=definition,
        spec=spec.model_dump(mode="json"),
        owner_org_id=city.owner_org_id,
        visibility=visibility,
        licence=licence,
    )
    session.add(pipeline)
    session.flush()
    _audit(session, principal, pipeline, "create")
    return pipeline


def update_pipeline(
    session: Session, principal: Principal, pipeline: HubPipeline, definition: str
) -> HubPipeline:
    """Replace the pipeline's file (its editors); the name stays. The next run recomputes
    what the change touches (the outputs are compared with the previous run's)."""
    require_change(session, principal, pipeline, action="change the pipeline")
    spec = parse_definition(definition)
    if spec.name != pipeline.name:
        raise _invalid(
            f"the file names the pipeline {spec.name!r}, not {pipeline.name!r}",
            "name",
            f"keep name: {pipeline.name} (store a new pipeline for a new name)",
        )
    old = {o["name"] for o in pipeline.spec.get("outputs", [])}
    pipeline.definition, pipeline.spec = definition, spec.model_dump(mode="json")
    pipeline.title = spec.description or spec.name
    pipeline.updated_at = utcnow()
    session.flush()
    dropped = sorted(old - {o.name for o in spec.outputs})
    _audit(session, principal, pipeline, "update", dropped_outputs=dropped)
    return pipeline


def delete_pipeline(session: Session, principal: Principal, pipeline: HubPipeline) -> list[str]:
    """Delete the pipeline and its output data sets (their editors); returns the warehouse
    names to drop once committed (`forget_in_warehouse`)."""
    require_change(session, principal, pipeline, action="delete the pipeline")
    prefix = pipeline.warehouse_prefix
    outputs = session.scalars(
        select(Dataset).where(
            Dataset.city_id == pipeline.city_id,
            Dataset.warehouse_name.startswith(prefix, autoescape=True),
        )
    ).all()
    for dataset in outputs:
        delete_object(session, principal, dataset)
    names = [f"{prefix}{MONTHLY}", *(d.warehouse_name for d in outputs)]
    names.append(prefix.removesuffix("."))  # the pipeline's state
    delete_object(session, principal, pipeline)
    return names


def forget_in_warehouse(hub: HubWarehouse, names: list[str]) -> None:
    """Drop a deleted pipeline's tables (`delete_pipeline`) and its incremental state."""
    *tables, state = names
    with hub.use() as warehouse:
        for name in tables:
            warehouse.delete(name)
        warehouse.forget_state(state)


# --- running ---------------------------------------------------------------------------------


def _output_rows(
    session: Session, pipeline: HubPipeline, spec: Pipeline
) -> dict[str, Dataset | None]:
    """The data set of each output (None: new), checking that no other data set of the city
    holds its name."""
    found: dict[str, Dataset | None] = {}
    for output in spec.outputs:
        name = f"{pipeline.name}-{output.name}"
        dataset = session.scalars(
            select(Dataset).where(Dataset.city_id == pipeline.city_id, Dataset.name == name)
        ).one_or_none()
        if (
            dataset is not None
            and dataset.warehouse_name != pipeline.warehouse_prefix + output.name
        ):
            raise _invalid(
                f"{pipeline.city.name} has a data set {name!r} that is not this pipeline's output",
                f"outputs.{output.name}.name",
                "rename the output, or that data set",
            )
        found[output.name] = dataset
    return found


def run_city_pipeline(
    session: Session, principal: Principal, pipeline: HubPipeline, hub: HubWarehouse
) -> dict[str, Any]:
    """Run `pipeline` (its editors) on the city's input data set and register its outputs as
    data sets (module docstring). Returns the run (`RunResult.to_dict`, with ``ran_at`` and
    ``ran_by``), also kept in ``pipeline.last_run``. Nothing is committed here."""
    require_change(session, principal, pipeline, action="run the pipeline")
    city = pipeline.city
    spec = parse_pipeline(pipeline.spec, pipeline.name)
    source = get_dataset(session, principal, city, spec.input.dataset)
    if source.kind is not DatasetKind.TIME_SERIES:
        raise _invalid(
            f"{source.title!r} is not a time series",
            "input.dataset",
            "the input of a pipeline is a time series (imported with a time and value column)",
        )
    existing = _output_rows(session, pipeline, spec)
    scoped = spec.model_copy(
        update={
            "name": pipeline.warehouse_prefix.removesuffix("."),
            "input": spec.input.model_copy(update={"dataset": source.warehouse_name}),
        }
    )
    with hub.use() as warehouse:
        result = run_pipeline(scoped, warehouse)
        infos = {o.name: warehouse.dataset(o.dataset) for o in result.outputs}
    for output, done in zip(spec.outputs, result.outputs, strict=True):
        info = infos[done.name]
        dataset = existing[output.name] or Dataset(
            city=city,
            name=f"{pipeline.name}-{output.name}",
            warehouse_name=done.dataset,
            owner_org_id=pipeline.owner_org_id,
            visibility=pipeline.visibility,
            licence=pipeline.licence,
            kind=DatasetKind.TABLE,
            title=f"{pipeline.title}: {output.name}",
            source_file=f"pipeline:{pipeline.name}",
            sources=[],
        )
        dataset.description = (
            f"{'GPC activity data' if output.kind == 'activity' else 'Indicator series'} "
            f"computed by the pipeline {pipeline.name} from {source.title}."
        )
        dataset.rows, dataset.unit = info.rows, getattr(output, "unit", None)
        dataset.columns = info.schema.to_dict()
        dataset.updated_at = utcnow()
        session.add(dataset)
    summary = {
        **result.to_dict(),
        "pipeline": pipeline.name,
        "input": source.name,
        "ran_at": utcnow().isoformat(),
        "ran_by": principal.label,
    }
    for item in summary["outputs"]:
        item["dataset"] = f"{pipeline.name}-{item['name']}"
    pipeline.last_run, pipeline.last_run_at = summary, utcnow()
    session.flush()
    _audit(
        session,
        principal,
        pipeline,
        "run",
        recomputed=list(result.recomputed),
        changed={o.name: len(o.changed) for o in result.outputs},
    )
    return summary


def monthly_table(hub: HubWarehouse, pipeline: HubPipeline) -> Any:
    """The monthly sums of the last run (a DataFrame: the ``by`` columns, ``month`` as the
    first day of the month, ``value`` and ``readings``), or None before the first run."""
    import pandas as pd

    from kizuna.datahub.datasets import MONTH

    name = pipeline.warehouse_prefix + MONTHLY
    with hub.use() as warehouse:
        if not warehouse.has(name):
            return None
        frame = warehouse.read(name)
    month = pd.to_datetime(frame[MONTH].astype("string") + "-01", utc=True)
    return frame.drop(columns=MONTH).assign(month=month).sort_values("month")
