"""Checks before a change: scopes, roles, and what to answer when they fail.

Reads that are not allowed answer `NotFound`, the same as for an object that
does not exist, so nothing leaks across tenants. A change to an object the
principal can read but may not change answers `Forbidden`.

| change                                      | needs, in the owner organisation |
|---------------------------------------------|----------------------------------|
| content (create, update, delete)            | editor, admin or owner           |
| visibility, shares, members, audit log      | admin or owner                   |
| the organisation itself, owners             | owner                            |

An API token also needs the scope: ``write`` for content, ``admin`` for the rest.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kizuna.errors import Forbidden, NotFound
from kizuna.server.tables import Role, SharedObject
from kizuna.server.tenancy.principals import Principal, Scope
from kizuna.server.tenancy.visibility import is_visible


def require_scope(principal: Principal, scope: Scope) -> None:
    """Raise `Forbidden` when `principal` is a token without `scope`."""
    if not principal.allows(scope):
        raise Forbidden(
            f"This API token lacks the {scope.value!r} scope",
            hint=f"make a token with the {scope.value!r} scope for this",
        )


def require_role(principal: Principal, organisation_id: int, minimum: Role, action: str) -> None:
    """Raise `Forbidden` unless `principal` is `minimum` or more in `organisation_id`."""
    if principal.has_role(organisation_id, minimum):
        return
    role = principal.role_in(organisation_id)
    held = f"you are {role.value}" if role else "you are not a member of the owner organisation"
    raise Forbidden(
        f"Only an organisation's {_at_least(minimum)} may {action} ({held})",
        hint="ask an admin or owner of the organisation for that role",
    )


def require_readable(session: Session, principal: Principal, obj: SharedObject) -> None:
    """Raise `NotFound` when `principal` may not read `obj` (as if it did not exist)."""
    if not is_visible(session, principal, obj):
        raise not_found(obj.shared_type, obj.id)


def require_change(
    session: Session,
    principal: Principal,
    obj: SharedObject,
    *,
    minimum: Role = Role.EDITOR,
    action: str = "change it",
) -> None:
    """The check before changing `obj`: `NotFound` if hidden, else `Forbidden` unless allowed.

    Content changes need `Role.EDITOR` and the ``write`` scope; sharing needs
    `Role.ADMIN` and the ``admin`` scope.
    """
    require_readable(session, principal, obj)
    require_scope(principal, Scope.WRITE if minimum.rank <= Role.EDITOR.rank else Scope.ADMIN)
    require_role(principal, obj.owner_org_id, minimum, action)


def not_found(object_type: str, key: object) -> NotFound:
    """The error for an object that does not exist or that the asker may not read."""
    return NotFound(
        f"No {object_type} {key!r}",
        hint=f"check the {object_type}'s name or id; if it is not public, sign in "
        "as a member of an organisation it is shared with",
    )


def _at_least(role: Role) -> str:
    return {
        Role.VIEWER: "members",
        Role.EDITOR: "editors, admins and owners",
        Role.ADMIN: "admins and owners",
        Role.OWNER: "owners",
    }[role]
