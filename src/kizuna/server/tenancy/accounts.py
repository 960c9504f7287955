"""Organisations, users and memberships: create them and manage who holds which role.

Rules: anyone may be signed up (the route decides whether sign-up is open);
a signed-in user (or SYSTEM) creates an organisation and becomes its owner;
admins add, change and remove members below owner; only owners grant, change
or take away the owner role, and an organisation always keeps one owner.
Every change adds an audit entry; the caller commits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from kizuna.errors import Forbidden, InputError, Location, NotFound
from kizuna.server.tables import Membership, Organisation, OrgKind, Role, User, normalise_email
from kizuna.server.tenancy.audit import record
from kizuna.server.tenancy.passwords import hash_password, verify_password
from kizuna.server.tenancy.permissions import require_role, require_scope
from kizuna.server.tenancy.principals import Principal, PrincipalKind, Scope

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LOCALE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def create_organisation(
    session: Session,
    principal: Principal,
    *,
    slug: str,
    name: str,
    kind: OrgKind,
    name_ja: str | None = None,
) -> Organisation:
    """Create an organisation; a user who creates it becomes its owner.

    Needs a signed-in user (a token needs the ``admin`` scope) or SYSTEM.
    """
    if not (principal.is_system or principal.is_authenticated):
        raise Forbidden("Sign in to create an organisation", hint="sign in first")
    require_scope(principal, Scope.ADMIN)
    if not SLUG.match(slug):
        raise InputError(
            f"Invalid organisation slug {slug!r}",
            where=Location(field="slug"),
            hint="use lower-case letters, digits and hyphens, at most 64",
        )
    if session.scalar(select(Organisation.id).where(Organisation.slug == slug)) is not None:
        raise InputError(
            f"The organisation slug {slug!r} is taken",
            where=Location(field="slug"),
            hint="choose another slug",
        )
    org = Organisation(slug=slug, name=name, name_ja=name_ja, kind=OrgKind(kind))
    session.add(org)
    session.flush()
    if principal.user_id is not None:
        session.add(Membership(user_id=principal.user_id, organisation_id=org.id, role=Role.OWNER))
    record(
        session,
        principal,
        "organisation.create",
        organisation_id=org.id,
        object_type="organisation",
        object_id=org.id,
        details={"slug": slug, "kind": org.kind.value},
    )
    session.flush()
    return org


def update_organisation(
    session: Session,
    principal: Principal,
    org: Organisation,
    *,
    name: str | None = None,
    name_ja: str | None = None,
) -> Organisation:
    """Rename an organisation (its owners only); the slug and kind stay."""
    require_scope(principal, Scope.ADMIN)
    require_role(principal, org.id, Role.OWNER, "rename the organisation")
    changed = {}
    if name is not None and name.strip():
        changed["name"] = org.name = name.strip()
    if name_ja is not None:
        changed["name_ja"] = org.name_ja = name_ja.strip() or None
    session.flush()
    record(
        session,
        principal,
        "organisation.update",
        organisation_id=org.id,
        object_type="organisation",
        object_id=org.id,
        details={"fields": sorted(changed)},
    )
    return org


def get_organisation(session: Session, slug: str) -> Organisation:
    """The organisation `slug` (organisations are a public directory); `NotFound` if unknown."""
    org = session.scalars(select(Organisation).where(Organisation.slug == slug)).one_or_none()
    if org is None:
        raise NotFound(f"No organisation {slug!r}", hint="see the list of organisations")
    return org


def list_organisations(
    session: Session,
    *,
    kind: OrgKind | None = None,
    q: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Sequence[Organisation]:
    """Organisations of this instance by name: of one `kind`, or with `q` in the name."""
    stmt = _organisation_filters(select(Organisation), kind, q)
    return session.scalars(stmt.order_by(Organisation.name).limit(limit).offset(offset)).all()


def count_organisations(
    session: Session, *, kind: OrgKind | None = None, q: str | None = None
) -> int:
    """How many organisations `list_organisations` lists with the same filters."""
    stmt = _organisation_filters(select(func.count(Organisation.id)), kind, q)
    return int(session.scalar(stmt) or 0)


def _organisation_filters(stmt: Select[Any], kind: OrgKind | None, q: str | None) -> Select[Any]:
    if kind is not None:
        stmt = stmt.where(Organisation.kind == OrgKind(kind))
    if q:
        stmt = stmt.where(func.lower(Organisation.name).like(f"%{q.strip().lower()}%"))
    return stmt


def create_user(
    session: Session,
    principal: Principal,
    *,
    email: str,
    password: str,
    display_name: str,
    locale: str = "en",
) -> User:
    """Create a user with an argon2 hash of `password` (10 characters at least).

    `principal` is who creates it (anonymous for a sign-up), for the audit log.
    Raises `InputError` for an invalid or taken email, a weak password or a bad locale.
    """
    email = normalise_email(email)
    if not EMAIL.match(email) or len(email) > 320:
        raise InputError(
            f"Invalid email address {email!r}",
            where=Location(field="email"),
            hint="give an address like name@example.org",
        )
    _check_locale(locale)
    if find_user(session, email) is not None:
        raise InputError(
            f"An account for {email} exists already",
            where=Location(field="email"),
            hint="sign in, or use another address",
        )
    user = User(
        email=email,
        display_name=display_name.strip() or email,
        password_hash=hash_password(password),
        locale=locale,
    )
    session.add(user)
    session.flush()
    record(session, principal, "user.create", object_type="user", object_id=user.id)
    return user


def find_user(session: Session, email: str) -> User | None:
    """The user with `email` (any case), or None."""
    return session.scalars(select(User).where(User.email == normalise_email(email))).one_or_none()


def update_profile(
    session: Session,
    principal: Principal,
    user: User,
    *,
    display_name: str | None = None,
    locale: str | None = None,
) -> User:
    """Change a user's display name or locale: the user themselves (or SYSTEM)."""
    _require_self(principal, user)
    if locale is not None:
        _check_locale(locale)
        user.locale = locale
    if display_name is not None:
        user.display_name = display_name.strip() or user.email
    session.flush()
    record(session, principal, "user.update", object_type="user", object_id=user.id)
    return user


