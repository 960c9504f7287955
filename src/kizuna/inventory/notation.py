"""Reading GPC notation keys as real files write them.

Real inventories hold keys such as ``NO``, ``NO `` (trailing space),
``NE; NE`` (one key per gas, joined), ``IE (I.1.1)`` (where the emissions
are included) or ``NO; IE`` (different keys for different parts). The first
key is the one recorded; the rest of the text becomes the explanation.
"""

from __future__ import annotations

import re

from kizuna.inventory.book import NOTATION_KEYS

_TOKEN = re.compile(r"[A-Za-z]+")
_REF_IN_PARENS = re.compile(r"\(([^)]*)\)")


def parse_notation(text: str) -> tuple[str, str] | None:
    """Return ``(key, explanation)`` for a notation-key cell, or None if it is not one.

    >>> parse_notation("IE (I.1.1)")
    ('IE', 'included in I.1.1')
    >>> parse_notation("NE; NE")
    ('NE', '')
    >>> parse_notation("NO; IE")
    ('NO', 'as written: NO; IE')
    >>> parse_notation("12.5") is None
    True
    """
    raw = " ".join(str(text).split())
    without_refs = _REF_IN_PARENS.sub(" ", raw)
    tokens = [t.upper() for t in _TOKEN.findall(without_refs)]
    if not tokens or any(t not in NOTATION_KEYS for t in tokens):
        return None
    key = tokens[0]
    notes = []
    inside = _REF_IN_PARENS.findall(raw)
    if key == "IE" and inside:
        notes.append("included in " + ", ".join(s.strip() for s in inside))
    if len(set(tokens)) > 1:
        notes.append(f"as written: {raw}")
    return key, "; ".join(notes)
