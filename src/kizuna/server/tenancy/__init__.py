"""Tenancy: who may read and change what, in one place, over a SQLAlchemy `Session`.

Pure service functions (no web framework) that the REST API, the web pages,
the CLI and the demo loader all call:

- principals (`principals`): `ANONYMOUS`, `SYSTEM`, `principal_for_user`,
  `principal_for_token`, `session_principal`;
- accounts (`accounts`): organisations, users, memberships and their roles;
- signing in (`login`, `sessions`, `tokens`): password check with a login
  rate limit, web sessions with CSRF tokens, API tokens;
- reading (`queries`, `visibility`): every read of a shared object is
  narrowed by `visible` (private, partners, network, public);
- changing (`content`, `sharing`): checked against roles, audited (`audit`).

Hidden objects are `NotFound`; visible ones the principal may not change are
`Forbidden`. Functions flush but never commit: the caller owns the transaction.
See docs/platform.md for the rules as tables.
"""

from kizuna.server.tables import OrgKind, Role, Visibility
from kizuna.server.tenancy import network, partnerships, sdg  # noqa: F401 (tenancy.network...)
from kizuna.server.tenancy.accounts import (
    add_member,
    change_password,
    change_role,
    count_organisations,
    create_organisation,
    create_user,
    find_user,
    get_organisation,
    list_members,
    list_organisations,
    remove_member,
    update_organisation,
    update_profile,
)
from kizuna.server.tenancy.audit import audit_log, record
from kizuna.server.tenancy.content import (
    create_city,
    delete_object,
    save_inventory,
    save_plan,
    update_city,
)
from kizuna.server.tenancy.errors import RateLimited, Unauthenticated
from kizuna.server.tenancy.licences import OPEN_LICENCES
from kizuna.server.tenancy.login import authenticate, prune_login_attempts, recent_failures
from kizuna.server.tenancy.passwords import hash_password, verify_password
from kizuna.server.tenancy.permissions import require_change, require_readable
from kizuna.server.tenancy.principals import (
    ANONYMOUS,
    SYSTEM,
    Principal,
    PrincipalKind,
    Scope,
    principal_for_token,
    principal_for_user,
)
from kizuna.server.tenancy.queries import (
    count_cities,
    get_city,
    get_inventory,
    get_object,
    get_plan,
    list_cities,
    list_inventories,
    list_objects,
)
from kizuna.server.tenancy.review import (
    MAX_DRAWS,
    Upload,
    count_reviews,
    create_scenario_set,
    get_review,
    get_scenario_set,
    list_reviews,
    list_scenario_sets,
    run_review,
)
from kizuna.server.tenancy.sessions import (
    NewSession,
    check_csrf,
    end_session,
    end_user_sessions,
    load_session,
    prune_sessions,
    session_principal,
    start_session,
)
from kizuna.server.tenancy.sharing import (
    list_shares,
    set_visibility,
    share_object,
    unshare_object,
)
from kizuna.server.tenancy.tokens import (
    NewToken,
    create_token,
    list_tokens,
    revoke_token,
    verify_token,
)
from kizuna.server.tenancy.visibility import is_visible, visibility_clause, visible

__all__ = [
    "ANONYMOUS",
    "MAX_DRAWS",
    "OPEN_LICENCES",
    "SYSTEM",
    "NewSession",
    "NewToken",
    "OrgKind",
    "Principal",
    "PrincipalKind",
    "RateLimited",
    "Role",
    "Scope",
    "Unauthenticated",
    "Upload",
    "Visibility",
    "add_member",
    "audit_log",
    "authenticate",
    "change_password",
    "change_role",
    "check_csrf",
    "count_cities",
    "count_organisations",
    "count_reviews",
    "create_city",
    "create_organisation",
    "create_scenario_set",
    "create_token",
    "create_user",
    "delete_object",
    "end_session",
    "end_user_sessions",
    "find_user",
    "get_city",
    "get_inventory",
    "get_object",
    "get_organisation",
    "get_plan",
    "get_review",
    "get_scenario_set",
    "hash_password",
    "is_visible",
    "list_cities",
    "list_inventories",
    "list_members",
    "list_objects",
    "list_organisations",
    "list_reviews",
    "list_scenario_sets",
    "list_shares",
    "list_tokens",
    "load_session",
    "principal_for_token",
    "principal_for_user",
    "prune_login_attempts",
    "prune_sessions",
    "recent_failures",
    "record",
    "remove_member",
    "require_change",
    "require_readable",
    "revoke_token",
    "run_review",
    "save_inventory",
    "save_plan",
    "session_principal",
    "set_visibility",
    "share_object",
    "start_session",
    "unshare_object",
    "update_city",
    "update_organisation",
    "update_profile",
    "verify_password",
    "verify_token",
    "visibility_clause",
    "visible",
]
