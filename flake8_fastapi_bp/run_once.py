"""Run-once code: statements of a function that run once per process (or per object),
guarded by a flag that outlives the call (see ``branches.py`` for the reading of branches
the call graph uses alongside)."""

from __future__ import annotations

import ast
from typing import Sequence

from .branches import Branching, ends_in_exit, node_ids
from .resolve.module import FunctionNode


def run_once_nodes(function: FunctionNode,
                   branching: Branching | None = None) -> frozenset[int]:
    """ids of the nodes that run once per process or object: the body of
    ``if <flag unset>:`` that sets the flag, and what follows ``if <flag set>: return``
    when it sets the flag."""
    branching = branching or Branching.of(function)
    persistent = branching.persistent
    once: set[int] = set()
    for block in branching.blocks:
        for index, statement in enumerate(block):
            if not isinstance(statement, ast.If):
                continue
            flag = _unset_flag(statement.test, persistent)
            if flag is not None and _assigns(statement.body, flag):
                once.update(node_ids(statement.body))
            flag = _flag(statement.test, persistent, unset=False)
            rest = block[index + 1:]
            if flag is not None and ends_in_exit(statement.body) and _assigns(rest, flag):
                once.update(node_ids(rest))
    return frozenset(once)


def _unset_flag(test: ast.expr, persistent: frozenset[str]) -> str | None:
    """The flag of an "unset" test, also when ``or`` adds checks on the same flag that
    make it stale (``_client is None or _client.closed``, ``not _loop or not
    _loop.is_running()``): the body then runs once per (re)creation."""
    if not (isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or)):
        return _flag(test, persistent, unset=True)
    flag = _flag(test.values[0], persistent, unset=True)
    if flag is None or not all(_mentions(value, flag) for value in test.values[1:]):
        return None
    return flag


def _mentions(test: ast.expr, flag: str) -> bool:
    return any(isinstance(node, (ast.Name, ast.Attribute)) and ast.unparse(node) == flag
               for node in ast.walk(test))


def _flag(test: ast.expr, persistent: frozenset[str], unset: bool) -> str | None:
    """The flag a test reads: ``not F`` / ``F is None`` / ``F != v`` / ``F is not v``
    (unset: a per-process memo such as ``_PID != os.getpid()`` is stale) or ``F`` /
    ``F is not None`` / ``F == v`` / ``F is v`` (set), F an attribute or a
    global/nonlocal name."""
    negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
    target: ast.expr | None = test.operand if negated else test  # type: ignore[attr-defined]
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        op, right = test.ops[0], test.comparators[0]
        if isinstance(right, ast.Constant) and right.value is None \
                and isinstance(op, (ast.Is, ast.IsNot)):
            negated, target = isinstance(op, ast.Is), test.left
        elif isinstance(op, (ast.NotEq, ast.IsNot, ast.Eq, ast.Is)):
            negated = isinstance(op, (ast.NotEq, ast.IsNot))
            target = test.left if _is_flag(test.left, persistent) else right
        else:
            target = None
    if negated != unset or target is None or not _is_flag(target, persistent):
        return None
    return ast.unparse(target)


def _is_flag(node: ast.expr, persistent: frozenset[str]) -> bool:
    """An attribute or a global/nonlocal name: it outlives the call."""
    return isinstance(node, ast.Attribute) or (isinstance(node, ast.Name)
                                               and node.id in persistent)


def _assigns(statements: Sequence[ast.stmt], flag: str) -> bool:
    for statement in statements:
        for node in ast.walk(statement):
            targets: list[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                targets = [node.target]
            if any(ast.unparse(t) == flag for t in targets):
                return True
    return False
