"""What a call's written name can mean: the bindings of a name in its scope, what it was
imported as, whether only library imports bind it or a project module does. Cheap
syntactic questions the call graph and the rules ask before resolving anything."""

from __future__ import annotations

import ast

from .resolve.module import Binding, ModuleInfo
from .resolve.names import Resolver
from .syntax import attribute_root


def written_names(module: ModuleInfo, func: ast.expr) -> set[str]:
    """``refresh`` for ``tasks.refresh``; for a bare name also what it was imported as
    (``from tasks import refresh as r`` then ``r()`` gives ``r`` and ``refresh``) and
    what it aliases (``fetch = requests.get`` gives ``fetch`` and ``get``)."""
    if isinstance(func, ast.Attribute):
        return {func.attr}
    if not isinstance(func, ast.Name):
        return set()
    names = {func.id}
    for binding in bindings_of(module, func):
        if binding.kind == "import":
            names.add(binding.target.rpartition(".")[2])
        elif binding.kind == "assign" and isinstance(binding.value, ast.Name):
            names.add(binding.value.id)
        elif binding.kind == "assign" and isinstance(binding.value, ast.Attribute):
            names.add(binding.value.attr)
    return names


def library_call(resolver: Resolver, module: ModuleInfo, func: ast.expr) -> bool:
    """Is the call written on a name that only imports bind, none from a module of the
    project (``json.dumps``, ``from os import getenv``)? Its callee is a library's."""
    root = attribute_root(func)
    if not isinstance(root, ast.Name):
        return False
    bindings = bindings_of(module, root)
    return bool(bindings) and all(binding.kind == "import" for binding in bindings) \
        and not imported_from_project(resolver, module, root)


def imports_of(module: ModuleInfo, name: ast.Name) -> list[Binding]:
    """The import bindings of ``name`` in the innermost scope that binds it."""
    return [binding for binding in bindings_of(module, name) if binding.kind == "import"]


def imported_from_project(resolver: Resolver, module: ModuleInfo, name: ast.Name) -> bool:
    """Is ``name`` imported from a module of the project (``from app.sec import hp``,
    ``import app.sec as sec``)? Such a name may be an alias of any library call."""
    find = resolver.project.find
    return any(find(binding.target) is not None
               or find(binding.target.rpartition(".")[0]) is not None
               for binding in imports_of(module, name))


def bindings_of(module: ModuleInfo, name: ast.Name) -> list[Binding]:
    """The bindings of ``name`` in the innermost scope that binds it."""
    found = module.visible_bindings(name.id, module.scope_of(name))
    return found[1] if found is not None else []
