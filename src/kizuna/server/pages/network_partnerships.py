"""The partnership pages: the pipeline board by stage, the form to start a partnership, and a
partnership with its members, invitations, stage, feed and documents (each action a form).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kizuna.errors import InputError, Location
from kizuna.network import allowed_stages
from kizuna.planning.library import measure_library
from kizuna.server import tenancy
from kizuna.server.deps import Auth, AuthDep, SessionDep
from kizuna.server.pages.forms import csrf_form, render, signed_in
from kizuna.server.pages.network_common import (
    VISIBILITIES,
    Csrf,
    Long,
    Many,
    Short,
    licence_for,
    measures,
    my_orgs,
    numbers,
    page_context,
    submit,
    visibility_of,
)
from kizuna.server.tables import Role
from kizuna.server.tables.network import (
    MemberRole,
    MemberStatus,
    Partnership,
    Stage,
)
from kizuna.server.tenancy import partnerships as pt

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


# --- partnerships -----------------------------------------------------------------------------


@router.get("/network/partnerships")
def pipeline(request: Request, session: SessionDep, auth: AuthDep) -> Response:
    """The partnership pipeline: a board with one column per stage."""
    board = pt.pipeline(pt.list_partnerships(session, auth.principal))
    context = page_context(auth, board=board, can_add=bool(my_orgs(session, auth)))
    return render(request, "network_pipeline.html", context)


def _partnership_form(session: SessionDep, auth: Auth, form: dict[str, Any]) -> dict[str, Any]:
    return page_context(
        auth,
        owners=my_orgs(session, auth),
        measures=measures(),
        visibilities=VISIBILITIES,
        form=form,
    )


@router.get("/network/partnerships/new")
def new_partnership(request: Request, session: SessionDep, auth: AuthDep) -> Response:
    """The form to start a partnership."""
    signed_in(request, auth)
    return render(request, "network_partnership_new.html", _partnership_form(session, auth, {}))


@router.post("/network/partnerships")
def create_partnership(
    request: Request,
    session: SessionDep,
    auth: AuthDep,
    csrf_token: Csrf = "",
    owner: Short = "",
    title: Short = "",
    goal: Long = "",
    measures: Many = [],  # noqa: B006 (FastAPI copies form defaults)
    sdgs: Short = "",
    visibility: Short = "private",
) -> Response:
    """Start a partnership led by one of your organisations; errors next to the fields."""
    csrf_form(request, auth, csrf_token)
    form = {k: v for k, v in locals().items() if isinstance(v, str | list) and k != "csrf_token"}

    def change() -> str:
        if not owner:
            raise InputError("Choose the organisation that leads it", where=Location(field="owner"))
        org = tenancy.get_organisation(session, owner)
        chosen = visibility_of(visibility)
        made = pt.create_partnership(
            session,
            auth.principal,
            owner=org,
            title=title,
            goal=goal,
            measures=measures,
            sdgs=numbers(sdgs, "sdgs"),
            visibility=chosen,
            licence=licence_for(chosen),
        )
        return f"/network/partnerships/{made.slug}"

    def again() -> dict[str, Any]:
        return _partnership_form(session, auth, form)

    return submit(request, session, "network_partnership_new.html", change, again)


def _partnership_page(session: SessionDep, auth: Auth, row: Partnership) -> dict[str, Any]:
    principal = auth.principal
    mine = [m for m in row.members if principal.has_role(m.organisation_id, Role.EDITOR)]
    accepted = [m for m in mine if m.status is MemberStatus.ACCEPTED]
    leads = [m for m in accepted if m.role is MemberRole.LEAD]
    members = {m.organisation_id for m in row.members if m.status is not MemberStatus.DECLINED}
    library = measure_library()["measures"]
    return page_context(
        auth,
        p=row,
        stages=[s.value for s in Stage],
        allowed=allowed_stages(pt.library_partnership(row)) if leads else [],
        is_lead=bool(leads),
        can_post=bool(accepted),
        invitations=[m for m in mine if m.status is MemberStatus.INVITED],
        candidates=[o for o in tenancy.list_organisations(session) if o.id not in members],
        roles=[r.value for r in MemberRole if r is not MemberRole.LEAD],
        measure_names={m: library[m]["name"] for m in row.measures if m in library},
        can_share=principal.has_role(row.owner_org_id, Role.VIEWER),
        failed=None,
        form={},
    )


@router.get("/network/partnerships/{slug}")
def partnership(request: Request, slug: str, session: SessionDep, auth: AuthDep) -> Response:
    """A partnership: goal, stage, members and invitations, documents, timeline and feed."""
    row = pt.get_partnership(session, auth.principal, slug)
    return render(request, "network_partnership.html", _partnership_page(session, auth, row))


@router.post("/network/partnerships/{slug}/{action}")
def partnership_action(
    request: Request,
    slug: str,
    action: str,
    session: SessionDep,
    auth: AuthDep,
    csrf_token: Csrf = "",
    organisation: Short = "",
    role: Short = "partner",
    answer: Short = "",
    stage: Short = "",
    note: Long = "",
    text: Long = "",
    title: Short = "",
    url: Short = "",
    kind: Short = "document",
) -> Response:
    """Invite, answer an invitation, move the stage, post an update or add a document."""
    csrf_form(request, auth, csrf_token)
    row = pt.get_partnership(session, auth.principal, slug)
    principal = auth.principal

    def change() -> str:
        if action == "invite":
            if not organisation:
                raise InputError(
                    "Choose the organisation to invite", where=Location(field="organisation")
                )
            invitee = tenancy.get_organisation(session, organisation)
            pt.invite_member(session, principal, row, invitee, role)
        elif action == "respond":
            invitee = tenancy.get_organisation(session, organisation)
            pt.respond_invitation(session, principal, row, invitee, answer == "accept")
        elif action == "stage":
            pt.advance_stage(session, principal, row, stage, note=note)
        elif action == "update":
            pt.post_update(session, principal, row, text)
        elif action == "document":
            pt.add_document(session, principal, row, title=title, url=url, kind=kind)
        else:
            raise InputError(f"Unknown action {action!r}", hint="use the forms of the page")
        return f"/network/partnerships/{slug}?done={action}"

    def again() -> dict[str, Any]:
        row = pt.get_partnership(session, principal, slug)
        form = {
            "organisation": organisation,
            "role": role,
            "stage": stage,
            "note": note,
            "text": text,
            "title": title,
            "url": url,
            "kind": kind,
        }
        return _partnership_page(session, auth, row) | {"failed": action, "form": form}

    return submit(request, session, "network_partnership.html", change, again)
