"""`kizuna sdg ...`: the SDG framework, and progress assessment (Open SDG / Statistics Canada)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import typer
from rich.table import Table

from kizuna.cli.console import err, out, reported_errors
from kizuna.cli.formats import OutputFormat
from kizuna.errors import InputError, Location
from kizuna.sdg.aggregate import Assessment, assess_indicators
from kizuna.sdg.framework import Framework, goals_only, read_framework
from kizuna.sdg.goals import goals
from kizuna.sdg.opensdg import read_data_dir
from kizuna.sdg.progress import SERIES_COLUMNS, STATUS_LABELS, SeriesProgress, series_results
from kizuna.sdg.translations import add_language

app = typer.Typer(
    rich_markup_mode="markdown",
    help="SDG framework and progress towards the goals (Open SDG method).",
    no_args_is_help=True,
)
framework_app = typer.Typer(
    rich_markup_mode="markdown", help="The global indicator framework.", no_args_is_help=True
)
app.add_typer(framework_app, name="framework")

REQUIRED = ("base_year", "base_value", "current_year", "current_value", "direction")


def _dump(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def read_series_csv(path: Path) -> pd.DataFrame:
    """A series table (``kizuna sdg progress --series-csv``): one row per series with
    `SERIES_COLUMNS` (``target``, ``target_year`` and ``limit`` optional, blank for none).
    `InputError` names the row and column of a missing or non-numeric value."""
    if not path.is_file():
        raise InputError(f"{path}: no such file", hint="give a CSV of series")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [c.strip() for c in frame.columns]
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InputError(
            f"{path.name}: missing columns {missing}",
            where=Location(path.name),
            hint="columns: " + ", ".join(SERIES_COLUMNS) + " (target, target_year, limit optional)",
        )
    if "series" not in frame.columns:
        frame.insert(0, "series", [str(i + 1) for i in range(len(frame))])
    numeric = [c for c in SERIES_COLUMNS if c != "series" and c in frame.columns]
    for column in numeric:
        text = frame[column].str.strip()
        values = pd.to_numeric(text.where(text != ""), errors="coerce")
        bad = values.isna() & (text != "")
        blank = text == ""
        if bad.any() or (column in REQUIRED and blank.any()):
            row = int((bad | (blank if column in REQUIRED else bad)).to_numpy().argmax())
            problem = "is not a number" if bad.iloc[row] else "is blank"
            raise InputError(
                f"{path.name}: {column} {problem} ({frame[column].iloc[row]!r})",
                where=Location(path.name, row=row + 2, column=column),
                hint="direction is 1 (higher is better) or -1 (lower is better); years and "
                "values are numbers",
            )
        frame[column] = values
    bad_direction = ~frame["direction"].isin([1, -1])
    if bad_direction.any():
        row = int(bad_direction.to_numpy().argmax())
        raise InputError(
            f"{path.name}: direction must be 1 or -1, not {frame['direction'].iloc[row]:g}",
            where=Location(path.name, row=row + 2, column="direction"),
            hint="1: higher is better; -1: lower is better",
        )
    return frame


def _series_table(results: list[SeriesProgress]) -> Table:
    t = Table(title="Progress by series (Open SDG / Statistics Canada method)")
    for name in ("Series", "Base", "Current", "Target", "Progress value", "Score", "Status"):
        text = name in ("Series", "Status")
        t.add_column(
            name,
            justify="left" if text else "right",
            no_wrap=name in ("Score", "Progress value"),
            min_width=12 if name == "Status" else None,
        )
    for r in results:
        target = "" if r.target is None else f"{r.target:g} ({int(r.target_year or 0)})"
        t.add_row(
            r.series,
            f"{r.base_value:g} ({int(r.base_year or 0)})" if r.base_value is not None else "",
            f"{r.current_value:g} ({int(r.current_year or 0)})"
            if r.current_value is not None
            else "",
            target,
            "" if r.progress_value is None else f"{r.progress_value:.7f}",
            "" if r.score is None else f"{r.score:.7f}",
            STATUS_LABELS[r.status],
        )
    return t


def _assessment_tables(assessment: Assessment) -> list[Table]:
    ind = Table(title="Indicators")
    for name in ("Indicator", "Name", "Goals", "Series", "Score", "Status"):
        ind.add_column(name, justify="right" if name in ("Series", "Score") else "left")
    for r in assessment.indicators:
        ind.add_row(
            r.indicator.number,
            r.indicator.name,
            ", ".join(map(str, r.indicator.goals)),
            str(len(r.series)),
            "" if r.score is None else f"{r.score:.2f}",
            STATUS_LABELS[r.status]
            + (" (given)" if r.manual and r.status != "not_available" else ""),
        )
    goal_table = Table(title="Goals (mean of their targets)")
    for name in ("Goal", "Name", "Targets", "Score", "Status"):
        goal_table.add_column(name, justify="right" if name in ("Targets", "Score") else "left")
    for number, g in assessment.goals.items():
        goal_table.add_row(
            str(number),
            goals()[number - 1].short,
            str(len(g.members)),
            "" if g.score is None else f"{g.score:.2f}",
            STATUS_LABELS[g.status],
        )
    return [ind, goal_table]


@app.command("progress")
def progress_command(
    data_dir: Path | None = typer.Argument(
        None, help="Folder of Open SDG indicator CSVs and their configs."
    ),
    series_csv: Path | None = typer.Option(
        None,
        "--series-csv",
        help="CSV of series: series, base_year, base_value, current_year, current_value, "
        "direction (1/-1), target, target_year (default 2030), limit.",
    ),
    framework_file: Path | None = typer.Option(
        None, "--framework", help="UNSD framework CSV or its JSON, for titles and twins."
    ),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """Assess progress towards the SDGs with the method of Statistics Canada used by Open SDG.

    With --series-csv: one result per series (progress_value, score, status). With DATA_DIR:
    every indicator whose config turns the calculation on, aggregated to targets and goals.
    """
    with reported_errors():
        if (data_dir is None) == (series_csv is None):
            raise InputError(
                "give either DATA_DIR or --series-csv FILE",
                hint="kizuna sdg progress data/  or  kizuna sdg progress --series-csv series.csv",
            )
        if series_csv is not None:
            results = series_results(read_series_csv(series_csv))
            if fmt is OutputFormat.json:
                _dump([r.to_dict() for r in results])
            else:
                out.print(_series_table(results))
            return
        assert data_dir is not None
        framework: Framework = read_framework(framework_file) if framework_file else goals_only()
        items = read_data_dir(data_dir)
        err.print(f"Assessing {len(items)} indicators in {data_dir} ...")
        assessment = assess_indicators(items, framework)
        if fmt is OutputFormat.json:
            _dump(assessment.to_dict())
        else:
            for table in _assessment_tables(assessment):
                out.print(table)


@framework_app.command("import")
def import_command(
    path: Path = typer.Argument(..., help="The UNSD framework export (CSV) or a framework JSON."),
    output: Path | None = typer.Option(
        None, "-o", "--out", help="Write the framework as JSON here (for city.yaml `framework:`)."
    ),
    translations: Path | None = typer.Option(
        None, "--translations", help="Open SDG translations folder (<lang>/global_*.yml)."
    ),
    languages: list[str] = typer.Option(
        [], "--lang", help="Languages to add from --translations (repeatable), e.g. zh-Hans."
    ),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """Import the global indicator framework: goals, targets, indicators and UNSD codes."""
    with reported_errors():
        framework = read_framework(path)
        if languages and translations is None:
            raise InputError("--lang needs --translations DIR", hint="give the translations folder")
        for lang in languages:
            framework = add_language(framework, translations, lang)  # type: ignore[arg-type]
        data = framework.to_dict()
        if output is not None:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")
            err.print(f"Wrote {output}")
        if fmt is OutputFormat.json:
            _dump(data if output is None else data["counts"])
            return
        counts = data["counts"]
        out.print(
            f"[bold]{framework.source}[/]: {counts['goals']} goals, {counts['targets']} targets, "
            f"{counts['indicator_rows']} indicator rows, {counts['unique_indicators']} unique "
            "indicators (by UNSD code)"
        )
        t = Table(title="Targets and indicators by goal")
        for name in ("Goal", "Name", "Targets", "Indicator rows"):
            t.add_column(name, justify="right" if name != "Name" else "left")
        for g in framework.goals:
            t.add_row(
                str(g.number),
                g.short,
                str(sum(1 for x in framework.targets.values() if x.goal == g.number)),
                str(sum(1 for x in framework.indicators.values() if x.goal == g.number)),
            )
        out.print(t)


@app.command("goals")
def goals_command(
    lang: str = typer.Option("en", "--lang", help="en or ja."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """The 17 goals packaged with Kizuna: names (English, Japanese) and official colours."""
    with reported_errors():
        if lang not in ("en", "ja"):
            raise InputError(f"no goal names in {lang!r}", hint="use --lang en or --lang ja")
        if fmt is OutputFormat.json:
            _dump([g.to_dict() for g in goals()])
            return
        t = Table(title="The 17 Sustainable Development Goals")
        for name in ("Goal", "Colour", "Name", "Title"):
            t.add_column(name)
        for g in goals():
            t.add_row(
                str(g.number),
                f"[on {g.colour}]    [/] {g.colour}",
                g.short_name(lang),
                g.title_in(lang),
            )
        out.print(t)
