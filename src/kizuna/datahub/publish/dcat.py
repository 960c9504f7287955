"""A city's catalogue in DCAT (W3C Data Catalog Vocabulary, version 3), shaped as DCAT-AP
asks: JSON-LD or Turtle, built with rdflib.

Per DCAT-AP 3 (SEMIC, 2024) the mandatory properties are present: the catalogue has
``dct:title``, ``dct:description``, ``dct:publisher`` (a ``foaf:Agent`` with ``foaf:name``)
and ``dcat:dataset``; every data set ``dct:title`` and ``dct:description``; every
distribution ``dcat:accessURL``. Recommended ones are filled where Kizuna knows them:
``dct:license`` (a ``dct:LicenseDocument``: the licence's own URI, with its SPDX
identifier as ``dct:identifier``), ``dcat:downloadURL``, ``dct:format``,
``dcat:mediaType``, ``dcat:theme`` (EU data themes), ``dcat:keyword``, ``dcat:landingPage``,
``dct:temporal`` (a ``dct:PeriodOfTime`` with ``dcat:startDate``/``dcat:endDate``),
``dct:spatial`` (the country, as an ISO 3166 code), ``dct:source`` and ``dct:conformsTo``.
"""

from __future__ import annotations

import json
from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, XSD

from kizuna.datahub.publish.catalogue import Catalogue, DatasetEntry, Distribution
from kizuna.datahub.publish.licences import licence

SPDX = Namespace("http://spdx.org/rdf/terms#")
COUNTRY = "http://publications.europa.eu/resource/authority/country/"
ISO3 = {
    "JP": "JPN",
    "SG": "SGP",
    "KR": "KOR",
    "CN": "CHN",
    "US": "USA",
    "GB": "GBR",
    "FR": "FRA",
    "DE": "DEU",
    "IN": "IND",
    "ID": "IDN",
    "TH": "THA",
    "VN": "VNM",
    "PH": "PHL",
    "MY": "MYS",
    "TW": "TWN",
}

#: The JSON-LD context the catalogue is compacted with.
CONTEXT: dict[str, Any] = {
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "spdx": str(SPDX),
}


def catalogue_graph(catalogue: Catalogue) -> Graph:
    """The RDF graph of `catalogue` (see the module docstring for the properties)."""
    g = Graph()
    for prefix, uri in CONTEXT.items():
        g.bind(prefix, Namespace(uri))
    cat = URIRef(catalogue.uri)
    g.add((cat, RDF.type, DCAT.Catalog))
    g.add((cat, DCTERMS.title, Literal(catalogue.title, lang="en")))
    g.add((cat, DCTERMS.description, Literal(catalogue.description, lang="en")))
    g.add((cat, FOAF.homepage, URIRef(catalogue.homepage)))
    g.add((cat, DCTERMS.publisher, _publisher(g, catalogue)))
    g.add((cat, DCTERMS.license, _licence(g, catalogue.licence)))
    for lang in catalogue.language:
        g.add(
            (
                cat,
                DCTERMS.language,
                URIRef(
                    f"http://publications.europa.eu/resource/authority/language/"
                    f"{'JPN' if lang == 'ja' else 'ENG'}"
                ),
            )
        )
    if catalogue.country in ISO3:
        g.add((cat, DCTERMS.spatial, URIRef(COUNTRY + ISO3[catalogue.country])))
    for entry in catalogue.datasets:
        g.add((cat, DCAT.dataset, _dataset(g, entry, catalogue)))
    return g


def _publisher(g: Graph, catalogue: Catalogue) -> URIRef:
    agent = URIRef(catalogue.homepage + "#publisher")
    g.add((agent, RDF.type, FOAF.Agent))
    g.add((agent, FOAF.name, Literal(catalogue.publisher)))
    return agent


def _licence(g: Graph, spdx: str) -> URIRef:
    known = licence(spdx)
    node = URIRef(known.uri)
    g.add((node, RDF.type, DCTERMS.LicenseDocument))
    g.add((node, DCTERMS.identifier, Literal(known.spdx)))
    g.add((node, DCTERMS.title, Literal(known.title)))
    g.add((node, RDFS.seeAlso, URIRef(known.spdx_uri)))
    return node


def _dataset(g: Graph, entry: DatasetEntry, catalogue: Catalogue) -> URIRef:
    ds = URIRef(entry.uri)
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.identifier, Literal(entry.id)))
    g.add((ds, DCTERMS.title, Literal(entry.title, lang="en")))
    g.add((ds, DCTERMS.description, Literal(entry.description, lang="en")))
    g.add((ds, DCTERMS.publisher, URIRef(catalogue.homepage + "#publisher")))
    g.add((ds, DCTERMS.license, _licence(g, entry.licence)))
    g.add((ds, DCAT.landingPage, URIRef(entry.landing_page)))
    for word in entry.keywords:
        g.add((ds, DCAT.keyword, Literal(word, lang="en")))
    for theme in entry.themes:
        g.add((ds, DCAT.theme, URIRef(theme)))
    for source in entry.sources:
        g.add((ds, DCTERMS.source, URIRef(source)))
    if entry.conforms_to:
        g.add((ds, DCTERMS.conformsTo, URIRef(entry.conforms_to)))
    if entry.modified:
        g.add((ds, DCTERMS.modified, Literal(entry.modified, datatype=XSD.dateTime)))
    if catalogue.country in ISO3:
        g.add((ds, DCTERMS.spatial, URIRef(COUNTRY + ISO3[catalogue.country])))
    if entry.temporal:
        period = BNode()
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(f"{entry.temporal[0]}-01-01", datatype=XSD.date)))
        g.add((period, DCAT.endDate, Literal(f"{entry.temporal[1]}-12-31", datatype=XSD.date)))
        g.add((ds, DCTERMS.temporal, period))
    for distribution in entry.distributions:
        g.add((ds, DCAT.distribution, _distribution(g, distribution, entry)))
    return ds


def _distribution(g: Graph, item: Distribution, entry: DatasetEntry) -> URIRef:
    node = URIRef(item.url + "#distribution")
    g.add((node, RDF.type, DCAT.Distribution))
    g.add((node, DCTERMS.title, Literal(f"{entry.title} ({item.format_name})", lang="en")))
    g.add((node, DCAT.accessURL, URIRef(item.url)))
    g.add((node, DCAT.downloadURL, URIRef(item.url)))
    g.add(
        (
            node,
            DCAT.mediaType,
            URIRef(f"https://www.iana.org/assignments/media-types/{item.media_type}"),
        )
    )
    g.add((node, DCTERMS["format"], Literal(item.format_name)))
    g.add((node, DCTERMS.license, _licence(g, item.licence)))
    if item.conforms_to:
        g.add((node, DCTERMS.conformsTo, URIRef(item.conforms_to)))
    return node


def to_jsonld(graph: Graph) -> str:
    """The graph as JSON-LD, compacted with `CONTEXT` (indented, UTF-8 text)."""
    text = graph.serialize(format="json-ld", context=CONTEXT, indent=2)
    return json.dumps(json.loads(text), indent=2, ensure_ascii=False)


def to_turtle(graph: Graph) -> str:
    """The graph as Turtle."""
    return graph.serialize(format="turtle")


def catalogue_jsonld(catalogue: Catalogue) -> str:
    return to_jsonld(catalogue_graph(catalogue))


def catalogue_turtle(catalogue: Catalogue) -> str:
    return to_turtle(catalogue_graph(catalogue))
