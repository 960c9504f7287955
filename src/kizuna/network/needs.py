"""A city's needs, read from its own data: where its plan falls short, and what it lacks.

From a plan (`kizuna.planning.Plan`) and its least-cost roadmap (`PlanResult`):

- **Sector gaps** at the first milestone the roadmap misses, year y. A sector milestone gives
  its own gap. A city-wide cap C(y) is shared out in proportion to business as usual,
  C_s(y) = C(y) x BAU_s(y) / BAU(y) (every sector cutting the same fraction of its BAU), and
  gap_s = max(0, E_s(y) - C_s(y)) with E_s the planned emissions (tCO2e). Each plan sector is
  put on a GPC sector (the sector of the library measures it holds, or its own name when that
  is a GPC sector); `Needs.gap_share` is each GPC sector's share of the summed gaps.
- **Measures at their limits**, only when a milestone is missed: a measure whose stock reaches
  (1 - `LIMIT_TOLERANCE`) of its potential ("potential"), or whose installations reach that
  share of its annual rate limit in some year ("rate"). The plan would use more of them if
  the city had the capacity: that is what providers and peers can bring.
- **Off-track SDG indicators**, given as a list of indicator codes (``"7.2.1"``) by whoever
  assessed them (the SDG module, or the city).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kizuna.network.profiles import SECTORS
from kizuna.planning import Plan, PlanResult
from kizuna.planning.library import measure_library

LIMIT_TOLERANCE = 0.01

#: Short titles of the 17 SDGs (United Nations, "The 17 Goals", https://sdgs.un.org/goals),
#: the words that text matching reads for an off-track indicator's goal.
SDG_GOALS = {
    1: "No poverty",
    2: "Zero hunger",
    3: "Good health and well-being",
    4: "Quality education",
    5: "Gender equality",
    6: "Clean water and sanitation",
    7: "Affordable and clean energy",
    8: "Decent work and economic growth",
    9: "Industry, innovation and infrastructure",
    10: "Reduced inequalities",
    11: "Sustainable cities and communities",
    12: "Responsible consumption and production",
    13: "Climate action",
    14: "Life below water",
    15: "Life on land",
    16: "Peace, justice and strong institutions",
    17: "Partnerships for the goals",
}


@dataclass(frozen=True)
class SectorGap:
    sector: str  # the plan's sector
    gpc_sector: str | None
    year: int
    gap_tco2e: float


@dataclass(frozen=True)
class LimitedMeasure:
    id: str
    name: str
    sector: str  # the plan's sector
    gpc_sector: str | None
    limit: str  # "potential" or "rate"
    library_id: str | None  # the measure library id, when the measure comes from it


@dataclass(frozen=True)
class Needs:
    """What a city needs (module docstring); `to_dict` is its JSON shape."""

    city: str
    country: str | None = None
    region: str | None = None
    geonameid: int | None = None
    gaps: list[SectorGap] = field(default_factory=list)
    limited: list[LimitedMeasure] = field(default_factory=list)
    off_track: list[str] = field(default_factory=list)  # SDG indicator codes
    notes: str = ""  # free text the city adds ("we need financing for ...")

    @property
    def gap_share(self) -> dict[str, float]:
        """Each GPC sector's share of the summed sector gaps (0..1; empty when none)."""
        by: Counter[str] = Counter()
        for g in self.gaps:
            if g.gpc_sector is not None:
                by[g.gpc_sector] += g.gap_tco2e
        total = sum(by.values())
        return {s: v / total for s, v in by.items()} if total > 0 else {}

    @property
    def off_track_goals(self) -> set[int]:
        return {int(code.split(".")[0]) for code in self.off_track if code.split(".")[0].isdigit()}

    def text(self) -> str:
        """The needs in words, for text matching: sectors by gap, limited measures, goals."""
        library = measure_library()["measures"]
        parts = [s for s, _ in sorted(self.gap_share.items(), key=lambda kv: -kv[1])]
        for m in self.limited:
            entry = library.get(m.library_id or "")
            parts += [m.name, entry["name"] if entry else "", m.gpc_sector or ""]
        parts += [SDG_GOALS[g] for g in sorted(self.off_track_goals) if g in SDG_GOALS]
        parts.append(self.notes)
        return " ".join(p for p in parts if p)

    def to_dict(self) -> dict[str, Any]:
        return {
            "city": self.city,
            "country": self.country,
            "region": self.region,
            "geonameid": self.geonameid,
            "gaps": [g.__dict__ for g in self.gaps],
            "gap_share": self.gap_share,
            "limited_measures": [m.__dict__ for m in self.limited],
            "off_track_indicators": list(self.off_track),
            "notes": self.notes,
        }


