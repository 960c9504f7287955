"""English and Japanese: the catalogue, the language of a request, the translated pages,
charts and plan report, and the language switch in a real browser.

The Japanese catalogue must translate every message the sources mark (templates, and
the ``_()``/``N_()`` of `kizuna.server` and `kizuna.reports`), and its compiled ``.mo``
must match its ``.po``: a new English text without a translation fails here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from fastapi import FastAPI
from fastapi.testclient import TestClient

import kizuna
from kizuna.planning import Plan, PlanResult, load_plan, optimise
from kizuna.planning.macc import macc_table
from kizuna.reference.gpc import gpc_taxonomy
from kizuna.reports import render_plan_report
from kizuna.reports.figures import Figure
from kizuna.reports.i18n import CHART_TEXTS, ENGLISH, GPC_NAMES, translate_label
from kizuna.server import i18n

HTML = {"accept": "text/html"}
SRC = Path(kizuna.__file__).parent
PO = i18n.LOCALES / "ja" / "LC_MESSAGES" / "kizuna.po"
MO = PO.with_suffix(".mo")
PLAN_FILE = Path(__file__).parent / "data" / "plans" / "testville.yaml"
JA_CITY_SCREENSHOT = Path("/tmp/kizuna-ja-city.png")
JA_PLAN_SCREENSHOT = Path("/tmp/kizuna-ja-plan.png")
PLACEHOLDER = re.compile(r"%\(\w+\)s")
CHART_JSON = re.compile(
    r'<script type="application/json" data-chart-for="(chart-[\w-]+)">(.*?)</script>', re.S
)


@pytest.fixture(autouse=True)
def forget_language(client: TestClient) -> Iterator[None]:
    """``?lang=`` sets a cookie on the module's shared client: drop it after each test."""
    yield
    client.cookies.clear()


# --- the catalogue ------------------------------------------------------------------------------


def extracted_messages() -> set[str]:
    """Every message the sources mark, read as ``pybabel extract`` reads them (the
    mapping of ``locales/babel.cfg``)."""
    method_map = [
        ("server/**.py", "python"),
        ("reports/**.py", "python"),
        ("server/templates/**.html", "jinja2"),
        ("reports/templates/**.html", "jinja2"),
    ]
    options = {"**.html": {"trimmed": "true"}}
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(SRC), method_map, options
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_mapping_file_matches_the_test() -> None:
    text = (i18n.LOCALES / "babel.cfg").read_text(encoding="utf-8")
    for section in ("python: server/**.py", "python: reports/**.py"):
        assert f"[{section}]" in text
    for section in ("jinja2: server/templates/**.html", "jinja2: reports/templates/**.html"):
        assert f"[{section}]" in text


def test_every_message_has_a_japanese_translation() -> None:
    catalog = read_po(PO.open("rb"))
    assert catalog.locale is not None
    assert str(catalog.locale) == "ja"
    messages = {m.id: m for m in catalog if m.id}
    missing = sorted(extracted_messages() - set(messages))
    assert missing == [], f"not in {PO} (run pybabel extract and update): {missing}"
    for msgid, message in messages.items():
        assert isinstance(msgid, str)
        assert message.string, f"no Japanese for {msgid!r}"
        assert not message.fuzzy, f"fuzzy translation of {msgid!r}"
        expected = sorted(PLACEHOLDER.findall(msgid))
        assert sorted(PLACEHOLDER.findall(message.string)) == expected, msgid
        assert msgid.count("%%") == message.string.count("%%"), msgid


def test_compiled_catalogue_matches_its_source() -> None:
    source = {m.id: m.string for m in read_po(PO.open("rb")) if m.id}
    compiled = {m.id: m.string for m in read_mo(MO.open("rb")) if m.id}
    assert compiled == source, "run: pybabel compile -d src/kizuna/server/locales -D kizuna"


def test_gpc_names_are_all_marked() -> None:
    taxonomy = gpc_taxonomy()
    names = set(taxonomy["sector"]) | set(taxonomy["subsector"])
    assert names <= set(GPC_NAMES)


