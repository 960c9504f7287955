"""Password hashing with argon2id (argon2-cffi): the hash is stored, the password never is."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kizuna.errors import InputError, Location

MIN_LENGTH = 10
#: Longer inputs are refused before hashing: hashing megabytes would be a denial of service.
MAX_LENGTH = 1024

#: argon2id at the OWASP Password Storage Cheat Sheet's first configuration (19 MiB, 2
#: passes, 1 lane): about 60 ms per hash on a 2-core server. Hashes made with other
#: parameters still verify, and are upgraded at the next sign-in (`needs_rehash`).
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
#: Verified against when the email is unknown, so that the answer takes as long as for a user.
_DUMMY_HASH = _hasher.hash("kizuna-no-such-user-padding")


def check_password_rules(password: str) -> None:
    """Raise `InputError` unless `password` is MIN_LENGTH to MAX_LENGTH characters long."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise InputError(
            f"The password has {len(password)} characters",
            where=Location(field="password"),
            hint=f"choose a password of {MIN_LENGTH} to {MAX_LENGTH} characters "
            "(a few unrelated words make a good one)",
        )


def hash_password(password: str) -> str:
    """The argon2id hash of `password` (``$argon2id$v=19$...``), after `check_password_rules`."""
    check_password_rules(password)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches `password_hash`; a None hash costs the same time and fails."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when `password_hash` was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)
