"""Validating NGSI-LD entities against the Smart Data Models JSON schemas, offline.

The schemas of ``KeyPerformanceIndicator`` and ``CarbonFootprint`` (and the excerpt of the
common schema they reference) are vendored in ``schemas/`` with their sources and licence
(``schemas/README.md``): the ``pysmartdatamodels`` package does not ship them. The Smart
Data Models schemas describe an entity in its *key-values* form (``"CO2eq": 25.5``), so a
normalized NGSI-LD entity (``"CO2eq": {"type": "Property", "value": 25.5}``) is checked in
two steps: its structure (every attribute a Property with a ``value``, a Relationship with
an ``object`` or a GeoProperty), then its key-values form against the schema with
``jsonschema`` (draft 2020-12, formats checked).
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from kizuna.errors import InputError, Location

SCHEMAS = {
    "KeyPerformanceIndicator": "KeyPerformanceIndicator.schema.json",
    "CarbonFootprint": "CarbonFootprint.schema.json",
}
COMMON = "common-schema.json"
_TOP = {"id", "type", "@context"}
_KINDS = {"Property", "Relationship", "GeoProperty", "LanguageProperty"}


def _load(name: str) -> dict[str, Any]:
    text = files("kizuna.datahub.publish").joinpath("schemas", name).read_text(encoding="utf-8")
    return json.loads(text)


@cache
def schema(entity_type: str) -> dict[str, Any]:
    """The vendored JSON schema of `entity_type`."""
    if entity_type not in SCHEMAS:
        raise InputError(
            f"no Smart Data Models schema for {entity_type!r} is packaged",
            where=Location(field="type"),
            hint=f"Kizuna exports {', '.join(SCHEMAS)}",
        )
    return _load(SCHEMAS[entity_type])


@cache
def validator(entity_type: str) -> Draft202012Validator:
    """A validator of `entity_type`, resolving the common schema from the package."""
    common = _load(COMMON)
    registry: Registry = Registry().with_resource(common["$id"], Resource.from_contents(common))
    return Draft202012Validator(
        schema(entity_type), registry=registry, format_checker=FormatChecker()
    )


def key_values(entity: dict[str, Any]) -> dict[str, Any]:
    """The key-values form of a normalized entity: each attribute's value (or object)."""
    out: dict[str, Any] = {}
    for name, attribute in entity.items():
        if name == "@context":
            continue
        if name in _TOP or not isinstance(attribute, dict):
            out[name] = attribute
            continue
        if attribute.get("type") == "Relationship":
            out[name] = attribute.get("object")
        else:
            value = attribute.get("value")
            if isinstance(value, dict) and "@value" in value:
                value = value["@value"]
            out[name] = value
    return out


def structure_problems(entity: dict[str, Any]) -> list[str]:
    """What breaks the normalized NGSI-LD structure (ETSI GS CIM 009, 4.5) of `entity`."""
    problems = []
    for key in ("id", "type"):
        if not isinstance(entity.get(key), str):
            problems.append(f"{key}: missing or not a string")
    for name, attribute in entity.items():
        if name in _TOP:
            continue
        if not isinstance(attribute, dict) or attribute.get("type") not in _KINDS:
            problems.append(f"{name}: not a Property, Relationship or GeoProperty")
        elif attribute["type"] == "Relationship" and "object" not in attribute:
            problems.append(f"{name}: a Relationship without an object")
        elif attribute["type"] != "Relationship" and "value" not in attribute:
            problems.append(f"{name}: a {attribute['type']} without a value")
    return problems


def entity_problems(entity: dict[str, Any]) -> list[str]:
    """Every problem of one normalized entity: its structure, then its schema."""
    problems = structure_problems(entity)
    if problems:
        return problems
    check = validator(str(entity["type"]))
    return [
        f"{'.'.join(str(p) for p in error.absolute_path) or '(entity)'}: {error.message}"
        for error in sorted(check.iter_errors(key_values(entity)), key=lambda e: list(e.path))
    ]


def validate_entities(entities: list[dict[str, Any]]) -> None:
    """Raise one `InputError` listing the problems of every invalid entity, if any."""
    found = [(e.get("id", f"[{i}]"), p) for i, e in enumerate(entities) for p in entity_problems(e)]
    if found:
        raise InputError(
            f"{len(found)} problem(s) against the Smart Data Models schemas: "
            + "; ".join(f"{eid}: {p}" for eid, p in found[:5]),
            where=[Location(field=str(eid)) for eid, _ in found],
            hint="this is a bug in the export; please report it",
        )
