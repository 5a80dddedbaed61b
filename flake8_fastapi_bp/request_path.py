"""Which functions run on the request path: a FastAPI role (endpoint, dependency,
middleware, exception handler, background task) or a project helper such a function calls
directly, found from the helper's side.

A helper's callers may live in any module: the project text index names the files of
the project where FastAPI roles can live that call a function of that name and import
its module, the helper or its class (``ProjectReferences.files_calling``); only those
are read, and only their role functions' calls of that name are resolved.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from .fastapi_model import FastAPIModel, model_of
from .resolve.project_references import project_references
from .resolve.module import FUNCTION_TYPES, CacheKey, FunctionNode, ModuleInfo
from .resolve.names import Resolver
from .resolve.values import Definition
from .resolve.walking import own_nodes
from .resolve.project import Project
from .call_graph import location

# Files read to find one helper's request-path caller: a helper called from more files
# than this (``get``, ``run``) is left unknown rather than read the project for it.
MAX_CALLER_FILES = 40
RoleCalls = dict[str, list[tuple[ast.Call, FunctionNode, str]]]
ROLE_CALLS: CacheKey[RoleCalls] = CacheKey("request-path role calls")


@dataclass(frozen=True)
class Caller:
    """A request-path function that calls the helper: ``endpoint get_item()``."""
    kind: str
    name: str
    module: ModuleInfo
    line: int

    def text(self) -> str:
        return f"{self.kind} {self.name}() ({location(self.module)}:{self.line})"


def role(model: FastAPIModel, function: ast.AST) -> str | None:
    """endpoint, dependency, middleware, exception handler, background task, or None."""
    kind = model.kind(function)
    if kind is None and model.is_background_task(function):
        kind = "background task"
    return kind


def request_path_caller(resolver: Resolver, project: Project, module: ModuleInfo,
                        function: FunctionNode) -> Caller | None:
    """A role function of the project that calls ``function`` (a top-level def or a
    method) directly; None when none is found."""
    parent = module.parents.get(function)
    if isinstance(parent, FUNCTION_TYPES):
        return _enclosing_role(resolver, project, module, function, parent)
    if not isinstance(parent, (ast.Module, ast.ClassDef)):
        return None
    target = Definition(module, function, project).key
    imported = frozenset({module.name.rpartition(".")[2], function.name}
                         | ({parent.name} if isinstance(parent, ast.ClassDef) else set()))
    for caller_module in _caller_modules(project, module, function.name, imported):
        model = model_of(caller_module, resolver, project)
        for call, caller, kind in _role_calls(caller_module, model).get(function.name, ()):
            found = resolver.definition(caller_module, call)
            if found is not None and found.key == target:
                return Caller(kind, caller.name, caller_module, call.lineno)
    return None


def _enclosing_role(resolver: Resolver, project: Project, module: ModuleInfo,
                    function: FunctionNode, parent: FunctionNode) -> Caller | None:
    """A nested def that its enclosing role function calls (``await _process()``)."""
    kind = role(model_of(module, resolver, project), parent)
    if kind is None:
        return None
    for node in own_nodes(parent):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == function.name:
            return Caller(kind, parent.name, module, node.lineno)
    return None


def _caller_modules(project: Project, module: ModuleInfo, name: str,
                    imported: frozenset[str]) -> list[ModuleInfo]:
    """The helper's own module, then the other files that may call it from a role: they
    call the name and import the helper's module, the helper or its class."""
    found = [module]
    paths = project_references(project).files_calling(project, name, imported)
    if len(paths) > MAX_CALLER_FILES:
        return found
    for path in paths:
        if path != module.path:
            other = project.module_at(path)
            if other is not None:
                found.append(other)
    return found


def _role_calls(module: ModuleInfo,
                model: FastAPIModel) -> dict[str, list[tuple[ast.Call, FunctionNode, str]]]:
    """Calls written in the module's role functions, by the name they call (the last
    part of ``a.b.name(...)``), kept with the module index."""
    known = module.cache.get(ROLE_CALLS)
    if known is None:
        by_name: RoleCalls = {}
        for function in module.functions:
            kind = role(model, function)
            if kind is None:
                continue
            for node in own_nodes(function):
                if isinstance(node, ast.Call):
                    name = _called_name(node.func)
                    if name is not None:
                        by_name.setdefault(name, []).append((node, function, kind))
        for calls in by_name.values():
            calls.sort(key=lambda found: (found[0].lineno, found[0].col_offset))
        known = module.cache.put(ROLE_CALLS, by_name)
    return known


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None
