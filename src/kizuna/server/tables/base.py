"""The declarative base, column types and enumerations shared by every table.

Constraint names follow `NAMING_CONVENTION` so that Alembic migrations can
name (and later drop) them the same way on SQLite and PostgreSQL. Times are
`UtcDateTime`: always timezone-aware UTC in Python, whatever the engine stores.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, Dialect, Enum, MetaData
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

JSONDict = dict[str, Any]
JSONList = list[dict[str, Any]]
StrList = list[str]

#: Names of keys, indexes and constraints (the same on every engine, used by the migrations).
NAMING_CONVENTION = {
    "pk": "pk_%(table_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    PostgreSQL keeps ``timestamptz``; SQLite keeps the UTC wall time as text
    (so that comparisons in SQL order correctly) and we add the zone back.
    Naive datetimes are refused: they are a bug waiting for a time zone.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: give a timezone-aware time (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class OrgKind(StrEnum):
    """What an organisation is."""

    CITY_GOVERNMENT = "city_government"
    COMPANY = "company"
    STARTUP = "startup"
    UNIVERSITY = "university"
    NETWORK = "network"
    OTHER = "other"


class Role(StrEnum):
    """A member's role in an organisation, from least to most powerful (see `rank`)."""

    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"
    OWNER = "owner"

    @property
    def rank(self) -> int:
        """1 (viewer) to 4 (owner): ``role.rank >= Role.EDITOR.rank`` is editor or more."""
        return _ROLE_RANK[self]


_ROLE_RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.ADMIN: 3, Role.OWNER: 4}


class Visibility(StrEnum):
    """Who may read a shared object, from narrowest to widest."""

    PRIVATE = "private"  # the owner organisation's members
    PARTNERS = "partners"  # ... and the organisations it is explicitly shared with
    NETWORK = "network"  # any signed-in member of this instance
    PUBLIC = "public"  # anyone, under the open licence named on the object


def str_enum(enum: type[StrEnum], name: str) -> Enum:
    """A portable enumeration column: VARCHAR plus a CHECK constraint named ``ck_<table>_<name>``.

    Stored as the members' values (``"city_government"``), never as native
    PostgreSQL enum types, so adding a member is a one-line migration.
    """
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(16, *(len(m.value) for m in enum)),
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    """Declarative base of all Kizuna tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012
        JSONDict: JSON,
        JSONList: JSON,
        StrList: JSON,
        datetime: UtcDateTime,
        OrgKind: str_enum(OrgKind, "kind"),
        Role: str_enum(Role, "role"),
        Visibility: str_enum(Visibility, "visibility"),
    }
