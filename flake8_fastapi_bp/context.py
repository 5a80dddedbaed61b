"""What a rule sees of one file: the module index, the resolver, the FastAPI model."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Iterator

from .apis.types import ENUM_TYPES
from .fastapi_model import FastAPIModel, model_of
from .loop_model import LoopModel
from .messages import message
from .resolve.module import FunctionNode, ModuleInfo
from .resolve.names import Resolver
from .resolve.values import Definition
from .resolve.files import Files
from .resolve.project import Project
from .resolve.run import Run
from .settings import Settings


@dataclass(frozen=True, order=True)
class Report:
    line: int
    col: int
    text: str


class FileContext:
    """One checked file: its index, project, resolver and settings, and the run."""

    def __init__(self, module: ModuleInfo, project: Project, resolver: Resolver,
                 settings: Settings) -> None:
        self.module = module
        self.project = project
        self.resolver = resolver
        self.settings = settings

    @property
    def run(self) -> Run:
        """The flake8 run: what is kept across files (call graphs, text indexes ...)."""
        return self.project.run

    @cached_property
    def fastapi(self) -> FastAPIModel:
        return model_of(self.module, self.resolver, self.project)

    @cached_property
    def loop(self) -> LoopModel:
        return LoopModel(self.module, self.resolver, self.fastapi, self.project)

    def serves_no_request(self, function: FunctionNode) -> bool:
        """No request is served while ``function`` runs on its loop: a CLI entry point (a
        loop of its own), the lifespan or a startup/shutdown handler (before the app
        serves, after it stops). FBP101-FBP107 and FBP201 do not report in its body."""
        return self.fastapi.runs_before_or_after_serving(function) \
            or self.loop.runs_alone(function)

    def report(self, code: str, node: ast.AST, **fields: object) -> Report:
        line = getattr(node, "lineno", 1)
        col = getattr(node, "col_offset", 0)
        return Report(line, col, message(code, **fields))

    # ----- resolution shortcuts ------------------------------------------------------
    def callee(self, call: ast.Call) -> str | None:
        """Canonical name of what ``call`` invokes, or None when unknown."""
        return self.resolver.callee(self.module, call)

    def definition(self, call: ast.Call) -> Definition | None:
        """The project def/class that ``call`` invokes."""
        return self.resolver.definition(self.module, call)

    def type_of(self, expr: ast.AST) -> str | None:
        return self.resolver.type_of(self.module, expr)

    def qualname(self, expr: ast.AST) -> str | None:
        return self.resolver.qualname(self.module, expr)

    def is_enum_class(self, expr: ast.expr) -> bool:
        """Does ``expr`` name an Enum class: a standard one or a project subclass (any of
        its bases, ``class Color(str, Enum)``)?"""
        return is_enum_class(self.resolver, self.module, expr)

    # ----- structure -------------------------------------------------------------------
    def function_of(self, node: ast.AST) -> FunctionNode | None:
        """The def whose own body holds ``node`` (nested def/class/lambda excluded)."""
        return self.module.enclosing_function(node)

    def async_function_of(self, node: ast.AST) -> ast.AsyncFunctionDef | None:
        function = self.function_of(node)
        return function if isinstance(function, ast.AsyncFunctionDef) else None

    def calls_in_async_functions(self) -> Iterator[tuple[ast.Call, ast.AsyncFunctionDef]]:
        if not self.module.has_async:
            return
        for call in self.module.calls:
            function = self.async_function_of(call)
            if function is not None:
                yield call, function

    def is_main_guarded(self, node: ast.AST) -> bool:
        """Inside ``if __name__ == "__main__":``."""
        return any(isinstance(a, ast.If) and is_main_test(a.test)
                   for a in self.module.ancestors(node))


# pytest's own file names, and modules of a test package (``app/testing/factories.py``,
# ``pkg/tests/helpers.py``: a directory with ``__init__.py``; a bare ``tests/`` folder
# holds test_*.py files anyway). Apps, settings and credentials there never reach
# production (``never_deployed``); a server started on import (FBP505) hangs the tests too.
TEST_MODULE = re.compile(r"^(?:test_.*|.*_test|conftest)\.py$")
TEST_PACKAGES = frozenset({"test", "tests", "testing"})


# Documentation and example code (a framework's ``docs_src/``, a project's ``examples/``):
# apps that are read rather than deployed, often showing a deprecated or open form on
# purpose. Only folders below the project root count.
EXAMPLE_FOLDERS = frozenset({"doc", "docs", "docs_src", "example", "examples", "tutorial",
                             "tutorials"})


def never_deployed(ctx: FileContext) -> bool:
    """A test module or documentation/example code: production settings, log pipelines
    and deprecations of a deployed service do not apply (FBP402, FBP501-FBP504,
    FBP601, FBP602)."""
    return is_test_module(ctx) or is_example_module(ctx)


def is_example_module(ctx: FileContext) -> bool:
    path = ctx.module.path
    if path is None:
        return False
    try:
        folders = Path(path).relative_to(ctx.project.scan_root).parts[:-1]
    except ValueError:
        return False
    return not EXAMPLE_FOLDERS.isdisjoint(folders)


def is_test_module(ctx: FileContext) -> bool:
    """A test module (``test_*.py``, ``*_test.py``, ``conftest.py`` or inside a test
    package): FBP501-FBP504 and FBP602 do not report there."""
    path = ctx.module.path
    if path is None:
        return False
    path = Path(path)
    return TEST_MODULE.match(path.name) is not None \
        or in_test_package(path, ctx.project.disk)


def in_test_package(path: Path, files: Files) -> bool:
    """Is ``path`` inside a package (up its chain of ``__init__.py`` directories) named
    test, tests or testing?"""
    directory = path.parent
    while files.has_file(directory, "__init__.py") and directory.parent != directory:
        if directory.name in TEST_PACKAGES:
            return True
        directory = directory.parent
    return False


def is_main_test(test: ast.expr) -> bool:
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name)
            and test.left.id == "__name__" and len(test.comparators) == 1
            and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value == "__main__")


def display_name(func: ast.expr) -> str:
    """``requests.get`` / ``db.execute`` as written; ``...`` for complex receivers."""
    parts: list[str] = []
    node: ast.expr = func
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Call):
        inner = node.func
        parts.append((inner.id if isinstance(inner, ast.Name) else
                      inner.attr if isinstance(inner, ast.Attribute) else "...") + "()")
    else:
        parts.append("...")
    return ".".join(reversed(parts))


def is_enum_class(resolver: Resolver, module: ModuleInfo, expr: ast.expr, depth: int = 0) -> bool:
    value = resolver.value(module, expr)
    if value is None or value.instance or depth > 8:
        return False
    if value.name in ENUM_TYPES:
        return True
    definition = value.definition
    if definition is None or not isinstance(definition.node, ast.ClassDef):
        return False
    return any(is_enum_class(resolver, definition.module, base, depth + 1)
               for base in definition.node.bases)
