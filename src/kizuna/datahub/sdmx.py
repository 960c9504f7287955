"""SDMX REST data queries (SDG and national statistics), answered in SDMX-JSON or SDMX-CSV.

``GET {base}/data/{flow}/{key}?startPeriod=&endPeriod=&dimensionAtObservation=TIME_PERIOD``
(SDMX RESTful web services, section 07 of the SDMX 2.1 standard). The format is chosen
with the ``Accept`` header:

- **SDMX-JSON** (``application/vnd.sdmx.data+json``): version 1.0 carries ``dataSets`` and
  ``structure`` at the top; version 2.x under ``data`` (``data.dataSets``,
  ``data.structures[dataSet.structure]``). Each observation is keyed by indices into the
  values of the dimensions (``series`` keys ``"0:1:0"`` plus an observation key ``"3"``, or a
  flat ``observations`` key ``"0:1:0:3"``) and holds ``[value, attribute indices...]``
  (SDMX-JSON data message field guide, github.com/sdmx-twg/sdmx-json).
- **SDMX-CSV** (``application/vnd.sdmx.data+csv``): one row per observation, a column per
  dimension, ``TIME_PERIOD``, ``OBS_VALUE`` and the attributes; 1.0 names the flow in
  ``DATAFLOW``, 2.0 in ``STRUCTURE_ID``.

Both become one table with a column per dimension and attribute (codes, not labels),
``TIME_PERIOD`` and ``OBS_VALUE`` (a number).
"""

from __future__ import annotations

import io
from typing import Any

import httpx
import pandas as pd

from kizuna.datahub.http import HttpClient, HttpSettings, SourceUnavailable
from kizuna.errors import InputError, Location

JSON = "application/vnd.sdmx.data+json;version=1.0.0, application/json;q=0.5"
CSV = "application/vnd.sdmx.data+csv;version=1.0.0, text/csv;q=0.5"
TIME = "TIME_PERIOD"
VALUE = "OBS_VALUE"