def test_japanese_terms() -> None:
    ja = i18n.translations("ja")
    assert ja.gettext("Emissions") == "排出量"
    assert ja.gettext("Base year") == "基準年"
    assert ja.gettext("Targets") == "目標"
    assert ja.gettext("Milestones") == "マイルストーン"
    assert ja.gettext("Marginal abatement cost curve") == "限界削減費用曲線 (MACC)"


# --- the language of a request ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "cookie", "header", "expected"),
    [
        (None, None, None, "en"),
        (None, None, "ja-JP,ja;q=0.9,en;q=0.8", "ja"),
        (None, None, "fr-FR, en;q=0.5, ja;q=0.7", "ja"),
        (None, None, "de, fr;q=0.9", "en"),
        (None, None, "ja;q=0, en", "en"),
        (None, "ja", "en-GB", "ja"),
        ("en", "ja", "ja", "en"),
        ("xx", "ja", None, "ja"),
    ],
)
def test_negotiate(
    query: str | None, cookie: str | None, header: str | None, expected: str
) -> None:
    assert i18n.negotiate(query, cookie, header) == expected


def test_lang_query_sets_the_cookie(client: TestClient) -> None:
    r = client.get("/", params={"lang": "ja"}, headers=HTML)
    assert r.headers["content-language"] == "ja"
    assert "kizuna_lang=ja" in r.headers["set-cookie"]
    assert "Accept-Language" in r.headers["vary"]
    # the cookie keeps Japanese on the next page, without the query
    r = client.get("/cities/testville", headers=HTML)
    assert r.headers["content-language"] == "ja"
    assert '<html lang="ja">' in r.text
    # back to English
    r = client.get("/cities/testville", params={"lang": "en"}, headers=HTML)
    assert '<html lang="en">' in r.text
    assert "kizuna_lang=en" in r.headers["set-cookie"]


def test_accept_language_is_the_default(client: TestClient) -> None:
    r = client.get("/", headers={**HTML, "accept-language": "ja,en-US;q=0.8"})
    assert '<html lang="ja">' in r.text
    assert "<h1>都市</h1>" in r.text
    r = client.get("/", headers={**HTML, "accept-language": "en-US,en;q=0.8"})
    assert '<html lang="en">' in r.text


def test_language_switch_keeps_the_query(client: TestClient) -> None:
    page = client.get("/cities/testville?year=2015", headers=HTML).text
    assert 'href="/cities/testville?year=2015&amp;lang=ja" lang="ja" hreflang="ja"' in page
    assert 'lang="en" hreflang="en" aria-current="true">English</a>' in page
    assert '<nav class="lang-switch" aria-label="Language">' in page


# --- the pages in Japanese ----------------------------------------------------------------------


def charts_of(page: str) -> dict[str, Figure]:
    """The Plotly figures embedded in a page, by chart id."""
    return {m.group(1): json.loads(m.group(2)) for m in CHART_JSON.finditer(page)}


def labels_of(figure: Figure) -> list[str]:
    """Trace names, axis titles and annotations of a figure."""
    labels = [t["name"] for t in figure["data"] if t.get("name")]
    for key, value in figure["layout"].items():
        if key.startswith(("xaxis", "yaxis")) and value.get("title"):
            labels.append(value["title"]["text"])
    labels += [a["text"] for a in figure["layout"].get("annotations", [])]
    return labels


def test_japanese_city_page(client: TestClient) -> None:
    page = client.get("/cities/testville?lang=ja", headers=HTML).text
    assert '<html lang="ja">' in page
    for text in (
        "2021年の合計",  # Totals 2021
        '<label for="year">インベントリ年</label>',
        "セクター・スコープ別の排出量 (2021年)",
        "GPC 番号別の報告状況 (2021年)",
        '<h2 id="targets-h">目標</h2>',
        "基準年",
        "46 % 削減",
        "気候変動対策計画: 最小費用ロードマップと限界削減費用曲線",
        "BASIC の網羅率: 32 排出源中 7 を報告",
        '定置エネルギー <span class="gpc-en" lang="en">Stationary energy</span>',
        "本文へ移動",
    ):
        assert text in page, text
    # numbers keep their formatting
    assert "1,639" in page
    assert "6.3" in page
    charts = charts_of(page)
    sectors = charts["chart-sector-scope"]
    assert [t["name"] for t in sectors["data"]] == ["スコープ1", "スコープ2", "スコープ3"]
    assert sectors["data"][0]["x"][:3] == ["定置エネルギー", "運輸", "廃棄物"]
    totals = charts["chart-totals"]
    assert [t["name"] for t in totals["data"]] == ["BASIC", "BASIC+", "域内排出"]
    assert totals["layout"]["xaxis"]["title"]["text"] == "年"
    assert totals["data"][2]["hovertemplate"].startswith("域内排出 %{x}年: ")


