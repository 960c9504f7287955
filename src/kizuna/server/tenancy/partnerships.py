"""Partnership projects on behalf of a principal: read by visibility or membership, changed
through the library's rules (`kizuna.network.partnerships`), every change audited, members
told in the app.

Who reads a partnership: the platform's rule (`visibility.visible`) and, whatever its
visibility, the members of every organisation in it (invited ones too, so they can answer).

| change                               | needs                                                     |
|--------------------------------------|-----------------------------------------------------------|
| create                               | editor+ of the owner (admin+ when not private); it leads  |
| invite, move the stage               | editor+ of an accepted lead organisation                  |
| accept or decline an invitation      | editor+ of the invited organisation                       |
| post an update, add a document       | editor+ of an accepted member organisation                |

The library decides the partnership's own rules (only an accepted lead moves the stage, one
stage at a time, two accepted members to leave ``idea``, ...); this module maps a principal
to the member organisation it acts for, stores the value the library returns, records
``partnership.<verb>`` and notifies the organisations the library names (`Update.notify`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, or_, select
from sqlalchemy.orm import Session, selectinload

from kizuna.errors import Forbidden, InputError, Location, NotFound
from kizuna.network import partnerships as lib
from kizuna.planning.library import measure_library
from kizuna.reports.i18n import N_
from kizuna.server.tables import Organisation, OrgKind, Role, Visibility, utcnow
from kizuna.server.tables.network import (
    MemberRole,
    MemberStatus,
    Partnership,
    PartnershipDocument,
    PartnershipMember,
    PartnershipUpdate,
    Stage,
    UpdateKind,
)
from kizuna.server.tenancy.audit import record
from kizuna.server.tenancy.network import _check_slug, _sharing, free_slug, notify, slugify
from kizuna.server.tenancy.permissions import require_change, require_scope
from kizuna.server.tenancy.principals import Principal, Scope
from kizuna.server.tenancy.visibility import visibility_clause

#: A member's kind in the library, by the organisation's kind.
MEMBER_KINDS = {
    OrgKind.CITY_GOVERNMENT: "city",
    OrgKind.COMPANY: "company",
    OrgKind.STARTUP: "startup",
    OrgKind.UNIVERSITY: "university",
    OrgKind.NETWORK: "network",
    OrgKind.OTHER: "other",
}
#: What the members are told, by the kind of update (``%(name)s`` filled from the event).
MESSAGES = {
    "invitation": N_("%(org)s invited %(invitee)s to the partnership %(title)s as %(role)s"),
    "accepted": N_("%(org)s accepted the invitation to the partnership %(title)s"),
    "declined": N_("%(org)s declined the invitation to the partnership %(title)s"),
    "stage": N_("The partnership %(title)s moved from %(from)s to %(to)s"),
    "note": N_("%(org)s posted an update in the partnership %(title)s"),
    "document": N_("%(org)s added the document %(document)s to the partnership %(title)s"),
}
MAX_TEXT = 5000


def partnership_clause(principal: Principal) -> ColumnElement[bool]:
    """The SQL condition "`principal` may read this partnership": visible, or a member."""
    base = visibility_clause(Partnership, principal)
    if principal.is_system or not principal.is_authenticated or not principal.org_ids:
        return base
    member = exists().where(
        PartnershipMember.partnership_id == Partnership.id,
        PartnershipMember.organisation_id.in_(sorted(principal.org_ids)),
    )
    return or_(base, member)


def _partnerships(principal: Principal) -> Select[tuple[Partnership]]:
    return (
        select(Partnership)
        .where(partnership_clause(principal))
        .options(
            selectinload(Partnership.owner),
            selectinload(Partnership.members).selectinload(PartnershipMember.organisation),
        )
    )


def list_partnerships(
    session: Session, principal: Principal, *, stage: Stage | None = None
) -> Sequence[Partnership]:
    """The partnerships `principal` may read, by title (optionally of one stage)."""
    stmt = _partnerships(principal)
    if stage is not None:
        stmt = stmt.where(Partnership.stage == stage)
    return session.scalars(stmt.order_by(Partnership.title, Partnership.id)).all()


def get_partnership(session: Session, principal: Principal, slug: str) -> Partnership:
    """The partnership `slug` with its members, documents and feed; `NotFound` if hidden."""
    stmt = (
        _partnerships(principal)
        .where(Partnership.slug == slug)
        .options(
            selectinload(Partnership.documents),
            selectinload(Partnership.updates).selectinload(PartnershipUpdate.author),
        )
    )
    found = session.scalars(stmt).one_or_none()
    if found is None:
        raise NotFound(
            f"No partnership {slug!r}",
            hint="check the address; a partnership shows to its members and as its "
            "visibility allows",
        )
    return found


# --- the library's value ---------------------------------------------------------------------


def library_partnership(row: Partnership) -> lib.Partnership:
    """A stored partnership as `kizuna.network.Partnership` (organisations by slug)."""
    return lib.Partnership.model_validate(
        {
            "id": row.slug,
            "title": row.title,
            "goal": row.goal,
            "stage": row.stage.value,
            "members": [
                {
                    "org": m.organisation.slug,
                    "name": m.organisation.name,
                    "kind": MEMBER_KINDS[m.organisation.kind],
                    "role": m.role.value,
                    "status": m.status.value,
                }
                for m in row.members
            ],
            "measures": row.measures,
            "sdgs": row.sdgs,
            "documents": [
                {"title": d.title, "url": d.url, "kind": d.kind, "added": d.added_at.date()}
                for d in row.documents
            ],
            "timeline": row.timeline,
            "feed": [
                {
                    "at": u.at,
                    "author": u.author.slug if u.author else "unknown",
                    "kind": u.kind.value,
                    "text": u.text,
                }
                for u in row.updates
            ],
            "owner": row.owner.slug,
            "visibility": row.visibility.value,
            "fictional": row.fictional,
        }
    )


def pipeline(rows: Sequence[Partnership]) -> dict[str, Any]:
    """The secretariat's board over `rows` (`kizuna.network.pipeline`): counts and cards by
    stage, with each card's address."""
    board = lib.pipeline(library_partnership(r) for r in rows)
    for column in board["stages"]:
        for card in column["items"]:
            card["page"] = f"/network/partnerships/{card['id']}"
    return board


