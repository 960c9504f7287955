"""``/healthz``: the service runs and its database answers."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

import kizuna
from kizuna.server.deps import SessionDep
from kizuna.server.schemas import Health

router = APIRouter(tags=["service"])


@router.get("/healthz", response_model=Health)
def healthz(session: SessionDep) -> Health:
    """Answers 200 when the service runs and its database answers."""
    session.execute(text("SELECT 1"))
    return Health(status="ok", version=kizuna.__version__, database="ok")
