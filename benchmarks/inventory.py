"""Benchmark: Kizuna's inventory engine against a naive per-row pandas + pint implementation.

Generates synthetic long-layout entries with a fixed seed (a realistic mix of GPC
reference numbers, gases and units, spread over many city-years), then measures:

- Kizuna: ``read_inventory_frame`` + ``compute`` from an in-memory DataFrame shaped
  as ``pandas.read_csv`` returns it (text columns of pandas' default string dtype,
  numbers as float64 with NaN for blanks);
- the naive baseline: ``iterrows`` over a sample, one pint conversion per row, GWP
  multiplication and totals per (city, year, level) in a dict; its per-entry time
  is extrapolated to the full size;
- that both give the same totals on the sample (relative tolerance 1e-9);
- optionally ``read_inventory_file`` on the same data written as CSV;
- peak memory of one Kizuna run, in a fresh child process (peak RSS from
  ``/proc/self/status`` VmHWM, and the peak of ``tracemalloc``).

Run: ``python benchmarks/inventory.py [--entries N] [--naive-sample N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import math
import os
import platform
import pstats
import re
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pint

from kizuna.inventory import InventoryResult, compute, read_inventory_file, read_inventory_frame
from kizuna.reference.gpc import GPC_LEVELS, gpc_taxonomy
from kizuna.reference.gwp import gwp_values
from measurements import Table, Timing  # benchmarks/measurements.py

SEED = 20_240_601
GWP_SET = "AR5"
LEVELS: tuple[str, ...] = tuple(GPC_LEVELS)
YEARS: tuple[int, ...] = (2015, 2016, 2017, 2018, 2019)
GOAL_ENTRIES_PER_S = 1_000_000
GOAL_SPEEDUP = 50.0
REL_TOL = 1e-9

#: Columns of the long layout, in the order a CSV export would have them.
COLUMNS: tuple[str, ...] = (
    "city",
    "year",
    "gpc_ref",
    "gas",
    "activity_value",
    "activity_unit",
    "ef_value",
    "ef_unit",
    "emissions_value",
    "emissions_unit",
    "notation_key",
    "explanation",
)

# --- synthetic data ---------------------------------------------------------------------------

_FUEL = ("I.1.1", "I.2.1", "I.3.1", "I.4.1", "I.5.1", "I.6.1")
_GRID = ("I.1.2", "I.2.2", "I.3.2", "I.4.2", "I.5.2", "I.6.2", "II.1.2", "II.2.2")
_TND = ("I.1.3", "I.2.3", "I.3.3", "II.1.3", "II.2.3")
_TRANSPORT = ("II.1.1", "II.2.1", "II.3.1", "II.4.1", "II.5.1")
_WASTE = ("III.1.1", "III.1.2", "III.2.1", "III.3.1", "III.4.1", "III.4.2")


@dataclass(frozen=True)
class Template:
    """One kind of entry: reference numbers to draw from, gas, units and typical magnitudes.

    ``ef_unit`` empty means a direct emission of ``scale`` (median) in ``unit``;
    otherwise an activity of median ``scale`` in ``unit`` times an emission factor of
    about ``ef`` in ``ef_unit``. ``weight`` is the share of all entries.
    """

    weight: float
    refs: tuple[str, ...]
    gas: str
    unit: str
    scale: float
    ef_unit: str = ""
    ef: float = 0.0
    negative: bool = False


#: IPCC 2006 default factors (Vol. 2, Tables 1.4, 2.2, 3.2.1, 3.2.2) and typical grid factors.
TEMPLATES: tuple[Template, ...] = (
    # stationary combustion, natural gas / oil / coal
    Template(0.12, _FUEL, "CO2", "TJ", 50.0, "kg/TJ", 56_100.0),
    Template(0.05, _FUEL, "CH4", "TJ", 50.0, "kg CH4/TJ", 5.0),
    Template(0.05, _FUEL, "N2O", "TJ", 50.0, "kg N2O/TJ", 0.1),
    Template(0.06, _FUEL, "CO2", "GJ", 20_000.0, "kg/GJ", 56.1),
    Template(0.03, _FUEL, "CH4", "GJ", 20_000.0, "g CH4/GJ", 5.0),
    Template(0.05, _FUEL, "CO2", "m3", 1e6, "kg/m3", 1.9),
    Template(0.05, _FUEL, "CO2", "l", 1e5, "kg/l", 2.68),
    Template(0.04, _FUEL, "CO2", "MWh", 5_000.0, "t/MWh", 0.202),
    Template(0.01, ("I.4.4",), "CO2", "TJ", 2_000.0, "kg/TJ", 94_600.0),
    # grid electricity and its T&D losses
    Template(0.10, _GRID, "CO2", "MWh", 1e4, "t CO2/MWh", 0.45),
    Template(0.08, _GRID, "CO2", "kWh", 1e7, "kg/kWh", 0.45),
    Template(0.02, _GRID, "CH4", "MWh", 1e4, "kg CH4/MWh", 0.02),
    Template(0.02, _GRID, "N2O", "MWh", 1e4, "kg N2O/MWh", 0.004),
    Template(0.03, _TND, "CO2", "MWh", 800.0, "t/MWh", 0.45),
    # transport fuels
    Template(0.07, _TRANSPORT, "CO2", "l", 1e6, "kg/l", 2.31),
    Template(0.04, _TRANSPORT, "CO2", "TJ", 100.0, "kg/TJ", 74_100.0),
    Template(0.02, _TRANSPORT, "CH4", "TJ", 100.0, "kg CH4/TJ", 3.9),
    Template(0.02, _TRANSPORT, "N2O", "TJ", 100.0, "kg N2O/TJ", 3.9),
    # waste: tonnes of waste x kg CH4 per tonne
    Template(0.02, _WASTE[:3], "CH4", "t", 5e4, "kg CH4/t", 50.0),
    # direct emissions in t, kg, kt, CO2e included
    Template(0.015, _WASTE, "CH4", "t", 500.0),
    Template(0.005, ("III.4.1",), "N2O", "kg", 2_000.0),
    Template(0.005, ("I.7.1", "I.8.1"), "CH4", "t", 50.0),
    Template(0.005, ("V.1",), "CH4", "t", 200.0),
    Template(0.003, ("V.3",), "N2O", "kg", 5_000.0),
    Template(0.003, ("V.2",), "CO2", "t", 2_000.0, negative=True),
    Template(0.004, ("VI.1",), "CO2e", "t CO2e", 1e4),
    Template(0.005, _FUEL + _TRANSPORT, "CO2e", "kt CO2e", 5.0),
    Template(0.005, ("IV.1",), "CO2", "kt", 20.0),
    Template(0.005, _FUEL, "CO2", "kg", 1e6),
    # IPPU fluorinated gases
    Template(0.006, ("IV.2",), "HFC134a", "kg", 300.0),
    Template(0.003, ("IV.2",), "HFC32", "kg", 100.0),
    Template(0.003, ("IV.1", "IV.2"), "SF6", "kg", 20.0),
    Template(0.002, ("IV.1",), "CF4", "kg", 10.0),
)

#: The rest of the entries are notation keys, with these shares and explanations.
NOTATION_SHARE = 1.0 - sum(t.weight for t in TEMPLATES)
NOTATION: tuple[tuple[str, float, str], ...] = (
    ("NO", 0.45, "no such activity in the city"),
    ("NE", 0.35, "no data available for this year"),
    ("IE", 0.15, "included in I.6.1"),
    ("C", 0.05, "withheld by the utility"),
)

#: Numeric columns; the others are text.
_NUMERIC = ("activity_value", "ef_value", "emissions_value", "year")
#: The dtype `pandas.read_csv` gives text columns (``str`` in pandas 3, ``object`` before).
_TEXT_DTYPE = pd.read_csv(io.StringIO("a\nx\n"))["a"].dtype


def make_entries(n: int, city_years: int = 1_000, seed: int = SEED) -> pd.DataFrame:
    """`n` synthetic long-layout entries over `city_years` city-years, as read_csv returns them.

    Rows are shuffled, so any leading slice is a fair sample of the whole mix.
    """
    rng = np.random.default_rng(seed)
    weights = np.array([t.weight for t in TEMPLATES] + [NOTATION_SHARE])
    kind = rng.choice(len(weights), size=n, p=weights / weights.sum())

    text = {c: np.full(n, None, dtype=object) for c in COLUMNS if c not in _NUMERIC}
    numbers = {c: np.full(n, np.nan) for c in _NUMERIC if c != "year"}
    for k, template in enumerate(TEMPLATES):
        idx = np.flatnonzero(kind == k)
        m = len(idx)
        text["gpc_ref"][idx] = np.asarray(template.refs, dtype=object)[
            rng.integers(0, len(template.refs), m)
        ]
        text["gas"][idx] = template.gas
        size = template.scale * rng.lognormal(0.0, 1.0, m)
        if template.ef_unit:
            numbers["activity_value"][idx] = size
            text["activity_unit"][idx] = template.unit
            numbers["ef_value"][idx] = template.ef * rng.lognormal(0.0, 0.05, m)
            text["ef_unit"][idx] = template.ef_unit
        else:
            numbers["emissions_value"][idx] = -size if template.negative else size
            text["emissions_unit"][idx] = template.unit
    idx = np.flatnonzero(kind == len(TEMPLATES))
    all_refs = np.asarray(gpc_taxonomy().index, dtype=object)
    text["gpc_ref"][idx] = all_refs[rng.integers(0, len(all_refs), len(idx))]
    key_of = rng.choice(len(NOTATION), size=len(idx), p=[s for _, s, _ in NOTATION])
    text["notation_key"][idx] = np.array([k for k, _, _ in NOTATION], dtype=object)[key_of]
    text["explanation"][idx] = np.array([e for _, _, e in NOTATION], dtype=object)[key_of]

    n_cities = math.ceil(city_years / len(YEARS))
    city_year = rng.permutation(np.arange(n) % (n_cities * len(YEARS)))
    names = np.array([f"City {i:04d}" for i in range(n_cities)], dtype=object)
    text["city"] = names[city_year // len(YEARS)]
    year = np.asarray(YEARS, dtype=np.int64)[city_year % len(YEARS)]
    order = rng.permutation(n)
    data: dict[str, Any] = {}
    for column in COLUMNS:
        if column == "year":
            data[column] = year[order]
        elif column in numbers:
            data[column] = numbers[column][order]
        else:
            data[column] = pd.array(text[column][order], dtype=_TEXT_DTYPE)
    return pd.DataFrame(data)


# --- Kizuna -----------------------------------------------------------------------------------


def run_kizuna(frame: pd.DataFrame) -> list[InventoryResult]:
    """Read and compute `frame` with Kizuna (what the benchmark times)."""
    return compute(read_inventory_frame(frame, source="synthetic", gwp=GWP_SET))


def kizuna_totals(results: list[InventoryResult]) -> dict[tuple[str, int, str], float]:
    """Totals of Kizuna results keyed by (city, year, level), tCO2e."""
    return {(r.city, r.year, level): value for r in results for level, value in r.totals.items()}


# --- the naive baseline -----------------------------------------------------------------------


class NaiveCalculator:
    """What a spreadsheet-minded analyst writes: a loop over rows, pint per row, dict totals.

    It shares only reference data with Kizuna (GWP values and the level flags of the
    GPC taxonomy); units go through a plain pint registry of its own, with gas names
    removed from unit texts by a regular expression.
    """

    _GAS_IN_UNIT = re.compile(r"\b(CO2e|CO2|CH4|N2O|SF6|NF3|HFC\w+|PFC\w+|CF4|C2F6)\b")

    def __init__(self, gwp_set: str = GWP_SET) -> None:
        """Set up the unit registry, the GWP table and the reporting levels of each ref."""
        self.ureg = pint.UnitRegistry()
        self.gwp = gwp_values(gwp_set)
        taxonomy = gpc_taxonomy()
        self.levels: dict[str, list[str]] = {
            str(ref): [level for level in LEVELS if row[f"in_{level}"]]
            for ref, row in taxonomy.iterrows()
        }

    def unit(self, text: str) -> str:
        """A unit text pint reads: gas names dropped, ``kt`` and ``m3`` spelt out."""
        text = self._GAS_IN_UNIT.sub("", text)
        text = re.sub(r"\bkt\b", "kilotonne", text)
        return re.sub(r"\bm3\b", "m**3", text)

    def run(self, frame: pd.DataFrame) -> dict[tuple[str, int, str], float]:
        """Totals per (city, year, level) in tCO2e, one row at a time."""
        totals: dict[tuple[str, int, str], float] = {}
        quantity = self.ureg.Quantity
        for _, row in frame.iterrows():
            key = row["notation_key"]
            if isinstance(key, str) and key.strip():
                continue  # a notation key adds nothing to the totals
            if pd.notna(row["activity_value"]):
                mass = quantity(row["activity_value"], self.unit(row["activity_unit"])) * quantity(
                    row["ef_value"], self.unit(row["ef_unit"])
                )
            else:
                mass = quantity(row["emissions_value"], self.unit(row["emissions_unit"]))
            co2e = mass.to("t").magnitude * self.gwp[row["gas"]]
            for level in self.levels[row["gpc_ref"]]:
                cell = (row["city"], int(row["year"]), level)
                totals[cell] = totals.get(cell, 0.0) + co2e
        return totals


def compare_totals(
    kizuna: dict[tuple[str, int, str], float], naive: dict[tuple[str, int, str], float]
) -> tuple[int, float]:
    """Assert equal totals (relative 1e-9); return the number of values and the largest rel. diff.

    A level the naive loop never touched counts as 0 on its side.
    """
    worst = 0.0
    keys = set(kizuna) | set(naive)
    for key in keys:
        a, b = kizuna.get(key, 0.0), naive.get(key, 0.0)
        assert math.isclose(a, b, rel_tol=REL_TOL, abs_tol=1e-9), (key, a, b)
        if a or b:
            worst = max(worst, abs(a - b) / max(abs(a), abs(b)))
    return len(keys), worst


# --- measuring --------------------------------------------------------------------------------


def repeat_timed(function: Callable[[], object], repeat: int) -> Timing:
    """Time `function` `repeat` times, collecting garbage before each run."""
    seconds = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - start)
    return Timing(tuple(seconds))


def time_kizuna(frame: pd.DataFrame, repeat: int) -> tuple[Timing, Timing, Timing]:
    """Time read, compute and read + compute of `frame`, each `repeat` times."""
    read, calc, total = [], [], []
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        book = read_inventory_frame(frame, source="synthetic", gwp=GWP_SET)
        t1 = time.perf_counter()
        compute(book)
        t2 = time.perf_counter()
        read.append(t1 - t0)
        calc.append(t2 - t1)
        total.append(t2 - t0)
        del book
    return Timing(tuple(read)), Timing(tuple(calc)), Timing(tuple(total))


def time_csv(frame: pd.DataFrame, repeat: int) -> tuple[Timing, float, bool]:
    """Time ``read_inventory_file`` + ``compute`` on `frame` written as CSV to a temporary file.

    Returns the timing, the file size in MiB and whether ``pandas.read_csv`` gives back
    the dtypes of `frame` (i.e. whether the in-memory frame is what a CSV reader gives).
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "entries.csv"
        frame.to_csv(path, index=False)
        same_dtypes = dict(pd.read_csv(path, low_memory=False).dtypes) == dict(frame.dtypes)
        timing = repeat_timed(lambda: compute(read_inventory_file(path, gwp=GWP_SET)), repeat)
        return timing, path.stat().st_size / 2**20, same_dtypes


