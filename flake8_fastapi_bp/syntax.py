"""Small syntax helpers shared by the FastAPI model and the rules (no resolution here)."""

from __future__ import annotations

import ast
import re


def written_name(func: ast.expr) -> str:
    """The last name as written: ``get`` for ``requests.get``, ``open`` for ``open``."""
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def attribute_root(expr: ast.expr) -> ast.expr:
    """What an attribute chain starts from: ``requests`` for ``requests.api.get``,
    ``self`` for ``self.model``; the expression itself when it is no attribute."""
    while isinstance(expr, ast.Attribute):
        expr = expr.value
    return expr


def keyword_value(call: ast.Call, name: str) -> ast.expr | None:
    """The value passed as ``name=`` to ``call``, if any."""
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def parameters_with_defaults(arguments: ast.arguments) -> list[tuple[ast.arg, ast.expr | None]]:
    """Each named parameter with its default (None: it has none), positional ones
    first; not ``*args``/``**kwargs``."""
    positional = arguments.posonlyargs + arguments.args
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults))
    pairs = list(zip(positional, defaults + list(arguments.defaults)))
    return pairs + list(zip(arguments.kwonlyargs, arguments.kw_defaults))


# ----- walking ----------------------------------------------------------------------------
# Field types of the grammar that never hold a node: names, strings, constants, flags.
# ``expr_context`` (the shared Load/Store/Del markers) is left out of every walk too.
_LEAF_FIELD_TYPES = frozenset({"identifier", "string", "constant", "int", "expr_context"})
_SIGNATURE = re.compile(r"^(\w+)\((.*)\)$")


def _node_fields(node_type: type[ast.AST]) -> tuple[str, ...]:
    """The fields of ``node_type`` that may hold nodes, read from the grammar line every
    node class carries as its docstring (``Attribute(expr value, identifier attr,
    expr_context ctx)`` -> ``("value",)``); all its fields if that line does not read as
    expected (a new Python may word it differently), but ``ctx``."""
    match = _SIGNATURE.match((node_type.__doc__ or "").strip())
    fields = node_type._fields
    every = tuple(name for name in fields if name != "ctx")
    if match is None or match.group(1) != node_type.__name__:
        return every
    declared = [part.split() for part in match.group(2).split(",") if part.strip()]
    if [pair[-1] for pair in declared] != list(fields) or any(len(p) != 2 for p in declared):
        return every
    return tuple(name for kind, name in declared if kind.rstrip("?*") not in _LEAF_FIELD_TYPES)


class _ChildFields(dict):
    """Node type -> the fields that may hold child nodes (computed once per type)."""

    def __missing__(self, node_type: type[ast.AST]) -> tuple[str, ...]:
        fields = self[node_type] = _node_fields(node_type)
        return fields


CHILD_FIELDS: dict[type[ast.AST], tuple[str, ...]] = _ChildFields()
