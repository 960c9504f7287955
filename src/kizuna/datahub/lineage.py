"""Data lineage: where each stored object came from and what was derived from it.

Every import and every pipeline output adds one `LineageRecord` to the warehouse's
``lineage`` table: the object (a data set or a pipeline output), the objects it was
derived from (`inputs`, empty for an import), the source (file path or URL), when it was
retrieved, the transformation applied (``import csv (append)``, ``monthly sum by
building_type, Wh -> kWh``) and details (rows, partitions, pipeline file). Reading the
table upwards gives an object's provenance; downwards, everything derived from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class LineageRecord:
    """One step of lineage; `recorded_at` and `retrieved_at` are ISO 8601 UTC times."""

    object: str
    object_kind: str  # "dataset" or "output"
    transformation: str
    inputs: tuple[str, ...] = ()
    source: str | None = None
    retrieved_at: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    recorded_at: str | None = None
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": self.object,
            "object_kind": self.object_kind,
            "inputs": list(self.inputs),
            "source": self.source,
            "retrieved_at": self.retrieved_at,
            "transformation": self.transformation,
            "details": self.details,
            "recorded_at": self.recorded_at,
        }


def upstream(records: list[LineageRecord], name: str) -> list[LineageRecord]:
    """The records of `name` and of everything it was derived from, nearest first."""
    by_object: dict[str, list[LineageRecord]] = {}
    for record in records:
        by_object.setdefault(record.object, []).append(record)
    out: list[LineageRecord] = []
    seen: set[str] = set()
    queue = [name]
    while queue:
        current = queue.pop(0)
        if current in seen:
            continue
        seen.add(current)
        own = sorted(by_object.get(current, []), key=lambda r: r.id or 0, reverse=True)
        out.extend(own)
        for record in own:
            queue.extend(i for i in record.inputs if i not in seen)
    return out


def downstream(records: list[LineageRecord], name: str) -> list[str]:
    """The names of every object derived, directly or not, from `name`, in order found."""
    out: list[str] = []
    frontier = [name]
    while frontier:
        current = frontier.pop(0)
        for record in records:
            if current in record.inputs and record.object not in out and record.object != name:
                out.append(record.object)
                frontier.append(record.object)
    return out
