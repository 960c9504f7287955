"""The SDG pages: the overview, a city's SDG dashboard, an indicator, the upload form and
the VLR editor with its preview.

- ``/sdg``: the data sets you may read, by city (and, for editors, where to add one);
- ``/sdg/{slug}``: the dashboard of a data set: the goal wheel coloured by progress status,
  the goals with their status, score and targets, the indicators;
- ``/sdg/{slug}/indicators/{id}``: trend chart, progress of each series, data, metadata;
- ``/sdg/{slug}/upload``: upload a zip of an Open SDG data folder, or CSV and config files
  (problems listed next to the form, nothing stored);
- ``/sdg/{slug}/vlr``: the VLR: narratives in English and Japanese (Markdown), settings
  (city.yaml fields, data set, plan), a preview of the report in a frame, downloads
  (HTML; the PDF is built on request with a progress indicator, HTMX);
- ``/sdg/{slug}/vlr/preview``: the report HTML itself, under its own Content-Security-Policy
  (`kizuna.server.sdg_vlr.preview_policy`: it runs its inline Plotly.js).

Goal names and progress statuses come from `kizuna.sdg` in the page's language (the same
texts as the VLR); every other text goes through the server catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from kizuna.errors import InputError, KizunaError, Location, NotFound
from kizuna.reports.i18n import N_
from kizuna.sdg import STATUS_COLOURS, STATUSES, goals, goals_only, status_label
from kizuna.sdg.charts import goal_wheel_figure
from kizuna.sdg.vlr.citydir import NARRATIVE_SECTIONS
from kizuna.sdg.vlr.indicators import data_label, format_value, indicator_view
from kizuna.server import tenancy
from kizuna.server.deps import Auth, AuthDep, SessionDep
from kizuna.server.i18n import request_language
from kizuna.server.imports import check_size
from kizuna.server.pages.cities import rights
from kizuna.server.pages.forms import csrf_form, done, form_error, render, signed_in
from kizuna.server.response_cache import data_version
from kizuna.server.sdg_files import assess_dataset, read_dataset_files
from kizuna.server.sdg_vlr import build_report, cached_pdf, preview_policy, vlr_inputs
from kizuna.server.tables import City, Role
from kizuna.server.tables.sdg import SdgDataset, VlrProject
from kizuna.server.tenancy import sdg as service

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

Csrf = Annotated[str, Form(max_length=200)]
ReportLang = Annotated[str, Query(pattern="^(en|ja)$")]
#: The narrative sections of a VLR with their titles (the report's own titles are in
#: `kizuna.sdg.vlr.SECTIONS`; these are the editor's labels).
SECTION_TITLES = {
    "opening": N_("Opening statement"),
    "highlights": N_("Highlights"),
    "profile": N_("City profile"),
    "methodology": N_("Methodology and stakeholder engagement"),
    "policy": N_("Policy and enabling environment"),
    "lnob": N_("Leave no one behind"),
    "means": N_("Means of implementation and budget"),
    "climate": N_("The climate plan"),
    "conclusions": N_("Conclusions and next steps"),
}


def _rights(auth: Auth, city: City) -> dict[str, bool]:
    return rights(auth.principal, city.owner_org_id)


def _pick(
    session: SessionDep, auth: Auth, city: City, name: str | None
) -> tuple[SdgDataset | None, list[SdgDataset]]:
    """The data set `name` of `city` (default: the one its VLR reviews, else the first)."""
    found = list(service.list_datasets(session, auth.principal, city))
    if name:
        return service.get_dataset(session, auth.principal, city, name), found
    project = service.find_vlr(session, auth.principal, city)
    chosen = next((d for d in found if project and d.id == project.dataset_id), None)
    return chosen or (found[0] if found else None), found


@router.get("/sdg")
def sdg_index(request: Request, session: SessionDep, auth: AuthDep) -> Response:
    """The SDG data sets you may read, by city, and the cities you may add one to."""
    datasets = service.list_datasets(session, auth.principal)
    counts = service.indicator_counts(session, datasets)
    vlr_cities = {
        d.city.slug for d in datasets if service.find_vlr(session, auth.principal, d.city)
    }
    editable = [
        c
        for c in tenancy.list_cities(session, auth.principal)
        if auth.principal.has_role(c.owner_org_id, Role.EDITOR)
    ]
    context = {"datasets": datasets, "counts": counts, "vlr": vlr_cities, "editable": editable}
    return render(request, "sdg_index.html", context)


@dataclass(frozen=True)
class GoalRow:
    """A goal in the dashboard's table."""

    number: int
    short: str
    colour: str
    status: str
    status_label: str
    score: float | None
    targets: list[tuple[str, str, str]]
    indicators: list[tuple[str, str]]


