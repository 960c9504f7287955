"""The VLR of the Yokohama demo: HTML and PDF, English and Japanese, every section there."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path

import pytest

from kizuna.errors import InputError
from kizuna.planning import PlanResult, optimise
from kizuna.sdg.vlr import SECTIONS, CityDir, build_vlr, load_city_dir, vlr_view

DEMO = Path(str(files("kizuna.demo").joinpath("data", "sdg", "yokohama")))
SECTION_IDS = [sid for sid, _ in SECTIONS]


class Fetches(HTMLParser):
    """Attributes that make a browser fetch something, and the section ids."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.sections: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("script", "img", "iframe") and found.get("src"):
            self.urls.append(found["src"] or "")
        if tag == "link" and found.get("href"):
            self.urls.append(found["href"] or "")
        if tag == "section" and found.get("id"):
            self.sections.append(found["id"] or "")


@pytest.fixture(scope="module")
def city() -> CityDir:
    return load_city_dir(DEMO)


@pytest.fixture(scope="module")
def plan_result(city: CityDir) -> PlanResult:
    assert city.plan is not None
    return optimise(city.plan)


@pytest.fixture(scope="module")
def built(
    city: CityDir, plan_result: PlanResult, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("vlr")
    out = {}
    for lang in ("en", "ja"):
        for kind in ("html", "pdf"):
            out[f"{lang}.{kind}"] = build_vlr(
                city, folder / f"vlr-{lang}.{kind}", lang, plan_result
            )
    return out


def test_demo_city_dir(city: CityDir) -> None:
    """Five indicators in Open SDG files, narratives in both languages, the demo plan."""
    assert [i.id for i in city.indicators] == [
        "1-2-2-a",
        "5-5-1-b",
        "11-6-2-a",
        "12-5-L1",
        "13-2-2",
    ]
    assert set(city.narratives["opening"]) == {"en", "ja"}
    assert city.plan is not None
    assert city.plan.city == "Yokohama"
    assert not city.framework.has_targets  # the demo ships no UN framework file
    cited = {s for i in city.indicators for s in i.kizuna.get("sources", [])}
    assert cited <= {s.id for s in city.config.sources}


def test_view_figures(city: CityDir, plan_result: PlanResult) -> None:
    """GHG per capita is computed from 13-2-2 and the population: FY2013 21.59 Mt / 3,693,788
    = 5.845 t; FY2020 16.48 Mt / 3,777,491 = 4.363 t. The plan's progress: R = 0.947
    (moderate, see test_climate)."""
    view = vlr_view(city, "en", plan_result)
    per_capita = view.assessment.indicator("13-2-2-a").series[0]
    assert per_capita.base_value == pytest.approx(21.59e6 / 3_693_788)
    assert per_capita.current_value == pytest.approx(16.48e6 / 3_777_491)
    assert view.goal_statuses[12] == "target_achieved"
    assert view.goal_statuses[2] == "not_available"
    assert view.climate is not None
    assert view.climate.status == "moderate_progress"
    groups = {(b.indicator, b.group): b.status for b in view.breakdowns}
    assert groups[("1-2-2-a", "Elderly households")] == "deterioration"  # 23,117 -> 26,398
    assert any("2009" in gap for gap in view.gaps)  # the waste series ends in FY2009
    assert view.to_dict()["goal_statuses"]["13"] == view.goal_statuses[13]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_html_is_self_contained_with_every_section(built: dict[str, Path], lang: str) -> None:
    html = built[f"{lang}.html"].read_text(encoding="utf-8")
    parser = Fetches()
    parser.feed(html)
    assert parser.sections == SECTION_IDS
    assert parser.urls == []  # nothing fetched: Plotly.js and CSS are inline
    assert "Plotly" in html
    assert 'data-chart-for="chart-wheel"' in html
    assert f'<html lang="{lang}">' in html
    if lang == "ja":
        for text in ("誰一人取り残さない", "統計附属書", "気候変動対策計画", "高齢者世帯"):
            assert text in html
    else:
        assert "Leave no one behind" in html
        assert "Elderly households" in html


def _pages(pdf: Path) -> int:
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
        return int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
    return len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))


def _inflated(data: bytes) -> bytes:
    """The PDF's bytes with every deflated stream inflated (font names hide in them)."""
    out = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(out)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_pdf_has_pages_and_fonts(built: dict[str, Path], lang: str) -> None:
    """A PDF of several pages; the Japanese one embeds IPA Gothic and its text extracts as
    Japanese (with pdftotext, when poppler-utils is installed)."""
    pdf = built[f"{lang}.pdf"]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert _pages(pdf) >= 8
    if lang == "ja":
        assert b"IPAPGothic" in _inflated(data) or b"IPAGothic" in _inflated(data)
        if shutil.which("pdftotext"):
            text = subprocess.run(
                ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
            ).stdout
            assert "目標ごとのレビュー" in text
            assert "横浜市" in text


def _city_copy(tmp_path: Path, old: str, new: str) -> Path:
    shutil.copytree(DEMO, tmp_path / "city", ignore=shutil.ignore_patterns("narrative"))
    path = tmp_path / "city" / "city.yaml"
    text = path.read_text(encoding="utf-8").replace("plan: ../../plans/yokohama.yaml", "")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path / "city"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("report_year: 2025", "report_year: 1990", "report_year"),
        ("source: census-2020-uub}", "source: nowhere}", "nowhere"),
        ("country: JP", "country: JP\ncolour: red", "colour"),
    ],
)
def test_city_yaml_errors(tmp_path: Path, old: str, new: str, expected: str) -> None:
    """A bad report year, an unknown source id and an unknown field are named."""
    with pytest.raises(InputError, match=expected):
        load_city_dir(_city_copy(tmp_path, old, new))


def test_output_kind(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"\.html or \.pdf"):
        build_vlr(DEMO, tmp_path / "report.docx")


def test_missing_translation_falls_back_to_english(tmp_path: Path) -> None:
    """A section without its Japanese file is shown in English, with a note; a narrative's raw
    HTML never reaches the report."""
    shutil.copytree(DEMO, tmp_path / "city")
    root = tmp_path / "city"
    (root / "narrative" / "ja" / "policy.md").unlink()
    (root / "narrative" / "en" / "policy.md").write_text("Policy <script>x()</script>", "utf-8")
    text = (root / "city.yaml").read_text(encoding="utf-8")
    (root / "city.yaml").write_text(text.replace("plan: ../../plans/yokohama.yaml", ""), "utf-8")
    html = build_vlr(root, root / "vlr.html", "ja").read_text(encoding="utf-8")
    assert "この節はまだ翻訳されていないため" in html
    assert "<script>x()" not in html
    assert "&lt;script&gt;x()" in html
    assert "気候変動対策計画(plan.yaml)がありません" in html
