"""Open SDG files in and out of the platform: uploads checked in full, stored data sets read
back as `kizuna.sdg` indicators, and the download as an Open SDG data folder.

An upload (`read_dataset_files`) is one zip of an Open SDG data folder (``data/`` and
``indicator-config/``, a folder holding both, or flat) or ``indicator_<id>.csv`` files with
their configs. The zip is read with limits: at most `MAX_FILES` data files, at most
`UNZIP_FACTOR` times the upload limit unzipped, no absolute or ``..`` paths; files other
than CSV and YAML (and ``__MACOSX/``, dot files) are skipped. Every indicator is read and
checked as the dashboard and the VLR use it (`kizuna.sdg`: CSV, config, mapping to global
indicators, progress options, series, breakdowns), every problem is reported at once in
one `InputError`, and only then may the route store it (`tenancy.sdg.save_dataset`).

The download (`dataset_zip`) writes ``data/indicator_<id>.csv`` and
``indicator-config/<id>.yml`` as they were uploaded (a byte-order mark dropped), so an
upload comes back byte for byte.
"""

from __future__ import annotations

import copy
import io
import json
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from kizuna.errors import InputError, KizunaError, Location
from kizuna.sdg import Assessment, IndicatorData, assess_indicators, goals_only, read_indicator_text
from kizuna.sdg.framework import sort_key
from kizuna.sdg.opensdg import CSV_NAME, indicator_config_text, read_indicator
from kizuna.sdg.series import breakdown_table
from kizuna.server.imports import TooLarge, safe_name
from kizuna.server.tables.sdg import SdgDataset
from kizuna.server.tenancy.sdg import UploadedIndicator

#: At most this many data files in an uploaded zip, and this times the upload limit unzipped.
MAX_FILES = 2_000
UNZIP_FACTOR = 10
#: The time stamp of every member of a downloaded zip (the same data give the same bytes).
ZIP_TIME = (2015, 1, 1, 0, 0, 0)


def dataset_items(dataset: SdgDataset) -> list[IndicatorData]:
    """The stored indicators as `kizuna.sdg` reads them from files (framework order)."""
    return [
        IndicatorData(
            row.indicator_id,
            read_indicator_text(row.csv_text, f"indicator_{row.indicator_id}.csv"),
            copy.deepcopy(row.config),
        )
        for row in dataset.indicators
    ]


def assess_dataset(dataset: SdgDataset) -> tuple[list[IndicatorData], Assessment]:
    """The indicators of `dataset` and their progress (`kizuna.sdg.assess_indicators`, with
    the packaged goals as framework)."""
    items = dataset_items(dataset)
    return items, assess_indicators(items, goals_only())


