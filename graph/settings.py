"""Typed settings, read from the environment with the ``HESTAMI_`` prefix.

Secrets are ``SecretStr`` so that ``repr(settings)`` and logs never show them.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HESTAMI_", extra="ignore")

    environment: str = Field("development", description="development | test | production")

    # Postgres. `database_url` is the owner role (migrations); the application
    # connects as `app_db_role`, which owns nothing and cannot bypass RLS.
    database_url: SecretStr = SecretStr("postgresql+asyncpg://hestami_owner@127.0.0.1:5432/hestami")
    app_database_url: SecretStr | None = None
    app_db_role: str = "hestami_app"
    app_db_password: SecretStr | None = None
    # Superuser URL used only to create the roles and databases on first start.
    admin_database_url: SecretStr | None = None
    dbos_system_database_url: SecretStr | None = None
    db_pool_size: int = 10
    db_pool_recycle_seconds: int = 1800
    # Nested reads compiled to one SQL statement (graph/compiler.py); off, every
    # field goes through its resolver (the differential tests compare the two).
    compiled_reads: bool = True
    # Queries whose every root field compiles answered before Strawberry runs
    # (graph/fastpath.py); off, they run compiled inside Strawberry.
    fast_reads: bool = True
    db_max_overflow: int = 5
    # The longest a statement of the application may run. Without a limit a bad plan
    # (the per-request roles statement once ran for minutes) holds a connection and a
    # core until someone notices; with one it fails with a trace id, and it is not
    # retried (query_canceled is not transient, graph/transient.py). Migrations and
    # the owner role are not limited.
    app_statement_timeout_ms: int = 30_000
    # A durable step whose database fails transiently (restart, failover, too many
    # connections) retries for this long before the operation fails; its key then
    # runs again on the client's next try (graph/transient.py).
    durable_retry_seconds: float = 60.0
    # A request whose step has been retrying that long answers 503 with Retry-After
    # instead of holding the client; the step goes on, and the key's retry replays it.
    database_unavailable_after_seconds: float = 2.0

    redis_url: SecretStr = SecretStr("redis://127.0.0.1:6379/0")
    # Every Redis key starts with this, so parallel test runs never collide.
    redis_prefix: str = "hestami"

    cerbos_address: str = "127.0.0.1:3593"
    # A Cerbos call slower than this answers 503 SERVICE_UNAVAILABLE (fail closed).
    # It is wall time on our event loop, so a CPU-saturated process spends part
    # of it waiting for its own loop.
    cerbos_timeout_seconds: float = 1.0
    # Query plans reused across requests for the same principal (roles and relations
    # included) and kind; 0 asks Cerbos every request.
    cerbos_plan_cache_seconds: float = 30.0

    # JWKS (JSON) holding the private signing keys; every key verifies, the
    # one named by `jwt_active_kid` (or the first) signs.
    jwt_keys: SecretStr | None = None
    jwt_keys_file: str | None = None
    jwt_active_kid: str | None = None
    jwt_issuer: str = "https://hestami.local"
    jwt_audience: str = "hestami-api"
    access_token_ttl_seconds: int = 900
    refresh_token_ttl_seconds: int = 30 * 24 * 3600
    jwt_leeway_seconds: int = 30

    otlp_endpoint: str | None = None
    # Share of traces recorded when spans are exported (a caller's sampling decision wins).
    trace_sample_ratio: float = Field(1.0, ge=0.0, le=1.0)
    service_name: str = "hestami"
    application_version: str = "hestami-0.1.0"

    # Request limits.
    max_body_bytes: int = 1_048_576
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 4000
    max_query_cost: int = 50_000
    max_page_size: int = 100
    default_page_size: int = 20
    rate_limit_capacity: int = 300
    rate_limit_refill_per_second: float = 20.0
    org_rate_limit_capacity: int = 1200
    org_rate_limit_refill_per_second: float = 80.0
    idempotency_retention_hours: int = 24
    join_request_ttl_seconds: float = 14 * 24 * 3600
    # An invoice step waiting longer than this gets a reminder in the audit log (and again each interval).
    invoice_approval_reminder_seconds: float = 3 * 24 * 3600
    max_concurrent_password_hashes: int = 4
    # Units charged per transaction (one durable step) when a levy posts.
    levy_batch_units: int = Field(250, ge=1, le=5000)
    # How long a day lasts in the durable timers of violations and ARC requests
    # (cure periods, decision deadlines, deemed approval): a day, except in tests.
    workflow_day_seconds: float = Field(86400.0, gt=0)

    # Webhooks (domains/webhooks): outbound requests go only to registered URLs
    # whose every address is public — private, loopback, link-local, multicast and
    # reserved ones are refused unless a network here allows them (tests allow
    # loopback). Plain http is refused unless `webhook_allow_http`.
    webhook_allowed_networks: list[str] = []
    webhook_allow_http: bool = False
    # Waits between attempts (the Standard Webhooks schedule: about 28 hours in all);
    # after the last, the delivery has failed.
    webhook_retry_seconds: list[float] = [5, 300, 1800, 7200, 18000, 36000, 36000]
    webhook_timeout_seconds: float = 10.0
    # An endpoint failing every delivery for this long is disabled (with an audit row).
    webhook_disable_after_seconds: float = 5 * 24 * 3600
    # How long the secret before a rotation still signs (each delivery carries both signatures).
    webhook_secret_overlap_seconds: float = 24 * 3600

    # Email (domains/communications): one SMTP transaction per message to this server
    # (`make run` starts a local sink on 2525 that keeps what it receives under
    # .hestami/mail). Message-IDs are <msg_…@smtp_message_id_domain>.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 2525
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = 30.0
    smtp_from: str = "Hestami notices <notices@hestami.local>"
    smtp_message_id_domain: str = "hestami.local"
    # SMTP sessions open at once per process (the deliveries of a large announcement queue for these).
    smtp_concurrency: int = Field(8, ge=1, le=100)
    # Waits between attempts after a temporary failure (a 4xx, no connection); after the last, failed.
    message_retry_seconds: list[float] = [60, 300, 1800, 7200, 21600]
    # A message written but never tried for this long is started by the minute's sweep
    # (the demo seed writes messages without DBOS).
    message_sweep_after_seconds: float = 60.0
    # Documents (domains/documents): where files are kept — `local`, a folder
    # behind sealed expiring URLs at /api/v1/files/{token}, or `s3`, a private
    # bucket of an S3-compatible store with presigned URLs — the largest file
    # accepted, and how long an upload or download URL lives.
    document_storage: str = Field("local", pattern="^(local|s3)$")
    document_dir: str = ".hestami/documents"
    document_max_bytes: int = Field(25 * 1024 * 1024, ge=1)
    document_url_seconds: float = Field(300.0, gt=0)
    # Signs the local store's URLs; unset, a random secret per process (one server).
    document_url_secret: SecretStr | None = None
    # The S3 store: its endpoint (unset: AWS itself), bucket, region and keys
    # (unset: the AWS SDK's own chain — environment, profile, instance role).
    document_s3_endpoint: str | None = None
    document_s3_bucket: str = "hestami-documents"
    document_s3_region: str = "us-east-1"
    document_s3_access_key_id: str | None = None
    document_s3_secret_access_key: SecretStr | None = None

    # Test-only fault injection: after a mutation's effect commits, touch this
    # file and hang, so a crash test can SIGKILL the server at exactly that point.
    # Refused outside environment=test.
    crash_pause_file: str | None = None
    # The same for a webhook delivery: after its POST, before the outcome is recorded.
    webhook_crash_pause_file: str | None = None
    # The same for a message: after the SMTP server accepted it, before the send step returns.
    message_crash_pause_file: str | None = None
    # The same for a dispatch: after the job is written in the provider's organization, before the step returns.
    dispatch_crash_pause_file: str | None = None
    # The same for a board package: after its files are filed and it is ready, before the step returns.
    board_package_crash_pause_file: str | None = None
    # The same for a run building an ACH debit file (autopay, or owners' one-time payments): after the
    # file, its entries and its payments are committed, before the step returns.
    autopay_crash_pause_file: str | None = None
    # The same for the collections run: after a unit's move is committed, before its step returns.
    collections_crash_pause_file: str | None = None

    host: str = "127.0.0.1"
    port: int = 8000

    def app_url(self) -> str:
        """The application role's URL: explicit, or the owner URL with the app role swapped in."""
        if self.app_database_url is not None:
            return self.app_database_url.get_secret_value()
        url = make_url(self.database_url.get_secret_value()).set(
            username=self.app_db_role,
            password=(self.app_db_password.get_secret_value() if self.app_db_password else None),
        )
        return url.render_as_string(hide_password=False)

    def dbos_url(self, *, owner: bool = False) -> str:
        """DBOS's system database: explicit, or `<app db>_dbos` on the same server
        (psycopg driver), as the app role — or as the owner, who migrates it."""
        if self.dbos_system_database_url is not None and not owner:
            return self.dbos_system_database_url.get_secret_value()
        url = make_url(self.database_url.get_secret_value() if owner else self.app_url())
        return url.set(drivername="postgresql+psycopg", database=f"{url.database}_dbos").render_as_string(hide_password=False)


@lru_cache
def get_settings() -> Settings:
    return Settings()
