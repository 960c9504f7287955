"""A city's VLR built from the platform's database, as its reader may read it.

`vlr_inputs` assembles what `kizuna.sdg.vlr.vlr_view` reads from a CITY_DIR: the city.yaml
fields and narratives of the stored `VlrProject`, the indicators of its data set (which the
reader must be able to read: else `NotFound`), the packaged goals as framework, and, when
the project uses it and the reader may read it, the city's stored plan with the roadmap the
platform stored (`plan_result`: no optimisation at build time). A plan whose baseline reads
an inventory gets the city's stored inventory of its base year (as `kizuna.server.imports`
does when it optimises), so the reader must be able to read that inventory too; a part
left out is named in `VlrInputs.notes`.

`build_report` renders the HTML (self-contained, Plotly.js inline) or the PDF (WeasyPrint);
`cached_pdf` keeps PDFs (a few seconds each) in the app's answer cache, keyed by the
project, language, reader and data version (the newest audit entry), so they are never
stale; `preview_policy` is the Content-Security-Policy under which the app may show the
HTML in a frame.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from kizuna.errors import InputError, NotFound
from kizuna.planning import PlanResult, parse_plan
from kizuna.planning.results import MeasureResult, MilestoneResult
from kizuna.reports.i18n import N_
from kizuna.sdg import IndicatorData, goals_only
from kizuna.sdg.vlr import CityConfig, CityDir, pdf_bytes, render_view, vlr_view
from kizuna.server import tenancy
from kizuna.server.imports import stored_inventory_csv
from kizuna.server.response_cache import ResponseCache, data_version, reader_key
from kizuna.server.sdg_files import dataset_items
from kizuna.server.tables.sdg import VlrProject
from kizuna.server.tenancy.sdg import vlr_dataset


@dataclass
class VlrInputs:
    """A VLR's CITY_DIR assembled from the database, the stored plan's roadmap (None
    without a plan), and why parts were left out (`notes`: English, the fixed ones in the
    server catalogue)."""

    city: CityDir
    plan_result: PlanResult | None = None
    notes: list[str] = field(default_factory=list)


@contextmanager
def vlr_inputs(
    session: Session, principal: tenancy.Principal, project: VlrProject
) -> Iterator[VlrInputs]:
    """What `vlr_view` needs for `project`, as `principal` may read it (a temporary folder
    holds the plan's base-year inventory while the context is open)."""
    dataset = vlr_dataset(session, principal, project)
    items: list[IndicatorData] = dataset_items(dataset) if dataset is not None else []
    sections: dict[str, dict[str, str]] = {}
    goal_texts: dict[int, dict[str, str]] = {}
    for key, texts in project.narratives.items():
        if key.startswith("goals/"):
            goal_texts[int(key.removeprefix("goals/"))] = dict(texts)
        else:
            sections[key] = dict(texts)
    config = CityConfig.model_validate(project.config)
    with tempfile.TemporaryDirectory(prefix="kizuna-vlr-") as folder:
        city_dir = CityDir(Path(folder), config, items, goals_only(), sections, goal_texts)
        inputs = VlrInputs(city_dir)
        if project.use_plan:
            _add_plan(session, principal, project, inputs, Path(folder))
        yield inputs


def _add_plan(
    session: Session,
    principal: tenancy.Principal,
    project: VlrProject,
    inputs: VlrInputs,
    folder: Path,
) -> None:
    city = project.city
    try:
        stored = tenancy.get_plan(session, principal, city)
    except NotFound:
        inputs.notes.append(N_("The climate plan is left out: the city has no plan you may read."))
        return
    raw = copy.deepcopy(stored.plan)
    raw.pop("library", None)  # the stored plan holds the expanded measures already
    baseline = raw.get("baseline") or {}
    if baseline.get("inventory"):
        gwp = str(baseline.get("gwp", "AR5"))
        readable = tenancy.list_inventories(session, principal, city)
        match = [i for i in readable if i.year == raw.get("base_year") and i.gwp == gwp]
        if not match:
            inputs.notes.append(
                N_("The climate plan is left out: its base-year inventory is not shared with you.")
            )
            return
        path = folder / f"{city.slug}-{match[0].year}.csv"
        path.write_text(stored_inventory_csv(match[0]), encoding="utf-8")
        raw["baseline"] = {**baseline, "inventory": str(path)}
    try:
        inputs.city.plan = parse_plan(raw, source=stored.source_file)
    except InputError as exc:
        inputs.notes.append(f"The climate plan is left out: {exc.message}")
        return
    inputs.plan_result = plan_result(stored.result)


def plan_result(data: dict[str, Any]) -> PlanResult:
    """A `PlanResult` from its `to_dict()` (the roadmap the platform stored)."""

    def years(values: dict[str, float]) -> dict[int, float]:
        return {int(k): float(v) for k, v in values.items()}

    def frame(columns: dict[str, dict[str, float]]) -> pd.DataFrame:
        return pd.DataFrame({c: years(v) for c, v in columns.items()}).sort_index()

    def build(cls: type, values: dict[str, Any], **update: Any) -> Any:
        return cls(**{f.name: update.get(f.name, values.get(f.name)) for f in fields(cls)})

    measures = [
        build(
            MeasureResult,
            m,
            installed=years(m["installed"]),
            stock=years(m["stock"]),
            abatement=years(m["abatement"]),
        )
        for m in data["measures"]
    ]
    timing = data.get("timing", {})
    return PlanResult(
        city=data["city"],
        currency=data["currency"],
        status=data["status"],
        npv=data["npv"],
        penalty_cost=data["penalty_cost"],
        years=sorted(years(data["bau"])),
        bau_by_sector=frame(data["bau_by_sector"]),
        emissions_by_sector=frame(data["emissions_by_sector"]),
        milestones=[build(MilestoneResult, m) for m in data["milestones"]],
        measures=measures,
        build_seconds=float(timing.get("build_seconds", 0.0)),
        solve_seconds=float(timing.get("solve_seconds", 0.0)),
    )


@dataclass(frozen=True)
class Report:
    """A built VLR: its bytes (HTML in UTF-8, or PDF) and what was left out."""

    content: bytes
    notes: tuple[str, ...]


def build_report(
    session: Session, principal: tenancy.Principal, project: VlrProject, lang: str, pdf: bool
) -> Report:
    """The VLR of `project` in `lang` (``en``, ``ja``) as `principal` may read it: the
    self-contained HTML, or the PDF (a few seconds)."""
    with vlr_inputs(session, principal, project) as inputs:
        view = vlr_view(inputs.city, lang, inputs.plan_result)
    html = render_view(view, pdf=pdf)
    content = pdf_bytes(html) if pdf else html.encode("utf-8")
    return Report(content, tuple(inputs.notes))


def cached_pdf(
    cache: ResponseCache,
    session: Session,
    principal: tenancy.Principal,
    project: VlrProject,
    lang: str,
) -> bytes:
    """The PDF of `project` in `lang`, from `cache` while nothing changed since it was built."""
    key = ("vlr.pdf", project.id, lang, reader_key(principal), data_version(session))
    content, _etag = cache.answer(
        key, lambda: build_report(session, principal, project, lang, pdf=True).content
    )
    return content


#: The scripts a report runs: Plotly.js and the drawing script, inline (not JSON data).
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def preview_policy(html: str) -> str:
    """The Content-Security-Policy for showing report `html` in a frame of the app.

    The report is one self-contained file: Plotly.js and its drawing script are inline
    ``<script>`` elements, which the app's own policy (``script-src 'self'``) blocks. This
    policy allows exactly those scripts, by their SHA-256 hashes (nothing else runs, not even
    a changed copy of them), inline styles (the report's ``<style>``; Plotly.js adds style
    elements), data: images, no requests at all (``default-src 'none'``), and only the
    app's own pages as the frame's parent (``frame-ancestors 'self'``).
    """
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in INLINE_SCRIPT.findall(html)
    )
    return (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
    )
