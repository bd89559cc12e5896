"""GraphQL guards: depth, aliases, tokens, connection arguments, cost."""

from __future__ import annotations

from typing import Any

import pytest
import strawberry
from graphql import get_introspection_query
from strawberry.extensions import ParserCache
from strawberry.types import Info

from graph.limits import document_limit_rules, guard_extensions
from graph.settings import Settings

SETTINGS = Settings(
    max_query_depth=12,
    max_aliases=30,
    max_tokens=4000,
    max_query_cost=50_000,
    max_page_size=100,
)

CALLS: list[str] = []


@strawberry.type
class PageInfo:
    has_next_page: bool


@strawberry.type
class User:
    id: strawberry.ID
    name: str

    @strawberry.field
    def best_friend(self) -> User:
        CALLS.append("bestFriend")
        return User(id=strawberry.ID(f"{self.id}b"), name="friend")

    @strawberry.field
    def friends(self, first: int | None = None, after: str | None = None) -> UserConnection:
        CALLS.append("friends")
        return _page(first)

    @strawberry.field
    def tags(self) -> list[str]:
        return ["a", "b"]


@strawberry.type
class UserEdge:
    cursor: str
    node: User


@strawberry.type
class UserConnection:
    edges: list[UserEdge]
    page_info: PageInfo


def _page(first: int | None) -> UserConnection:
    n = min(first or 0, 3)
    return UserConnection(
        edges=[UserEdge(cursor=str(i), node=User(id=strawberry.ID(str(i)), name=f"u{i}")) for i in range(n)],
        page_info=PageInfo(has_next_page=False),
    )


