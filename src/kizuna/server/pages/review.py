"""The review pages: a hub per city plan, one page per stored review, and the scenario sets.

- ``/cities/{slug}/review``: the plan's reviews the reader may read, and for editors of the
  plan's owner the forms that run a stress test, a risk analysis, progress tracking or a
  re-plan (errors shown next to the form; nothing stored on error);
- ``/cities/{slug}/review/{id}``: a stored review: the scenario comparison (table and
  chart), the risk fan chart and tornado, the progress dashboard with on/off-track badges,
  or the re-plan diff;
- ``/review/scenarios`` and ``/review/scenarios/{key}``: the scenario sets (the packaged one
  and the stored uploads the reader may read), and the upload form.

Everything is read and run through `kizuna.server.tenancy` with the request's principal;
the charts come from `kizuna.review.charts`, translated here.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from kizuna.errors import Forbidden, InputError, KizunaError, Location
from kizuna.reports.figures import Figure
from kizuna.reports.formatting import pick_money_unit, pick_unit
from kizuna.reports.i18n import N_, translate_figure
from kizuna.review import default_scenarios, parse_scenarios
from kizuna.review.charts import (
    fan_figure,
    progress_figure,
    replan_figure,
    replan_units_figure,
    stress_figure,
    tornado_figure,
)
from kizuna.server import tenancy
from kizuna.server.deps import AuthDep, SessionDep
from kizuna.server.i18n import request_translations
from kizuna.server.pages.forms import csrf_form, done, form_error, render
from kizuna.server.schemas.review import SET_KEY_PATTERN
from kizuna.server.tables import City, CityPlan, Role, Visibility
from kizuna.server.tables.review import PlanReview, ReviewKind, StoredScenarioSet
from kizuna.server.tenancy import OPEN_LICENCES
from kizuna.server.tenancy.review import MAX_DRAWS, PACKAGED, PACKAGED_NAME

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

Csrf = Annotated[str, Form(max_length=200)]
ReviewId = Annotated[int, Path(ge=1, le=2**31 - 1)]
SetKey = Annotated[str, Path(pattern=SET_KEY_PATTERN)]
OptionalFile = Annotated[UploadFile | None, File()]

KIND_LABELS = {
    "stress": N_("Stress test"),
    "risk": N_("Monte Carlo risk"),
    "progress": N_("Progress tracking"),
    "replan": N_("Re-plan"),
}
STATUS_LABELS = {
    "met": N_("Met"),
    "missed": N_("Missed"),
    "on_track": N_("On track"),
    "off_track": N_("Off track"),
    "not_reported": N_("Not reported"),
}
#: The CSS class (``status-<class>``) of each status badge.
STATUS_CLASSES = {
    "met": "value",
    "on_track": "value",
    "missed": "missing",
    "off_track": "missing",
    "not_reported": "notation",
}
CHANGE_LABELS = {
    "added": N_("Added"),
    "advanced": N_("Advanced"),
    "delayed": N_("Delayed"),
    "dropped": N_("Dropped"),
    "increased": N_("Increased"),
    "reduced": N_("Reduced"),
}
#: Names the packaged scenario file and the charts write, for the catalogue.
DATA_LABELS = (
    N_("Plan assumptions"),
    N_("Current policies"),
    N_("Fast grid decarbonisation"),
    N_("High growth"),
    N_("Pandemic shock"),
    N_("Milestone cap"),
    N_("Median"),
    N_("Planned"),
    N_("Actual"),
    N_("Original roadmap"),
    N_("Before"),
    N_("After"),
    N_("Kizuna default scenarios"),
)
OUTCOME_LABELS = {
    "cumulative_emissions": N_("Cumulative emissions"),
    "npv": N_("Net present cost"),
}


def _gettext(request: Request) -> Any:
    return request_translations(request).gettext


def outcome_label(request: Request, outcome: str) -> str:
    """An outcome of the risk analysis (``emissions_2030``, ``npv``) in words."""
    _ = _gettext(request)
    if outcome.startswith("emissions_"):
        return str(_("Emissions in %(year)s") % {"year": outcome.removeprefix("emissions_")})
    return str(_(OUTCOME_LABELS.get(outcome, outcome)))


def _figure(request: Request, figure: Figure, renames: dict[str, str] | None = None) -> Figure:
    """`figure` in the request's language: `renames` (English -> translated) for trace
    names and axis titles with values in them, then `translate_figure` for the rest."""
    renames = renames or {}
    for trace in figure.get("data", []):
        if trace.get("name") in renames:
            trace["name"] = renames[trace["name"]]
    for key, value in figure.get("layout", {}).items():
        title = value.get("title") if key.startswith(("xaxis", "yaxis")) else None
        if isinstance(title, dict) and title.get("text") in renames:
            title["text"] = renames[title["text"]]
    return translate_figure(figure, request_translations(request))


# --- shared context -------------------------------------------------------------------------


def _rights(principal: tenancy.Principal, owner_org_id: int) -> dict[str, bool]:
    return {
        "run": principal.has_role(owner_org_id, Role.EDITOR),
        "share": principal.has_role(owner_org_id, Role.ADMIN),
        "sharing": principal.has_role(owner_org_id, Role.VIEWER),
    }


def _plan(session: SessionDep, auth: AuthDep, slug: str) -> tuple[City, CityPlan]:
    city = tenancy.get_city(session, auth.principal, slug)
    return city, tenancy.get_plan(session, auth.principal, city)


def _set_choices(session: SessionDep, auth: AuthDep) -> list[tuple[str, str]]:
    stored = tenancy.list_scenario_sets(session, auth.principal)
    return [(PACKAGED, PACKAGED_NAME), *((str(s.id), s.name) for s in stored)]


def _hub(
    session: SessionDep, auth: AuthDep, city: City, stored: CityPlan, **extra: Any
) -> dict[str, Any]:
    return {
        "city": city,
        "stored": stored,
        "reviews": tenancy.list_reviews(session, auth.principal, stored),
        "rights": _rights(auth.principal, stored.owner_org_id),
        "sets": _set_choices(session, auth),
        "kind_labels": KIND_LABELS,
        "status_labels": STATUS_LABELS,
        "status_classes": STATUS_CLASSES,
        "change_labels": CHANGE_LABELS,
        "visibilities": list(Visibility),
        "licences": OPEN_LICENCES,
        "max_draws": MAX_DRAWS,
        "form": {},
        "form_kind": None,
        "error": None,
        **extra,
    }


@router.get("/cities/{slug}/review")
def review_hub(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """The reviews of a city's plan, and the forms that run new ones (editors)."""
    city, stored = _plan(session, auth, slug)
    return render(request, "review_hub.html", _hub(session, auth, city, stored))


