"""Whole HTTP answers of read routes, replayed while the data has not changed.

`kizuna.server.response_cache` keeps built JSON bodies, but a hit there still pays for
the framework: routing, dependency injection, the thread pool, the token check (two
queries) and every middleware. `AnswerReplay` sits in front of all of that. It keeps
the complete answer (status, headers, body) of a ``GET`` that a route marked
`replayable`, keyed by the request (path, query string and the headers that may change
an answer, credentials included), and serves it again, without entering the app, for
as long as

- the data version (the newest audit entry's id, `response_cache.data_version`) is the
  one the answer was made at: every committed change, including a revoked token or a
  changed membership, writes an audit entry and so ends every older answer;
- the credential that asked is still good (`replay_until`: a token's expiry, and the
  minute after which its last use is noted again, see `tenancy.tokens.verify_token`).

What it never replays: requests with a web session cookie (sessions expire, slide and
carry CSRF tokens), answers that set a cookie, any status but 200, and routes that did
not call `replayable`. An answer is stored only when the version read after it was made
equals the one read before, so a change committed while it was being built is never
stored under the older version. A hit costs one indexed query (``max(id)`` on one
connection kept for it, in autocommit) and a dictionary look-up.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from fastapi import Request
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kizuna.server.tables import AuditEntry

#: Request headers that never change an answer (or are handled here: If-None-Match).
IGNORED_HEADERS = frozenset(
    {b"if-none-match", b"if-modified-since", b"connection", b"keep-alive", b"cache-control"}
    | {b"pragma", b"user-agent", b"referer", b"te", b"upgrade-insecure-requests"}
)
#: Keys of ``scope["state"]`` that routes and `get_auth` set for this middleware.
REPLAYABLE = "answer_replayable"
REPLAY_UNTIL = "answer_replay_until"
#: Headers a 304 answer keeps (RFC 9110 §15.4.5).
NOT_MODIFIED_HEADERS = frozenset({b"etag", b"cache-control", b"vary", b"content-language"})


def replayable(request: Request) -> None:
    """Mark the answer of `request` as depending on the data and the request only, so that
    `AnswerReplay` may serve it again while the data version holds."""
    request.state.answer_replayable = True


def replay_until(request: Request, until: datetime | None) -> None:
    """Answers to this request's credential may be replayed until `until` at the latest."""
    if until is not None:
        request.state.answer_replay_until = min(
            until.timestamp(), getattr(request.state, "answer_replay_until", math.inf)
        )


class DataVersion:
    """Reads the data version on a connection of its own (autocommit, reopened on error).

    Used from the event loop's thread only: the query is an index look-up that takes
    well under a millisecond, less than handing it to a thread would.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Connection | None = None
        self._query = select(func.max(AuditEntry.id))

    def read(self) -> int | None:
        """The newest audit entry's id, or None when the database cannot be asked."""
        try:
            if self._connection is None:
                self._connection = self.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT"
                )
            return int(self._connection.execute(self._query).scalar() or 0)
        except SQLAlchemyError:
            self.close()
            return None

    def close(self) -> None:
        """Give the connection back (the app's shutdown calls this)."""
        if self._connection is not None:
            with contextlib.suppress(SQLAlchemyError):
                self._connection.close()
            self._connection = None


@dataclass(frozen=True, slots=True)
class Answer:
    """One stored answer: made at `version`, good until `until` (epoch seconds)."""

    version: int
    until: float
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    etag: bytes | None


Key = tuple[bytes, bytes, tuple[tuple[bytes, bytes], ...]]


class ReplayStore:
    """The stored answers of one process and the data version they are checked against.

    At most `capacity_bytes` of bodies are kept (least recently used dropped first); an
    answer over `max_answer_bytes` is not kept. `hits` and `misses` count look-ups.
    """

    def __init__(
        self,
        version: DataVersion,
        capacity_bytes: int = 64 * 2**20,
        max_answer_bytes: int = 2 * 2**20,
    ) -> None:
        self.version = version
        self.capacity_bytes = capacity_bytes
        self.max_answer_bytes = max_answer_bytes
        self._answers: OrderedDict[Key, Answer] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    def find(self, key: Key, version: int) -> Answer | None:
        """The answer of `key` made at `version` and still good, if kept."""
        found = self._answers.get(key)
        if found is None or found.version != version or found.until <= time.time():
            self.misses += 1
            return None
        self._answers.move_to_end(key)
        self.hits += 1
        return found

    def keep(self, key: Key, answer: Answer) -> None:
        """Keep `answer` for `key`, dropping the least recently used past the capacity."""
        old = self._answers.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)
        self._answers[key] = answer
        self._bytes += len(answer.body)
        while self._bytes > self.capacity_bytes and self._answers:
            _, dropped = self._answers.popitem(last=False)
            self._bytes -= len(dropped.body)


class AnswerReplay:
    """ASGI middleware replaying `store`'s answers of `replayable` read routes (see the module)."""

    def __init__(self, app: ASGIApp, store: ReplayStore, session_cookie: str) -> None:
        self.app = app
        self.store = store
        self.session_cookie = f"{session_cookie}=".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        headers: list[tuple[bytes, bytes]] = scope["headers"]  # lower-case names (ASGI)
        cookie = b"; ".join(value for name, value in headers if name == b"cookie")
        version = None if self.session_cookie in cookie else self.store.version.read()
        if version is None:
            await self.app(scope, receive, send)
            return
        key = (
            scope["path"].encode(),
            scope.get("query_string", b""),
            tuple(sorted(h for h in headers if h[0] not in IGNORED_HEADERS)),
        )
        found = self.store.find(key, version)
        if found is not None:
            await self._replay(found, dict(headers).get(b"if-none-match", b""), send)
            return
        await self._make(scope, receive, send, key, version)

    async def _make(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        key: Key,
        version: int,
    ) -> None:
        """Run the app, and keep its answer when it may be replayed."""
        state = scope.setdefault("state", {})
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0

        async def capture(message: Message) -> None:
            nonlocal start, size
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body" and size <= self.store.max_answer_bytes:
                chunk = message.get("body", b"")
                chunks.append(chunk)
                size += len(chunk)
            await send(message)

        await self.app(scope, receive, capture)
        if start is None or start["status"] != 200 or not state.get(REPLAYABLE):
            return
        response_headers = tuple(start.get("headers", []))
        if size > self.store.max_answer_bytes or any(
            n == b"set-cookie" for n, _ in response_headers
        ):
            return
        if self.store.version.read() != version:
            return  # something changed while the answer was made
        etag = dict(response_headers).get(b"etag")
        until = float(state.get(REPLAY_UNTIL, math.inf))
        self.store.keep(key, Answer(version, until, 200, response_headers, b"".join(chunks), etag))

    @staticmethod
    async def _replay(answer: Answer, if_none_match: bytes, send: Send) -> None:
        """Send `answer` again (``304`` when the client already has its ETag)."""
        sent = [tag.strip().removeprefix(b"W/") for tag in if_none_match.split(b",")]
        if answer.etag is not None and answer.etag in sent:
            kept = [(n, v) for n, v in answer.headers if n in NOT_MODIFIED_HEADERS]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return
        headers = list(answer.headers)
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": answer.body})
