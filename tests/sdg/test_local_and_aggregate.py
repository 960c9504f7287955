"""Local indicators and their mapping; aggregation from series to indicators, targets and goals."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kizuna.errors import InputError
from kizuna.sdg.aggregate import assess_indicators
from kizuna.sdg.framework import goals_only
from kizuna.sdg.local import default_global, define_local_indicator, local_indicator
from kizuna.sdg.opensdg import IndicatorData
from kizuna.sdg.unsd import read_unsd_framework


def _growth_item(
    indicator_id: str, p: float, kizuna: dict | None = None, **option
) -> IndicatorData:
    """An indicator whose headline grows at P per year from 100 (2015) over 4 years, higher
    being better and no target: score 500 P - 5 (P >= 0.015) ... (see test_progress)."""
    frame = pd.DataFrame({"Year": [2015, 2019], "Value": [100.0, 100 * (1 + p) ** 4]})
    config = {
        "indicator_name": f"Indicator {indicator_id}",
        "auto_progress_calculation": True,
        "progress_calculation_options": [{"direction": "positive", **option}],
    }
    if kizuna:
        config["kizuna"] = kizuna
    return IndicatorData(indicator_id, frame, config)


def test_default_mapping() -> None:
    assert default_global("13-2-2") == ["13.2.2"]
    assert default_global("11-1-1-a") == ["11.1.1"]
    assert default_global("12-5-L1") == []


def test_local_indicator_checks() -> None:
    fw = goals_only()
    a = define_local_indicator("11-1-1-a", "Crowded homes", fw)
    assert (a.global_indicators, a.targets, a.goals, a.is_global) == (
        ("11.1.1",),
        ("11.1",),
        (11,),
        False,
    )
    own = define_local_indicator("12-5-L1", "Waste", fw, global_indicators=[], targets=["12.5"])
    assert own.goals == (12,)
    with pytest.raises(InputError, match="not a global indicator number"):
        define_local_indicator("x", "X", fw, global_indicators=["11.1"])
    with pytest.raises(InputError, match="maps to no global indicator"):
        define_local_indicator("city-1", "X", fw)
    with pytest.raises(InputError, match="goals are 1 to 17"):
        define_local_indicator("city-1", "X", fw, goals=[18])


@pytest.mark.shared_data
def test_mapping_checked_against_the_framework(shared_data: Path) -> None:
    fw = read_unsd_framework(shared_data / "sdg/un-global-indicator-framework-2025.csv")
    with pytest.raises(InputError, match=r"has no indicator 11\.1\.9"):
        define_local_indicator("11-1-9-a", "X", fw)
    item = IndicatorData(
        "13-1-1",
        pd.DataFrame({"Year": [2015], "Value": [1.0]}),
        {"indicator_name": "global_indicators.13-1-1-title"},
    )
    local = local_indicator(item, fw)
    assert local.name.startswith("Number of deaths, missing persons")
    assert local.targets == ("1.5", "11.5", "13.1")
    assert local.goals == (1, 11, 13)


def test_aggregation_by_hand() -> None:
    """Scores by hand (P per year, higher is better, C = 1): P = 0.02 -> 5; P = 0.01 ->
    250 x 0.01 - 1.25 = 1.25; P = -0.01 -> 125 x -0.01 - 2.5 = -3.75.

    11-1-1-a: one series, 5.             11-1-1-b: two series, 5 and -3.75 -> mean 0.625.
    Global 11.1.1 = mean(5, 0.625) = 2.8125 (sub-indicators weigh the same) -> substantial.
    11-6-2: P = 0.01 -> 1.25.  Target 11.1 = 2.8125, target 11.6 = 1.25.
    Goal 11 = mean(2.8125, 1.25) = 2.03125 -> moderate progress."""
    items = [
        _growth_item("11-1-1-a", 0.02),
        IndicatorData(
            "11-1-1-b",
            pd.DataFrame(
                {
                    "Year": [2015, 2019, 2015, 2019],
                    "Area": [None, None, "North", "North"],
                    "Value": [100.0, 100 * 1.02**4, 100.0, 100 * 0.99**4],
                }
            ),
            {
                "auto_progress_calculation": True,
                "progress_calculation_options": [
                    {"direction": "positive"},
                    {
                        "direction": "positive",
                        "disaggregation": [{"field": "Area", "value": "North"}],
                    },
                ],
            },
        ),
        _growth_item("11-6-2", 0.01),
    ]
    a = assess_indicators(items, goals_only())
    scores = {r.id: r.score for r in a.indicators}
    assert scores == pytest.approx({"11-1-1-a": 5.0, "11-1-1-b": 0.625, "11-6-2": 1.25})
    assert a.global_indicators["11.1.1"].score == pytest.approx(2.8125)
    assert a.global_indicators["11.1.1"].status == "substantial_progress"
    assert a.targets["11.1"].score == pytest.approx(2.8125)
    assert a.targets["11.6"].score == pytest.approx(1.25)
    assert a.goals[11].score == pytest.approx(2.03125)
    assert a.goals[11].status == "moderate_progress"
    assert a.goal_statuses()[11] == "moderate_progress"
    assert a.goal_statuses()[1] == "not_available"
    assert a.status_counts()["substantial_progress"] == 1


def test_target_achieved_needs_every_series() -> None:
    """Two series meet their targets -> target achieved (score 5); one misses -> the band of
    the mean score."""
    frame = pd.DataFrame({"Year": [2015, 2020], "Value": [10.0, 6.0]})
    options = [{"direction": "negative", "target": 7}, {"direction": "negative", "target": 8}]
    done = IndicatorData(
        "3-6-1", frame, {"auto_progress_calculation": True, "progress_calculation_options": options}
    )
    result = assess_indicators([done], goals_only())
    assert (result.indicators[0].score, result.indicators[0].status) == (5.0, "target_achieved")
    assert result.goals[3].status == "target_achieved"
    options[1]["target"] = 1
    partly = assess_indicators([done], goals_only()).indicators[0]
    assert partly.status == "substantial_progress"  # mean of 5 and the second score


def test_manual_status_and_purely_local_indicator() -> None:
    """With the calculation off, a status given in the config counts without a score; a local
    indicator mapped only to a target joins that target."""
    manual = IndicatorData(
        "16-b-1",
        pd.DataFrame({"Year": [2020], "Value": [1.0]}),
        {"progress_status": "target_achieved"},
    )
    own = _growth_item("12-5-L1", 0.02, kizuna={"global_indicators": [], "targets": ["12.5"]})
    a = assess_indicators([manual, own], goals_only())
    assert a.indicators[0].manual
    assert a.indicators[0].status == "target_achieved"
    assert a.indicators[0].score is None
    assert a.targets["12.5"].members == ("12-5-L1",)
    assert a.goals[12].score == 5.0
    assert (a.goals[16].score, a.goals[16].status) == (None, "target_achieved")
    assert a.to_dict()["goals"][0]["key"] == "12"


@pytest.mark.shared_data
def test_indicator_repeated_under_several_targets(shared_data: Path) -> None:
    """Data for 13.1.1 also informs 1.5 and 11.5 (the same UNSD code, C200303)."""
    fw = read_unsd_framework(shared_data / "sdg/un-global-indicator-framework-2025.csv")
    item = _growth_item("13-1-1", 0.02)
    a = assess_indicators([item], fw)
    assert set(a.targets) == {"1.5", "11.5", "13.1"}
    assert set(a.goals) == {1, 11, 13}
