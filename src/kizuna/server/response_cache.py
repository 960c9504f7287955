"""A read-through cache of JSON answers, always as fresh as the database.

Every change to the platform's content writes an audit entry in the same
transaction (the rule of `kizuna.server.tenancy`), so the newest audit entry's id
is a version of everything a read can show. A cached answer is keyed by the
address it answers, who asks (the roles of the principal, which decide what it
may read) and that version: any committed change anywhere makes every older
answer unreachable, and the least recently used ones are dropped. One cheap query
(``SELECT max(id) FROM audit_entry``) replaces the reads, the visibility checks
and the serialisation of an answer already built for the same readers.

Each process keeps its own cache, and each asks the shared database for the
version, so several workers or hosts never serve a stale answer.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kizuna.server.tables import AuditEntry
from kizuna.server.tenancy import Principal

#: (content, strong ETag) of one answer.
Answer = tuple[bytes, str]


def data_version(session: Session) -> int:
    """The id of the newest audit entry: it changes with every committed change."""
    return int(session.scalar(select(func.max(AuditEntry.id))) or 0)


def reader_key(principal: Principal) -> Hashable:
    """What decides what `principal` reads: system or not, signed in or not, its roles."""
    return (
        principal.is_system,
        principal.is_authenticated,
        tuple(sorted((org, role.value) for org, role in principal.roles.items())),
    )


def etag_of(content: bytes) -> str:
    """A strong ETag: the first 128 bits of the SHA-256 of the body, quoted."""
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


class ResponseCache:
    """The newest `capacity` answers, least recently used dropped first (thread-safe)."""

    def __init__(self, capacity: int = 2048) -> None:
        self.capacity = capacity
        self._answers: OrderedDict[Hashable, Answer] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def answer(self, key: Hashable, build: Callable[[], bytes]) -> Answer:
        """The cached answer of `key`, or `build()`'s (cached when it returns)."""
        with self._lock:
            found = self._answers.get(key)
            if found is not None:
                self._answers.move_to_end(key)
                self.hits += 1
                return found
            self.misses += 1
        content = build()
        made = (content, etag_of(content))
        with self._lock:
            self._answers[key] = made
            while len(self._answers) > self.capacity:
                self._answers.popitem(last=False)
        return made
