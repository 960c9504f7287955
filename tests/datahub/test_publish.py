"""Publishing: the DCAT catalogue parses and has DCAT-AP's properties, the NGSI-LD export
validates against the Smart Data Models schemas, Open SDG files and downloads.

Kurume's inventory (kizuna/demo/data/kurume.csv, kt CO2e) by hand, BASIC (V.3 agriculture
is BASIC+ only): 2013 = 433 + 533 + 922 + 574 + 51 = 2,513 kt; 2020 = 266 + 326 + 643 +
474 + 51 = 1,760 kt; 2021 = 222 + 286 + 657 + 459 + 50 = 1,674 kt, of which stationary
energy 222 + 286 + 657 = 1,165 kt. Its target is
-50 % by 2030 against 2013: 1,256.5 kt; achieved by 2021: 1 - 1,674 / 2,513 = 33.386 %.
"""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pandas as pd
import pytest
import rdflib
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from kizuna.datahub.publish import (
    PublicUrls,
    carbon_footprints,
    catalogue_graph,
    catalogue_jsonld,
    catalogue_turtle,
    city_catalogue,
    demo_cities,
    demo_city,
    entity_problems,
    kpi_entities,
    ngsi_ld_entities,
    public_dataset,
    public_download,
    public_index,
    write_open_sdg,
)
from kizuna.errors import InputError, NotFound
from kizuna.sdg.opensdg import read_indicator_csv

URLS = PublicUrls("https://kizuna.example.org")


@pytest.fixture(scope="module")
def kurume():
    return demo_city("kurume")


def test_every_demo_city_publishes_a_catalogue_that_rdflib_parses() -> None:
    for city in demo_cities():
        for text, syntax in (
            (catalogue_jsonld(city_catalogue(city, URLS)), "json-ld"),
            (catalogue_turtle(city_catalogue(city, URLS)), "turtle"),
        ):
            graph = rdflib.Graph().parse(data=text, format=syntax)
            assert len(list(graph.subjects(RDF.type, DCAT.Dataset))) >= 4, city.slug


def test_dcat_has_the_required_properties(kurume) -> None:
    """DCAT-AP: the catalogue's title, description, publisher and datasets; each data set's
    title, description and distributions; each distribution's access URL, licence, format."""
    graph = rdflib.Graph().parse(
        data=catalogue_jsonld(city_catalogue(kurume, URLS)), format="json-ld"
    )
    (catalogue,) = graph.subjects(RDF.type, DCAT.Catalog)
    assert str(catalogue) == "https://kizuna.example.org/api/v1/public/cities/kurume/catalogue"
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.dataset):
        assert graph.value(catalogue, prop) is not None, prop
    publisher = graph.value(catalogue, DCTERMS.publisher)
    assert str(graph.value(publisher, FOAF.name)) == "City of Kurume"
    datasets = set(graph.objects(catalogue, DCAT.dataset))
    assert {str(graph.value(d, DCTERMS.identifier)) for d in datasets} == {
        "ghg-inventory",
        "emissions-totals",
        "emissions-by-sector",
        "climate-targets",
        "sdg-13-2-2",
    }
    for dataset in datasets:
        assert (dataset, RDF.type, DCAT.Dataset) in graph
        for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCAT.distribution):
            assert graph.value(dataset, prop) is not None, (dataset, prop)
        for distribution in graph.objects(dataset, DCAT.distribution):
            assert (distribution, RDF.type, DCAT.Distribution) in graph
            for prop in (
                DCAT.accessURL,
                DCAT.downloadURL,
                DCTERMS.license,
                DCTERMS["format"],
                DCAT.mediaType,
            ):
                assert graph.value(distribution, prop) is not None, (distribution, prop)
            licence = graph.value(distribution, DCTERMS.license)
            assert str(licence) == "https://creativecommons.org/licenses/by/4.0/"
            assert str(graph.value(licence, DCTERMS.identifier)) == "CC-BY-4.0"
    inventory = URLS.dataset("kurume", "ghg-inventory")
    period = graph.value(rdflib.URIRef(inventory), DCTERMS.temporal)
    assert str(graph.value(period, DCAT.startDate)) == "2013-01-01"
    assert str(graph.value(period, DCAT.endDate)) == "2021-12-31"


def test_kpis_carry_target_and_baseline(kurume) -> None:
    (kpi,) = kpi_entities(kurume, URLS)
    assert kpi["type"] == "KeyPerformanceIndicator"
    assert kpi["kpiValue"] == {"type": "Property", "value": 33.386, "unitCode": "P1"}
    assert kpi["target"]["value"] == 50.0
    assert kpi["target"]["targetYear"]["value"] == 2030
    assert kpi["baseline"]["value"] == pytest.approx(2_513_000)
    assert kpi["baseline"]["baseYear"]["value"] == 2013
    assert kpi["calculationPeriod"]["value"] == {"from": "2021-01-01", "to": "2021-12-31"}
    assert entity_problems(kpi) == []


def test_carbon_footprints_by_year_and_sector(kurume) -> None:
    by_id = {e["id"]: e for e in carbon_footprints(kurume, URLS)}
    total = by_id["urn:ngsi-ld:CarbonFootprint:kizuna:kurume:2021:total"]
    assert total["CO2eq"] == {
        "type": "Property",
        "value": pytest.approx(1_674_000),
        "unitCode": "TNE",
    }
    stationary = by_id["urn:ngsi-ld:CarbonFootprint:kizuna:kurume:2021:stationary-energy"]
    assert stationary["CO2eq"]["value"] == pytest.approx(1_165_000)
    assert stationary["emissionDate"]["value"]["@value"] == "2021-01-01T00:00:00Z"
    assert stationary["relatedSource"] == {
        "type": "Relationship",
        "object": URLS.dataset("kurume", "ghg-inventory"),
    }


