"""One declaration per operation, served as a GraphQL field, an RPC endpoint and
an OpenAPI entry.

    @operation("organization/v1/create", input=..., output=..., kind="organization",
               action="create", scope=Scope.ACCOUNT, summary="…")
    async def create_organization(ctx: OperationContext, data: In) -> Out: ...

The handler is the only code both transports call. It runs inside one
RLS-scoped transaction (for mutations: inside a DBOS workflow step) and never
commits.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from graph.relations import Paged

if TYPE_CHECKING:
    from graph.handlers import OperationContext

NAME = re.compile(r"^([a-z][a-zA-Z0-9]*)/v([1-9][0-9]*)/([a-z][a-zA-Z0-9]*)$")


class Scope(StrEnum):
    """Who may call: anyone, any logged-in principal, or a principal acting in
    its explicitly selected organization."""

    PUBLIC = "public"
    ACCOUNT = "account"
    ORGANIZATION = "organization"


# A nullable read answers None when its result is absent.
Handler = Callable[["OperationContext", Any], Awaitable[BaseModel | None]]
H = TypeVar("H", bound=Handler)


@dataclass(frozen=True)
class Operation:
    name: str
    input: type[BaseModel]
    output: type[BaseModel]
    handler: Handler
    kind: str
    action: str
    scope: Scope
    summary: str
    description: str
    mutates: bool
    idempotent: bool
    deprecated: str | None = None
    nullable: bool = False
    graphql_name: str = ""
    result_field: str = ""
    target: Any = None
    compiles: bool | Paged = False
    examples: dict[str, Any] = field(default_factory=dict)

    @property
    def resource(self) -> str:
        return NAME.match(self.name).group(1)  # type: ignore[union-attr]

    @property
    def version(self) -> int:
        return int(NAME.match(self.name).group(2))  # type: ignore[union-attr]

    @property
    def verb(self) -> str:
        return NAME.match(self.name).group(3)  # type: ignore[union-attr]

    @property
    def operation_id(self) -> str:
        """Stable OpenAPI operationId, e.g. `organizationCreateV1`."""
        return f"{self.resource}{self.verb[0].upper()}{self.verb[1:]}V{self.version}"

    @property
    def path(self) -> str:
        return f"/api/v1/rpc/{self.name}"


REGISTRY: dict[str, Operation] = {}


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:]


def operation(
    name: str,
    *,
    input: type[BaseModel],
    output: type[BaseModel],
    kind: str,
    action: str,
    summary: str,
    scope: Scope = Scope.ORGANIZATION,
    mutates: bool = True,
    idempotent: bool | None = None,
    deprecated: str | None = None,
    nullable: bool = False,
    graphql_name: str | None = None,
    result_field: str | None = None,
    target: Any = None,
    compiles: bool | Paged = False,
) -> Callable[[H], H]:
    """Declare and register an operation. The handler's docstring is its description.
    `nullable`: a read whose result may be absent: null in GraphQL, NOT_FOUND over
    RPC and MCP (graph.pipeline.run_found).
    `target`: the model whose row `input.id` names; the pipeline loads it and
    asks Cerbos about that row, with its attributes, before the handler runs.
    `compiles`: True for a read by id whose answer is its target row as stored, so
    GraphQL may read the row and whatever the selection nests under it in one SQL
    statement (graph/compiler.py) instead of calling the handler; for a list, the
    `Paged` page of rows the handler answers (its `key` None), declared once for both."""
    match = NAME.match(name)
    if match is None:
        raise ValueError(f"operation name {name!r} must look like resource/v1/action")
    resource, version, verb = match.groups()

    if isinstance(compiles, Paged):
        if compiles.key is not None or target is not None or mutates:
            raise ValueError(f"{name}: a compiled list reads every row its filters admit (no key, no target)")
    elif compiles and (target is None or mutates or action != "read" or set(input.model_fields) != {"id"}):
        raise ValueError(f"{name}: only a read of its target row by id compiles")

    def register(handler: H) -> H:
        if name in REGISTRY:
            raise ValueError(f"operation {name} declared twice")
        default_gql = resource + verb[0].upper() + verb[1:]
        if verb == "get" and not mutates:
            default_gql = resource
        if version != "1":
            default_gql += f"V{version}"
        REGISTRY[name] = Operation(
            name=name,
            input=input,
            output=output,
            handler=handler,
            kind=kind,
            action=action,
            scope=scope,
            summary=summary,
            description=inspect.cleandoc(handler.__doc__ or summary),
            mutates=mutates,
            idempotent=mutates if idempotent is None else idempotent,
            deprecated=deprecated,
            nullable=nullable,
            graphql_name=graphql_name or default_gql,
            result_field=result_field or _lower_first(output.__name__),
            target=target,
            compiles=compiles,
        )
        return handler

    return register