def _status_kib(field: str) -> int | None:
    """A ``Vm*`` field of /proc/self/status in KiB (None where /proc is not available)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def memory_child(entries: int, city_years: int) -> dict[str, float | None]:
    """In this (fresh) process: peak memory of a Kizuna run on freshly generated entries, MiB.

    ``rss_before``/``rss_peak``: resident set size from /proc/self/status; the high-water
    mark VmHWM is reset through ``/proc/self/clear_refs`` after generating the data, so
    ``rss_peak`` is the peak during one read + compute. ``tracemalloc_peak``: peak of
    the allocations Python traces during a second run (numpy buffers included;
    pyarrow's memory pool is not). ``maxrss_process``: ``resource.getrusage`` ru_maxrss
    of the whole process, data generation included.
    """
    frame = make_entries(entries, city_years)
    gc.collect()
    out: dict[str, float | None] = {
        "frame_deep": frame.memory_usage(deep=True).sum() / 2**20,
        "rss_before": None,
        "rss_peak": None,
    }
    try:
        Path("/proc/self/clear_refs").write_text("5")
        out["rss_before"] = (_status_kib("VmRSS") or 0) / 1024
        run_kizuna(frame)
        out["rss_peak"] = (_status_kib("VmHWM") or 0) / 1024
    except OSError:
        run_kizuna(frame)
    gc.collect()
    tracemalloc.start()
    run_kizuna(frame)
    out["tracemalloc_peak"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    out["maxrss_process"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def measure_memory(entries: int, city_years: int) -> dict[str, float | None]:
    """Run `memory_child` in a fresh interpreter, so that earlier runs do not inflate the peaks."""
    command = [sys.executable, __file__, "--memory-child"]
    command += ["--entries", str(entries), "--city-years", str(city_years)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def profile_kizuna(frame: pd.DataFrame, top: int = 30) -> str:
    """cProfile of one Kizuna run: the `top` functions by cumulative and by own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    run_kizuna(frame)
    profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return text.getvalue()


# --- report -----------------------------------------------------------------------------------


def machine_line() -> str:
    """CPUs available (as ``nproc`` counts them), OS and the versions behind the figures."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"nproc {cpus} ({platform.machine()}), {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"pyarrow {_version('pyarrow')}, pint {pint.__version__}"
    )


def _version(module: str) -> str:
    """The version of an installed module, or ``not installed``."""
    try:
        return str(__import__(module).__version__)
    except ImportError:
        return "not installed"


def mix_lines(frame: pd.DataFrame) -> list[str]:
    """Shares of entry kinds, and the gases and units of `frame`."""
    n = len(frame)
    act = frame["activity_value"].notna().sum()
    em = frame["emissions_value"].notna().sum()
    nk = frame["notation_key"].notna().sum()
    fgas = frame["gas"].isin(["HFC134a", "HFC32", "SF6", "CF4"]).sum()

    def values(*columns: str) -> str:
        found = set().union(*(set(frame[c].dropna().unique()) for c in columns))
        return ", ".join(sorted(found))

    return [
        f"activity x EF {act / n:.1%}, direct emissions {em / n:.1%} (F-gases {fgas / n:.1%}), "
        f"notation keys {nk / n:.1%}; {frame['gpc_ref'].nunique()} GPC refs",
        f"gases {values('gas')}",
        f"activity/emission units {values('activity_unit', 'emissions_unit')}",
        f"EF units {values('ef_unit')}",
    ]


def _seconds(timing: Timing) -> tuple[str, str]:
    return f"{timing.best:.3f} s", f"{timing.median:.3f} s"


def _rates(n: int, timing: Timing) -> tuple[str, str]:
    return f"{n / timing.best:,.0f} /s", f"{n / timing.median:,.0f} /s"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    add = parser.add_argument
    add("--entries", type=int, default=1_000_000, help="entries to compute (default 1,000,000)")
    add("--naive-sample", type=int, default=20_000, help="rows the naive loop runs on (20,000)")
    add("--repeat", type=int, default=5, help="runs of each measurement (default 5)")
    add("--city-years", type=int, default=1_000, help="city-years of the data (default 1,000)")
    add("--no-csv", action="store_true", help="skip read_inventory_file on a CSV file")
    add("--no-memory", action="store_true", help="skip the peak-memory measurement")
    add("--profile", action="store_true", help="also print a cProfile of one Kizuna run")
    add("--memory-child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the measurements and print the summary table."""
    args = parse_args(argv)
    if args.memory_child:
        print(json.dumps(memory_child(args.entries, args.city_years)))
        return 0
    n, repeat = args.entries, args.repeat

    start = time.perf_counter()
    frame = make_entries(n, args.city_years)
    generated = time.perf_counter() - start
    print(
        f"Kizuna inventory benchmark: {n:,} synthetic long-layout entries over "
        f"{args.city_years:,} city-years\n"
        f"  GWP {GWP_SET}, seed {SEED}, generated in {generated:.1f} s"
    )
    for line in mix_lines(frame):
        print(f"  {line}")
    print(f"  text columns: dtype {_TEXT_DTYPE}, as pandas.read_csv gives them")
    print(f"  machine: {machine_line()}")
    print(f"  each measurement: {repeat} runs after a warm-up run; best and median reported")

    run_kizuna(frame.iloc[:1_000])  # warm-up: reference tables, pint's parse caches
    read, calc, total = time_kizuna(frame, repeat)
    results = run_kizuna(frame)
    assert len(results) == frame.groupby(["city", "year"]).ngroups

    sample = frame.iloc[: min(args.naive_sample, n)].reset_index(drop=True)
    m = len(sample)
    naive = NaiveCalculator()
    naive.run(sample.iloc[:200])  # warm-up
    naive_totals: dict[tuple[str, int, str], float] = {}
    naive_time = repeat_timed(lambda: naive_totals.update(naive.run(sample)), repeat)
    compared, worst = compare_totals(kizuna_totals(run_kizuna(sample)), naive_totals)

    csv = None if args.no_csv else time_csv(frame, repeat)
    memory = None if args.no_memory else measure_memory(n, args.city_years)

    k_best, k_median = total.best / n, total.median / n  # seconds per entry
    n_best, n_median = naive_time.best / m, naive_time.median / m
    table = Table()
    table.add("Kizuna read_inventory_frame", *_seconds(read), f"{n:,} entries")
    table.add("Kizuna compute", *_seconds(calc), f"{len(results):,} city-years")
    table.add("Kizuna read + compute", *_seconds(total))
    table.add("Kizuna entries/s", *_rates(n, total), f"goal >= {GOAL_ENTRIES_PER_S:,} /s")
    table.add("Kizuna time per entry", f"{k_best * 1e9:,.0f} ns", f"{k_median * 1e9:,.0f} ns")
    table.add(f"Naive loop, {m:,}-row sample", *_seconds(naive_time), "iterrows + pint per row")
    table.add("Naive entries/s", *_rates(m, naive_time))
    table.add("Naive time per entry", f"{n_best * 1e6:,.0f} us", f"{n_median * 1e6:,.0f} us")
    table.add(
        f"Naive extrapolated to {n:,}",
        f"{n_best * n:,.1f} s",
        f"{n_median * n:,.1f} s",
        "time per entry x entries; not run",
    )
    table.add(
        "Speed-up Kizuna / naive",
        f"{n_best / k_best:,.1f} x",
        f"{n_median / k_median:,.1f} x",
        f"per entry; goal >= {GOAL_SPEEDUP:.0f} x",
    )
    if csv is not None:
        timing, mib, same = csv
        table.add("CSV read_inventory_file + compute", *_seconds(timing), f"{mib:,.0f} MiB file")
        table.add(
            "CSV entries/s",
            *_rates(n, timing),
            f"read_csv dtypes = in-memory frame's: {'yes' if same else 'NO'}",
        )
    print()
    print(table.render())
    print()
    print(
        f"Verification: on the {m:,}-row sample Kizuna and the naive loop agree on all "
        f"{compared:,} totals (city-year x level);\n  largest relative difference {worst:.1e}, "
        f"tolerance {REL_TOL:g}."
    )
    print(
        f"The naive loop ran on {m:,} rows only: its figures for {n:,} entries are extrapolated "
        "linearly\n  from its time per entry."
    )
    if memory is not None:
        print_memory(memory, n)
    rate, ratio = n / total.median, n_median / k_median
    verdict = {True: "MET", False: "NOT MET"}
    print("\nGoals, judged on the medians:")
    print(
        f"  >= {GOAL_ENTRIES_PER_S:,} entries/s: {verdict[rate >= GOAL_ENTRIES_PER_S]} "
        f"({rate:,.0f} /s; best run {n / total.best:,.0f} /s)"
    )
    print(
        f"  >= {GOAL_SPEEDUP:.0f} x the naive loop: {verdict[ratio >= GOAL_SPEEDUP]} "
        f"({ratio:,.1f} x; best runs {n_best / k_best:,.1f} x)"
    )
    if args.profile:
        print("\ncProfile of one Kizuna run (read + compute):")
        print(profile_kizuna(frame))
    return 0


def print_memory(memory: dict[str, float | None], n: int) -> None:
    """Print the peak-memory figures of `memory_child`."""
    print(
        f"\nPeak memory of one Kizuna read + compute of {n:,} entries, in a fresh child process"
        f"\n  (input DataFrame {memory['frame_deep']:,.0f} MiB, pandas memory_usage deep):"
    )
    if memory["rss_peak"] is not None:
        before, peak = memory["rss_before"] or 0.0, memory["rss_peak"]
        print(
            f"  peak RSS (/proc/self/status VmHWM, reset after generating the data): "
            f"{peak:,.0f} MiB\n    = {before:,.0f} MiB before + {peak - before:,.0f} MiB "
            "during read + compute"
        )
    print(
        f"  tracemalloc peak during read + compute: {memory['tracemalloc_peak']:,.0f} MiB "
        "(Python-traced allocations\n    incl. numpy arrays; pyarrow's memory pool is not traced)"
    )
    print(
        "  resource.getrusage ru_maxrss of the child, data generation included: "
        f"{memory['maxrss_process']:,.0f} MiB"
    )


if __name__ == "__main__":
    raise SystemExit(main())
