"""Importing the global indicator framework from the UNSD export (CSV of the UNSD spreadsheet).

The export of "Global indicator framework for the Sustainable Development Goals and targets
of the 2030 Agenda" (A/RES/71/313 annex, with the annual refinements) has, in reading order:

- title rows (the framework's name, a note on disaggregation) and a header row;
- goal rows: ``Goal 1. End poverty in all its forms everywhere``;
- target rows: ``1.1 By 2030, eradicate ...`` in the goals-and-targets column, with the
  target's first indicator beside it (``1.1.1 Proportion of ...``) and its UNSD code
  (``C010101``); the target's further indicators follow on rows of their own;
- sub-headings within Goal 17 (``Finance``, ``Technology``, ...), which are not targets;
- footnotes: rows starting with ``*``, ``†`` or a footnote number (``4 The current
  indicator 17.6.1 was previously listed as 17.6.2.``), whose markers are glued to the
  end of the text they annotate (``... its impacts3``, ``... by speed4``).

The reader finds goals, targets, indicators and codes by their patterns in any column, so
it does not depend on where the export puts its columns; it strips footnote markers only
when the footnote exists. Indicators that appear under several targets (1.5.1 = 11.5.1 =
13.1.1) are kept under each target, with their shared UNSD code
(`kizuna.sdg.framework.Framework.twins`).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from kizuna.errors import InputError, Location
from kizuna.sdg.framework import Framework, Indicator, Target
from kizuna.sdg.goals import goals

GOAL_ROW = re.compile(r"^Goal\s+(\d{1,2})\.\s*(.+)$", re.S)
TARGET_TEXT = re.compile(r"^(\d{1,2}\.(?:\d{1,2}|[a-z]))\s+(.+)$", re.S)
INDICATOR_TEXT = re.compile(r"^(\d{1,2}\.(?:\d{1,2}|[a-z])\.\d{1,2})\s+(.+)$", re.S)
UNSD_CODE = re.compile(r"^C[0-9A-Za-z]{6}$")
FOOTNOTE = re.compile(r"^(\d{1,2})\s+\S")
MARKER = re.compile(r"(?<=[A-Za-z.)\]])(\d{1,2})$")


def _clean(text: str) -> str:
    return " ".join(text.replace("\u2011", "-").split())


def _footnote_numbers(rows: list[list[str]]) -> set[str]:
    """The numbers of the footnotes at the end of the export (``4 The current ...``)."""
    found: set[str] = set()
    for row in rows:
        for cell in row:
            text = _clean(cell)
            match = FOOTNOTE.match(text)
            if match and not TARGET_TEXT.match(text) and not INDICATOR_TEXT.match(text):
                found.add(match.group(1))
    return found


def _strip_marker(text: str, footnotes: set[str]) -> str:
    match = MARKER.search(text)
    if match and match.group(1) in footnotes:
        return text[: match.start()].rstrip()
    return text


def read_unsd_framework(path: str | Path) -> Framework:
    """The goals, targets and indicators of a UNSD framework export (CSV, UTF-8).

    Raises `InputError` (naming the file and row) when the file holds no goal rows, when a
    target or indicator comes before any goal, or when an indicator's number does not
    belong to the target it is listed under.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file", hint="give the UNSD framework CSV export")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    footnotes = _footnote_numbers(rows)
    targets: dict[str, Target] = {}
    indicators: dict[str, Indicator] = {}
    members: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    goal: int | None = None
    target: str | None = None
    for row_number, row in enumerate(rows, start=1):
        cells = [_clean(c) for c in row]
        where = Location(path.name, row=row_number)
        goal_cell = next((c for c in cells if GOAL_ROW.match(c)), None)
        if goal_cell is not None:
            found = GOAL_ROW.match(goal_cell)
            assert found is not None
            goal, target = int(found.group(1)), None
            continue
        target_cell = next((c for c in cells if TARGET_TEXT.match(c)), None)
        indicator_cell = next((c for c in cells if INDICATOR_TEXT.match(c)), None)
        code = next((c for c in cells if UNSD_CODE.match(c)), None)
        if target_cell is None and indicator_cell is None:
            continue  # titles, header, sub-headings, blank rows and footnotes
        if goal is None:
            raise InputError(
                f"{path.name}: a target or indicator before any goal row",
                where=where,
                hint="is this the UNSD export of the global indicator framework?",
            )
        if target_cell is not None:
            found = TARGET_TEXT.match(target_cell)
            assert found is not None
            number = found.group(1)
            if int(number.split(".")[0]) != goal:
                raise InputError(
                    f"{path.name}: target {number} is listed under Goal {goal}", where=where
                )
            target = number
            titles[number] = _strip_marker(found.group(2), footnotes)
            members.setdefault(number, [])
        if indicator_cell is not None:
            found = INDICATOR_TEXT.match(indicator_cell)
            assert found is not None
            number = found.group(1)
            if target is None or not number.startswith(target + "."):
                raise InputError(
                    f"{path.name}: indicator {number} is listed under target {target}",
                    where=where,
                    hint="each indicator row must follow its target's row",
                )
            indicators[number] = Indicator(
                number=number,
                target=target,
                goal=goal,
                title=_strip_marker(found.group(2), footnotes),
                code=code,
            )
            members[target].append(number)
    if not titles:
        raise InputError(
            f"{path.name}: no goal and target rows found",
            where=Location(path.name),
            hint="expected rows such as 'Goal 1. End poverty ...' and '1.1 By 2030, ...' "
            "(the UNSD export of the global indicator framework)",
        )
    for number, title in titles.items():
        targets[number] = Target(number, int(number.split(".")[0]), title, tuple(members[number]))
    return Framework(goals(), targets, indicators, f"UNSD global indicator framework ({path.name})")
