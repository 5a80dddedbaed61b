"""Event loop family: blocking work on the event loop thread.

Codes: FBP101 blocking-sleep, FBP102 sync-http-call, FBP103 sync-database-call,
FBP104 blocking-file-io, FBP105 blocking-subprocess, FBP106 other-blocking-call,
FBP107 blocking-call-via-helper, FBP110 nested-event-loop.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from typing import Iterator

from ..apis.blocking import (ANY_METHOD, BLOCKING_CALLS, FILE_OPENERS, FRESH_NEVER_WAITS,
                             MAXSIZE, REPLACEMENT_BY_CODE, THREAD_RUNNERS,
                             UNBOUNDED_NEVER_WAITS, Blocking, blocking_kind,
                             passed_argument)
from ..apis.coroutines import LOOP_RUNNERS, REENTRANT_LOOP_PATCHES
from ..run_once import run_once_nodes
from ..context import FileContext, Report, display_name
from ..fastapi_model import awaits_nothing
from ..resolve.module import ModuleInfo, Scope
from ..resolve.names import Resolver
from ..settings import Settings
from ..syntax import attribute_root, written_name
from ..call_names import imported_from_project, imports_of, written_names
from ..call_graph import CallTarget, Leaf, call_graph, runs_on_call

CODES = ("FBP101", "FBP102", "FBP103", "FBP104", "FBP105", "FBP106", "FBP107", "FBP110")
DEF_HINT = "; or declare it with `def` so FastAPI runs it in the thread pool"
LOOP_RUNNER_METHODS = frozenset(name.rpartition(".")[2] for name in LOOP_RUNNERS)
BLOCKING_NAMES = frozenset(name.rpartition(".")[2] for name in BLOCKING_CALLS)
ANY_METHOD_ROOTS = frozenset(owner.partition(".")[0] for owner in ANY_METHOD)
THREAD_RUNNER_NAMES = frozenset(name.rpartition(".")[2] for name in THREAD_RUNNERS)


def check(ctx: FileContext) -> Iterator[Report]:
    yield from blocking_calls(ctx)
    if ctx.settings.wants("FBP107"):  # the call graph: skipped when nobody reads it
        yield from blocking_helpers(ctx)
    yield from nested_event_loops(ctx)


def blocking_calls(ctx: FileContext) -> Iterator[Report]:
    """FBP101-106: a blocking call written directly in an async function. A call made on
    the result of one with the same code (``con.execute(q).fetchall()``) is the same
    wait as far as the reader is concerned: only the first one is reported."""
    extra = extra_blocking_calls(ctx.settings)
    names = blocking_names(extra)
    found: dict[ast.Call, tuple[Blocking, ast.AsyncFunctionDef]] = {}
    for call, function in ctx.calls_in_async_functions():
        if ctx.module.awaited(call):
            continue  # its result is awaited, so it is async: a listed sync type is wrong
        if not may_block(ctx.resolver, ctx.module, call, names):
            continue  # written with no blocking API's name: resolving it cannot find one
        callee = ctx.callee(call)
        kind = blocking_kind(callee, extra, call)
        if kind is not None and waits_on_loop(ctx, call, callee) \
                and not ctx.serves_no_request(function):
            found[call] = kind, function
    for call, (kind, function) in found.items():
        inner = receiver_call(call)
        if inner in found and found[inner][0].code == kind.code:
            continue
        yield ctx.report(kind.code, call, call=display_name(call.func),
                         function=function.name, replacement=kind.replacement,
                         def_hint=def_hint(ctx, function))


def receiver_call(call: ast.Call) -> ast.Call | None:
    """The call whose result ``call`` is made on: ``a.execute(q)`` for
    ``a.execute(q).fetchall()`` and ``a.execute(q).cursor.fetchall()``."""
    node = call.func
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
        if isinstance(node, ast.Call):
            return node
    return None


def waits_on_loop(ctx: FileContext, call: ast.Call, callee: str | None) -> bool:
    """Rule out the shapes in which a listed call does not make the event loop wait."""
    if callee in FILE_OPENERS and file_used_only_in_threads(ctx, call):
        return False
    if on_unbounded_queue(ctx.resolver, ctx.module, call, callee):
        return False
    return not (callee in FRESH_NEVER_WAITS and acquires_fresh_primitive(ctx, call, callee))


def on_unbounded_queue(resolver: Resolver, module: ModuleInfo, call: ast.Call,
                       callee: str | None) -> bool:
    """``jobs = queue.Queue()`` (bound once, no ``maxsize``) then ``jobs.put(item)``: a
    queue without a bound is never full, so ``put`` returns at once."""
    if callee not in UNBOUNDED_NEVER_WAITS:
        return False
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    bound = resolver.bound_expression(module, receiver) if receiver is not None else None
    constructor = bound[1] if bound is not None else None
    if bound is None or not isinstance(constructor, ast.Call):
        return False
    built_in = bound[0]
    if resolver.callee(built_in, constructor) not in UNBOUNDED_NEVER_WAITS[callee]:
        return False
    if not_bounded(constructor):
        return True
    room = literal_bound(constructor)
    return room is not None and isinstance(receiver, ast.Name) \
        and puts_until(module, receiver, call) <= room


def literal_bound(constructor: ast.Call) -> int | None:
    """``Queue(maxsize=8)`` / ``Queue(8)``: the literal bound."""
    given = passed_argument(constructor, *MAXSIZE)
    if isinstance(given, ast.Constant) and type(given.value) is int:
        return given.value
    return None


# What a function may do with a queue it made without letting anyone else fill it.
QUEUE_PUTS = frozenset({"put", "put_nowait"})
QUEUE_READS = frozenset({"get", "get_nowait", "qsize", "empty", "full", "task_done"})
LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.comprehension)


def puts_until(module: ModuleInfo, name: ast.Name, call: ast.Call) -> float:
    """``q = queue.Queue(maxsize=2)`` in this very function: how many puts on it this
    ``call`` may be, counting from the first (infinite when unknown: a put in a loop, or
    the queue leaves the function as an argument, a return value or in a nested scope,
    where anyone may fill it). Gets in between are not counted: fewer puts wait."""
    scope: Scope | None = module.scope_of(name)
    while scope is not None and name.id not in scope.bindings:
        scope = scope.parent
    if scope is None or not isinstance(scope.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return float("inf")
    puts = 0
    for node in ast.walk(scope.node):
        if not isinstance(node, ast.Name) or node.id != name.id \
                or isinstance(node.ctx, ast.Store):
            continue
        method = called_method(module, node)
        if method in QUEUE_PUTS and module.scope_of(node) is module.scope_of(name):
            if (node.lineno, node.col_offset) > (call.lineno, call.col_offset):
                continue  # after this one: cannot fill the queue before it
            if in_loop(module, node, scope.node):
                return float("inf")
            puts += 1
        elif method not in QUEUE_READS:
            return float("inf")
    return puts


def called_method(module: ModuleInfo, name: ast.Name) -> str | None:
    """``put`` for ``name.put(...)``."""
    attribute = module.parents.get(name)
    if not isinstance(attribute, ast.Attribute):
        return None
    call = module.parents.get(attribute)
    return attribute.attr if isinstance(call, ast.Call) and call.func is attribute else None


def in_loop(module: ModuleInfo, node: ast.AST, function: ast.AST) -> bool:
    """Is ``node`` inside a loop of ``function`` (where it may run any number of times)?"""
    for ancestor in module.ancestors(node):
        if ancestor is function:
            return False
        if isinstance(ancestor, LOOPS):
            return True
    return False


def not_bounded(constructor: ast.Call) -> bool:
    """No ``maxsize`` given, or a literal one of 0 or less (unbounded by definition)."""
    given = passed_argument(constructor, *MAXSIZE)
    if given is None:  # unless ``*args`` or ``**options`` may hold one
        return not constructor.args and all(k.arg is not None for k in constructor.keywords)
    if isinstance(given, ast.UnaryOp) and isinstance(given.op, ast.USub):
        given = given.operand  # ``-1``: negative, so unbounded if it is a number at all
        return isinstance(given, ast.Constant) and type(given.value) is int
    return isinstance(given, ast.Constant) and type(given.value) is int and given.value <= 0


def file_used_only_in_threads(ctx: FileContext, call: ast.Call) -> bool:
    """``with open(p) as f:`` whose body uses ``f`` only inside arguments of thread
    runners (``await asyncio.to_thread(f.read)``): the reads and writes are offloaded."""
    item = ctx.module.parents.get(call)
    if not (isinstance(item, ast.withitem) and item.context_expr is call
            and isinstance(item.optional_vars, ast.Name)):
        return False
    name = item.optional_vars.id
    statement = ctx.module.parents.get(item)
    if statement is None:
        return False
    uses = [node for body in getattr(statement, "body", []) for node in ast.walk(body)
            if isinstance(node, ast.Name) and node.id == name]
    return bool(uses) and all(passed_to_thread_runner(ctx, use, statement) for use in uses)


def passed_to_thread_runner(ctx: FileContext, node: ast.AST, stop: ast.AST) -> bool:
    """Is ``node`` inside an argument (not the callee) of a thread-runner call below
    ``stop``? The runner's name as written filters before resolving."""
    child = node
    for ancestor in ctx.module.ancestors(node):
        if ancestor is stop:
            return False
        if (isinstance(ancestor, ast.Call) and child is not ancestor.func
                and written_name(ancestor.func) in THREAD_RUNNER_NAMES
                and ctx.callee(ancestor) in THREAD_RUNNERS):
            return True
        child = ancestor
    return False


