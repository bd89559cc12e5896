"""Answering a fully compiled query before Strawberry and graphql-core run.

A small compiled read (`association(id) { id code legalName }`) spends most of its
CPU outside its SQL: Strawberry's request handling and extension hooks, graphql-core
building an execution context, gathering and completing root fields. When every
root field of a query compiles (graph/compiler.py), none of that decides anything
the compiled answer needs. So a POST whose document Strawberry has already parsed
and validated (`remember_validated`, keyed by its text and operation name) is
answered here: variables coerced and fields collected as graphql-core does, the
cost checked and reported as graph/limits.py does, each root field planned and
answered as graph/executor.py does, inside one `graphql.operation` span.

Whatever this path would not answer exactly as the normal one — a document not yet
validated, a mutation or subscription, introspection, a root field that does not
compile, a refused variable or cost, errors on more than one root field, anything
unexpected — returns None before or instead of an answer, and the request goes
to Strawberry unchanged. tests/api/test_compiled_reads.py compares the paths (and
fails if the view ever enables an HTTP stream transport, which this path ignores).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    is_non_null_type,
    located_error,
)
from graphql.execution.collect_fields import FragmentDetails, collect_fields, collect_subfields
from graphql.execution.values import get_variable_values
from opentelemetry import trace
from strawberry.utils.logging import StrawberryLogger

from graph.compiler import NotCompilable, compile_root
from graph.errors import AppError
from graph.executor import answer, compiled_operation
from graph.graphql_fields import graphql_error
from graph.limits import operation_cost
from graph.lru import LRU

tracer = trace.get_tracer("hestami.graphql")

# Query operations of documents Strawberry parsed and validated without error, by
# (schema, text, operation name): validation depends on nothing else (the schema
# carries the limits' rules), so the verdict holds for every later request.
_PREPARED: LRU[tuple[GraphQLSchema, str, str | None], Prepared] = LRU(1024)

# What a prepared query plans to under given variables (by their JSON, keys sorted):
# its cost and each root field's plan, or _FALLS_THROUGH. Planning reads nothing
# but the document, the variables and the schema — the caller's filters are applied
# when a plan is answered — so the plan of a document asked again is reused.
Planned = tuple[int, list[tuple[str, Any, Any, Any, Any]]]
_FALLS_THROUGH: Planned = (0, [])
_PLANNED: LRU[tuple[GraphQLSchema, str, str | None, str], Planned] = LRU(4096)


def remember_validated(
    schema: GraphQLSchema, query: str | None, operation_name: str | None, document: DocumentNode | None
) -> None:
    if query is None or document is None or _PREPARED.get((schema, query, operation_name)) is not None:
        return
    prepared = _prepare(document, operation_name)
    if prepared is not None:
        _PREPARED.put((schema, query, operation_name), prepared)


@dataclass(frozen=True)
class Prepared:
    operation: OperationDefinitionNode
    definitions: dict[str, FragmentDefinitionNode]
    fragments: dict[str, FragmentDetails]


def _prepare(document: DocumentNode, operation_name: str | None) -> Prepared | None:
    """The query operation graphql-core would pick, with its fragments; None for a
    mutation or subscription, an ambiguous name, or fragment variables."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        chosen = operations if len(operations) == 1 else []
    else:
        chosen = [d for d in operations if d.name is not None and d.name.value == operation_name]
    definitions = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    if len(chosen) != 1 or chosen[0].operation is not OperationType.QUERY:
        return None
    if any(d.variable_definitions for d in definitions.values()):
        return None
    return Prepared(chosen[0], definitions, {name: FragmentDetails(d, None) for name, d in definitions.items()})


class _Collector:
    """What the planner asks of an executor: subfields collected under the
    request's variables."""

    def __init__(self, schema: GraphQLSchema, prepared: Prepared, variable_values: Any) -> None:
        self.schema = schema
        self.prepared = prepared
        self.variable_values = variable_values

    def collect_subfields(self, return_type: GraphQLObjectType, details: Any) -> Any:
        prepared = self.prepared
        return collect_subfields(self.schema, prepared.fragments, self.variable_values, prepared.operation, return_type, details)


