"""From series scores to indicators, global indicators, targets and goals.

Following Open SDG (``IndicatorProgress.get_indicator_progress``) and Statistics Canada's
aggregation:

- an indicator's score is the mean of its series' scores (series that cannot be assessed
  are left out); its status is the band of that score ([2.5, 5] substantial, [0, 2.5)
  moderate, [-2.5, 0) limited, [-5, -2.5) deterioration), or "target achieved" when every
  scored series has met its target; with the calculation off, a status given by hand;
- a global indicator's score is the mean of the scores of the city's indicators mapped to
  it, so that each sub-indicator (``11-1-1-a``, ``11-1-1-b``) weighs the same, as in
  Statistics Canada's sub-indicator grouping;
- a target's score is the mean over the global indicators (and purely local indicators)
  that inform it, an indicator repeated under several targets counting under each; a goal's
  score is the mean of its targets' scores, each target weighing the same.

Statuses of aggregates use the same bands; "target achieved" when all their members have
(a member whose status the city gives by hand, without a score, counts for that but not for
the mean).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kizuna.sdg.framework import Framework, sorted_numbers
from kizuna.sdg.local import LocalIndicator, local_indicator
from kizuna.sdg.opensdg import IndicatorData
from kizuna.sdg.progress import (
    STATUSES,
    SeriesProgress,
    assess_frame,
    assessed_records,
    status_from_score,
)
from kizuna.sdg.series import progress_enabled, series_table


@dataclass(frozen=True)
class IndicatorResult:
    """One of the city's indicators: its mapping, its series' results and its aggregate."""

    indicator: LocalIndicator
    series: list[SeriesProgress]
    score: float | None
    status: str
    manual: bool = False

    @property
    def id(self) -> str:
        """The indicator's id (``11-1-1-a``)."""
        return self.indicator.id

    @property
    def target_achieved(self) -> bool:
        """True when every scored series met its target."""
        return self.status == "target_achieved"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the indicator, ``score``, ``status``, ``manual`` and ``series``."""
        return {
            **self.indicator.to_dict(),
            "score": self.score,
            "status": self.status,
            "manual": self.manual,
            "series": [s.to_dict() for s in self.series],
        }


@dataclass(frozen=True)
class GroupResult:
    """An aggregate: a global indicator, a target or a goal (`key`: ``11.6.2``, ``11.6``,
    ``11``), its score and status, and the keys of the members it averages."""

    level: str
    key: str
    score: float | None
    status: str
    members: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "level": self.level,
            "key": self.key,
            "score": self.score,
            "status": self.status,
            "members": list(self.members),
        }


@dataclass(frozen=True)
class Assessment:
    """The progress of a city's indicators and of the goals they inform."""

    indicators: list[IndicatorResult]
    global_indicators: dict[str, GroupResult]
    targets: dict[str, GroupResult]
    goals: dict[int, GroupResult]
    framework_source: str = ""
    series_frame: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def goal_statuses(self) -> dict[int, str]:
        """The status of each of the 17 goals (``not_available`` without data): what the
        goal wheel colours."""
        return {
            n: (self.goals[n].status if n in self.goals else "not_available") for n in range(1, 18)
        }

    def indicator(self, indicator_id: str) -> IndicatorResult:
        """The result of one indicator, by id."""
        return next(i for i in self.indicators if i.id == indicator_id)

    def status_counts(self) -> dict[str, int]:
        """How many of the city's indicators have each status."""
        counts = dict.fromkeys(STATUSES, 0)
        for result in self.indicators:
            counts[result.status] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``kizuna sdg progress DATA_DIR --format json``."""
        return {
            "framework": self.framework_source,
            "status_counts": self.status_counts(),
            "indicators": [i.to_dict() for i in self.indicators],
            "global_indicators": [g.to_dict() for g in self.global_indicators.values()],
            "targets": [t.to_dict() for t in self.targets.values()],
            "goals": [g.to_dict() for g in self.goals.values()],
        }


def _mean(scores: Iterable[float | None]) -> float | None:
    values = [s for s in scores if s is not None and not np.isnan(s)]
    return float(np.mean(values)) if values else None


def _group(level: str, key: str, members: dict[str, tuple[float | None, bool]]) -> GroupResult:
    score = _mean(v[0] for v in members.values())
    achieved = bool(members) and all(v[1] for v in members.values())
    status = STATUSES[int(status_from_score(np.nan if score is None else score, achieved)[0])]
    return GroupResult(level, key, score, status, tuple(members))


def assess_indicators(items: list[IndicatorData], framework: Framework) -> Assessment:
    """Assess every indicator of a data folder (`kizuna.sdg.opensdg.read_data_dir`) and
    aggregate to global indicators, targets and goals (see the module docstring). All
    series are assessed in one vectorised call."""
    locals_ = {item.id: local_indicator(item, framework) for item in items}
    table = series_table(items)
    done = assess_frame(table) if not table.empty else table
    series = assessed_records(done) if not table.empty else []
    by_indicator: dict[str, list[SeriesProgress]] = {}
    for row, result in zip(table.itertuples(), series, strict=True):
        by_indicator.setdefault(str(row.indicator), []).append(result)
    results: list[IndicatorResult] = []
    for item in items:
        own = by_indicator.get(item.id, [])
        if progress_enabled(item):
            score = _mean(s.score for s in own)
            scored = [s for s in own if s.score is not None]
            achieved = bool(scored) and all(s.target_achieved for s in scored)
            status = STATUSES[
                int(status_from_score(np.nan if score is None else score, achieved)[0])
            ]
            results.append(IndicatorResult(locals_[item.id], own, score, status))
        else:
            manual = str(item.config.get("progress_status") or "not_available")
            status = manual if manual in STATUSES else "not_available"
            results.append(IndicatorResult(locals_[item.id], [], None, status, manual=True))
    return aggregate(results, framework, done)


def aggregate(
    results: list[IndicatorResult], framework: Framework, series_frame: pd.DataFrame | None = None
) -> Assessment:
    """Roll indicator results up to global indicators, targets and goals."""
    globals_: dict[str, dict[str, tuple[float | None, bool]]] = {}
    target_members: dict[str, dict[str, tuple[float | None, bool]]] = {}
    for result in results:
        value = (result.score, result.target_achieved)
        for number in result.indicator.global_indicators:
            globals_.setdefault(number, {})[result.id] = value
        if not result.indicator.global_indicators:
            for target in result.indicator.targets:
                target_members.setdefault(target, {})[result.id] = value
    global_results = {
        n: _group("global_indicator", n, globals_[n]) for n in sorted_numbers(globals_)
    }
    for number, group in global_results.items():
        for target in framework.targets_of(number):
            target_members.setdefault(target, {})[number] = (
                group.score,
                group.status == "target_achieved",
            )
    for result in results:
        for target in result.indicator.targets:
            if result.indicator.global_indicators and not any(
                target in framework.targets_of(n) for n in result.indicator.global_indicators
            ):
                target_members.setdefault(target, {})[result.id] = (
                    result.score,
                    result.target_achieved,
                )
    target_results = {
        t: _group("target", t, target_members[t]) for t in sorted_numbers(target_members)
    }
    goal_members: dict[int, dict[str, tuple[float | None, bool]]] = {}
    for key, group in target_results.items():
        goal_members.setdefault(int(key.split(".")[0]), {})[key] = (
            group.score,
            group.status == "target_achieved",
        )
    for result in results:
        if not result.indicator.targets:
            for goal in result.indicator.goals:
                goal_members.setdefault(goal, {})[result.id] = (
                    result.score,
                    result.target_achieved,
                )
    goal_results = {g: _group("goal", str(g), goal_members[g]) for g in sorted(goal_members)}
    return Assessment(
        results,
        global_results,
        target_results,
        goal_results,
        framework.source,
        series_frame if series_frame is not None else pd.DataFrame(),
    )
