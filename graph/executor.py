"""graphql-core execution with compiled root fields.

A root field backed by an operation declared `compiles=True` (a read of one row
by id) or `compiles=Paged(...)` (a list) is planned by graph/compiler.py; when its whole selection compiles, the
field is answered by one SQL statement and its JSON is taken as the complete
value: no resolver, no per-field completion runs under it. Otherwise, and for
every other field, execution is graphql-core's own. The answer, and every error,
is the one the resolvers would give (tests/api/test_compiled_reads.py checks).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sqlalchemy import Select
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graph.compiler import ROOT_ID, Builder, NotCompilable, Plan, compile_root
from graph.errors import AppError
from graph.graphql_fields import graphql_error
from graph.lru import LRU
from graph.operations import Operation, Scope
from graph.pipeline import authorize, not_visible
from graph.references import resolve_references


class DriverStatement:
    """A compiled read statement as asyncpg takes it: its SQL, and its parameters
    in order with SQLAlchemy's bind processing applied. Every value but the root
    id is fixed when the statement is built (graph/compiler.py bakes in the
    filters and page sizes), so only that one is bound per request."""

    def __init__(self, statement: Select[Any], dialect: Any) -> None:
        # Expanded as SQLAlchemy's execution expands it: IN lists rendered, and
        # its own per-parameter conversions (bind processors) named.
        state = statement.compile(dialect=dialect).construct_expanded_state({ROOT_ID: None})
        self.sql = state.statement
        processors: dict[str, Any] = dict(state.processors)
        names = list(state.positiontup or ())
        params = state.parameters
        self._fixed = [processors[n](params[n]) if n in processors else params[n] for n in names]
        self._root = names.index(ROOT_ID)
        self._process_root = processors.get(ROOT_ID)

    def args(self, root_id: Any) -> list[Any]:
        args = list(self._fixed)
        args[self._root] = self._process_root(root_id) if self._process_root is not None else root_id
        return args


class Statement:
    """A built statement, and the same as asyncpg takes it once a driver read asks."""

    __slots__ = ("driver", "select")

    def __init__(self, select: Select[Any]) -> None:
        self.select = select
        self.driver: DriverStatement | None = None


# Built statements by (operation, plan, Cerbos filters' keys): a repeated query
# skips building its SQL.
STATEMENTS: LRU[Any, Statement] = LRU(1024)


def compiled_operation(field_def: Any) -> Operation | None:
    definition = field_def.extensions.get("strawberry-definition")
    resolver = definition.base_resolver if definition is not None else None
    op = getattr(resolver.wrapped_func, "__hestami_operation__", None) if resolver is not None else None
    return op if op is not None and op.compiles else None


class CompilingExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def execute_field(self, parent_type: Any, source: Any, field_details_list: Any, path: Any, position_context: Any) -> Any:
        if path.prev is None and getattr(self.context_value, "compile_reads", False):
            field_def = parent_type.fields.get(field_details_list[0].node.name.value)
            op = compiled_operation(field_def) if field_def is not None else None
            if op is not None:
                try:
                    plan = compile_root(self, field_def, field_details_list, op)
                except NotCompilable:
                    pass
                else:
                    return self._answer(op, plan, field_def, field_details_list, path)
        return super().execute_field(parent_type, source, field_details_list, path, position_context)

    async def _answer(self, op: Operation, plan: Plan, field_def: Any, field_details_list: Any, path: Any) -> Any:
        try:
            try:
                return await answer(self.context_value, op, plan)
            except AppError as err:
                raise graphql_error(err) from None
        except Exception as error:  # noqa: BLE001 - located and reported as graphql-core does
            self.handle_field_error(error, field_def.type, field_details_list, path)
            return None


async def answer(ctx: Any, op: Operation, plan: Plan, *, alone: bool = False) -> Any:
    """A compiled root field's value, in `ctx`'s read transaction; AppError as the
    pipeline would raise it (not visible, not allowed to list). `alone`: the request
    reads nothing else, so a read of one row may take the driver's shorter way
    (`RequestContext.driver_read`)."""
    assert op.scope is Scope.ORGANIZATION
    ctx.require_organization()
    data = plan.data
    principal = await ctx.ensure_roles()
    kinds = sorted(plan.kinds, key=lambda k: (k[0], k[1].__name__))
    # Every plan in one round of concurrent calls, before the statement; a
    # list also asks whether the caller may list at all, as the pipeline does.
    listing = op.target is None
    asked = [ctx.visible_keyed(kind, "read", orm) for kind, orm in kinds]
    asked += [authorize(ctx.decisions, op, principal, data)] if listing else []
    # One alone is awaited as is: gather would wrap it in a task, a loop turn for nothing.
    answers = [await asked[0]] if len(asked) == 1 else await asyncio.gather(*asked)
    wheres = answers[: len(kinds)]
    key = (op.name, plan.key, tuple(k for _, k in wheres))
    statement = STATEMENTS.get(key)
    if statement is None:
        filters = {kind: where for kind, (where, _) in zip(kinds, wheres, strict=True)}
        statement = STATEMENTS.put(key, Statement(Builder(filters).root(plan.root, op.kind)))
    if alone and not listing and not ctx.in_transaction:
        driver = statement.driver
        if driver is None:
            driver = statement.driver = DriverStatement(statement.select, ctx.platform.engine.dialect)
        value = await ctx.driver_read(driver.sql, driver.args(data.id))  # type: ignore[attr-defined]
    else:
        async with ctx.read_session() as session:
            if listing:
                # Ids the filters name must name visible rows, as the pipeline checks.
                await resolve_references(session, data, None, None)
            bound = {} if listing else {ROOT_ID: data.id}  # type: ignore[attr-defined]
            value = (await session.execute(statement.select, bound)).scalar()
    if value is None:
        raise not_visible(op)
    return json.loads(value)
