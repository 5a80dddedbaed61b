"""Thread-pool family: sync functions FastAPI sends to its thread pool for nothing.

Codes: FBP111 sync-dependency-without-io (default off).
"""

from __future__ import annotations

import ast
from typing import Iterator

from ..context import FileContext, Report
from ..resolve.walking import own_nodes

CODES = ("FBP111",)
PURE_BUILTINS = frozenset(
    "len int str min max sorted dict list set tuple bool float isinstance".split())
ALLOWED_CALLS = frozenset({f"builtins.{name}" for name in PURE_BUILTINS}
                          | {"fastapi.HTTPException"})
ALLOWED_NAMES = PURE_BUILTINS | {"HTTPException"}


def check(ctx: FileContext) -> Iterator[Report]:
    for function in ctx.module.functions:
        if isinstance(function, ast.FunctionDef) and is_pure_sync_dependency(ctx, function):
            yield ctx.report("FBP111", function, function=method_name(ctx, function))


def method_name(ctx: FileContext, function: ast.FunctionDef) -> str:
    """``pagination``; ``Checker.__call__`` for a method."""
    owner = ctx.module.parents.get(function)
    return f"{owner.name}.{function.name}" if isinstance(owner, ast.ClassDef) else function.name


def is_pure_sync_dependency(ctx: FileContext, function: ast.FunctionDef) -> bool:
    """A plain ``def`` dependency whose body calls nothing but pure builtins and
    ``HTTPException``. Cheap tests first: most functions call something else."""
    if function.decorator_list or function.name == "__init__" or is_stub(function):
        return False  # decorated: async would change what the decorator wraps (lru_cache)
    calls = [n for n in own_nodes(function) if isinstance(n, ast.Call)]
    if not all(_written_name(call.func) in ALLOWED_NAMES for call in calls):
        return False
    if any(ctx.callee(call) not in ALLOWED_CALLS for call in calls):
        return False
    return ctx.fastapi.is_dependency(function)


def is_stub(function: ast.FunctionDef) -> bool:
    """``...``, ``pass`` or a docstring only: a placeholder meant to be overridden."""
    return all(isinstance(s, ast.Pass) or isinstance(s, ast.Expr)
               and isinstance(s.value, ast.Constant) for s in function.body)


def _written_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None
