"""The packaged measure library and its use from a plan.

The library (``data/measures.yaml``, documented in docs/measure-library.md) holds
per-unit figures of typical measures in one currency and price year, each citing
its source. A plan picks measures by id and sizes them for the city:

```yaml
library:
  exchange_rate: 150        # plan currency per library currency unit (stated, never assumed)
  measures:
    - {id: led-lighting-household, potential: 1700000}
    - {id: rooftop-pv, potential: 400000, start: 2026, max_rate: 40000}
```

Capex and opex are converted with the plan's exchange rate; the annual roll-out
limit is the library's ``max_rate_share`` x potential unless the plan gives one.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from kizuna.errors import InputError, Location

#: Fields a plan may set on a library measure (the rest come from the library).
OVERRIDABLE = {
    "potential",
    "start",
    "max_rate",
    "requires",
    "excludes",
    "integer",
    "all_or_nothing",
    "name",
    "sector",
    "lifetime",
    "capex",
    "opex",
    "jobs",
}


@cache
def measure_library() -> dict[str, Any]:
    """The packaged library: ``currency``, ``price_year``, ``sources`` and ``measures`` by id."""
    text = files("kizuna.planning").joinpath("data", "measures.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    data["measures"] = {m["id"]: m for m in data["measures"]}
    return data


def expand_library(data: dict[str, Any], source: str) -> dict[str, Any]:
    """Plan data with its ``library`` section turned into ordinary ``measures``."""
    use = data.get("library")
    if use is None:
        return data
    if not isinstance(use, dict) or "exchange_rate" not in use or "measures" not in use:
        raise InputError(
            f"{source}: library needs exchange_rate and measures",
            where=Location(source, field="library"),
            hint="exchange_rate: plan currency per library currency unit "
            f"({measure_library()['currency']})",
        )
    rate = float(use["exchange_rate"])
    if rate <= 0:
        raise InputError(
            f"{source}: library.exchange_rate must be positive",
            where=Location(source, field="library.exchange_rate"),
        )
    library = measure_library()
    measures = list(data.get("measures") or [])
    for i, pick in enumerate(use["measures"]):
        where = Location(source, field=f"library.measures[{i}]")
        if not isinstance(pick, dict) or "id" not in pick or "potential" not in pick:
            raise InputError(
                f"{source}: library.measures[{i}] needs an id and a potential",
                where=where,
                hint="for example {id: led-lighting-household, potential: 1700000}",
            )
        entry = library["measures"].get(pick["id"])
        if entry is None:
            raise InputError(
                f"{source}: library.measures[{i}]: no measure {pick['id']!r} in the library",
                where=where,
                hint="kizuna plan library lists the ids",
            )
        unknown = set(pick) - OVERRIDABLE - {"id"}
        if unknown:
            raise InputError(
                f"{source}: library.measures[{i}]: cannot set {sorted(unknown)}",
                where=where,
                hint=f"settable: {', '.join(sorted(OVERRIDABLE))}",
            )
        measures.append(_measure(entry, pick, rate, library))
    out = {k: v for k, v in data.items() if k != "library"}
    out["measures"] = measures
    return out


def _measure(
    entry: dict[str, Any], pick: dict[str, Any], rate: float, library: dict[str, Any]
) -> dict[str, Any]:
    potential = float(pick["potential"])
    sources = entry.get("sources") or {}
    cited = "; ".join(
        f"{k}: {', '.join(v) if isinstance(v, list) else v}" for k, v in sources.items()
    )
    measure = {
        "id": entry["id"],
        "name": entry["name"],
        "sector": entry["sector"],
        "unit": entry.get("unit", "unit"),
        "potential": potential,
        "abatement": entry["abatement"],
        "capex": float(entry.get("capex", 0)) * rate,
        "opex": float(entry.get("opex", 0)) * rate,
        "lifetime": int(entry["lifetime"]),
        "jobs": float(entry.get("jobs", 0)),
        "sdgs": list(entry.get("sdgs", [])),
        "source": f"Kizuna measure library ({library['currency']} {library['price_year']}; "
        f"{cited})",
    }
    share = entry.get("max_rate_share")
    if share:
        measure["max_rate"] = float(share) * potential
    for key in OVERRIDABLE & set(pick):
        value = pick[key]
        measure[key] = value * rate if key in ("capex", "opex") else value
    return measure