def test_every_demo_city_validates_against_the_smart_data_models() -> None:
    for city in demo_cities():
        entities = ngsi_ld_entities(city, URLS)
        assert {e["type"] for e in entities} == {"KeyPerformanceIndicator", "CarbonFootprint"}
        assert all(entity_problems(e) == [] for e in entities)


def test_the_validation_catches_what_the_schemas_forbid(kurume) -> None:
    """The schemas, not the exporter, reject these: a negative CO2eq, a KPI category and a
    frequency outside their enums, a bad date; and a Property without a value."""
    footprint = copy.deepcopy(carbon_footprints(kurume, URLS)[0])
    footprint["CO2eq"]["value"] = -5.0
    assert any("CO2eq" in p and "minimum" in p for p in entity_problems(footprint))
    kpi = copy.deepcopy(kpi_entities(kurume, URLS)[0])
    kpi["category"]["value"] = ["vibes"]
    kpi["calculationFrequency"]["value"] = "fortnightly"
    kpi["calculationPeriod"]["value"]["from"] = "2021-13-01"
    problems = entity_problems(kpi)
    assert any(p.startswith("category.0:") for p in problems)
    assert any(p.startswith("calculationFrequency:") for p in problems)
    assert any(p.startswith("calculationPeriod.from:") for p in problems)
    del kpi["name"]["value"]
    assert entity_problems(kpi) == ["name: a Property without a value"]


def test_open_sdg_files(kurume, tmp_path: Path) -> None:
    written = write_open_sdg(kurume, tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == [
        "data/indicator_13-2-2.csv",
        "indicator-config/13-2-2.yml",
    ]
    frame = read_indicator_csv(tmp_path / "data" / "indicator_13-2-2.csv")
    headline = frame[frame["Sector"].isna()]
    assert headline["Year"].tolist() == [2013, 2020, 2021]
    assert headline["Value"].tolist() == pytest.approx([2_513_000, 1_760_000, 1_674_000])
    config = (tmp_path / "indicator-config" / "13-2-2.yml").read_text(encoding="utf-8")
    assert "target: 1256500.0" in config
    assert "indicator_number: '13.2.2'" in config


def test_public_api_pages_and_downloads(kurume) -> None:
    index = public_index([kurume], URLS)
    assert index["cities"][0]["catalogue"] == URLS.catalogue("kurume")
    page = public_dataset(kurume, "emissions-by-sector", urls=URLS, limit=4, offset=2)
    assert page["total"] == 9  # 3 years x 3 BASIC sectors (V.3 agriculture is BASIC+ only)
    assert page["next_offset"] == 6
    assert len(page["rows"]) == 4
    csv = public_download(kurume, "emissions-totals", "csv", urls=URLS)
    frame = pd.read_csv(io.BytesIO(csv.content))
    assert frame["basic_tco2e"].tolist() == pytest.approx([2_513_000, 1_760_000, 1_674_000])
    assert csv.media_type == "text/csv"
    parquet = public_download(kurume, "ghg-inventory", "parquet", urls=URLS)
    assert len(pd.read_parquet(io.BytesIO(parquet.content))) == len(kurume.inventory_rows)
    entities = json.loads(public_download(kurume, "climate-targets", "jsonld", urls=URLS).content)
    assert entities[0]["type"] == "KeyPerformanceIndicator"
    with pytest.raises(NotFound, match="no parquet download"):
        public_download(kurume, "sdg-13-2-2", "parquet", urls=URLS)
    with pytest.raises(NotFound, match="no data set 'nope'"):
        public_dataset(kurume, "nope")
    with pytest.raises(InputError, match="limit must be"):
        public_dataset(kurume, "emissions-totals", limit=0)


def test_public_warehouse_data_sets_join_the_catalogue(kurume, tmp_path: Path) -> None:
    from kizuna.datahub import DatasetSpec, SourceInfo, Warehouse, import_frame

    warehouse = Warehouse(tmp_path / "wh")
    frame = pd.DataFrame(
        {"time": ["2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z"], "value": [1.0, 2.0]}
    )
    for name, public in (("open-meters", True), ("private-meters", False)):
        spec = DatasetSpec(
            name,
            time_column="time",
            value_column="value",
            unit="kWh",
            city="kurume",
            public=public,
            licence="CC0-1.0",
        )
        import_frame(frame, warehouse, spec, SourceInfo("https://example.org/m.csv", "csv"))
    catalogue = city_catalogue(kurume, URLS, warehouse)
    entry = catalogue.dataset("warehouse-open-meters")
    assert entry is not None
    assert entry.licence == "CC0-1.0"
    assert catalogue.dataset("warehouse-private-meters") is None
    graph = catalogue_graph(catalogue)
    assert (rdflib.URIRef(entry.uri), RDF.type, DCAT.Dataset) in graph
    rows = public_dataset(kurume, "warehouse-open-meters", urls=URLS, warehouse=warehouse)["rows"]
    assert [r["value"] for r in rows] == [1.0, 2.0]


def test_unknown_demo_cities_list_the_known_ones() -> None:
    with pytest.raises(NotFound, match="use one of yokohama, kurume"):
        demo_city("atlantis")
