"""A city's VLR folder (CITY_DIR): what the city writes and what Kizuna computes from.

Layout (docs/sdg.md, "The VLR")::

    CITY_DIR/
      city.yaml                the city, its facts and sources, and where the rest is
      data/indicator_<id>.csv  Open SDG indicator data (kizuna.sdg.opensdg)
      indicator-config/<id>.yml  their configs (or data/indicator-config/)
      narrative/en/<section>.md  the sections the city writes (Markdown), and
      narrative/en/goals/<n>.md  what the city does for goal n
      narrative/ja/...           the same in Japanese (English is used where one is missing)
      plan.yaml                optional climate plan (kizuna.planning), or city.yaml `plan:`

city.yaml (validated here; `InputError` names the field)::

    name: Yokohama
    name_ja: 横浜市
    country: JP
    report_year: 2025
    title: ...                      # optional; title_ja likewise
    facts:                          # the city profile, each figure with its source
      - {label: Population, label_ja: 人口, value: 3777491, unit: persons, unit_ja: 人,
         year: 2020, source: census-2020}
    plan: plan.yaml                 # optional, relative to CITY_DIR
    framework: framework.json       # optional: UNSD CSV or `kizuna sdg framework import` JSON
    climate:                        # optional
      emissions_indicator: 13-2-2   # observed city totals, for the plan's progress
      tco2e_per_unit: 1000000       # its unit in tCO2e (MtCO2e -> 1e6)
      per_capita: {id: 13-2-2-a, population: {2013: 3693788}, sources: [...]}
    budget:                         # optional lines of the means of implementation
      - {item: ..., item_ja: ..., amount: 1.0e9, currency: JPY, year: 2024, source: ...}
    sources:
      - {id: census-2020, title: ..., publisher: ..., year: 2021, url: ...}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kizuna.errors import InputError, Location
from kizuna.planning import Plan, load_plan
from kizuna.sdg.framework import Framework, goals_only, read_framework
from kizuna.sdg.opensdg import IndicatorData, read_data_dir

#: The narrative sections, in report order (file names without ``.md``).
NARRATIVE_SECTIONS = (
    "opening",
    "highlights",
    "profile",
    "methodology",
    "policy",
    "lnob",
    "means",
    "climate",
    "conclusions",
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Model):
    """A cited source: an id the data refer to, and where it is."""

    id: str
    title: str
    publisher: str = ""
    year: int | str | None = None
    url: str = ""
    note: str = ""


class Fact(_Model):
    """One figure of the city profile, with its unit, year and source id."""

    label: str
    label_ja: str | None = None
    value: float | str
    unit: str = ""
    unit_ja: str | None = None
    year: int | str | None = None
    source: str
    note: str = ""


class PerCapita(_Model):
    """GHG per capita computed from the emissions indicator and a population by year."""

    id: str = "13-2-2-a"
    population: dict[int, float]
    sources: list[str] = Field(default_factory=list)
    name: str = "Greenhouse gas emissions per person"
    name_ja: str = "一人当たり温室効果ガス排出量"


class Climate(_Model):
    """Where the observed emissions are and what they are in tCO2e."""

    emissions_indicator: str = "13-2-2"
    tco2e_per_unit: float = Field(1.0, gt=0)
    per_capita: PerCapita | None = None


class BudgetLine(_Model):
    """A line of the means of implementation: an amount of money with its source."""

    item: str
    item_ja: str | None = None
    amount: float
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    year: int | str | None = None
    source: str


class CityConfig(_Model):
    """The contents of city.yaml (see the module docstring)."""

    name: str
    name_ja: str | None = None
    country: str = ""
    report_year: int = Field(ge=2015, le=2100)
    title: str | None = None
    title_ja: str | None = None
    facts: list[Fact] = Field(default_factory=list)
    plan: str | None = None
    framework: str | None = None
    data: str = "data"
    climate: Climate | None = None
    budget: list[BudgetLine] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)

    @model_validator(mode="after")
    def _sources_known(self) -> CityConfig:
        known = {s.id for s in self.sources}
        cited = [f.source for f in self.facts] + [b.source for b in self.budget]
        if self.climate and self.climate.per_capita:
            cited += self.climate.per_capita.sources
        unknown = sorted({c for c in cited if c not in known})
        if unknown:
            raise ValueError(f"sources {unknown} are cited but not listed under sources")
        return self


@dataclass
class CityDir:
    """A loaded CITY_DIR: the config, the indicators, the framework, the narratives by
    section and language, and the plan (None without one)."""

    root: Path
    config: CityConfig
    indicators: list[IndicatorData]
    framework: Framework
    narratives: dict[str, dict[str, str]] = field(default_factory=dict)
    goal_narratives: dict[int, dict[str, str]] = field(default_factory=dict)
    plan: Plan | None = None

    def name(self, lang: str = "en") -> str:
        """The city's name in `lang`."""
        return (self.config.name_ja or self.config.name) if lang == "ja" else self.config.name

    def source(self, source_id: str) -> Source | None:
        """A source of city.yaml by id."""
        return next((s for s in self.config.sources if s.id == source_id), None)


