"""Matchmaking: a city's needs against the solutions, case studies and peers that answer them.

Every candidate item i gets components c_ik in [0, 1] and the score S_i = sum_k w_k c_ik
(weights sum to 1, so S_i is in [0, 1]); each component is shown with its value, weight,
contribution w_k c_ik and a reason. For needs N (`kizuna.network.needs`):

| component   | value                                                                      |
|-------------|----------------------------------------------------------------------------|
| `sector`    | g(s_i) / max_s g(s): the item's GPC sector's share of the city's gap       |
| `measure`   | 1 if one of the item's measures is at its potential or rate limit, else 0   |
| `sdg`       | share of the off-track goals among the item's SDGs                         |
| `text`      | cosine similarity of the needs' words and the item's (`kizuna.network.text`)|
| `region`    | solutions: 1 if the provider serves the city's country, continent or all   |
| `readiness` | solutions: TRL / 9                                                         |
| `peer`      | case studies: the peer score of the case's city (`kizuna.network.peers`)   |
| `evidence`  | case studies: 1 with a measured outcome value, 0.5 without                 |

The functions rank what they are given: the server passes only the items the principal may
read (its SQL visibility rule); in memory, `kizuna.network.visibility.visible_items` does it.
Scores are computed for all items at once (numpy and scipy.sparse); reasons for the top ones.
Peer cities "that did it" are the cities of the matched case studies, best case first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from kizuna.errors import InputError
from kizuna.network.knowledge import CaseStudy, Solution
from kizuna.network.needs import Needs
from kizuna.network.peers import similarity
from kizuna.network.registry import Registry, fold
from kizuna.network.text import TextIndex
from kizuna.planning.library import measure_library

SOLUTION_WEIGHTS = {
    "sector": 0.30,
    "measure": 0.25,
    "text": 0.15,
    "sdg": 0.10,
    "region": 0.10,
    "readiness": 0.10,
}
CASE_WEIGHTS = {
    "sector": 0.30,
    "measure": 0.25,
    "text": 0.15,
    "sdg": 0.10,
    "peer": 0.15,
    "evidence": 0.05,
}


@dataclass(frozen=True)
class ScoreComponent:
    name: str
    value: float
    weight: float
    reason: str

    @property
    def contribution(self) -> float:
        return self.value * self.weight

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "weight": self.weight,
            "contribution": self.contribution,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Match:
    kind: str  # "solution" or "case_study"
    id: str
    title: str
    score: float
    components: list[ScoreComponent]
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def reasons(self) -> list[str]:
        """The reasons of the components that count, largest contribution first."""
        ranked = sorted(self.components, key=lambda c: -c.contribution)
        return [c.reason for c in ranked if c.contribution > 0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "score": self.score,
            "reasons": self.reasons,
            "components": [c.to_dict() for c in self.components],
            **self.detail,
        }


@dataclass(frozen=True)
class PeerCity:
    city: str
    country: str
    score: float  # the best score of its case studies
    peer_score: float | None
    case_studies: list[str]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class MatchResult:
    city: str
    method: str  # the text method that ran
    needs: Needs
    solutions: list[Match]
    case_studies: list[Match]
    peer_cities: list[PeerCity]

    def to_dict(self) -> dict[str, Any]:
        return {
            "city": self.city,
            "text_method": self.method,
            "needs": self.needs.to_dict(),
            "solutions": [m.to_dict() for m in self.solutions],
            "case_studies": [m.to_dict() for m in self.case_studies],
            "peer_cities": [p.to_dict() for p in self.peer_cities],
        }


def city_key(name: str, country: str, geonameid: int | None = None) -> str:
    """How `peer_scores` name a city: ``"geonames:1850147"``, else ``"tokyo|JP"``."""
    return f"geonames:{geonameid}" if geonameid is not None else f"{fold(name)}|{country}"


def case_peer_scores(
    registry: Registry, city: int | str, case_studies: Sequence[CaseStudy]
) -> dict[str, float]:
    """The peer score, for `city`, of the city of every case study found in the registry
    (by GeoNames id, else name and country), keyed by `city_key`: the `peer_scores` of
    `Catalogue.match`."""
    rows, keys = [], []
    for c in case_studies:
        row = registry.row_of_geonameid(c.geonameid) if c.geonameid is not None else None
        if row is None:
            found = registry.find(c.city, c.country)
            row = int(found[0]) if found.size else None
        if row is not None:
            rows.append(row)
            keys.append(city_key(c.city, c.country, c.geonameid))
    if not rows:
        return {}
    scores = similarity(registry, city, rows)
    return {k: float(v) for k, v in zip(keys, scores, strict=True)}


class _Items:
    """Arrays over a list of items: sector, measures (sparse membership), SDGs, text."""

    def __init__(
        self,
        sectors: list[str | None],
        measures: list[list[str]],
        sdgs: list[list[int]],
        texts: list[str],
        method: str,
    ) -> None:
        self.n = len(sectors)
        self.sectors = np.array(sectors, dtype=object)
        self.measure_ids: dict[str, int] = {}
        rows, cols = [], []
        for i, ms in enumerate(measures):
            for m in ms:
                rows.append(i)
                cols.append(self.measure_ids.setdefault(m, len(self.measure_ids)))
        self.measures = sp.csr_matrix(
            (np.ones(len(rows)), (np.array(rows, dtype=int), np.array(cols, dtype=int))),
            shape=(self.n, max(1, len(self.measure_ids))),
        )
        self.sdg_bits = np.array([sum(1 << g for g in set(s)) for s in sdgs], dtype=np.int64)
        self.text = TextIndex(texts, method=method)

    def components(self, needs: Needs, query: str) -> dict[str, np.ndarray]:
        share = needs.gap_share
        top = max(share.values(), default=0.0)
        sector = np.zeros(self.n)
        if top > 0:
            for s, v in share.items():
                sector[self.sectors == s] = v / top
        wanted = np.zeros(self.measures.shape[1])
        for m in needs.limited:
            j = self.measure_ids.get(m.library_id or m.id)
            if j is not None:
                wanted[j] = 1.0
        measure = (self.measures @ wanted > 0).astype(float)
        goals = needs.off_track_goals
        sdg = np.zeros(self.n)
        for g in goals:  # at most 17 goals, each one vector operation over the items
            sdg += (self.sdg_bits >> g) & 1
        if goals:
            sdg /= len(goals)
        text = self.text.similarity(query) if query.strip() else np.zeros(self.n)
        return {"sector": sector, "measure": measure, "sdg": sdg, "text": text}


class Catalogue:
    """Solutions and case studies prepared for matching many cities (build once, match often)."""

    def __init__(
        self,
        solutions: Sequence[Solution],
        case_studies: Sequence[CaseStudy],
        *,
        method: str = "tfidf",
    ) -> None:
        self.solutions = list(solutions)
        self.case_studies = list(case_studies)
        self._sol = _Items(
            [s.sector for s in self.solutions],
            [[s.measure_type] for s in self.solutions],
            [s.sdgs for s in self.solutions],
            [s.text() for s in self.solutions],
            method,
        )
        self._cases = _Items(
            [c.sector for c in self.case_studies],
            [c.measures for c in self.case_studies],
            [c.sdgs for c in self.case_studies],
            [c.text() for c in self.case_studies],
            method,
        )
        self.method = self._sol.text.method
        places: dict[str, int] = {}
        rows, cols = [], []
        for i, s in enumerate(self.solutions):
            for r in s.regions:
                rows.append(i)
                cols.append(places.setdefault(r.upper() if r != "global" else r, len(places)))
        self._places = places
        self._serves = sp.csr_matrix(
            (np.ones(len(rows)), (np.array(rows, dtype=int), np.array(cols, dtype=int))),
            shape=(len(self.solutions), max(1, len(places))),
        )
        self._trl = np.array([s.trl for s in self.solutions], dtype=float)
        self._evidence = np.array(
            [1.0 if c.outcome.value is not None else 0.5 for c in self.case_studies]
        )
        self._case_city = [city_key(c.city, c.country, c.geonameid) for c in self.case_studies]
        self._case_city_name = [city_key(c.city, c.country) for c in self.case_studies]

    def match(
        self,
        needs: Needs,
        *,
        peer_scores: dict[str, float] | None = None,
        limit: int = 10,
        solution_weights: dict[str, float] | None = None,
        case_weights: dict[str, float] | None = None,
    ) -> MatchResult:
        """Rank the catalogue for `needs` (module docstring). `peer_scores` maps `city_key`s
        to the peer score of that city for the needing city (`kizuna.network.peers.similarity`).
        The needing city's own case studies are left out."""
        sw = _weights(solution_weights, SOLUTION_WEIGHTS)
        cw = _weights(case_weights, CASE_WEIGHTS)
        query = needs.text()
        comps = self._sol.components(needs, query)
        places = [p for p in ("global", needs.country, needs.region) if p]
        want = np.zeros(self._serves.shape[1])
        for p in places:
            j = self._places.get(p if p == "global" else p.upper())
            if j is not None:
                want[j] = 1.0
        comps["region"] = (self._serves @ want > 0).astype(float)
        comps["readiness"] = self._trl / 9.0
        sol_scores = sum(sw[k] * comps[k] for k in sw)
        solutions = [
            self._solution_match(int(i), comps, sw, needs, float(sol_scores[i]))
            for i in _top(sol_scores, limit)
        ]
        ccomps = self._cases.components(needs, query)
        scores = peer_scores or {}
        ccomps["peer"] = np.array(
            [
                scores.get(a, scores.get(b, 0.0))
                for a, b in zip(self._case_city, self._case_city_name, strict=True)
            ],
            dtype=float,
        )
        ccomps["evidence"] = self._evidence
        case_scores = sum(cw[k] * ccomps[k] for k in cw)
        own = {
            city_key(needs.city, needs.country or "", needs.geonameid),
            city_key(needs.city, needs.country or ""),
        }
        mine = np.array(
            [
                a in own or b in own
                for a, b in zip(self._case_city, self._case_city_name, strict=True)
            ],
            dtype=bool,
        )
        case_scores = np.where(mine, -np.inf, case_scores)
        cases = [
            self._case_match(int(i), ccomps, cw, needs, float(case_scores[i]), scores)
            for i in _top(case_scores, min(limit, int((~mine).sum())))
        ]
        return MatchResult(
            city=needs.city,
            method=self.method,
            needs=needs,
            solutions=solutions,
            case_studies=cases,
            peer_cities=_peer_cities(cases, self.case_studies, scores),
        )

    def _solution_match(
        self,
        i: int,
        comps: dict[str, np.ndarray],
        w: dict[str, float],
        needs: Needs,
        score: float,
    ) -> Match:
        s = self.solutions[i]
        reasons = {
            "sector": _sector_reason(s.sector, needs),
            "measure": _measure_reason([s.measure_type], needs),
            "sdg": _sdg_reason(s.sdgs, needs),
            "text": f"text similarity {comps['text'][i]:.2f} ({self.method})",
            "region": "serves the city's area"
            if comps["region"][i]
            else "does not list the city's country or continent",
            "readiness": f"TRL {s.trl}",
        }
        detail = {
            "provider": s.provider,
            "sector": s.sector,
            "measure_type": s.measure_type,
            "trl": s.trl,
            "cost_band": s.cost_band,
        }
        return Match("solution", s.id, s.name, score, _components(i, comps, w, reasons), detail)

    def _case_match(
        self,
        i: int,
        comps: dict[str, np.ndarray],
        w: dict[str, float],
        needs: Needs,
        score: float,
        peers: dict[str, float],
    ) -> Match:
        c = self.case_studies[i]
        peer = peers.get(self._case_city[i], peers.get(self._case_city_name[i]))
        reasons = {
            "sector": _sector_reason(c.sector or "", needs),
            "measure": _measure_reason(c.measures, needs),
            "sdg": _sdg_reason(c.sdgs, needs),
            "text": f"text similarity {comps['text'][i]:.2f} ({self.method})",
            "peer": f"{c.city} is a peer city (score {peer:.2f})"
            if peer
            else f"{c.city} is not among the city's peers",
            "evidence": "outcome measured"
            if c.outcome.value is not None
            else "outcome described, not measured",
        }
        detail = {"city": c.city, "country": c.country, "measures": c.measures, "sector": c.sector}
        return Match("case_study", c.id, c.title, score, _components(i, comps, w, reasons), detail)


