"""OpenTelemetry: one tracer provider; every span started while a request (or a
workflow step) is scoped carries `organization.id` and `user.id`.

The scope lives in a ContextVar that the span processor copies onto each span as
it starts — HTTP, GraphQL, SQL, DBOS and Cerbos spans alike — so no instrumented
library needs to know about tenants.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any
from uuid import UUID

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ParentBased, TraceIdRatioBased
from sqlalchemy import event
from sqlalchemy.engine import Connection, ExceptionContext
from sqlalchemy.ext.asyncio import AsyncEngine

from graph.settings import Settings

_recording = False
_sql_tracer = trace.get_tracer("hestami.sql")
_scope: ContextVar[tuple[str, str]] = ContextVar("hestami_scope", default=("", ""))


class ScopeAttributes(SpanProcessor):
    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        org, user = _scope.get()
        if org:
            span.set_attribute("organization.id", org)
        if user:
            span.set_attribute("user.id", user)


def set_scope(organization_id: UUID | None, user_id: UUID | None) -> None:
    """Record the caller on the current span and on every span started after."""
    org, user = (str(organization_id) if organization_id else ""), (str(user_id) if user_id else "")
    _scope.set((org, user))
    span = trace.get_current_span()
    if org:
        span.set_attribute("organization.id", org)
    if user:
        span.set_attribute("user.id", user)


def current_trace_id() -> str | None:
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None


def setup_tracing(settings: Settings, processors: list[SpanProcessor] | None = None) -> TracerProvider:
    """Install the global tracer provider once.

    Spans are recorded (sampled at `trace_sample_ratio`, following the caller's
    decision when one came in) only when something consumes them: an OTLP
    endpoint or the given processors. Otherwise every span is non-recording —
    trace ids still exist for error messages, but no CPU goes into attributes.
    """
    global _recording
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return current
    processors = list(processors or [])
    if settings.otlp_endpoint:
        # Local: the exporter (and `requests` under it) loads only when traces are shipped.
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
            OTLPSpanExporter,
        )

        endpoint = settings.otlp_endpoint.rstrip("/") + "/v1/traces"
        processors.append(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    _recording = bool(processors)
    sampler = ParentBased(TraceIdRatioBased(settings.trace_sample_ratio)) if _recording else ALWAYS_OFF
    provider = TracerProvider(resource=Resource.create({"service.name": settings.service_name}), sampler=sampler)
    for processor in [ScopeAttributes(), *processors]:
        provider.add_span_processor(processor)
    trace.set_tracer_provider(provider)
    return provider


def start_sql_span(statement: str) -> trace.Span | None:
    """A client span for one SQL statement (the caller ends it), or None when no
    span is recorded."""
    if not _recording:
        return None
    verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "SQL"
    return _sql_tracer.start_span(
        f"sql {verb}",
        kind=trace.SpanKind.CLIENT,
        attributes={"db.system": "postgresql", "db.statement": statement[:2000], "db.operation": verb},
    )


def instrument_engine(engine: AsyncEngine) -> None:
    """A client span per SQL statement. (opentelemetry-instrumentation-sqlalchemy
    refuses SQLAlchemy 2.1, so we hook the engine's cursor events ourselves.)"""
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "before_cursor_execute")
    def _start(conn: Connection, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        span = start_sql_span(statement)
        if span is not None:
            conn.info.setdefault("hestami_spans", []).append(span)

    @event.listens_for(sync_engine, "after_cursor_execute")
    def _end(conn: Connection, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        spans = conn.info.get("hestami_spans")
        if spans:
            spans.pop().end()

    @event.listens_for(sync_engine, "handle_error")
    def _error(exception_context: ExceptionContext) -> None:
        conn = exception_context.connection
        spans = conn.info.get("hestami_spans") if conn is not None else None
        if spans:
            span = spans.pop()
            span.set_status(trace.Status(trace.StatusCode.ERROR, type(exception_context.original_exception).__name__))
            span.end()
