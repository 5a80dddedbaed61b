"""Small syntax helpers shared by the FastAPI model and the rules (no resolution here)."""

from __future__ import annotations

import ast


def written_name(func: ast.expr) -> str:
    """The last name as written: ``get`` for ``requests.get``, ``open`` for ``open``."""
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def keyword_value(call: ast.Call, name: str) -> ast.expr | None:
    """The value passed as ``name=`` to ``call``, if any."""
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None