def match(
    needs: Needs,
    solutions: Sequence[Solution],
    case_studies: Sequence[CaseStudy],
    *,
    peer_scores: dict[str, float] | None = None,
    limit: int = 10,
    method: str = "tfidf",
) -> MatchResult:
    """Rank `solutions` and `case_studies` for `needs` (a `Catalogue` built for one call)."""
    return Catalogue(solutions, case_studies, method=method).match(
        needs, peer_scores=peer_scores, limit=limit
    )


def _weights(given: dict[str, float] | None, default: dict[str, float]) -> dict[str, float]:
    if given is None:
        return dict(default)
    unknown = sorted(set(given) - set(default))
    if unknown or any(v < 0 for v in given.values()) or sum(given.values()) <= 0:
        raise InputError(
            f"bad match weights {given}", hint=f"non-negative weights of {sorted(default)}"
        )
    total = sum(given.values())
    return {k: given.get(k, 0.0) / total for k in default}


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    k = min(k, scores.size)
    if k <= 0:
        return np.empty(0, dtype=int)
    part = np.argpartition(-scores, k - 1)[:k] if k < scores.size else np.arange(scores.size)
    return part[np.lexsort((part, -scores[part]))]


def _components(
    i: int, comps: dict[str, np.ndarray], w: dict[str, float], reasons: dict[str, str]
) -> list[ScoreComponent]:
    return [ScoreComponent(k, float(comps[k][i]), w[k], reasons[k]) for k in w]


