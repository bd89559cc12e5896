"""Pre-execution guards for GraphQL documents.

Two layers, both before any resolver runs:

* Document shape (depth, aliases): graphql-core validation rules. They see only
  the document, so strawberry's ``ValidationCache`` caches their verdict per
  document. Rule classes are built once per limit value (``document_limit_rules``)
  because the cache key includes the rule classes themselves.
* Connection arguments and cost: these depend on variable values, so they run in
  ``on_execute`` after variables are known and before execution starts.

Fragments are expanded everywhere: a spread counts as often as it appears, which
closes the "hide aliases/depth in a fragment" bypass. Per-fragment results are
memoised so that expansion stays linear in the document size.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    TypeNameMetaFieldDef,
    ValidationRule,
    get_argument_values,
    get_named_type,
    get_operation_ast,
    get_variable_values,
)
from graphql.language import SKIP
from graphql.validation import MaxIntrospectionDepthRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)

from graph.errors import ErrorCode

if TYPE_CHECKING:
    from graph.settings import Settings

_TOO_COMPLEX = ErrorCode.QUERY_TOO_COMPLEX.value
_BAD_REQUEST = ErrorCode.BAD_REQUEST.value

# Arguments that bound how many items a field returns.
_PAGE_ARGS = ("first", "last")
_LIST_LIMIT_ARGS = ("first", "limit")
_INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})


def _too_complex(message: str, node: Any = None, **extra: Any) -> GraphQLError:
    return GraphQLError(message, node, extensions={"code": _TOO_COMPLEX, **extra})


# --------------------------------------------------------------------------
# Document shape: depth and aliases (validation rules)
# --------------------------------------------------------------------------


class _ShapeRule(ValidationRule):
    """Measures each operation once, expanding fragments, then skips its subtree."""

    limit: ClassVar[int]

    def _measure(self, selection_set: SelectionSetNode) -> int:
        raise NotImplementedError

    def _error(self, value: int, node: OperationDefinitionNode) -> GraphQLError:
        raise NotImplementedError

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> Any:
        self._fragment_memo: dict[str, int] = {}
        self._visiting: set[str] = set()
        try:
            value = self._measure(node.selection_set)
        except RecursionError:
            # A long chain of fragments can exceed Python's stack before the
            # token limit stops it; refusing is the only safe answer.
            self.report_error(_too_complex("The document is nested too deeply.", node))
            return SKIP
        if value > self.limit:
            self.report_error(self._error(value, node))
        # The rest of the operation was measured above; SKIP only affects this
        # rule inside graphql-core's parallel visitor.
        return SKIP

    def _fragment(self, spread: FragmentSpreadNode) -> FragmentDefinitionNode | None:
        name = spread.name.value
        if name in self._visiting:
            # A cycle: NoFragmentCyclesRule reports it; we just must not recurse.
            return None
        return self.context.get_fragment(name)

    def _via_fragment(self, spread: FragmentSpreadNode) -> int:
        name = spread.name.value
        if name in self._fragment_memo:
            return self._fragment_memo[name]
        fragment = self._fragment(spread)
        if fragment is None:
            return 0
        self._visiting.add(name)
        try:
            value = self._measure(fragment.selection_set)
        finally:
            self._visiting.discard(name)
        self._fragment_memo[name] = value
        return value


class MaxDepthRule(_ShapeRule):
    """Refuses operations nested deeper than ``limit`` field levels.

    ``{ a }`` has depth 1, ``{ a { b } }`` depth 2. Fragments add no level of
    their own; their fields count where the fragment is used. ``__schema`` and
    ``__type`` subtrees are left to graphql-core's MaxIntrospectionDepthRule,
    which ``DocumentLimits`` installs alongside.
    """

    def _measure(self, selection_set: SelectionSetNode) -> int:
        # Capping at limit+1 keeps memoised fragment depths independent of
        # where the fragment is used, while bounding the work on deep nesting.
        cap = self.limit + 1
        deepest = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.name.value in _INTROSPECTION_ROOTS:
                    # graphql-core's standard introspection query is 15 levels
                    # deep; MaxIntrospectionDepthRule bounds these instead.
                    continue
                sub = selection.selection_set
                depth = 1 + (self._measure(sub) if sub is not None else 0)
            elif isinstance(selection, InlineFragmentNode):
                depth = self._measure(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                depth = self._via_fragment(selection)
            else:  # pragma: no cover - no other selection kinds exist
                depth = 0
            deepest = max(deepest, depth)
            if deepest >= cap:
                return cap
        return deepest

    def _error(self, value: int, node: OperationDefinitionNode) -> GraphQLError:
        return _too_complex(
            f"Query depth exceeds the maximum of {self.limit}.",
            node,
            maximumDepth=self.limit,
        )


class MaxAliasesRule(_ShapeRule):
    """Refuses operations using more than ``limit`` aliases, fragments expanded."""

    def _measure(self, selection_set: SelectionSetNode) -> int:
        cap = self.limit + 1
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += selection.alias is not None
                if selection.selection_set is not None:
                    total += self._measure(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                total += self._measure(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                # Counted per spread: ten spreads of a fragment with three
                # aliases are thirty aliases at execution time.
                total += self._via_fragment(selection)
            if total >= cap:
                return cap
        return total

    def _error(self, value: int, node: OperationDefinitionNode) -> GraphQLError:
        return _too_complex(
            f"The operation uses more than the maximum of {self.limit} aliases.",
            node,
            maximumAliases=self.limit,
        )


@functools.cache
def document_limit_rules(max_depth: int, max_aliases: int) -> tuple[type[ASTValidationRule], ...]:
    """The rule classes for these limits; the same objects on every call.

    Stable identities matter: ``ValidationCache`` keys on the rule tuple, so a
    fresh class per request would never hit the cache and would grow it.
    """
    depth: type[ASTValidationRule] = type(f"MaxDepthRule_{max_depth}", (MaxDepthRule,), {"limit": max_depth})
    aliases: type[ASTValidationRule] = type(f"MaxAliasesRule_{max_aliases}", (MaxAliasesRule,), {"limit": max_aliases})
    return (depth, aliases, MaxIntrospectionDepthRule, SingleCredentialAttempt)


# Mutations that take a credential: one per request, unaliased, so aliases
# can't turn one rate-limited request into a password-guessing batch.
CREDENTIAL_MUTATIONS = frozenset({"authLogin", "authRegister", "authRefresh"})


class SingleCredentialAttempt(ValidationRule):
    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        if node.operation is not OperationType.MUTATION:
            return
        hits = [
            sel for sel in node.selection_set.selections if isinstance(sel, FieldNode) and sel.name.value in CREDENTIAL_MUTATIONS
        ]
        if len(hits) > 1 or any(sel.alias is not None for sel in hits):
            self.report_error(
                GraphQLError(
                    "Send authLogin, authRegister or authRefresh alone, once per request and without an alias.",
                    hits,
                    extensions={"code": _TOO_COMPLEX},
                )
            )


class DocumentLimits(AddValidationRules):
    """Installs the depth, alias and introspection-depth rules into validation."""

    def __init__(self, max_depth: int, max_aliases: int) -> None:
        super().__init__(list(document_limit_rules(max_depth, max_aliases)))


class CodedMaxTokensLimiter(MaxTokensLimiter):
    """``MaxTokensLimiter`` whose refusal carries the stable error code.

    graphql-core raises a plain syntax error when the token budget is spent;
    we tag it so clients can tell "too big" from "malformed".
    """

    def on_operation(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = self.max_token_count
        try:
            yield
        except GraphQLError as error:
            # With ParserCache the parse runs inside its hook, so the error
            # escapes strawberry's parse handler and surfaces here.
            _tag_token_error(error)
            raise
        for err in self.execution_context.pre_execution_errors or ():
            _tag_token_error(err)


def _tag_token_error(error: GraphQLError) -> None:
    if isinstance(error, GraphQLSyntaxError) and error.message.endswith("tokens. Parsing aborted."):
        _extensions(error).setdefault("code", _TOO_COMPLEX)


def _extensions(error: GraphQLError) -> dict[str, Any]:
    """graphql-core types `extensions` as optional, though its constructor always sets a dict."""
    if error.extensions is None:
        error.extensions = {}
    return error.extensions


# --------------------------------------------------------------------------
# Connection arguments and cost (needs variables: runs in on_execute)
# --------------------------------------------------------------------------


def _is_list(field_type: Any) -> bool:
    if isinstance(field_type, GraphQLNonNull):
        field_type = field_type.of_type
    return isinstance(field_type, GraphQLList)


def _is_connection(named: GraphQLNamedType) -> bool:
    return isinstance(named, (GraphQLObjectType, GraphQLInterfaceType)) and named.name.endswith("Connection")


class _CostWalker:
    """Computes an operation's cost and collects bad connection arguments.

    cost(field) = 1 + multiplier * cost(selections); the multiplier is
    ``first``/``last`` on connections (so nested pages multiply), ``first`` or
    ``limit`` on other list fields when given, else 1.
    """

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Any,
        max_page_size: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.max_page_size = max_page_size
        self.errors: list[GraphQLError] = []
        self._memo: dict[str, int] = {}
        self._visiting: set[str] = set()

    def selection_set(self, node: SelectionSetNode, parent: GraphQLNamedType) -> int:
        total = 0
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                cond = selection.type_condition
                scope = self.schema.get_type(cond.name.value) if cond else parent
                total += self.selection_set(selection.selection_set, scope or parent)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.spread(selection)
        return total

    def spread(self, node: FragmentSpreadNode) -> int:
        name = node.name.value
        if name in self._memo:
            return self._memo[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self._visiting:
            return 0
        scope = self.schema.get_type(fragment.type_condition.name.value)
        if scope is None:
            return 0
        self._visiting.add(name)
        try:
            cost = self.selection_set(fragment.selection_set, scope)
        finally:
            self._visiting.discard(name)
        self._memo[name] = cost
        return cost

    def _field_def(self, node: FieldNode, parent: GraphQLNamedType) -> GraphQLField | None:
        name = node.name.value
        if name == "__typename":
            return TypeNameMetaFieldDef
        if parent is self.schema.query_type:
            if name == "__schema":
                return SchemaMetaFieldDef
            if name == "__type":
                return TypeMetaFieldDef
        if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
            field: GraphQLField | None = parent.fields.get(name)
            return field
        return None

    def field(self, node: FieldNode, parent: GraphQLNamedType) -> int:
        field_def = self._field_def(node, parent)
        if field_def is None:
            # Unknown fields cannot pass validation; count them and move on.
            return 1
        named = get_named_type(field_def.type)
        multiplier = self._multiplier(node, field_def, named)
        sub = node.selection_set
        if sub is None:
            return 1
        return 1 + multiplier * self.selection_set(sub, named)

    def _multiplier(self, node: FieldNode, field_def: GraphQLField, named: GraphQLNamedType) -> int:
        connection = _is_connection(named)
        if not connection and not _is_list(field_def.type):
            return 1
        wanted = _PAGE_ARGS if connection else _LIST_LIMIT_ARGS
        if not any(arg in field_def.args for arg in wanted):
            args: dict[str, Any] = {}
        else:
            # Coerces literals, variables and schema defaults exactly as the
            # executor will, so the value we check is the value resolvers get.
            try:
                args = get_argument_values(field_def, node, self.variables)
            except GraphQLError as error:
                raise GraphQLError(error.message, node, extensions={"code": _BAD_REQUEST}) from error
        given = [v for a in wanted if isinstance(v := args.get(a), int)]
        if not connection:
            return max(given[0], 0) if given else 1
        if not given or not all(1 <= v <= self.max_page_size for v in given):
            name = node.name.value
            self.errors.append(
                GraphQLError(
                    f"Connection field '{name}' needs `first` between 1 and {self.max_page_size}",
                    node,
                    extensions={"code": _BAD_REQUEST, "field": name},
                )
            )
            # Price a refused page at the maximum so the reported cost is an
            # upper bound rather than an undercount.
            return self.max_page_size
        return max(given)


def operation_cost(
    schema: GraphQLSchema,
    root: GraphQLObjectType,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Any,
    max_page_size: int,
) -> int:
    """The operation's cost; the GraphQLError refusing it when a page size is out of bounds."""
    walker = _CostWalker(schema, fragments, variables, max_page_size)
    try:
        cost = walker.selection_set(operation.selection_set, root)
    except RecursionError:
        raise _too_complex("The document is nested too deeply.") from None
    if walker.errors:
        # One error is raised so both sync and async execution paths
        # report it identically; the others are listed for the client.
        first = walker.errors[0]
        _extensions(first)["fields"] = [_extensions(e)["field"] for e in walker.errors]
        raise first
    return cost


