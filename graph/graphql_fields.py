"""Registered operations → GraphQL fields.

Mutations: `<resource><Action>(input: …, idempotencyKey: String!)` returning
`<Name>Payload { <result>, userErrors }`. Queries: the input's fields become
arguments. Errors about the request itself (who, which organization, which key)
are GraphQL errors with `extensions.code`; errors about the input are userErrors.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Optional

import strawberry
from graphql import GraphQLError
from pydantic import BaseModel
from strawberry.parent import StrawberryParent

from graph.errors import AppError, ErrorCode
from graph.gqltypes import input_type, output_type, to_plain
from graph.operations import Operation
from graph.pipeline import run, validate_input
from graph.relations import Paged

# Codes that concern the request rather than its input: raised as GraphQL errors.
REQUEST_ERRORS = {
    ErrorCode.UNAUTHENTICATED,
    ErrorCode.TOKEN_INVALID,
    ErrorCode.SESSION_REVOKED,
    ErrorCode.FORBIDDEN,
    ErrorCode.ORGANIZATION_NOT_SELECTED,
    ErrorCode.RATE_LIMITED,
    ErrorCode.IDEMPOTENCY_KEY_REQUIRED,
    ErrorCode.IDEMPOTENCY_KEY_INVALID,
    ErrorCode.IDEMPOTENCY_KEY_REUSED,
    ErrorCode.IDEMPOTENCY_KEY_IN_FLIGHT,
    ErrorCode.SERVICE_UNAVAILABLE,
}


@strawberry.type(description="A problem with the input of a mutation. Nothing was changed.")
class UserError:
    code: str = strawberry.field(description="Stable machine-readable code, e.g. VALIDATION_FAILED.")
    field: list[str] | None = strawberry.field(
        description="Path to the input field at fault, e.g. ['input', 'name']; null when not about one field."
    )
    message: str = strawberry.field(description="Human-readable explanation.")


def graphql_error(err: AppError) -> GraphQLError:
    extensions: dict[str, Any] = {"code": str(err.code)}
    if err.details is not None:
        extensions["details"] = err.details
    return GraphQLError(err.message, extensions=extensions, original_error=err)


def _capitalize(name: str) -> str:
    return name[0].upper() + name[1:]


def _payload_type(op: Operation) -> Any:
    name = f"{_capitalize(op.graphql_name)}Payload"
    out = output_type(op.output)
    cls = type(
        name,
        (),
        {
            "__annotations__": {op.result_field: Optional[out], "user_errors": list[UserError]},  # noqa: UP045
            op.result_field: strawberry.field(default=None, description="The result; null when userErrors is not empty."),
            "user_errors": strawberry.field(default_factory=list, description="Problems with the input; empty on success."),
        },
    )
    return strawberry.type(cls, name=name, description=f"Result of `{op.graphql_name}` ({op.name}).")


def _description(op: Operation) -> str:
    text = op.description
    if op.idempotent:
        text += "\n\nIdempotent: retries with the same `idempotencyKey` and input return the first result."
    return f"{text}\n\nRPC: POST {op.path}"


def _signature(params: list[inspect.Parameter], returns: Any) -> inspect.Signature:
    info = inspect.Parameter("info", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=strawberry.Info)
    return inspect.Signature([info, *params], return_annotation=returns)


def _attach(fn: Any, signature: inspect.Signature, name: str) -> Any:
    fn.__signature__ = signature
    fn.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()} | {"return": signature.return_annotation}
    fn.__name__ = name
    return fn


def mutation_field(op: Operation) -> Any:
    payload = _payload_type(op)
    params = []
    if op.input.model_fields:
        params.append(
            inspect.Parameter(
                "input",
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[input_type(op.input), strawberry.argument(description=op.input.__doc__)],
            )
        )
    if op.idempotent:
        params.append(
            inspect.Parameter(
                "idempotency_key",
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[
                    str,
                    strawberry.argument(description="1–255 printable characters, unique per intended change; kept 24 hours."),
                ],
            )
        )

    async def resolve(info: strawberry.Info, **kwargs: Any) -> Any:
        raw = to_plain(kwargs.get("input"))
        try:
            outcome = await run(op, info.context, raw, kwargs.get("idempotency_key"))
            if outcome.error is not None:  # a stored (replayed) error
                raise outcome.error
        except AppError as err:
            if err.code in REQUEST_ERRORS:
                raise graphql_error(err) from None
            return payload(user_errors=[UserError(code=str(err.code), field=err.field, message=err.message)])
        return payload(**{op.result_field: outcome.output})

    resolver = _attach(resolve, _signature(params, payload), op.graphql_name)
    return strawberry.mutation(
        resolver=resolver,
        name=op.graphql_name,
        description=_description(op),
        deprecation_reason=op.deprecated,
    )


def _arguments(model: type[BaseModel]) -> list[inspect.Parameter]:
    """GraphQL arguments from an input model's fields (names, types, defaults, descriptions)."""
    if not model.model_fields:
        return []
    return [
        inspect.Parameter(
            field_def.python_name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[
                field_def.type_annotation.annotation,
                strawberry.argument(description=field_def.description, name=field_def.graphql_name),
            ],
            default=(
                inspect.Parameter.empty
                if field_def.default in (strawberry.UNSET, None, dataclasses.MISSING)
                else field_def.default
            ),
        )
        for field_def in input_type(model).__strawberry_definition__.fields
    ]


