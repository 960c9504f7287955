"""One error hierarchy for all of Kizuna.

Every error says what is wrong, where (file, row, column or field) and how to
fix it. The CLI prints `str(error)` on stderr; the server turns an error into
one JSON shape (`error.code`, `error.message`, `error.details`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem is: any of file, row (1-based, as a spreadsheet shows it), column, field."""

    file: str | None = None
    row: int | None = None
    column: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return ", ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            k: v
            for k, v in (
                ("file", self.file),
                ("row", self.row),
                ("column", self.column),
                ("field", self.field),
            )
            if v is not None
        }


class KizunaError(Exception):
    """Base of every error Kizuna raises on purpose.

    `code` is a stable machine-readable name; `http_status` is the status the
    server answers with. `where` lists the places (for `error.details`); they are
    appended to the text unless `where_in_message` says the message names them.
    """

    code = "kizuna_error"
    http_status = 500

    def __init__(
        self,
        message: str,
        *,
        where: list[Location] | Location | None = None,
        hint: str | None = None,
        where_in_message: bool = False,
    ) -> None:
        if isinstance(where, Location):
            where = [where]
        self.message = message
        self.where: list[Location] = list(where or [])
        self.hint = hint
        self._where_in_message = where_in_message
        super().__init__(str(self))

    def __str__(self) -> str:
        text = self.message
        if self.where and not self._where_in_message:
            shown = "; ".join(str(w) for w in self.where[:5])
            more = f" (and {len(self.where) - 5} more)" if len(self.where) > 5 else ""
            text += f" [at {shown}{more}]"
        if self.hint:
            text += f". Fix: {self.hint}"
        return text

    def as_dict(self) -> dict[str, Any]:
        """The JSON error shape shared by the CLI (`--format json`) and the REST API."""
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "hint": self.hint,
                "details": [w.as_dict() for w in self.where],
            }
        }


class InputError(KizunaError):
    """Input that cannot be used as given: a bad file, value, unit or field."""

    code = "input_error"
    http_status = 422


class NotFound(KizunaError):
    code = "not_found"
    http_status = 404


class Forbidden(KizunaError):
    code = "forbidden"
    http_status = 403


class Infeasible(KizunaError):
    code = "infeasible"
    http_status = 422
