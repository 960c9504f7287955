"""Errors of the tenancy layer that `kizuna.errors` has no class for yet.

They are `KizunaError`s, so the server answers them with their status and the
shared JSON error shape like any other.
"""

from __future__ import annotations

from kizuna.errors import KizunaError


class Unauthenticated(KizunaError):
    """No valid credentials: a wrong password, or an unknown, expired or revoked token."""

    code = "unauthenticated"
    http_status = 401


class RateLimited(KizunaError):
    """Too many failed sign-ins for one email: wait `retry_after_seconds` before trying again."""

    code = "rate_limited"
    http_status = 429

    def __init__(self, message: str, *, retry_after_seconds: int, hint: str | None = None) -> None:
        self.retry_after_seconds = retry_after_seconds
        super().__init__(message, hint=hint)