def change_password(
    session: Session, principal: Principal, user: User, *, current: str | None, new: str
) -> None:
    """Set a new password: the user, who gives the `current` one, or SYSTEM (no `current`)."""
    _require_self(principal, user)
    if not principal.is_system and not verify_password(user.password_hash, current or ""):
        raise InputError(
            "The current password is wrong",
            where=Location(field="current_password"),
            hint="type your current password again",
        )
    user.password_hash = hash_password(new)
    session.flush()
    record(session, principal, "user.password", object_type="user", object_id=user.id)


def list_members(
    session: Session, principal: Principal, organisation_id: int
) -> Sequence[Membership]:
    """The memberships of an organisation (with their users), for its members."""
    require_role(principal, organisation_id, Role.VIEWER, "see its members")
    stmt = (
        select(Membership)
        .options(selectinload(Membership.user))
        .where(Membership.organisation_id == organisation_id)
        .order_by(Membership.id)
    )
    return session.scalars(stmt).all()


def add_member(
    session: Session, principal: Principal, organisation_id: int, user_id: int, role: Role
) -> Membership:
    """Make user `user_id` a member with `role`: admins add members, only owners add owners."""
    role = Role(role)
    _require_manager(principal, organisation_id, role)
    if session.get(User, user_id) is None:
        raise InputError(f"No user with id {user_id}", where=Location(field="user_id"))
    if _membership(session, organisation_id, user_id) is not None:
        raise InputError(
            "That user is a member already",
            where=Location(field="user_id"),
            hint="change the member's role instead",
        )
    membership = Membership(user_id=user_id, organisation_id=organisation_id, role=role)
    session.add(membership)
    session.flush()
    record(
        session,
        principal,
        "membership.add",
        organisation_id=organisation_id,
        object_type="membership",
        object_id=membership.id,
        details={"user_id": user_id, "role": role.value},
    )
    return membership


def change_role(
    session: Session, principal: Principal, organisation_id: int, user_id: int, role: Role
) -> Membership:
    """Give member `user_id` another role (owners only, when the owner role is involved)."""
    role = Role(role)
    membership = _existing(session, organisation_id, user_id)
    _require_manager(principal, organisation_id, max(role, membership.role, key=_rank))
    if membership.role is Role.OWNER and role is not Role.OWNER:
        _keep_an_owner(session, organisation_id)
    before = membership.role
    membership.role = role
    session.flush()
    record(
        session,
        principal,
        "membership.role",
        organisation_id=organisation_id,
        object_type="membership",
        object_id=membership.id,
        details={"user_id": user_id, "from": before.value, "to": role.value},
    )
    return membership


def remove_member(
    session: Session, principal: Principal, organisation_id: int, user_id: int
) -> None:
    """End a membership: admins remove members, owners remove owners, anyone may leave.

    The last owner cannot leave or be removed.
    """
    membership = _existing(session, organisation_id, user_id)
    leaving = principal.user_id == user_id and principal.kind is PrincipalKind.USER
    if not leaving:
        _require_manager(principal, organisation_id, membership.role)
    if membership.role is Role.OWNER:
        _keep_an_owner(session, organisation_id)
    record(
        session,
        principal,
        "membership.remove",
        organisation_id=organisation_id,
        object_type="membership",
        object_id=membership.id,
        details={"user_id": user_id, "role": membership.role.value},
    )
    session.delete(membership)
    session.flush()


def _rank(role: Role) -> int:
    return role.rank


def _require_manager(principal: Principal, organisation_id: int, role: Role) -> None:
    require_scope(principal, Scope.ADMIN)
    minimum = Role.OWNER if role is Role.OWNER else Role.ADMIN
    require_role(principal, organisation_id, minimum, f"manage {role.value}s")


def _require_self(principal: Principal, user: User) -> None:
    if principal.is_system:
        return
    if principal.kind is not PrincipalKind.USER or principal.user_id != user.id:
        raise Forbidden(
            "Only the user themselves may change their account",
            hint="sign in as that user (API tokens cannot change accounts)",
        )


def _membership(session: Session, organisation_id: int, user_id: int) -> Membership | None:
    return session.scalars(
        select(Membership).where(
            Membership.organisation_id == organisation_id, Membership.user_id == user_id
        )
    ).one_or_none()


def _existing(session: Session, organisation_id: int, user_id: int) -> Membership:
    membership = _membership(session, organisation_id, user_id)
    if membership is None:
        raise NotFound(
            f"User {user_id} is not a member of organisation {organisation_id}",
            hint="see the organisation's members",
        )
    return membership


def _keep_an_owner(session: Session, organisation_id: int) -> None:
    owners = session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.organisation_id == organisation_id, Membership.role == Role.OWNER)
    )
    if (owners or 0) <= 1:
        raise InputError(
            "An organisation keeps at least one owner",
            where=Location(field="role"),
            hint="make another member owner first",
        )


def _check_locale(locale: str) -> None:
    if not LOCALE.match(locale):
        raise InputError(
            f"Invalid locale {locale!r}",
            where=Location(field="locale"),
            hint="give a language tag such as en or ja",
        )
