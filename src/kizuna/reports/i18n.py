"""Translating what reports and pages show: the Jinja2 gettext hooks and the chart texts.

Kizuna's texts go through one gettext catalogue (domain ``kizuna``; the server keeps
the ``.po`` sources and compiled ``.mo`` files, see ``docs/dashboard.md``). This module
knows no catalogue and imports no server: whoever renders passes a `Translations`
object (``gettext.NullTranslations`` keeps English).

- Templates: `install_i18n` adds Jinja2's i18n extension to an environment. Its
  ``_()``, ``gettext``, ``ngettext`` and ``{% trans %}`` read the translations from the
  ``translations`` variable of the template context, so one environment serves every
  language at once (import macros ``with context``).
- Charts: the chart builders of `kizuna.reports` write English; `translate_figure`
  turns a built figure into another language: trace names, category labels, axis
  titles, annotations and hover texts, matched against `CHART_TEXTS` (message ids
  with ``%(name)s`` placeholders whose captured values are kept or translated).
- Names from the GPC standard (`GPC_NAMES`) and the other labels the data carry
  (`DATA_LABELS`) are marked here so that the catalogue holds them.
"""

from __future__ import annotations

import copy
import gettext as gettext_module
import re
from collections.abc import Callable
from functools import cache
from typing import Any, Protocol

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from kizuna.reports.figures import Figure
from kizuna.reports.formatting import MoneyUnit, format_money, pick_money_unit


