"""The SDG framework: 17 goals, their targets and indicators, with titles in several languages.

A `Framework` is built from files the user gives (the UNSD export, `kizuna.sdg.unsd`; Open
SDG translation files, `kizuna.sdg.translations`) or from its own JSON (`to_dict` /
`framework_from_dict`, what ``kizuna sdg framework import`` writes). Without any file,
`goals_only()` holds the packaged goals and no targets or indicators: reports then name a
target or an indicator by its number and the name its own data give.

Numbers are written with dots (``11.6.2``, target ``11.6``, ``1.a``); Open SDG writes
indicator ids with dashes (``11-6-2``): `number_from_id` and `id_from_number` convert.
Some indicators appear under several targets with one UNSD code (1.5.1 = 11.5.1 = 13.1.1,
code C200303): `twins` finds them, so that data reported for one count for all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kizuna.errors import InputError, Location
from kizuna.sdg.goals import Goal, goals

#: A target number (``11.6``, ``1.a``) and an indicator number (``11.6.2``, ``1.a.1``).
TARGET_NUMBER = re.compile(r"^(\d{1,2})\.(\d{1,2}|[a-z])$")
INDICATOR_NUMBER = re.compile(r"^(\d{1,2})\.(\d{1,2}|[a-z])\.(\d{1,2})$")


@dataclass(frozen=True, slots=True)
class Target:
    """A target: `number` (``11.6``), its `goal`, English `title` and `titles` by language."""

    number: str
    goal: int
    title: str
    indicators: tuple[str, ...] = ()
    titles: Mapping[str, str] = field(default_factory=dict)

    def title_in(self, lang: str = "en") -> str:
        """The title in `lang`, English when that language is missing."""
        return self.titles.get(lang) or self.title


@dataclass(frozen=True, slots=True)
class Indicator:
    """A global indicator: `number` (``11.6.2``), its `target` and `goal`, English `title`,
    UNSD `code` (``C110602``; None when the source has none) and `titles` by language."""

    number: str
    target: str
    goal: int
    title: str
    code: str | None = None
    titles: Mapping[str, str] = field(default_factory=dict)

    def title_in(self, lang: str = "en") -> str:
        """The title in `lang`, English when that language is missing."""
        return self.titles.get(lang) or self.title


@dataclass(frozen=True)
class Framework:
    """Goals, targets (by number) and indicators (by number), and where they come from."""

    goals: tuple[Goal, ...]
    targets: dict[str, Target]
    indicators: dict[str, Indicator]
    source: str = ""

    @property
    def has_targets(self) -> bool:
        """False for the goals-only framework (no file given)."""
        return bool(self.targets)

    def unique_indicator_codes(self) -> set[str]:
        """The distinct UNSD codes (an indicator repeated under several targets counts once)."""
        return {i.code for i in self.indicators.values() if i.code}

    def unique_indicator_count(self) -> int:
        """Distinct indicators: by UNSD code where there is one, by number otherwise."""
        return len(self.unique_indicator_codes()) + sum(
            1 for i in self.indicators.values() if not i.code
        )

    def twins(self, number: str) -> list[str]:
        """The indicator numbers sharing `number`'s UNSD code, `number` first (just `number`
        when it has no code or is not in the framework)."""
        found = self.indicators.get(number)
        if found is None or not found.code:
            return [number]
        others = [n for n, i in self.indicators.items() if i.code == found.code and n != number]
        return [number, *others]

    def targets_of(self, number: str) -> list[str]:
        """The targets an indicator counts for: its own and those of its twins. Outside the
        framework, the target its number names (``11.6.2`` -> ``11.6``)."""
        out: list[str] = []
        for n in self.twins(number):
            found = self.indicators.get(n)
            target = found.target if found else target_of(n)
            if target and target not in out:
                out.append(target)
        return out

    def goal(self, number: int) -> Goal:
        """The goal numbered `number` (1-17)."""
        return self.goals[int(number) - 1]

    def target_title(self, number: str, lang: str = "en") -> str | None:
        """A target's title in `lang`, None when the framework lacks it."""
        found = self.targets.get(number)
        return found.title_in(lang) if found else None

    def indicator_title(self, number: str, lang: str = "en") -> str | None:
        """An indicator's title in `lang`, None when the framework lacks it."""
        found = self.indicators.get(number)
        return found.title_in(lang) if found else None

    def with_titles(
        self,
        lang: str,
        targets: Mapping[str, str] | None = None,
        indicators: Mapping[str, str] | None = None,
    ) -> Framework:
        """A copy with titles in `lang` added for the targets and indicators (by number) that
        this framework has; numbers it lacks are ignored."""
        new_targets = {
            n: _retitled(t, lang, (targets or {}).get(n)) for n, t in self.targets.items()
        }
        new_indicators = {
            n: _retitled(i, lang, (indicators or {}).get(n)) for n, i in self.indicators.items()
        }
        return Framework(self.goals, new_targets, new_indicators, self.source)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape written by ``kizuna sdg framework import`` (read back by
        `framework_from_dict`)."""
        return {
            "source": self.source,
            "counts": {
                "goals": len(self.goals),
                "targets": len(self.targets),
                "indicator_rows": len(self.indicators),
                "unique_indicators": self.unique_indicator_count(),
            },
            "goals": [g.to_dict() for g in self.goals],
            "targets": [
                {
                    "number": t.number,
                    "goal": t.goal,
                    "title": t.title,
                    "titles": dict(t.titles),
                    "indicators": list(t.indicators),
                }
                for t in self.targets.values()
            ],
            "indicators": [
                {
                    "number": i.number,
                    "target": i.target,
                    "goal": i.goal,
                    "title": i.title,
                    "code": i.code,
                    "titles": dict(i.titles),
                }
                for i in self.indicators.values()
            ],
        }


def _retitled(item: Any, lang: str, title: str | None) -> Any:
    if not title:
        return item
    return replace(item, titles={**item.titles, lang: " ".join(title.split())})


def goals_only(source: str = "Kizuna's packaged goals (no framework file given)") -> Framework:
    """The framework without a file: the 17 goals, no targets or indicators."""
    return Framework(goals(), {}, {}, source)


def framework_from_dict(data: Mapping[str, Any], source: str = "<framework>") -> Framework:
    """A framework from its `Framework.to_dict` shape (the goals are always the packaged ones)."""
    try:
        targets = {
            t["number"]: Target(
                t["number"],
                int(t["goal"]),
                t["title"],
                tuple(t.get("indicators", ())),
                dict(t.get("titles", {})),
            )
            for t in data["targets"]
        }
        indicators = {
            i["number"]: Indicator(
                i["number"],
                i["target"],
                int(i["goal"]),
                i["title"],
                i.get("code"),
                dict(i.get("titles", {})),
            )
            for i in data["indicators"]
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(
            f"{source}: not a Kizuna framework file ({exc})",
            where=Location(source),
            hint="write one with `kizuna sdg framework import FILE -o framework.json`",
        ) from None
    return Framework(goals(), targets, indicators, str(data.get("source", source)))


def read_framework(path: str | Path) -> Framework:
    """A framework from a file: Kizuna's JSON (``.json``) or the UNSD export (``.csv``)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file", hint="give the UNSD framework CSV or its JSON")
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{path.name}: not valid JSON ({exc})", where=Location(path.name)
            ) from None
        return framework_from_dict(data, path.name)
    from kizuna.sdg.unsd import read_unsd_framework

    return read_unsd_framework(path)


