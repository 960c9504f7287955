"""Reviews of city plans, and scenario sets, on behalf of a principal: checked and audited.

Reading: a review is read through its plan, `get_review(session, principal, plan, id)`, where
`plan` came from `get_plan` (readable); the review itself must be readable too (`visible`), so
a reader sees a review only where both allow it. Scenario sets are read like any shared object.
The packaged scenario set (`kizuna.review.default_scenarios`) is nobody's: everyone reads it.

Changing: running a review needs an editor (or more) of the plan's owner (and the ``write``
scope); the review belongs to that organisation and is private unless the runner, an admin,
says otherwise. A scenario set is added by an editor of the organisation that will own it.
Every change writes an audit entry: ``scenario_set.create``, ``review.create``; deletion is
`kizuna.server.tenancy.delete_object` (``<type>.delete``).

Running: the stored plan is parsed again (its base year from the city's stored inventory,
as `kizuna.server.imports` does), its stored roadmap (`CityPlan.result`) is evaluated by
`kizuna.review` and the library's ``to_dict()`` is stored with the inputs. Uploads are
validated in full before anything is written. A web request evaluates at most `MAX_DRAWS`
Monte Carlo draws and `MAX_DRAW_CELLS` draws x measures (memory grows with both).
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from kizuna.errors import InputError, Location
from kizuna.planning import Plan, parse_plan
from kizuna.review import (
    Actuals,
    ScenarioSet,
    default_scenarios,
    monte_carlo,
    parse_risk,
    parse_scenarios,
    read_actuals,
    replan,
    stress_test,
    track_progress,
)
from kizuna.review.basis import PlanBasis, plan_basis, project
from kizuna.review.tracking import TOLERANCE
from kizuna.server.tables import City, CityPlan, Inventory, Visibility
from kizuna.server.tables.review import PlanReview, ReviewKind, StoredScenarioSet
from kizuna.server.tenancy.audit import record
from kizuna.server.tenancy.content import _require_create
from kizuna.server.tenancy.licences import check_licence
from kizuna.server.tenancy.permissions import not_found, require_change
from kizuna.server.tenancy.principals import Principal
from kizuna.server.tenancy.queries import get_object, get_plan, list_inventories
from kizuna.server.tenancy.visibility import visible

#: Monte Carlo draws one web request may ask for (the CLI has no limit).
MAX_DRAWS = 20_000
#: Draws x measures one web request may evaluate (about 200 MiB of arrays at the limit).
MAX_DRAW_CELLS = 1_000_000
#: The id of the packaged scenario set in addresses and inputs.
PACKAGED = "default"
PACKAGED_NAME = "Kizuna default scenarios"
SCENARIO_SUFFIXES = (".yaml", ".yml", ".json")
ACTUALS_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xls", ".ods")
HINT = "see docs/review.md"


@dataclass(frozen=True, slots=True)
class Upload:
    """An uploaded file: its name as sent and its bytes (size checked by the caller)."""

    filename: str
    data: bytes


# --- scenario sets --------------------------------------------------------------------------


class _NoAliases(yaml.SafeLoader):
    """YAML without aliases (``*name``): an uploaded file cannot blow up when expanded."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("aliases (*name) are not allowed in an uploaded file")
        return super().compose_node(parent, index)


def _safe_name(filename: str, default: str, allowed: tuple[str, ...], what: str) -> str:
    """The safe name of an uploaded file, or `InputError` when its suffix is not `allowed`."""
    from kizuna.server.imports import _suffix, safe_name  # imports uses tenancy

    name = safe_name(filename, default)
    _suffix(name, allowed, what)
    return name


