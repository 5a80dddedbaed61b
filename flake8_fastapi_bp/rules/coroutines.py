"""Coroutines family: async work that is created and then lost.

Codes: FBP108 coroutine-not-awaited, FBP109 dangling-task.
"""

from __future__ import annotations

import ast
from typing import Iterator

from ..apis.coroutines import COROUTINE_CALLS, TASK_CALLS, TRANSPARENT_DECORATORS
from ..context import FileContext, Report, display_name
from ..fastapi_model import ROUTE_METHODS, ROUTE_OWNERS, project_references
from ..resolve.names import Definition, Resolver, own_nodes
from ..summaries import written_names

CODES = ("FBP108", "FBP109")
# FastAPI/Starlette registration decorators return the function unchanged.
REGISTRATIONS = ROUTE_METHODS | {"middleware", "exception_handler", "on_event"}
LIBRARY_NAMES = frozenset(name.rpartition(".")[2] for name in COROUTINE_CALLS | TASK_CALLS)


def check(ctx: FileContext) -> Iterator[Report]:
    for call in dropped_calls(ctx):
        callee = ctx.callee(call)
        if callee in TASK_CALLS:
            yield ctx.report("FBP109", call, call=display_name(call.func))
        elif callee in COROUTINE_CALLS or is_coroutine_function(ctx, call):
            yield ctx.report("FBP108", call, call=display_name(call.func))


def dropped_calls(ctx: FileContext) -> Iterator[ast.Call]:
    """Calls that are a whole expression statement (their result is thrown away) and
    whose name could make a coroutine or a task: only those are worth resolving."""
    parents = ctx.module.parents
    candidates: frozenset[str] | None = None
    for call in ctx.module.calls:
        if not isinstance(parents.get(call), ast.Expr):
            continue
        names = written_names(ctx.module, call.func)
        if not names:
            continue
        if candidates is None:
            candidates = candidate_names(ctx)
        if candidates is ANY_NAME or not candidates.isdisjoint(names):
            yield call


def candidate_names(ctx: FileContext) -> frozenset[str]:
    """Names a coroutine function or task API can have here: the known async APIs' and
    every ``async def`` of the project (a text scan) and of this very file."""
    references = project_references(ctx.project)
    if not references.complete:
        return ANY_NAME  # a project larger than the scan: its async defs are not all known
    own = {f.name for f in ctx.module.functions if isinstance(f, ast.AsyncFunctionDef)}
    return LIBRARY_NAMES | references.async_defs | own


ANY_NAME: frozenset[str] = frozenset({"<any name>"})  # compared by identity


def is_coroutine_function(ctx: FileContext, call: ast.Call) -> bool:
    """A project ``async def`` (not an async generator) whose decorators keep it one."""
    definition = ctx.definition(call)
    if definition is None or not isinstance(definition.node, ast.AsyncFunctionDef):
        return False
    node = definition.node
    if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in own_nodes(node)):
        return False  # an async generator: calling it makes an async iterator
    return all(keeps_coroutine(ctx.resolver, definition, decorator)
               for decorator in node.decorator_list)


def keeps_coroutine(resolver: Resolver, definition: Definition, decorator: ast.expr) -> bool:
    """Known to leave a coroutine function one; an unknown decorator may wrap it in a
    scheduler ("fire and forget") that is meant to be called bare."""
    module = definition.module
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if resolver.qualname(module, target) in TRANSPARENT_DECORATORS:
        return True
    return (isinstance(decorator, ast.Call) and isinstance(target, ast.Attribute)
            and target.attr in REGISTRATIONS
            and resolver.type_of(module, target.value) in ROUTE_OWNERS)