def acquires_fresh_primitive(ctx: FileContext, call: ast.Call, callee: str) -> bool:
    """``lock = threading.Lock()`` then, with no use of ``lock`` in between, in the same
    block, ``lock.acquire()``: nobody else can hold the new lock yet."""
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    if not isinstance(receiver, ast.Name):
        return False
    for statement in preceding_statements(ctx.module, call):
        if (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)
                and statement.targets[0].id == receiver.id):
            value = statement.value
            return (isinstance(value, ast.Call)
                    and ctx.callee(value) in FRESH_NEVER_WAITS[callee])
        if any(isinstance(node, ast.Name) and node.id == receiver.id
               for node in ast.walk(statement)):
            return False
    return False


def preceding_statements(module: ModuleInfo, node: ast.AST) -> Iterator[ast.stmt]:
    """The statements before the one holding ``node`` in its block, nearest first."""
    statement: ast.AST = node
    parent = module.parents.get(statement)
    while parent is not None and not isinstance(statement, ast.stmt):
        statement, parent = parent, module.parents.get(parent)
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and statement in block:
            yield from reversed(block[:block.index(statement)])
            return


def blocking_helpers(ctx: FileContext) -> Iterator[Report]:
    """FBP107: an async function calls a sync project function that reaches a FBP101-106
    call within ``--fbp-call-depth`` project functions."""
    depth = ctx.settings.call_depth
    if depth <= 0:
        return
    extra = extra_blocking_calls(ctx.settings)
    kind, leaf = blocking_leaf(ctx.resolver, ctx.settings)
    graph = call_graph(ctx.resolver)
    once: dict[int, frozenset[int]] = {}
    for call, function in ctx.calls_in_async_functions():
        if not graph.may_run_project_code(ctx.module, call.func):
            continue  # no def or class of the project has the name: nothing to follow
        definition = ctx.definition(call)
        if definition is None or not runs_on_call(ctx.resolver, ctx.module, call, definition):
            continue
        if blocking_kind(ctx.callee(call), extra, call) is not None:
            continue  # FBP101-106 already report this very call (--fbp-blocking-calls)
        # The call's arguments rule out branches; run-once code is startup work.
        chain = graph.chain(definition, kind, leaf, depth, call=call, once=True,
                            caller=ctx.module, unconditional_first=True)
        if chain is None:
            continue
        if id(function) not in once:  # asked only of the few calls that reach a leaf
            once[id(function)] = run_once_nodes(function)
        if id(call) not in once[id(function)] \
                and not ctx.serves_no_request(function):
            yield ctx.report("FBP107", call, call=display_name(call.func),
                             function=function.name, chain=chain.text(),
                             fix=offload_advice(call, graph.call_target(definition)))