def _upload(file: UploadFile | None, data: bytes) -> tenancy.Upload | None:
    """An uploaded file, or None for a file input left empty."""
    if file is None or (not file.filename and not data):
        return None
    return tenancy.Upload(file.filename or "upload.csv", data)


async def _read(request: Request, file: UploadFile | None) -> tenancy.Upload | None:
    from kizuna.server.imports import check_size

    if file is None:
        return None
    limit = request.app.state.settings.upload_max_bytes
    data = await file.read(limit + 1)
    check_size(len(data), limit, file.filename or "upload")
    return _upload(file, data)


@router.post("/cities/{slug}/review/{kind}")
async def run_review(
    request: Request,
    slug: str,
    kind: ReviewKind,
    session: SessionDep,
    auth: AuthDep,
    csrf_token: Csrf = "",
    scenario_set: Annotated[str, Form(max_length=20)] = PACKAGED,
    draws: Annotated[str, Form(max_length=20)] = "2000",
    seed: Annotated[str, Form(max_length=20)] = "0",
    tolerance: Annotated[str, Form(max_length=20)] = "2",
    visibility: Annotated[str, Form(max_length=16)] = "private",
    licence: Annotated[str, Form(max_length=64)] = "",
    actuals: OptionalFile = None,
    delivery: OptionalFile = None,
) -> Response:
    """Run a review of the plan and show it, or show the form again with the problem."""
    csrf_form(request, auth, csrf_token)
    city, stored = _plan(session, auth, slug)
    form = {
        "scenario_set": scenario_set,
        "draws": draws,
        "seed": seed,
        "tolerance": tolerance,
        "visibility": visibility,
        "licence": licence,
    }
    try:
        options = _options(kind, form)
        if kind in (ReviewKind.PROGRESS, ReviewKind.REPLAN):
            options["actuals"] = await _read(request, actuals)
            options["delivery"] = await _read(request, delivery)
        review = tenancy.run_review(
            session,
            auth.principal,
            city,
            kind,
            visibility=_visibility(visibility),
            licence=licence or None,
            **options,
        )
        session.commit()
    except KizunaError as exc:
        session.rollback()
        city, stored = _plan(session, auth, slug)
        context = _hub(session, auth, city, stored, form=form, form_kind=kind.value)
        return form_error(request, "review_hub.html", "review_form.html", context, exc)
    return done(request, f"/cities/{city.slug}/review/{review.id}")


