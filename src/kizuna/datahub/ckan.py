"""CKAN open data portals, through the Action API (``/api/3/action/<action>``).

CKAN answers every action with ``{"help": ..., "success": true, "result": ...}``, or
``"success": false`` and ``"error": {"__type": "Not Found Error", "message": ...}`` with an
HTTP error status (CKAN API guide, docs.ckan.org/en/latest/api/). Used here:

- ``package_search`` (``q``, ``fq``, ``rows``, ``start``): paged with ``start`` until
  ``result.count`` data sets are read (CKAN caps ``rows`` at 1,000);
- ``package_show`` (``id``): a data set with its resources;
- ``resource_show`` (``id``): one resource's metadata (``url``, ``format``, ``size``);
- the resource's ``url``, downloaded within the size limit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx

from kizuna.datahub.http import HttpClient, HttpSettings, SourceUnavailable
from kizuna.errors import InputError, Location

#: Rows per package_search page (CKAN's default maximum is 1,000).
PAGE_ROWS = 100


def ckan_describe(response: httpx.Response) -> str | None:
    """CKAN's ``error.message`` (and ``__type``, and field errors) from an error answer."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:200] or None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None
    kind = error.get("__type")
    message = error.get("message")
    fields = {k: v for k, v in error.items() if k not in ("__type", "message")}
    parts = [p for p in (kind, message) if p]
    if fields:
        parts.append("; ".join(f"{k}: {v}" for k, v in fields.items()))
    return ": ".join(str(p) for p in parts) or None


@dataclass(frozen=True, slots=True)
class CkanResource:
    """A file or API of a CKAN data set."""

    id: str
    name: str
    url: str
    format: str
    package_id: str | None = None
    mimetype: str | None = None
    size: int | None = None
    last_modified: str | None = None
    description: str | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> CkanResource:
        size = data.get("size")
        return cls(
            id=str(data.get("id", "")),
            name=str(data.get("name") or data.get("id") or ""),
            url=str(data.get("url") or ""),
            format=str(data.get("format") or "").strip(),
            package_id=data.get("package_id"),
            mimetype=data.get("mimetype"),
            size=int(size) if isinstance(size, int | float) else None,
            last_modified=data.get("last_modified") or data.get("metadata_modified"),
            description=data.get("description"),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "url": self.url,
            "format": self.format,
            "package_id": self.package_id,
            "mimetype": self.mimetype,
            "size": self.size,
            "last_modified": self.last_modified,
            "description": self.description,
        }


@dataclass(frozen=True, slots=True)
class CkanDataset:
    """A CKAN data set ("package"): metadata, licence, resources."""

    id: str
    name: str
    title: str
    notes: str | None = None
    license_id: str | None = None
    license_title: str | None = None
    license_url: str | None = None
    organization: str | None = None
    tags: tuple[str, ...] = ()
    metadata_modified: str | None = None
    resources: tuple[CkanResource, ...] = field(default_factory=tuple)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> CkanDataset:
        org = data.get("organization") or {}
        return cls(
            id=str(data.get("id", "")),
            name=str(data.get("name", "")),
            title=str(data.get("title") or data.get("name") or ""),
            notes=data.get("notes"),
            license_id=data.get("license_id"),
            license_title=data.get("license_title"),
            license_url=data.get("license_url"),
            organization=org.get("title") or org.get("name") if isinstance(org, dict) else None,
            tags=tuple(t.get("name", "") for t in data.get("tags") or [] if isinstance(t, dict)),
            metadata_modified=data.get("metadata_modified"),
            resources=tuple(CkanResource.from_api(r) for r in data.get("resources") or []),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "title": self.title,
            "notes": self.notes,
            "license_id": self.license_id,
            "license_title": self.license_title,
            "license_url": self.license_url,
            "organization": self.organization,
            "tags": list(self.tags),
            "metadata_modified": self.metadata_modified,
            "resources": [r.to_dict() for r in self.resources],
        }


