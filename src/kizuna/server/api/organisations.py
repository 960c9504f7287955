"""``/api/v1/organisations``: the directory of organisations, their members and audit logs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from kizuna.errors import NotFound
from kizuna.server import tenancy
from kizuna.server.api.common import PagingDep, errors, json_with_etag
from kizuna.server.deps import AuthDep, SessionDep
from kizuna.server.schemas import (
    AuditEntryOut,
    AuditList,
    MemberIn,
    MemberList,
    MemberOut,
    OrganisationIn,
    OrganisationList,
    OrganisationOut,
    OrganisationPatch,
    RoleIn,
)
from kizuna.server.tables import OrgKind

router = APIRouter(tags=["organisations"])


@router.get("/organisations", response_model=OrganisationList, responses=errors(422))
def list_organisations(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    page: PagingDep,
    kind: Annotated[OrgKind | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=100, description="Part of the name.")] = None,
) -> Response:
    """A page of the organisations of this instance (a public directory), by name."""
    orgs = tenancy.list_organisations(session, kind=kind, q=q, limit=page.limit, offset=page.offset)
    total = tenancy.count_organisations(session, kind=kind, q=q)
    body = OrganisationList(
        organisations=[OrganisationOut.of(o) for o in orgs], **page.info(request, total)
    )
    return json_with_etag(request, body)


@router.post(
    "/organisations", response_model=OrganisationOut, status_code=201, responses=errors(403, 422)
)
def create_organisation(
    body: OrganisationIn, session: SessionDep, auth: AuthDep
) -> OrganisationOut:
    """Make an organisation; you become its owner (a token needs the admin scope)."""
    org = tenancy.create_organisation(session, auth.principal, **body.model_dump())
    session.commit()
    return OrganisationOut.of(org)


@router.get("/organisations/{slug}", response_model=OrganisationOut, responses=errors(404))
def get_organisation(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """One organisation."""
    return json_with_etag(request, OrganisationOut.of(tenancy.get_organisation(session, slug)))


@router.patch(
    "/organisations/{slug}", response_model=OrganisationOut, responses=errors(403, 404, 422)
)
def update_organisation(
    slug: str, body: OrganisationPatch, session: SessionDep, auth: AuthDep
) -> OrganisationOut:
    """Rename an organisation (its owners)."""
    org = tenancy.get_organisation(session, slug)
    tenancy.update_organisation(session, auth.principal, org, **body.model_dump(exclude_unset=True))
    session.commit()
    return OrganisationOut.of(org)


@router.get("/organisations/{slug}/members", response_model=MemberList, responses=errors(403, 404))
def list_members(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """The members of an organisation and their roles (for its members)."""
    org = tenancy.get_organisation(session, slug)
    members = tenancy.list_members(session, auth.principal, org.id)
    return json_with_etag(
        request, MemberList(organisation=org.slug, members=[MemberOut.of(m) for m in members])
    )


@router.post(
    "/organisations/{slug}/members",
    response_model=MemberOut,
    status_code=201,
    responses=errors(403, 404, 422),
)
def add_member(slug: str, body: MemberIn, session: SessionDep, auth: AuthDep) -> MemberOut:
    """Add a user who has an account here, by email (admins; owners to add owners)."""
    org = tenancy.get_organisation(session, slug)
    tenancy.list_members(session, auth.principal, org.id)  # outsiders: 403 before any lookup
    user = tenancy.find_user(session, body.email)
    if user is None:
        raise NotFound(
            f"No account for {body.email}",
            hint="ask them to sign up first, then add them",
        )
    membership = tenancy.add_member(session, auth.principal, org.id, user.id, body.role)
    session.commit()
    return MemberOut.of(membership)


@router.patch(
    "/organisations/{slug}/members/{user_id}",
    response_model=MemberOut,
    responses=errors(403, 404, 422),
)
def change_role(
    slug: str, user_id: int, body: RoleIn, session: SessionDep, auth: AuthDep
) -> MemberOut:
    """Give a member another role (admins; owners where the owner role is involved)."""
    org = tenancy.get_organisation(session, slug)
    tenancy.list_members(session, auth.principal, org.id)
    membership = tenancy.change_role(session, auth.principal, org.id, user_id, body.role)
    session.commit()
    return MemberOut.of(membership)


@router.delete(
    "/organisations/{slug}/members/{user_id}", status_code=204, responses=errors(403, 404, 422)
)
def remove_member(slug: str, user_id: int, session: SessionDep, auth: AuthDep) -> Response:
    """End a membership (admins; owners for owners; anyone may leave; the last owner stays)."""
    org = tenancy.get_organisation(session, slug)
    tenancy.list_members(session, auth.principal, org.id)
    tenancy.remove_member(session, auth.principal, org.id, user_id)
    session.commit()
    return Response(status_code=204)


@router.get(
    "/organisations/{slug}/audit", response_model=AuditList, responses=errors(403, 404, 422)
)
def audit_log(
    request: Request,
    slug: str,
    session: SessionDep,
    auth: AuthDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    before_id: Annotated[int | None, Query(ge=1, description="Page back from this id.")] = None,
    action: Annotated[str | None, Query(max_length=64, description="Such as share.add.")] = None,
) -> Response:
    """The organisation's audit log, newest first (admins and owners)."""
    org = tenancy.get_organisation(session, slug)
    entries = tenancy.audit_log(
        session, auth.principal, org.id, limit=limit, before_id=before_id, action=action
    )
    next_url = None
    if len(entries) == limit:
        query = f"limit={limit}&before_id={entries[-1].id}"
        next_url = f"{request.url.path}?{query}" + (f"&action={action}" if action else "")
    body = AuditList(
        organisation=org.slug, entries=[AuditEntryOut.of(e) for e in entries], next=next_url
    )
    return json_with_etag(request, body)