def offload_advice(call: ast.Call, entry: CallTarget | None) -> str:
    """What to write instead: a ``@contextmanager`` is entered, a generator is iterated,
    anything else is called."""
    name = display_name(call.func)
    if entry is not None and entry.context_manager:
        return ("make it an `@asynccontextmanager` that runs its blocking calls with "
                "`await run_in_threadpool(...)`")
    if entry is not None and entry.generator:
        return (f"iterate it with `async for ... in iterate_in_threadpool({name}(...))` "
                "or make the helper async")
    return f"offload it with `await run_in_threadpool({name}, ...)` or make the helper async"


def blocking_leaf(resolver: Resolver, settings: Settings) -> tuple[str, Leaf]:
    """The call-graph kind and leaf test of FBP107: a FBP101-106 call, extras included."""
    extra = extra_blocking_calls(settings)
    names = blocking_names(extra)

    def leaf(module: ModuleInfo, call: ast.Call) -> str | None:
        if not may_block(resolver, module, call, names):
            return None
        callee = resolver.callee(module, call)
        found = blocking_kind(callee, extra, call)
        if found is None or on_unbounded_queue(resolver, module, call, callee):
            return None
        return found.code

    # The kind keys the per-function cache, so it must change with the extra calls.
    return "blocking:" + ",".join(f"{n}={c}" for n, c in sorted(settings.blocking_calls)), leaf