def dataset_zip(dataset: SdgDataset) -> bytes:
    """The data set as a zip of an Open SDG data folder: ``data/indicator_<id>.csv`` and
    ``indicator-config/<id>.yml`` (the uploaded texts; a config written from its JSON when
    the upload had none but the data set holds one)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for row in dataset.indicators:
            files = {f"data/indicator_{row.indicator_id}.csv": row.csv_text}
            config = row.config_text
            if config is None and row.config:
                config = indicator_config_text(row.config)
            if config is not None:
                files[f"indicator-config/{row.indicator_id}.yml"] = config
            for name, text in files.items():
                info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def read_dataset_files(files: Sequence[tuple[str, bytes]], limit: int) -> list[UploadedIndicator]:
    """The indicators of an upload: one zip of an Open SDG data folder (``data/`` and
    ``indicator-config/``, or flat), or ``indicator_<id>.csv`` files with their configs
    (``<id>.yml`` or ``indicator-config_<id>.yml``). `limit` bounds each file (bytes) and
    the zip's unzipped size (`UNZIP_FACTOR` times). Raises one `InputError` listing every
    problem, or `TooLarge`."""
    if not files:
        raise InputError(
            "No file uploaded",
            where=Location(field="file"),
            hint="upload a zip of an Open SDG data folder, or indicator CSVs and their configs",
        )
    with tempfile.TemporaryDirectory(prefix="kizuna-sdg-") as folder:
        # one level down: configs are also looked for beside the data folder, never outside
        root = (Path(folder) / "upload").resolve()
        root.mkdir()
        zips = [(n, d) for n, d in files if n.lower().endswith(".zip")]
        if zips and len(files) > 1:
            raise InputError(
                "Upload one zip, or CSV and config files, not both",
                where=Location(field="file"),
                hint="put every file in the zip",
            )
        if zips:
            _unzip(*zips[0], root, limit * UNZIP_FACTOR)
        else:
            _place(files, root)
        return _read_folder(root)


def _unzip(name: str, data: bytes, root: Path, limit: int) -> None:
    shown = safe_name(name, "upload.zip")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [
            m
            for m in archive.infolist()
            if not m.is_dir() and Path(m.filename).suffix.lower() in (".csv", ".yml", ".yaml")
        ]
    except zipfile.BadZipFile:
        raise InputError(
            f"{shown}: not a zip file", where=Location(file=shown, field="file")
        ) from None
    for member in members:
        parts = PurePosixPath(member.filename).parts
        if member.filename.startswith("/") or ".." in parts or "\\" in member.filename:
            raise InputError(
                f"{shown}: unsafe path {member.filename!r} in the zip",
                where=Location(file=shown),
                hint="zip the data folder with relative paths",
            )
    members = [m for m in members if not _hidden(m.filename)]
    if len(members) > MAX_FILES:
        raise InputError(
            f"{shown} holds {len(members)} data files; at most {MAX_FILES} are read",
            where=Location(file=shown),
            hint="split the data into several data sets",
        )
    total = 0
    for member in members:
        try:
            with archive.open(member) as opened:
                content = opened.read(limit - total + 1)
        except (RuntimeError, zipfile.BadZipFile, NotImplementedError) as exc:
            raise InputError(
                f"{shown}: {member.filename} cannot be read ({exc})", where=Location(file=shown)
            ) from None
        total += len(content)
        if total > limit:
            raise TooLarge(
                f"{shown} unzips to more than {limit / 1e6:g} MB",
                where=Location(file=shown, field="file"),
                hint="split the data into several data sets",
            )
        target = root.joinpath(*PurePosixPath(member.filename).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def _hidden(filename: str) -> bool:
    """Files an archiver adds (``__MACOSX/``, ``.DS_Store``, ``._x``): not data."""
    return any(p.startswith((".", "__MACOSX")) for p in PurePosixPath(filename).parts)


def _place(files: Sequence[tuple[str, bytes]], root: Path) -> None:
    """Single files into Open SDG's layout: ``data/indicator_<id>.csv`` and
    ``indicator-config/<id>.yml``."""
    problems: list[KizunaError] = []
    for name, data in files:
        shown = safe_name(name, "upload")
        suffix = Path(shown).suffix.lower()
        if CSV_NAME.match(shown):
            target = root / "data" / shown
        elif suffix in (".yml", ".yaml"):
            stem = Path(shown).stem.removeprefix("indicator-config_")
            target = root / "indicator-config" / f"{stem}.yml"
        else:
            problems.append(
                InputError(
                    f"{shown}: not an indicator_<id>.csv, a <id>.yml config or a zip",
                    where=Location(file=shown, field="file"),
                )
            )
            continue
        if target.exists():
            problems.append(
                InputError(f"{shown}: uploaded twice", where=Location(file=shown, field="file"))
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    _raise_all(problems, "Open SDG files are indicator_<id>.csv and indicator-config/<id>.yml")


def _read_folder(root: Path) -> list[UploadedIndicator]:
    csvs = [p for p in root.rglob("indicator_*.csv") if CSV_NAME.match(p.name)]
    if not csvs:
        raise InputError(
            "The upload holds no indicator_<id>.csv file",
            where=Location(field="file"),
            hint="Open SDG data files are named indicator_<id>.csv (docs/sdg.md)",
        )
    folders = sorted({str(p.parent.relative_to(root)) for p in csvs})
    if len(folders) > 1:
        raise InputError(
            f"The upload holds indicator CSVs in several folders: {', '.join(folders)}",
            where=Location(field="file"),
            hint="upload one data folder (data/ with indicator-config/ beside it)",
        )
    folder = csvs[0].parent
    problems: list[KizunaError] = []
    out: list[UploadedIndicator] = []
    failed: set[str] = set()
    used: set[Path] = set()
    for csv in sorted(csvs, key=lambda p: sort_key(p.stem[len("indicator_") :])):
        try:
            item = read_indicator(csv)
            out.append(_checked(item))
        except InputError as exc:
            problems.append(exc)
            failed.add(csv.stem.removeprefix("indicator_"))
            continue
        if item.config_path is not None:
            used.add(item.config_path.resolve())
    for config in _config_files(folder):
        if config.resolve() not in used and config.stem not in failed:
            shown = str(config.relative_to(root))
            problems.append(
                InputError(
                    f"{shown}: a config without its data file indicator_{config.stem}.csv",
                    where=Location(file=shown),
                    hint="add the CSV, or remove the config; configs end in .yml",
                )
            )
    _raise_all(problems, "fix the files listed and upload again; nothing was stored")
    return out


def _config_files(folder: Path) -> list[Path]:
    """The YAML files where Open SDG configs of the CSVs in `folder` live: beside them and in
    ``indicator-config/`` inside or beside `folder` (others, such as a CITY_DIR's city.yaml
    or a data repository's site settings, are not configs)."""
    found = {
        p.resolve()
        for where in (folder, folder / "indicator-config", folder.parent / "indicator-config")
        for p in where.glob("*")
        if p.is_file() and p.suffix.lower() in (".yml", ".yaml")
    }
    return sorted(found)


def _checked(item: IndicatorData) -> UploadedIndicator:
    """`item` checked as the dashboard and the VLR use it: the id fits, the config is plain
    data, and assessing it (mapping, progress options, series, breakdowns) works."""
    name = item.csv_path.name if item.csv_path else item.id
    if len(item.id) > 64:
        raise InputError(f"{name}: the indicator id is longer than 64 characters")
    item.config = json.loads(json.dumps(item.config, default=str))
    assess_indicators([item], goals_only())
    breakdown_table(item)
    assert item.csv_path is not None
    csv_text = item.csv_path.read_bytes().decode("utf-8-sig")
    config_text = item.config_path.read_bytes().decode("utf-8-sig") if item.config_path else None
    return UploadedIndicator(item.id, item.config, csv_text, config_text)


def _places(problem: KizunaError) -> str:
    """The rows, columns and fields of `problem` (its file is in its message), in brackets."""
    places = [str(Location(row=w.row, column=w.column, field=w.field)) for w in problem.where]
    shown = "; ".join(p for p in places if p)
    return f" ({shown})" if shown else ""


def _raise_all(problems: list[KizunaError], hint: str) -> None:
    """Raise the one problem, or one `InputError` listing them all."""
    if len(problems) == 1:
        raise problems[0]
    if problems:
        lines = "\n".join(f"  - {p.message}{_places(p)}" for p in problems)
        raise InputError(
            f"{len(problems)} problems in the upload:\n{lines}",
            where=[w for p in problems for w in p.where] or Location(field="file"),
            where_in_message=True,
            hint=hint,
        )
