"""A city's own indicators and how they map to the global ones.

A city reports global indicators (id ``13-2-2``) and local ones: sub-indicators of a global
indicator (``11-1-1-a``, ``11-1-1-b``: the city's measures of 11.1.1) or indicators of
its own mapped to one or more global indicators, targets or goals. The mapping lives in the
``kizuna:`` block of the indicator's Open SDG config::

    indicator_number: 11.1.1.a
    indicator_name: Households in housing below the minimum standard
    computation_units: Percent
    kizuna:
      name_ja: 最低居住面積水準未満の世帯の割合
      global_indicators: ['11.1.1']   # default: the id's first three parts (11-1-1-a)
      targets: []                     # more targets it informs (optional)
      goals: []                       # goals of an indicator outside the global numbering
      sources: [census-2020]          # ids of city.yaml sources
      labels_ja: {Female: 女性}        # Japanese for series, unit, breakdown and group names

An id of three parts is a global indicator itself; one of more parts is, by default, a
sub-indicator of the global indicator its first three parts name. An indicator's targets
are those of its global indicators (and of their twins under other targets, such as 13.1.1
and 11.5.1) plus its own; its goals are those of its targets plus its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kizuna.errors import InputError, Location
from kizuna.sdg.framework import (
    INDICATOR_NUMBER,
    TARGET_NUMBER,
    Framework,
    goal_of,
    number_from_id,
    sorted_numbers,
)
from kizuna.sdg.opensdg import IndicatorData


@dataclass(frozen=True)
class LocalIndicator:
    """An indicator a city reports: `id` (``11-1-1-a``), `number` (``11.1.1.a``), names,
    unit, the global indicators it maps to, and the targets and goals it informs."""

    id: str
    number: str
    name: str
    name_ja: str | None
    unit: str | None
    global_indicators: tuple[str, ...]
    targets: tuple[str, ...]
    goals: tuple[int, ...]
    sources: tuple[str, ...] = ()
    labels_ja: Mapping[str, str] = field(default_factory=dict)

    def label(self, text: str, lang: str = "en") -> str:
        """A data label (a series, unit, breakdown or group name) in `lang`, from the config's
        ``kizuna.labels_ja``; `text` itself otherwise."""
        return self.labels_ja.get(text, text) if lang == "ja" else text

    @property
    def is_global(self) -> bool:
        """True when the indicator is a global one (its number is in its global list)."""
        return self.number in self.global_indicators

    def name_in(self, lang: str = "en") -> str:
        """The name in `lang` (the English one when there is no Japanese name)."""
        return (self.name_ja or self.name) if lang == "ja" else self.name

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "id": self.id,
            "number": self.number,
            "name": self.name,
            "name_ja": self.name_ja,
            "unit": self.unit,
            "global_indicators": list(self.global_indicators),
            "targets": list(self.targets),
            "goals": list(self.goals),
            "sources": list(self.sources),
            "is_global": self.is_global,
        }


def default_global(indicator_id: str) -> list[str]:
    """The global indicator an id names: ``13-2-2`` -> 13.2.2, ``11-1-1-a`` -> 11.1.1;
    none for an id outside the global numbering."""
    head = ".".join(indicator_id.split("-")[:3])
    return [head] if INDICATOR_NUMBER.match(head) else []


def define_local_indicator(
    indicator_id: str,
    name: str,
    framework: Framework,
    *,
    name_ja: str | None = None,
    unit: str | None = None,
    global_indicators: Sequence[str] | None = None,
    targets: Sequence[str] = (),
    goals: Sequence[int] = (),
    sources: Sequence[str] = (),
    labels_ja: Mapping[str, str] | None = None,
    source: str | None = None,
) -> LocalIndicator:
    """A local indicator with its mapping checked against `framework`.

    `global_indicators` defaults to `default_global`. Raises `InputError` (naming `source`,
    a file) for a malformed number, a global indicator or target the framework lacks (when
    it has targets), a goal outside 1-17, or an indicator mapped to nothing.
    """
    where = Location(source or indicator_id, field="kizuna")
    mapped = (
        list(global_indicators) if global_indicators is not None else default_global(indicator_id)
    )
    for number in mapped:
        if not INDICATOR_NUMBER.match(str(number)):
            raise InputError(
                f"{indicator_id}: {number!r} is not a global indicator number",
                where=where,
                hint="write global indicators as '11.1.1'",
            )
        if framework.has_targets and number not in framework.indicators:
            raise InputError(
                f"{indicator_id}: the framework has no indicator {number}",
                where=where,
                hint=f"check the number against {framework.source}",
            )
    for number in targets:
        if not TARGET_NUMBER.match(str(number)) or (
            framework.has_targets and number not in framework.targets
        ):
            raise InputError(
                f"{indicator_id}: {number!r} is not a target of the framework",
                where=where,
                hint="write targets as '11.6'",
            )
    bad_goals = [g for g in goals if not 1 <= int(g) <= 17]
    if bad_goals:
        raise InputError(f"{indicator_id}: goals are 1 to 17, not {bad_goals}", where=where)
    all_targets: list[str] = []
    for number in mapped:
        for target in framework.targets_of(str(number)):
            if target not in all_targets:
                all_targets.append(target)
    all_targets += [t for t in targets if t not in all_targets]
    all_goals = sorted({g for t in all_targets if (g := goal_of(t))} | {int(g) for g in goals})
    if not all_goals:
        raise InputError(
            f"{indicator_id}: the indicator maps to no global indicator, target or goal",
            where=where,
            hint="give kizuna.global_indicators, kizuna.targets or kizuna.goals in its config",
        )
    return LocalIndicator(
        id=indicator_id,
        number=number_from_id(indicator_id),
        name=name,
        name_ja=name_ja,
        unit=unit,
        global_indicators=tuple(str(n) for n in mapped),
        targets=tuple(sorted_numbers(all_targets)),
        goals=tuple(all_goals),
        sources=tuple(str(s) for s in sources),
        labels_ja=dict(labels_ja or {}),
    )


def local_indicator(item: IndicatorData, framework: Framework) -> LocalIndicator:
    """The local indicator an Open SDG indicator describes (its config and ``kizuna:``
    block). Its name is the config's ``indicator_name`` (an Open SDG translation key such as
    ``global_indicators.1-1-1-title`` is looked up in `framework`), else ``graph_title``,
    else the global indicator's title, else the id."""
    block = item.kizuna
    source = item.config_path.name if item.config_path else item.id
    number = number_from_id(item.id)
    mapped = block.get("global_indicators")
    name = _resolve_name(item.config.get("indicator_name"), framework) or _resolve_name(
        item.config.get("graph_title"), framework
    )
    if not name:
        head = (mapped or default_global(item.id) or [None])[0]
        name = (framework.indicator_title(head) if head else None) or number
    return define_local_indicator(
        item.id,
        name,
        framework,
        name_ja=block.get("name_ja"),
        unit=item.config.get("computation_units") or None,
        global_indicators=[str(n) for n in mapped] if mapped is not None else None,
        targets=[str(t) for t in block.get("targets") or []],
        goals=[int(g) for g in block.get("goals") or []],
        sources=[str(s) for s in block.get("sources") or []],
        labels_ja={str(k): str(v) for k, v in (block.get("labels_ja") or {}).items()},
        source=source,
    )


def _resolve_name(value: Any, framework: Framework) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.startswith("global_indicators.") and text.endswith("-title"):
        number = number_from_id(text[len("global_indicators.") : -len("-title")])
        return framework.indicator_title(number) or number
    return text