def sdmx_describe(response: httpx.Response) -> str | None:
    """An SDMX error message: JSON ``errors[].title``/``detail``, or the text of the answer."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:200] or None
    if isinstance(body, dict):
        errors = body.get("errors") or body.get("error") or []
        errors = errors if isinstance(errors, list) else [errors]
        texts = [
            str(e.get("title") or e.get("detail") or e.get("message") or "")
            for e in errors
            if isinstance(e, dict)
        ]
        return "; ".join(t for t in texts if t) or None
    return None


class SdmxClient:
    """An SDMX REST service at `base_url` (the root before ``/data``)."""

    def __init__(self, base_url: str, *, settings: HttpSettings | None = None) -> None:
        self.http = HttpClient(
            base_url, settings=settings, describe=sdmx_describe, service="the SDMX service"
        )

    def __enter__(self) -> SdmxClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def data(
        self,
        flow: str,
        key: str = "all",
        *,
        start: str | None = None,
        end: str | None = None,
        fmt: str = "json",
    ) -> pd.DataFrame:
        """Observations of `flow` (``AGENCY,ID,VERSION`` or ``ID``) for `key` (``A.JP..``)."""
        if fmt not in ("json", "csv"):
            raise InputError(
                f"unknown SDMX format {fmt!r}",
                where=Location(field="format"),
                hint="use json or csv",
            )
        response = self.http.get(
            f"data/{flow}/{key or 'all'}",
            params={"startPeriod": start, "endPeriod": end, "dimensionAtObservation": TIME},
            headers={"Accept": JSON if fmt == "json" else CSV},
        )
        if fmt == "csv":
            return sdmx_csv_frame(response.text, str(response.url))
        try:
            message = response.json()
        except ValueError:
            raise SourceUnavailable(
                f"{response.url} did not answer with SDMX-JSON",
                where=Location(field=str(response.url)),
                hint="try --sdmx-format csv, or check the base URL",
            ) from None
        return sdmx_json_frame(message, str(response.url))


def sdmx_json_frame(message: dict[str, Any], source: str = "<sdmx-json>") -> pd.DataFrame:
    """One row per observation of an SDMX-JSON data message (1.0 or 2.x)."""
    body = message.get("data", message) if isinstance(message, dict) else None
    if not isinstance(body, dict) or not isinstance(body.get("dataSets"), list):
        raise SourceUnavailable(
            f"{source} is not an SDMX-JSON data message (no dataSets)",
            where=Location(field=source),
            hint="check the flow and key",
        )
    structures = body.get("structures")
    rows: list[dict[str, Any]] = []
    for data_set in body["dataSets"]:
        if isinstance(structures, list):
            structure = structures[int(data_set.get("structure", 0))]
        else:
            structure = body.get("structure") or message.get("structure") or {}
        dims = structure.get("dimensions", {})
        attrs = structure.get("attributes", {})
        fixed = {d["id"]: _code(d, 0) for d in dims.get("dataSet", dims.get("dataset", [])) or []}
        series_dims = dims.get("series", []) or []
        obs_dims = dims.get("observation", []) or []
        series_attrs = attrs.get("series", []) or []
        obs_attrs = attrs.get("observation", []) or []
        for d in attrs.get("dataSet", attrs.get("dataset", [])) or []:
            index = (data_set.get("attributes") or [None])[0]
            fixed[d["id"]] = _code(d, index) if index is not None else None
        if "series" in data_set:
            for key, series in (data_set.get("series") or {}).items():
                base = {**fixed, **_decode(key, series_dims)}
                base.update(_attributes(series.get("attributes") or [], series_attrs))
                for obs_key, obs in (series.get("observations") or {}).items():
                    rows.append(_observation(base, obs_key, obs, obs_dims, obs_attrs))
        else:
            for obs_key, obs in (data_set.get("observations") or {}).items():
                rows.append(_observation(dict(fixed), obs_key, obs, obs_dims, obs_attrs))
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=[TIME, VALUE])
    frame[VALUE] = pd.to_numeric(frame[VALUE], errors="coerce")
    ordered = [c for c in frame.columns if c not in (TIME, VALUE)] + [TIME, VALUE]
    return frame[[c for c in ordered if c in frame.columns]]


def _code(dimension: dict[str, Any], index: Any) -> Any:
    values = dimension.get("values") or []
    if index is None or not isinstance(index, int) or index >= len(values):
        return None
    value = values[index]
    return value.get("id", value.get("value")) if isinstance(value, dict) else value


def _decode(key: str, dimensions: list[dict[str, Any]]) -> dict[str, Any]:
    parts = list(str(key).split(":")) if key != "" else []
    return {
        d["id"]: _code(d, int(p)) if p != "" else None
        for d, p in zip(dimensions, parts, strict=False)
    }


def _attributes(indices: list[Any], attributes: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        a["id"]: _code(a, i) for a, i in zip(attributes, indices, strict=False) if i is not None
    }


def _observation(
    base: dict[str, Any],
    key: str,
    obs: Any,
    dimensions: list[dict[str, Any]],
    attributes: list[dict[str, Any]],
) -> dict[str, Any]:
    values = obs if isinstance(obs, list) else [obs]
    row = {**base, **_decode(key, dimensions)}
    row.update(_attributes(values[1:], attributes))
    row[VALUE] = values[0] if values else None
    return row


def sdmx_csv_frame(text: str, source: str = "<sdmx-csv>") -> pd.DataFrame:
    """The table of an SDMX-CSV answer, with ``OBS_VALUE`` as numbers."""
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SourceUnavailable(
            f"{source} is not SDMX-CSV ({exc})",
            where=Location(field=source),
            hint="try --sdmx-format json",
        ) from None
    frame.columns = [str(c).split(":")[0].strip() for c in frame.columns]  # "FREQ: Frequency"
    if VALUE not in frame.columns:
        raise SourceUnavailable(
            f"{source} has no {VALUE} column, so it is not SDMX-CSV data",
            where=Location(field=source),
            hint="check the flow and key",
        )
    frame[VALUE] = pd.to_numeric(frame[VALUE].replace("", None), errors="coerce")
    return frame


def period_start(periods: pd.Series) -> pd.Series:
    """The UTC start of SDMX time periods: years (``2020``), months (``2020-03``,
    ``2020-M03``), quarters (``2020-Q2``), halves (``2020-S2``), and dates or times as given;
    other periods (weeks, ``2020-W05``) are blank."""
    text = periods.astype("string").str.strip()
    year = text.str.fullmatch(r"\d{4}(-A1)?")
    quarter = text.str.extract(r"^(\d{4})-Q([1-4])$")
    half = text.str.extract(r"^(\d{4})-S([12])$")
    month = text.str.extract(r"^(\d{4})-M?(\d{2})$")
    iso = text.copy()
    iso = iso.mask(year.fillna(False), text.str.slice(0, 4) + "-01-01")
    q = quarter[0].notna()
    iso = iso.mask(
        q,
        quarter[0]
        + "-"
        + ((quarter[1].astype("Float64") - 1) * 3 + 1).astype("Int64").astype("string").str.zfill(2)
        + "-01",
    )
    h = half[0].notna()
    iso = iso.mask(h, half[0] + "-" + half[1].map({"1": "01", "2": "07"}) + "-01")
    m = month[0].notna() & ~q & ~h
    iso = iso.mask(m, month[0] + "-" + month[1] + "-01")
    return pd.to_datetime(iso, errors="coerce", utc=True, format="ISO8601")
