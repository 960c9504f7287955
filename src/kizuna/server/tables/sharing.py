"""Explicit shares of objects with partner organisations, and the append-only audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kizuna.server.tables.accounts import Organisation
from kizuna.server.tables.base import Base, JSONDict, utcnow


class Share(Base):
    """Object (`object_type`, `object_id`) is shared with organisation `partner_org_id`.

    Shares widen what a `partners` object shows; they never widen a `private` one.
    """

    __tablename__ = "object_share"
    __table_args__ = (
        UniqueConstraint("object_type", "object_id", "partner_org_id"),
        Index("ix_object_share_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A `SharedObject.shared_type`: ``city``, ``inventory``, ``plan``.
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int]
    partner_org_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    partner: Mapped[Organisation] = relationship()


class AuditEntry(Base):
    """Who did what to which object, when. Rows are only ever inserted.

    There is no update or delete in the code, and on SQLite and PostgreSQL a
    trigger (made by the migrations) rejects UPDATE and DELETE. The actor and
    organisation are plain ids, not foreign keys, so that the log outlives them.
    """

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_organisation_id_at", "organisation_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_user_id: Mapped[int | None]
    actor_token_id: Mapped[int | None]
    #: Who, in words: the user's email, or ``system`` for the CLI and the demo loader.
    actor_label: Mapped[str] = mapped_column(String(320))
    organisation_id: Mapped[int | None]
    #: ``<object type>.<verb>``: ``inventory.save``, ``share.add``, ``membership.remove``, ...
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[JSONDict] = mapped_column(default=dict)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view of the entry."""
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor_label,
            "actor_user_id": self.actor_user_id,
            "actor_token_id": self.actor_token_id,
            "organisation_id": self.organisation_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "details": self.details,
        }
