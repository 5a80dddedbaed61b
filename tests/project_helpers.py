"""Small temporary projects for unit tests of the resolution layer and the FastAPI model.

``write_project`` writes dedented files (plus an empty ``setup.cfg`` project marker);
``Checked.load`` indexes one of them the way the plugin does for a checked file, and
``Checked.call``/``Checked.expr`` find nodes by their source text.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

from flake8_fastapi_bp.fastapi_model import FastAPIModel
from flake8_fastapi_bp.resolve.infer import Inference
from flake8_fastapi_bp.resolve.module import FunctionNode, ModuleInfo
from flake8_fastapi_bp.resolve.names import Resolver
from flake8_fastapi_bp.resolve.values import Definition
from flake8_fastapi_bp.plugin import Plugin
from flake8_fastapi_bp.resolve.project import Project


def write_project(root: Path, files: dict[str, str], marker: str | None = "setup.cfg") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    if marker is not None:
        (root / marker).write_text("", encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@dataclass
class Checked:
    """One checked file: its index, its project and a resolver for that project."""

    module: ModuleInfo
    project: Project
    resolver: Resolver
    source: str

    @classmethod
    def load(cls, path: Path, inference: Inference | None = None,
             resolver: Resolver | None = None) -> Checked:
        source = path.read_text(encoding="utf-8")
        run = resolver.project.run if resolver is not None else Plugin.run_state()
        project, module = run.module_for_file(path, ast.parse(source),
                                              source.splitlines(keepends=True), register=True)
        if resolver is None or resolver.project is not project:
            resolver = Resolver(project, inference)
        return cls(module, project, resolver, source)

    def nodes(self, text: str, kind: type[ast.AST] = ast.expr) -> list[ast.AST]:
        return [node for node in ast.walk(self.module.tree) if isinstance(node, kind)
                and ast.get_source_segment(self.source, node) == text]

    def expr(self, text: str, index: int = 0) -> ast.expr:
        """The ``index``-th expression (in walk order) written exactly as ``text``."""
        found = self.nodes(text)
        assert found, f"no expression {text!r}"
        return sorted(found, key=lambda n: (n.lineno, n.col_offset))[index]

    def call(self, text: str, index: int = 0) -> ast.Call:
        """The ``index``-th call whose callee is written as ``text`` (``db.execute``)."""
        calls = sorted((node for node in ast.walk(self.module.tree)
                        if isinstance(node, ast.Call)
                        and ast.get_source_segment(self.source, node.func) == text),
                       key=lambda n: (n.lineno, n.col_offset))
        assert len(calls) > index, f"no call of {text!r}"
        return calls[index]

    def function(self, name: str) -> FunctionNode:
        found = [f for f in self.module.functions if f.name == name]
        assert len(found) == 1, f"{len(found)} functions named {name!r}"
        return found[0]

    def callee(self, text: str, index: int = 0) -> str | None:
        return self.resolver.callee(self.module, self.call(text, index))

    def type_of(self, text: str, index: int = 0) -> str | None:
        return self.resolver.type_of(self.module, self.expr(text, index))

    def qualname(self, text: str, index: int = 0) -> str | None:
        return self.resolver.qualname(self.module, self.expr(text, index))

    def model(self) -> FastAPIModel:
        return FastAPIModel(self.module, self.resolver, self.project)


def load_file(root: Path, name: str, inference: Inference | None = None) -> Checked:
    return Checked.load(root / name, inference)


def imported_helper(root: Path, helper_module: str) -> tuple[Checked, Definition]:
    """``app/a.py`` calls ``helper`` imported from ``app/b.py`` (``helper_module``): the
    checked ``a.py`` and the definition its call resolves to."""
    write_project(root, {
        "app/__init__.py": "",
        "app/a.py": "from app.b import helper\nhelper()\n",
        "app/b.py": helper_module,
    })
    checked = load_file(root, "app/a.py")
    definition = checked.resolver.definition(checked.module, checked.call("helper"))
    assert definition is not None and definition.module.name == "app.b"
    return checked, definition
