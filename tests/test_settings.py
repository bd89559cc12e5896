"""Settings never show their secrets."""

from __future__ import annotations

from graph.settings import Settings


def test_secrets_are_masked_in_repr_and_dumps(monkeypatch) -> None:
    monkeypatch.setenv("HESTAMI_DATABASE_URL", "postgresql+asyncpg://owner:hunter2@db/hestami")
    monkeypatch.setenv("HESTAMI_APP_DB_PASSWORD", "s3cret-app")
    monkeypatch.setenv("HESTAMI_JWT_KEYS", '{"keys": [{"d": "private-material"}]}')
    settings = Settings()
    for text in (repr(settings), str(settings), settings.model_dump_json()):
        assert "hunter2" not in text and "s3cret-app" not in text and "private-material" not in text
    assert "s3cret-app" in settings.app_url()  # still usable where it is needed