class CkanClient:
    """A CKAN portal at `base_url` (the site root, such as ``https://data.example.org``)."""

    def __init__(
        self, base_url: str, *, settings: HttpSettings | None = None, api_key: str | None = None
    ) -> None:
        headers = {"Authorization": api_key} if api_key else {}
        self.http = HttpClient(
            base_url,
            settings=settings,
            headers=headers,
            describe=ckan_describe,
            service="the CKAN portal",
        )

    def __enter__(self) -> CkanClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def action(self, name: str, **params: Any) -> Any:
        """Call action `name`; its ``result``, or a `KizunaError` with CKAN's message."""
        body, response = self.http.get_json(f"api/3/action/{name}", params=params)
        if not isinstance(body, dict) or "success" not in body:
            raise SourceUnavailable(
                f"{response.url} is not a CKAN Action API answer",
                where=Location(field=str(response.url)),
                hint="give the portal's root URL (the one before /api/3/action)",
            )
        if not body["success"]:
            raise self.http.error(response)
        return body.get("result")

    def search(
        self,
        q: str = "*:*",
        *,
        fq: str | None = None,
        limit: int | None = None,
        rows: int = PAGE_ROWS,
    ) -> list[CkanDataset]:
        """Every data set matching `q` and `fq` (or the first `limit`), page by page."""
        found: list[CkanDataset] = []
        start = 0
        while True:
            page_rows = rows if limit is None else min(rows, limit - len(found))
            if page_rows <= 0:
                break
            result = self.action("package_search", q=q, fq=fq, rows=page_rows, start=start)
            batch = result.get("results") or []
            found.extend(CkanDataset.from_api(d) for d in batch)
            start += len(batch)
            if not batch or start >= int(result.get("count", 0)):
                break
        return found if limit is None else found[:limit]

    def dataset(self, id_or_name: str) -> CkanDataset:
        """One data set with its resources (``package_show``)."""
        return CkanDataset.from_api(self.action("package_show", id=id_or_name))

    def resource(self, resource_id: str) -> CkanResource:
        """One resource's metadata (``resource_show``)."""
        return CkanResource.from_api(self.action("resource_show", id=resource_id))

    def download(self, resource: CkanResource, folder: Path, max_bytes: int | None = None) -> Path:
        """Download `resource` into `folder` (within the size limit); the file's path.

        The file is named after the resource id with the suffix of its format (``.csv``),
        so the file connectors can read it.
        """
        if not resource.url:
            raise InputError(
                f"resource {resource.id} has no URL",
                where=Location(field="url"),
                hint="choose another resource of the data set",
            )
        suffix = _suffix(resource)
        dest = Path(folder) / f"{resource.id or 'resource'}{suffix}"
        self.http.download(resource.url, dest, max_bytes)
        return dest


_FORMAT_SUFFIX = {
    "csv": ".csv",
    "xlsx": ".xlsx",
    "xls": ".xls",
    "json": ".json",
    "geojson": ".geojson",
    "parquet": ".parquet",
    "tsv": ".tsv",
}


def _suffix(resource: CkanResource) -> str:
    known = _FORMAT_SUFFIX.get(resource.format.lower())
    if known:
        return known
    path = urlparse(resource.url).path
    return Path(path).suffix.lower() or ".csv"


def pick_resource(dataset: CkanDataset, resource: str | None = None) -> CkanResource:
    """The resource named or identified by `resource`, else the first tabular one."""
    if resource:
        for r in dataset.resources:
            if resource in (r.id, r.name):
                return r
        raise InputError(
            f"data set {dataset.name!r} has no resource {resource!r}",
            where=Location(field="resource"),
            hint="its resources: " + json.dumps([r.name or r.id for r in dataset.resources]),
        )
    for r in dataset.resources:
        if r.format.lower() in _FORMAT_SUFFIX:
            return r
    raise InputError(
        f"data set {dataset.name!r} has no CSV, Excel, JSON, GeoJSON or Parquet resource",
        where=Location(field="resource"),
        hint="name a resource with --resource",
    )
