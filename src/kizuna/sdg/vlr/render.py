"""Rendering a VLR: one self-contained HTML file, or a PDF through WeasyPrint.

The HTML holds its CSS, its charts as Plotly figures in JSON, and Plotly.js itself, inlined
from the installed ``plotly`` package (as `kizuna.reports.plan_report` does): it opens
offline. The PDF is the same template with static SVG charts (WeasyPrint runs no
JavaScript), A4 pages numbered, fonts DejaVu Sans and IPA Gothic (Japanese).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from plotly.offline import get_plotlyjs_version

from kizuna.errors import InputError
from kizuna.reports.figures import plotly_js_path
from kizuna.reports.i18n import install_i18n
from kizuna.reports.rendering import template_filters
from kizuna.sdg.charts import status_label
from kizuna.sdg.i18n import translations
from kizuna.sdg.vlr.citydir import CityDir, load_city_dir
from kizuna.sdg.vlr.indicators import format_value
from kizuna.sdg.vlr.view import VlrView, vlr_view


@pass_context
def _status_label(context: Context, code: str) -> str:
    view = context.get("view")
    return status_label(code, view.lang if view is not None else "en")


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("kizuna.sdg", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(template_filters())
    install_i18n(env)
    env.filters["status_label"] = _status_label
    env.filters["value"] = format_value
    return env


@cache
def _text(package: str, name: str) -> str:
    return files(package).joinpath("templates", name).read_text(encoding="utf-8")


@cache
def _plotly_js() -> str:
    return plotly_js_path().read_text(encoding="utf-8").replace("</script", "<\\/script")


def render_view(view: VlrView, pdf: bool = False) -> str:
    """The HTML of a VLR view; `pdf` picks the SVG charts and leaves out the scripts."""
    context: dict[str, Any] = {
        "view": view,
        "pdf": pdf,
        "translations": translations(view.lang),
        "css": _text("kizuna.sdg", "vlr.css"),
    }
    if not pdf:
        context.update(
            plotly_js=_plotly_js(),
            draw_js=_text("kizuna.reports", "report.js"),
            plotly_version=get_plotlyjs_version(),
        )
    return _environment().get_template("vlr.html").render(**context)


def pdf_bytes(html: str) -> bytes:
    """A PDF of report HTML, drawn by WeasyPrint (no network: every resource is inline)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=None).write_pdf()


def build_vlr(
    city: CityDir | str | Path,
    output: str | Path,
    lang: str = "en",
    plan_result: Any = None,
) -> Path:
    """Build the VLR of a CITY_DIR into `output`: ``.html`` (self-contained) or ``.pdf``, in
    `lang` (``en`` or ``ja``); returns `output`. `plan_result` skips optimising the plan."""
    output = Path(output)
    suffix = output.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        raise InputError(
            f"{output.name}: the report is written as .html or .pdf",
            hint="name the output report.html or report.pdf",
        )
    if not isinstance(city, CityDir):
        city = load_city_dir(city)
    view = vlr_view(city, lang, plan_result)
    output.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".pdf":
        output.write_bytes(pdf_bytes(render_view(view, pdf=True)))
    else:
        output.write_text(render_view(view), encoding="utf-8")
    return output
