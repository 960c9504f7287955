"""The SDG package's own translations (Japanese), independent of the server's catalogue.

The texts the SDG charts and the VLR write are English message ids, as gettext wants them;
their Japanese lives in ``data/messages_ja.yaml`` (``english: 日本語``, placeholders such as
``%(year)s`` kept). `translations("ja")` returns an object with gettext's ``gettext`` and
``ngettext`` (what `kizuna.reports.i18n` and Jinja2's i18n extension call) and ``info()``
naming its language; `translations("en")` keeps English. The names of the measures of
Kizuna's measure library are added from the library's own ``name_ja``.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from kizuna.errors import InputError

LANGUAGES = ("en", "ja")


class SdgTranslations:
    """A message table for one language (English ids to translations)."""

    def __init__(self, language: str, messages: dict[str, str]) -> None:
        self.language = language
        self.messages = messages

    def gettext(self, message: str) -> str:
        """`message` translated, or itself when the table lacks it."""
        return self.messages.get(message) or message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form for `n` (Japanese has one; English picks by `n`)."""
        found = self.messages.get(singular)
        if found:
            return found
        return singular if n == 1 else plural

    def info(self) -> dict[str, str]:
        """The catalogue's metadata: its ``language``."""
        return {"language": self.language}


@cache
def _japanese() -> dict[str, str]:
    text = files("kizuna.sdg").joinpath("data", "messages_ja.yaml").read_text(encoding="utf-8")
    data: Any = yaml.safe_load(text) or {}
    messages = {str(k): str(v) for k, v in data.items()}
    from kizuna.planning.library import measure_library

    for measure in measure_library()["measures"].values():
        if measure.get("name_ja"):
            messages.setdefault(measure["name"], measure["name_ja"])
    return messages


@cache
def translations(lang: str = "en") -> SdgTranslations:
    """The translations for `lang` (``en`` or ``ja``); `InputError` for another language."""
    if lang not in LANGUAGES:
        raise InputError(f"no translations for language {lang!r}", hint="use en or ja")
    return SdgTranslations(lang, _japanese() if lang == "ja" else {})


def gettext(lang: str, message: str, **values: Any) -> str:
    """`message` in `lang`, formatted with `values` (``%(name)s`` placeholders)."""
    text = translations(lang).gettext(message)
    return text % values if values else text