def may_block(resolver: Resolver, module: ModuleInfo, call: ast.Call,
              names: frozenset[str]) -> bool:
    """Could ``call`` be a FBP101-106 call? A syntactic test that saves resolving (and
    loading the modules behind) the many calls of a helper that cannot block: the name
    as written or as imported is a blocking API's name, or it is imported from a module
    of the project (which may re-export one under another name: ``nap = time.sleep``),
    or the receiver may be a client whose every method blocks (``ANY_METHOD``: boto3),
    which needs boto3 imported here or a value imported from elsewhere."""
    func = call.func
    if isinstance(func, ast.Name):
        return not names.isdisjoint(written_names(module, func)) \
            or imported_from_project(resolver, module, func)
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr in names or not ANY_METHOD_ROOTS.isdisjoint(module.imported_roots()):
        return True
    receiver = func.value
    if isinstance(receiver, ast.Name):  # ``mod.helper()`` on an imported module: no client
        return any(not isinstance(binding.node, ast.Import)
                   for binding in imports_of(module, receiver))
    root = attribute_root(receiver)
    return isinstance(root, ast.Name) and bool(imports_of(module, root))


def nested_event_loops(ctx: FileContext) -> Iterator[Report]:
    """FBP110: ``asyncio.run`` / ``run_until_complete`` inside an async function."""
    if imports_any(ctx.module, REENTRANT_LOOP_PATCHES):
        return  # nest_asyncio makes the running loop re-entrant on purpose
    for call, function in ctx.calls_in_async_functions():
        if written_name(call.func) in LOOP_RUNNER_METHODS and ctx.callee(call) in LOOP_RUNNERS:
            yield ctx.report("FBP110", call, call=display_name(call.func),
                             function=function.name)


def imports_any(module: ModuleInfo, roots: frozenset[str]) -> bool:
    """Does the module import (at top level) a package whose root is in ``roots``?"""
    return any(binding.kind == "import" and binding.target.partition(".")[0] in roots
               for bindings in module.module_scope.bindings.values() for binding in bindings)


def def_hint(ctx: FileContext, function: ast.AsyncFunctionDef) -> str:
    """An endpoint or dependency that awaits nothing could simply be a `def`."""
    kind = ctx.fastapi.kind(function)
    if kind in ("endpoint", "dependency") and awaits_nothing(function):
        return DEF_HINT
    return ""


def blocking_names(extra: dict[str, Blocking]) -> frozenset[str]:
    """The names FBP101-106 calls are written with, ``--fbp-blocking-calls`` included."""
    return BLOCKING_NAMES | frozenset(name.rpartition(".")[2] for name in extra)


@lru_cache(maxsize=8)
def extra_blocking_calls(settings: Settings) -> dict[str, Blocking]:
    """``--fbp-blocking-calls a.b.c=FBP10x`` entries, as table rows."""
    return {name: Blocking(code, REPLACEMENT_BY_CODE[code])
            for name, code in settings.blocking_calls}