class QueryCost(SchemaExtension):
    """Checks connection page sizes and the operation's cost before execution.

    Reports ``{"cost": {"requestedQueryCost": N, "maximumAvailable": LIMIT}}``
    in the response extensions whenever the cost was computed.
    """

    def __init__(self, max_cost: int, max_page_size: int) -> None:
        self.max_cost = max_cost
        self.max_page_size = max_page_size
        self.cost: int | None = None

    def on_execute(self) -> Iterator[None]:
        self._check()
        yield

    def _check(self) -> None:
        ctx = self.execution_context
        document = ctx.graphql_document
        if document is None:
            return
        operation = get_operation_ast(document, ctx.operation_name)
        if operation is None:
            return  # ambiguous/unknown operation: the executor refuses it
        schema = ctx.schema._schema
        variables = get_variable_values(schema, operation.variable_definitions or (), ctx.variables or {})
        if isinstance(variables, list):
            # Invalid variables: the executor refuses the whole operation
            # before any resolver runs, with graphql's own messages.
            return
        root = schema.get_root_type(operation.operation)
        if root is None:
            return
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.cost = operation_cost(schema, root, operation, fragments, variables, self.max_page_size)
        if self.cost > self.max_cost:
            raise _too_complex(
                f"Query cost {self.cost} exceeds the maximum of {self.max_cost}.",
                requestedQueryCost=self.cost,
                maximumAvailable=self.max_cost,
            )

    def get_results(self) -> dict[str, Any]:
        if self.cost is None:
            return {}
        return {
            "cost": {
                "requestedQueryCost": self.cost,
                "maximumAvailable": self.max_cost,
            }
        }


ExtensionFactory = Callable[[], SchemaExtension]


def guard_extensions(settings: Settings) -> list[ExtensionFactory]:
    """Extension factories for ``strawberry.Schema(..., extensions=...)``.

    Factories, not instances: strawberry 0.341 builds one extension per request
    from them (instances are deprecated and would share state across requests).
    Order matters only in that the token limit must be set (``on_operation``)
    before ``ParserCache`` parses.
    """
    return [
        functools.partial(CodedMaxTokensLimiter, max_token_count=settings.max_tokens),
        functools.partial(
            DocumentLimits,
            max_depth=settings.max_query_depth,
            max_aliases=settings.max_aliases,
        ),
        functools.partial(
            QueryCost,
            max_cost=settings.max_query_cost,
            max_page_size=settings.max_page_size,
        ),
        ParserCache,
        ValidationCache,
    ]


__all__ = [
    "CodedMaxTokensLimiter",
    "DocumentLimits",
    "MaxAliasesRule",
    "MaxDepthRule",
    "QueryCost",
    "document_limit_rules",
    "guard_extensions",
    "operation_cost",
]