def gpc_sectors_of(plan: Plan) -> dict[str, str | None]:
    """Each plan sector's GPC sector (module docstring)."""
    library = measure_library()["measures"]
    votes: dict[str, Counter[str]] = {}
    for m in plan.measures:
        entry = library.get(m.id)
        if entry is not None:
            votes.setdefault(m.sector, Counter())[entry["sector"]] += 1
    sectors = set(plan.baseline.sectors) | {m.sector for m in plan.measures}
    out: dict[str, str | None] = {}
    for s in sectors:
        if s in SECTORS:
            out[s] = s
        elif s in votes:
            out[s] = votes[s].most_common(1)[0][0]
        else:
            out[s] = None
    return out


def sector_gaps(plan: Plan, result: PlanResult) -> list[SectorGap]:
    """Per plan sector, the gap at the first missed milestone year (module docstring)."""
    missed = sorted((m for m in result.milestones if not m.met), key=lambda m: m.year)
    if not missed:
        return []
    year = missed[0].year
    gpc = gpc_sectors_of(plan)
    bau = result.bau_by_sector.loc[year]
    planned = result.emissions_by_sector.loc[year]
    gaps: dict[str, float] = {}
    for m in (m for m in missed if m.year == year):
        if m.sector is not None:
            gaps[m.sector] = max(gaps.get(m.sector, 0.0), m.gap)
            continue
        total = float(bau.sum())
        for s in bau.index:
            cap = m.cap * float(bau[s]) / total if total > 0 else 0.0
            gaps[s] = max(gaps.get(s, 0.0), float(planned[s]) - cap, 0.0)
    return [
        SectorGap(str(s), gpc.get(str(s)), int(year), float(g))
        for s, g in sorted(gaps.items(), key=lambda kv: -kv[1])
    ]


def limited_measures(plan: Plan, result: PlanResult) -> list[LimitedMeasure]:
    """Measures at their potential or rate limit, when the roadmap misses a milestone."""
    if result.all_met:
        return []
    library = measure_library()["measures"]
    gpc = gpc_sectors_of(plan)
    by_id = {m.id: m for m in plan.measures}
    keep = 1.0 - LIMIT_TOLERANCE
    out = []
    for r in result.measures:
        m = by_id.get(r.id)
        if m is None:
            continue
        limit = None
        if max(r.stock.values(), default=0.0) >= keep * m.potential:
            limit = "potential"
        elif m.max_rate and max(r.installed.values(), default=0.0) >= keep * m.max_rate:
            limit = "rate"
        if limit:
            out.append(
                LimitedMeasure(
                    m.id,
                    m.name,
                    m.sector,
                    gpc.get(m.sector),
                    limit,
                    m.id if m.id in library else None,
                )
            )
    return out


def needs_from_plan(
    plan: Plan,
    result: PlanResult,
    *,
    off_track: list[str] | None = None,
    country: str | None = None,
    region: str | None = None,
    geonameid: int | None = None,
    notes: str = "",
) -> Needs:
    """The needs of the plan's city (module docstring)."""
    return Needs(
        city=plan.city,
        country=country,
        region=region,
        geonameid=geonameid,
        gaps=sector_gaps(plan, result),
        limited=limited_measures(plan, result),
        off_track=list(off_track or []),
        notes=notes,
    )
