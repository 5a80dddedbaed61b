"""Function summaries over the project's sync call graph.

"Does this project function reach a call of kind K within N sync project calls, and by
which chain?" Used by FBP107 (blocking), FBP203 (heavy/sleeping background tasks),
FBP204 (mail sent by a helper), FBP403 (helpers without timeouts).

A summary is the shortest chain found, explored at most ``MAX_DEPTH`` project functions
deep, computed once per (function, kind) per process. Only sync project functions are
followed (an ``async def`` callee is a coroutine: calling it does not run its body).
Calls inside nested ``def``/``class``/``lambda`` are not part of a function.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from typing import Callable

from .resolve.module import ModuleInfo
from .resolve.names import Definition, Resolver, own_nodes

MAX_DEPTH = 10
MAX_VISITS = 20_000

# leaf(module, call) -> a label (e.g. the code "FBP102") when ``call`` is a leaf.
Leaf = Callable[[ModuleInfo, ast.Call], "str | None"]


@dataclass(frozen=True)
class Chain:
    """``names[0]() -> ... -> names[-1]()``; the last one is the leaf call."""

    names: tuple[str, ...]
    label: str
    module: ModuleInfo
    leaf: ast.Call

    @property
    def length(self) -> int:
        """How many project functions the chain goes through."""
        return len(self.names) - 1

    def text(self) -> str:
        calls = " -> ".join(f"{name}()" for name in self.names)
        return f"{calls} ({location(self.module)}:{self.leaf.lineno})"


def location(module: ModuleInfo) -> str:
    if module.path is None:
        return module.name or "?"
    try:
        relative = os.path.relpath(module.path)
    except ValueError:
        return str(module.path)
    return str(module.path) if relative.startswith("..") else relative


def callable_body(definition: Definition) -> ast.AST | None:
    """The sync function a call runs: a def, or a class's ``__init__``."""
    node = definition.node
    if isinstance(node, ast.FunctionDef):
        return node
    if isinstance(node, ast.ClassDef):
        for item in node.body:
            if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                return item
    return None


class CallGraph:
    """Shortest chains to leaf calls, cached per (function, kind) for the process."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self._cache: dict[tuple[str, int], tuple[int, Chain | None]] = {}
        self._active: set[int] = set()
        self._visits = 0

    def chain(self, definition: Definition, kind: str, leaf: Leaf,
              depth: int) -> Chain | None:
        """The shortest chain from calling ``definition`` to a leaf, within ``depth``
        project functions (``depth`` 1: only the function's own body)."""
        depth = min(depth, MAX_DEPTH)
        if depth <= 0:
            return None
        self._visits = 0
        found = self._summary(definition, kind, leaf, depth)
        return found if found is not None and found.length <= depth else None

    def _summary(self, definition: Definition, kind: str, leaf: Leaf,
                 depth: int) -> Chain | None:
        body = callable_body(definition)
        if body is None or depth <= 0:
            return None
        key = (kind, id(body))
        cached = self._cache.get(key)
        if cached is not None and (cached[0] >= depth or cached[1] is not None
                                   and cached[1].length <= depth):
            return cached[1]
        if id(body) in self._active or self._visits > MAX_VISITS:
            return None  # a cycle, or a pathological graph: unknown, not cached
        self._visits += 1
        self._active.add(id(body))
        try:
            result = self._explore(definition.module, body, kind, leaf, depth)
        finally:
            self._active.discard(id(body))
        self._cache[key] = (depth, result)
        return result

    def _explore(self, module: ModuleInfo, body: ast.AST, kind: str, leaf: Leaf,
                 depth: int) -> Chain | None:
        name = getattr(body, "name", "?")
        if name == "__init__":
            owner = module.parents.get(body)
            name = getattr(owner, "name", name)
        calls = sorted((n for n in own_nodes(body) if isinstance(n, ast.Call)),
                       key=lambda c: (c.lineno, c.col_offset))
        for call in calls:
            label = leaf(module, call)
            if label is not None:
                return Chain((name, _leaf_name(call)), label, module, call)
        best: Chain | None = None
        for call in calls:
            callee = self.resolver.definition(module, call)
            if callee is None or isinstance(callee.node, ast.AsyncFunctionDef):
                continue
            sub = self._summary(callee, kind, leaf, depth - 1)
            if sub is not None and (best is None or sub.length + 1 < best.length):
                best = Chain((name, *sub.names), sub.label, sub.module, sub.leaf)
        return best


def _leaf_name(call: ast.Call) -> str:
    from .context import display_name

    return display_name(call.func)


_GRAPHS: dict[int, CallGraph] = {}


def call_graph(resolver: Resolver) -> CallGraph:
    """One call graph per resolver (per project) per process."""
    if id(resolver) not in _GRAPHS:
        _GRAPHS[id(resolver)] = CallGraph(resolver)
    return _GRAPHS[id(resolver)]
