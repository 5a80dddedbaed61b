"""Resources and lifecycle: what is opened per request, how startup/shutdown is wired,
and outbound calls that can wait forever.

Codes: FBP401 client-per-request, FBP402 on-event-handler,
FBP403 outbound-call-without-timeout.
"""

from __future__ import annotations

import ast
from typing import Iterator

from ..apis.clients import (CACHING_DECORATORS, CLIENT_CONSTRUCTORS, GAPS, HTTPX_TIMEOUT,
                            LIBRARY_ADAPTERS, MOUNT, OUTBOUND_CALLS, REQUESTS_SESSION,
                            SHARED_POOL_KEYWORDS, TIMEOUT_CLIENTS, Timeout)
from ..context import FileContext, Report, display_name, never_deployed
from ..request_path import role
from ..resolve.module import CacheKey, FunctionNode, ModuleInfo
from ..resolve.names import Resolver
from ..call_graph import Chain, call_graph
from ..syntax import keyword_value

CODES = ("FBP401", "FBP402", "FBP403")
EVENT_METHODS = frozenset({"on_event", "add_event_handler"})
EVENT_KEYWORDS = ("on_startup", "on_shutdown")


def check(ctx: FileContext) -> Iterator[Report]:
    roles = Roles(ctx)
    yield from clients_per_request(ctx, roles)
    if not never_deployed(ctx):
        yield from event_handlers(ctx)
    yield from calls_without_timeout(ctx, roles)


class Roles:
    """Each function's FastAPI role, asked once per function."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self._kinds: dict[ast.AST, str | None] = {}

    def kind(self, function: FunctionNode) -> str | None:
        """``endpoint``/``dependency``/``middleware``/``exception handler``,
        ``background task``, ``lifespan`` or None."""
        if function not in self._kinds:
            kind = role(self.ctx.fastapi, function)
            if kind is None and self.ctx.fastapi.is_lifespan(function):
                kind = "lifespan"
            self._kinds[function] = kind
        return self._kinds[function]

    def calls_in(self, kinds: frozenset[str]) -> Iterator[tuple[ast.Call, FunctionNode, str]]:
        """Calls written directly in a function whose role is one of ``kinds``."""
        for call in self.ctx.module.calls:
            function = self.ctx.function_of(call)
            if function is None:
                continue
            kind = self.kind(function)
            if kind in kinds:
                yield call, function, kind


REQUEST_PATH = frozenset({"endpoint", "dependency", "middleware", "exception handler"})
TIMEOUT_SCOPE = REQUEST_PATH | {"background task"}


# ----- FBP401 ---------------------------------------------------------------------------
def clients_per_request(ctx: FileContext, roles: Roles) -> Iterator[Report]:
    """FBP401: a client, engine or pool constructed inside a request-path function."""
    for call, function, kind in roles.calls_in(REQUEST_PATH):
        callee = ctx.callee(call)
        resource = CLIENT_CONSTRUCTORS.get(callee or "")
        if resource is None or uses_shared_pool(call, callee or "") or runs_once(ctx, function) \
                or lazily_cached(ctx, call, function) or is_websocket(ctx, function):
            continue
        yield ctx.report("FBP401", call, call=display_name(call.func), what=resource.what,
                         kind=kind, function=function_label(ctx, function),
                         instead=resource.instead)


def is_websocket(ctx: FileContext, function: FunctionNode) -> bool:
    """A websocket endpoint runs once per connection, not once per message."""
    route = ctx.fastapi.route(function)
    return route is not None and "websocket" in route.method.lower()


def function_label(ctx: FileContext, function: FunctionNode) -> str:
    """``get_db``, ``Timing.dispatch``; a class dependency's ``__init__`` is the class."""
    owner = ctx.module.parents.get(function)
    if not isinstance(owner, ast.ClassDef):
        return function.name
    return owner.name if function.name == "__init__" else f"{owner.name}.{function.name}"


def uses_shared_pool(call: ast.Call, callee: str) -> bool:
    """``redis.Redis(connection_pool=app.state.pool)``: a light wrapper around a pool that
    was built elsewhere (an inline ``connection_pool=ConnectionPool()`` is not shared)."""
    keyword = SHARED_POOL_KEYWORDS.get(callee)
    return keyword is not None and any(
        k.arg == keyword and not isinstance(k.value, (ast.Call, ast.Constant))
        for k in call.keywords)


def runs_once(ctx: FileContext, function: FunctionNode) -> bool:
    """``@lru_cache``/``@cache`` on the function: its body builds one shared object."""
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if ctx.qualname(target) in CACHING_DECORATORS:
            return True
    return False