def read_city_config(path: Path) -> CityConfig:
    """city.yaml validated; `InputError` lists every problem with its field."""
    if not path.is_file():
        raise InputError(
            f"{path}: no such file",
            hint="a CITY_DIR holds city.yaml (see docs/sdg.md, 'The VLR')",
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InputError(
            f"{path.name}: not valid YAML ({exc})", where=Location(path.name)
        ) from None
    return validate_city_config(data, path.name)


def validate_city_config(data: Any, source: str | None = None) -> CityConfig:
    """`data` (city.yaml's mapping) validated; `InputError` lists every problem with its
    field (and `source`, the file, when given)."""
    try:
        return CityConfig.model_validate(data)
    except ValidationError as exc:
        where, lines = [], []
        for err in exc.errors():
            name = ".".join(str(p) for p in err["loc"])
            where.append(Location(source, field=name or None))
            lines.append(f"  - {name or '(city)'}: {str(err['msg']).removeprefix('Value error, ')}")
        raise InputError(
            f"{source or 'city.yaml'}: {len(lines)} problem(s)\n" + "\n".join(lines),
            where=where,
            where_in_message=True,
            hint="see docs/sdg.md, 'city.yaml'",
        ) from None


def _narratives(folder: Path) -> tuple[dict[str, dict[str, str]], dict[int, dict[str, str]]]:
    sections: dict[str, dict[str, str]] = {}
    goal_texts: dict[int, dict[str, str]] = {}
    for lang_dir in sorted(p for p in folder.glob("*") if p.is_dir()):
        lang = lang_dir.name
        for name in NARRATIVE_SECTIONS:
            path = lang_dir / f"{name}.md"
            if path.is_file():
                sections.setdefault(name, {})[lang] = path.read_text(encoding="utf-8")
        for path in sorted((lang_dir / "goals").glob("*.md")):
            if path.stem.isdigit() and 1 <= int(path.stem) <= 17:
                goal_texts.setdefault(int(path.stem), {})[lang] = path.read_text(encoding="utf-8")
    return sections, goal_texts


def load_city_dir(root: str | Path) -> CityDir:
    """Read a CITY_DIR: city.yaml, the Open SDG data, the framework (goals only when none is
    given), the narratives and the plan."""
    root = Path(root)
    if not root.is_dir():
        raise InputError(f"{root}: no such folder", hint="give a CITY_DIR (see docs/sdg.md)")
    config = read_city_config(root / "city.yaml")
    framework = read_framework(root / config.framework) if config.framework else goals_only()
    indicators = read_data_dir(root / config.data)
    sections, goal_texts = _narratives(root / "narrative")
    plan_path = root / config.plan if config.plan else root / "plan.yaml"
    plan = load_plan(plan_path) if config.plan or plan_path.is_file() else None
    return CityDir(root, config, indicators, framework, sections, goal_texts, plan)


def narrative(city: CityDir, section: str, lang: str) -> tuple[str | None, bool]:
    """The Markdown of a section in `lang` and whether it fell back to English."""
    texts = city.narratives.get(section, {})
    if lang in texts:
        return texts[lang], False
    if "en" in texts:
        return texts["en"], lang != "en"
    return None, False


def goal_narrative(city: CityDir, goal: int, lang: str) -> tuple[str | None, bool]:
    """What the city does for `goal`, in `lang` (English as a fallback)."""
    texts = city.goal_narratives.get(goal, {})
    if lang in texts:
        return texts[lang], False
    if "en" in texts:
        return texts["en"], lang != "en"
    return None, False


def as_text(value: Any) -> str:
    """A fact's value as text (numbers with thousands separators)."""
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if isinstance(value, int | float):
        return f"{value:,}"
    return str(value)
