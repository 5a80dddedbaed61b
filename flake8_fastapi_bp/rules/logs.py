"""Logging: output that bypasses the logging pipeline or loses its structure.

Codes: FBP601 print-in-request-path, FBP602 interpolated-log-message.
"""

from __future__ import annotations

import ast
from typing import Iterator

from ..apis.logging_apis import (ALL_METHODS, EXCEPTION_TEXT_NAMES, FIX_BY_LIBRARY,
                                 LEVEL_FIRST, LOGGER_RECEIVERS, MESSAGE_KEYWORDS,
                                 MESSAGE_METHODS, QUIET_LEVELS, QUIET_METHODS)
from ..context import FileContext, Report, never_deployed
from ..fastapi_model import model_of
from ..request_path import request_path_caller, role
from ..resolve.module import FunctionNode, ModuleInfo
from ..resolve.names import Resolver
from ..resolve.walking import own_nodes
from ..call_graph import call_graph, location

CODES = ("FBP601", "FBP602")
STR = "builtins.str"


def check(ctx: FileContext) -> Iterator[Report]:
    if never_deployed(ctx):
        return
    yield from prints_on_request_path(ctx)
    yield from interpolated_log_messages(ctx)


# ----- FBP601 ----------------------------------------------------------------------------
def prints_on_request_path(ctx: FileContext) -> Iterator[Report]:
    """FBP601: ``print(...)`` in an endpoint, dependency, middleware, exception handler or
    background-task function, or in a project helper such a function calls directly (a
    sync call, or an ``await`` of an async helper)."""
    for function in ctx.module.functions:
        kind = role(ctx.fastapi, function)
        if kind is None:
            continue
        for call in _calls_of(function):
            if is_builtin_print(ctx.resolver, ctx.module, call):
                yield ctx.report("FBP601", call, where=f"in {kind} {function.name}()")
                continue
            found = _print_in_helper(ctx, call)
            if found is not None:
                helper, module, leaf = found
                where = (f"in {helper}() ({location(module)}:{leaf.lineno}), called from "
                         f"{kind} {function.name}()")
                yield ctx.report("FBP601", call, where=where)


def is_builtin_print(resolver: Resolver, module: ModuleInfo, call: ast.Call) -> bool:
    return isinstance(call.func, ast.Name) and call.func.id == "print" \
        and resolver.callee(module, call) == "builtins.print"


def _calls_of(function: ast.AST) -> list[ast.Call]:
    """The calls of the function's own body (not of nested defs), in source order."""
    return sorted((n for n in own_nodes(function) if isinstance(n, ast.Call)),
                  key=lambda c: (c.lineno, c.col_offset))


def _print_in_helper(ctx: FileContext,
                     call: ast.Call) -> tuple[str, ModuleInfo, ast.Call] | None:
    """(helper name, its module, the print) when ``call`` runs a project helper whose own
    body prints; None when it runs none, or one that is itself a request-path function
    (its print is reported there)."""
    if not isinstance(call.func, (ast.Name, ast.Attribute)):
        return None
    definition = ctx.definition(call)
    if definition is None:
        return None

    def leaf(module: ModuleInfo, inner: ast.Call) -> str | None:
        return "print" if is_builtin_print(ctx.resolver, module, inner) else None

    node, module = definition.node, definition.module
    if isinstance(node, ast.AsyncFunctionDef):
        # Calling an async helper only creates a coroutine: its body runs when awaited.
        if not ctx.module.awaited(call):
            return None
        printed = next((c for c in _calls_of(node) if leaf(module, c)), None)
        owner = module.parents.get(node)
        name = f"{owner.name}.{node.name}" if isinstance(owner, ast.ClassDef) else node.name
        found = (name, module, printed) if printed is not None else None
    else:
        own = call_graph(ctx.resolver).own_leaf(definition, "FBP601", leaf)
        found = (own[1].names[0], module, own[0]) if own is not None else None
    if found is None or _is_request_path_elsewhere(ctx, found[1], found[2]):
        return None
    return found


def _is_request_path_elsewhere(ctx: FileContext, module: ModuleInfo, leaf: ast.Call) -> bool:
    function = module.enclosing_function(leaf)
    if function is None:
        return False
    return role(model_of(module, ctx.resolver, ctx.project), function) is not None


# ----- FBP602 ----------------------------------------------------------------------------
def interpolated_log_messages(ctx: FileContext) -> Iterator[Report]:
    """FBP602: a logger call whose message is built with an f-string, %, .format() or +,
    where the line runs on the request path (or anywhere, with ``--fbp-log-scope=all``)."""
    scope = LogScope(ctx)
    for call in ctx.module.calls:
        func = call.func
        if not isinstance(func, ast.Attribute) or func.attr not in ALL_METHODS:
            continue
        message = _message_argument(call, func.attr)
        if message is None or isinstance(message, ast.Constant) or at_quiet_level(call, func.attr):
            continue
        how = interpolation(ctx, message)
        if how is None or only_the_caught_exception(ctx, call, message):
            continue
        library = logger_library(ctx.callee(call))
        if library is None:
            continue
        where = scope.where(call)
        if where is not None:
            # On the message's own line when it starts below the call: where its noqa goes.
            at = message if message.lineno != call.lineno else call
            yield ctx.report("FBP602", at, how=how, where=where, fix=FIX_BY_LIBRARY[library])


