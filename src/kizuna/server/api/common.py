"""What the API routes share: documented error answers, paging, ETags and upload reading.

Lists are paged with ``limit`` and ``offset`` (`Paging`); their answers carry
``total`` and the address of the ``next`` page. Reads answer with a strong
``ETag`` (the SHA-256 of the JSON body), so a client that sends it back in
``If-None-Match`` gets ``304 Not Modified`` and no body. Answers depend on who
asks: they are ``Cache-Control: private, no-cache`` and vary on ``Cookie`` and
``Authorization`` (set for every ``/api`` answer in `kizuna.server.app`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Query, Request, UploadFile
from fastapi.encoders import jsonable_encoder
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from kizuna.server.answer_replay import replayable
from kizuna.server.deps import Auth
from kizuna.server.imports import check_size
from kizuna.server.response_cache import ResponseCache, data_version, etag_of, reader_key
from kizuna.server.schemas import ErrorOut

_ERROR_TEXTS = {
    401: "Invalid, expired or revoked API token",
    403: "You may read this but not do that (role or token scope too low)",
    404: "Unknown, or not readable by you (the same answer, so nothing leaks)",
    413: "The upload is over the size limit",
    422: "Invalid input; details name the fields, rows or columns",
    502: "A remote source did not answer usefully (timeout, refused, server error)",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the error statuses a route may answer (always 401)."""
    wanted = sorted({401, *statuses})
    return {s: {"model": ErrorOut, "description": _ERROR_TEXTS[s]} for s in wanted}


@dataclass(frozen=True, slots=True)
class Paging:
    """A page of a list: at most `limit` items after skipping `offset`."""

    limit: int
    offset: int

    def next_url(self, request: Request, total: int) -> str | None:
        """The address of the next page (the request's filters kept), or None on the last."""
        if self.offset + self.limit >= total:
            return None
        kept = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]
        query = urlencode([*kept, ("offset", str(self.offset + self.limit))])
        return f"{request.url.path}?{query}"

    def info(self, request: Request, total: int) -> dict[str, Any]:
        """The `PageInfo` fields of this page."""
        return {
            "total": total,
            "limit": self.limit,
            "offset": self.offset,
            "next": self.next_url(request, total),
        }


def paging(
    limit: Annotated[int, Query(ge=1, le=200, description="Items per page.")] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip.")] = 0,
) -> Paging:
    """The ``limit`` and ``offset`` query parameters of a list."""
    return Paging(limit=limit, offset=offset)


PagingDep = Annotated[Paging, Depends(paging)]


def json_bytes(body: BaseModel | dict[str, Any]) -> bytes:
    """`body` serialised as compact JSON (pydantic's own serialiser for models: much faster)."""
    if isinstance(body, BaseModel):
        return body.model_dump_json().encode()
    return json.dumps(
        jsonable_encoder(body), ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode()


def etag_response(request: Request, content: bytes, etag: str) -> Response:
    """`content` (JSON) with its ETag; ``304`` when the client's ``If-None-Match`` matches."""
    headers = {"etag": etag}
    sent = request.headers.get("if-none-match", "")
    if etag in [tag.strip().removeprefix("W/") for tag in sent.split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(content, media_type="application/json", headers=headers)


def json_with_etag(request: Request, body: BaseModel | dict[str, Any]) -> Response:
    """`body` as JSON with a strong ETag (and ``304`` for a client that has it)."""
    content = json_bytes(body)
    return etag_response(request, content, etag_of(content))


def cached_read(
    request: Request,
    session: Session,
    auth: Auth,
    build: Callable[[], BaseModel | dict[str, Any]],
) -> Response:
    """The answer `build()` makes for this address and reader, from the app's
    `ResponseCache` while nothing has changed since (`kizuna.server.response_cache`)."""
    cache: ResponseCache = request.app.state.response_cache
    query = tuple(sorted(request.query_params.multi_items()))
    key = (request.url.path, query, reader_key(auth.principal), data_version(session))
    content, etag = cache.answer(key, lambda: json_bytes(build()))
    replayable(request)
    return etag_response(request, content, etag)


async def read_upload(file: UploadFile, limit: int) -> tuple[str, bytes]:
    """The name and bytes of an uploaded file, reading at most `limit` bytes (`TooLarge` past)."""
    name = file.filename or "upload"
    data = await file.read(limit + 1)
    check_size(len(data), limit, name)
    return name, data
