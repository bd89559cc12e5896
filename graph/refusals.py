"""Which error codes each operation can answer, read from its code.

A client needs the refusals an operation can give as data, not prose: the
OpenAPI document lists them per operation (`x-error-codes`) beside one catalog
of every code with its HTTP status and meaning. Declaring them by hand beside
each operation would drift from the handlers, so they are found here instead:
the handler's source is walked (`ast`), following the calls it makes into this
project's functions and methods, and every `AppError` it constructs is a code it
can answer. The pipeline's own refusals (authentication, the active
organization, the target row, references, idempotency) follow from how the
operation is declared.

The walk over-approximates (a branch never taken still counts) and cannot
follow a call through a value it cannot type (a callback in a variable); what it
lists is what a client should be ready for.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import sys
import textwrap
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any

from graph.errors import STATUS, AppError, ErrorCode
from graph.operations import Operation, Scope
from graph.references import reference_fields

# Code the walk follows calls into: the platform and the domains (above graph/ by
# name only: this module imports nothing from there).
_PROJECT = ("graph.", "domains.", "resolvers.")

# Answered by any operation, before or around its handler: malformed or
# oversized bodies, invalid input and rate limits (4xx); a dependency down or a bug (5xx).
CLIENT_ERRORS = (
    ErrorCode.BAD_REQUEST,
    ErrorCode.VALIDATION_FAILED,
    ErrorCode.PAYLOAD_TOO_LARGE,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    ErrorCode.RATE_LIMITED,
)
SERVER_ERRORS = (ErrorCode.SERVICE_UNAVAILABLE, ErrorCode.INTERNAL_ERROR)
# Answered by any operation that takes a bearer token: for the token, and for
# what its holder's roles allow (every such operation is authorized by Cerbos).
BEARER_ERRORS = (ErrorCode.UNAUTHENTICATED, ErrorCode.TOKEN_INVALID, ErrorCode.SESSION_REVOKED, ErrorCode.FORBIDDEN)
# Answered by any operation that takes an Idempotency-Key, for the key.
IDEMPOTENCY_ERRORS = (
    ErrorCode.IDEMPOTENCY_KEY_REQUIRED,
    ErrorCode.IDEMPOTENCY_KEY_INVALID,
    ErrorCode.IDEMPOTENCY_KEY_REUSED,
    ErrorCode.IDEMPOTENCY_KEY_IN_FLIGHT,
)


@dataclass(frozen=True)
class Refusal:
    code: str
    status: int
    description: str


def _error_classes() -> Iterator[type[AppError]]:
    stack: list[type[AppError]] = [AppError]
    while stack:
        cls = stack.pop()
        yield cls
        stack.extend(cls.__subclasses__())


def catalog() -> dict[str, Refusal]:
    """Every code a client can see: the platform's (`ErrorCode`) and each loaded
    domain's error classes, with the status and the class's docstring."""
    found = {
        str(code): Refusal(str(code), STATUS[code], ErrorCode.describe(code))
        for code in ErrorCode
        if code in STATUS  # a code only GraphQL answers (e.g. QUERY_TOO_COMPLEX) has no RPC status
    }
    for cls in _error_classes():
        code = str(cls.code)
        if code not in found and cls.__doc__:
            found[code] = Refusal(code, cls.status, inspect.cleandoc(cls.__doc__).replace("\n", " "))
    return dict(sorted(found.items()))


def codes(op: Operation) -> set[str]:
    """The codes `op` can answer, those of every operation included."""
    found: set[ErrorCode | str] = {*CLIENT_ERRORS, *SERVER_ERRORS}
    if op.scope is not Scope.PUBLIC:
        found.update(BEARER_ERRORS)
    if op.scope is Scope.ORGANIZATION:
        found.add(ErrorCode.ORGANIZATION_NOT_SELECTED)
    if op.target is not None or op.nullable:
        found.add(ErrorCode.NOT_FOUND)
    if reference_fields(op.input):
        found.add(ErrorCode.INVALID_REFERENCE)
    if op.idempotent:
        found.update(IDEMPOTENCY_ERRORS)
    return {str(c) for c in found} | _raised(op.handler)


@cache
def _raised(fn: Callable[..., Any]) -> frozenset[str]:
    walker = _Walker()
    walker.function(fn, None)
    return frozenset(walker.codes)


def _parse(fn: Any) -> ast.Module | None:
    try:
        source = textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError):
        return None
    # A lambda's source is the lines it stands on, e.g. an argument with its comma.
    for text in (source, f"({source.strip().rstrip(',')})"):
        try:
            return ast.parse(text)
        except SyntaxError:
            continue
    return None


def _is_project(obj: Any) -> bool:
    return str(getattr(obj, "__module__", "") or "").startswith(_PROJECT)


def _unwrap(obj: Any) -> Any:
    if isinstance(obj, staticmethod | classmethod):
        obj = obj.__func__
    return inspect.unwrap(obj) if callable(obj) else obj


class _Walker:
    def __init__(self) -> None:
        self.codes: set[str] = set()
        self.seen: set[Any] = set()

    def function(self, fn: Any, owner: type | None) -> None:
        fn = _unwrap(fn)
        if not inspect.isfunction(fn) or fn in self.seen or not _is_project(fn):
            return
        self.seen.add(fn)
        tree = _parse(fn)
        if tree is None:
            return
        scope = _Scope(fn, owner)
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign | ast.AnnAssign):
                scope.assign(node)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                self.call(node, scope)
            elif isinstance(node, ast.Raise) and node.exc is not None and not isinstance(node.exc, ast.Call):
                self.error(scope.resolve(node.exc), None)
            elif isinstance(node, ast.For | ast.AsyncFor):  # checks registered in a list: `for check in CHECKS`
                items = scope.resolve(node.iter)
                for item in items if isinstance(items, list | tuple) else ():
                    self.function(item, None)

    def call(self, node: ast.Call, scope: _Scope) -> None:
        if isinstance(node.func, ast.Subscript):  # a table of error classes: `_ERRORS[code](...)`
            table = scope.resolve(node.func.value)
            for value in table.values() if isinstance(table, dict) else ():
                self.error(value, None)
            return
        target = scope.resolve(node.func)
        if self.error(target, node):
            return
        if inspect.isclass(target) and _is_project(target):
            self.function(vars(target).get("__init__"), target)
        elif target is not None:
            self.function(target, scope.owner_of(node.func))

    def error(self, target: Any, node: ast.Call | None) -> bool:
        if not (inspect.isclass(target) and issubclass(target, AppError)):
            return False
        keywords = {k.arg: k.value for k in node.keywords} if node is not None else {}
        code = keywords.get("code")
        if code is None:
            self.codes.add(str(target.code))
        elif isinstance(code, ast.Constant):
            self.codes.add(str(code.value))
        elif isinstance(code, ast.Attribute) and code.attr in ErrorCode.__members__:
            self.codes.add(code.attr)
        return True


class _Scope:
    """Names as one function sees them: its module's globals, its parameters'
    annotated types, `self`, and locals assigned an instance of a known class."""

    def __init__(self, fn: Any, owner: type | None) -> None:
        self.globals: dict[str, Any] = fn.__globals__ | dict(inspect.getclosurevars(fn).nonlocals)
        self.types: dict[str, Any] = {}
        for name, hint in _hints(fn).items():
            self.types[name] = _class_of(hint)
        params = list(inspect.signature(fn).parameters)
        if owner is not None and params:
            self.types[params[0]] = owner

    def assign(self, node: ast.Assign | ast.AnnAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        value = node.value.value if isinstance(node.value, ast.Await) else node.value
        if not isinstance(value, ast.Call):
            return
        made = self.resolve(value.func)
        returned: Any = made if inspect.isclass(made) else _hints(_unwrap(made)).get("return")
        for target in targets:
            if isinstance(target, ast.Name):
                self._bind(target.id, _class_of(returned))
            elif isinstance(target, ast.Tuple) and typing.get_origin(returned) is tuple:
                # `unit, book = await _book_for(...)` with `-> tuple[Unit, Book]`
                for element, hint in zip(target.elts, typing.get_args(returned), strict=False):
                    if isinstance(element, ast.Name):
                        self._bind(element.id, _class_of(hint))

    def _bind(self, name: str, kind: Any) -> None:
        if kind is not None:
            self.types.setdefault(name, kind)

    def resolve(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Name):
            if node.id in self.types:
                return self.types[node.id]
            return self.globals.get(node.id, getattr(builtins, node.id, None))
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            if base is None:
                return None
            found = getattr(base, node.attr, None)
            if found is None and inspect.isclass(base) and _is_project(base):
                # An instance attribute known by its annotation (a dataclass field).
                found = _class_of(_hints(base).get(node.attr))
            return found
        return None

    def owner_of(self, node: ast.expr) -> type | None:
        """The class a called method is looked up on, so its `self` is typed."""
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            return base if inspect.isclass(base) else None
        return None


def _hints(obj: Any) -> dict[str, Any]:
    """`obj`'s annotations as types, names imported only for type checkers included."""
    module = sys.modules.get(getattr(obj, "__module__", ""))
    if module is None or not (inspect.isclass(obj) or inspect.isfunction(obj)):
        return {}
    try:
        return typing.get_type_hints(obj, globalns=vars(module) | _type_checking_names(module))
    except Exception:  # noqa: BLE001 (an annotation only a type checker can read)
        return {}


@cache
def _type_checking_names(module: ModuleType) -> dict[str, Any]:
    """What `if TYPE_CHECKING:` imports in `module`, from the modules already loaded."""
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError):
        return {}
    names: dict[str, Any] = {}
    for block in tree.body:
        if isinstance(block, ast.If) and isinstance(block.test, ast.Name) and block.test.id == "TYPE_CHECKING":
            for node in block.body:
                source = sys.modules.get(node.module or "") if isinstance(node, ast.ImportFrom) else None
                for alias in node.names if source is not None and isinstance(node, ast.ImportFrom) else ():
                    names[alias.asname or alias.name] = getattr(source, alias.name, None)
    return names


def _class_of(hint: Any) -> Any:
    """The project class an annotation names (`X`, `X | None`), else None."""
    if inspect.isclass(hint):
        return hint if _is_project(hint) else None
    for arg in typing.get_args(hint):
        found = _class_of(arg)
        if found is not None:
            return found
    return None