def test_japanese_plan_page(client: TestClient) -> None:
    page = client.get("/cities/testville/plan?lang=ja", headers=HTML).text
    assert '<html lang="ja">' in page
    for text in (
        "Testville 気候変動対策計画",
        '<h2 id="summary-h">概要</h2>',
        '<h2 id="milestones-h">マイルストーン</h2>',
        "限界削減費用曲線 (MACC)",
        "正味現在費用",
        "グリーン投資",
        "18 件中 2 件未達",
        "基準年 2021年",
        "十億 JPY",
        "ペナルティ",
    ):
        assert text in page, text
    charts = charts_of(page)
    trajectory = charts["chart-trajectory"]
    assert trajectory["layout"]["yaxis"]["title"]["text"] == "排出量 (ktCO2e/年)"
    names = {t["name"] for t in trajectory["data"]}
    assert {"計画排出量", "現状趨勢 (BAU)", "マイルストーン達成", "マイルストーン未達"} <= names
    macc = charts["chart-macc"]
    assert macc["layout"]["yaxis"]["title"]["text"] == "均等化削減費用 (JPY/tCO2e)"
    assert macc["layout"]["xaxis"]["title"]["text"] == "年間削減ポテンシャル (ktCO2e/年)"
    assert "2030年の必要削減量 779 ktCO2e/年" in [t["name"] for t in macc["data"]]


def test_every_chart_label_is_translated(client: TestClient) -> None:
    """Each label of the English charts is different in Japanese, but for data: measure
    names, the GPC level names and unit labels (the inventory charts' axis titles). A chart
    text that `kizuna.reports` rewords without updating `CHART_TEXTS` and the catalogue
    fails here."""
    measures = {m["name"] for m in load_plan(PLAN_FILE).model_dump()["measures"]}
    kept = measures | {"BASIC", "BASIC+", "tCO2e", "ktCO2e", "MtCO2e"}
    for path in ("/cities/testville", "/cities/testville/plan"):
        english = charts_of(client.get(path, params={"lang": "en"}, headers=HTML).text)
        japanese = charts_of(client.get(path, params={"lang": "ja"}, headers=HTML).text)
        assert english.keys() == japanese.keys()
        for chart, figure in english.items():
            pairs = zip(labels_of(figure), labels_of(japanese[chart]), strict=True)
            same = [en for en, ja in pairs if en == ja and en not in kept]
            assert same == [], f"{path} {chart}: untranslated {same}"


def test_english_pages_have_no_japanese_texts(client: TestClient) -> None:
    page = client.get("/cities/testville/plan", headers=HTML).text
    page = page.replace("テストビル", "").replace("日本語", "").replace("絆", "")
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", page)


def test_translate_label_patterns() -> None:
    ja = i18n.translations("ja")
    assert translate_label("Scope 2: %{y:,.0f} ktCO2e", ja) == "スコープ2: %{y:,.0f} ktCO2e"
    assert translate_label("Scope 2", ja) == "スコープ2"
    assert translate_label("Electric cars", ja) == "Electric cars"
    assert (
        translate_label(
            "From 70 % of the targets the 2030 milestone is missed "
            "(not drawn: its marginal cost is the penalty)",
            ja,
        )
        == "目標の 70 % 以上では 2030年のマイルストーンが未達 (限界費用はペナルティのため描画せず)"
    )
    # English keeps every text as it is
    for message in CHART_TEXTS:
        assert translate_label(message, ENGLISH) == message


