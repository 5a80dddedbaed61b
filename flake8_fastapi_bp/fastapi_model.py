"""The FastAPI model of one module: apps, routers, routes, dependencies, middleware,
exception handlers, lifespans and background tasks.

Rules ask it questions ("is this function an endpoint?"); they never re-derive it.
Registrations in the module itself are resolved exactly; functions used as dependencies
or background tasks from *other* modules are found in the project text index
(``project_references``: names inside ``Depends(...)``, ``Security(...)``, ``add_task(...)``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cached_property
from typing import cast

from .syntax import keyword_value as _keyword
from .syntax import parameters_with_defaults
from .syntax import written_name as _simple_name
from .apis.types import DEPENDS
from .resolve.module import FUNCTION_TYPES, CacheKey, FunctionNode, ModuleInfo
from .resolve.names import Resolver
from .resolve.project_references import project_references
from .resolve.values import Definition, Value
from .resolve.walking import own_nodes
from .resolve.project import Project

ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "options", "head",
                           "trace", "api_route", "websocket", "route", "websocket_route"})
APP_TYPES = frozenset({"fastapi.FastAPI", "starlette.Starlette"})
ROUTER_TYPES = frozenset({"fastapi.APIRouter", "starlette.routing.Router"})
ROUTE_OWNERS = APP_TYPES | ROUTER_TYPES
ROUTE_REGISTRARS = frozenset({"add_api_route", "add_api_websocket_route", "add_route",
                              "add_websocket_route"})
ROUTE_CLASSES = frozenset({"starlette.routing.Route", "starlette.routing.WebSocketRoute",
                           "fastapi.routing.APIRoute", "fastapi.routing.APIWebSocketRoute"})
TASK_CALLERS = frozenset({"starlette.background.BackgroundTasks.add_task",
                          "starlette.background.BackgroundTask"})
MIDDLEWARE_BASES = frozenset({"starlette.middleware.base.BaseHTTPMiddleware"})
# Parameters FastAPI fills with framework objects, not with request data.
FRAMEWORK_PARAMETERS = frozenset({
    "starlette.requests.Request", "starlette.requests.HTTPConnection",
    "starlette.websockets.WebSocket", "fastapi.Response", "fastapi.responses.Response",
    "starlette.responses.Response", "starlette.background.BackgroundTasks",
    "fastapi.security.SecurityScopes", "fastapi.security.oauth2.SecurityScopes",
})
CONSTRUCTOR_NAMES = frozenset({"FastAPI", "Starlette", "APIRouter", "Router"})


@dataclass(frozen=True)
class Route:
    function: FunctionNode
    registration: ast.Call
    method: str

    @property
    def response_model(self) -> ast.expr | None:
        return _keyword(self.registration, "response_model")


@dataclass
class _Roles:
    routes: dict[FunctionNode, Route] = field(default_factory=dict)
    # Every registration, in order (a function may be registered under several paths).
    registrations: list[Route] = field(default_factory=list)
    dependencies: set[FunctionNode] = field(default_factory=set)
    middleware: set[FunctionNode] = field(default_factory=set)
    exception_handlers: set[FunctionNode] = field(default_factory=set)
    lifespans: set[FunctionNode] = field(default_factory=set)
    tasks: set[FunctionNode] = field(default_factory=set)
    event_handlers: set[FunctionNode] = field(default_factory=set)


class FastAPIModel:
    def __init__(self, module: ModuleInfo, resolver: Resolver, project: Project) -> None:
        self.module = module
        self.resolver = resolver
        self.project = project

    # ----- questions ------------------------------------------------------------------
    def route(self, function: ast.AST) -> Route | None:
        return self._roles.routes.get(cast(FunctionNode, function))

    def is_endpoint(self, function: ast.AST) -> bool:
        return function in self._roles.routes

    def registrations(self) -> list[Route]:
        """Every route registration of the module (decorators, ``add_api_route`` ...),
        several per function when it is registered under several paths."""
        return self._roles.registrations

    def dependency_provider(self, call: ast.Call) -> Value | None:
        """What ``Depends(...)``/``Security(...)`` (a call of this module) injects: the
        callable it names, or the annotated class of ``Depends()``."""
        return dependency_provider(self.module, self.resolver, call)

    def is_dependency(self, function: ast.AST) -> bool:
        roles = self._roles
        if function in roles.dependencies:
            return True
        return self._referenced_elsewhere(function, "dependency")

    def is_background_task(self, function: ast.AST) -> bool:
        return function in self._roles.tasks or self._referenced_elsewhere(function, "task")

    def serves(self, function: ast.AST) -> bool:
        """Has the function any role in the app (endpoint, dependency, middleware,
        exception handler, event handler, lifespan, background task)?"""
        return self.kind(function) is not None or function in self._roles.event_handlers \
            or self.is_background_task(function) or self.is_lifespan(function)

    def runs_before_or_after_serving(self, function: ast.AST) -> bool:
        """The lifespan or a startup/shutdown event handler."""
        return function in self._roles.event_handlers or self.is_lifespan(function)

    def is_lifespan(self, function: ast.AST) -> bool:
        """Passed as ``lifespan=`` here, or by name in another module of the project."""
        return function in self._roles.lifespans or self._referenced_elsewhere(function,
                                                                               "lifespan")

    def kind(self, function: ast.AST) -> str | None:
        """``endpoint``, ``dependency``, ``middleware``, ``exception handler`` or None."""
        roles = self._roles
        if function in roles.routes:
            return "endpoint"
        if function in roles.middleware:
            return "middleware"
        if function in roles.exception_handlers:
            return "exception handler"
        if self.is_dependency(function):
            return "dependency"
        return None

    def is_request_path(self, function: ast.AST) -> bool:
        return self.kind(function) is not None

    def request_parameters(self, function: FunctionNode) -> list[ast.arg]:
        """The parameters FastAPI fills from the request data itself (path, query, header,
        cookie, body, form, file): not those injected with ``Depends``/``Security`` (as a
        default, in ``Annotated[...]`` or through an alias of it), not framework objects
        (``Request``, ``Response``, ``BackgroundTasks`` ...), not ``*args``/``**kwargs``."""
        pairs = parameters_with_defaults(function.args)
        if pairs and isinstance(self.module.parents.get(function), ast.ClassDef):
            pairs = pairs[1:]  # self of a class-based view
        return [arg for arg, default in pairs if not self._injected(arg, default)]

    def _injected(self, arg: ast.arg, default: ast.expr | None) -> bool:
        module, resolver = self.module, self.resolver
        if isinstance(default, ast.Call) and resolver.callee(module, default) in DEPENDS:
            return True
        if arg.annotation is None:
            return False
        if resolver.annotation_type(module, arg.annotation) in FRAMEWORK_PARAMETERS:
            return True
        return any(isinstance(meta, ast.Call) and resolver.callee(owner, meta) in DEPENDS
                   for owner, meta in resolver.annotated_metadata(module, arg.annotation))

    def is_fastapi_module(self) -> bool:
        """Does the module import anything from FastAPI or Starlette?"""
        return self._imports_web_framework

    def app_constructions(self) -> list[ast.Call]:
        """``FastAPI(...)``/``Starlette(...)``/``APIRouter(...)`` calls of this module."""
        return [call for call in self._constructions if self._constructs(call, APP_TYPES)]

    def router_constructions(self) -> list[ast.Call]:
        return [call for call in self._constructions if self._constructs(call, ROUTER_TYPES)]

    def is_route_owner(self, expr: ast.expr) -> bool:
        """Is ``expr`` a FastAPI/Starlette app or router (resolved, else by convention)?"""
        value = self.resolver.value(self.module, expr)
        if value is not None and value.instance:
            return is_route_owner_instance(self.resolver, value)
        return self._imports_web_framework and not self._resolved_elsewhere(expr)

    # ----- construction ---------------------------------------------------------------
    @cached_property
    def _imports_web_framework(self) -> bool:
        for scope in (self.module.module_scope,):
            for bindings in scope.bindings.values():
                for binding in bindings:
                    root = binding.target.partition(".")[0]
                    if binding.kind == "import" and root in ("fastapi", "starlette"):
                        return True
        return False

    def _resolved_elsewhere(self, expr: ast.expr) -> bool:
        """The receiver resolves to something known that is not a route owner."""
        value = self.resolver.value(self.module, expr)
        return value is not None

    @cached_property
    def _constructions(self) -> list[ast.Call]:
        # Cheap pre-filter by the written name (or a local alias from an import) before
        # asking the resolver: a module may hold tens of thousands of calls.
        names = CONSTRUCTOR_NAMES | self._constructor_aliases
        return [call for call in self.module.calls
                if _simple_name(call.func) in names
                and self.resolver.callee(self.module, call) in ROUTE_OWNERS]

    @cached_property
    def _constructor_aliases(self) -> frozenset[str]:
        """``from fastapi import FastAPI as App``: the local names of the constructors."""
        return frozenset(name for name, bindings in self.module.module_scope.bindings.items()
                         for binding in bindings if binding.kind == "import"
                         and binding.target.rpartition(".")[2] in CONSTRUCTOR_NAMES)

    def _constructs(self, call: ast.Call, types: frozenset[str]) -> bool:
        return self.resolver.callee(self.module, call) in types

    @cached_property
    def _roles(self) -> _Roles:
        roles = _Roles()
        for function in self.module.functions:
            self._decorator_roles(function, roles)
        for call in self.module.calls:
            self._call_roles(call, roles)
        for classdef in self.module.classes:
            self._middleware_class(classdef, roles)
        return roles

    def _decorator_roles(self, function: FunctionNode, roles: _Roles) -> None:
        for decorator in function.decorator_list:
            if not isinstance(decorator, ast.Call) or not isinstance(decorator.func,
                                                                     ast.Attribute):
                continue
            method = decorator.func.attr
            if method not in ROUTE_METHODS | {"middleware", "exception_handler", "on_event"}:
                continue
            if not self.is_route_owner(decorator.func.value):
                continue
            if method in ROUTE_METHODS:
                roles.routes[function] = Route(function, decorator, method)
                roles.registrations.append(roles.routes[function])
            elif method == "middleware":
                roles.middleware.add(function)
            elif method == "exception_handler":
                roles.exception_handlers.add(function)
            else:
                roles.event_handlers.add(function)

    def _call_roles(self, call: ast.Call, roles: _Roles) -> None:
        name = _simple_name(call.func)
        if name in ("Depends", "Security"):
            if self.resolver.callee(self.module, call) in DEPENDS:
                self._mark_dependency(call, roles)
        elif name in ROUTE_REGISTRARS and isinstance(call.func, ast.Attribute):
            if self.is_route_owner(call.func.value):
                self._add_route(self._route_function(call), call, name, roles)
        elif name in ("Route", "WebSocketRoute", "APIRoute", "APIWebSocketRoute"):
            if self.resolver.callee(self.module, call) in ROUTE_CLASSES:
                self._add_route(self._route_function(call), call, name, roles)
        elif name == "add_exception_handler" and len(call.args) >= 2:
            _add(roles.exception_handlers, self._local_function(call.args[1]))
        elif name in ("add_task", "BackgroundTask"):
            if self.resolver.callee(self.module, call) in TASK_CALLERS and call.args:
                _add(roles.tasks, self._local_function(call.args[0]))
        elif name in ("FastAPI", "Starlette", "APIRouter"):
            _add(roles.lifespans, self._local_function(_keyword(call, "lifespan")))

    def _add_route(self, expr: ast.expr | None, call: ast.Call, method: str,
                   roles: _Roles) -> None:
        function = self._local_function(expr)
        if function is not None:
            roles.routes.setdefault(function, Route(function, call, method))
            roles.registrations.append(Route(function, call, method))

    def _route_function(self, call: ast.Call) -> ast.expr | None:
        endpoint = _keyword(call, "endpoint")
        if endpoint is not None:
            return endpoint
        return call.args[1] if len(call.args) >= 2 else None

    def _local_function(self, expr: ast.expr | None) -> FunctionNode | None:
        """The function ``expr`` names, when it is defined in this module."""
        if expr is None:
            return None
        value = self.resolver.value(self.module, expr)
        if value is None or value.definition is None:
            return None
        node = value.definition.node
        if value.definition.module is not self.module or not isinstance(node, FUNCTION_TYPES):
            return None
        return node

    def _mark_dependency(self, call: ast.Call, roles: _Roles) -> None:
        value = self.dependency_provider(call)
        if value is not None and value.definition is not None:
            self._mark_definition(value.definition, value.instance, roles)

    def _mark_definition(self, definition: Definition, instance: bool, roles: _Roles) -> None:
        node = definition.node
        if definition.module is not self.module:
            return
        if isinstance(node, FUNCTION_TYPES):
            roles.dependencies.add(node)
        elif isinstance(node, ast.ClassDef):
            wanted = "__call__" if instance else "__init__"
            for item in node.body:
                if isinstance(item, FUNCTION_TYPES) and item.name == wanted:
                    roles.dependencies.add(item)

    def _middleware_class(self, classdef: ast.ClassDef, roles: _Roles) -> None:
        if not any(self.resolver.qualname(self.module, base) in MIDDLEWARE_BASES
                   for base in classdef.bases):
            return
        for item in classdef.body:
            if isinstance(item, FUNCTION_TYPES) and item.name == "dispatch":
                roles.middleware.add(item)

    def _referenced_elsewhere(self, function: ast.AST, kind: str) -> bool:
        if not isinstance(function, FUNCTION_TYPES):
            return False
        parent = self.module.parents.get(function)
        if not isinstance(parent, ast.Module):
            return False
        return project_references(self.project).refers_to(kind, function.name, self.module)


FASTAPI_MODEL: CacheKey[FastAPIModel] = CacheKey("fastapi model")


def model_of(module: ModuleInfo, resolver: Resolver, project: Project) -> FastAPIModel:
    """The FastAPI model of a project module, built once per module index (the checked
    file's and those of other modules rules ask about)."""
    model = module.cache.get(FASTAPI_MODEL)
    if model is None:
        model = module.cache.put(FASTAPI_MODEL, FastAPIModel(module, resolver, project))
    return model


def dependency_provider(module: ModuleInfo, resolver: Resolver, call: ast.Call) -> Value | None:
    """What ``Depends(f)``/``Security(f)``/``Depends(dependency=f)`` written in ``module``
    injects; ``Depends()``: the class of ``Annotated[Cls, Depends()]`` or
    ``x: Cls = Depends()``. None when unknown or when ``call`` is no such marker."""
    if resolver.callee(module, call) not in DEPENDS:
        return None
    target = call.args[0] if call.args else _keyword(call, "dependency")
    if target is not None:
        return resolver.value(module, target)
    target = _implicit_dependency(module, call)
    value = resolver.value(module, target) if target is not None else None
    return value if value is not None and not value.instance else None


def _implicit_dependency(module: ModuleInfo, call: ast.Call) -> ast.expr | None:
    """``Depends()``: the class in ``Annotated[Cls, Depends()]`` or ``x: Cls = Depends()``."""
    parent = module.parents.get(call)
    grandparent = module.parents.get(parent) if parent is not None else None
    if isinstance(parent, ast.Tuple) and isinstance(grandparent, ast.Subscript):
        return parent.elts[0] if parent.elts[0] is not call else None
    if isinstance(parent, ast.arguments):
        return _annotation_for_default(parent, call)
    return None


def _add(into: set[FunctionNode], function: FunctionNode | None) -> None:
    if function is not None:
        into.add(function)


def _annotation_for_default(arguments: ast.arguments, default: ast.expr) -> ast.expr | None:
    for arg, value in parameters_with_defaults(arguments):
        if value is default:
            return arg.annotation
    return None


def awaits_nothing(function: FunctionNode) -> bool:
    """No ``await``/``async for``/``async with`` in the function's own body."""
    return not any(isinstance(node, (ast.Await, ast.AsyncFor, ast.AsyncWith))
                   for node in own_nodes(function))


def is_route_owner_instance(resolver: Resolver, value: Value) -> bool:
    """An app or router: ``FastAPI``/``APIRouter``..., or an instance of a project subclass
    of one (``class VersionedRouter(APIRouter)``)."""
    if value.name in ROUTE_OWNERS:
        return True
    definition = value.definition
    return definition is not None and definition.is_class \
        and resolver.library_base(definition) in ROUTE_OWNERS