def lazily_cached(ctx: FileContext, call: ast.Call, function: FunctionNode) -> bool:
    """``if _client is None: _client = httpx.AsyncClient()``: built on the first request
    only, into a global, nonlocal or attribute that the guard tests."""
    assignment = ctx.module.parents.get(call)
    if isinstance(assignment, ast.Await):
        assignment = ctx.module.parents.get(assignment)
    if not isinstance(assignment, (ast.Assign, ast.AnnAssign)):
        return False
    targets = assignment.targets if isinstance(assignment, ast.Assign) else [assignment.target]
    shared = {ast.unparse(t) for t in targets if outlives_call(ctx, t, function)}
    if not shared:
        return False
    for ancestor in ctx.module.ancestors(assignment):
        if ancestor is function:
            return False
        if isinstance(ancestor, ast.If) and shared & {ast.unparse(n) for n in ast.walk(
                ancestor.test) if isinstance(n, (ast.Name, ast.Attribute, ast.Subscript))}:
            return True
    return False


def outlives_call(ctx: FileContext, target: ast.expr, function: FunctionNode) -> bool:
    """A global/nonlocal name or an attribute/item: storage that survives the call."""
    if isinstance(target, (ast.Attribute, ast.Subscript)):
        return True
    return isinstance(target, ast.Name) and target.id in ctx.module.scopes[function].globals


# ----- FBP402 ---------------------------------------------------------------------------
def event_handlers(ctx: FileContext) -> Iterator[Report]:
    """FBP402: ``on_event``, ``add_event_handler``, ``on_startup=``/``on_shutdown=``."""
    for call in ctx.module.calls:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in EVENT_METHODS \
                and ctx.fastapi.is_route_owner(func.value):
            yield ctx.report("FBP402", call, what=event_call_text(call))
    if not any(k.arg in EVENT_KEYWORDS for c in ctx.module.calls for k in c.keywords):
        return  # cheap: most modules never pass on_startup=/on_shutdown=
    constructions = ctx.fastapi.app_constructions() + ctx.fastapi.router_constructions()
    for call in constructions:
        for keyword in call.keywords:
            if keyword.arg in EVENT_KEYWORDS and registers_something(ctx, keyword.value):
                owner = display_name(call.func)
                yield ctx.report("FBP402", keyword, what=f"`{keyword.arg}=` of {owner}()")


def event_call_text(call: ast.Call) -> str:
    """``@app.on_event("startup")`` / ``app.add_event_handler("shutdown", ...)``."""
    func = call.func
    assert isinstance(func, ast.Attribute)
    event = call.args[0] if call.args else None
    shown = repr(event.value) if isinstance(event, ast.Constant) else "..."
    shown = shown.replace("'", '"')
    if func.attr == "on_event":
        return f"`@{display_name(func)}({shown})`"
    return f"`{display_name(func)}({shown}, ...)`"


def registers_something(ctx: FileContext, value: ast.expr) -> bool:
    """``on_startup=None`` or ``=[]`` registers nothing; ``on_startup=on_startup``
    forwarding a parameter of a factory is unknown (the caller decides)."""
    if isinstance(value, ast.Constant) and value.value is None:
        return False
    if isinstance(value, ast.Name) and is_parameter(ctx, value):
        return False
    return not (isinstance(value, (ast.List, ast.Tuple)) and not value.elts)


def is_parameter(ctx: FileContext, name: ast.Name) -> bool:
    bindings = ctx.module.scope_of(name).bindings.get(name.id, [])
    return any(binding.kind == "param" for binding in bindings)


# ----- FBP403 ---------------------------------------------------------------------------
def calls_without_timeout(ctx: FileContext, roles: Roles) -> Iterator[Report]:
    """FBP403: an outbound HTTP call that can wait forever, written in a request-path or
    background-task function or in a sync helper it calls; an httpx client built with
    timeout=None there or in the lifespan."""
    graph = call_graph(ctx.resolver)

    def leaf(module: ModuleInfo, call: ast.Call) -> str | None:
        return timeout_gap(ctx.resolver, module, call)

    for call, function, kind in roles.calls_in(TIMEOUT_SCOPE | {"lifespan"}):
        callee = ctx.callee(call)
        if kind == "lifespan" and callee not in TIMEOUT_CLIENTS:
            continue
        if callee in OUTBOUND_CALLS:
            gap = timeout_gap(ctx.resolver, ctx.module, call)
            if gap is not None:
                yield ctx.report("FBP403", call, call=display_name(call.func),
                                 problem=GAPS[gap], fix=OUTBOUND_CALLS[callee].fix)
            continue
        definition = ctx.definition(call)
        if definition is None or kind == "lifespan":
            continue
        found = graph.own_leaf(definition, "FBP403", leaf)
        if found is not None:
            yield helper_report(ctx, call, definition.module, *found)


