"""SDG framework, indicator data (Open SDG format), progress assessment, Voluntary Local Reviews.

A library: it never imports `kizuna.server` or `kizuna.cli`.

>>> from kizuna.sdg import assess_series                                  # doctest: +SKIP
>>> assess_series(14.5, 2015, 10.2, 2023, -1, target=7.25).score          # doctest: +SKIP
2.5185563910306596
>>> from kizuna.sdg import assess_indicators, goals_only, read_data_dir   # doctest: +SKIP
>>> assessment = assess_indicators(read_data_dir("data/"), goals_only())  # doctest: +SKIP
>>> assessment.goal_statuses()                                            # doctest: +SKIP
"""

from kizuna.sdg.aggregate import Assessment, GroupResult, IndicatorResult, assess_indicators
from kizuna.sdg.charts import goal_wheel_figure, indicator_trend_figure, status_label
from kizuna.sdg.climate import (
    ghg_per_capita,
    ghg_per_capita_frame,
    plan_progress,
    planned_renewable_generation,
    renewable_share,
)
from kizuna.sdg.framework import Framework, Indicator, Target, goals_only, read_framework
from kizuna.sdg.goals import Goal, goal, goals
from kizuna.sdg.local import LocalIndicator, define_local_indicator, local_indicator
from kizuna.sdg.opensdg import (
    IndicatorData,
    read_data_dir,
    read_indicator,
    read_indicator_config,
    read_indicator_csv,
    read_indicator_text,
    write_data_dir,
    write_indicator_config,
    write_indicator_csv,
)
from kizuna.sdg.progress import (
    STATUS_COLOURS,
    STATUS_LABELS,
    STATUSES,
    SeriesProgress,
    assess_arrays,
    assess_frame,
    assess_series,
    series_results,
)
from kizuna.sdg.translations import add_language, framework_from_translations, read_translations
from kizuna.sdg.unsd import read_unsd_framework

__all__ = [
    "STATUSES",
    "STATUS_COLOURS",
    "STATUS_LABELS",
    "Assessment",
    "Framework",
    "Goal",
    "GroupResult",
    "Indicator",
    "IndicatorData",
    "IndicatorResult",
    "LocalIndicator",
    "SeriesProgress",
    "Target",
    "add_language",
    "assess_arrays",
    "assess_frame",
    "assess_indicators",
    "assess_series",
    "define_local_indicator",
    "framework_from_translations",
    "ghg_per_capita",
    "ghg_per_capita_frame",
    "goal",
    "goal_wheel_figure",
    "goals",
    "goals_only",
    "indicator_trend_figure",
    "local_indicator",
    "plan_progress",
    "planned_renewable_generation",
    "read_data_dir",
    "read_framework",
    "read_indicator",
    "read_indicator_config",
    "read_indicator_csv",
    "read_indicator_text",
    "read_translations",
    "read_unsd_framework",
    "renewable_share",
    "series_results",
    "status_label",
    "write_data_dir",
    "write_indicator_config",
    "write_indicator_csv",
]
