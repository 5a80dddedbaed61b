"""Request parameters the app declares by mistake, found across modules.

Codes: FBP305 dependency-exposes-internal-parameter, FBP306 path-parameter-unused.
"""

from __future__ import annotations

import ast
from typing import Iterator, cast

from ..apis.parameters import FASTAPI_ROUTE_FORMS, MEMOIZERS, PATH_PARAMETER
from ..context import FileContext, Report, TEST_MODULE, in_test_package, never_deployed
from ..dependency_signatures import (Parameter, Signature, callable_signature,
                                     consumed_names, listed_dependency_names,
                                     plain_query_parameters, signature_of)
from ..fastapi_model import ROUTE_OWNERS, Route
from ..resolve.project_references import project_references
from ..resolve.module import ModuleInfo
from ..resolve.values import Definition
from ..call_graph import location
from ..syntax import keyword_value, written_name

CODES = ("FBP305", "FBP306")


def check(ctx: FileContext) -> Iterator[Report]:
    if not ctx.fastapi.is_fastapi_module():
        return
    if ctx.settings.wants("FBP305"):
        yield from exposed_internal_parameters(ctx)
    if ctx.settings.wants("FBP306"):
        yield from unused_path_parameters(ctx)


# ----- FBP305 -------------------------------------------------------------------------
def exposed_internal_parameters(ctx: FileContext) -> Iterator[Report]:
    """Each ``Depends(f)``/``Security(f)`` of a project callable with a plain query
    parameter that the project's own code passes to ``f`` directly, or with any plain
    query parameter when ``f`` is memoized."""
    if never_deployed(ctx):
        return
    answers: dict[tuple[Definition, frozenset[str]], tuple[str, str, str] | None] = {}
    for call in ctx.module.calls:
        if written_name(call.func) not in ("Depends", "Security"):
            continue
        provider = ctx.fastapi.dependency_provider(call)
        if provider is None or provider.definition is None or provider.instance:
            continue
        definition = provider.definition
        key = (definition, _path_names_at(ctx, call))
        if key not in answers:
            signature = callable_signature(ctx.resolver, provider)
            answers[key] = None if signature is None \
                else _exposure(ctx, definition, signature, key[1])
        found = answers[key]
        if found is not None:
            parameters, reason, pronoun = found
            node = definition.node
            yield ctx.report("FBP305", call, function=getattr(node, "name", "?"),
                             where=f"{location(definition.module)}:{getattr(node, 'lineno', 0)}",
                             parameters=parameters, reason=reason, it=pronoun)


def _path_names_at(ctx: FileContext, call: ast.Call) -> frozenset[str]:
    """The path parameter names a ``Depends(...)`` may receive: those of its route when it
    is written in an endpoint's signature or a route's ``dependencies=``; elsewhere (an
    alias, another dependency) every ``{name}`` of the project's paths."""
    routes: list[Route] = []
    for ancestor in ctx.module.ancestors(call):
        if isinstance(ancestor, ast.arguments):
            function = ctx.module.parents.get(ancestor)
            routes = [r for r in ctx.fastapi.registrations() if r.function is function]
            break
        if isinstance(ancestor, ast.Call):
            routes = [r for r in ctx.fastapi.registrations() if r.registration is ancestor]
            if routes:
                break
        if isinstance(ancestor, ast.stmt):
            break
    names = [_route_path_names(ctx, route) for route in routes]
    if not routes or any(found is None for found in names):
        return project_references(ctx.project).route_path_names(ctx.project)
    return frozenset(name for found in names for name in found or ())


def _exposure(ctx: FileContext, definition: Definition, signature: Signature,
              path_names: frozenset[str]) -> tuple[str, str, str] | None:
    """(the exposed parameters as the message names them, why they are not the
    client's, "it" or "them") or None."""
    plain = [p for p in plain_query_parameters(ctx.resolver, signature)
             if p.arg.arg not in path_names]
    if not plain:
        return None
    memoizer = _memoizer(ctx, signature)
    memoized = f"@{memoizer} keys its cache by {{it}}: each new value fills an entry (or " \
        "evicts one)" if memoizer is not None else None
    found = _direct_call(ctx, definition, signature, {p.arg.arg for p in plain})
    if found is not None:
        passed, place = found
        exposed = [p for p in plain if p.arg.arg in passed]
        reason = f", though {place} passes {{it}} in a direct call" + (
            f", and {memoized}" if memoized else "")
    elif memoized is not None:
        exposed, reason = plain, f", and {memoized}"
    else:
        return None
    it = "it" if len(exposed) == 1 else "them"
    return _named(exposed), reason.format(it=it), it


def _named(parameters: list[Parameter]) -> str:
    names = [f"`{p.arg.arg}`" for p in parameters]
    if len(names) == 1:
        return f"parameter {names[0]}"
    return f"parameters {', '.join(names[:-1])} and {names[-1]}"


def _memoizer(ctx: FileContext, signature: Signature) -> str | None:
    for decorator in signature.function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = ctx.resolver.qualname(signature.module, target)
        if name in MEMOIZERS:
            return name.rpartition(".")[2]
    return None


