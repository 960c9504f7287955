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
- ``KIZUNA_SESSION_HOURS``: how long a web session lasts (default 12).
- ``KIZUNA_LOGIN_MAX_FAILURES``, ``KIZUNA_LOGIN_WINDOW_MINUTES``: the sign-in rate
  limit, failed attempts per email per window (default 5 per 15 minutes).
- ``KIZUNA_TOKEN_DAYS``: how long a new API token lives by default (default 90).
- ``KIZUNA_UPLOAD_MAX_MB``: the largest file an upload may send, in megabytes (default 20).
- ``KIZUNA_DATAHUB_DIR``: the data hub's warehouse folder (default ``datahub`` beside the
  SQLite database file).
- ``KIZUNA_DATAHUB_ALLOWED_HOSTS``: the hosts connector imports (CKAN, NGSI-LD,
  SensorThings, SDMX) may fetch from, separated by commas (``data.city.example``; a
  leading dot, ``.city.example``, allows its subdomains). Default none: the platform
  fetches from nowhere until its operator says where (server-side request forgery).
- ``KIZUNA_DATAHUB_FETCH_TIMEOUT``: the timeout of each of a connector's HTTP requests, in
  seconds (default 30).

The tenancy service (`kizuna.server.tenancy`) takes these as arguments; the
routes pass them from here (`session_lifetime`, `login_window`, `token_lifetime`).
"""

from __future__ import annotations

from datetime import timedelta
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
    session_hours: float = Field(
        default=12, gt=0, le=24 * 30, description="Lifetime of a web session, in hours."
    )
    login_max_failures: int = Field(
        default=5, ge=1, description="Failed sign-ins per email allowed within the window."
    )
    login_window_minutes: float = Field(
        default=15, gt=0, description="The window of the sign-in rate limit, in minutes."
    )
    token_days: float = Field(
        default=90, gt=0, description="Default lifetime of a new API token, in days."
    )

    upload_max_mb: float = Field(
        default=20, gt=0, le=1024, description="Largest uploaded file, in megabytes (10^6 bytes)."
    )
    datahub_dir: Path | None = Field(
        default=None,
        description="The data hub's warehouse folder (KIZUNA_DATAHUB_DIR). Default: 'datahub' "
        "beside the SQLite database file, else in the user data folder "
        "(kizuna.server.tenancy.datahub.warehouse_dir).",
    )

    datahub_allowed_hosts: str = Field(
        default="",
        description="Hosts connector imports may fetch from, comma-separated "
        "(KIZUNA_DATAHUB_ALLOWED_HOSTS; '.example.org' allows its subdomains). Default none.",
    )
    datahub_fetch_timeout: float = Field(
        default=30, gt=0, le=600, description="Timeout of a connector's HTTP requests, seconds."
    )

    @property
    def datahub_hosts(self) -> frozenset[str]:
        """`datahub_allowed_hosts` as a set of lower-case host names."""
        from kizuna.datahub.http import parse_hosts

        return parse_hosts(self.datahub_allowed_hosts)

    @property
    def upload_max_bytes(self) -> int:
        """`upload_max_mb` in bytes."""
        return int(self.upload_max_mb * 1_000_000)

    @property
    def session_lifetime(self) -> timedelta:
        """`session_hours` as a timedelta."""
        return timedelta(hours=self.session_hours)

    @property
    def login_window(self) -> timedelta:
        """`login_window_minutes` as a timedelta."""
        return timedelta(minutes=self.login_window_minutes)

    @property
    def token_lifetime(self) -> timedelta:
        """`token_days` as a timedelta."""
        return timedelta(days=self.token_days)
