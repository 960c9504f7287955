"""Who is asking: `Principal`, built for an anonymous visitor, a user, an API token or the system.

A principal carries what every check needs and nothing else: the roles of its
user in each organisation (read when the principal is built) and, for a
token, its scopes. `SYSTEM` is the command line and the demo loader acting on
the operator's behalf; nothing that comes over HTTP is ever `SYSTEM`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from sqlalchemy import select
from sqlalchemy.orm import Session

from kizuna.server.tables import ApiToken, Membership, Role, User


class PrincipalKind(StrEnum):
    """How a principal was authenticated."""

    ANONYMOUS = "anonymous"
    USER = "user"  # a signed-in browser (web session), full rights of the user
    TOKEN = "token"  # an API token: the user's rights, narrowed by the token's scopes
    SYSTEM = "system"  # the CLI and the demo loader: every right, audited as "system"


class Scope(StrEnum):
    """What an API token may do. Each scope implies the ones before it (see `expand_scopes`)."""

    READ = "read"  # read what the user may read
    WRITE = "write"  # change content where the user is editor or more
    ADMIN = "admin"  # manage sharing, members and organisations where the user may


_SCOPE_ORDER = (Scope.READ, Scope.WRITE, Scope.ADMIN)


def expand_scopes(scopes: Iterable[str] | str) -> frozenset[Scope]:
    """`scopes` (names or `Scope`s) with the scopes they imply: admin > write > read.

    Raises ValueError naming an unknown scope.
    """
    wanted = {Scope(scopes)} if isinstance(scopes, str) else {Scope(s) for s in scopes}
    top = max((_SCOPE_ORDER.index(s) for s in wanted), default=0)
    return frozenset(_SCOPE_ORDER[: top + 1])


@dataclass(frozen=True, slots=True)
class Principal:
    """The one who asks, with the roles its user holds (organisation id -> `Role`)."""

    kind: PrincipalKind
    user_id: int | None = None
    token_id: int | None = None
    #: Who, in words, for the audit log: the user's email, ``anonymous`` or ``system``.
    label: str = "anonymous"
    roles: Mapping[int, Role] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    scopes: frozenset[Scope] = frozenset(Scope)

    @property
    def is_system(self) -> bool:
        """True for the command line and the demo loader."""
        return self.kind is PrincipalKind.SYSTEM

    @property
    def is_authenticated(self) -> bool:
        """True for a signed-in user or an API token."""
        return self.kind in (PrincipalKind.USER, PrincipalKind.TOKEN)

    @property
    def is_member(self) -> bool:
        """True for a signed-in member of this instance: a user in at least one organisation."""
        return self.is_authenticated and bool(self.roles)

    @property
    def org_ids(self) -> frozenset[int]:
        """The organisations the principal's user belongs to."""
        return frozenset(self.roles)

    def role_in(self, organisation_id: int) -> Role | None:
        """The user's role in `organisation_id`, or None when not a member."""
        return self.roles.get(organisation_id)

    def has_role(self, organisation_id: int, minimum: Role) -> bool:
        """True when the role in `organisation_id` is `minimum` or more (always for SYSTEM)."""
        if self.is_system:
            return True
        role = self.role_in(organisation_id)
        return role is not None and role.rank >= minimum.rank

    def allows(self, scope: Scope) -> bool:
        """True unless this is a token without `scope` (anonymous visitors may only read)."""
        return scope in self.scopes


ANONYMOUS = Principal(kind=PrincipalKind.ANONYMOUS, scopes=frozenset({Scope.READ}))
SYSTEM = Principal(kind=PrincipalKind.SYSTEM, label="system")


def user_roles(session: Session, user_id: int) -> Mapping[int, Role]:
    """The roles of user `user_id`: organisation id -> role."""
    rows = session.execute(
        select(Membership.organisation_id, Membership.role).where(Membership.user_id == user_id)
    )
    return MappingProxyType({org_id: Role(role) for org_id, role in rows})


def principal_for_user(session: Session, user: User) -> Principal:
    """The principal of a signed-in `user` (a web session): every scope, the user's roles."""
    return Principal(
        kind=PrincipalKind.USER,
        user_id=user.id,
        label=user.email,
        roles=user_roles(session, user.id),
    )


def principal_for_token(session: Session, token: ApiToken) -> Principal:
    """The principal of a verified API `token`: its user's roles, the token's scopes."""
    return Principal(
        kind=PrincipalKind.TOKEN,
        user_id=token.user_id,
        token_id=token.id,
        label=token.user.email,
        roles=user_roles(session, token.user_id),
        scopes=expand_scopes(token.scopes),
    )
