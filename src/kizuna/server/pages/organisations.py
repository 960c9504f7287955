"""The pages of organisations: the directory, one organisation with its members, its audit log."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from kizuna.errors import InputError, KizunaError, Location
from kizuna.server import tenancy
from kizuna.server.deps import AuthDep, SessionDep
from kizuna.server.pages.forms import csrf_form, done, form_error, render, signed_in
from kizuna.server.tables import Organisation, OrgKind, Role

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

Csrf = Annotated[str, Form(max_length=200)]
AUDIT_PAGE = 50
E = TypeVar("E", bound=StrEnum)


@router.get("/organisations")
def directory(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    kind: Annotated[OrgKind | None, Query()] = None,
) -> Response:
    """Every organisation of this instance, by name (a public directory), and a form to
    make one for signed-in users."""
    return render(request, "organisations.html", _directory(session, auth, kind))


def _directory(session: SessionDep, auth: AuthDep, kind: OrgKind | None) -> dict[str, Any]:
    return {
        "organisations": tenancy.list_organisations(session, kind=kind),
        "kinds": list(OrgKind),
        "kind": kind,
        "mine": dict(auth.principal.roles),
        "form": {},
    }


@router.post("/organisations")
def create(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    csrf_token: Csrf = "",
    slug: Annotated[str, Form(max_length=64)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    kind: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    """Make an organisation; the signed-in user becomes its owner."""
    csrf_form(request, auth, csrf_token)
    try:
        org_kind = _choice(OrgKind, kind, "kind")
        if not name.strip():
            raise InputError("Give the organisation a name", where=Location(field="name"))
        org = tenancy.create_organisation(
            session, auth.principal, slug=slug.strip(), name=name.strip(), kind=org_kind
        )
        session.commit()
    except KizunaError as exc:
        session.rollback()
        context = {**_directory(session, auth, None), "form": {"slug": slug, "name": name}}
        return form_error(request, "organisations.html", "_organisation_form.html", context, exc)
    return done(request, f"/organisations/{org.slug}")


def _choice(kind: type[E], value: str, field: str) -> E:
    """`value` as a member of the enumeration `kind`, or an `InputError` naming `field`."""
    try:
        return kind(value)
    except ValueError:
        raise InputError(
            f"Unknown {field} {value!r}",
            where=Location(field=field),
            hint=f"choose one of {', '.join(k.value for k in kind)}",
        ) from None


def _org_page(session: SessionDep, auth: AuthDep, org: Organisation) -> dict[str, Any]:
    principal = auth.principal
    role = principal.role_in(org.id)
    members = tenancy.list_members(session, principal, org.id) if role else []
    cities = tenancy.list_cities(session, principal)
    return {
        "org": org,
        "role": role,
        "members": members,
        "can_manage": principal.has_role(org.id, Role.ADMIN),
        "is_owner": principal.has_role(org.id, Role.OWNER),
        "roles": list(Role),
        "cities": [c for c in cities if c.owner_org_id == org.id],
        "form": {},
    }


@router.get("/organisations/{slug}")
def organisation(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """An organisation: its cities and, for its members, its members and their roles."""
    org = tenancy.get_organisation(session, slug)
    return render(request, "organisation.html", _org_page(session, auth, org))


@router.post("/organisations/{slug}/members")
def add_member(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    csrf_token: Csrf = "",
    email: Annotated[str, Form(max_length=320)] = "",
    role: Annotated[str, Form(max_length=16)] = "viewer",
) -> Response:
    """Add a member by email (admins; owners to add owners)."""
    csrf_form(request, auth, csrf_token)
    org = tenancy.get_organisation(session, slug)
    try:
        user = tenancy.find_user(session, email)
        if user is None:
            raise InputError(
                f"No account for {email.strip() or '(no email)'}",
                where=Location(field="email"),
                hint="ask them to sign up first, then add them",
            )
        tenancy.add_member(session, auth.principal, org.id, user.id, _choice(Role, role, "role"))
        session.commit()
    except KizunaError as exc:
        session.rollback()
        context = {**_org_page(session, auth, org), "form": {"email": email, "role": role}}
        return form_error(request, "organisation.html", "_member_form.html", context, exc)
    return done(request, f"/organisations/{org.slug}#members")


@router.post("/organisations/{slug}/members/{user_id}")
def change_member(
    request: Request,
    slug: str,
    user_id: int,
    session: SessionDep,
    auth: AuthDep,
    csrf_token: Csrf = "",
    role: Annotated[str, Form(max_length=16)] = "",
    remove: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Change a member's role, or remove the member (``remove=1``)."""
    csrf_form(request, auth, csrf_token)
    org = tenancy.get_organisation(session, slug)
    try:
        if remove:
            tenancy.remove_member(session, auth.principal, org.id, user_id)
        else:
            tenancy.change_role(
                session, auth.principal, org.id, user_id, _choice(Role, role, "role")
            )
        session.commit()
    except KizunaError as exc:
        session.rollback()
        return form_error(
            request, "organisation.html", "organisation.html", _org_page(session, auth, org), exc
        )
    if remove and user_id == auth.principal.user_id:
        return done(request, "/organisations")
    return done(request, f"/organisations/{org.slug}#members")


@router.get("/organisations/{slug}/audit")
def audit(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    before_id: Annotated[int | None, Query(ge=1)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """The organisation's audit log, newest first, a page at a time (admins and owners)."""
    signed_in(request, auth)
    org = tenancy.get_organisation(session, slug)
    entries = tenancy.audit_log(
        session,
        auth.principal,
        org.id,
        limit=AUDIT_PAGE,
        before_id=before_id,
        action=action or None,
    )
    older = entries[-1].id if len(entries) == AUDIT_PAGE else None
    return render(
        request,
        "audit.html",
        {"org": org, "entries": entries, "older": older, "action": action or ""},
    )
