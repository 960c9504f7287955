"""Kizuna: an open platform for cities working towards carbon neutrality.

The domain packages (`kizuna.inventory`, and later `planning`, `review`, `sdg`,
`network`, `datahub`, `reports`) are plain libraries; `kizuna.server` and
`kizuna.cli` present them.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kizuna")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = ["__version__"]
