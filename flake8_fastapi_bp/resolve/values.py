"""Handles on what the resolver finds: ``Value`` (a named thing or an instance of a
class) and ``Definition`` (a project def or class, held weakly and found again by
position once its module index is released), and the dotted name of a def.
"""

from __future__ import annotations

import ast
import weakref
from dataclasses import dataclass

from .module import FUNCTION_TYPES, ModuleInfo
from .project import Project


class Definition:
    """A def or class of the analysed project.

    Given its ``project``, it holds the module and node weakly and is found again by
    position in the module parsed anew once the index it was found in is released: an
    answer that names a project definition (cached for the run) keeps no module alive.
    Two definitions are equal when they are the same def (same file and position)."""

    __slots__ = ("key", "node_type", "_project", "_path", "_top", "_module", "_node",
                 "_pinned")

    def __init__(self, module: ModuleInfo, node: ast.AST,
                 project: Project | None = None) -> None:
        relocatable = project is not None and module.matches_file and module.path is not None
        # Without a file to parse again (an editor's buffer, a test's module), kept alive.
        self._pinned = None if relocatable else (module, node)
        self._project = project
        self._path = module.path
        self.key = (module.path if relocatable else ("pinned", id(module)),
                    getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
        self.node_type = type(node)
        self._top = _top_level_name(module, node)
        self._module = weakref.ref(module)
        self._node = weakref.ref(node)

    @property
    def module(self) -> ModuleInfo:
        return self._load()[0]

    @property
    def node(self) -> ast.AST:
        return self._load()[1]

    @property
    def is_function(self) -> bool:
        return self.node_type in FUNCTION_TYPES

    @property
    def is_class(self) -> bool:
        return self.node_type is ast.ClassDef

    def _load(self) -> tuple[ModuleInfo, ast.AST]:
        if self._pinned is not None:
            return self._pinned
        module, node = self._module(), self._node()
        if module is not None and node is not None:
            return module, node
        assert self._project is not None and self._path is not None
        module = self._project.module_at(self._path)
        node = module.definition_at(self._top, *self.key[1:]) if module is not None else None
        if module is None or node is None:  # the file changed during the run
            raise LookupError(f"{self._top} is no longer in {self._path}")
        self._module, self._node = weakref.ref(module), weakref.ref(node)
        return module, node

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Definition) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return f"Definition({self._top!r} at {self.key!r})"


def _top_level_name(module: ModuleInfo, node: ast.AST) -> str:
    """The name the module binds the outermost def/class holding ``node`` to."""
    name = getattr(node, "name", "")
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, (*FUNCTION_TYPES, ast.ClassDef)):
            name = ancestor.name
    return name


@dataclass(frozen=True)
class Value:
    name: str
    instance: bool
    definition: Definition | None = None


def is_capword(qualname: str) -> bool:
    last = qualname.rpartition(".")[2]
    return bool(last) and last[0].isupper() and not last.isupper()


def qualname_of_def(module: ModuleInfo, node: ast.AST) -> str:
    """``pkg.mod.Class.method`` for a def/class; nested functions get ``<locals>``."""
    parts = [getattr(node, "name", "?")]
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, ast.ClassDef):
            parts.append(ancestor.name)
        elif isinstance(ancestor, FUNCTION_TYPES):
            parts.extend(["<locals>", ancestor.name])
    if module.name:
        parts.append(module.name)
    return ".".join(reversed(parts))