def query_field(op: Operation) -> Any:
    out = output_type(op.output)

    async def resolve(info: strawberry.Info, **kwargs: Any) -> Any:
        try:
            outcome = await run(op, info.context, {k: to_plain(v) for k, v in kwargs.items()}, None)
        except AppError as err:
            raise graphql_error(err) from None
        return outcome.output

    returns = Optional[out] if op.nullable else out  # noqa: UP045
    resolver = _attach(resolve, _signature(_arguments(op.input), returns), op.graphql_name)
    resolver.__hestami_operation__ = op
    return strawberry.field(
        resolver=resolver,
        name=op.graphql_name,
        description=_description(op),
        deprecation_reason=op.deprecated,
    )


def relation_field(
    arguments: type[BaseModel], returns: Any, description: str, *, compiled: Paged | None = None
) -> Callable[[Callable[[Any, strawberry.Info, Any], Awaitable[Any]]], Any]:
    """A field of an output type whose arguments are `arguments`' fields, validated
    as that model (the same rules and errors as the operation it mirrors).
    `returns` may be the name of a type defined later in the decorated function's module:

        @relation_field(UnitFilter, UnitConnectionType, "The association's units.")
        async def units(root, info, data: UnitFilter) -> ...

    `compiled` declares which rows the page holds, so the compiled read path can
    read it in SQL (graph/relations.Paged); the decorated function stays the
    resolver for selections that path doesn't compile.
    """

    def decorate(fn: Callable[[Any, strawberry.Info, Any], Awaitable[Any]]) -> Any:
        async def resolve(root: Any, info: strawberry.Info, **kwargs: Any) -> Any:
            try:
                data = validate_input(arguments, {k: to_plain(v) for k, v in kwargs.items()})
            except AppError as err:
                raise graphql_error(err) from None
            return await fn(root, info, data)

        parent = inspect.Parameter("root", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Annotated[Any, StrawberryParent()])
        signature = _signature(_arguments(arguments), returns)
        params = list(signature.parameters.values())
        signature = signature.replace(parameters=[parent, *params])
        resolve.__module__ = fn.__module__  # a string `returns` names a type of that module
        resolve.__hestami_relation__ = compiled  # type: ignore[attr-defined]
        resolve.__hestami_arguments__ = arguments  # type: ignore[attr-defined]
        return strawberry.field(resolver=_attach(resolve, signature, fn.__name__), description=description)

    return decorate
