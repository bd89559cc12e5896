"""Composing the GraphQL schema from root query types, every registered
operation, and the guards. An Apollo Federation 2 subgraph (the assembly,
app/schema.py, says which query types and extra types).
"""

from __future__ import annotations

import decimal
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import strawberry
from graphql import GraphQLError, GraphQLSyntaxError
from opentelemetry import trace
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types.base import get_object_definition
from strawberry.utils.str_converters import to_camel_case

from graph.errors import AppError, ErrorCode
from graph.executor import CompilingExecutionContext
from graph.fastpath import remember_validated
from graph.graphql_fields import graphql_error, mutation_field, query_field
from graph.limits import guard_extensions
from graph.operations import REGISTRY
from graph.schemas import fixed_point
from graph.settings import Settings
from graph.transient import database_unavailable, is_transient

log = logging.getLogger("hestami.graphql")
tracer = trace.get_tracer("hestami.graphql")


class DuplicateFieldError(RuntimeError):
    pass


def _check_unique(types: list[type], root: str) -> None:
    seen: dict[str, str] = {}
    for t in types:
        for f in get_object_definition(t, strict=True).fields:
            name = f.graphql_name or to_camel_case(f.python_name)
            if name in seen:
                raise DuplicateFieldError(f"{root}.{name} is defined by both {seen[name]} and {t.__name__}")
            seen[name] = t.__name__


def _root(name: str, fields: dict[str, Any], description: str) -> type:
    return strawberry.type(type(name, (), fields), name=name, description=description)


class MaskUnexpectedErrors(MaskErrors):
    """Anything that isn't an AppError (or a GraphQL validation error) becomes a
    generic message with the trace id; the original goes to the log."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=self._should_mask)

    @staticmethod
    def _should_mask(error: GraphQLError) -> bool:
        original = error.original_error
        if original is None or isinstance(original, AppError | GraphQLError):
            return False
        log.error("unexpected error in %s", error.path, exc_info=original)
        return True

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        trace_id = format(trace.get_current_span().get_span_context().trace_id, "032x")
        if error.original_error is not None and is_transient(error.original_error):
            unavailable = database_unavailable()
            return GraphQLError(
                unavailable.message,
                nodes=error.nodes,
                path=error.path,
                extensions={"code": str(unavailable.code), "traceId": trace_id},
            )
        return GraphQLError(
            f"Internal server error. Quote trace id {trace_id} when reporting it.",
            nodes=error.nodes,
            path=error.path,
            extensions={"code": ErrorCode.INTERNAL_ERROR.value, "traceId": trace_id},
        )


def _tag(errors: list[GraphQLError] | None, code: str) -> None:
    """Give graphql-core's own errors a stable code, like every other error."""
    for error in errors or ():
        if not (error.extensions or {}).get("code"):
            error.extensions = {**(error.extensions or {}), "code": code}


class OperationSpan(SchemaExtension):
    """One span per GraphQL operation (not per field: per-field spans multiply the
    cost of large lists), carrying organization and user; `extensions.idempotentReplayed`;
    stable codes on parse and validation errors; and the documents that validated,
    which graph/fastpath.py may then answer before Strawberry."""

    def on_operation(self) -> Iterator[None]:
        ctx = self.execution_context.context
        with tracer.start_as_current_span("graphql.operation") as span:
            span.set_attribute("graphql.operation.name", self.execution_context.operation_name or "")
            try:
                yield
            except GraphQLError as error:  # with ParserCache a syntax error escapes as an exception
                _tag([error], "GRAPHQL_PARSE_FAILED")
                raise
            # Runs after the guards (this extension is listed first), so their own
            # codes (e.g. QUERY_TOO_COMPLEX for the token limit) are already set.
            _tag(
                [e for e in self.execution_context.pre_execution_errors or () if isinstance(e, GraphQLSyntaxError)],
                "GRAPHQL_PARSE_FAILED",
            )
            span.set_attribute("graphql.operation.type", str(getattr(self.execution_context.operation_type, "value", "")))
            if ctx is not None and getattr(ctx, "principal", None) is not None:
                span.set_attribute("user.id", str(ctx.principal.id))

    def on_validate(self) -> Iterator[None]:
        yield
        context = self.execution_context
        _tag(context.pre_execution_errors, "GRAPHQL_VALIDATION_FAILED")
        if not context.pre_execution_errors:
            # As the request named it: `operation_name` infers the name a request may omit.
            requested = context._provided_operation_name
            remember_validated(context.schema._schema, context.query, requested, context.graphql_document)

    async def on_execute(self) -> AsyncIterator[None]:
        yield
        # End the read transaction with the operation: a websocket connection runs
        # many operations on one context and must not sit idle in a transaction.
        ctx = self.execution_context.context
        if ctx is not None and hasattr(ctx, "release"):
            await ctx.release()

    def get_results(self) -> dict[str, Any]:
        ctx = self.execution_context.context
        results: dict[str, Any] = {}
        if ctx is not None and getattr(ctx, "replayed", False):
            results["idempotentReplayed"] = True
        return results


