"""Walks of a syntax tree without the context markers, over a function's own body or
a whole tree (the resolver, the call graph and the rules walk many functions)."""

from __future__ import annotations

import ast
from collections import deque
from typing import Callable, Iterator

from ..syntax import CHILD_FIELDS
from .module import FUNCTION_TYPES, FunctionNode

_OWN_BODY_ENDS = (*FUNCTION_TYPES, ast.ClassDef, ast.Lambda)


def _push_children(node: ast.AST, append: Callable[[ast.AST], None]) -> None:
    """``append`` each child of ``node`` in ``ast.iter_child_nodes`` order, leaving out the
    ``Load``/``Store``/``Del`` markers. The fields are read in one plain call: the two
    generators of ``iter_child_nodes`` made the walks below twice as slow, and they run
    for every function the rules and the call graph look at."""
    for name in CHILD_FIELDS[type(node)]:
        value = getattr(node, name, None)
        if type(value) is list or isinstance(value, list):  # a class's ``LazyBody`` too
            for item in value:
                if isinstance(item, ast.AST):
                    append(item)
        elif isinstance(value, ast.AST):
            append(value)


def walk(root: ast.AST) -> Iterator[ast.AST]:
    """``ast.walk`` (same order) without the ``Load``/``Store``/``Del`` markers."""
    todo = deque([root])
    while todo:
        node = todo.popleft()
        _push_children(node, todo.append)
        yield node


def own_nodes(function: ast.AST) -> Iterator[ast.AST]:
    """Nodes of a function body, not descending into nested def/class/lambda, in
    ``ast.iter_child_nodes`` stack order; the ``Load``/``Store``/``Del`` markers are left
    out."""
    stack: list[ast.AST] = list(ast.iter_child_nodes(function)) \
        if not isinstance(function, FUNCTION_TYPES) else list(function.body)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, _OWN_BODY_ENDS):
            _push_children(node, stack.append)


def yields(function: FunctionNode) -> bool:
    """Does the function's own body yield (a generator function)?"""
    return any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in own_nodes(function))


def returned_values(function: FunctionNode, yielded: bool) -> Iterator[ast.expr]:
    """The values the function's own body returns (``yielded``: yields)."""
    kinds = (ast.Yield,) if yielded else (ast.Return,)
    for node in own_nodes(function):
        if isinstance(node, kinds) and node.value is not None:
            yield node.value
