"""The languages of the web pages: English and Japanese, from one gettext catalogue.

The catalogue (domain ``kizuna``) lives in ``kizuna/server/locales``: a ``.po`` source
and a compiled ``.mo`` file per language (``docs/dashboard.md`` tells how to extract,
update and compile them with ``pybabel``). English is the source language.

A request's language is, in order: the ``lang`` query parameter (``?lang=ja``, which
also sets the `COOKIE` for the next pages), the cookie, the browser's
``Accept-Language`` header, and English. `LanguageMiddleware` decides it once per
request and stores it in the request state; `template_context` hands it and its
translations to every template (``<html lang>``, ``_()``, the language switch).
"""

from __future__ import annotations

from functools import cache
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from babel.support import NullTranslations, Translations
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kizuna.reports.i18n import ENGLISH
from kizuna.reports.i18n import Translations as TranslationsLike

#: The languages of the pages, with their names in their own language.
LANGUAGES: dict[str, str] = {"en": "English", "ja": "日本語"}
DEFAULT_LANGUAGE = "en"
DOMAIN = "kizuna"
LOCALES = Path(__file__).parent / "locales"
#: The cookie that keeps a chosen language (one year, the whole site).
COOKIE = "kizuna_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


@cache
def translations(lang: str) -> TranslationsLike:
    """The compiled catalogue of `lang` (English: no translation)."""
    if lang == DEFAULT_LANGUAGE or lang not in LANGUAGES:
        return ENGLISH
    found = Translations.load(str(LOCALES), [lang], DOMAIN)
    if isinstance(found, NullTranslations) and not isinstance(found, Translations):
        raise FileNotFoundError(
            f"no compiled catalogue for {lang!r} in {LOCALES}/{lang}/LC_MESSAGES/{DOMAIN}.mo; "
            f"compile it: pybabel compile -d {LOCALES} -D {DOMAIN}"
        )
    return found


def supported(tag: str | None) -> str | None:
    """The page language for a language tag (``ja-JP`` -> ``ja``), None if unsupported."""
    if not tag:
        return None
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else None


def from_accept_language(header: str | None) -> str | None:
    """The supported language the browser prefers most (``Accept-Language``), if any."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        tag, _, params = item.partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        lang = supported(tag)
        if lang and quality > 0:
            ranked.append((-quality, position, lang))
    return min(ranked)[2] if ranked else None


def negotiate(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The language of a request: `query` (``?lang=``), then `cookie`, then
    `accept_language`, then English."""
    return (
        supported(query)
        or supported(cookie)
        or from_accept_language(accept_language)
        or DEFAULT_LANGUAGE
    )


class LanguageMiddleware:
    """ASGI middleware: decides each HTTP request's language (``request.state.lang``),
    keeps a language chosen with ``?lang=`` in `COOKIE`, and names the language of the
    answer (``Content-Language``; ``Vary`` on the inputs it was chosen from)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        cookies = SimpleCookie()
        try:
            cookies.load(headers.get("cookie", ""))
        except CookieError:  # a malformed cookie header chooses nothing
            cookies = SimpleCookie()
        cookie = cookies[COOKIE].value if COOKIE in cookies else None
        chosen = supported(query.get("lang"))
        lang = negotiate(chosen, cookie, headers.get("accept-language"))
        state = scope.setdefault("state", {})
        state["lang"] = lang
        state["translations"] = translations(lang)

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"content-language", lang.encode()),
                    (b"vary", b"Accept-Language, Cookie"),
                ]
                if chosen and chosen != cookie:
                    extra.append(
                        (
                            b"set-cookie",
                            f"{COOKIE}={chosen}; Max-Age={COOKIE_MAX_AGE}; Path=/; "
                            "SameSite=Lax".encode(),
                        )
                    )
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_language)


def request_language(request: Request) -> str:
    """The language `LanguageMiddleware` chose for `request` (English outside it)."""
    return str(getattr(request.state, "lang", DEFAULT_LANGUAGE))


def request_translations(request: Request) -> TranslationsLike:
    """The translations of `request`'s language."""
    return translations(request_language(request))


def language_links(request: Request) -> list[dict[str, str | bool]]:
    """The language switch: for each language, this page's address with ``lang`` set
    (other query parameters kept), its name, and whether it is the current one."""
    current = request_language(request)
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return [
        {
            "code": code,
            "name": name,
            "href": f"{request.url.path}?{urlencode([*kept, ('lang', code)])}",
            "current": code == current,
        }
        for code, name in LANGUAGES.items()
    ]


def template_context(request: Request) -> dict[str, object]:
    """What every page template gets: ``lang``, ``translations`` and ``languages``
    (a Jinja2Templates context processor)."""
    return {
        "lang": request_language(request),
        "translations": request_translations(request),
        "languages": language_links(request),
    }
