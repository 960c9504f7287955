"""Partnership projects between cities and with providers, as values and pure functions.

A partnership has members (organisations with a role and an invitation status), a goal,
linked measures (library ids) and SDGs, a stage, documents, a timeline of dated milestones and
a feed of updates. Every change is a function that returns a new `Partnership` with an update
appended to its feed (who, when, what, and whom to notify); nothing is stored here, the server
persists the values it gets back.

Stages, in order: idea -> screening -> feasibility -> investment-ready -> financed ->
implemented. `advance` moves one stage forward or one back (back for re-work, e.g. a
feasibility study that fails); skipping is not allowed, and ``implemented`` is final. Only an
accepted lead may move the stage, and leaving ``idea`` needs at least two accepted members.

Invitations: a lead invites an organisation with a role (`invite`); the organisation accepts
or declines (`respond`). `pipeline` gives the counts and items by stage over many
partnerships: the board a network secretariat needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kizuna.errors import Forbidden, InputError, Location
from kizuna.network.profiles import Goals
from kizuna.network.visibility import Visibility

STAGES = ("idea", "screening", "feasibility", "investment-ready", "financed", "implemented")
Stage = Literal["idea", "screening", "feasibility", "investment-ready", "financed", "implemented"]
Role = Literal["lead", "partner", "provider", "funder", "observer"]
Status = Literal["invited", "accepted", "declined"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class Member(_Model):
    org: str  # organisation id (slug)
    name: str = ""
    kind: Literal["city", "company", "startup", "university", "lab", "network", "other"] = "city"
    role: Role = "partner"
    status: Status = "accepted"


class Document(_Model):
    title: str
    url: str
    kind: str = "document"  # e.g. concept note, feasibility study, term sheet
    added: date | None = None


class TimelineItem(_Model):
    date: date
    title: str
    done: bool = False


class Update(_Model):
    at: datetime
    author: str  # organisation id
    kind: Literal["note", "stage", "invitation", "response", "document"] = "note"
    text: str
    notify: list[str] = Field(default_factory=list)  # organisations to tell in the app


class Partnership(_Model):
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    title: str
    goal: str
    stage: Stage = "idea"
    members: list[Member] = Field(min_length=1)
    measures: list[str] = Field(default_factory=list)
    sdgs: Goals = Field(default_factory=list)
    documents: list[Document] = Field(default_factory=list)
    timeline: list[TimelineItem] = Field(default_factory=list)
    feed: list[Update] = Field(default_factory=list)
    owner: str | None = None
    visibility: Visibility = "partners"
    shared_with: list[str] = Field(default_factory=list)
    fictional: bool = False

    def member(self, org: str) -> Member | None:
        return next((m for m in self.members if m.org == org), None)

    @property
    def accepted(self) -> list[Member]:
        return [m for m in self.members if m.status == "accepted"]

    def summary(self) -> dict[str, Any]:
        """What a board card shows."""
        return {
            "id": self.id,
            "title": self.title,
            "stage": self.stage,
            "members": [m.name or m.org for m in self.accepted],
            "invited": [m.name or m.org for m in self.members if m.status == "invited"],
            "measures": list(self.measures),
            "sdgs": list(self.sdgs),
            "last_update": self.feed[-1].at.isoformat() if self.feed else None,
        }


def allowed_stages(p: Partnership) -> list[str]:
    """The stages `advance` may move `p` to (one forward, one back; none from implemented)."""
    i = STAGES.index(p.stage)
    if p.stage == "implemented":
        return []
    return [s for s in (STAGES[i - 1] if i > 0 else None, STAGES[i + 1]) if s]


def _notify_all(p: Partnership, but: str) -> list[str]:
    return [m.org for m in p.members if m.status != "declined" and m.org != but]


def _require_lead(p: Partnership, by: str, what: str) -> None:
    m = p.member(by)
    if m is None or m.role != "lead" or m.status != "accepted":
        raise Forbidden(
            f"{by!r} may not {what} partnership {p.id!r}: only an accepted lead may",
            hint="ask the lead organisation, or have it make you a lead",
        )


def advance(p: Partnership, to: str, *, by: str, at: datetime, note: str = "") -> Partnership:
    """`p` moved to stage `to` by organisation `by` (rules in the module docstring)."""
    if to not in STAGES:
        raise InputError(
            f"unknown stage {to!r}", where=Location(field="stage"), hint=" -> ".join(STAGES)
        )
    _require_lead(p, by, "move the stage of")
    if to not in allowed_stages(p):
        raise InputError(
            f"partnership {p.id!r} cannot go from {p.stage!r} to {to!r}",
            where=Location(field="stage"),
            hint=f"allowed from {p.stage!r}: {', '.join(allowed_stages(p)) or 'none (final)'}",
        )
    if p.stage == "idea" and len(p.accepted) < 2:
        raise InputError(
            f"partnership {p.id!r} needs at least two accepted members to leave 'idea'",
            where=Location(field="members"),
            hint="invite a partner and wait for the acceptance",
        )
    text = f"stage {p.stage} -> {to}" + (f": {note}" if note else "")
    update = Update(at=at, author=by, kind="stage", text=text, notify=_notify_all(p, by))
    return p.model_copy(update={"stage": to, "feed": [*p.feed, update]})


def invite(
    p: Partnership,
    org: str,
    *,
    role: Role,
    by: str,
    at: datetime,
    name: str = "",
    kind: str = "city",
) -> Partnership:
    """`p` with `org` invited as `role` by the lead `by`."""
    _require_lead(p, by, "invite to")
    existing = p.member(org)
    if existing is not None and existing.status != "declined":
        raise InputError(f"{org!r} is already {existing.status} in partnership {p.id!r}")
    member = Member(org=org, name=name, kind=kind, role=role, status="invited")  # type: ignore[arg-type]
    members = [m for m in p.members if m.org != org] + [member]
    update = Update(
        at=at, author=by, kind="invitation", text=f"invited {name or org} as {role}", notify=[org]
    )
    return p.model_copy(update={"members": members, "feed": [*p.feed, update]})


def respond(p: Partnership, org: str, *, accept: bool, at: datetime) -> Partnership:
    """`p` after `org` accepted or declined its invitation."""
    m = p.member(org)
    if m is None or m.status != "invited":
        raise InputError(f"{org!r} has no open invitation to partnership {p.id!r}")
    status: Status = "accepted" if accept else "declined"
    members = [x.model_copy(update={"status": status}) if x.org == org else x for x in p.members]
    leads = [x.org for x in p.members if x.role == "lead"]
    update = Update(
        at=at,
        author=org,
        kind="response",
        text=f"{m.name or org} {status} the invitation",
        notify=leads,
    )
    return p.model_copy(update={"members": members, "feed": [*p.feed, update]})


def post_update(p: Partnership, text: str, *, by: str, at: datetime) -> Partnership:
    """`p` with a note from an accepted member in its feed."""
    m = p.member(by)
    if m is None or m.status != "accepted":
        raise Forbidden(f"{by!r} is not a member of partnership {p.id!r}")
    update = Update(at=at, author=by, text=text, notify=_notify_all(p, by))
    return p.model_copy(update={"feed": [*p.feed, update]})


def add_document(p: Partnership, document: Document, *, by: str, at: datetime) -> Partnership:
    """`p` with a document added by an accepted member."""
    m = p.member(by)
    if m is None or m.status != "accepted":
        raise Forbidden(f"{by!r} is not a member of partnership {p.id!r}")
    update = Update(
        at=at, author=by, kind="document", text=f"added {document.title}", notify=_notify_all(p, by)
    )
    return p.model_copy(update={"documents": [*p.documents, document], "feed": [*p.feed, update]})


def pipeline(partnerships: Iterable[Partnership]) -> dict[str, Any]:
    """Counts and cards by stage, in stage order, plus the total: the secretariat's board."""
    by_stage: dict[str, list[dict[str, Any]]] = {s: [] for s in STAGES}
    for p in partnerships:
        by_stage[p.stage].append(p.summary())
    return {
        "total": sum(len(v) for v in by_stage.values()),
        "stages": [{"stage": s, "count": len(v), "items": v} for s, v in by_stage.items()],
    }
