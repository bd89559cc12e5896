"""mypy plugin: the classes the platform builds at run time, as mypy should see them.

`UnitRead = derive(Unit, ...)` and `UnitConnection = connection_model(UnitRead)` make pydantic
models at import time; `UnitType = output_type(UnitRead)` makes a Strawberry type. Without help
mypy sees variables, which annotations may not name, and every handler signature needed an ignore.

- A derived pydantic model becomes a subclass of `ApiModel` whose fields mypy can't know: its
  methods (`model_validate`, `model_dump`, ...) are checked, a field read or a keyword is Any.
- A Strawberry type becomes an alias of Any: Strawberry reads fields off whatever a resolver
  returns (an ORM row, a pydantic model), so no class describes those values better.
"""

from __future__ import annotations

from collections.abc import Callable

from mypy.nodes import (
    ARG_STAR,
    ARG_STAR2,
    GDEF,
    Argument,
    Block,
    ClassDef,
    SymbolTable,
    SymbolTableNode,
    TypeAlias,
    TypeInfo,
    Var,
)
from mypy.plugin import DynamicClassDefContext, Plugin
from mypy.plugins.common import add_method_to_class
from mypy.types import AnyType, Instance, NoneType, TypeOfAny

MODEL_BUILDERS = {"graph.schemas.derive", "graph.schemas.connection_model"}
GRAPHQL_TYPE_BUILDERS = {"graph.gqltypes.output_type", "graph.gqltypes.input_type"}
API_MODEL = "graph.schemas.ApiModel"


def _declare_model(ctx: DynamicClassDefContext) -> None:
    base = ctx.api.lookup_fully_qualified_or_none(API_MODEL)
    if base is None or not isinstance(base.node, TypeInfo):
        ctx.api.defer()  # ApiModel isn't analysed yet: mypy calls again
        return
    class_def = ClassDef(ctx.name, Block([]))
    class_def.fullname = ctx.api.qualified_name(ctx.name)
    info = TypeInfo(SymbolTable(), class_def, ctx.api.cur_mod_id)
    class_def.info = info
    info.bases = [Instance(base.node, [])]
    info.mro = [info, *base.node.mro]
    info.metaclass_type = base.node.metaclass_type
    info.fallback_to_any = True
    anything = AnyType(TypeOfAny.special_form)
    add_method_to_class(
        ctx.api,
        class_def,
        "__init__",
        [
            Argument(Var("args", anything), anything, None, ARG_STAR),
            Argument(Var("kwargs", anything), anything, None, ARG_STAR2),
        ],
        NoneType(),
    )
    ctx.api.add_symbol_table_node(ctx.name, SymbolTableNode(GDEF, info))


def _declare_any(ctx: DynamicClassDefContext) -> None:
    alias = TypeAlias(
        AnyType(TypeOfAny.special_form), ctx.api.qualified_name(ctx.name), ctx.api.cur_mod_id, ctx.call.line, ctx.call.column
    )
    ctx.api.add_symbol_table_node(ctx.name, SymbolTableNode(GDEF, alias))


class RunTimeClasses(Plugin):
    def get_dynamic_class_hook(self, fullname: str) -> Callable[[DynamicClassDefContext], None] | None:
        if fullname in MODEL_BUILDERS:
            return _declare_model
        if fullname in GRAPHQL_TYPE_BUILDERS:
            return _declare_any
        return None


def plugin(version: str) -> type[Plugin]:
    return RunTimeClasses
