"""What the syntax alone says about a name or a class: comprehension variables,
``x = x.method(...)`` rebindings, ``self.attr`` assignments, static and class methods.
"""

from __future__ import annotations

import ast

from .lazy_class import add_methods_mentioning
from .module import (FUNCTION_TYPES, Binding, CacheKey, FunctionNode, ModuleInfo,
                     parsed_statements)
from .walking import walk

COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# Attribute -> its ``self.attr = ...`` statements, per class and number of methods parsed.
SELF_ASSIGNMENTS: CacheKey[dict[str, list[ast.Assign | ast.AnnAssign]]] = \
    CacheKey("self-assignments")


def method_of_itself(binding: Binding, name: str) -> str | None:
    """``x = x.method(...)`` (or ``await x.method(...)``): the method's name."""
    value = binding.value
    if binding.kind != "assign" or binding.annotation is not None:
        return None
    if isinstance(value, ast.Await):
        value = value.value
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) \
            and isinstance(value.func.value, ast.Name) and value.func.value.id == name:
        return value.func.attr
    return None


def bound_by_comprehension(module: ModuleInfo, name: ast.Name) -> bool:
    """Is ``name`` an iteration variable of a comprehension around it? (Python 3 gives
    comprehensions their own scope; only the outermost iterable is evaluated outside.)"""
    previous: ast.AST | None = None
    child: ast.AST = name
    for ancestor in module.ancestors(name):
        if isinstance(ancestor, COMPREHENSIONS):
            first = ancestor.generators[0]
            outside = child is first and previous is first.iter
            if not outside and any(isinstance(target, ast.Name) and target.id == name.id
                                   for generator in ancestor.generators
                                   for target in ast.walk(generator.target)):
                return True
        elif ancestor in module.scopes:
            return False
        previous, child = child, ancestor
    return False


def self_assignments(module: ModuleInfo, classdef: ast.ClassDef,
                     attr: str) -> dict[str, list[ast.Assign | ast.AnnAssign]]:
    """Attribute -> the ``self.attr = ...`` statements of the class's methods (``__init__``
    first, then source order), complete for ``attr``: of a lazy class, the methods that
    do not mention ``self.attr`` may still wait. One walk per class (and per number of
    methods at hand), cached: a class is asked about many attributes."""
    add_methods_mentioning(classdef, f"self.{attr}")
    methods_at_hand = parsed_statements(classdef.body)
    part = (id(classdef), len(methods_at_hand))
    found = module.cache.get(SELF_ASSIGNMENTS, part)
    if found is None:
        index: dict[str, list[ast.Assign | ast.AnnAssign]] = {}
        methods = (n for n in methods_at_hand if isinstance(n, FUNCTION_TYPES))
        for method in sorted(methods, key=lambda m: m.name != "__init__"):
            for node in walk(method):
                if isinstance(node, (ast.Assign, ast.AnnAssign)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for assigned in dict.fromkeys(_self_attr(t) for t in targets):
                        if assigned is not None:
                            index.setdefault(assigned, []).append(node)
        found = module.cache.put(SELF_ASSIGNMENTS, index, part)
    return found


def _self_attr(target: ast.AST) -> str | None:
    """``attr`` for a ``self.attr`` target."""
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
            and target.value.id == "self":
        return target.attr
    return None


def _decorator_words(function: FunctionNode) -> set[str]:
    """The last word of each plain decorator (``staticmethod``, ``functools.cache``)."""
    names = set()
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Name):
            names.add(decorator.id)
        elif isinstance(decorator, ast.Attribute):
            names.add(decorator.attr)
    return names


def is_staticmethod(function: FunctionNode) -> bool:
    return "staticmethod" in _decorator_words(function)


def is_classmethod(function: FunctionNode) -> bool:
    return "classmethod" in _decorator_words(function)
