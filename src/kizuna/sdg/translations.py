"""Reading Open SDG's translation files of the global framework (open-sdg/sdg-translations).

Open SDG keeps the framework's texts as YAML translation files, one folder per language::

    translations/
      en/global_goals.yml        1-title: End poverty ...   1-short: No poverty
      en/global_targets.yml      1-1-title: By 2030, eradicate ...
      en/global_indicators.yml   1-1-1-title: Proportion of the population ...
      zh-Hans/...

An Open SDG indicator config names its texts by these keys
(``indicator_name: global_indicators.1-1-1-title``). `read_translations` reads one
language; `framework_from_translations` builds a framework from them (without UNSD
codes; the files hold the pre-2025 wording, a superset of numbers);
`Framework.with_titles` adds a language to a framework imported from the UNSD file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kizuna.errors import InputError, Location
from kizuna.sdg.framework import Framework, Indicator, Target, number_from_id, sorted_numbers
from kizuna.sdg.goals import goals

KINDS = ("goals", "targets", "indicators")
KEY = re.compile(r"^([0-9a-z]+(?:-[0-9a-z]+)*)-(title|short)$")


@dataclass(frozen=True)
class TranslationSet:
    """The framework's texts in one `language`: goal titles and short names by number,
    target and indicator titles by number (``1.1``, ``1.1.1``)."""

    language: str
    goal_titles: dict[int, str] = field(default_factory=dict)
    goal_shorts: dict[int, str] = field(default_factory=dict)
    targets: dict[str, str] = field(default_factory=dict)
    indicators: dict[str, str] = field(default_factory=dict)

    def lookup(self, key: str) -> str | None:
        """The text of an Open SDG key such as ``global_indicators.1-1-1-title``, or None."""
        group, _, name = key.partition(".")
        match = KEY.match(name)
        if not match:
            return None
        number, kind = number_from_id(match.group(1)), match.group(2)
        if group == "global_goals" and number.isdigit():
            table = self.goal_shorts if kind == "short" else self.goal_titles
            return table.get(int(number))
        if group == "global_targets":
            return self.targets.get(number)
        if group == "global_indicators":
            return self.indicators.get(number)
        return None


def _language_folder(folder: Path, language: str) -> Path:
    inside = folder / language
    return inside if inside.is_dir() else folder


def _read_yaml(path: Path) -> dict[str, str]:
    if not path.is_file():
        raise InputError(
            f"{path}: no such file",
            hint="a translations folder holds <language>/global_goals.yml, global_targets.yml "
            "and global_indicators.yml (open-sdg/sdg-translations)",
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except yaml.YAMLError as exc:
        raise InputError(
            f"{path.name}: not valid YAML ({exc})", where=Location(path.name)
        ) from None
    if not isinstance(data, dict):
        raise InputError(f"{path.name}: expected keys such as 1-1-title", where=Location(path.name))
    return {str(k): " ".join(str(v).split()) for k, v in data.items() if v is not None}


def read_translations(folder: str | Path, language: str = "en") -> TranslationSet:
    """The texts of `language` from an Open SDG translations folder (``folder/<language>/``,
    or `folder` itself when it holds the files)."""
    base = _language_folder(Path(folder), language)
    out = TranslationSet(language)
    for kind in KINDS:
        path = base / f"global_{kind}.yml"
        for key, text in _read_yaml(path).items():
            match = KEY.match(key)
            if not match:
                continue
            number, part = number_from_id(match.group(1)), match.group(2)
            if kind == "goals" and number.isdigit():
                (out.goal_shorts if part == "short" else out.goal_titles)[int(number)] = text
            elif kind == "targets" and part == "title":
                out.targets[number] = text
            elif kind == "indicators" and part == "title":
                out.indicators[number] = text
    return out


def framework_from_translations(folder: str | Path, language: str = "en") -> Framework:
    """A framework (targets and indicators with their titles, no UNSD codes) from Open SDG's
    translation files of `language`."""
    texts = read_translations(folder, language)
    by_target: dict[str, list[str]] = {}
    indicators: dict[str, Indicator] = {}
    for number in sorted_numbers(texts.indicators):
        target = ".".join(number.split(".")[:2])
        by_target.setdefault(target, []).append(number)
        indicators[number] = Indicator(
            number, target, int(number.split(".")[0]), texts.indicators[number]
        )
    targets = {
        n: Target(n, int(n.split(".")[0]), title, tuple(by_target.get(n, ())))
        for n, title in texts.targets.items()
    }
    return Framework(goals(), targets, indicators, f"Open SDG translations ({language})")


def add_language(framework: Framework, folder: str | Path, language: str) -> Framework:
    """`framework` with the target and indicator titles of `language` from a translations
    folder."""
    texts = read_translations(folder, language)
    return framework.with_titles(language, texts.targets, texts.indicators)
