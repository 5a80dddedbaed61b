"""The FastAPI model of one module: apps, routers, routes, dependencies, middleware,
exception handlers, lifespans and background tasks.

Rules ask it questions ("is this function an endpoint?"); they never re-derive it.
Registrations in the module itself are resolved exactly; functions used as dependencies
or background tasks from *other* modules are found by a cheap text scan of the project
(names inside ``Depends(...)``, ``Security(...)``, ``add_task(...)``), read once per process.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterator

from .apis.heavy import CALLED_INSTANCE_ROOTS
from .apis.mail import MAIL_METHOD_NAMES, MAIL_METHODS_BY_LIBRARY
from .syntax import keyword_value as _keyword
from .syntax import written_name as _simple_name
from .phases import timed
from .resolve.module import (FUNCTION_TYPES, IMPORT_WORD, FunctionNode, ModuleInfo,
                             defined_in_text, imported_roots_in, matches_at_line_starts)
from .resolve.names import DEPENDS, Definition, Resolver, own_nodes
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
# Each pattern starts with its keyword and checks the word boundary before it after it
# (``Depends(?<!\wDepends)``): ``re`` then jumps to the keyword (see module.defined_in_text).
# ``asyncio.run(main())``, ``anyio.run(main)``, ``loop.run_until_complete(cli.main())``: each
# pattern starts with its keyword (``re`` jumps to it), the receiver is checked behind it.
_RUN_ARGUMENT = r"\(\s*(?:[\w.]*\.)?(\w+)\s*[(,)]"
_RUN_RECEIVERS = "|".join(rf"(?<=\b{receiver}\.run)"
                          for receiver in ("asyncio", "anyio", "trio", "uvloop", "runner"))
RUN_REFERENCES = (re.compile(rf"run(?:{_RUN_RECEIVERS}){_RUN_ARGUMENT}"),
                  re.compile(r"run_until_complete" + _RUN_ARGUMENT))
_CALLED_WITH = r"(?<!\w{0})\(\s*(?:[\w.]*\.)?(\w+)\s*[,)]"
_REFERENCE = {
    "dependency": tuple(re.compile(name + _CALLED_WITH.format(name))
                        for name in ("Depends", "Security")),
    "task": tuple(re.compile(name + _CALLED_WITH.format(name))
                  for name in ("add_task", "BackgroundTask")),
    "lifespan": (re.compile(r"lifespan(?<!\wlifespan)(?:_context)?\s*=\s*(?:[\w.]*\.)?(\w+)\b"
                            r"(?!\s*[(.\[])"),),
    # A function that may be a CLI entry point (see loop_model).
    "run": RUN_REFERENCES,
}
_REFERENCE_HINTS = {"dependency": ("Depends", "Security"), "task": ("ask(",),
                    "lifespan": ("lifespan",), "run": ("run",)}
CONSTRUCTOR_NAMES = frozenset({"FastAPI", "Starlette", "APIRouter", "Router"})


@dataclass(frozen=True)
class Route:
    function: FunctionNode
    registration: ast.Call
    method: str

    @property
    def response_model(self) -> ast.expr | None:
        for keyword in self.registration.keywords:
            if keyword.arg == "response_model":
                return keyword.value
        return None


@dataclass
class _Roles:
    routes: dict[FunctionNode, Route] = field(default_factory=dict)
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
        return self._roles.routes.get(function)  # type: ignore[arg-type]

    def is_endpoint(self, function: ast.AST) -> bool:
        return function in self._roles.routes

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
        args = function.args
        positional = args.posonlyargs + args.args
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
        pairs = list(zip(positional, defaults + list(args.defaults)))
        pairs += list(zip(args.kwonlyargs, args.kw_defaults))
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
            if value.name in ROUTE_OWNERS:
                return True
            # ``class VersionedRouter(APIRouter)``: a project subclass of a route owner.
            definition = value.definition
            return definition is not None and definition.is_class \
                and self.resolver.library_base(definition) in ROUTE_OWNERS
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
        target = call.args[0] if call.args else _keyword(call, "dependency")
        if target is None:
            target = self._implicit_dependency(call)
            if target is None:
                return
            value = self.resolver.value(self.module, target)
            if value is not None and value.definition is not None and not value.instance:
                self._mark_definition(value.definition, False, roles)
            return
        value = self.resolver.value(self.module, target)
        if value is None or value.definition is None:
            return
        self._mark_definition(value.definition, value.instance, roles)

    def _implicit_dependency(self, call: ast.Call) -> ast.expr | None:
        """``Depends()``: the class in ``Annotated[Cls, Depends()]`` or ``x: Cls = Depends()``."""
        parent = self.module.parents.get(call)
        grandparent = self.module.parents.get(parent) if parent is not None else None
        if isinstance(parent, ast.Tuple) and isinstance(grandparent, ast.Subscript):
            return parent.elts[0] if parent.elts[0] is not call else None
        if isinstance(parent, ast.arguments):
            return _annotation_for_default(parent, call)
        return None

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


_MODEL_KEY = ("fastapi-model", 0)


def model_of(module: ModuleInfo, resolver: Resolver, project: Project) -> FastAPIModel:
    """The FastAPI model of a project module, built once per module index (the checked
    file's and those of other modules rules ask about)."""
    if _MODEL_KEY not in module.cache:
        module.cache[_MODEL_KEY] = FastAPIModel(module, resolver, project)
    return module.cache[_MODEL_KEY]  # type: ignore[return-value]


@dataclass(frozen=True)
class _Reference:
    """One file that names a function inside ``Depends(...)`` (or as a task/lifespan)."""
    path: Path
    defines: bool                 # the file has its own top-level ``def <name>``
    import_words: frozenset[str]  # every word of its import statements
    # Other uses only: is the name written bare somewhere, and the words before the dot
    # where it is an attribute (``cli.main``: only a module named ``cli`` can mean ours).
    bare: bool = True
    receivers: frozenset[str] = frozenset()


@dataclass
class ProjectReferences:
    """Cross-module references found by the text scan, with enough context to tell
    which of several same-named functions a reference can mean."""
    by_kind: dict[str, dict[str, list[_Reference]]]
    definitions: dict[str, int]  # top-level function name -> files defining it
    # Names given to an ``async def`` anywhere (methods and nested ones too): a cheap
    # "could this call make a coroutine?" pre-filter before resolving it.
    async_defs: set[str] = field(default_factory=set)
    # Names given to any ``def`` or ``class`` anywhere: a call whose name is none of these
    # (nor imported as one) cannot run project code, so the call graph need not resolve it.
    defined_names: set[str] = field(default_factory=set)
    # The mail-sending method names (``sendmail``...) each file writes, and the mail
    # packages the project imports: FBP204 reads for a mail call at the end of a helper
    # chain only the files that write a method name of an imported mail package.
    mail_words: dict[Path, frozenset[str]] = field(default_factory=dict)
    mail_libraries: set[str] = field(default_factory=set)
    # Packages whose called instances are heavy (``torch``: ``model(x)``) that the project
    # mentions anywhere: without one, FBP201 resolves only calls written with a heavy name.
    called_instance_roots: set[str] = field(default_factory=set)
    # False when the project has more files than the scan reads: names not seen may
    # still be defined, so the name pre-filters above must let every call through.
    complete: bool = True
    # Names called in files that may hold a FastAPI role, and those files: read on first
    # use, by FBP602's request-path scope (most runs never ask).
    role_file_calls: dict[str, tuple[Path, ...]] | None = None

    def files_calling(self, project: Project, name: str) -> tuple[Path, ...]:
        """The project files that may hold a FastAPI role function (they mention
        fastapi/starlette, or define a function used as a dependency or task elsewhere)
        and write a call of ``name`` (``name(`` or ``.name(``)."""
        if self.role_file_calls is None:
            self.role_file_calls = _calls_in_role_files(project, self)
        return self.role_file_calls.get(name, ())

    # Other uses (not runs, not imports) of the names of async functions that some file
    # runs with ``asyncio.run``...: filled on the first question (``uses_besides_runs``).
    other_uses: dict[str, list[_Reference]] | None = None

    def refers_to(self, kind: str, name: str, module: ModuleInfo,
                  elsewhere: bool = False) -> bool:
        """A reference counts for ``module``'s function when it is in that module, or in a
        file without its own ``def <name>`` that either imports from the module or can
        only mean this function (the name is defined once in the project). So a pytest
        fixture ``get_client`` is not a dependency because another test module defines
        and depends on its own ``get_client``. ``elsewhere``: only other files count."""
        return any(self._counts_for(reference, name, module, elsewhere)
                   for reference in self.by_kind[kind].get(name, ()))

    def used_elsewhere(self, name: str, module: ModuleInfo) -> bool:
        """Does another file use ``module``'s top-level ``name`` other than by running it
        (``asyncio.run(name())``) or importing it? Only asked after ``uses_besides_runs``."""
        return any(reference.path != module.path
                   and ((reference.bare and self._counts_for(reference, name, module, True))
                        or _through_module(reference, module))
                   for reference in (self.other_uses or {}).get(name, ()))

    def _counts_for(self, reference: _Reference, name: str, module: ModuleInfo,
                    elsewhere: bool) -> bool:
        stem = module.name.rpartition(".")[2] or (module.path.stem if module.path else "")
        if module.path is not None and reference.path == module.path:
            return not elsewhere
        unique = self.definitions.get(name, 0) <= 1
        return not reference.defines and (unique or stem in reference.import_words)


_REFERENCES: dict[Path, ProjectReferences] = {}
_TOP_LEVEL_DEF = re.compile(r"^(?:async[ \t]+)?def[ \t]+(\w+)", re.M)
_ASYNC_DEF = re.compile(r"async(?<!\wasync)[ \t]+def[ \t]+(\w+)")
# ``get_db = get_session`` at module level: a name that may stand for a project function.
_NAME_ALIAS = re.compile(r"^(\w+)[ \t]*=[ \t]*[A-Za-z_][\w.]*[ \t]*$", re.M)
# Words that start with ``send`` (every mail-sending method name does), found from the
# keyword: a leading ``\b`` and an alternation would make ``re`` try every position.
# The word before the dot that ends the searched text: ``cli`` for ``... cli.``.
_RECEIVER = re.compile(r"(\w*)\s*\.\Z")
_SEND_WORD = re.compile(r"send(?<!\wsend)\w*")
# ``name(`` after a word boundary (the look-behind fails fast inside a word).
_CALLED_NAME = re.compile(r"(?<!\w)(\w+)[ \t]*\(")
_WEB_FRAMEWORKS = ("fastapi", "starlette")
_IMPORT = re.compile(r"[ \t]*(?:from[ \t]+[\w.]+[ \t]+)?import[ \t]+(?:\([^)]*\)|[^\n]*)")


def forget_references() -> None:
    """A new run: the project texts may have changed since they were scanned."""
    _REFERENCES.clear()


@timed("import-scan")
def project_references(project: Project) -> ProjectReferences:
    """Names used as dependencies / background tasks anywhere in the project (text scan)."""
    key = project.scan_root
    if key not in _REFERENCES:
        found = ProjectReferences({kind: {} for kind in _REFERENCE}, {})
        for path, text in project.texts():
            _scan_text(path, text, found)
        found.complete = project.scan_complete
        _REFERENCES[key] = found
    return _REFERENCES[key]


@timed("import-scan")
def uses_besides_runs(project: Project) -> ProjectReferences:
    """The project references with ``other_uses`` filled: a second text pass, made once
    and only when a question needs it, over the names of async functions that a file
    runs (``asyncio.run(main())``): every other word-match of such a name, outside import
    statements and its own ``def``, is a use (comments and strings too: a use too many
    only keeps a function checked)."""
    found = project_references(project)
    if found.other_uses is None:
        uses: dict[str, list[_Reference]] = {}
        names = found.by_kind["run"].keys() & found.async_defs
        # One pattern per name, starting with the name itself so that ``re`` jumps to it
        # (an alternation of many names behind ``\b`` is tried at every position).
        words = {name: re.compile(rf"{name}(?<!\w{name})(?!\w)") for name in names}
        if words:
            for path, text in project.texts():
                present = [word for name, word in words.items() if name in text]
                if present:
                    _scan_uses(path, text, present, uses)
        found.other_uses = uses
    return found


def _scan_uses(path: Path, text: str, words: list[re.Pattern[str]],
               into: dict[str, list[_Reference]]) -> None:
    runs = {match.start(1) for pattern in RUN_REFERENCES for match in pattern.finditer(text)}
    imports = [(found.start(), found.end())
               for found in matches_at_line_starts(text, IMPORT_WORD, _IMPORT)]
    bare: set[str] = set()
    receivers: dict[str, set[str]] = {}
    for match in (found for word in words for found in word.finditer(text)):
        start, name = match.start(), match.group()
        if start in runs or text.endswith("def ", 0, start) \
                or any(begin <= start < end for begin, end in imports):
            continue
        receiver = _RECEIVER.search(text, max(0, start - 80), start) \
            if text.endswith(".", 0, start) else None
        if receiver is None:
            bare.add(name)
        else:
            receivers.setdefault(name, set()).add(receiver.group(1))
    if bare or receivers:
        defined = set(_TOP_LEVEL_DEF.findall(text))
        words = frozenset(re.findall(r"\w+", " ".join(_import_statements(text))))
        for name in bare | receivers.keys():
            into.setdefault(name, []).append(_Reference(
                path, name in defined, words, name in bare,
                frozenset(receivers.get(name, ()))))


def _scan_text(path: Path, text: str, into: ProjectReferences) -> None:
    defined = set(_TOP_LEVEL_DEF.findall(text))
    if "async" in text:
        into.async_defs.update(_ASYNC_DEF.findall(text))
    into.defined_names.update(defined_in_text(text))
    into.defined_names.update(_NAME_ALIAS.findall(text))
    into.called_instance_roots.update(root for root in CALLED_INSTANCE_ROOTS if root in text)
    if "send" in text:  # every mail-sending method name has it
        found = MAIL_METHOD_NAMES.intersection(_SEND_WORD.findall(text))
        if found:
            into.mail_words[path] = frozenset(found)
    if any(root in text for root in MAIL_METHODS_BY_LIBRARY):
        into.mail_libraries.update(MAIL_METHODS_BY_LIBRARY.keys() & imported_roots_in(text))
    for name in defined:
        into.definitions[name] = into.definitions.get(name, 0) + 1
    words: frozenset[str] | None = None
    for kind, patterns in _REFERENCE.items():
        if not any(hint in text for hint in _REFERENCE_HINTS[kind]):
            continue
        for name in {found for pattern in patterns for found in pattern.findall(text)}:
            if words is None:
                words = frozenset(re.findall(r"\w+", " ".join(_import_statements(text))))
            into.by_kind[kind].setdefault(name, []).append(
                _Reference(path, name in defined, words))


def _calls_in_role_files(project: Project,
                         references: ProjectReferences) -> dict[str, tuple[Path, ...]]:
    role_names = references.by_kind["dependency"].keys() | references.by_kind["task"].keys()
    found: dict[str, list[Path]] = {}
    for path, text in project.texts():
        if not any(word in text for word in _WEB_FRAMEWORKS) \
                and role_names.isdisjoint(_TOP_LEVEL_DEF.findall(text)):
            continue
        for name in set(_CALLED_NAME.findall(text)):
            found.setdefault(name, []).append(path)
    return {name: tuple(paths) for name, paths in found.items()}


def _import_statements(text: str) -> Iterator[str]:
    """The text of each import statement that starts a line (with its parenthesized
    names)."""
    return (found.group() for found in matches_at_line_starts(text, IMPORT_WORD, _IMPORT))


def _through_module(reference: _Reference, module: ModuleInfo) -> bool:
    """``jobs.sync_all()`` / ``j.sync_all()`` after ``import app.jobs as j``: an attribute
    on the module's name, or on a name imported by a file that imports the module."""
    stem = module.name.rpartition(".")[2] or (module.path.stem if module.path else "")
    return stem in reference.receivers or (
        stem in reference.import_words
        and not reference.receivers.isdisjoint(reference.import_words))


def _add(into: set[FunctionNode], function: FunctionNode | None) -> None:
    if function is not None:
        into.add(function)


def _annotation_for_default(arguments: ast.arguments, default: ast.expr) -> ast.expr | None:
    positional = arguments.posonlyargs + arguments.args
    pairs = list(zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults))
    pairs += list(zip(arguments.kwonlyargs, arguments.kw_defaults))
    for arg, value in pairs:
        if value is default:
            return arg.annotation
    return None


def awaits_nothing(function: FunctionNode) -> bool:
    """No ``await``/``async for``/``async with`` in the function's own body."""
    return not any(isinstance(node, (ast.Await, ast.AsyncFor, ast.AsyncWith))
                   for node in own_nodes(function))
