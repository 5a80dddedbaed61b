"""Lookups in endpoints: a lookup-and-404 written in each endpoint instead of a shared
dependency.

Codes: FBP303 lookup-validation-in-endpoint (default off).
"""

from __future__ import annotations

import ast
import re
from typing import Iterator, cast

from ..apis.lookups import ACTION_VERBS, COLLECTION_VERBS
from ..context import FileContext, Report
from ..http_errors import raised_status
from ..resolve.module import Binding, FunctionNode, ModuleInfo
from ..resolve.syntax_facts import bound_by_comprehension
from ..resolve.walking import own_nodes
from ..syntax import written_name

CODES = ("FBP303",)
NOT_FOUND = frozenset({404})


def check(ctx: FileContext) -> Iterator[Report]:
    for endpoint in ctx.module.functions:
        if ctx.fastapi.is_endpoint(endpoint):
            yield from lookups_in_endpoint(ctx, endpoint)


def lookups_in_endpoint(ctx: FileContext, endpoint: FunctionNode) -> Iterator[Report]:
    """``x = <lookup keyed on request data>`` then ``if x is None`` / ``if not x``:
    ``raise HTTPException(404)``."""
    flow: RequestFlow | None = None
    for node in own_nodes(endpoint):
        if not isinstance(node, ast.If):
            continue
        name = _missing_test(node.test)
        if name is None or raised_status(ctx, node.body) not in NOT_FOUND:
            continue
        lookup = _assigned_call_before(ctx, node, name)
        if lookup is None or not is_lookup(lookup):
            continue
        flow = flow or RequestFlow(ctx, endpoint)
        if flow.reads_request(lookup):
            yield ctx.report("FBP303", node, name=name, function=endpoint.name)


def _missing_test(test: ast.expr) -> str | None:
    """``x is None`` or ``not x``: x."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) \
            and isinstance(test.operand, ast.Name):
        return test.operand.id
    if isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) \
            and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is) \
            and isinstance(test.comparators[0], ast.Constant) \
            and test.comparators[0].value is None:
        return test.left.id
    return None


def _assigned_call_before(ctx: FileContext, node: ast.If, name: str) -> ast.Call | None:
    """The call of ``name = <call>`` / ``name = await <call>`` when that is the last
    statement before ``node`` (same block) that binds ``name``."""
    for statement in reversed(_previous_siblings(ctx, node)):
        if not _binds(statement, name):
            continue
        value = _single_assignment(statement, name)
        if isinstance(value, ast.Await):
            value = value.value
        return value if isinstance(value, ast.Call) else None
    return None


def is_lookup(call: ast.Call) -> bool:
    """Not an action (``delete_item(...)``, ``update_rsvp(...)``) that reports "nothing
    to act on" with a falsy result, nor a search or listing that came back empty."""
    verb = _first_word(written_name(call.func))
    return verb not in ACTION_VERBS and verb not in COLLECTION_VERBS


def _first_word(name: str) -> str:
    """``_delete_items`` -> ``delete``, ``deleteItems`` -> ``delete``."""
    words = _WORDS.findall(name.lstrip("_"))
    return words[0].lower() if words else ""


_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


class RequestFlow:
    """Which expressions of an endpoint carry request data: its request parameters and
    the locals computed from them. A local that holds a looked-up object (assigned from a
    call, then tested for missing) does not carry it further: ``session.get(Run,
    run.id)`` re-reads a row already found, it does not validate input."""

    def __init__(self, ctx: FileContext, endpoint: FunctionNode) -> None:
        self.module = ctx.module
        self.scope = ctx.module.scopes[endpoint]
        self.parameters = set(ctx.fastapi.request_parameters(endpoint))
        self.tested = _tested_names(endpoint)
        self._carries: dict[str, bool] = {}

    def reads_request(self, expr: ast.AST) -> bool:
        # A comprehension's own variables are items of its iterable, which is read too.
        return any(isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
                   and not bound_by_comprehension(self.module, n)
                   and self.carries(n.id) for n in ast.walk(expr))

    def carries(self, name: str) -> bool:
        if name not in self._carries:
            self._carries[name] = False  # a local computed from itself: no
            self._carries[name] = any(self._binding_carries(name, binding)
                                      for binding in self.scope.bindings.get(name, []))
        return self._carries[name]

    def _binding_carries(self, name: str, binding: Binding) -> bool:
        if binding.kind == "param":
            return binding.node in self.parameters
        value = _bound_value(self.module, binding)
        if value is None:
            return False
        if name in self.tested and isinstance(_awaited(cast(ast.expr, value)), ast.Call):
            return False  # a looked-up object
        return self.reads_request(value)


def _awaited(expr: ast.expr) -> ast.expr:
    return expr.value if isinstance(expr, ast.Await) else expr


def _bound_value(module: ModuleInfo, binding: Binding) -> ast.AST | None:
    """What a local was computed from: the assigned value, the ``with`` expression, the
    iterable of a ``for``, the right side of an unpacking."""
    if binding.kind in ("assign", "with"):
        return binding.value
    node = binding.node
    parent = module.parents.get(node) if node is not None else None
    while isinstance(parent, (ast.Tuple, ast.List, ast.Starred)):
        node, parent = parent, module.parents.get(parent)
    if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and node is parent.target:
        return parent.iter
    if isinstance(parent, ast.Assign) and node in parent.targets:
        return parent.value
    return None


def _tested_names(function: FunctionNode) -> set[str]:
    """Names a test of the function checks for missing: ``if x``, ``not x``,
    ``x is None``, ``x is not None`` (also inside ``and``/``or``)."""
    names: set[str] = set()
    for node in own_nodes(function):
        if isinstance(node, (ast.If, ast.IfExp, ast.While, ast.Assert)):
            names.update(_checked_names(node.test))
    return names


def _checked_names(test: ast.expr) -> Iterator[str]:
    if isinstance(test, ast.Name):
        yield test.id
    elif isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        yield from _checked_names(test.operand)
    elif isinstance(test, ast.BoolOp):
        for value in test.values:
            yield from _checked_names(value)
    elif isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) \
            and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Is, ast.IsNot)) \
            and isinstance(test.comparators[0], ast.Constant) \
            and test.comparators[0].value is None:
        yield test.left.id


def _previous_siblings(ctx: FileContext, node: ast.stmt) -> list[ast.stmt]:
    parent = ctx.module.parents.get(node)
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and node in block:
            return block[:block.index(node)]
    return []


def _binds(statement: ast.stmt, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
               for n in ast.walk(statement))


def _single_assignment(statement: ast.stmt, name: str) -> ast.expr | None:
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        if isinstance(target, ast.Name) and target.id == name:
            return statement.value
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return statement.value
    return None