def helper_report(ctx: FileContext, call: ast.Call, module: ModuleInfo, inner: ast.Call,
                  chain: Chain) -> Report:
    """Reported at the helper's call, naming the call inside it (``inner``, in ``module``)."""
    leaf_callee = ctx.resolver.callee(module, inner) or ""
    fix = OUTBOUND_CALLS[leaf_callee].fix if leaf_callee in OUTBOUND_CALLS else "`timeout=`"
    problem = f"calls {chain.names[-1]}() which {GAPS[chain.label]} ({chain.text()})"
    return ctx.report("FBP403", call, call=display_name(call.func), problem=problem, fix=fix)


def timeout_gap(resolver: Resolver, module: ModuleInfo, call: ast.Call) -> str | None:
    """The GAPS label of an outbound call that can wait forever, or None (fine/unknown)."""
    policy = OUTBOUND_CALLS.get(resolver.callee(module, call) or "")
    if policy is None or any(k.arg is None for k in call.keywords):
        return None  # **kwargs may carry a timeout: unknown
    if may_set_default_timeout(resolver, module, call):
        return None
    value = timeout_argument(call, policy)
    if value is None:
        return "missing" if policy.forever_without else None
    if isinstance(value, ast.Constant) and value.value is None:
        return "none" if policy.forever_without else "httpx-none"
    if isinstance(value, ast.Tuple) and policy.forever_without and any(
            isinstance(e, ast.Constant) and e.value is None for e in value.elts):
        return "no-read"
    if isinstance(value, ast.Call) and not policy.forever_without \
            and resolver.callee(module, value) == HTTPX_TIMEOUT and no_read_limit(value):
        return "no-read"
    return None


def may_set_default_timeout(resolver: Resolver, module: ModuleInfo, call: ast.Call) -> bool:
    """A session that is a project subclass of ``requests.Session``, or is mounted in this
    module with an adapter other than the plain ``HTTPAdapter``, may add a timeout."""
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    if receiver is None:
        return False
    value = resolver.value(module, receiver)
    if value is None or not value.instance:
        return False
    if value.definition is not None:
        return True  # a project class: its request()/send() may set the timeout
    return value.name == REQUESTS_SESSION and ast.unparse(receiver) in mounted_sessions(
        resolver, module)


MOUNTED_SESSIONS: CacheKey[frozenset[str]] = CacheKey("FBP403 mounted sessions")


def mounted_sessions(resolver: Resolver, module: ModuleInfo) -> frozenset[str]:
    """``session.mount(prefix, adapter)`` receivers (as written) with a non-library adapter."""
    known = module.cache.get(MOUNTED_SESSIONS)
    if known is None:
        found = set()
        for call in module.calls:
            func = call.func
            if not isinstance(func, ast.Attribute) or func.attr != "mount":
                continue
            adapter = call.args[1] if len(call.args) > 1 else keyword_value(call, "adapter")
            if resolver.callee(module, call) == MOUNT and adapter is not None \
                    and resolver.type_of(module, adapter) not in LIBRARY_ADAPTERS:
                found.add(ast.unparse(func.value))
        known = module.cache.put(MOUNTED_SESSIONS, frozenset(found))
    return known


def timeout_argument(call: ast.Call, policy: Timeout) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "timeout":
            return keyword.value
    if policy.position is not None and len(call.args) > policy.position:
        return call.args[policy.position]
    if any(isinstance(a, ast.Starred) for a in call.args):
        return ast.Name("<unknown>", ast.Load())  # *args may carry it: unknown
    return None


def no_read_limit(timeout: ast.Call) -> bool:
    """``httpx.Timeout(None)`` / ``httpx.Timeout(5.0, read=None)``: reads never time out."""
    if any(k.arg is None for k in timeout.keywords) or any(
            isinstance(a, ast.Starred) for a in timeout.args):
        return False
    by_name = {k.arg: k.value for k in timeout.keywords}
    read = by_name.get("read", by_name.get("timeout", timeout.args[0] if timeout.args
                                           else None))
    return isinstance(read, ast.Constant) and read.value is None
