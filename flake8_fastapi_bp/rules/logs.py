"""Logging: output that bypasses the logging pipeline or loses its structure.

Codes: FBP601 print-in-request-path, FBP602 interpolated-log-message.
"""

from __future__ import annotations

import ast
from typing import Iterator

from ..apis.logging_apis import (ALL_METHODS, FIX_BY_LIBRARY, LEVEL_FIRST, LOGGER_RECEIVERS,
                                 MESSAGE_KEYWORDS, MESSAGE_METHODS)
from ..context import FileContext, Report

CODES = ("FBP601", "FBP602")
STR = "builtins.str"


def check(ctx: FileContext) -> Iterator[Report]:
    yield from prints_on_request_path(ctx)
    yield from interpolated_log_messages(ctx)


# ----- FBP601 ----------------------------------------------------------------------------
def prints_on_request_path(ctx: FileContext) -> Iterator[Report]:
    """FBP601: ``print(...)`` in an endpoint, dependency, middleware, exception handler or
    background-task function."""
    for call in ctx.module.calls:
        if not (isinstance(call.func, ast.Name) and call.func.id == "print"):
            continue
        function = ctx.function_of(call)
        if function is None or ctx.callee(call) != "builtins.print":
            continue
        kind = ctx.fastapi.kind(function)
        if kind is None and ctx.fastapi.is_background_task(function):
            kind = "background task"
        if kind is not None:
            yield ctx.report("FBP601", call, kind=kind, function=function.name)


# ----- FBP602 ----------------------------------------------------------------------------
def interpolated_log_messages(ctx: FileContext) -> Iterator[Report]:
    """FBP602: a logger call whose message is built with an f-string, %, .format() or +."""
    for call in ctx.module.calls:
        func = call.func
        if not isinstance(func, ast.Attribute) or func.attr not in ALL_METHODS:
            continue
        message = _message_argument(call, func.attr)
        if message is None or isinstance(message, ast.Constant):
            continue
        how = interpolation(ctx, message)
        if how is None:
            continue
        library = logger_library(ctx.callee(call))
        if library is not None:
            yield ctx.report("FBP602", call, how=how, fix=FIX_BY_LIBRARY[library])


def logger_library(callee: str | None) -> str | None:
    """``logging.Logger.info`` -> ``logging``; None when the callee is not a logger's
    message method."""
    receiver, _, method = (callee or "").rpartition(".")
    library = LOGGER_RECEIVERS.get(receiver)
    return library if library is not None and method in MESSAGE_METHODS[library] else None


def _message_argument(call: ast.Call, method: str) -> ast.expr | None:
    index = 1 if method in LEVEL_FIRST else 0
    if len(call.args) > index:
        return call.args[index]
    for keyword in call.keywords:
        if keyword.arg in MESSAGE_KEYWORDS:
            return keyword.value
    return None


def interpolation(ctx: FileContext, message: ast.expr) -> str | None:
    """How ``message`` puts run-time values into a string, or None if it does not."""
    if isinstance(message, ast.JoinedStr):
        return "an f-string" if _has_fields(message) else None
    if isinstance(message, ast.BinOp) and isinstance(message.op, ast.Mod):
        if ctx.type_of(message.left) == STR and not _is_constant(message.right):
            return "%-formatting"
        return None
    if isinstance(message, ast.BinOp) and isinstance(message.op, ast.Add):
        parts = list(_added(message))
        if any(_is_string(ctx, part) for part in parts) \
                and not all(_is_constant(part) for part in parts):
            return "+ concatenation"
        return None
    if isinstance(message, ast.Call) and isinstance(message.func, ast.Attribute) \
            and message.func.attr == "format" and ctx.type_of(message.func.value) == STR:
        arguments = [*message.args, *(k.value for k in message.keywords)]
        return "str.format()" if not all(_is_constant(a) for a in arguments) else None
    return None


def _has_fields(joined: ast.JoinedStr) -> bool:
    return any(isinstance(part, ast.FormattedValue) and not isinstance(part.value, ast.Constant)
               for part in joined.values)


def _added(node: ast.expr) -> Iterator[ast.expr]:
    """The operands of ``a + b + c``."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        yield from _added(node.left)
        yield from _added(node.right)
    else:
        yield node


def _is_string(ctx: FileContext, node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or ctx.type_of(node) == STR


def _is_constant(node: ast.expr) -> bool:
    """A literal (or a tuple of literals, or an f-string without fields): nothing run-time."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Tuple):
        return all(_is_constant(element) for element in node.elts)
    return isinstance(node, ast.JoinedStr) and not _has_fields(node)
