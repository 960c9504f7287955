"""Benchmark: SDG progress for many series, and a full VLR build for a large city.

1. Progress (``kizuna.sdg.progress.assess_arrays``, numpy) for 100,000 synthetic series (a
   fixed seed; half with a target, a fifth of the others with a natural limit, zeros,
   all-negative series and one-year series among them), best and median of several runs,
   against the same method one series at a time in plain Python
   (``kizuna.sdg.progress_reference.assess_one``, the per-series loop an analyst writes) on a
   sample, extrapolated per series; the two must agree on the sample (statuses equal,
   scores to 1e-12).
2. A full VLR build for a synthetic CITY_DIR of 250 indicators (Open SDG CSVs over
   2010-2023, a third broken down by sex, configs with progress options, narratives, a
   small climate plan): load + assess + render to HTML, and the same to PDF (WeasyPrint).
3. Peak memory of each, in a fresh child process (Linux VmHWM after resetting it through
   ``/proc/self/clear_refs``; the ``tracemalloc`` peak of a second run, except for the PDF).

Run: ``python benchmarks/sdg.py [--series N] [--sample N] [--indicators N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from kizuna.sdg.opensdg import write_indicator_config, write_indicator_csv
from kizuna.sdg.progress import assess_arrays
from kizuna.sdg.progress_reference import assess_one
from kizuna.sdg.vlr.citydir import NARRATIVE_SECTIONS
from measurements import Table, Timing  # benchmarks/measurements.py

SEED = 20_251_201
GOAL_SERIES_SECONDS = 1.0  # 100,000 series
PLAN = {
    "city": "Synthetic City",
    "currency": "JPY",
    "base_year": 2013,
    "start_year": 2025,
    "end_year": 2040,
    "discount_rate": 0.03,
    "baseline": {
        "sectors": {"Buildings": {"emissions": 6.0e6}, "Transport": {"emissions": 4.0e6}},
        "drivers": {"grid_ef": {2013: 0.00057, 2030: 0.00025, 2040: 0.0001}},
    },
    "targets": [{"year": 2030, "reduction": 0.5}, {"year": 2040, "reduction": 0.8}],
    "milestones": "targets_only",
    "library": {
        "exchange_rate": 150,
        "measures": [
            {"id": "led-lighting-household", "sector": "Buildings", "potential": 2_000_000},
            {"id": "rooftop-pv", "sector": "Buildings", "potential": 500_000},
            {"id": "heat-pump-water-heater", "sector": "Buildings", "potential": 300_000},
            {"id": "electric-car", "sector": "Transport", "potential": 600_000},
            {"id": "electric-bus", "sector": "Transport", "potential": 2_000},
        ],
    },
}


# --- synthetic series -------------------------------------------------------------------------


def make_series(n: int, seed: int = SEED) -> dict[str, np.ndarray]:
    """`n` series as arrays: values, years, directions, targets (NaN for none), limits."""
    rng = np.random.default_rng(seed)
    base = rng.lognormal(3.0, 1.0, n)
    base[rng.random(n) < 0.02] = 0.0
    negative = rng.random(n) < 0.03
    base[negative] = -base[negative]
    current = base * rng.uniform(0.6, 1.5, n)
    base_year = rng.integers(2012, 2019, n).astype(float)
    current_year = base_year + rng.integers(0, 10, n)  # about 10 % with one year only
    direction = rng.choice([-1.0, 1.0], n)
    target = np.where(rng.random(n) < 0.5, np.abs(base) * rng.uniform(0.3, 2.0, n), np.nan)
    target[negative] = np.nan
    limit = np.where(np.isnan(target) & (rng.random(n) < 0.2), np.abs(base) * 1.2, np.nan)
    return {
        "base_value": base,
        "base_year": base_year,
        "current_value": current,
        "current_year": current_year,
        "direction": direction,
        "target": target,
        "target_year": np.full(n, 2030.0),
        "limit": limit,
    }


def run_vectorised(series: dict[str, np.ndarray]) -> Any:
    return assess_arrays(**series)


def run_loop(series: dict[str, np.ndarray], count: int) -> list[tuple[Any, Any, str]]:
    """The per-series baseline on the first `count` series (plain floats)."""
    out = []
    for i in range(count):
        t = series["target"][i]
        lim = series["limit"][i]
        out.append(
            assess_one(
                float(series["base_value"][i]),
                float(series["base_year"][i]),
                float(series["current_value"][i]),
                float(series["current_year"][i]),
                int(series["direction"][i]),
                None if math.isnan(t) else float(t),
                float(series["target_year"][i]),
                None if math.isnan(lim) else float(lim),
            )
        )
    return out


def check_agreement(result: Any, loop: list[tuple[Any, Any, str]]) -> int:
    """Series of the sample where the two disagree (status, or score beyond 1e-12)."""
    names = result.status_names()
    bad = 0
    for i, (_value, score, status) in enumerate(loop):
        if names[i] != status:
            bad += 1
        elif score is None:
            bad += not math.isnan(result.score[i])
        elif not math.isclose(result.score[i], score, rel_tol=1e-12, abs_tol=1e-12):
            bad += 1
    return bad


# --- synthetic city ---------------------------------------------------------------------------


def make_city(folder: Path, n_indicators: int, seed: int = SEED) -> Path:
    """A CITY_DIR with `n_indicators` Open SDG indicators spread over the 17 goals."""
    rng = np.random.default_rng(seed)
    years = list(range(2010, 2024))
    sources = [{"id": "synthetic", "title": "Synthetic data for the benchmark", "year": 2025}]
    for k in range(n_indicators):
        goal = 1 + k % 17
        target = 1 + (k // 17) % 9
        indicator_id = f"{goal}-{target}-{1 + k // 153}" + ("-a" if k % 5 == 0 else "")
        level = rng.lognormal(3, 0.8)
        trend = rng.uniform(-0.04, 0.04)
        values = level * (1 + trend) ** np.arange(len(years)) * rng.uniform(0.97, 1.03, len(years))
        rows = [
            {"Year": y, "Sex": None, "Units": "Percent", "Value": round(float(v), 3)}
            for y, v in zip(years, values, strict=True)
        ]
        if k % 3 == 0:
            for sex, factor in (("Female", 1.05), ("Male", 0.95)):
                rows += [
                    {
                        "Year": y,
                        "Sex": sex,
                        "Units": "Percent",
                        "Value": round(float(v * factor), 3),
                    }
                    for y, v in zip(years, values, strict=True)
                ]
        frame = pd.DataFrame(rows, columns=["Year", "Sex", "Units", "Value"])
        if k % 3:
            frame = frame.drop(columns=["Sex"])
        write_indicator_csv(frame, folder / "data" / f"indicator_{indicator_id}.csv")
        option: dict[str, Any] = {"direction": "positive" if trend > 0 else "negative"}
        if k % 2:
            option.update(target=round(float(level * (1 + 2 * trend) ** 20), 3), target_year=2030)
        write_indicator_config(
            {
                "indicator_number": indicator_id.replace("-", "."),
                "indicator_name": f"Synthetic indicator {indicator_id}",
                "computation_units": "Percent",
                "reporting_status": "complete",
                "data_footnote": "Synthetic series for the benchmark.",
                "auto_progress_calculation": True,
                "progress_calculation_options": [option],
                "kizuna": {"name_ja": f"合成指標 {indicator_id}", "sources": ["synthetic"]},
            },
            folder / "indicator-config" / f"{indicator_id}.yml",
        )
    for lang in ("en", "ja"):
        narrative = folder / "narrative" / lang
        (narrative / "goals").mkdir(parents=True, exist_ok=True)
        for section in NARRATIVE_SECTIONS:
            (narrative / f"{section}.md").write_text(f"# {section}\n\nSynthetic text.\n", "utf-8")
        for goal in range(1, 18):
            (narrative / "goals" / f"{goal}.md").write_text("- What the city does.\n", "utf-8")
    (folder / "plan.yaml").write_text(yaml.safe_dump(PLAN, sort_keys=False), "utf-8")
    city = {"name": "Synthetic City", "name_ja": "合成市", "report_year": 2025, "sources": sources}
    (folder / "city.yaml").write_text(yaml.safe_dump(city, allow_unicode=True), "utf-8")
    return folder


def build(city_dir: Path, output: Path, lang: str = "en") -> Path:
    from kizuna.sdg.vlr import build_vlr

    return build_vlr(city_dir, output, lang)


# --- timing and memory ------------------------------------------------------------------------


def timed(function: Callable[[], object], repeat: int) -> Timing:
    """Wall-clock seconds of `repeat` runs (no warm-up run)."""
    seconds = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - start)
    return Timing(tuple(seconds))


def repeat_timed(function: Callable[[], object], repeat: int) -> Timing:
    """Wall-clock seconds of `repeat` runs after one warm-up run."""
    function()
    return timed(function, repeat)


def _status_kib(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def memory_child(kind: str, n: int) -> dict[str, float | None]:
    """In this fresh process: peak memory (MiB) of one run of `kind` (series, html, pdf)."""
    tmp = Path(tempfile.mkdtemp())
    if kind == "series":
        data = make_series(n)

        def run() -> object:
            return run_vectorised(data)
    else:
        city = make_city(tmp / "city", n)
        out = tmp / f"vlr.{kind}"

        def run() -> object:
            return build(city, out)

    gc.collect()
    result: dict[str, float | None] = {"rss_before": None, "rss_peak": None}
    try:
        Path("/proc/self/clear_refs").write_text("5")
        result["rss_before"] = (_status_kib("VmRSS") or 0) / 1024
        run()
        result["rss_peak"] = (_status_kib("VmHWM") or 0) / 1024
    except OSError:
        run()
    result["tracemalloc_peak"] = None
    if kind != "pdf":  # tracing WeasyPrint's Python side would take minutes
        gc.collect()
        tracemalloc.start()
        run()
        result["tracemalloc_peak"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return result


def measure_memory(kind: str, n: int) -> dict[str, float | None]:
    command = [sys.executable, __file__, "--memory-child", kind, "--n", str(n)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine_line() -> str:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    import weasyprint

    return (
        f"nproc {cpus} ({platform.machine()}), {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"WeasyPrint {weasyprint.__version__}; load average {os.getloadavg()[0]:.2f}"
    )


def _mib(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} MiB"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    add = parser.add_argument
    add("--series", type=int, default=100_000, help="series to assess (default 100,000)")
    add("--sample", type=int, default=10_000, help="series the per-series loop runs (10,000)")
    add("--indicators", type=int, default=250, help="indicators of the synthetic city (250)")
    add("--repeat", type=int, default=5, help="runs of the series measurement (default 5)")
    add("--vlr-repeat", type=int, default=2, help="runs of each VLR build (default 2)")
    add("--no-memory", action="store_true", help="skip the memory measurements")
    add("--memory-child", choices=["series", "html", "pdf"], help=argparse.SUPPRESS)
    add("--n", type=int, default=0, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.memory_child:
        print(json.dumps(memory_child(args.memory_child, args.n)))
        return 0
    print(machine_line())
    table = Table()
    data = make_series(args.series)
    vector = repeat_timed(lambda: run_vectorised(data), args.repeat)
    sample = min(args.sample, args.series)
    start = time.perf_counter()
    loop = run_loop(data, sample)
    loop_seconds = time.perf_counter() - start
    disagree = check_agreement(run_vectorised(data), loop)
    per_series_loop = loop_seconds / sample
    per_series_vector = vector.median / args.series
    table.add(
        f"progress, {args.series:,} series (numpy)",
        f"{vector.best:.4f} s",
        f"{vector.median:.4f} s",
        f"{args.series / vector.median:,.0f} series/s; goal {GOAL_SERIES_SECONDS} s",
    )
    table.add(
        f"per-series Python loop, {sample:,} sample",
        f"{loop_seconds:.3f} s",
        "",
        f"extrapolated to {args.series:,}: {per_series_loop * args.series:.2f} s",
    )
    table.add(
        "ratio (loop / numpy, per series)",
        f"{per_series_loop / per_series_vector:,.0f} x",
        "",
        f"agreement on the sample: {sample - disagree:,} / {sample:,} series",
    )
    with tempfile.TemporaryDirectory() as tmp:
        city = make_city(Path(tmp) / "city", args.indicators)
        build(city, Path(tmp) / "warm-up.html")  # templates, Plotly.js and the library cached
        for kind in ("html", "pdf"):
            out = Path(tmp) / f"vlr.{kind}"
            timing = timed(lambda out=out: build(city, out), args.vlr_repeat)
            size = out.stat().st_size / 2**20
            extra = ""
            if kind == "pdf":
                found = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True)
                pages = [
                    ln.split()[-1] for ln in found.stdout.splitlines() if ln.startswith("Pages")
                ]
                extra = f", {pages[0]} pages" if pages else ""
            table.add(
                f"VLR {kind.upper()}, {args.indicators} indicators (load, assess, plan, render)",
                f"{timing.best:.2f} s",
                f"{timing.median:.2f} s",
                f"{size:.1f} MiB{extra}",
            )
    if not args.no_memory:
        for kind, n in (
            ("series", args.series),
            ("html", args.indicators),
            ("pdf", args.indicators),
        ):
            mem = measure_memory(kind, n)
            table.add(
                f"peak memory, {kind} ({n:,})",
                _mib(mem["rss_peak"]),
                "",
                f"RSS before {_mib(mem['rss_before'])}; tracemalloc peak "
                f"{_mib(mem['tracemalloc_peak'])}",
            )
    print(table.render())
    if disagree:
        print(f"DISAGREEMENT on {disagree} series of the sample", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