def read_scenario_file(upload: Upload) -> tuple[str, ScenarioSet]:
    """The safe name and the validated scenarios of an uploaded scenario file (YAML or JSON);
    `InputError` naming the file and each field at fault."""
    name = _safe_name(upload.filename, "scenarios.yaml", SCENARIO_SUFFIXES, "scenario file")
    try:
        text = upload.data.decode("utf-8")
        data = json.loads(text) if name.lower().endswith(".json") else yaml.load(text, _NoAliases)
    except (UnicodeDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InputError(
            f"{name}: not valid UTF-8 YAML or JSON ({exc})".replace("\n", " "),
            where=Location(file=name, field="file"),
            hint="check the file in a text editor (docs/review.md, 'Scenario files')",
        ) from None
    return name, parse_scenarios(data, source=name)


def create_scenario_set(
    session: Session,
    principal: Principal,
    *,
    owner_org_id: int,
    upload: Upload,
    name: str | None = None,
    description: str | None = None,
    visibility: Visibility = Visibility.PRIVATE,
    licence: str | None = None,
) -> StoredScenarioSet:
    """Validate the scenario file `upload` and store it for `owner_org_id` (its editors)."""
    _require_create(principal, owner_org_id, visibility, "a scenario set")
    licence = check_licence(visibility, licence)
    filename, scenarios = read_scenario_file(upload)
    title = (name or "").strip() or Path(filename).stem
    if len(title) > 200:
        raise InputError("The name is longer than 200 characters", where=Location(field="name"))
    stored = StoredScenarioSet(
        owner_org_id=owner_org_id,
        visibility=visibility,
        licence=licence,
        name=title,
        description=(description or "").strip() or None,
        source_file=filename,
        scenarios=scenarios.model_dump(mode="json"),
    )
    session.add(stored)
    session.flush()
    record(
        session,
        principal,
        "scenario_set.create",
        organisation_id=owner_org_id,
        object_type=stored.shared_type,
        object_id=stored.id,
        details={"name": title, "source_file": filename, "scenarios": len(scenarios.scenarios)},
    )
    return stored


def list_scenario_sets(session: Session, principal: Principal) -> Sequence[StoredScenarioSet]:
    """The stored scenario sets `principal` may read, newest first."""
    stmt = visible(select(StoredScenarioSet), StoredScenarioSet, principal)
    return session.scalars(stmt.order_by(StoredScenarioSet.id.desc())).all()


def get_scenario_set(session: Session, principal: Principal, set_id: int) -> StoredScenarioSet:
    """The stored scenario set #`set_id`; `NotFound` when hidden or unknown."""
    return get_object(session, principal, StoredScenarioSet, set_id)


def scenarios_for(
    session: Session, principal: Principal, set_id: int | None
) -> tuple[ScenarioSet, StoredScenarioSet | None]:
    """The scenarios of stored set #`set_id` (readable by `principal`), or the packaged ones."""
    if set_id is None:
        return default_scenarios(), None
    stored = get_scenario_set(session, principal, set_id)
    return parse_scenarios(stored.scenarios, source=stored.source_file), stored


# --- reading reviews ------------------------------------------------------------------------


def _reviews(principal: Principal, plan: CityPlan, kind: ReviewKind | None) -> Select[Any]:
    stmt = select(PlanReview).where(PlanReview.plan_id == plan.id)
    if kind is not None:
        stmt = stmt.where(PlanReview.kind == kind)
    return visible(stmt, PlanReview, principal)


def list_reviews(
    session: Session,
    principal: Principal,
    plan: CityPlan,
    *,
    kind: ReviewKind | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Sequence[PlanReview]:
    """The reviews of `plan` (read with `get_plan`) that `principal` may read, newest first."""
    stmt = _reviews(principal, plan, kind).order_by(PlanReview.id.desc())
    return session.scalars(stmt.limit(limit).offset(offset)).all()


def count_reviews(
    session: Session, principal: Principal, plan: CityPlan, *, kind: ReviewKind | None = None
) -> int:
    """How many reviews `list_reviews` lists, over all pages."""
    stmt = _reviews(principal, plan, kind).with_only_columns(func.count(PlanReview.id))
    return int(session.scalar(stmt) or 0)


def get_review(
    session: Session, principal: Principal, plan: CityPlan, review_id: int
) -> PlanReview:
    """Review #`review_id` of `plan` (read with `get_plan`); `NotFound` if hidden or unknown."""
    stmt = _reviews(principal, plan, None).where(PlanReview.id == review_id)
    found = session.scalars(stmt).one_or_none()
    if found is None:
        raise not_found("review", review_id)
    return found


# --- running reviews ------------------------------------------------------------------------


@dataclass
class _Subject:
    """The stored plan being reviewed, parsed, with its stored roadmap."""

    stored: CityPlan
    plan: Plan
    basis: PlanBasis
    result: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def _subject(
    session: Session,
    principal: Principal,
    city: City,
    visibility: Visibility | None,
    folder: Path,
) -> _Subject:
    """The plan of `city`, checked (editor of its owner; admin for a non-private review);
    its base-year inventory, when it reads one, is a file in `folder` (keep it while the
    plan is used: the plan reads it again)."""
    from kizuna.server.imports import _with_inventory_file  # imports uses tenancy

    stored = get_plan(session, principal, city)
    require_change(session, principal, stored, action="review the plan")
    if visibility is not None:
        _require_create(principal, stored.owner_org_id, visibility, "a review")
    raw = dict(stored.plan)
    raw.pop("library", None)  # the stored plan holds the expanded measures already
    if (raw.get("baseline") or {}).get("inventory"):
        raw = _with_inventory_file(session, principal, city, raw, stored.source_file, folder)
    plan = parse_plan(raw, source=stored.source_file)
    basis = plan_basis(plan)
    subject = _Subject(stored, plan, basis, stored.result)
    bau = project(basis)[0].sum(axis=0)[basis.offset :]
    planned = np.array([subject.result["bau"][str(y)] for y in basis.years], dtype=float)
    if not np.allclose(bau, planned, rtol=1e-6, atol=1e-6):
        subject.notes.append(
            "the plan's business-as-usual path differs from the one it was optimised with "
            "(a new base-year inventory?): optimise the plan again, then review it"
        )
    return subject


def _write(folder: Path, key: str, upload: Upload | None) -> Path | None:
    """`upload` written as ``folder/<key>/<safe name>`` (None when absent)."""
    if upload is None:
        return None
    allowed = ACTUALS_SUFFIXES if key == "actuals" else (".csv",)
    name = _safe_name(upload.filename, f"{key}.csv", allowed, f"{key} file")
    if not upload.data.strip():
        raise InputError(f"{name} is empty", where=Location(file=name, field=key), hint=HINT)
    (folder / key).mkdir()
    path = folder / key / name
    path.write_bytes(upload.data)
    return path


def _stored_actuals(session: Session, principal: Principal, city: City, plan: Plan) -> Upload:
    """The city's stored inventories after the base year (the plan's GWP set) as one file."""
    from kizuna.server.imports import stored_inventory_csv

    found: list[Inventory] = [
        inv
        for inv in list_inventories(session, principal, city)
        if plan.base_year < inv.year <= plan.end_year and inv.gwp == plan.baseline.gwp
    ]
    if not found:
        raise InputError(
            f"{city.name} has no stored inventory after the base year {plan.base_year} "
            f"({plan.baseline.gwp}) to track the plan against",
            where=Location(field="actuals"),
            hint="upload an actuals file (year, sector, emissions_tco2e), or store the "
            "inventories of the years since the base year first",
        )
    parts = [stored_inventory_csv(inv) for inv in found]
    text = parts[0] + "".join(p.split("\n", 1)[1] for p in parts[1:])
    return Upload(f"{city.slug}-inventories.csv", text.encode("utf-8"))


def _actuals(
    session: Session,
    principal: Principal,
    city: City,
    plan: Plan,
    actuals: Upload | None,
    delivery: Upload | None,
) -> tuple[Actuals, dict[str, Any]]:
    """The actuals of an upload (or of the stored inventories) and how to store them."""
    source = "upload" if actuals is not None else "inventories"
    if actuals is None:
        actuals = _stored_actuals(session, principal, city, plan)
    with tempfile.TemporaryDirectory(prefix="kizuna-actuals-") as folder:
        actuals_path = _write(Path(folder), "actuals", actuals)
        delivery_path = _write(Path(folder), "delivery", delivery)
        assert actuals_path is not None
        try:
            observed = read_actuals(actuals_path, plan, delivery=delivery_path)
        except InputError as exc:  # say which form field holds the file at fault
            files = {w.file for w in exc.where} | {exc.message.split(":")[0]}
            key = "delivery" if delivery_path and delivery_path.name in files else "actuals"
            exc.where.append(Location(field=key))
            raise
    emissions = observed.emissions.copy()
    emissions["total"] = observed.totals
    long = emissions.rename_axis("year").reset_index().melt("year", var_name="sector")
    inputs: dict[str, Any] = {
        "actuals_source": source,
        "actuals_file": actuals_path.name,
        "delivery_file": delivery_path.name if delivery_path else None,
        "emissions": [
            {"year": int(r.year), "sector": str(r.sector), "emissions_tco2e": float(r.value)}
            for r in long.dropna().itertuples()
        ],
        "delivery": [],
    }
    if observed.delivered is not None:
        units = observed.delivered.stack()
        inputs["delivery"] = [
            {"year": int(y), "measure": str(m), "installed": float(v)}
            for (m, y), v in units.items()
            if v
        ]
    return observed, inputs


@dataclass(frozen=True, slots=True)
class _Computed:
    """What a review computed: its title, inputs, result (``to_dict()``) and headline."""

    title: str
    inputs: dict[str, Any]
    result: dict[str, Any]
    summary: dict[str, Any]
    scenario_set: StoredScenarioSet | None = None


def run_review(
    session: Session,
    principal: Principal,
    city: City,
    kind: ReviewKind,
    *,
    visibility: Visibility | None = None,
    licence: str | None = None,
    **options: Any,
) -> PlanReview:
    """Compute a review of kind `kind` of `city`'s plan and store it (private unless
    `visibility` is given; then an admin is needed). The options of each kind:

    - stress: ``scenario_set`` (a stored set's id; the packaged set when None);
    - risk: ``draws`` (2 to `MAX_DRAWS`), ``seed``, ``risk`` (a risk file's content, or None
      for the packaged uncertainties);
    - progress: ``actuals`` and ``delivery`` (`Upload`s; without actuals, the city's stored
      inventories after the base year), ``tolerance`` (a share, 0.02 by default);
    - replan: ``actuals`` and ``delivery``, as for progress. The stored plan is not changed.
    """
    kind = ReviewKind(kind)
    with tempfile.TemporaryDirectory(prefix="kizuna-review-") as folder:
        subject = _subject(session, principal, city, visibility, Path(folder))
        done = _RUNNERS[kind](session, principal, city, subject, **options)
    visibility = visibility or Visibility.PRIVATE
    licence = check_licence(visibility, licence)
    review = PlanReview(
        plan_id=subject.stored.id,
        owner_org_id=subject.stored.owner_org_id,
        visibility=visibility,
        licence=licence,
        kind=kind,
        title=done.title[:200],
        scenario_set_id=done.scenario_set.id if done.scenario_set else None,
        inputs=json_ready({**done.inputs, "notes": subject.notes}),
        summary=json_ready(done.summary),
        result=json_ready(done.result),
        plan_computed_at=subject.stored.computed_at,
    )
    session.add(review)
    session.flush()
    record(
        session,
        principal,
        "review.create",
        organisation_id=review.owner_org_id,
        object_type=review.shared_type,
        object_id=review.id,
        details={"city": city.slug, "kind": kind.value, "title": review.title},
    )
    return review


def _stress(
    session: Session,
    principal: Principal,
    _city: City,
    subject: _Subject,
    *,
    scenario_set: int | None = None,
) -> _Computed:
    scenarios, stored_set = scenarios_for(session, principal, scenario_set)
    outcome = stress_test(subject.plan, subject.result, scenarios, basis=subject.basis)
    result = outcome.to_dict()
    name = stored_set.name if stored_set else PACKAGED_NAME
    heads = ("scenario", "name", "milestones_met", "milestones_total", "cumulative_emissions")
    return _Computed(
        title=name,
        inputs={
            "scenario_set": stored_set.id if stored_set else PACKAGED,
            "scenario_set_name": name,
            "scenarios": scenarios.model_dump(mode="json"),
        },
        result=result,
        summary={
            "scenario_set": name,
            "scenarios": [{k: o[k] for k in (*heads, "npv")} for o in result["scenarios"]],
        },
        scenario_set=stored_set,
    )


def _risk(
    _session: Session,
    _principal: Principal,
    _city: City,
    subject: _Subject,
    *,
    draws: int = 2_000,
    seed: int = 0,
    risk: Mapping[str, Any] | None = None,
) -> _Computed:
    measures = len(subject.plan.measures)
    most = min(MAX_DRAWS, MAX_DRAW_CELLS // max(1, measures))
    if not 2 <= draws <= most:
        raise InputError(
            f"A web request runs 2 to {most:,} Monte Carlo draws of this plan "
            f"({measures} measures), not {draws:,}",
            where=Location(field="draws"),
            hint=f"ask for at most {most:,} draws, or run `kizuna review risk PLAN --draws N` "
            "on your own machine",
        )
    spec = None if risk is None else parse_risk(dict(risk), source="risk")
    run = monte_carlo(
        subject.plan, subject.result, spec, draws=draws, seed=seed, basis=subject.basis
    )
    result = run.to_dict()
    heads = ("year", "sector", "cap", "probability", "standard_error")
    return _Computed(
        title=f"Monte Carlo, {draws:,} draws, seed {seed}",
        inputs={
            "draws": draws,
            "seed": seed,
            "risk": spec.model_dump(mode="json") if spec else None,
        },
        result=result,
        summary={
            "draws": draws,
            "seed": seed,
            "expected_shortfall": result["expected_shortfall"],
            "milestones": [{k: m[k] for k in heads} for m in result["milestones"]],
        },
    )


def _progress(
    session: Session,
    principal: Principal,
    city: City,
    subject: _Subject,
    *,
    actuals: Upload | None = None,
    delivery: Upload | None = None,
    tolerance: float = TOLERANCE,
) -> _Computed:
    if not 0 <= tolerance <= 1:
        raise InputError(
            f"The tolerance is a share between 0 and 1, not {tolerance}",
            where=Location(field="tolerance"),
            hint="0.02 means up to 2 % above the planned path is still on track",
        )
    observed, inputs = _actuals(session, principal, city, subject.plan, actuals, delivery)
    result = track_progress(
        subject.plan, observed, subject.result, tolerance=tolerance, basis=subject.basis
    ).to_dict()
    scope = result["scopes"][0]
    return _Computed(
        title=f"Progress to {result['latest_year']}",
        inputs={**inputs, "tolerance": tolerance},
        result=result,
        summary={
            "latest_year": result["latest_year"],
            "on_track": result["on_track"],
            **{k: scope[k] for k in ("actual", "planned", "gap")},
            "milestones": [
                {k: m[k] for k in ("year", "sector", "status")} for m in result["milestones"]
            ],
        },
    )


def _replan(
    session: Session,
    principal: Principal,
    city: City,
    subject: _Subject,
    *,
    actuals: Upload | None = None,
    delivery: Upload | None = None,
) -> _Computed:
    observed, inputs = _actuals(session, principal, city, subject.plan, actuals, delivery)
    result = replan(subject.plan, observed, subject.result, basis=subject.basis).to_dict()
    counts: dict[str, int] = {}
    for change in result["changes"]:
        counts[change["change"]] = counts.get(change["change"], 0) + 1
    return _Computed(
        title=f"Re-plan after {result['actual_year']}",
        inputs=inputs,
        result=result,
        summary={
            **{k: result[k] for k in ("actual_year", "cost_change", "excess")},
            "changes": counts,
        },
    )


_RUNNERS = {
    ReviewKind.STRESS: _stress,
    ReviewKind.RISK: _risk,
    ReviewKind.PROGRESS: _progress,
    ReviewKind.REPLAN: _replan,
}


# --- helpers --------------------------------------------------------------------------------


def json_ready(value: Any) -> Any:
    """`value` with numpy numbers as Python ones and NaN or infinite floats as None (JSON
    has no NaN; the API answers with strict JSON)."""
    if isinstance(value, Mapping):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
