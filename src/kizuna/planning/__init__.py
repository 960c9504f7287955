"""Back-casting plans: BAU projection, milestones, measures, least-cost roadmap (HiGHS), MACC.

>>> from kizuna.planning import load_plan, optimise            # doctest: +SKIP
>>> result = optimise(load_plan("yokohama-plan.yaml"))         # doctest: +SKIP
>>> result.milestones[0].gap, result.npv                        # doctest: +SKIP
"""

from kizuna.planning.baseline import project_bau
from kizuna.planning.optimise import optimise
from kizuna.planning.plan import Plan, load_plan, parse_plan
from kizuna.planning.results import MeasureResult, MilestoneResult, PlanResult

__all__ = [
    "MeasureResult",
    "MilestoneResult",
    "Plan",
    "PlanResult",
    "load_plan",
    "optimise",
    "parse_plan",
    "project_bau",
]
