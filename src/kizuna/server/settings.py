"""Server settings, read from the environment (prefix ``KIZUNA_``).

`Settings` is the one place the web service learns where its state lives and
where it listens. It is a pydantic-settings model so that a hosted,
multi-tenant deployment can add fields (auth, tenancy, PostgreSQL pool sizes)
without changing how the app is built: ``create_app(Settings())``.

Environment variables:

- ``KIZUNA_DATABASE_URL``: an SQLAlchemy URL; default an SQLite file in the
  user data folder (see `default_database_url`). PostgreSQL works the same way
  (``postgresql+psycopg://user@host/kizuna``).
- ``KIZUNA_HOST``, ``KIZUNA_PORT``: where ``kizuna demo`` and ``uvicorn`` listen.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """The per-user folder for Kizuna's state (``~/.local/share/kizuna`` on Linux)."""
    return Path(platformdirs.user_data_dir("kizuna", appauthor=False))


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of an SQLite file at `path`."""
    return f"sqlite:///{Path(path).expanduser().resolve()}"


def default_database_url() -> str:
    """An SQLite file ``kizuna.sqlite`` in `default_data_dir` (made when first used)."""
    return sqlite_url(default_data_dir() / "kizuna.sqlite")


class Settings(BaseSettings):
    """Settings of one Kizuna web service."""

    model_config = SettingsConfigDict(env_prefix="KIZUNA_", extra="ignore")

    database_url: str = Field(
        default_factory=default_database_url,
        description="SQLAlchemy database URL (SQLite file by default, PostgreSQL for a service).",
    )
    host: str = Field(default="127.0.0.1", description="Interface to listen on.")
    port: int = Field(default=8000, ge=0, le=65535, description="TCP port to listen on.")