def _sector_reason(sector: str, needs: Needs) -> str:
    share = needs.gap_share.get(sector)
    if not share:
        return f"{sector}: no gap in the plan" if needs.gaps else "the plan has no gap"
    year = needs.gaps[0].year
    return f"{sector}: {share:.0%} of the city's gap to its {year} milestone"


def _measure_reason(ids: list[str], needs: Needs) -> str:
    library = measure_library()["measures"]
    for m in needs.limited:
        if (m.library_id or m.id) in ids:
            name = library.get(m.library_id or "", {}).get("name", m.name)
            return f"{name}: at its {m.limit} limit in the plan"
    return "not a measure the plan is short of"


def _sdg_reason(sdgs: list[int], needs: Needs) -> str:
    hit = sorted(set(sdgs) & needs.off_track_goals)
    if hit:
        return "addresses off-track SDG " + ", ".join(str(g) for g in hit)
    return "no off-track SDG" if not needs.off_track else "none of the off-track SDGs"


def _peer_cities(
    matches: list[Match], cases: list[CaseStudy], peers: dict[str, float]
) -> list[PeerCity]:
    by_id = {c.id: c for c in cases}
    out: dict[tuple[str, str], PeerCity] = {}
    for m in matches:
        c = by_id[m.id]
        relevant = any(x.name in ("sector", "measure") and x.value > 0 for x in m.components)
        if not relevant:
            continue
        key = city_key(c.city, c.country, c.geonameid)
        if key in out:
            out[key].case_studies.append(c.id)
            continue
        peer = peers.get(key, peers.get(city_key(c.city, c.country)))
        out[key] = PeerCity(c.city, c.country, m.score, peer, [c.id])
    return sorted(out.values(), key=lambda p: -p.score)