@strawberry.type
class Query:
    @strawberry.field
    def users(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> UserConnection:
        CALLS.append("users")
        return _page(first or last)

    @strawberry.field
    def me(self) -> User:
        CALLS.append("me")
        return User(id=strawberry.ID("me"), name="me")

    @strawberry.field
    def recent(self, limit: int | None = None) -> list[User]:
        return [User(id=strawberry.ID("r"), name="r")]


schema = strawberry.Schema(Query, extensions=guard_extensions(SETTINGS))


@pytest.fixture(autouse=True)
def _reset_calls() -> None:
    CALLS.clear()


async def run(query: str, variables: dict[str, Any] | None = None) -> Any:
    return await schema.execute(query, variable_values=variables)


def codes(result: Any) -> list[str]:
    return [e.extensions.get("code") for e in result.errors or []]


# -- depth ------------------------------------------------------------------


def _nested_fragments(levels: int) -> str:
    # me { ...F0 }, F_i = bestFriend { ...F_{i+1} }: the depth lives only in
    # fragments, each adding one level.
    frags = [f"fragment F{i} on User {{ bestFriend {{ ...F{i + 1} }} }}" for i in range(levels)]
    frags.append(f"fragment F{levels} on User {{ name }}")
    return "query { me { ...F0 } }\n" + "\n".join(frags)


def _nested_inline(levels: int) -> str:
    body = "name"
    for _ in range(levels):
        body = f"... on User {{ bestFriend {{ {body} }} }}"
    return f"query {{ me {{ {body} }} }}"


async def test_depth_within_limit_through_fragments_passes() -> None:
    # me(1) + 10 bestFriend + name = 12 levels
    result = await run(_nested_fragments(10))
    assert result.errors is None
    assert CALLS.count("bestFriend") == 10


async def test_depth_attack_through_named_fragments_refused() -> None:
    result = await run(_nested_fragments(11))
    assert codes(result) == ["QUERY_TOO_COMPLEX"]
    assert "depth" in result.errors[0].message
    assert CALLS == []


async def test_depth_attack_through_inline_fragments_refused() -> None:
    assert (await run(_nested_inline(10))).errors is None
    CALLS.clear()
    result = await run(_nested_inline(11))
    assert codes(result) == ["QUERY_TOO_COMPLEX"]
    assert CALLS == []


async def test_fragment_cycle_is_reported_not_recursed() -> None:
    query = """
      query { me { ...A } }
      fragment A on User { bestFriend { ...B } }
      fragment B on User { bestFriend { ...A } }
    """
    result = await run(query)
    assert result.errors
    assert any("cycle" in e.message or "itself" in e.message for e in result.errors)
    assert CALLS == []


async def test_standard_introspection_query_passes() -> None:
    result = await run(get_introspection_query())
    assert result.errors is None


# -- aliases ----------------------------------------------------------------


async def test_alias_bomb_through_repeated_fragment_spread_refused() -> None:
    fragment = "fragment F on User { a1: name a2: name a3: name }"
    ok = await run("query { me { ...F } } " + fragment)
    assert ok.errors is None
    CALLS.clear()
    # 11 spreads x 3 aliases = 33 > 30, though the text holds only 3 aliases.
    spreads = " ".join(["...F"] * 11)
    result = await run(f"query {{ me {{ {spreads} }} }} {fragment}")
    assert codes(result) == ["QUERY_TOO_COMPLEX"]
    assert "aliases" in result.errors[0].message
    assert CALLS == []


async def test_alias_bomb_through_nested_fragments_refused() -> None:
    query = """
      query { me { ...G ...G } }
      fragment G on User { ...F ...F ...F ...F ...F ...F ...F ...F }
      fragment F on User { a: name b: name }
    """
    result = await run(query)  # 2 x 8 x 2 = 32 aliases
    assert codes(result) == ["QUERY_TOO_COMPLEX"]


def test_rule_classes_are_stable_for_validation_cache() -> None:
    assert document_limit_rules(12, 30) is document_limit_rules(12, 30)


# -- tokens -----------------------------------------------------------------


async def test_token_limit_refused() -> None:
    names = " ".join(["name"] * 4100)
    result = await run(f"query {{ me {{ {names} }} }}")
    assert codes(result) == ["QUERY_TOO_COMPLEX"]
    assert "tokens" in result.errors[0].message
    assert CALLS == []


# -- connections ------------------------------------------------------------

USERS = "query($n: Int) { users(first: $n) { edges { node { name } } } }"


async def test_query_within_limits_passes_and_reports_cost() -> None:
    result = await run("query { users(first: 2) { edges { node { name } } } }")
    assert result.errors is None
    assert result.data == {"users": {"edges": [{"node": {"name": "u0"}}, {"node": {"name": "u1"}}]}}
    # users: 1 + 2 x (edges 1 + node 1 + name 1)
    assert result.extensions["cost"] == {
        "requestedQueryCost": 7,
        "maximumAvailable": 50_000,
    }


async def test_connection_without_first_refused() -> None:
    result = await run("query { users { edges { node { name } } } }")
    assert codes(result) == ["BAD_REQUEST"]
    assert result.errors[0].message == ("Connection field 'users' needs `first` between 1 and 100")
    assert CALLS == []


@pytest.mark.parametrize("first", [0, -1, 101, 1000])
async def test_connection_first_out_of_range_refused(first: int) -> None:
    result = await run(f"query {{ users(first: {first}) {{ edges {{ cursor }} }} }}")
    assert codes(result) == ["BAD_REQUEST"]
    assert CALLS == []


async def test_nested_connection_without_first_refused() -> None:
    result = await run("query { users(first: 2) { edges { node { friends { edges { cursor } } } } } }")
    assert codes(result) == ["BAD_REQUEST"]
    assert "'friends'" in result.errors[0].message
    assert CALLS == []


async def test_first_via_variables_honoured() -> None:
    ok = await run(USERS, {"n": 3})
    assert ok.errors is None
    assert len(ok.data["users"]["edges"]) == 3
    assert ok.extensions["cost"]["requestedQueryCost"] == 1 + 3 * 3

    CALLS.clear()
    too_big = await run(USERS, {"n": 1000})
    assert codes(too_big) == ["BAD_REQUEST"]
    missing = await run(USERS, {})
    assert codes(missing) == ["BAD_REQUEST"]
    assert CALLS == []


async def test_variable_default_honoured() -> None:
    query = "query($n: Int = 4) { users(first: $n) { edges { cursor } } }"
    result = await run(query)
    assert result.errors is None
    assert result.extensions["cost"]["requestedQueryCost"] == 1 + 4 * 2


async def test_last_accepted_instead_of_first() -> None:
    result = await run("query { users(last: 5) { edges { cursor } } }")
    assert result.errors is None


# -- cost -------------------------------------------------------------------

NESTED = """
query($a: Int!, $b: Int!) {
  users(first: $a) {
    edges { node { name friends(first: $b) { edges { node { name } } } } }
  }
}
"""


async def test_nested_connection_cost_multiplies_exactly() -> None:
    result = await run(NESTED, {"a": 10, "b": 5})
    assert result.errors is None
    # friends = 1 + 5 x (edges 1 + node 1 + name 1) = 16
    # users   = 1 + 10 x (edges 1 + node 1 + name 1 + friends 16) = 191
    assert result.extensions["cost"] == {
        "requestedQueryCost": 191,
        "maximumAvailable": 50_000,
    }


async def test_cost_counts_fragments_per_spread_and_list_limits() -> None:
    query = """
      query { me { ...P ...P } recent(limit: 7) { name } }
      fragment P on User { friends(first: 2) { edges { cursor } } }
    """
    result = await run(query)
    assert result.errors is None
    # me = 1 + 2 x (1 + 2 x 2) = 11; recent = 1 + 7 x 1 = 8
    assert result.extensions["cost"]["requestedQueryCost"] == 19


async def test_over_cost_refused_before_any_resolver() -> None:
    query = """
    {
      users(first: 100) { edges { node {
        friends(first: 100) { edges { node {
          friends(first: 100) { edges { node { name } } }
        } } }
      } } }
    }
    """
    result = await run(query)
    assert codes(result) == ["QUERY_TOO_COMPLEX"]
    cost = result.extensions["cost"]
    assert cost["requestedQueryCost"] > 50_000
    assert cost["maximumAvailable"] == 50_000
    message = result.errors[0].message
    assert str(cost["requestedQueryCost"]) in message and "50000" in message
    assert result.data is None
    assert CALLS == []


def test_sync_execution_is_guarded_too() -> None:
    result = schema.execute_sync("query { users { edges { cursor } } }")
    assert codes(result) == ["BAD_REQUEST"]
    assert CALLS == []


async def test_introspection_bomb_refused() -> None:
    query = "{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }"
    result = await run(query)
    assert result.errors
    assert "introspection" in result.errors[0].message.lower()


async def test_token_limit_coded_without_parser_cache() -> None:
    bare = strawberry.Schema(
        Query,
        extensions=[ext for ext in guard_extensions(SETTINGS) if ext is not ParserCache],
    )
    names = " ".join(["name"] * 4100)
    result = await bare.execute(f"query {{ me {{ {names} }} }}")
    assert codes(result) == ["QUERY_TOO_COMPLEX"]


async def test_validation_is_cached_across_requests() -> None:
    from strawberry.extensions.validation_cache import (
        DEFAULT_MAXSIZE,
        _get_validate_cache,
    )

    cache = _get_validate_cache(DEFAULT_MAXSIZE)
    query = "query { me { a: name b: name } }"
    await run(query)
    # An lru_cache, which strawberry types as a plain callable.
    hits = cache.cache_info().hits  # type: ignore[attr-defined]
    await run(query)
    assert cache.cache_info().hits == hits + 1  # type: ignore[attr-defined]
