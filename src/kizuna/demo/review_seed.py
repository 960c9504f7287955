"""The demo's review content, stored by `kizuna.demo.load_demo` in its transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kizuna.server.tables import Organisation


def seed(session: Session, orgs: dict[str, Organisation]) -> int:
    """Store the demo's review objects (owned by the demo organisations `orgs`, by slug);
    returns how many objects were stored. Nothing yet."""
    return 0
