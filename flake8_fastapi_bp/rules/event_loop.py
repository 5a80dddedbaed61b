"""Event loop family: blocking calls written directly in an async function.

Codes: FBP101 blocking-sleep, FBP102 sync-http-call, FBP103 sync-database-call,
FBP104 blocking-file-io, FBP105 blocking-subprocess, FBP106 other-blocking-call.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from typing import Iterator

from ..apis.blocking import Blocking, REPLACEMENT_BY_CODE, blocking_kind
from ..context import FileContext, Report, display_name
from ..fastapi_model import awaits_nothing
from ..settings import Settings

CODES = ("FBP101", "FBP102", "FBP103", "FBP104", "FBP105", "FBP106")
DEF_HINT = "; or declare it with `def` so FastAPI runs it in the thread pool"


def check(ctx: FileContext) -> Iterator[Report]:
    yield from blocking_calls(ctx)


def blocking_calls(ctx: FileContext) -> Iterator[Report]:
    """FBP101-106: a blocking call written directly in an async function."""
    extra = extra_blocking_calls(ctx.settings)
    for call, function in ctx.calls_in_async_functions():
        kind = blocking_kind(ctx.callee(call), extra)
        if kind is None:
            continue
        yield ctx.report(kind.code, call, call=display_name(call.func),
                         function=function.name, replacement=kind.replacement,
                         def_hint=def_hint(ctx, function))


def def_hint(ctx: FileContext, function: ast.AsyncFunctionDef) -> str:
    """An endpoint or dependency that awaits nothing could simply be a `def`."""
    kind = ctx.fastapi.kind(function)
    if kind in ("endpoint", "dependency") and awaits_nothing(function):
        return DEF_HINT
    return ""


@lru_cache(maxsize=8)
def extra_blocking_calls(settings: Settings) -> dict[str, Blocking]:
    """``--fbp-blocking-calls a.b.c=FBP10x`` entries, as table rows."""
    return {name: Blocking(code, REPLACEMENT_BY_CODE[code])
            for name, code in settings.blocking_calls}