@router.get("/sdg/{slug}")
def sdg_city(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    dataset: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """A city's SDG dashboard: goal wheel, goals by status, indicators."""
    city = tenancy.get_city(session, auth.principal, slug)
    chosen, found = _pick(session, auth, city, dataset)
    lang = request_language(request)
    context: dict[str, Any] = {
        "city": city,
        "dataset": chosen,
        "datasets": found,
        "rights": _rights(auth, city),
        "vlr": service.find_vlr(session, auth.principal, city),
        "colours": STATUS_COLOURS,
    }
    if chosen is not None:
        items, assessment = assess_dataset(chosen)
        by_goal: dict[int, list[tuple[str, str]]] = {}
        for result in assessment.indicators:
            for number in result.indicator.goals:
                label = f"{result.indicator.number} {result.indicator.name_in(lang)}"
                by_goal.setdefault(number, []).append((result.id, label))
        rows = []
        for g in goals():
            group = assessment.goals.get(g.number)
            status = group.status if group else "not_available"
            targets = [
                (key, status_label(t.status, lang), format_value(t.score))
                for key, t in assessment.targets.items()
                if key.split(".")[0] == str(g.number)
            ]
            rows.append(
                GoalRow(
                    g.number,
                    g.short_name(lang),
                    g.colour,
                    status,
                    status_label(status, lang),
                    group.score if group else None,
                    targets,
                    by_goal.get(g.number, []),
                )
            )
        counts = assessment.status_counts()
        context.update(
            assessment=assessment,
            goal_rows=rows,
            lang=lang,
            on_track=counts["target_achieved"] + counts["substantial_progress"],
            status_rows=[(s, status_label(s, lang), n) for s, n in counts.items() if n],
            labels={s: status_label(s, lang) for s in STATUSES},
            wheel=goal_wheel_figure(assessment.goal_statuses(), lang),
            years={i.id: _years(i.frame) for i in items},
            units={
                r.id: data_label(r.indicator, r.indicator.unit or "", lang)
                for r in assessment.indicators
            },
        )
    return render(request, "sdg_city.html", context)


def _years(frame: Any) -> str:
    years = frame["Year"].astype(str)
    return f"{years.min()}–{years.max()}" if len(years) else ""


@router.get("/sdg/{slug}/indicators/{indicator_id}")
def sdg_indicator(
    request: Request,
    slug: str,
    indicator_id: str,
    session: SessionDep,
    auth: AuthDep,
    dataset: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """One indicator: trend chart, progress of each series, metadata and data."""
    city = tenancy.get_city(session, auth.principal, slug)
    chosen, _found = _pick(session, auth, city, dataset)
    if chosen is None:
        raise NotFound(f"{city.name} has no SDG data set", hint="upload the city's indicators")
    items, assessment = assess_dataset(chosen)
    item = next((i for i in items if i.id == indicator_id), None)
    if item is None:
        raise NotFound(
            f"{chosen.title} has no indicator {indicator_id!r}",
            hint=f"use one of: {', '.join(i.id for i in items)}",
        )
    lang = request_language(request)
    view = indicator_view(item, assessment.indicator(item.id), goals_only(), lang)
    project = service.find_vlr(session, auth.principal, city)
    known = {s["id"]: s for s in (project.config.get("sources", []) if project else [])}
    frame = item.frame.astype(object).where(item.frame.notna(), "")
    context = {
        "city": city,
        "dataset": chosen,
        "view": view,
        "item": item,
        "sources": [known.get(s, {"id": s, "title": s}) for s in view.sources],
        "columns": list(frame.columns),
        "rows": frame.to_numpy().tolist(),
        "colours": STATUS_COLOURS,
        "rights": _rights(auth, city),
        "fmt": format_value,
    }
    return render(request, "sdg_indicator.html", context)


# --- upload ----------------------------------------------------------------------------------


def _upload_context(city: City, **extra: Any) -> dict[str, Any]:
    return {"city": city, "error": None, "form": {"name": "indicators", "title": ""}, **extra}


@router.get("/sdg/{slug}/upload")
def upload_form(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """The upload form of a city's SDG data (its editors)."""
    signed_in(request, auth)
    city = tenancy.get_city(session, auth.principal, slug)
    tenancy.require_change(session, auth.principal, city, action="add SDG data to the city")
    return render(request, "sdg_upload.html", _upload_context(city))


@router.post("/sdg/{slug}/upload")
async def upload(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    file: Annotated[list[UploadFile], File()],
    csrf_token: Csrf = "",
    name: Annotated[str, Form(max_length=64)] = "indicators",
    title: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Check and store the uploaded indicators, or show every problem next to the form."""
    csrf_form(request, auth, csrf_token)
    city = tenancy.get_city(session, auth.principal, slug)
    limit = request.app.state.settings.upload_max_bytes
    try:
        uploads = []
        for f in file:
            data = await f.read(limit + 1)
            check_size(len(data), limit, f.filename or "upload")
            uploads.append((f.filename or "upload", data))
        tenancy.require_change(session, auth.principal, city, action="add SDG data to the city")
        stored = service.save_dataset(
            session,
            auth.principal,
            city,
            name=name,
            title=title or "SDG indicators",
            source_file=", ".join(n for n, _ in uploads),
            indicators=read_dataset_files(uploads, limit),
        )
        session.commit()
    except KizunaError as exc:
        session.rollback()
        context = _upload_context(city, form={"name": name, "title": title})
        return form_error(request, "sdg_upload.html", "_sdg_upload_form.html", context, exc)
    return done(request, f"/sdg/{city.slug}?dataset={stored.name}")


# --- the VLR ---------------------------------------------------------------------------------


def _sections(project: VlrProject, lang: str, goal_numbers: set[int]) -> list[dict[str, Any]]:
    """The narrative fields of the editor in `lang`: the sections, then each goal with data
    or with a text."""
    texts = project.narratives
    numbers = goal_numbers | {int(k[6:]) for k in texts if k.startswith("goals/")}
    out = [
        {"key": key, "title": SECTION_TITLES[key], "text": texts.get(key, {}).get(lang, "")}
        for key in NARRATIVE_SECTIONS
    ]
    for number in sorted(numbers):
        key = f"goals/{number}"
        out.append({"key": key, "goal": number, "text": texts.get(key, {}).get(lang, "")})
    return out


def _default_config(city: City) -> dict[str, Any]:
    return {
        "name": city.name,
        "name_ja": city.name_ja,
        "country": city.country,
        "report_year": date.today().year,
        "sources": [],
    }


def _vlr_context(
    request: Request, session: SessionDep, auth: Auth, city: City, edit: str, **extra: Any
) -> dict[str, Any]:
    project = service.find_vlr(session, auth.principal, city)
    datasets = list(service.list_datasets(session, auth.principal, city))
    context: dict[str, Any] = {
        "city": city,
        "project": project,
        "datasets": datasets,
        "rights": _rights(auth, city),
        "edit": edit,
        "notes": [],
        "error": None,
        "version": data_version(session),
    }
    config = project.config if project else _default_config(city)
    context["settings"] = yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=90)
    if project is not None:
        numbers: set[int] = set()
        try:
            with vlr_inputs(session, auth.principal, project) as inputs:
                context["notes"] = inputs.notes
            dataset = service.vlr_dataset(session, auth.principal, project)
            if dataset is not None:
                numbers = set(assess_dataset(dataset)[1].goals)
        except NotFound as exc:
            context["notes"] = [exc.message]
            context["unreadable"] = True
        context["sections"] = _sections(project, edit, numbers)
    context.update(extra)
    return context


@router.get("/sdg/{slug}/vlr")
def vlr_page(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    edit: Annotated[str | None, Query(pattern="^(en|ja)$")] = None,
) -> Response:
    """The VLR of a city: preview and downloads for its readers; narratives and settings
    for its editors (narratives in the language `edit`, the page's by default)."""
    city = tenancy.get_city(session, auth.principal, slug)
    context = _vlr_context(request, session, auth, city, edit or request_language(request))
    if context["project"] is None and not context["rights"]["edit"]:
        raise NotFound(f"{city.name} has no VLR", hint="see /sdg for the reviews you may read")
    return render(request, "sdg_vlr.html", context)


@router.post("/sdg/{slug}/vlr")
def vlr_settings(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    csrf_token: Csrf = "",
    dataset: Annotated[str, Form(max_length=64)] = "",
    use_plan: Annotated[str, Form(max_length=8)] = "",
    settings: Annotated[str, Form(max_length=200_000)] = "",
) -> Response:
    """Start the city's VLR or change its settings (city.yaml fields as YAML)."""
    csrf_form(request, auth, csrf_token)
    city = tenancy.get_city(session, auth.principal, slug)
    try:
        try:
            config = yaml.safe_load(settings) if settings.strip() else _default_config(city)
        except yaml.YAMLError as exc:
            raise InputError(
                f"The settings are not valid YAML ({exc})".replace("\n", " "),
                where=Location(field="settings"),
                hint="check the indentation; see docs/sdg.md, 'city.yaml'",
            ) from None
        if not isinstance(config, dict):
            raise InputError(
                "The settings are a mapping of city.yaml fields (name, report_year, ...)",
                where=Location(field="settings"),
            )
        chosen = service.get_dataset(session, auth.principal, city, dataset) if dataset else None
        service.save_vlr(
            session, auth.principal, city, config=config, dataset=chosen, use_plan=bool(use_plan)
        )
        session.commit()
    except KizunaError as exc:
        session.rollback()
        context = _vlr_context(
            request, session, auth, city, request_language(request), settings=settings
        )
        return form_error(request, "sdg_vlr.html", "sdg_vlr.html", context, exc)
    return done(request, f"/sdg/{city.slug}/vlr")


@router.post("/sdg/{slug}/vlr/narratives")
async def vlr_narratives(
    request: Request, slug: str, session: SessionDep, auth: AuthDep
) -> Response:
    """Save the narrative sections of one language (fields ``text:<section>``)."""
    form = await request.form()
    csrf_form(request, auth, str(form.get("csrf_token", "")))
    lang = str(form.get("lang", ""))
    city = tenancy.get_city(session, auth.principal, slug)
    project = service.get_vlr(session, auth.principal, city)
    texts = {
        str(key).removeprefix("text:"): str(value)
        for key, value in form.multi_items()
        if str(key).startswith("text:")
    }
    try:
        service.update_narratives(session, auth.principal, project, {lang: texts})
        session.commit()
    except KizunaError as exc:
        session.rollback()
        context = _vlr_context(request, session, auth, city, lang if lang in ("en", "ja") else "en")
        return form_error(request, "sdg_vlr.html", "sdg_vlr.html", context, exc)
    return done(request, f"/sdg/{city.slug}/vlr?edit={lang}#preview")


@router.get("/sdg/{slug}/vlr/preview")
def vlr_preview(
    request: Request, slug: str, session: SessionDep, auth: AuthDep, language: ReportLang = "en"
) -> Response:
    """The report's HTML for the editor's frame, under a policy that lets its inline
    scripts run (`preview_policy`: their hashes only)."""
    city = tenancy.get_city(session, auth.principal, slug)
    project = service.get_vlr(session, auth.principal, city)
    html = build_report(session, auth.principal, project, language, pdf=False).content.decode()
    headers = {"content-security-policy": preview_policy(html), "cache-control": "no-store"}
    return HTMLResponse(html, headers=headers)


@router.get("/sdg/{slug}/vlr/pdf")
def vlr_pdf(
    request: Request, slug: str, session: SessionDep, auth: AuthDep, language: ReportLang = "en"
) -> Response:
    """Build the PDF (into the answer cache) and answer the link that downloads it (an HTMX
    fragment: the page shows a progress indicator meanwhile)."""
    city = tenancy.get_city(session, auth.principal, slug)
    project = service.get_vlr(session, auth.principal, city)
    content = cached_pdf(
        request.app.state.response_cache, session, auth.principal, project, language
    )
    context = {"city": city, "language": language, "size_kb": len(content) / 1000}
    return render(request, "_sdg_pdf_ready.html", context)
