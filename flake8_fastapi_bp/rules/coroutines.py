"""Coroutines family: async work that is created and then lost.

Codes: FBP108 coroutine-not-awaited, FBP109 dangling-task.
"""

from __future__ import annotations

import ast
from typing import Iterator

from ..apis.coroutines import COROUTINE_CALLS, TASK_CALLS, TRANSPARENT_DECORATORS
from ..context import FileContext, Report, display_name
from ..fastapi_model import ROUTE_METHODS, is_route_owner_instance
from ..resolve.module import CacheKey, ModuleInfo
from ..resolve.names import Resolver
from ..resolve.project_references import project_references
from ..resolve.values import Definition
from ..resolve.walking import own_nodes
from ..call_names import written_names

CODES = ("FBP108", "FBP109")
# FastAPI/Starlette registration decorators return the function unchanged.
REGISTRATIONS = ROUTE_METHODS | {"middleware", "exception_handler", "on_event"}
LIBRARY_NAMES = frozenset(name.rpartition(".")[2] for name in COROUTINE_CALLS | TASK_CALLS)


def check(ctx: FileContext) -> Iterator[Report]:
    for call in dropped_calls(ctx):
        callee = ctx.callee(call)
        if callee in TASK_CALLS:
            lost = "" if catches_everything(ctx, call) else " and its exception is lost"
            yield ctx.report("FBP109", call, call=display_name(call.func), lost=lost)
        elif callee in COROUTINE_CALLS or is_coroutine_function(ctx, call):
            yield ctx.report("FBP108", call, call=display_name(call.func))


def catches_everything(ctx: FileContext, task_call: ast.Call) -> bool:
    """``create_task(job())`` where the whole body of the project ``async def job`` is a
    ``try`` with a catch-all handler that does not re-raise: no exception is left to lose
    (the task can still be collected mid-flight)."""
    coroutine = task_call.args[0] if task_call.args else None
    if not isinstance(coroutine, ast.Call):
        return False
    definition = ctx.definition(coroutine)
    node = definition.node if definition is not None else None
    if not isinstance(node, ast.AsyncFunctionDef):
        return False
    body = node.body[1:] if is_docstring(node.body[0]) else node.body
    return len(body) == 1 and isinstance(body[0], ast.Try) \
        and any(is_catch_all(ctx, handler) for handler in body[0].handlers)


def is_catch_all(ctx: FileContext, handler: ast.ExceptHandler) -> bool:
    """``except:``, ``except Exception``/``BaseException`` whose body does not re-raise."""
    caught = handler.type
    if caught is not None and ctx.resolver.qualname(ctx.module, caught) not in CATCH_ALL:
        return False
    return not any(isinstance(node, ast.Raise) for statement in handler.body
                   for node in ast.walk(statement))


CATCH_ALL = frozenset({"builtins.Exception", "builtins.BaseException", "Exception",
                       "BaseException"})


def is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) \
        and isinstance(statement.value.value, str)


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
    if not all(keeps_coroutine(ctx.resolver, definition, decorator)
               for decorator in node.decorator_list):
        return False
    return not (is_placeholder(node) and overridden_by_sync_def(ctx, definition, node))


def is_placeholder(function: ast.AsyncFunctionDef) -> bool:
    """A body of only ``pass``, ``...``, a docstring or ``raise NotImplementedError``: an
    abstract-ish method whose subclasses supply the real one."""
    return all(isinstance(statement, ast.Pass) or is_docstring(statement)
               or (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))
               or is_not_implemented(statement) for statement in function.body)


def is_not_implemented(statement: ast.stmt) -> bool:
    if not isinstance(statement, ast.Raise) or statement.exc is None:
        return False
    raised = statement.exc.func if isinstance(statement.exc, ast.Call) else statement.exc
    return isinstance(raised, ast.Name) and raised.id == "NotImplementedError"


OVERRIDDEN_BY_SYNC: CacheKey[bool] = CacheKey("FBP108 overridden by a sync def")


def overridden_by_sync_def(ctx: FileContext, definition: Definition,
                           method: ast.AsyncFunctionDef) -> bool:
    """Does a project subclass (direct or not) of the method's class override it with a
    sync ``def``? Then a call through the base class may not make a coroutine at all.
    A text scan of class headers and the methods indented below them."""
    owner = definition.module.parents.get(method)
    if not isinstance(owner, ast.ClassDef):
        return False
    cache = definition.module.cache
    found = cache.get(OVERRIDDEN_BY_SYNC, method.lineno)
    if found is None:
        found = cache.put(OVERRIDDEN_BY_SYNC, project_references(
            ctx.project).subclasses_overriding_with_sync(ctx.project, owner.name, method.name),
            method.lineno)
    return found


def keeps_coroutine(resolver: Resolver, definition: Definition, decorator: ast.expr) -> bool:
    """Known to leave a coroutine function one; an unknown decorator may wrap it in a
    scheduler ("fire and forget") that is meant to be called bare."""
    module = definition.module
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if resolver.qualname(module, target) in TRANSPARENT_DECORATORS:
        return True
    if wraps_in_coroutine_function(resolver, module, decorator):
        return True
    if not (isinstance(decorator, ast.Call) and isinstance(target, ast.Attribute)
            and target.attr in REGISTRATIONS):
        return False
    owner = resolver.value(module, target.value)
    return owner is not None and owner.instance and is_route_owner_instance(resolver, owner)


def wraps_in_coroutine_function(resolver: Resolver, module: ModuleInfo,
                                decorator: ast.expr) -> bool:
    """A project decorator that returns an ``async def`` of its own (``@wraps(func) async
    def wrapper(...)``), or a decorator factory (``@record(kind)``) whose decorator does."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    found = resolver.value(module, target)
    function = found.definition.node if found is not None and not found.instance \
        and found.definition is not None else None
    if not isinstance(function, ast.FunctionDef):
        return False
    if isinstance(decorator, ast.Call):
        function = returned_function(function)
    inner = returned_function(function) if isinstance(function, ast.FunctionDef) else None
    return isinstance(inner, ast.AsyncFunctionDef) \
        and not any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in own_nodes(inner))


def returned_function(function: ast.FunctionDef) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The nested def that every ``return`` of ``function`` returns by name, if one."""
    nested = {node.name: node for node in function.body
              if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    returned = {node.value.id if isinstance(node.value, ast.Name) else None
                for node in own_nodes(function) if isinstance(node, ast.Return)}
    name = returned.pop() if len(returned) == 1 else None
    if name is None or any(isinstance(node, ast.Name) and node.id == name
                           and isinstance(node.ctx, ast.Store) for node in own_nodes(function)):
        return None  # several results, or the def rebound (``wrapper = other(wrapper)``)
    return nested.get(name)
