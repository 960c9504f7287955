"""`kizuna network peers`, `match` and `data`: JSON shapes, tables and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kizuna.cli.main import app

runner = CliRunner()


def test_peers_json() -> None:
    result = runner.invoke(app, ["network", "peers", "Yokohama", "--k", "5", "--format", "json"])
    assert result.exit_code == 0, result.output
    peers = json.loads(result.stdout)
    assert isinstance(peers, list)
    assert len(peers) == 5
    for p in peers:
        assert {"name", "country", "score", "explanation"} <= set(p)
        assert 0 < p["score"] <= 1
        assert p["name"] != "Yokohama"
    assert [p["score"] for p in peers] == sorted((p["score"] for p in peers), reverse=True)


def test_peers_with_country_dimensions_and_filters() -> None:
    result = runner.invoke(
        app,
        [
            "network",
            "peers",
            "Yokohama, JP",
            "--by",
            "size,climate",
            "--country",
            "JP",
            "--k",
            "3",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    peers = json.loads(result.stdout)
    assert {p["country"] for p in peers} == {"JP"}
    assert all(p["geonameid"] != 1848354 for p in peers)
    assert all("climate" in p["explanation"] for p in peers)


def test_peers_table() -> None:
    result = runner.invoke(
        app, ["network", "peers", "Copenhagen", "--k", "3", "--region", "Europe"]
    )
    assert result.exit_code == 0, result.output
    assert "Peers of Copenhagen (DK)" in result.stdout


def test_ambiguous_and_unknown_cities() -> None:
    result = runner.invoke(app, ["network", "peers", "Kochi"])
    assert result.exit_code == 1
    assert "'Kochi' matches 2 cities" in result.output
    assert "Kochi, 20, JP" in result.output
    assert "Kochi, 13, IN" in result.output
    result = runner.invoke(app, ["network", "peers", "Yokohoma"])
    assert result.exit_code == 1
    assert "did you mean 'Yokohama" in result.output
    result = runner.invoke(app, ["network", "peers", "Yokohama", "--by", "colour"])
    assert result.exit_code == 1
    assert "unknown peer dimensions" in result.output


def test_match_json() -> None:
    result = runner.invoke(app, ["network", "match", "Yokohama", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["city"] == "Yokohama"
    assert data["text_method"] == "tfidf"
    assert data["needs"]["gap_share"]
    top = data["solutions"][0]
    assert top["components"]
    assert top["reasons"]
    assert sum(c["contribution"] for c in top["components"]) == pytest.approx(top["score"])
    ids = {c["id"] for c in data["case_studies"]}
    assert "demo-private-led-notes" not in ids  # private to Kurume
    assert "yokohama-smart-city-project" not in ids  # the city's own case study
    assert data["peer_cities"]


def test_match_as_the_owner_sees_its_private_case_study() -> None:
    result = runner.invoke(
        app, ["network", "match", "Yokohama", "--as", "kurume", "--limit", "10", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert "demo-private-led-notes" in {c["id"] for c in json.loads(result.stdout)["case_studies"]}


def test_match_table() -> None:
    result = runner.invoke(app, ["network", "match", "Yokohama"])
    assert result.exit_code == 0, result.output
    assert "Solutions" in result.stdout
    assert "Case studies" in result.stdout


@pytest.mark.shared_data
def test_data_report(shared_data: Path) -> None:
    result = runner.invoke(
        app, ["network", "data", str(shared_data / "cities"), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["cities_with_emissions"] >= 950
    assert data["matches"]["carbon_monitor"]["rate"] >= 0.95
