"""Partnership stages, invitations, the feed and the pipeline board."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kizuna.errors import Forbidden, InputError
from kizuna.network import (
    STAGES,
    Partnership,
    advance,
    allowed_stages,
    invite,
    pipeline,
    post_update,
    respond,
)
from kizuna.network.partnerships import Document, Member, add_document

AT = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def idea() -> Partnership:
    return Partnership(
        id="p1",
        title="E-buses together",
        goal="Buy electric buses together",
        members=[Member(org="yokohama", role="lead")],
        measures=["electric-bus"],
    )


def test_stages_move_one_step_with_two_members(idea: Partnership) -> None:
    assert allowed_stages(idea) == ["screening"]
    with pytest.raises(InputError, match="two accepted members"):
        advance(idea, "screening", by="yokohama", at=AT)
    invited = invite(idea, "kurume", role="partner", by="yokohama", at=AT, name="Kurume")
    assert invited.member("kurume").status == "invited"
    assert invited.feed[-1].notify == ["kurume"]
    joined = respond(invited, "kurume", accept=True, at=AT)
    assert joined.feed[-1].notify == ["yokohama"]
    screening = advance(joined, "screening", by="yokohama", at=AT, note="go")
    assert screening.stage == "screening"
    assert screening.feed[-1].text == "stage idea -> screening: go"
    assert screening.feed[-1].notify == ["kurume"]
    with pytest.raises(InputError, match="cannot go from 'screening' to 'financed'"):
        advance(screening, "financed", by="yokohama", at=AT)
    assert allowed_stages(screening) == ["idea", "feasibility"]
    back = advance(screening, "idea", by="yokohama", at=AT)
    assert back.stage == "idea"
    assert idea.stage == "idea"
    assert len(idea.feed) == 0


def test_only_an_accepted_lead_moves_the_stage(idea: Partnership) -> None:
    p = respond(
        invite(idea, "kurume", role="partner", by="yokohama", at=AT), "kurume", accept=True, at=AT
    )
    with pytest.raises(Forbidden, match="only an accepted lead"):
        advance(p, "screening", by="kurume", at=AT)
    with pytest.raises(Forbidden):
        invite(p, "x", role="partner", by="kurume", at=AT)
    with pytest.raises(InputError, match="already accepted"):
        invite(p, "kurume", role="partner", by="yokohama", at=AT)
    with pytest.raises(InputError, match="no open invitation"):
        respond(p, "kurume", accept=False, at=AT)


def test_implemented_is_final_and_walk_through() -> None:
    p = Partnership(
        id="p",
        title="t",
        goal="g",
        stage="idea",
        members=[Member(org="a", role="lead"), Member(org="b")],
    )
    for stage in STAGES[1:]:
        p = advance(p, stage, by="a", at=AT)
    assert p.stage == "implemented"
    assert allowed_stages(p) == []
    with pytest.raises(InputError, match="none \\(final\\)"):
        advance(p, "financed", by="a", at=AT)
    assert len(p.feed) == 5


def test_feed_documents_and_pipeline(idea: Partnership) -> None:
    p = post_update(idea, "kick-off held", by="yokohama", at=AT)
    p = add_document(
        p, Document(title="Concept note", url="https://example.org/c.pdf"), by="yokohama", at=AT
    )
    assert [u.kind for u in p.feed] == ["note", "document"]
    with pytest.raises(Forbidden):
        post_update(p, "hi", by="stranger", at=AT)
    other = Partnership(
        id="p2", title="t", goal="g", stage="feasibility", members=[Member(org="a", role="lead")]
    )
    board = pipeline([p, other, idea])
    assert board["total"] == 3
    counts = {s["stage"]: s["count"] for s in board["stages"]}
    assert counts == {
        "idea": 2,
        "screening": 0,
        "feasibility": 1,
        "investment-ready": 0,
        "financed": 0,
        "implemented": 0,
    }
    assert [s["stage"] for s in board["stages"]] == list(STAGES)
    assert board["stages"][0]["items"][0]["last_update"] == AT.isoformat()
