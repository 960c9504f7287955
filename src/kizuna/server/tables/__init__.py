"""The platform's tables (SQLAlchemy 2 typed models), one module per concept.

- `base`: the declarative base, `UtcDateTime`, the enumerations.
- `places`: `City`, `Inventory`, `CityPlan`: the shared objects.
- `accounts`: organisations, users, memberships, API tokens, web sessions, login attempts.
- `sharing`: shares with partner organisations and the append-only audit log.
- `review`, `network`, `datahub`, `sdg`: the shared objects of those parts of the platform.

`SHARED_TYPES` maps each shared object's `shared_type` (``city``, ``plan``, ...) to its
class: every mapped subclass of `SharedObject` in these modules, found when they are imported.

The schema itself is made by the Alembic migrations in ``kizuna/server/migrations``
(`kizuna.server.db.migrate`), never by ``create_all``.
"""

from kizuna.server.tables import datahub, network, review, sdg  # noqa: F401
from kizuna.server.tables.accounts import (
    ApiToken,
    LoginAttempt,
    Membership,
    Organisation,
    User,
    WebSession,
    normalise_email,
)
from kizuna.server.tables.base import (
    Base,
    JSONDict,
    JSONList,
    OrgKind,
    Role,
    UtcDateTime,
    Visibility,
    utcnow,
)
from kizuna.server.tables.places import City, CityPlan, Inventory, SharedObject
from kizuna.server.tables.sharing import AuditEntry, Share


def _mapped(base: type[SharedObject]) -> list[type[SharedObject]]:
    """The mapped subclasses of `base` at any depth (mixins such as `CityObject` between)."""
    found = []
    for cls in base.__subclasses__():
        if hasattr(cls, "__table__"):
            found.append(cls)
        found += _mapped(cls)
    return found


#: The shared object classes by their `shared_type`.
SHARED_TYPES: dict[str, type[SharedObject]] = {
    cls.shared_type: cls for cls in _mapped(SharedObject)
}

__all__ = [
    "SHARED_TYPES",
    "ApiToken",
    "AuditEntry",
    "Base",
    "City",
    "CityPlan",
    "Inventory",
    "JSONDict",
    "JSONList",
    "LoginAttempt",
    "Membership",
    "OrgKind",
    "Organisation",
    "Role",
    "Share",
    "SharedObject",
    "User",
    "UtcDateTime",
    "Visibility",
    "WebSession",
    "normalise_email",
    "utcnow",
]