class Translations(Protocol):
    """What Kizuna needs of a translations object (``gettext.GNUTranslations`` and
    ``babel.support.Translations`` both fit)."""

    def gettext(self, message: str) -> str:
        """`message` translated, or itself when the catalogue lacks it."""
        ...

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form of `singular`/`plural` for `n`, translated."""
        ...


#: English: every message is its own translation.
ENGLISH: Translations = gettext_module.NullTranslations()


def N_(message: str) -> str:  # noqa: N802 (the gettext convention for "mark only")
    """Mark `message` for the catalogue without translating it here."""
    return message


#: Names of the GPC v1.1 sectors and sub-sectors (Table 4.1), as the taxonomy spells them.
GPC_NAMES: tuple[str, ...] = (
    N_("Stationary energy"),
    N_("Transportation"),
    N_("Waste"),
    N_("IPPU"),
    N_("AFOLU"),
    N_("Other scope 3"),
    N_("Residential buildings"),
    N_("Commercial and institutional buildings and facilities"),
    N_("Manufacturing industries and construction"),
    N_("Energy industries"),
    N_("Energy generation supplied to the grid"),
    N_("Agriculture, forestry and fishing activities"),
    N_("Non-specified sources"),
    N_("Fugitive emissions from mining, processing, storage and transportation of coal"),
    N_("Fugitive emissions from oil and natural gas systems"),
    N_("On-road"),
    N_("Railways"),
    N_("Waterborne navigation"),
    N_("Aviation"),
    N_("Off-road"),
    N_("Solid waste disposal"),
    N_("Biological treatment of waste"),
    N_("Incineration and open burning"),
    N_("Wastewater treatment and discharge"),
    N_("Industrial processes"),
    N_("Product use"),
    N_("Livestock"),
    N_("Land"),
    N_("Aggregate sources and non-CO2 emission sources on land"),
)

#: Labels that reach the pages as data: reporting levels, completeness statuses and the
#: GPC notation keys (`kizuna.inventory.NOTATION_KEYS`).
DATA_LABELS: tuple[str, ...] = (
    N_("BASIC"),
    N_("BASIC+"),
    N_("BASIC+ and other scope 3"),
    N_("Territorial"),
    N_("Value"),
    N_("Notation key"),
    N_("Missing"),
    N_("Not occurring"),
    N_("Not estimated"),
    N_("Included elsewhere"),
    N_("Confidential"),
)

#: The texts the chart builders write (`kizuna.reports.inventory_charts`, `plan_charts`,
#: `macc_charts`): whole labels, and patterns whose ``%(name)s`` parts are values (years,
#: numbers, units, Plotly's ``%{x}``). A pattern matches a whole label or one line of a
#: hover text; patterns with more literal text are tried first.
CHART_TEXTS: tuple[str, ...] = (
    # axis titles
    N_("Year"),
    N_("Emissions (%(unit)s/yr)"),
    N_("Levelised cost of abatement (%(currency)s/tCO2e)"),
    N_("Annual abatement potential (%(unit)s/yr)"),
    N_("Marginal cost (%(currency)s/tCO2e)"),
    N_("Abatement in %(year)s (%(unit)s/yr)"),
    # legend entries
    N_("Scope %(scope)s"),
    N_("Planned emissions"),
    N_("Business as usual"),
    N_("Gap to milestone"),
    N_("Milestone met"),
    N_("Milestone missed"),
    N_("Least-cost plan"),
    N_("%(year)s needs %(value)s %(unit)s/yr (beyond the curve)"),
    N_("%(year)s needs %(value)s %(unit)s/yr"),
    # notes drawn on a chart
    N_(
        "From %(share)s %% of the targets the %(year)s milestone is missed "
        "(not drawn: its marginal cost is the penalty)"
    ),
    # lines of hover texts
    N_("Scope %(scope)s: %(value)s %(unit)s"),
    N_("Planned %(year)s: %(value)s %(unit)s"),
    N_("BAU %(year)s: %(value)s %(unit)s"),
    N_("%(year)s: %(value)s %(unit)s abated"),
    N_("Milestone %(year)s"),
    N_("cap: %(value)s %(unit)s"),
    N_("planned: %(value)s %(unit)s"),
    N_("gap: %(value)s %(unit)s"),
    N_("LCOA: %(value)s %(currency)s/tCO2e"),
    N_("potential: %(value)s %(unit)s/yr"),
    N_("Ambition %(share)s %% of the targets"),
    N_("abatement %(year)s: %(value)s %(unit)s"),
    N_("marginal cost: %(value)s %(currency)s/tCO2e"),
    N_("NPV: %(value)s %(currency)s"),
    # the "<level> <year>: <value> <unit>" of the totals chart (tried last: least literal text)
    N_("%(label)s %(year)s: %(value)s %(unit)s"),
)

#: Money scales as the templates label them (`kizuna.reports.formatting.MoneyUnit`).
MONEY_LABELS: dict[float, str] = {
    1e3: N_("thousand %(currency)s"),
    1e6: N_("million %(currency)s"),
    1e9: N_("billion %(currency)s"),
}

_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


@cache
def _pattern(message: str) -> re.Pattern[str] | None:
    """A regular expression matching what `message` (with ``%(name)s`` placeholders)
    becomes once formatted, capturing each placeholder; None when it has none."""
    if "%(" not in message:
        return None
    parts: list[str] = []
    last = 0
    for found in _PLACEHOLDER.finditer(message):
        parts.append(re.escape(message[last : found.start()]))
        parts.append("%" if found.group(0) == "%%" else f"(?P<{found.group(1)}>.+?)")
        last = found.end()
    parts.append(re.escape(message[last:]))
    return re.compile("".join(parts), re.S)


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    """The `CHART_TEXTS` with placeholders and their expressions, those with the most
    literal text first (so that ``Scope %(scope)s: ...`` is tried before ``Scope %(scope)s``)."""
    found = [(m, p) for m in CHART_TEXTS if (p := _pattern(m)) is not None]
    return sorted(found, key=lambda mp: -len(_PLACEHOLDER.sub("", mp[0])))


def translate_label(text: str, translations: Translations) -> str:
    """`text` (a chart label or one line of a hover text) in the language of
    `translations`: a whole message, or one of `CHART_TEXTS` with its values kept (a value
    that is itself a message, such as a reporting level, is translated too)."""
    if not text:
        return text
    whole = translations.gettext(text)
    if whole != text:
        return whole
    for message, pattern in _patterns():
        found = pattern.fullmatch(text)
        if found is None:
            continue
        translated = translations.gettext(message)
        if translated == message:
            return text
        values = {k: translations.gettext(v) or v for k, v in found.groupdict().items()}
        return translated % values
    return text


def _translate_hover(template: str, translations: Translations) -> str:
    """A Plotly hover template translated line by line (``<br>``), keeping ``<extra>``."""
    end = "<extra></extra>"
    body, tail = (template[: -len(end)], end) if template.endswith(end) else (template, "")
    lines = [translate_label(line, translations) for line in body.split("<br>")]
    return "<br>".join(lines) + tail


def _translate_title(owner: dict[str, Any], translations: Translations) -> None:
    """The ``title`` of an axis or a legend (text or ``{"text": ...}``), in place."""
    title = owner.get("title")
    if isinstance(title, str):
        owner["title"] = translate_label(title, translations)
    elif isinstance(title, dict) and isinstance(title.get("text"), str):
        title["text"] = translate_label(title["text"], translations)


def translate_figure(figure: Figure, translations: Translations) -> Figure:
    """A copy of `figure` (built by `kizuna.reports` in English) in the language of
    `translations`: trace names, category labels (such as GPC sectors), axis and legend
    titles, annotations and hover texts. Numbers and their formats are kept."""
    out = copy.deepcopy(figure)
    for trace in out.get("data", []):
        if isinstance(trace.get("name"), str):
            trace["name"] = translate_label(trace["name"], translations)
        if isinstance(trace.get("hovertemplate"), str):
            trace["hovertemplate"] = _translate_hover(trace["hovertemplate"], translations)
        for axis in ("x", "y"):
            values = trace.get(axis)
            if isinstance(values, list) and values and all(isinstance(v, str) for v in values):
                trace[axis] = [translations.gettext(v) if v else v for v in values]
    layout = out.get("layout", {})
    for key, value in layout.items():
        if (key.startswith(("xaxis", "yaxis")) or key == "legend") and isinstance(value, dict):
            _translate_title(value, translations)
    for note in layout.get("annotations", []) or []:
        if isinstance(note.get("text"), str):
            note["text"] = translate_label(note["text"], translations)
    return out


def language_of(translations: Translations) -> str:
    """The language tag of `translations` (the ``Language`` of its catalogue), ``"en"``
    for English or a catalogue that names none."""
    info = getattr(translations, "info", None)
    found = info().get("language") if callable(info) else None
    return str(found).replace("_", "-") if found else "en"


def money_label(unit: MoneyUnit, translations: Translations) -> str:
    """The label of a money unit (``"million JPY"``) in the language of `translations`."""
    message = MONEY_LABELS.get(unit.scale)
    if message is None:
        return unit.label
    return translations.gettext(message) % {"currency": unit.currency}


def _translations(context: Context) -> Translations:
    """The ``translations`` of a template context, English when it has none."""
    found = context.get("translations")
    return found if found is not None else ENGLISH


@pass_context
def _gettext(context: Context, message: str) -> str:
    return _translations(context).gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return _translations(context).ngettext(singular, plural, n)


@pass_context
def _amount(context: Context, amount: float | None, currency: str) -> str:
    """One amount of money with its own unit, labelled in the page's language."""
    unit = pick_money_unit([amount], currency)
    return f"{format_money(amount, unit)} {money_label(unit, _translations(context))}"


