"""The 17 Sustainable Development Goals as packaged data: names (English, Japanese) and colours.

The goals are the one part of the SDG framework that ships with Kizuna
(``data/goals.yaml``, every field citing its source): the official colours of the UN
Department of Global Communications' SDG guidelines, the goal texts of the 2030 Agenda
(A/RES/70/1) and the icon names, and their Japanese versions (UNIC Tokyo for the icon
names, the Ministry of Foreign Affairs' provisional translation for the goal texts).
Targets and indicators come from the UNSD framework file a user gives
(`kizuna.sdg.unsd.read_unsd_framework`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from kizuna.errors import NotFound

LANGUAGES = ("en", "ja")


@dataclass(frozen=True, slots=True)
class Goal:
    """One SDG: `number` 1-17, `colour` ``#RRGGBB``, `short` (icon) and `title` names."""

    number: int
    colour: str
    short: str
    title: str
    short_ja: str
    title_ja: str

    def short_name(self, lang: str = "en") -> str:
        """The icon name in `lang` (``en`` or ``ja``)."""
        return self.short_ja if lang == "ja" else self.short

    def title_in(self, lang: str = "en") -> str:
        """The goal's text in `lang` (``en`` or ``ja``)."""
        return self.title_ja if lang == "ja" else self.title

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of all fields."""
        return asdict(self)


@cache
def _data() -> dict[str, Any]:
    text = files("kizuna.sdg").joinpath("data", "goals.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def goals() -> tuple[Goal, ...]:
    """The 17 goals in order (1 to 17)."""
    return tuple(
        Goal(
            number=int(g["number"]),
            colour=str(g["colour"]),
            short=str(g["short"]).strip(),
            title=" ".join(str(g["title"]).split()),
            short_ja=str(g["short_ja"]).strip(),
            title_ja=str(g["title_ja"]).strip(),
        )
        for g in _data()["goals"]
    )


def goal(number: int | str) -> Goal:
    """The goal numbered `number` (1-17, or its text); `NotFound` otherwise."""
    try:
        n = int(number)
    except (TypeError, ValueError):
        n = 0
    if not 1 <= n <= 17:
        raise NotFound(f"no SDG numbered {number!r}", hint="goals are numbered 1 to 17")
    return goals()[n - 1]


def goal_sources() -> list[dict[str, Any]]:
    """Where each field of the packaged goals comes from (id, fields, title, publisher, year,
    url)."""
    return [dict(s) for s in _data()["sources"]]