class LogScope:
    """Where FBP602 looks: by default the functions that run on the request path (a
    FastAPI role, or a project helper one of them calls directly); each function asked
    once per file."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.everywhere = ctx.settings.log_scope == "all"
        self._answers: dict[FunctionNode | None, str | None] = {}

    def where(self, call: ast.Call) -> str | None:
        """`` in endpoint f()``-like text for the message ("" when every log call is
        checked), or None when the call is out of scope."""
        if self.everywhere:
            return ""
        function = self.ctx.function_of(call)
        if function not in self._answers:
            self._answers[function] = self._where(function)
        return self._answers[function]

    def _where(self, function: FunctionNode | None) -> str | None:
        if function is None:
            return None
        kind = role(self.ctx.fastapi, function)
        if kind is not None:
            return f" in {kind} {function.name}()"
        caller = request_path_caller(self.ctx.resolver, self.ctx.project, self.ctx.module,
                                     function)
        if caller is None:
            return None
        owner = self.ctx.module.parents.get(function)
        name = f"{owner.name}.{function.name}" if isinstance(owner, ast.ClassDef) \
            else function.name
        return f" in {name}(), called from {caller.text()}"


def at_quiet_level(call: ast.Call, method: str) -> bool:
    """``log.debug(...)``, ``log.log(logging.DEBUG, ...)``: a level production runs with
    off, so no log platform groups its lines."""
    if method in QUIET_METHODS:
        return True
    if method in LEVEL_FIRST and call.args:
        level = call.args[0]
        written = level.attr if isinstance(level, ast.Attribute) else \
            level.value if isinstance(level, ast.Constant) else None
        return isinstance(written, str) and written.upper() in QUIET_LEVELS
    return False


def only_the_caught_exception(ctx: FileContext, call: ast.Call, message: ast.expr) -> bool:
    """In ``except E as e:``, a message whose run-time parts are only ``e`` (``str(e)``,
    ``traceback.format_exc()``...): it names the error and nothing of the request, the
    common and harmless form of an error line."""
    handler = _enclosing_handler(ctx, call)
    if handler is None or handler.name is None:
        return False
    allowed = EXCEPTION_TEXT_NAMES | {handler.name}
    return all(name.id in allowed for part in _run_time_parts(ctx, message)
               for name in ast.walk(part) if isinstance(name, ast.Name))


def _enclosing_handler(ctx: FileContext, call: ast.Call) -> ast.ExceptHandler | None:
    """The ``except`` clause around ``call`` within its own function."""
    for ancestor in ctx.module.ancestors(call):
        if isinstance(ancestor, ast.ExceptHandler):
            return ancestor
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                 ast.ClassDef)):
            return None
    return None


def _run_time_parts(ctx: FileContext, message: ast.expr) -> Iterator[ast.expr]:
    """The expressions that put run-time values into the message."""
    if isinstance(message, ast.JoinedStr):
        parts: list[ast.expr] = [part.value for part in message.values
                                 if isinstance(part, ast.FormattedValue)]
    elif isinstance(message, ast.BinOp) and isinstance(message.op, ast.Mod):
        right = message.right
        parts = list(right.elts) if isinstance(right, ast.Tuple) else [right]
    elif isinstance(message, ast.BinOp):
        parts = list(_added(message))
    elif isinstance(message, ast.Call):
        parts = [*message.args, *(k.value for k in message.keywords)]
    else:
        parts = [message]
    for part in parts:
        if isinstance(part, ast.JoinedStr):
            yield from _run_time_parts(ctx, part)
        elif not _is_constant(ctx, part):
            yield part


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
        return "an f-string" if _has_fields(ctx, message) else None
    if isinstance(message, ast.BinOp) and isinstance(message.op, ast.Mod):
        if ctx.type_of(message.left) == STR and not _is_constant(ctx, message.right):
            return "%-formatting"
        return None
    if isinstance(message, ast.BinOp) and isinstance(message.op, ast.Add):
        parts = list(_added(message))
        if any(_is_string(ctx, part) for part in parts) \
                and not all(_is_constant(ctx, part) for part in parts):
            return "+ concatenation"
        return None
    if isinstance(message, ast.Call) and isinstance(message.func, ast.Attribute) \
            and message.func.attr == "format" and ctx.type_of(message.func.value) == STR:
        arguments = [*message.args, *(k.value for k in message.keywords)]
        return "str.format()" if not all(_is_constant(ctx, a) for a in arguments) else None
    return None


def _has_fields(ctx: FileContext, joined: ast.JoinedStr) -> bool:
    """Does the f-string put a run-time value in (not only literals and constants)?"""
    return any(isinstance(part, ast.FormattedValue) and not _is_constant(ctx, part.value)
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


def _is_constant(ctx: FileContext, node: ast.expr) -> bool:
    """Nothing run-time: a literal, a tuple of them, an f-string without run-time fields,
    a name bound once to a literal (``HOST_INFO_FILE``, also imported), an enum member's
    ``.value``/``.name``. The message is then the same on every call."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Tuple):
        return all(_is_constant(ctx, element) for element in node.elts)
    if isinstance(node, ast.JoinedStr):
        return not _has_fields(ctx, node)
    if isinstance(node, (ast.Name, ast.Attribute)):
        return _names_a_literal(ctx, node) or _is_enum_member_label(ctx, node)
    return False


def _names_a_literal(ctx: FileContext, node: ast.Name | ast.Attribute) -> bool:
    found = ctx.resolver.bound_expression(ctx.module, node)
    return found is not None and isinstance(found[1], ast.Constant)


def _is_enum_member_label(ctx: FileContext, node: ast.expr) -> bool:
    """``Errors.missing_package.value`` / ``.name`` of a member of an Enum class."""
    return isinstance(node, ast.Attribute) and node.attr in ("value", "name") \
        and isinstance(node.value, ast.Attribute) and ctx.is_enum_class(node.value.value)