# --- the plan report in Japanese ----------------------------------------------------------------


@pytest.fixture(scope="module")
def testville_plan() -> tuple[Plan, PlanResult, pd.DataFrame]:
    plan = load_plan(PLAN_FILE)
    return plan, optimise(plan), macc_table(plan)


def test_japanese_plan_report(testville_plan: tuple[Plan, PlanResult, pd.DataFrame]) -> None:
    plan, result, macc = testville_plan
    html = render_plan_report(plan, result, macc, translations=i18n.translations("ja"))
    assert '<html lang="ja">' in html
    for text in (
        "計画レポート",
        "Testville: 最小費用ロードマップ 2023–2040年",
        "基準年 2021年",
        "マイルストーン",
        "正味現在費用",
        "限界削減費用曲線 (MACC)",
    ):
        assert text in html, text
    trajectory = charts_of(html)["chart-trajectory"]
    assert trajectory["layout"]["yaxis"]["title"]["text"] == "排出量 (ktCO2e/年)"
    english = render_plan_report(plan, result, macc)
    assert '<html lang="en">' in english
    assert "Plan report" in english


# --- in a real browser --------------------------------------------------------------------------


@pytest.fixture
def guarded(browser: Any) -> Iterator[Callable[[str], tuple[Any, list[str], list[str]]]]:
    """Opens pages whose requests to other hosts are aborted and recorded, with the
    console errors; returns (page, outside, errors) for a base URL."""
    contexts: list[Any] = []

    def open_page(base_url: str) -> tuple[Any, list[str], list[str]]:
        loopback = urlsplit(base_url).netloc
        outside: list[str] = []
        errors: list[str] = []
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        contexts.append(context)

        def guard(route: Any) -> None:
            if urlsplit(route.request.url).netloc == loopback:
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page, outside, errors

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.browser
def test_switch_to_japanese_in_a_browser(
    guarded: Callable[[str], tuple[Any, list[str], list[str]]],
    serve: Callable[[FastAPI], str],
    app: FastAPI,
) -> None:
    base_url = serve(app)
    page, outside, errors = guarded(base_url)
    page.goto(f"{base_url}/cities/testville")
    assert page.locator("html").get_attribute("lang") == "en"
    with page.expect_navigation():
        page.click('.lang-switch a[hreflang="ja"]')
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("#totals-h").inner_text() == "2021年の合計"
    assert page.locator('.lang-switch a[aria-current="true"]').inner_text() == "日本語"
    page.wait_for_selector("#chart-sector-scope.js-plotly-plot svg.main-svg", timeout=15_000)
    legend = page.locator("#chart-sector-scope .legendtext").all_text_contents()
    assert legend == ["スコープ1", "スコープ2", "スコープ3"]
    ticks = page.locator("#chart-sector-scope .xtick text").all_text_contents()
    assert "定置エネルギー" in ticks
    page.wait_for_selector("#chart-totals.js-plotly-plot svg.main-svg", timeout=15_000)
    page.screenshot(path=str(JA_CITY_SCREENSHOT), full_page=True)

    # the cookie keeps Japanese: the plan page, linked from the city page
    with page.expect_navigation():
        page.click("text=気候変動対策計画")
    assert page.url == f"{base_url}/cities/testville/plan"
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("#summary-h").inner_text() == "概要"
    page.wait_for_selector("#chart-trajectory.js-plotly-plot svg.main-svg", timeout=15_000)
    page.wait_for_selector("#chart-macc.js-plotly-plot svg.main-svg", timeout=15_000)
    assert page.locator("#chart-trajectory .legendtext", has_text="計画排出量").count() == 1
    title = page.locator("#chart-macc .g-ytitle").text_content()
    assert title == "均等化削減費用 (JPY/tCO2e)"
    page.screenshot(path=str(JA_PLAN_SCREENSHOT), full_page=True)

    assert outside == [], f"requests left the loopback server: {outside}"
    assert errors == [], f"browser errors: {errors}"
    assert JA_CITY_SCREENSHOT.stat().st_size > 10_000
    assert JA_PLAN_SCREENSHOT.stat().st_size > 10_000
