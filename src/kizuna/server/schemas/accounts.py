"""Shapes of organisations, members, users, API tokens and the audit log in the JSON API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kizuna.server.schemas.common import PageInfo
from kizuna.server.schemas.places import SLUG_PATTERN
from kizuna.server.tables import ApiToken, AuditEntry, Membership, Organisation, OrgKind, Role, User


class OrganisationOut(BaseModel):
    """An organisation of this instance (organisations are a public directory)."""

    slug: str
    name: str
    name_ja: str | None
    kind: OrgKind
    links: dict[str, str]

    @classmethod
    def of(cls, org: Organisation) -> OrganisationOut:
        base = f"/api/v1/organisations/{org.slug}"
        return cls(
            slug=org.slug,
            name=org.name,
            name_ja=org.name_ja,
            kind=org.kind,
            links={
                "self": base,
                "members": f"{base}/members",
                "audit": f"{base}/audit",
                "page": f"/organisations/{org.slug}",
            },
        )


class OrganisationList(PageInfo):
    """A page of organisations, by name."""

    organisations: list[OrganisationOut]


class OrganisationIn(BaseModel):
    """A new organisation; the signed-in user who makes it becomes its owner."""

    model_config = ConfigDict(extra="forbid")

    slug: str = Field(pattern=SLUG_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    name_ja: str | None = Field(None, max_length=200)
    kind: OrgKind


class OrganisationPatch(BaseModel):
    """Names of an organisation (its owners change them)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200)
    name_ja: str | None = Field(None, max_length=200)


class MemberOut(BaseModel):
    """A member of an organisation and their role."""

    user_id: int
    email: str
    display_name: str
    role: Role
    since: datetime

    @classmethod
    def of(cls, membership: Membership) -> MemberOut:
        user = membership.user
        return cls(
            user_id=user.id,
            email=user.email,
            display_name=user.display_name,
            role=membership.role,
            since=membership.created_at,
        )


class MemberList(BaseModel):
    """The members of an organisation, for its members."""

    organisation: str
    members: list[MemberOut]


class MemberIn(BaseModel):
    """Add the user with `email` (who has an account here) with `role`."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=320)
    role: Role = Role.VIEWER


class RoleIn(BaseModel):
    """A member's new role."""

    model_config = ConfigDict(extra="forbid")

    role: Role


class MembershipOut(BaseModel):
    """One of the signed-in user's organisations and their role there."""

    organisation: str
    name: str
    kind: OrgKind
    role: Role


class UserOut(BaseModel):
    """The signed-in user."""

    id: int
    email: str
    display_name: str
    locale: str
    memberships: list[MembershipOut]

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            email=user.email,
            display_name=user.display_name,
            locale=user.locale,
            memberships=[
                MembershipOut(
                    organisation=m.organisation.slug,
                    name=m.organisation.name,
                    kind=m.organisation.kind,
                    role=m.role,
                )
                for m in user.memberships
            ],
        )


class ProfileIn(BaseModel):
    """Changes to the signed-in user's profile."""

    model_config = ConfigDict(extra="forbid")

    display_name: str | None = Field(None, max_length=200)
    locale: str | None = Field(None, max_length=16)


class PasswordIn(BaseModel):
    """A new password (10 characters at least), with the current one."""

    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(max_length=1024)
    new_password: str = Field(max_length=1024)


class TokenOut(BaseModel):
    """An API token as listed: never its secret."""

    id: int
    name: str
    prefix: str = Field(description="The first characters after kz_, to recognise it.")
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, token: ApiToken) -> TokenOut:
        return cls(
            id=token.id,
            name=token.name,
            prefix=token.prefix,
            scopes=list(token.scopes),
            created_at=token.created_at,
            expires_at=token.expires_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
        )


class TokenList(BaseModel):
    """The signed-in user's API tokens, newest first."""

    tokens: list[TokenOut]


class TokenIn(BaseModel):
    """A new API token: a name, its scopes and how many days it lives (null: never expires)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    scopes: list[str] = Field(default_factory=lambda: ["read"], min_length=1, max_length=3)
    expires_in_days: float | None = Field(90, gt=0, le=3650)


class NewTokenOut(TokenOut):
    """A token just made: `token` is its secret, shown this once and never stored."""

    token: str


class AuditEntryOut(BaseModel):
    """One entry of the audit log: who did what to which object, when."""

    id: int
    at: datetime
    actor: str
    action: str
    object_type: str | None
    object_id: str | None
    details: dict[str, Any]

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditEntryOut:
        return cls(
            id=entry.id,
            at=entry.at,
            actor=entry.actor_label,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            details=entry.details,
        )


class AuditList(BaseModel):
    """A page of an organisation's audit log, newest first; `next` pages further back."""

    organisation: str
    entries: list[AuditEntryOut]
    next: str | None = None