def number_from_id(indicator_id: str) -> str:
    """Open SDG's id (``11-6-2``, ``11-1-1-a``) written with dots (``11.6.2``, ``11.1.1.a``)."""
    return indicator_id.replace("-", ".")


def id_from_number(number: str) -> str:
    """An indicator number (``11.6.2``) as Open SDG's id (``11-6-2``)."""
    return number.replace(".", "-")


def target_of(number: str) -> str | None:
    """The target a number names (``11.6.2`` or ``11.6.2.a`` -> ``11.6``), None if none."""
    parts = number.split(".")
    if len(parts) >= 2 and TARGET_NUMBER.match(".".join(parts[:2])):
        return ".".join(parts[:2])
    return None


def goal_of(number: str) -> int | None:
    """The goal a target or indicator number names (``11.6.2`` -> 11), None if none."""
    head = number.split(".")[0].split("-")[0]
    return int(head) if head.isdigit() and 1 <= int(head) <= 17 else None


def sort_key(number: str) -> tuple[Any, ...]:
    """Order numbers as the framework does: 1.2 < 1.10 < 1.a; 11.6.2 < 11.6.10."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.-]", number))


def sorted_numbers(numbers: Iterable[str]) -> list[str]:
    """`numbers` in framework order (see `sort_key`)."""
    return sorted(numbers, key=sort_key)
