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
# Answered for a bearer token, and for what its holder's roles allow (Cerbos):
# by every operation, as a public one checks a token too when one is sent.
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
    found: set[ErrorCode | str] = {*CLIENT_ERRORS, *SERVER_ERRORS, *BEARER_ERRORS}
    if op.scope is Scope.ORGANIZATION:
        found.add(ErrorCode.ORGANIZATION_NOT_SELECTED)
    if op.target is not None or op.nullable:
        found.add(ErrorCode.NOT_FOUND)
    if reference_fields(op.input):
        found.add(ErrorCode.INVALID_REFERENCE)
    if op.idempotent:
        found.update(IDEMPOTENCY_ERRORS)
    return {str(c) for c in found} | _raised(op.handler)


def _raised(fn: Callable[..., Any]) -> frozenset[str]:
    return _codes_of(fn, None).codes


@dataclass(frozen=True)
class _Found:
    codes: frozenset[str]
    # False when the walk met a call back into a function still being walked
    # (recursion): its codes are counted where that walk started, so this
    # partial answer is not remembered for other callers.
    complete: bool = True


# Each function is walked once for all the operations that reach it.
_WALKED: dict[tuple[Any, Any], _Found] = {}
_WALKING: set[tuple[Any, Any]] = set()
_NOTHING = _Found(frozenset())


def _codes_of(fn: Any, owner: type | None) -> _Found:
    fn = _unwrap(fn)
    if not inspect.isfunction(fn) or not _is_project(fn):
        return _NOTHING
    key = (fn, owner)
    if key in _WALKED:
        return _WALKED[key]
    if key in _WALKING:
        return _Found(frozenset(), complete=False)
    _WALKING.add(key)
    try:
        found = _walk(fn, owner)
    finally:
        _WALKING.discard(key)
    if found.complete:
        _WALKED[key] = found
    return found


@cache
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


def _walk(fn: Any, owner: type | None) -> _Found:
    tree = _parse(fn)
    if tree is None:
        return _NOTHING
    scope = _Scope(fn, owner)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            scope.assign(node)
    codes: set[str] = set()
    complete = True

    def follow(target: Any, target_owner: type | None) -> None:
        nonlocal complete
        found = _codes_of(target, target_owner)
        codes.update(found.codes)
        complete = complete and found.complete

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Subscript):  # a table of error classes: `_ERRORS[code](...)`
                table = scope.resolve(node.func.value)
                for value in table.values() if isinstance(table, dict) else ():
                    codes.update(_error_code(value, None))
                continue
            target = scope.resolve(node.func)
            if _is_error(target):
                codes.update(_error_code(target, node))
            elif inspect.isclass(target) and _is_project(target):
                follow(vars(target).get("__init__"), target)
            elif target is not None:
                follow(target, scope.owner_of(node.func))
        elif isinstance(node, ast.Raise) and node.exc is not None and not isinstance(node.exc, ast.Call):
            codes.update(_error_code(scope.resolve(node.exc), None))
        elif isinstance(node, ast.For | ast.AsyncFor):  # checks registered in a list: `for check in CHECKS`
            items = scope.resolve(node.iter)
            for item in items if isinstance(items, list | tuple) else ():
                follow(item, None)
    return _Found(frozenset(codes), complete)


def _is_error(target: Any) -> bool:
    return inspect.isclass(target) and issubclass(target, AppError)


def _error_code(target: Any, node: ast.Call | None) -> set[str]:
    """The code an `AppError` class (called as `node`) carries: its own, or the `code=` given."""
    if not _is_error(target):
        return set()
    code = next((k.value for k in node.keywords if k.arg == "code"), None) if node is not None else None
    if code is None:
        return {str(target.code)}
    if isinstance(code, ast.Constant):
        return {str(code.value)}
    if isinstance(code, ast.Attribute) and code.attr in ErrorCode.__members__:
        return {code.attr}
    return set()


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
            if found is None and isinstance(base, type) and _is_project(base):
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


@cache
def _hints(obj: Any) -> dict[str, Any]:
    """`obj`'s annotations as types, names imported only for type checkers included."""
    module = sys.modules.get(getattr(obj, "__module__", ""))
    if module is None or not (inspect.isclass(obj) or inspect.isfunction(obj)):
        return {}
    try:
        return typing.get_type_hints(obj, globalns=vars(module))
    except NameError:
        pass  # a name imported for type checkers only: look there (parsing the module costs more)
    except Exception:  # noqa: BLE001 (an annotation only a type checker can read)
        return {}
    try:
        return typing.get_type_hints(obj, globalns=vars(module) | _type_checking_names(module))
    except Exception:  # noqa: BLE001
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
