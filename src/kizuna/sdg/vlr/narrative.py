"""The narrative sections of a VLR: Markdown the city writes, rendered safely.

markdown-it-py renders CommonMark (with tables) with raw HTML switched off: a ``<script>``
or any other tag in a narrative file is shown as text, never passed into the report, and
links keep markdown-it's URL check (no ``javascript:``). Headings are shifted down so that
a narrative's ``#`` sits under the report's section heading.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markupsafe import Markup


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        "table"
    )


def render_markdown(text: str | None, shift: int = 2) -> Markup:
    """HTML of Markdown `text` (raw HTML escaped), headings shifted by `shift` levels
    (``#`` becomes ``<h3>`` with the default); empty for None."""
    if not text:
        return Markup("")
    tokens = _parser().parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(6, int(token.tag[1]) + shift)
            token.tag = f"h{level}"
    html = _parser().renderer.render(tokens, _parser().options, {})
    return Markup(html)
