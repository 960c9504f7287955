"""Who may read a shared item of the network (case study, solution, partnership) in memory.

The rule is the platform's (`kizuna.server.tenancy.visibility`, which applies it in SQL to
stored rows): members of the owner organisation read everything they own; otherwise

| visibility | who else reads it                                  |
|------------|----------------------------------------------------|
| private    | nobody                                             |
| partners   | members of the organisations it is shared with     |
| network    | any signed-in member                               |
| public     | anyone                                             |

The server filters stored items with its SQL rule and hands only the visible ones to the
matchmaking and search functions, which rank whatever they are given. `visible_items` is the
same rule for items held in memory (demo files, the CLI, notebooks).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, Protocol, TypeVar

Visibility = Literal["private", "partners", "network", "public"]


class Shared(Protocol):
    owner: str | None
    visibility: Visibility
    shared_with: list[str]


T = TypeVar("T", bound=Shared)


@dataclass(frozen=True)
class Viewer:
    """Who is reading: the organisations they are a member of, and whether they signed in."""

    org_ids: frozenset[str] = field(default_factory=frozenset)
    signed_in: bool = False
    system: bool = False

    @classmethod
    def anonymous(cls) -> Viewer:
        return cls()

    @classmethod
    def member_of(cls, *orgs: str) -> Viewer:
        return cls(frozenset(orgs), signed_in=True)


def can_read(item: Shared, viewer: Viewer) -> bool:
    """True when `viewer` may read `item` (the table in the module docstring)."""
    if viewer.system or item.visibility == "public":
        return True
    if not viewer.signed_in:
        return False
    if item.owner is not None and item.owner in viewer.org_ids:
        return True
    if item.visibility == "network":
        return True
    if item.visibility == "partners":
        return bool(viewer.org_ids & set(item.shared_with))
    return False


def visible_items(items: Iterable[T], viewer: Viewer) -> list[T]:
    """The items `viewer` may read, in their order."""
    return [item for item in items if can_read(item, viewer)]
