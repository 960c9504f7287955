"""A plan report as one standalone HTML file that opens offline.

The file holds everything it needs: its CSS, its charts as Plotly figures in JSON,
and Plotly.js itself, inlined from the installed ``plotly`` Python package
(``plotly/package_data/plotly.min.js``). It loads nothing from any server, so it
can be mailed, archived or opened in a closed city network.

The report is in English unless a gettext `translations` object is given: every text,
the chart labels included, then comes from that catalogue (the server's Japanese one is
``kizuna.server.i18n.translations("ja")``).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path

import pandas as pd
from plotly.offline import get_plotlyjs_version

import kizuna
from kizuna.planning import Plan, PlanResult
from kizuna.reports.figures import plotly_js_path
from kizuna.reports.i18n import ENGLISH, Translations, install_i18n, language_of, translate_figure
from kizuna.reports.plan_view import plan_view
from kizuna.reports.rendering import report_environment

TEMPLATE = "plan_report.html"


@cache
def _inline_plotly() -> str:
    """Plotly.js as text safe inside an inline ``<script>`` element."""
    text = plotly_js_path().read_text(encoding="utf-8")
    # An HTML parser ends a script at "</script"; the bundle has none, but stay safe.
    return text.replace("</script", "<\\/script")


def _template_file(name: str) -> str:
    return files("kizuna.reports").joinpath("templates", name).read_text(encoding="utf-8")


def render_plan_report(
    plan: Plan,
    result: PlanResult,
    macc: pd.DataFrame,
    sweep: pd.DataFrame | None = None,
    translations: Translations | None = None,
) -> str:
    """The HTML text of the plan report (see `write_plan_report`), in the language of
    `translations` (English when None)."""
    translations = translations or ENGLISH
    view = plan_view(plan.model_dump(mode="json"), result.to_dict(), macc, sweep)
    view.charts = {name: translate_figure(f, translations) for name, f in view.charts.items()}
    template = install_i18n(report_environment()).get_template(TEMPLATE)
    return template.render(
        view=view,
        translations=translations,
        lang=language_of(translations),
        css=_template_file("report.css"),
        draw_js=_template_file("report.js"),
        plotly_js=_inline_plotly(),
        plotly_version=get_plotlyjs_version(),
        kizuna_version=kizuna.__version__,
        generated=date.today().isoformat(),
    )


def write_plan_report(
    plan: Plan,
    result: PlanResult,
    macc: pd.DataFrame,
    path: Path,
    sweep: pd.DataFrame | None = None,
    translations: Translations | None = None,
) -> Path:
    """Write the report of `plan` and its optimised `result` to `path` (one HTML file).

    `macc` is ``macc_table(plan)``; `sweep`, when given, is ``macc_sweep(plan, ...)`` and
    adds the model-derived curve. The report shows the summary (status, NPV, green
    investment, net savings, jobs, milestones met or their gaps), the trajectory with
    the abatement wedges of each measure, the MACC, the milestone and measure tables
    and the sources of the measures. Emissions are in tCO2e (shown in t, kt or Mt),
    money in the plan currency. `translations` (a gettext catalogue, such as
    ``kizuna.server.i18n.translations("ja")``) gives its language; English when None.
    The folder of `path` is made if missing; returns `path`.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = render_plan_report(plan, result, macc, sweep, translations)
    path.write_text(text, encoding="utf-8")
    return path