def _number(text: str, field: str, kind: type[int] | type[float]) -> int | float:
    try:
        return kind(text.strip().replace(",", ""))
    except ValueError:
        raise InputError(
            f"{text!r} is not a number", where=Location(field=field), hint=f"give the {field}"
        ) from None


def _options(kind: ReviewKind, form: dict[str, str]) -> dict[str, Any]:
    if kind is ReviewKind.STRESS:
        key = form["scenario_set"]
        return {"scenario_set": None if key == PACKAGED else int(_number(key, "scenario_set", int))}
    if kind is ReviewKind.RISK:
        seed = int(_number(form["seed"], "seed", int))
        return {"draws": int(_number(form["draws"], "draws", int)), "seed": max(seed, 0)}
    if kind is ReviewKind.PROGRESS:
        return {"tolerance": float(_number(form["tolerance"], "tolerance", float)) / 100}
    return {}


def _visibility(value: str) -> Visibility | None:
    try:
        chosen = Visibility(value or "private")
    except ValueError:
        return None
    return None if chosen is Visibility.PRIVATE else chosen


@router.get("/cities/{slug}/review/{review_id}")
def review_page(
    request: Request,
    slug: str,
    review_id: ReviewId,
    session: SessionDep,
    auth: AuthDep,
    outcome: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """One stored review: its figures, tables and charts."""
    city, stored = _plan(session, auth, slug)
    review = tenancy.get_review(session, auth.principal, stored, review_id)
    context = _hub(session, auth, city, stored, review=review)
    context.update(VIEWS[review.kind](request, review, outcome))
    return render(request, f"review_{review.kind.value}.html", context)


@router.post("/cities/{slug}/review/{review_id}/delete")
def delete_review(
    request: Request,
    slug: str,
    review_id: ReviewId,
    session: SessionDep,
    auth: AuthDep,
    csrf_token: Csrf = "",
) -> Response:
    """Delete a stored review (editors of the plan's owner)."""
    csrf_form(request, auth, csrf_token)
    city, stored = _plan(session, auth, slug)
    review = tenancy.get_review(session, auth.principal, stored, review_id)
    tenancy.delete_object(session, auth.principal, review)
    session.commit()
    return done(request, f"/cities/{city.slug}/review")


# --- the view of each kind ------------------------------------------------------------------


def _stress_view(request: Request, review: PlanReview, _outcome: str | None) -> dict[str, Any]:
    data = review.result
    targets = data["target_years"]
    unit = pick_unit(v for o in data["scenarios"] for v in o["emissions"].values())
    rows = []
    for o in data["scenarios"]:
        gaps = [m["gap"] for m in o["milestones"]]
        rows.append(
            {
                **o,
                "targets": [o["emissions"][str(y)] for y in targets],
                "largest_gap": max(gaps, default=0.0),
            }
        )
    amounts = [o[k] for o in data["scenarios"] for k in ("npv", "carbon_cost", "total_cost")]
    return {
        "rows": rows,
        "targets": targets,
        "unit": unit,
        "money": pick_money_unit(amounts, data["currency"]),
        "currency": data["currency"],
        "budget": data["budget"],
        "figure": _figure(request, stress_figure(data)),
    }


def _risk_view(request: Request, review: PlanReview, outcome: str | None) -> dict[str, Any]:
    data = review.result
    outcomes = list(data["sensitivity"])
    chosen = outcome if outcome in outcomes else "cumulative_emissions"
    _ = _gettext(request)
    label = outcome_label(request, chosen)
    tornado = tornado_figure(data, chosen)
    axis = f"Spearman rank correlation with {chosen}"
    renames = {axis: str(_("Spearman rank correlation with %(outcome)s") % {"outcome": label})}
    unit = pick_unit(row["p95"] for row in data["fan"])
    return {
        "unit": unit,
        "currency": data["currency"],
        "outcomes": [(o, outcome_label(request, o)) for o in outcomes],
        "outcome": chosen,
        "outcome_label": label,
        "top": data["sensitivity"].get(chosen, [])[:15],
        "fan": _figure(request, fan_figure(data)),
        "tornado": _figure(request, tornado, renames),
    }


def _progress_view(request: Request, review: PlanReview, _outcome: str | None) -> dict[str, Any]:
    data = review.result
    _ = _gettext(request)
    unit = pick_unit([*data["planned"].values(), *data["actual"].values()])
    renames = {}
    for m in data["milestones"]:
        if m["sector"] is None and m["projected"] is not None:
            english = f"Trend to {m['year']} ({m['status'].replace('_', ' ')})"
            status = _(STATUS_LABELS.get(m["status"], m["status"]))
            renames[english] = str(
                _("Trend to %(year)s (%(status)s)") % {"year": m["year"], "status": status}
            )
    return {
        "unit": unit,
        "figure": _figure(request, progress_figure(data), renames),
    }


def _replan_view(request: Request, review: PlanReview, _outcome: str | None) -> dict[str, Any]:
    data = review.result
    _ = _gettext(request)
    year = data["actual_year"]
    renames = {
        f"Re-planned (actuals to {year})": str(
            _("Re-planned (actuals to %(year)s)") % {"year": year}
        ),
        f"Units installed after {year}": str(_("Units installed after %(year)s") % {"year": year}),
    }
    order = list(CHANGE_LABELS)
    changes = sorted(data["changes"], key=lambda c: (order.index(c["change"]), c["measure"]))
    unit = pick_unit([*data["emissions_before"].values(), *data["emissions_after"].values()])
    return {
        "unit": unit,
        "currency": data["currency"],
        "changes": changes,
        "figure": _figure(request, replan_figure(data), renames),
        "units_chart": _figure(request, replan_units_figure(data), renames) if changes else None,
    }


VIEWS = {
    ReviewKind.STRESS: _stress_view,
    ReviewKind.RISK: _risk_view,
    ReviewKind.PROGRESS: _progress_view,
    ReviewKind.REPLAN: _replan_view,
}


# --- scenario sets --------------------------------------------------------------------------


def _editable_orgs(session: SessionDep, auth: AuthDep) -> list[Any]:
    orgs = tenancy.list_organisations(session)
    return [o for o in orgs if auth.principal.has_role(o.id, Role.EDITOR)]


def _sets_context(session: SessionDep, auth: AuthDep, **extra: Any) -> dict[str, Any]:
    stored = tenancy.list_scenario_sets(session, auth.principal)
    return {
        "packaged": default_scenarios(),
        "packaged_name": PACKAGED_NAME,
        "stored": stored,
        "orgs": _editable_orgs(session, auth) if auth.web_session else [],
        "visibilities": list(Visibility),
        "licences": OPEN_LICENCES,
        "form": {},
        "error": None,
        **extra,
    }


@router.get("/review/scenarios")
def scenario_sets(request: Request, session: SessionDep, auth: AuthDep) -> Response:
    """The scenario sets the reader may use, and the upload form (signed-in editors)."""
    return render(request, "review_scenarios.html", _sets_context(session, auth))


@router.post("/review/scenarios")
async def upload_scenario_set(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    file: Annotated[UploadFile, File()],
    csrf_token: Csrf = "",
    owner: Annotated[str, Form(max_length=64)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    description: Annotated[str, Form(max_length=2000)] = "",
    visibility: Annotated[str, Form(max_length=16)] = "private",
    licence: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Validate and store an uploaded scenario file, or show its problems."""
    csrf_form(request, auth, csrf_token)
    form = {"owner": owner, "name": name, "description": description, "visibility": visibility}
    try:
        upload = await _read(request, file)
        org = tenancy.get_organisation(session, owner)
        stored = tenancy.create_scenario_set(
            session,
            auth.principal,
            owner_org_id=org.id,
            upload=upload or tenancy.Upload(file.filename or "scenarios.yaml", b""),
            name=name,
            description=description,
            visibility=_visibility(visibility) or Visibility.PRIVATE,
            licence=licence or None,
        )
        session.commit()
    except KizunaError as exc:
        session.rollback()
        context = _sets_context(session, auth, form=form)
        return form_error(
            request, "review_scenarios.html", "review_scenario_form.html", context, exc
        )
    return done(request, f"/review/scenarios/{stored.id}")


@router.get("/review/scenarios/{key}")
def scenario_set(request: Request, key: SetKey, session: SessionDep, auth: AuthDep) -> Response:
    """One scenario set: each scenario's changes, assumptions and sources."""
    stored: StoredScenarioSet | None = None
    if key == PACKAGED:
        scenarios = default_scenarios()
    else:
        stored = tenancy.get_scenario_set(session, auth.principal, int(key))
        scenarios = parse_scenarios(stored.scenarios, source=stored.source_file)
    context = {
        "key": key,
        "stored": stored,
        "name": stored.name if stored else PACKAGED_NAME,
        "scenarios": scenarios,
        "changes": {s.id: _changes(s.model_dump(mode="json")) for s in scenarios.scenarios},
        "rights": _rights(auth.principal, stored.owner_org_id) if stored else {},
    }
    return render(request, "review_scenario_set.html", context)


def _changes(scenario: dict[str, Any]) -> list[tuple[str, str]]:
    """What a scenario changes, one (what, how) line each, as in its file."""
    keys = ("drivers", "energy_intensity", "energy_price", "carbon_price", "discount_rate")
    out = []
    for key in (*keys, "shocks"):
        value = scenario.get(key)
        if value in (None, {}, []):
            continue
        if key == "drivers":
            out += [(f"drivers.{name}", _compact(change)) for name, change in value.items()]
        elif key == "shocks":
            out += [(f"shocks[{i}]", _compact(shock)) for i, shock in enumerate(value)]
        else:
            out.append((key, _compact(value)))
    return out


def _compact(value: Any) -> str:
    if isinstance(value, dict):
        parts = [
            f"{k}: {_compact(v)}"
            for k, v in value.items()
            if v not in (None, [], {}) and not (k == "elasticity" and v == 0)
        ]
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_compact(v) for v in value) + "]"
    return str(value)


@router.post("/review/scenarios/{key}/delete")
def delete_scenario_set(
    request: Request, key: SetKey, session: SessionDep, auth: AuthDep, csrf_token: Csrf = ""
) -> Response:
    """Delete a stored scenario set (editors of its owner); the packaged one stays."""
    csrf_form(request, auth, csrf_token)
    if key == PACKAGED:
        raise Forbidden("The packaged scenario set cannot be deleted", hint="it is part of Kizuna")
    stored = tenancy.get_scenario_set(session, auth.principal, int(key))
    tenancy.delete_object(session, auth.principal, stored)
    session.commit()
    return done(request, "/review/scenarios")
