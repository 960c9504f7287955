"""Publishing what a city opens: DCAT catalogue, NGSI-LD (Smart Data Models), Open SDG, downloads.

>>> from kizuna.datahub.publish import demo_city, city_catalogue, catalogue_jsonld  # doctest: +SKIP
>>> print(catalogue_jsonld(city_catalogue(demo_city("yokohama"))))                 # doctest: +SKIP
"""

from kizuna.datahub.publish.catalogue import Catalogue, DatasetEntry, PublicUrls, city_catalogue
from kizuna.datahub.publish.cities import (
    PublishedCity,
    city_from_file,
    demo_cities,
    demo_city,
    result_from_dict,
)
from kizuna.datahub.publish.dcat import catalogue_graph, catalogue_jsonld, catalogue_turtle
from kizuna.datahub.publish.ngsi_ld_export import carbon_footprints, kpi_entities, ngsi_ld_entities
from kizuna.datahub.publish.open_sdg import open_sdg_indicators, sdg_13_2_2, write_open_sdg
from kizuna.datahub.publish.public_api import (
    Download,
    dcat_download,
    public_catalogue,
    public_dataset,
    public_download,
    public_index,
)
from kizuna.datahub.publish.smart_data_models import entity_problems, validate_entities
from kizuna.datahub.publish.tables import dataset_table

__all__ = [
    "Catalogue",
    "DatasetEntry",
    "Download",
    "PublicUrls",
    "PublishedCity",
    "carbon_footprints",
    "catalogue_graph",
    "catalogue_jsonld",
    "catalogue_turtle",
    "city_catalogue",
    "city_from_file",
    "dataset_table",
    "dcat_download",
    "demo_cities",
    "demo_city",
    "entity_problems",
    "kpi_entities",
    "ngsi_ld_entities",
    "open_sdg_indicators",
    "public_catalogue",
    "public_dataset",
    "public_download",
    "public_index",
    "result_from_dict",
    "sdg_13_2_2",
    "validate_entities",
    "write_open_sdg",
]
