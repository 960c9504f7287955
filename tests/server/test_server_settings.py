"""Server settings from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from kizuna.server.settings import Settings, default_data_dir, sqlite_url


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KIZUNA_DATABASE_URL", "KIZUNA_HOST", "KIZUNA_PORT"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.database_url == sqlite_url(default_data_dir() / "kizuna.sqlite")
    assert settings.database_url.startswith("sqlite:////")
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)


def test_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KIZUNA_DATABASE_URL", sqlite_url(tmp_path / "x.sqlite"))
    monkeypatch.setenv("KIZUNA_PORT", "9123")
    settings = Settings()
    assert settings.database_url.endswith("/x.sqlite")
    assert settings.port == 9123
