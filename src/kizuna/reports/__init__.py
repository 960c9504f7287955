"""Charts and HTML rendering shared by all report kinds (inventory, plan, ...).

A library: it never imports `kizuna.server` or `kizuna.cli`, which use it.

>>> from kizuna.planning import load_plan, optimise                  # doctest: +SKIP
>>> from kizuna.planning.macc import macc_table                       # doctest: +SKIP
>>> from kizuna.reports import write_plan_report                      # doctest: +SKIP
>>> plan = load_plan("plan.yaml")                                     # doctest: +SKIP
>>> write_plan_report(plan, optimise(plan), macc_table(plan), Path("plan.html"))  # doctest: +SKIP
"""

from kizuna.reports.figures import Figure
from kizuna.reports.plan_charts import macc_figure, sweep_figure, trajectory_figure
from kizuna.reports.plan_report import render_plan_report, write_plan_report
from kizuna.reports.plan_view import PlanView, plan_view

__all__ = [
    "Figure",
    "PlanView",
    "macc_figure",
    "plan_view",
    "render_plan_report",
    "sweep_figure",
    "trajectory_figure",
    "write_plan_report",
]
