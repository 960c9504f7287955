"""The HTML pages, through FastAPI's TestClient on a real SQLite file.

Expected figures are computed by hand from ``data/testville.csv`` (AR5: CH4 = 28):
Testville 2021 BASIC = 350,000 + 380,000 + 150,000 + 160,000 + 540,000 + 2,100 x 28
= 1,638,800 tCO2e, shown as 1,639 ktCO2e; territorial (scope 1) = 350,000 + 150,000
+ 540,000 + 58,800 + 25,000 = 1,123,800 tCO2e (1,124 kt); per capita BASIC
= 1,638,800 / 262,000 = 6.3 tCO2e.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import ClassVar

from fastapi.testclient import TestClient

HTML = {"accept": "text/html"}


class ResourceLinks(HTMLParser):
    """Collects every attribute that makes a browser fetch something, and the html lang."""

    FETCHING: ClassVar[set[tuple[str, str]]] = {
        ("script", "src"),
        ("link", "href"),
        ("img", "src"),
        ("iframe", "src"),
        ("source", "src"),
        ("video", "src"),
        ("audio", "src"),
        ("embed", "src"),
        ("object", "data"),
        ("img", "srcset"),
        ("form", "action"),
    }

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.all_attrs: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            self.all_attrs.append(value)
            if (tag, name) in self.FETCHING:
                self.urls.append(value)
            if tag == "html" and name == "lang":
                self.lang = value


def parse(html: str) -> ResourceLinks:
    parser = ResourceLinks()
    parser.feed(html)
    return parser


def assert_self_contained(html: str) -> None:
    """No attribute points to another host, and no style pulls a remote url()."""
    links = parse(html)
    assert links.urls, "expected some resources (CSS, scripts)"
    for url in links.urls:
        assert url.startswith("/"), url
        assert not url.startswith("//"), url
    for value in links.all_attrs:
        assert "://" not in value, value
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)


def test_index_lists_cities_with_totals(client: TestClient) -> None:
    r = client.get("/", headers=HTML)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    page = r.text
    assert parse(page).lang == "en"
    assert '<a href="/cities/testville">Testville</a>' in page
    assert '<span class="name-ja" lang="ja">テストビル</span>' in page
    assert "262,000" in page  # population with a thousands separator
    # 2021 totals in ktCO2e: BASIC, BASIC+, territorial; BASIC per capita
    for figure in ("1,639", "1,676", "1,124", "6.3"):
        assert f'<td class="num">{figure}</td>' in page, figure
    assert "ktCO2e" in page
    assert '<th scope="col"' in page
    assert '<th scope="row">' in page
    assert_self_contained(page)


def test_city_page_shows_latest_inventory(client: TestClient) -> None:
    r = client.get("/cities/testville", headers=HTML)
    assert r.status_code == 200
    page = r.text
    assert "Totals 2021" in page
    assert '<option value="2021" selected>' in page
    assert '<option value="2015">' in page
    assert "1,639" in page
    assert "ktCO2e" in page
    # the charts are Plotly figures embedded as JSON, drawn by our script and the local Plotly
    assert 'data-chart-for="chart-sector-scope"' in page
    assert 'data-chart-for="chart-totals"' in page  # two inventory years
    assert '<script src="/static/vendor/plotly.min.js?v=' in page
    assert_self_contained(page)


def test_city_page_completeness_and_profile(client: TestClient) -> None:
    page = client.get("/cities/testville", headers=HTML).text
    # I.4.4 reported with notation key NO and its explanation; III.4.1 with IE
    assert re.search(
        r"I\.4\.4</code>.*?status-notation.*?>NO</abbr>.*?no power plant in the city", page, re.S
    )
    assert re.search(r"III\.4\.1</code>.*?status-notation.*?>IE</abbr>", page, re.S)
    assert re.search(r"I\.1\.1</code>.*?status-value", page, re.S)
    assert re.search(r"I\.1\.3</code>.*?status-missing", page, re.S)
    assert "BASIC coverage: 7 of 32" in page
    assert "46 % reduction" in page
    assert "Testville climate plan" in page
    assert "Testville climate action plan" in page  # source


def test_city_page_year_selector(client: TestClient) -> None:
    page = client.get("/cities/testville?year=2015", headers=HTML).text
    assert "Totals 2015" in page
    assert '<option value="2015" selected>' in page
    # 2015 BASIC = 410,000 + 520,000 + 180,000 + 600,000 + 2,500 x 28 = 1,780,000 t
    assert "1,780" in page


def test_city_with_one_inventory_has_no_trend_chart(client: TestClient) -> None:
    page = client.get("/cities/emptyburg", headers=HTML).text
    assert "Totals 2020" in page
    assert 'data-chart-for="chart-totals"' not in page
    assert "1,235 <span" in page  # 1,234.6 tCO2e shown in tCO2e, the unit for small totals


def test_unknown_city_is_a_404_page_for_browsers(client: TestClient) -> None:
    r = client.get("/cities/atlantis", headers=HTML)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "No city with slug &#39;atlantis&#39;" in r.text
    assert "emptyburg, testville" in r.text  # the hint names the known cities


def test_unknown_year_is_404(client: TestClient) -> None:
    r = client.get("/cities/testville?year=1999")
    assert r.status_code == 404
    assert r.json()["error"]["hint"] == "choose one of the inventory years: 2015, 2021"


def test_plotly_is_served_from_the_installed_package(client: TestClient) -> None:
    from kizuna.server.app import plotly_js_path

    r = client.get("/static/vendor/plotly.min.js")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert len(r.content) > 1_000_000
    assert r.content == plotly_js_path().read_bytes()


def test_own_static_files(client: TestClient) -> None:
    static = (("/static/kizuna.css", "text/css"), ("/static/kizuna.js", "text/javascript"))
    for path, kind in static:
        r = client.get(path)
        assert r.status_code == 200
        assert r.headers["content-type"].startswith(kind)
        assert r.content
        assert "://" not in r.text


def test_security_headers_forbid_other_hosts(client: TestClient) -> None:
    csp = client.get("/").headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp


def test_target_kinds(client: TestClient) -> None:
    page = client.get("/cities/emptyburg", headers=HTML).text
    assert re.search(r"2030</th>\s*<td class=\"target\">\s*Emissions of 0.8 ktCO2e", page)
    assert re.search(r"2045</th>\s*<td class=\"target\">\s*Net zero", page)
