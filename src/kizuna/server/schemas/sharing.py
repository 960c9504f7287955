"""Shapes of the sharing settings of an object in the JSON API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from kizuna.server.schemas.places import SLUG_PATTERN
from kizuna.server.tables import Share, SharedObject, Visibility


class PartnerOut(BaseModel):
    """An organisation an object is shared with."""

    organisation: str
    name: str

    @classmethod
    def of(cls, share: Share) -> PartnerOut:
        return cls(organisation=share.partner.slug, name=share.partner.name)


class SharingOut(BaseModel):
    """Who owns an object, its visibility and licence, and the partners it is shared with."""

    object_type: str
    object_id: int
    owner: str
    visibility: Visibility
    licence: str | None
    partners: list[PartnerOut]

    @classmethod
    def of(cls, obj: SharedObject, shares: list[Share]) -> SharingOut:
        return cls(
            object_type=obj.shared_type,
            object_id=obj.id,
            owner=obj.owner.slug,
            visibility=obj.visibility,
            licence=obj.licence,
            partners=[PartnerOut.of(s) for s in shares],
        )


class VisibilityIn(BaseModel):
    """A new visibility; `licence` (an open licence's SPDX id) is required for public."""

    model_config = ConfigDict(extra="forbid")

    visibility: Visibility
    licence: str | None = Field(None, max_length=64)


class PartnerIn(BaseModel):
    """Share with the organisation `organisation` (its slug)."""

    model_config = ConfigDict(extra="forbid")

    organisation: str = Field(pattern=SLUG_PATTERN)