def compose_schema(settings: Settings, *, queries: list[type], types: list[Any]) -> strawberry.federation.Schema:
    """`queries`' fields and the read operations make Query; the mutating operations
    make Mutation; `types` are included though only reachable through `node`."""
    query_types = list(queries)
    ops = sorted(REGISTRY.values(), key=lambda o: o.name)
    op_queries = {op.graphql_name: query_field(op) for op in ops if not op.mutates}
    if op_queries:
        query_types.append(_root("OperationQuery", op_queries, "Reads declared as operations."))
    _check_unique(query_types, "Query")
    query = merge_types("Query", tuple(query_types))
    query.__strawberry_definition__.description = "Reads. Everything org-scoped needs an active organization."  # type: ignore[attr-defined]
    mutations = {op.graphql_name: mutation_field(op) for op in ops if op.mutates}
    mutation = _root(
        "Mutation",
        mutations,
        "Changes. Each comes from one registered operation and is also served as RPC.",
    )
    uuid_scalar = strawberry.scalar(
        name="UUID",
        description="A raw UUID (RFC 4122), for references that are not public ids.",
        serialize=str,
        parse_value=uuid.UUID,
    )
    decimal_scalar = strawberry.scalar(
        name="Decimal",
        description=(
            'An exact decimal number. It travels as a string, e.g. "1450.00" (never a float, so no '
            "cent is lost); inputs also accept a number. Money has two decimals; shares and rates "
            "say their scale in the field's description."
        ),
        serialize=fixed_point,
        parse_value=lambda value: decimal.Decimal(str(value)),
    )
    return strawberry.federation.Schema(
        config=StrawberryConfig(scalar_map={uuid.UUID: uuid_scalar, decimal.Decimal: decimal_scalar}),
        query=query,
        mutation=mutation,
        types=types,
        extensions=[OperationSpan, *guard_extensions(settings), MaskUnexpectedErrors],
        execution_context_class=CompilingExecutionContext,
    )


# The Federation v2 definitions the subgraph SDL uses, so that plain GraphQL tools
# (graphql-core's build_schema, graphql-inspector, codegen) load the same file a
# gateway composes.
FEDERATION_DEFINITIONS = '''"""Federation v2: links a specification (Apollo Federation) into this schema."""
directive @link(url: String!, as: String, import: [link__Import], for: link__Purpose) repeatable on SCHEMA

"""Federation v2: the fields that identify an entity across subgraphs."""
directive @key(fields: federation__FieldSet!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE

"""Federation v2: a name (or a name and its alias) imported by @link."""
scalar link__Import

"""Federation v2: a selection of fields, as a string."""
scalar federation__FieldSet

"""Federation v2: what a linked specification is for."""
enum link__Purpose {
  """It secures the schema."""
  SECURITY

  """It changes how the schema executes."""
  EXECUTION
}

'''


def sdl(schema: strawberry.federation.Schema) -> str:
    """The committed `schema.graphql`: the subgraph SDL with the federation
    definitions it uses."""
    return FEDERATION_DEFINITIONS + schema.as_str() + "\n"


__all__ = ["DuplicateFieldError", "compose_schema", "graphql_error", "sdl"]
