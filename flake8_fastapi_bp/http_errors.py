"""``raise HTTPException(<status>)``: which status a raise gives, read the same way by
the request-check rules (FBP302's 400/422, FBP303's 404)."""

from __future__ import annotations

import ast
import http
import re

from .context import FileContext
from .syntax import keyword_value

HTTP_EXCEPTION = "fastapi.HTTPException"
_STATUS_CONSTANT = re.compile(r"^starlette\.status\.(?:HTTP|WS)_(\d{3})_")
_HTTP_STATUS = "http.HTTPStatus."


def status_code(ctx: FileContext, expr: ast.expr | None) -> int | None:
    """``404``, ``status.HTTP_404_NOT_FOUND``, ``HTTPStatus.NOT_FOUND`` -> 404."""
    if expr is None:
        return None
    if isinstance(expr, ast.Constant) and type(expr.value) is int:
        return expr.value
    name = ctx.qualname(expr)
    if name is None:
        return None
    found = _STATUS_CONSTANT.match(name)
    if found:
        return int(found.group(1))
    if name.startswith(_HTTP_STATUS):
        member = getattr(http.HTTPStatus, name[len(_HTTP_STATUS):], None)
        return int(member) if member is not None else None
    return None


def raised_status(ctx: FileContext, body: list[ast.stmt]) -> int | None:
    """The status of ``raise HTTPException(<status>, ...)`` ending ``body``, when the
    statements before it are simple (a log call, a message built): an ``if`` whose body
    does real work (blocks, awaits) and then gives up is not a check."""
    if not body or not isinstance(body[-1], ast.Raise):
        return None
    if not all(_simple_statement(statement) for statement in body[:-1]):
        return None
    exc = body[-1].exc
    if not isinstance(exc, ast.Call) or ctx.callee(exc) != HTTP_EXCEPTION:
        return None
    given = exc.args[0] if exc.args else keyword_value(exc, "status_code")
    return status_code(ctx, given)


def _simple_statement(statement: ast.stmt) -> bool:
    if not isinstance(statement, (ast.Expr, ast.Assign, ast.AnnAssign)):
        return False
    return not any(isinstance(n, ast.Await) for n in ast.walk(statement))
