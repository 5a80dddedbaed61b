"""What the call graph reads of one function body, and how a call runs it.

Each function's own nodes, its calls in source order and whether it yields, found in one
walk and cached on its module; how its branches read; which names its branches and
arguments read; how a call site runs the body (at once, iterated, awaited, off the
caller's thread); how a chain names functions and files.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import Iterator

from .apis.coroutines import CONVERTING_DECORATORS
from .branches import Branching, argument_source, base_name
from .resolve.lazy_class import class_method
from .resolve.module import CacheKey, FunctionNode, ModuleInfo
from .resolve.names import Resolver
from .resolve.values import Definition
from .resolve.walking import own_nodes

# Builtins that iterate their argument at once: ``list(rows())`` runs the generator.
CONSUMERS = frozenset({"list", "tuple", "set", "frozenset", "dict", "sorted", "sum", "min",
                       "max", "any", "all", "next"})


# Builtins that wrap an iterator lazily: ``enumerate(rows())`` runs it when it runs.
LAZY_WRAPPERS = frozenset({"enumerate", "zip", "map", "filter", "iter", "reversed"})


def location(module: ModuleInfo) -> str:
    """The module's path as flake8 users see it: relative to the working directory."""
    return display_location(module.path, module.name)


def display_location(path: Path | None, module_name: str) -> str:
    if path is None:
        return module_name or "?"
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


def callable_body(definition: Definition, awaits: bool = False) -> FunctionNode | None:
    """The sync function a call runs: a def, or a class's ``__init__`` (``awaits``: or
    the ``async def`` an ``await`` runs)."""
    node = definition.node
    if isinstance(node, ast.FunctionDef) or awaits and isinstance(node, ast.AsyncFunctionDef):
        return node
    if isinstance(node, ast.ClassDef):
        init = class_method(definition.module, node, "__init__")
        return init if isinstance(init, ast.FunctionDef) else None
    return None


def runs_when_awaited(module: ModuleInfo, call: ast.Call, definition: Definition) -> bool:
    """``await coroutine_function(...)``: the coroutine's body runs before the caller goes on."""
    return definition.node_type is ast.AsyncFunctionDef \
        and module.awaited(call)


# Per function (by the id of its def): its own nodes, calls in source order, whether it
# yields; and how its branches read.
OWN_BODY: CacheKey[tuple[list[ast.AST], list[ast.Call], bool]] = CacheKey("own body")


BRANCHING: CacheKey[Branching] = CacheKey("branching")


def calls_in_order(module: ModuleInfo, body: FunctionNode) -> list[ast.Call]:
    """The calls of the function's own body in source order."""
    return own_body(module, body)[1]


def own_body(module: ModuleInfo,
             body: FunctionNode) -> tuple[list[ast.AST], list[ast.Call], bool]:
    """The nodes of the function's own body (``own_nodes`` order), its calls in source
    order and whether it yields: one walk per function serves its facts, its entry and
    its branches (each function a chain reaches needs all three)."""
    found = module.cache.get(OWN_BODY, id(body))
    if found is None:
        nodes = list(own_nodes(body))
        calls = [node for node in nodes if isinstance(node, ast.Call)]
        calls.sort(key=lambda c: (c.lineno, c.col_offset))
        yields = any(isinstance(node, (ast.Yield, ast.YieldFrom)) for node in nodes)
        found = module.cache.put(OWN_BODY, (nodes, calls, yields), id(body))
    return found


def branching_of(module: ModuleInfo, body: FunctionNode) -> Branching:
    found = module.cache.get(BRANCHING, id(body))
    if found is None:
        found = module.cache.put(BRANCHING, Branching.of(body, own_body(module, body)[0]),
                                 id(body))
    return found


def names_read(branching: Branching, calls: list[ast.Call]) -> tuple[str, ...]:
    """Names the body's ``if`` tests read and names its calls pass as arguments: the
    only names whose constants decide a branch here or reach a callee."""
    names = {node.id for branch in branching.ifs for node in ast.walk(branch.test)
             if isinstance(node, ast.Name)}
    for call in calls:
        for argument in (*call.args, *(keyword.value for keyword in call.keywords)):
            source = argument_source(argument)
            if source is not None:
                names.add(base_name(source))
    for name, value, _ in reversed(branching.derivable):  # ``x = kwargs.get(...)``
        if name in names:
            names.update(node.id for node in ast.walk(value) if isinstance(node, ast.Name))
    return tuple(sorted(names))  # a few names: a tuple is a quarter of a frozenset's size


def receiver_kind(module: ModuleInfo, body: FunctionNode) -> str:
    """``__init__`` always takes the instance; a method called through an attribute does
    unless a ``staticmethod``; a function never."""
    if body.name == "__init__":
        return "always"
    if not isinstance(module.parents.get(body), ast.ClassDef):
        return "never"
    static = any(isinstance(d, ast.Name) and d.id == "staticmethod"
                 for d in body.decorator_list)
    return "never" if static else "attribute"


def function_name(module: ModuleInfo, body: FunctionNode) -> str:
    """``helper``, ``Client.fetch``; a constructor is named after its class."""
    owner = module.parents.get(body)
    if isinstance(owner, ast.ClassDef):
        return owner.name if body.name == "__init__" else f"{owner.name}.{body.name}"
    return body.name


def leaf_name(call: ast.Call) -> str:
    from .context import display_name

    return display_name(call.func)


def is_generator(module: ModuleInfo, function: FunctionNode) -> bool:
    """Does the function's own body yield?"""
    return own_body(module, function)[2]


def decorator_qualnames(resolver: Resolver, module: ModuleInfo,
                        function: FunctionNode) -> Iterator[str | None]:
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        yield resolver.qualname(module, target)


def decorated_with(resolver: Resolver, module: ModuleInfo, function: FunctionNode,
                   name: str) -> bool:
    return any(found == name for found in decorator_qualnames(resolver, module, function))


def converted_off_thread(resolver: Resolver, module: ModuleInfo,
                         function: FunctionNode) -> bool:
    """Wrapped so that calling it no longer runs the body on the caller's thread."""
    if not function.decorator_list:
        return False
    return any(found in CONVERTING_DECORATORS
               for found in decorator_qualnames(resolver, module, function))


def iterated_on_the_spot(module: ModuleInfo, call: ast.Call) -> bool:
    """``for x in gen()``, ``[... for x in gen()]``, ``list(gen())``, ``yield from gen()``."""
    parent = module.parents.get(call)
    if isinstance(parent, (ast.For, ast.comprehension)):
        return parent.iter is call
    if isinstance(parent, ast.YieldFrom):
        return True
    if isinstance(parent, ast.Call) and call in parent.args:
        func = parent.func
        if isinstance(func, ast.Name) and func.id in LAZY_WRAPPERS:
            return iterated_on_the_spot(module, parent)
        if isinstance(func, ast.Name) and func.id in CONSUMERS:
            return True
        return isinstance(func, ast.Attribute) and func.attr == "join"
    return False
