"""Voluntary Local Reviews: a CITY_DIR of data, narratives and a plan, rendered as HTML or PDF.

>>> from kizuna.sdg.vlr import build_vlr                          # doctest: +SKIP
>>> build_vlr("yokohama/", "report.pdf", lang="ja")               # doctest: +SKIP
"""

from kizuna.sdg.vlr.citydir import CityConfig, CityDir, load_city_dir
from kizuna.sdg.vlr.render import build_vlr, pdf_bytes, render_view
from kizuna.sdg.vlr.view import SECTIONS, VlrView, vlr_view

__all__ = [
    "SECTIONS",
    "CityConfig",
    "CityDir",
    "VlrView",
    "build_vlr",
    "load_city_dir",
    "pdf_bytes",
    "render_view",
    "vlr_view",
]