def _direct_call(ctx: FileContext, definition: Definition, signature: Signature,
                 wanted: set[str]) -> tuple[set[str], str] | None:
    """The first direct call of the dependency, outside test modules, that passes one of
    ``wanted`` (positionally or by keyword): (the names it passes, where it is)."""
    name = definition.node.name  # type: ignore[attr-defined]
    for path in project_references(ctx.project).files_calling_dependency(ctx.project, name):
        if TEST_MODULE.match(path.name) or in_test_package(path, ctx.project.disk):
            continue
        module = ctx.project.module_at(path)
        if module is None:
            continue
        for call in module.calls:
            if written_name(call.func) != name \
                    or ctx.resolver.definition(module, call) != definition:
                continue
            passed = _passed(call, signature) & wanted
            if passed:
                return passed, f"{location(module)}:{call.lineno}"
    return None


def _passed(call: ast.Call, signature: Signature) -> set[str]:
    """The parameter names a call passes (positional arguments up to a ``*args``)."""
    arguments = signature.function.args
    declared = {p.arg.arg for p in signature.parameters}
    positional = [a.arg for a in arguments.posonlyargs + arguments.args if a.arg in declared]
    passed = set()
    for index, argument in enumerate(call.args):
        if isinstance(argument, ast.Starred) or index >= len(positional):
            break
        passed.add(positional[index])
    return passed | {k.arg for k in call.keywords if k.arg is not None}


# ----- FBP306 -------------------------------------------------------------------------
def unused_path_parameters(ctx: FileContext) -> Iterator[Report]:
    """A ``{name}`` of a route's path or of its router's ``prefix=`` that neither the
    endpoint nor any of its dependencies (own, route, router or app ``dependencies=``)
    reads."""
    shared: list[set[str] | None] = []
    for route in ctx.fastapi.registrations():
        if route.method not in FASTAPI_ROUTE_FORMS \
                or isinstance(ctx.module.parents.get(route.function), ast.ClassDef):
            continue
        path = _path_argument(route)
        wanted = _route_path_names(ctx, route)
        if not wanted or not isinstance(path, ast.Constant):
            continue
        consumed = consumed_names(ctx.resolver, signature_of(ctx.resolver, ctx.module,
                                                             route.function))
        listed = listed_dependency_names(ctx.resolver, ctx.module,
                                         keyword_value(route.registration, "dependencies"))
        if consumed is None or listed is None:
            continue
        missing = [name for name in wanted if name not in consumed | listed]
        if missing and not shared:
            shared.append(_shared_dependency_names(ctx))
        if not missing or shared[0] is None:
            continue
        for name in missing:
            if name not in shared[0]:
                where = repr(path.value) if name in PATH_PARAMETER.findall(cast(str, path.value)) \
                    else f"the router prefix {_router_prefix(ctx, route)!r}"
                yield ctx.report("FBP306", path, name=name, where=where,
                                 function=route.function.name)


def _route_path_names(ctx: FileContext, route: Route) -> list[str] | None:
    """The ``{name}``s of a route's literal path and of its router's literal prefix, in
    order; None when the path is not a literal string."""
    path = _path_argument(route)
    if not (isinstance(path, ast.Constant) and isinstance(path.value, str)):
        return None
    prefix = _router_prefix(ctx, route) or ""
    return list(dict.fromkeys(PATH_PARAMETER.findall(prefix + path.value)))


def _path_argument(route: Route) -> ast.expr | None:
    registration = route.registration
    return registration.args[0] if registration.args else keyword_value(registration, "path")


def _router_prefix(ctx: FileContext, route: Route) -> str | None:
    """The literal ``prefix=`` of the router (or app) the route is registered on."""
    func = route.registration.func
    if not isinstance(func, ast.Attribute):
        return None
    bound = ctx.resolver.bound_expression(ctx.module, func.value)
    construction = bound[1] if bound is not None else None
    if bound is None or not isinstance(construction, ast.Call):
        return None
    module = bound[0]
    if ctx.resolver.callee(module, construction) not in ROUTE_OWNERS:
        return None
    prefix = keyword_value(construction, "prefix")
    return prefix.value if isinstance(prefix, ast.Constant) \
        and isinstance(prefix.value, str) else None


def _shared_dependency_names(ctx: FileContext) -> set[str] | None:
    """What the ``dependencies=`` of every app, router and ``include_router`` call of the
    project read (any of them may wrap the route); None when one is not known."""
    found: set[str] = set()
    references = project_references(ctx.project)
    for path in references.files_sharing_dependencies(ctx.project):
        module = ctx.project.module_at(path)
        if module is None:
            continue
        for call in module.calls:
            names = _shared_by(ctx, module, call)
            if names is None:
                return None
            found |= names
    return found


def _shared_by(ctx: FileContext, module: ModuleInfo, call: ast.Call) -> set[str] | None:
    listed = keyword_value(call, "dependencies")
    if listed is None:
        return set()
    if written_name(call.func) != "include_router" \
            and ctx.resolver.callee(module, call) not in ROUTE_OWNERS:
        return set()
    return listed_dependency_names(ctx.resolver, module, listed)