class FastReads:
    def __init__(self, schema: GraphQLSchema, max_cost: int, max_page_size: int) -> None:
        self.schema = schema
        self.max_cost = max_cost
        self.max_page_size = max_page_size

    def _plan(self, prepared: Prepared, variables: dict[str, Any] | None) -> Planned:
        """The operation's cost and its root fields' plans under `variables`, as the
        normal path would work them out; _FALLS_THROUGH when Strawberry is to answer."""
        schema, operation = self.schema, prepared.operation
        root = schema.query_type
        assert root is not None
        variable_values = get_variable_values(schema, operation.variable_definitions or (), variables or {})
        if isinstance(variable_values, list):
            return _FALLS_THROUGH
        collected = collect_fields(schema, prepared.fragments, variable_values, root, operation)
        if collected.new_defer_usages or collected.forbidden_directive_instances or not collected.grouped_field_set:
            return _FALLS_THROUGH
        try:
            cost = operation_cost(schema, root, operation, prepared.definitions, variable_values, self.max_page_size)
        except GraphQLError:
            return _FALLS_THROUGH
        if cost > self.max_cost:
            return _FALLS_THROUGH
        collector = _Collector(schema, prepared, variable_values)
        fields = []
        for response_name, details in collected.grouped_field_set.items():
            field_def = root.fields.get(details[0].node.name.value)
            op = compiled_operation(field_def) if field_def is not None else None
            if op is None:
                return _FALLS_THROUGH
            try:
                fields.append((response_name, details, field_def.type, op, compile_root(collector, field_def, details, op)))
            except NotCompilable:
                return _FALLS_THROUGH
        return cost, fields

    async def respond(self, ctx: Any, body: bytes) -> bytes | None:
        """The response body Strawberry would send for this request, or None when
        Strawberry is to answer it."""
        if not ctx.compile_reads or not ctx.platform.settings.fast_reads:
            return None
        try:
            request = json.loads(body)
        except ValueError:
            return None
        if not isinstance(request, dict) or not request.keys() <= {"query", "variables", "operationName"}:
            return None
        query, variables, operation_name = request.get("query"), request.get("variables"), request.get("operationName")
        if not isinstance(query, str) or not isinstance(variables, dict | None) or not isinstance(operation_name, str | None):
            return None
        planned_key = (self.schema, query, operation_name, json.dumps(variables, sort_keys=True) if variables else "")
        planned = _PLANNED.get(planned_key)
        if planned is None:
            prepared = _PREPARED.get((self.schema, query, operation_name))
            if prepared is None:
                return None
            planned = _PLANNED.put(planned_key, self._plan(prepared, variables))
        if planned is _FALLS_THROUGH:
            return None
        cost, fields = planned
        with tracer.start_as_current_span("graphql.operation") as span:
            span.set_attribute("graphql.operation.name", operation_name or "")
            values: dict[str, Any] = {}
            errors: list[GraphQLError] = []
            for response_name, details, _type, op, plan in fields:
                try:
                    values[response_name] = await answer(ctx, op, plan, alone=len(fields) == 1)
                except AppError as err:
                    if len(fields) > 1:
                        # graphql-core lists several roots' errors as they happen: it answers.
                        return None
                    errors.append(located_error(graphql_error(err), [d.node for d in details], [response_name]))
                    values[response_name] = None
                except Exception:  # noqa: BLE001 - Strawberry answers it, masked, on a fresh transaction
                    # A broken connection may refuse the rollback too; the session is let go either way.
                    with contextlib.suppress(Exception):
                        await ctx.release()
                    return None
            span.set_attribute("graphql.operation.type", OperationType.QUERY.value)
            if ctx.principal is not None:
                span.set_attribute("user.id", str(ctx.principal.id))
        # A non-null root's error nulls the whole answer, as graphql-core propagates it.
        data = None if errors and is_non_null_type(fields[0][2]) else values
        response: dict[str, Any] = {"data": data}
        if errors:
            # Logged as Strawberry logs every error it answers with.
            for error in errors:
                StrawberryLogger.error(error)
            response["errors"] = [error.formatted for error in errors]
        response["extensions"] = {"cost": {"requestedQueryCost": cost, "maximumAvailable": self.max_cost}}
        return json.dumps(response, separators=(",", ":")).encode()


__all__ = ["FastReads", "remember_validated"]
