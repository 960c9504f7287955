"""Reviewing a plan as the world changes: scenarios, Monte Carlo risk, progress, re-plans.

>>> from kizuna.planning import load_plan, optimise                     # doctest: +SKIP
>>> from kizuna.review import stress_test, monte_carlo, read_actuals     # doctest: +SKIP
>>> plan = load_plan("plan.yaml"); result = optimise(plan)              # doctest: +SKIP
>>> stress_test(plan, result).table()   # under the packaged scenarios  # doctest: +SKIP
>>> monte_carlo(plan, result, draws=10_000, seed=1).milestones            # doctest: +SKIP
>>> actuals = read_actuals("actuals.csv", plan, delivery="delivery.csv")  # doctest: +SKIP
>>> track_progress(plan, actuals, result).on_track                        # doctest: +SKIP
>>> replan(plan, actuals, result).changes                                 # doctest: +SKIP

A library: it never imports `kizuna.server` or `kizuna.cli`. Methods: docs/review.md.
"""

from kizuna.review.actuals import Actuals, actuals_from_frame, read_actuals, read_delivery
from kizuna.review.batch import Reoptimised, reoptimise
from kizuna.review.replan import MeasureChange, ReplanResult, replan
from kizuna.review.risk import MilestoneRisk, RiskResult, monte_carlo
from kizuna.review.scenarios import (
    Scenario,
    ScenarioSet,
    default_scenarios,
    load_scenarios,
    parse_scenarios,
)
from kizuna.review.stress import ScenarioOutcome, StressResult, stress_test
from kizuna.review.tracking import ProgressResult, track_progress
from kizuna.review.uncertainty import RiskSpec, default_risk, load_risk, parse_risk

__all__ = [
    "Actuals",
    "MeasureChange",
    "MilestoneRisk",
    "ProgressResult",
    "Reoptimised",
    "ReplanResult",
    "RiskResult",
    "RiskSpec",
    "Scenario",
    "ScenarioOutcome",
    "ScenarioSet",
    "StressResult",
    "actuals_from_frame",
    "default_risk",
    "default_scenarios",
    "load_risk",
    "load_scenarios",
    "monte_carlo",
    "parse_risk",
    "parse_scenarios",
    "read_actuals",
    "read_delivery",
    "reoptimise",
    "replan",
    "stress_test",
    "track_progress",
]
