"""Uploading a file into the data hub: a preview first, then the import, all or nothing.

`preview_upload` reads the file and shows what it holds (columns, types, units, blanks,
examples, problems) and the columns it suggests, storing nothing. `import_upload` checks
the rights (`kizuna.server.tenancy.datahub_imports.import_target`), reads and checks the
file in full (`kizuna.datahub.read_file`: size, encoding, types, units, columns), then
stores it as a connector import is stored (`store_loaded`: registry row, one warehouse
transaction, audit entry). The caller commits with `commit_import`. A refused upload
leaves nothing behind, in the platform database or in the warehouse.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kizuna.datahub import Mode, SourceInfo
from kizuna.datahub.files import FORMATS, LoadedFile, preview_loaded, read_file
from kizuna.datahub.schema import ColumnType
from kizuna.errors import InputError, Location
from kizuna.server.tables import City, Visibility
from kizuna.server.tables.datahub import DatasetKind
from kizuna.server.tenancy.datahub import HubWarehouse
from kizuna.server.tenancy.datahub_imports import (
    DatasetFields,
    ImportedDataset,
    import_target,
    store_loaded,
)
from kizuna.server.tenancy.principals import Principal

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(filename: str | None) -> str:
    """The last part of an uploaded file's name, unusual characters replaced."""
    name = Path((filename or "").replace("\\", "/")).name
    return _UNSAFE.sub("_", name).strip("._")[:120] or "upload.csv"


@contextmanager
def uploaded_file(filename: str | None, data: bytes) -> Iterator[Path]:
    """`data` as a file named like the upload in a temporary folder, removed afterwards."""
    name = safe_filename(filename)
    suffix = Path(name).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            f"{name}: unsupported file type {suffix or '(none)'}",
            where=Location(file=name, field="file"),
            hint=f"upload one of {', '.join(sorted(FORMATS))}",
        )
    if not data.strip():
        raise InputError(
            f"{name} is empty", where=Location(file=name, field="file"), hint="upload a filled file"
        )
    with tempfile.TemporaryDirectory(prefix="kizuna-datahub-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        yield path


def preview_upload(
    filename: str | None,
    data: bytes,
    *,
    max_bytes: int,
    encoding: str = "utf-8",
    sheet: str | None = None,
) -> dict[str, Any]:
    """What an uploaded file holds (`kizuna.datahub.Preview.to_dict()`) and the columns it
    suggests for time, value, unit and district names; stores nothing.

    A file that cannot be read at all (size, encoding, format) raises `InputError`; problems
    of its cells are listed in ``preview.problems``.
    """
    with uploaded_file(filename, data) as path:
        loaded = read_file(path, max_bytes=max_bytes, encoding=encoding, sheet=sheet or None)
    return preview_of(loaded, _suggest_name(loaded.source))


def preview_of(loaded: LoadedFile, name: str) -> dict[str, Any]:
    """`loaded`'s preview and the columns it suggests for time, value, unit and district
    names (the first time column, the first number with a unit, a text column called like a
    name), with `name` as the suggested data set name."""
    preview = preview_loaded(loaded)
    columns = preview.schema.columns
    by_type = {t: [c for c in columns if c.type is t] for t in ColumnType}
    numbers = [*by_type[ColumnType.number], *by_type[ColumnType.integer]]
    texts = by_type[ColumnType.string]
    value = next((c for c in numbers if c.unit), numbers[0] if numbers else None)
    is_map = preview.format == "geojson"
    named = [c for c in texts if c.name.lower() in ("name", "label", "district", "ward")]
    label = (named or texts or [None])[0]
    times = by_type[ColumnType.datetime]
    kind = DatasetKind.MAP if is_map else DatasetKind.TIME_SERIES if times else DatasetKind.TABLE
    suggested = {
        "kind": kind.value,
        "name": name,
        "time_column": times[0].name if times else None,
        "value_column": value.name if value else None,
        "unit": value.unit if value else None,
        "label_column": label.name if is_map and label is not None else None,
    }
    return {"preview": preview.to_dict(), "suggested": suggested}


def _suggest_name(filename: str) -> str:
    return suggest_name(Path(filename).stem)


def suggest_name(text: str) -> str:
    """A data set name from `text`: lower-case letters, digits and hyphens, at most 64."""
    stem = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return stem[:64].rstrip("-") or "data"


def import_upload(
    session: Session,
    principal: Principal,
    city: City,
    hub: HubWarehouse,
    *,
    filename: str | None,
    data: bytes,
    fields: DatasetFields,
    mode: Mode = Mode.create,
    visibility: Visibility = Visibility.PRIVATE,
    licence: str | None = None,
    max_bytes: int,
    encoding: str = "utf-8",
    sheet: str | None = None,
) -> ImportedDataset:
    """Check the uploaded file `data` in full, then store it as data set `fields.name` of
    `city` (module docstring). Needs an editor of the city's owner (an admin for a data set
    that is not private); appending to or replacing a data set needs its editor. Call
    `commit_import` after: nothing is committed here."""
    target = import_target(
        session, principal, city, fields, mode=mode, visibility=visibility, licence=licence
    )
    with uploaded_file(filename, data) as path:
        loaded = read_file(path, max_bytes=max_bytes, encoding=encoding, sheet=sheet or None)
    source = SourceInfo(
        f"upload:{loaded.source}",
        loaded.format,
        details={"city": city.slug, "uploaded_by": principal.label},
    )
    return store_loaded(
        session, principal, city, hub, loaded, target, source, mode=mode, visibility=visibility
    )