# --- changes ---------------------------------------------------------------------------------


def _check_measures(measures: Sequence[str]) -> list[str]:
    library = measure_library()["measures"]
    unknown = [m for m in measures if m not in library]
    if unknown:
        raise InputError(
            f"Unknown measure ids: {', '.join(unknown)}",
            where=Location(field="measures"),
            hint="use ids of the measure library (kizuna plan library)",
        )
    return list(measures)


def _timeline(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    checked = []
    for i, item in enumerate(items):
        try:
            entry = lib.TimelineItem.model_validate(item)
        except ValueError:
            raise InputError(
                f"Invalid timeline entry {i + 1}",
                where=Location(field=f"timeline[{i}]"),
                hint="give {date: YYYY-MM-DD, title, done}",
            ) from None
        checked.append(entry.to_dict())
    return checked


def create_partnership(
    session: Session,
    principal: Principal,
    *,
    owner: Organisation,
    title: str,
    goal: str,
    slug: str | None = None,
    measures: Sequence[str] = (),
    sdgs: Sequence[int] = (),
    timeline: Sequence[dict[str, Any]] = (),
    visibility: Visibility = Visibility.PRIVATE,
    licence: str | None = None,
    fictional: bool = False,
) -> Partnership:
    """A partnership led by `owner` (its first, accepted member), at stage ``idea``."""
    licence = _sharing(principal, owner.id, visibility, licence, "a partnership")
    if not title.strip() or not goal.strip():
        field = "title" if not title.strip() else "goal"
        raise InputError(f"Give the partnership a {field}", where=Location(field=field))
    slug = slug or free_slug(session, Partnership, slugify(title), "partnership")
    _check_slug(session, Partnership, slug, "partnership")
    value = _valid(
        {
            "id": slug,
            "title": title.strip(),
            "goal": goal.strip(),
            "members": [{"org": owner.slug, "role": "lead", "status": "accepted"}],
            "measures": _check_measures(measures),
            "sdgs": list(sdgs),
            "timeline": _timeline(timeline),
        }
    )
    row = Partnership(
        slug=slug,
        title=value.title,
        goal=value.goal,
        stage=Stage.IDEA,
        measures=value.measures,
        sdgs=value.sdgs,
        timeline=[t.to_dict() for t in value.timeline],
        fictional=fictional,
        owner_org_id=owner.id,
        visibility=Visibility(visibility),
        licence=licence,
    )
    row.members.append(
        PartnershipMember(
            organisation_id=owner.id,
            role=MemberRole.LEAD,
            status=MemberStatus.ACCEPTED,
            responded_at=utcnow(),
        )
    )
    row.updates.append(
        PartnershipUpdate(
            author_org_id=owner.id,
            author_user_id=principal.user_id,
            kind=UpdateKind.NOTE,
            text="partnership created",
        )
    )
    session.add(row)
    session.flush()
    _audit(session, principal, row, "create", {"slug": slug, "visibility": row.visibility.value})
    return row


def _valid(data: dict[str, Any]) -> lib.Partnership:
    from kizuna.server.tenancy.network import validated

    value: lib.Partnership = validated(lib.Partnership, data)
    return value


def _acting(
    principal: Principal, row: Partnership, acting: Organisation | None, what: str
) -> PartnershipMember:
    """The membership `principal` acts through: `acting` when given, else the member
    organisation where it is editor or more, leads first. `Forbidden` when none."""
    require_scope(principal, Scope.WRITE)
    order = {MemberRole.LEAD: 0}
    members = sorted(
        row.members,
        key=lambda m: (m.status is not MemberStatus.ACCEPTED, order.get(m.role, 1), m.id),
    )
    for m in members:
        if acting is not None and m.organisation_id != acting.id:
            continue
        if principal.has_role(m.organisation_id, Role.EDITOR):
            return m
    raise Forbidden(
        f"Only editors, admins and owners of a member organisation may {what}",
        hint="ask the partnership's lead to invite your organisation, or ask your "
        "organisation's admin for the editor role",
    )


def _audit(
    session: Session, principal: Principal, row: Partnership, verb: str, details: dict[str, Any]
) -> None:
    record(
        session,
        principal,
        f"partnership.{verb}",
        organisation_id=row.owner_org_id,
        object_type="partnership",
        object_id=row.id,
        details=details,
    )


def _store_update(
    session: Session,
    principal: Principal,
    row: Partnership,
    value: lib.Partnership,
    author: Organisation,
    message: str,
    params: dict[str, Any],
) -> int:
    """Append the library's newest feed entry of `value` to `row` and tell the organisations
    it names; returns how many users were notified."""
    update = value.feed[-1]
    row.updates.append(
        PartnershipUpdate(
            at=update.at,
            author_org_id=author.id,
            author_user_id=principal.user_id,
            kind=UpdateKind(update.kind),
            text=update.text,
        )
    )
    row.updated_at = update.at
    session.flush()
    link = f"/network/partnerships/{row.slug}"
    return notify(session, principal, update.notify, message, {"title": row.title, **params}, link)


def invite_member(
    session: Session,
    principal: Principal,
    row: Partnership,
    invitee: Organisation,
    role: str,
    *,
    acting: Organisation | None = None,
) -> PartnershipMember:
    """Invite `invitee` as `role` (a lead's editors); its members are notified."""
    by = _acting(principal, row, acting, "invite organisations")
    role = _choice(MemberRole, role, "role")
    value = lib.invite(
        library_partnership(row),
        invitee.slug,
        role=role,  # type: ignore[arg-type]
        by=by.organisation.slug,
        at=utcnow(),
        name=invitee.name,
        kind=MEMBER_KINDS[invitee.kind],
    )
    member = next((m for m in row.members if m.organisation_id == invitee.id), None)
    if member is None:
        member = PartnershipMember(organisation_id=invitee.id, organisation=invitee)
        row.members.append(member)
    member.role, member.status = MemberRole(role), MemberStatus.INVITED
    member.invited_at, member.responded_at = utcnow(), None
    params = {"org": by.organisation.name, "invitee": invitee.name, "role": role}
    told = _store_update(
        session, principal, row, value, by.organisation, MESSAGES["invitation"], params
    )
    _audit(session, principal, row, "invite", {"org": invitee.slug, "role": role, "told": told})
    return member


def respond_invitation(
    session: Session, principal: Principal, row: Partnership, invitee: Organisation, accept: bool
) -> PartnershipMember:
    """`invitee` accepts or declines its invitation (its editors); the leads are notified."""
    member = next((m for m in row.members if m.organisation_id == invitee.id), None)
    if member is None:
        raise InputError(
            f"{invitee.name} is not invited to this partnership",
            where=Location(field="organisation"),
            hint="only an invited organisation answers an invitation",
        )
    _acting(principal, row, invitee, "answer the organisation's invitations")
    value = lib.respond(library_partnership(row), invitee.slug, accept=accept, at=utcnow())
    member.status = MemberStatus.ACCEPTED if accept else MemberStatus.DECLINED
    member.responded_at = utcnow()
    answer = "accepted" if accept else "declined"
    params = {"org": invitee.name}
    told = _store_update(session, principal, row, value, invitee, MESSAGES[answer], params)
    _audit(
        session, principal, row, "respond", {"org": invitee.slug, "answer": answer, "told": told}
    )
    return member


def advance_stage(
    session: Session,
    principal: Principal,
    row: Partnership,
    to: str,
    *,
    note: str = "",
    acting: Organisation | None = None,
) -> Partnership:
    """Move the stage one step forward or back (an accepted lead's editors)."""
    by = _acting(principal, row, acting, "move the partnership's stage")
    note = _text(note, "note", required=False)
    before = row.stage.value
    value = lib.advance(
        library_partnership(row), to, by=by.organisation.slug, at=utcnow(), note=note
    )
    row.stage = Stage(value.stage)
    params = {"from": before, "to": value.stage}
    told = _store_update(session, principal, row, value, by.organisation, MESSAGES["stage"], params)
    _audit(session, principal, row, "advance", {"from": before, "to": value.stage, "told": told})
    return row


def post_update(
    session: Session,
    principal: Principal,
    row: Partnership,
    text: str,
    *,
    acting: Organisation | None = None,
) -> PartnershipUpdate:
    """A note in the feed from an accepted member's editors; the other members are told."""
    by = _acting(principal, row, acting, "post updates")
    text = _text(text, "text")
    value = lib.post_update(library_partnership(row), text, by=by.organisation.slug, at=utcnow())
    params = {"org": by.organisation.name}
    told = _store_update(session, principal, row, value, by.organisation, MESSAGES["note"], params)
    _audit(session, principal, row, "update", {"told": told})
    return row.updates[-1]


def add_document(
    session: Session,
    principal: Principal,
    row: Partnership,
    *,
    title: str,
    url: str,
    kind: str = "document",
    acting: Organisation | None = None,
) -> PartnershipDocument:
    """A document (a title and the address where it is kept) from an accepted member."""
    by = _acting(principal, row, acting, "add documents")
    title = _text(title, "title", limit=300)
    url = url.strip()
    if not url.startswith(("https://", "http://")) or len(url) > 1000 or " " in url:
        raise InputError(
            f"Not a web address: {url[:80]!r}",
            where=Location(field="url"),
            hint="give the https:// address where the document is kept",
        )
    kind = _text(kind or "document", "kind", limit=64)
    doc = lib.Document(title=title, url=url, kind=kind, added=date.today())
    value = lib.add_document(library_partnership(row), doc, by=by.organisation.slug, at=utcnow())
    stored = PartnershipDocument(
        title=title, url=url, kind=kind, added_by_org_id=by.organisation_id
    )
    row.documents.append(stored)
    params = {"org": by.organisation.name, "document": title}
    told = _store_update(
        session, principal, row, value, by.organisation, MESSAGES["document"], params
    )
    _audit(session, principal, row, "document", {"title": title, "told": told})
    return stored


def _choice(enum: type[Any], value: str, field: str) -> str:
    known = [m.value for m in enum]
    if value not in known:
        raise InputError(
            f"Unknown {field} {value!r}", where=Location(field=field), hint=", ".join(known)
        )
    return value


def _text(value: str, field: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InputError(f"Write the {field}", where=Location(field=field))
    if len(value) > limit:
        raise InputError(
            f"The {field} is longer than {limit} characters",
            where=Location(field=field),
            hint="shorten it, or add a document",
        )
    return value


# --- the demo loader -------------------------------------------------------------------------


def save_partnership(
    session: Session,
    principal: Principal,
    value: lib.Partnership,
    *,
    owner: Organisation,
    orgs: dict[str, Organisation],
    visibility: Visibility,
    licence: str | None = None,
) -> Partnership:
    """Store `value` whole (members, documents, timeline, feed), replacing the partnership of
    the same slug: the demo loader's write (``partnership.save``). Members whose
    organisation is not in `orgs` are left out."""
    licence = _sharing(principal, owner.id, visibility, licence, "a partnership")
    row = session.scalars(select(Partnership).where(Partnership.slug == value.id)).one_or_none()
    if row is not None:
        require_change(session, principal, row, action="replace this partnership")
        row.members.clear()
        row.documents.clear()
        row.updates.clear()
        session.flush()
    else:
        row = Partnership(slug=value.id)
    row.title, row.goal, row.stage = value.title, value.goal, Stage(value.stage)
    row.measures, row.sdgs = _check_measures(value.measures), list(value.sdgs)
    row.timeline = [t.to_dict() for t in value.timeline]
    row.fictional, row.owner_org_id = value.fictional, owner.id
    row.visibility, row.licence = visibility, licence
    for m in value.members:
        if m.org in orgs:
            row.members.append(
                PartnershipMember(
                    organisation_id=orgs[m.org].id,
                    role=MemberRole(m.role),
                    status=MemberStatus(m.status),
                )
            )
    for d in value.documents:
        added = datetime.combine(d.added or date.today(), datetime.min.time(), UTC)
        row.documents.append(
            PartnershipDocument(title=d.title, url=d.url, kind=d.kind, added_at=added)
        )
    for u in value.feed:
        author = orgs.get(u.author)
        row.updates.append(
            PartnershipUpdate(
                at=u.at,
                author_org_id=author.id if author else None,
                kind=UpdateKind(u.kind),
                text=u.text,
            )
        )
    row.updated_at = max((u.at for u in value.feed), default=utcnow())
    session.add(row)
    session.flush()
    _audit(session, principal, row, "save", {"slug": row.slug, "source": "demo"})
    return row
