"""Reading the CSV tables packaged in `kizuna/reference/data` (``#`` lines are the source notes)."""

from __future__ import annotations

from importlib.resources import files

import pandas as pd


def read_reference_csv(name: str, **kwargs: object) -> pd.DataFrame:
    """Read `kizuna/reference/data/<name>`, skipping the ``#`` source-note lines."""
    with files("kizuna.reference").joinpath("data", name).open(encoding="utf-8") as fh:
        return pd.read_csv(fh, comment="#", **kwargs)
