"""The one visibility rule for every read of a shared object: `visible(select, model, principal)`.

| visibility | who reads it                                                   |
|------------|----------------------------------------------------------------|
| private    | members of the owner organisation                              |
| partners   | ... and members of the organisations it is shared with         |
| network    | any signed-in member of this instance (a user in an organisation) |
| public     | anyone, signed in or not (the object names its open licence)    |

Members of the owner organisation read their objects whatever the
visibility; `SYSTEM` reads everything. Every query of `City`, `Inventory`
and `CityPlan` on behalf of someone goes through `visible` (or
`visibility_clause`, for loader criteria), so the rule lives here only.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select, true
from sqlalchemy.orm import Session

from kizuna.server.tables import Share, SharedObject, Visibility
from kizuna.server.tenancy.principals import Principal

S = TypeVar("S", bound=Select[Any])


def visibility_clause(model: type[SharedObject], principal: Principal) -> ColumnElement[bool]:
    """The SQL condition "`principal` may read this row of `model`"."""
    if principal.is_system:
        return true()
    clauses: list[ColumnElement[bool]] = [model.visibility == Visibility.PUBLIC]
    org_ids = sorted(principal.org_ids) if principal.is_authenticated else []
    if org_ids:
        shared = exists().where(
            Share.object_type == model.shared_type,
            Share.object_id == model.id,
            Share.partner_org_id.in_(org_ids),
        )
        clauses += [
            model.owner_org_id.in_(org_ids),
            model.visibility == Visibility.NETWORK,
            and_(model.visibility == Visibility.PARTNERS, shared),
        ]
    return or_(*clauses)


def visible(stmt: S, model: type[SharedObject], principal: Principal) -> S:
    """`stmt` (a select of `model`) narrowed to the rows `principal` may read."""
    return stmt.where(visibility_clause(model, principal))


def is_visible(session: Session, principal: Principal, obj: SharedObject) -> bool:
    """True when `principal` may read the stored object `obj` (asked of the database)."""
    model = type(obj)
    stmt = visible(select(model.id).where(model.id == obj.id), model, principal)
    return session.scalar(stmt) is not None
