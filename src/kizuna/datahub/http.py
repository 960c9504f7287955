"""The HTTP client every connector uses: timeouts, retries, size limits, clear errors.

Built on ``httpx``. A request that times out, cannot connect, or gets 429, 502, 503 or
504 is tried again (`HttpSettings.retries` times, waiting ``backoff x 2^attempt`` seconds,
or the server's ``Retry-After`` up to `MAX_RETRY_AFTER`). What still fails becomes a
`KizunaError`: `SourceUnavailable` (timeouts, refused connections, 5xx), `NotFound` (404)
or `InputError` (other 4xx: the request was wrong), with the URL and, where the API
gives one, its own error message (see each connector's ``describe`` function).

`HttpSettings.max_bytes` bounds what a client reads: each download, and all the answers of
its API calls together (a paged API cannot fill the memory). `HttpSettings.allowed_hosts`
limits the hosts a client may reach: every request is
checked, redirects and download links included, before it is sent (`HostNotAllowed`).
The CLI reaches any host; the platform only those its operator lists
(``KIZUNA_DATAHUB_ALLOWED_HOSTS``), so that users cannot make the server fetch from its
own network (server-side request forgery).
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from kizuna import __version__
from kizuna.datahub.files import DEFAULT_MAX_BYTES
from kizuna.errors import InputError, KizunaError, Location, NotFound

RETRY_STATUS = frozenset({429, 502, 503, 504})
#: Headers of the wire form of a body, dropped once it is read (and decoded).
_ENCODED = frozenset({"content-encoding", "content-length", "transfer-encoding"})
MAX_RETRY_AFTER = 10.0
USER_AGENT = f"kizuna-datahub/{__version__}"

#: Turns an error response's body into the API's own message (or None).
Describe = Callable[[httpx.Response], str | None]


class HostNotAllowed(KizunaError):
    """A request to a host outside `HttpSettings.allowed_hosts` (HTTP 403); nothing was sent."""

    code = "host_not_allowed"
    http_status = 403


class SourceUnavailable(KizunaError):
    """A remote source did not answer usefully: timeout, refused connection, server error."""

    code = "source_unavailable"
    http_status = 502


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """Timeouts (seconds), retries, the size limit of downloads (bytes), and the hosts
    requests may go to (`host_allowed`; None: any host)."""

    timeout: float = 30.0
    connect_timeout: float = 10.0
    retries: int = 2
    backoff: float = 0.5
    max_bytes: int = DEFAULT_MAX_BYTES
    headers: Mapping[str, str] = field(default_factory=dict)
    allowed_hosts: frozenset[str] | None = None


def host_allowed(host: str, allowed: frozenset[str] | None) -> bool:
    """Whether `host` is allowed: None allows any; else the host itself is listed
    (``data.city.example``), or a listed ``.city.example`` ends it (its subdomains)."""
    if allowed is None:
        return True
    name = host.lower().rstrip(".")
    return any(
        name == entry or (entry.startswith(".") and name.endswith(entry)) for entry in allowed
    )


def parse_hosts(text: str) -> frozenset[str]:
    """The host list of ``KIZUNA_DATAHUB_ALLOWED_HOSTS``: names separated by commas or
    spaces, lower-cased (``data.city.example, .opendata.example``)."""
    return frozenset(h.lower().rstrip(".") for h in text.replace(",", " ").split() if h)


def generic_describe(response: httpx.Response) -> str | None:
    """A message from common error bodies: ``message``, ``detail``, ``title``, ``error``."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        text = response.text.strip()
        return text[:200] if text else None
    if isinstance(body, dict):
        for key in ("message", "detail", "title", "error", "description"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
            if isinstance(value, dict):
                inner = value.get("message") or value.get("detail")
                if isinstance(inner, str):
                    return inner
    return None


class HttpClient:
    """A client bound to one service's base URL; use as a context manager."""

    def __init__(
        self,
        base_url: str,
        *,
        settings: HttpSettings | None = None,
        headers: Mapping[str, str] | None = None,
        describe: Describe = generic_describe,
        service: str = "the service",
    ) -> None:
        self.settings = settings or HttpSettings()
        self.base_url = base_url.rstrip("/")
        self.describe = describe
        #: Bytes of the answers read so far (`get`), against `HttpSettings.max_bytes`.
        self.received = 0
        self.service = service
        self._client = httpx.Client(
            base_url=self.base_url + "/",
            headers={"User-Agent": USER_AGENT, **self.settings.headers, **(headers or {})},
            timeout=httpx.Timeout(self.settings.timeout, connect=self.settings.connect_timeout),
            follow_redirects=True,
            event_hooks={"request": [self._check_host]},
        )

    def _check_host(self, request: httpx.Request) -> None:
        """Refuse a request (a redirect too) to a host the settings do not allow."""
        allowed = self.settings.allowed_hosts
        if not host_allowed(request.url.host, allowed):
            raise HostNotAllowed(
                f"{request.url.host} is not among the hosts this server may fetch from "
                f"({request.url})",
                where=Location(field="source"),
                hint="ask the server's operator to add it to KIZUNA_DATAHUB_ALLOWED_HOSTS"
                if allowed
                else "this server fetches from no host: its operator lists the allowed ones "
                "in KIZUNA_DATAHUB_ALLOWED_HOSTS",
            )

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def url(self, path: str) -> str:
        """`path` against the base URL (absolute URLs, such as next links, are kept)."""
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def get(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        ok: frozenset[int] = frozenset({200}),
    ) -> httpx.Response:
        """GET with retries; a response whose status is not in `ok` raises a `KizunaError`."""
        url = self.url(path)
        attempt = 0
        while True:
            try:
                response = self._send(url, params, headers)
            except httpx.TransportError as exc:  # timeouts included
                if attempt < self.settings.retries:
                    self._wait(attempt, None)
                    attempt += 1
                    continue
                raise self.unreachable(url, exc, attempt + 1) from None
            if response.status_code in RETRY_STATUS and attempt < self.settings.retries:
                self._wait(attempt, response.headers.get("Retry-After"))
                attempt += 1
                continue
            if response.status_code not in ok:
                raise self.error(response)
            return response

    def _send(
        self, url: str, params: Mapping[str, Any] | None, headers: Mapping[str, str] | None
    ) -> httpx.Response:
        """GET `url`, reading the answer while all answers of this client stay within
        `HttpSettings.max_bytes` (`received` counts them: a paged API cannot grow without
        bound); past it, an `InputError` and the connection is closed."""
        limit = self.settings.max_bytes
        request = self._client.build_request("GET", url, params=_clean(params), headers=headers)
        response = self._client.send(request, stream=True)
        body = bytearray()
        try:
            declared = int(response.headers.get("Content-Length") or 0)
            if self.received + declared > limit:
                raise _too_large(url, self.received + declared, limit)
            for chunk in response.iter_bytes():
                body += chunk
                if self.received + len(body) > limit:
                    raise _too_large(url, self.received + len(body), limit)
        finally:
            response.close()
        self.received += len(body)
        kept = [(k, v) for k, v in response.headers.items() if k.lower() not in _ENCODED]
        return httpx.Response(
            response.status_code,
            headers=kept,
            content=bytes(body),
            request=response.request,
            history=response.history,
        )

    def get_json(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        ok: frozenset[int] = frozenset({200}),
    ) -> tuple[Any, httpx.Response]:
        """GET and parse JSON; an answer that is not JSON is a `SourceUnavailable`."""
        response = self.get(path, params=params, headers=headers, ok=ok)
        try:
            return response.json(), response
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
            raise SourceUnavailable(
                f"{self.service} answered {response.url} with something that is not JSON "
                f"({response.headers.get('content-type', 'no content type')})",
                where=Location(field=str(response.url)),
                hint="check that the URL is the API's base URL",
            ) from None

    def download(self, url: str, dest: Path, max_bytes: int | None = None) -> int:
        """Stream `url` to `dest`; stops (and deletes `dest`) past `max_bytes`. Bytes written."""
        limit = self.settings.max_bytes if max_bytes is None else max_bytes
        full = self.url(url)
        try:
            with self._client.stream("GET", full) as response:
                if response.status_code != 200:
                    response.read()
                    raise self.error(response)
                declared = int(response.headers.get("Content-Length") or 0)
                if declared > limit:
                    raise _too_large(full, declared, limit)
                written = 0
                with dest.open("wb") as out:
                    for chunk in response.iter_bytes():
                        written += len(chunk)
                        if written > limit:
                            raise _too_large(full, written, limit)
                        out.write(chunk)
                return written
        except httpx.TransportError as exc:
            dest.unlink(missing_ok=True)
            raise self.unreachable(full, exc, 1) from None
        except BaseException:
            dest.unlink(missing_ok=True)
            raise

    def unreachable(self, url: str, exc: httpx.TransportError, attempts: int) -> SourceUnavailable:
        """The error for a request that timed out or could not connect, `attempts` times."""
        if isinstance(exc, httpx.TimeoutException):
            return SourceUnavailable(
                f"{self.service} did not answer within {self.settings.timeout:g} s "
                f"({url}, {attempts} attempt{'s' if attempts > 1 else ''})",
                where=Location(field=url),
                hint="try again later, or raise the timeout (--timeout)",
            )
        return SourceUnavailable(
            f"cannot reach {self.service} at {url}: {exc}",
            where=Location(field=url),
            hint="check the URL and the network (is the server running?)",
        )

    def error(self, response: httpx.Response) -> KizunaError:
        """The `KizunaError` for an unwanted answer, with the API's own message."""
        detail = self.describe(response)
        text = f"{self.service} answered HTTP {response.status_code} for {response.url}"
        if detail:
            text += f": {detail}"
        where = Location(field=str(response.url))
        if response.status_code == 404:
            return NotFound(text, where=where, hint="check the identifier and the base URL")
        if response.status_code in (401, 403):
            return InputError(
                text, where=where, hint="this needs credentials the source has not granted"
            )
        if 400 <= response.status_code < 500:
            return InputError(text, where=where, hint="check the query parameters")
        return SourceUnavailable(text, where=where, hint="the source failed; try again later")

    def _wait(self, attempt: int, retry_after: str | None) -> None:
        delay = self.settings.backoff * 2**attempt
        if retry_after:
            with contextlib.suppress(ValueError):
                delay = min(float(retry_after), MAX_RETRY_AFTER)
        if delay > 0:
            time.sleep(delay)


def _clean(params: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if params is None:
        return None
    return {k: v for k, v in params.items() if v is not None}


def _too_large(url: str, size: int, limit: int) -> InputError:
    return InputError(
        f"{url}: the answers are larger than the limit of {limit / 1024**2:,.1f} MiB "
        f"({size / 1024**2:,.1f} MiB so far)",
        where=Location(field=url),
        hint="fetch less (a shorter period with start and end, fewer attributes, a smaller "
        "extract) or raise the limit (--max-mb; the platform's KIZUNA_UPLOAD_MAX_MB)",
    )
