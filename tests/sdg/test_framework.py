"""The framework: the packaged goals, the UNSD export and Open SDG translation files."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from kizuna.errors import InputError, NotFound
from kizuna.sdg.framework import (
    framework_from_dict,
    goal_of,
    goals_only,
    id_from_number,
    number_from_id,
    read_framework,
    sorted_numbers,
    target_of,
)
from kizuna.sdg.goals import goal, goal_sources, goals
from kizuna.sdg.translations import add_language, framework_from_translations, read_translations
from kizuna.sdg.unsd import read_unsd_framework

UNSD = "sdg/un-global-indicator-framework-2025.csv"


def test_seventeen_goals_with_colours_and_japanese_names() -> None:
    """The UN guidelines' colours (Goal 1 #E5243B, Goal 13 #3F7E44, Goal 17 #19486A) and
    names in both languages, each field cited."""
    all_goals = goals()
    assert [g.number for g in all_goals] == list(range(1, 18))
    assert all(re.fullmatch(r"#[0-9A-F]{6}", g.colour) for g in all_goals)
    assert len({g.colour for g in all_goals}) == 17
    assert (goal(1).colour, goal(13).colour, goal(17).colour) == ("#E5243B", "#3F7E44", "#19486A")
    assert goal(13).short == "Climate action"
    assert goal(13).short_ja == "気候変動に具体的な対策を"
    assert goal("11").title_in("ja").startswith("包摂的で安全かつ強靱")
    assert all(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", g.title_ja) for g in all_goals)
    cited = {f for s in goal_sources() for f in s["fields"]}
    assert cited == {"colour", "short", "title", "short_ja", "title_ja"}
    with pytest.raises(NotFound):
        goal(18)


def _count_raw(path: Path) -> tuple[set[str], set[str], set[str], int]:
    """Goal numbers, target numbers and distinct UNSD codes found by regular expressions on the
    raw text (independent of the reader), and the number of indicator rows."""
    text = path.read_text(encoding="utf-8")
    goal_numbers = set(re.findall(r'(?m)^,"?Goal (\d+)\.', text))
    rows = list(csv.reader(text.splitlines(True)))
    targets = {m.group(1) for r in rows if (m := re.match(r"(\d+\.[0-9a-z]+) ", r[1].strip()))}
    indicator_rows = [r for r in rows if re.match(r"\d+\.[0-9a-z]+\.\d+ ", r[2].strip())]
    codes = set(re.findall(r",(C[0-9a-z]{6})\s*$", text, re.M))
    return goal_numbers, targets, codes, len(indicator_rows)


@pytest.mark.shared_data
def test_unsd_export_counts(shared_data: Path) -> None:
    """17 goals, 169 targets; indicator rows and distinct indicators (by UNSD code) as counted
    on the raw file: 251 rows and 235 codes in the 2025 export (12 codes repeat under 2-3
    targets)."""
    path = shared_data / UNSD
    goal_numbers, targets, codes, rows = _count_raw(path)
    fw = read_unsd_framework(path)
    assert len(goal_numbers) == 17
    assert len(fw.goals) == 17
    assert len(targets) == 169
    assert set(fw.targets) == targets
    assert len(fw.indicators) == rows
    assert fw.unique_indicator_count() == len(codes)
    assert sum(len(t.indicators) for t in fw.targets.values()) == rows


@pytest.mark.shared_data
def test_unsd_export_details(shared_data: Path) -> None:
    """Repeated indicators share their code; footnote markers are stripped; goal 17's
    sub-headings are not targets."""
    fw = read_unsd_framework(shared_data / UNSD)
    assert fw.twins("13.1.1") == ["13.1.1", "1.5.1", "11.5.1"]
    assert fw.targets_of("11.5.1") == ["11.5", "1.5", "13.1"]
    assert fw.indicators["1.5.1"].code == "C200303"
    assert fw.indicators["17.6.1"].title.endswith("by speed")
    assert fw.indicators["13.2.2"].title == "Total greenhouse gas emissions per year"
    assert fw.targets["9.c"].title.endswith("by 2020")  # a year at the end is kept
    assert "Finance" not in {t.title for t in fw.targets.values()}
    assert fw.targets["1.1"].indicators == ("1.1.1",)


@pytest.mark.shared_data
def test_framework_json_round_trip(shared_data: Path, tmp_path: Path) -> None:
    fw = read_unsd_framework(shared_data / UNSD)
    path = tmp_path / "framework.json"
    path.write_text(json.dumps(fw.to_dict()), encoding="utf-8")
    back = read_framework(path)
    assert back.targets == fw.targets
    assert back.indicators == fw.indicators
    assert back.to_dict()["counts"] == {
        "goals": 17,
        "targets": 169,
        "indicator_rows": 251,
        "unique_indicators": 235,
    }


def test_unsd_reader_errors(tmp_path: Path) -> None:
    """An indicator under the wrong target names its row; a file without goals is refused."""
    bad = tmp_path / "bad.csv"
    bad.write_text(
        ",Goal 1. End poverty,,\n,1.1 Eradicate extreme poverty,1.2.1 Wrong place,C010201\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"listed under target 1\.1") as info:
        read_unsd_framework(bad)
    assert info.value.where[0].row == 2
    empty = tmp_path / "empty.csv"
    empty.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InputError, match="no goal and target rows"):
        read_unsd_framework(empty)
    with pytest.raises(InputError, match="not a Kizuna framework"):
        framework_from_dict({"targets": [{"number": "1.1"}]})


@pytest.mark.shared_data
def test_open_sdg_translations(shared_data: Path) -> None:
    """The English files hold 17 goals, 169 targets and 252 indicator titles (pre-2025 wording);
    Chinese titles are added to the UNSD framework by number."""
    folder = shared_data / "sdg" / "translations"
    en = read_translations(folder, "en")
    assert (len(en.goal_titles), len(en.goal_shorts), len(en.targets)) == (17, 17, 169)
    assert len(en.indicators) == 252
    assert en.lookup("global_indicators.1-1-1-title").startswith("Proportion of the population")
    assert en.lookup("global_goals.13-short") == "Climate action"
    assert en.lookup("global_targets.99-9-title") is None
    fw = framework_from_translations(folder, "en")
    assert len(fw.targets) == 169
    assert fw.indicators["1.1.1"].target == "1.1"
    unsd = add_language(read_unsd_framework(shared_data / UNSD), folder, "zh-Hans")
    assert unsd.target_title("1.1", "zh-Hans").startswith("到2030年")
    assert unsd.indicator_title("1.1.1", "en").startswith("Proportion of the population")
    assert unsd.indicator_title("1.1.1", "ja") == unsd.indicator_title("1.1.1")  # fallback


def test_numbers_and_goals_only() -> None:
    assert number_from_id("11-1-1-a") == "11.1.1.a"
    assert id_from_number("11.6.2") == "11-6-2"
    assert target_of("11.6.2.a") == "11.6"
    assert target_of("x") is None
    assert goal_of("13.2.2") == 13
    assert goal_of("18.1") is None
    assert sorted_numbers(["1.10", "1.a", "1.2", "11.1"]) == ["1.2", "1.10", "1.a", "11.1"]
    fw = goals_only()
    assert not fw.has_targets
    assert fw.targets_of("11.6.2") == ["11.6"]