@pass_context
def _money_label(context: Context, unit: MoneyUnit) -> str:
    return money_label(unit, _translations(context))


@pass_context
def _gpc(context: Context, name: str | None) -> Markup:
    """A GPC name translated, followed by the standard's English name where it differs."""
    if not name:
        return Markup("")
    translated = _translations(context).gettext(name)
    if translated == name:
        return escape(name)
    return Markup('{} <span class="gpc-en" lang="en">{}</span>').format(translated, name)


@pass_context
def _translate(context: Context, text: str | None) -> str:
    """A label that arrives as data (a reporting level, a status), translated."""
    return _translations(context).gettext(text) if text else ""


def install_i18n(env: Environment) -> Environment:
    """Add Jinja2's i18n extension to `env`, with gettext functions that read the
    ``translations`` variable of the template context (English without one), and the
    filters ``t`` (translate a label given as data), ``gpc`` (a GPC name, bilingual
    where translated), ``money_label`` and a translated ``amount``. Returns `env`."""
    env.add_extension("jinja2.ext.i18n")
    env.policies["ext.i18n.trimmed"] = True
    install: Callable[..., None] = env.install_gettext_callables  # type: ignore[attr-defined]
    install(_gettext, _ngettext, newstyle=True)
    env.filters.update(t=_translate, gpc=_gpc, money_label=_money_label, amount=_amount)
    return env
