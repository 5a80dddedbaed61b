"""One flake8 run's state: everything the plugin learns while a run lasts, in one object.

``Plugin.parse_options`` (once per flake8 run) makes a new ``Run``; each checked file's
``FileContext`` reaches it (``ctx.run``), and each ``Project`` knows its run. Nothing the
plugin learns outlives its run: a host that runs flake8 again in its own process (an
editor's language server) starts from the files as they are then. The only caches left
at module level are those of pure functions of strings and immutable tables.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING

from ..profiling import Profile
from .disk_cache import CacheSettings
from .files import Files
from .infer import Inference
from .memory import MemoryCounters
from .module import ModuleInfo
from .outline import OutlineModule
from .names import Resolver
from .project import Project
from .project_references import ProjectReferences

if TYPE_CHECKING:  # the call graph is a layer above: it files its graphs here
    from ..call_graph import CallGraph


class Run:
    """Projects and their module indexes, the files read, resolvers, call graphs, text
    indexes, declared requirements, astroid access, the memory counters and the persistent
    cache's settings of one run."""

    def __init__(self, cache: CacheSettings = CacheSettings()) -> None:
        # The persistent cache's settings (off unless flake8 parsed options that allow it).
        self.cache = cache
        self.profile = Profile.for_run()  # FBP_PROFILE=1 only
        self.files = Files()
        self.memory = MemoryCounters()
        self.inference = Inference(self.profile)
        # One Project per set of roots.
        self.projects: dict[tuple[Path, ...], Project] = {}
        # One resolver (and call graph) per project, so answers are shared across files.
        self.resolvers: dict[Project, Resolver] = {}
        self.call_graphs: dict[Resolver, CallGraph] = {}
        # The project text index, per scan root (``project_references``).
        self.references: dict[Path, ProjectReferences] = {}
        # (folder, distribution) -> the requirement specifiers found there.
        self.requirements: dict[tuple[Path, str], tuple[str, ...]] = {}

    def resolver_for(self, project: Project) -> Resolver:
        """The project's one resolver in this run."""
        resolver = self.resolvers.get(project)
        if resolver is None:
            resolver = self.resolvers[project] = Resolver(project, self.inference)
        return resolver

    def project_for(self, path: Path, import_roots: tuple[Path, ...] = ()) -> Project:
        """The project a file belongs to; one Project per set of roots.

        A file inside a regular package does not add its own directory: Python 3 has no
        implicit relative imports, and every module of a package then shares one
        Project. Without a project file, ``import_roots`` (the working directory and the
        directories named on the command line) stand for the project root: Python
        imports folders without ``__init__.py`` from there as namespace packages."""
        path = path.absolute()
        package_root = self.files.package_root(path)
        marker = self.files.marker_root(path.parent)
        roots: list[Path] = [package_root]
        if marker is not None:
            roots += [marker / "src", marker]
        else:
            holding = _enclosing_import_roots(path, import_roots)
            roots += holding
            marker = next((root for root in holding if root != package_root), None)
        unique = tuple(dict.fromkeys(r for r in roots if r.is_dir()))
        if unique not in self.projects:
            self.projects[unique] = Project(unique, marker or package_root, self)
        return self.projects[unique]

    def module_for_file(self, path: Path, tree: ast.Module, lines: list[str] | None,
                        register: bool,
                        import_roots: tuple[Path, ...] = ()) -> tuple[Project, ModuleInfo]:
        """Index the checked file; ``register`` shares it with cross-module lookups.

        When another module already made the project parse this very text, the checked
        file is that same ModuleInfo: one index per file, whichever is reached first."""
        path = path.absolute()
        project = self.project_for(path, import_roots)
        known = project.checked_module(path, tree, lines)
        if known is not None:
            if isinstance(known, OutlineModule):
                known.complete_from(tree)  # the rules read all of it: take flake8's parse
            return project, known
        name, is_package = project.checked_name(path)
        info = ModuleInfo(tree, path, name, is_package, lines)
        if register and (lines is None or self.files.shared_with_lookups(
                path, "".join(lines).lstrip("\ufeff"), tree)):
            project.register(info)
        else:
            info.matches_file = False
        return project, info


def _enclosing_import_roots(path: Path, import_roots: tuple[Path, ...]) -> list[Path]:
    """The ``import_roots`` that hold ``path``, deepest first."""
    holding = {root.absolute() for root in import_roots} & set(path.parents)
    return sorted(holding, key=lambda root: -len(root.parts))
