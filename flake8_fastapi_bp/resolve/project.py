"""The analysed project: where its modules live, each parsed at most once per run, lazily.

Roots are found from the checked file: the directory above its package chain (classic
packages; for a file outside any package that is its own directory, so scripts import
their siblings), then the project root (first parent with pyproject.toml/setup.py/
setup.cfg/.git) and its ``src/``. A module is looked up in those roots in that order;
namespace packages (no ``__init__.py``) work because a dotted name is tried as a path.

A file is read and parsed once while its index is kept, however many names or checked
files reach it; within a project each file has exactly one ``ModuleInfo`` (one name, one
set of caches), shared with the checked file when flake8 checks the same text. That makes
results independent of the order files are checked in. Memory stays bounded
(``memory.release_modules``): dropped indexes are rebuilt on demand, with the same
results.
"""

from __future__ import annotations

import ast
import re
import sys
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from ..profiling import timed
from . import files as files_module
from .files import read_source
from .memory import RECENT_FILES
from .module import ModuleInfo
from .outline import OutlineModule
from .text_scans import split_lines

if TYPE_CHECKING:
    from .run import Run

_IDENT = re.compile(r"^[A-Za-z_]\w*$")
# Other modules of at least this many characters are read as outlines (all of them: at
# the same budget, outlines keep only the defs asked for, so more modules fit).
OUTLINE_MIN_CHARS = 0


def index_module(tree: ast.Module, path: Path | None, name: str, is_package: bool,
                 source: str | None = None) -> ModuleInfo | None:
    lines = split_lines(source) if source is not None else None
    try:
        return ModuleInfo(tree, path, name, is_package, lines)
    except RecursionError:
        return None


def dotted_name(path: Path, root: Path) -> tuple[str, bool] | None:
    """Module name of ``path`` relative to ``root``, if every part is an identifier."""
    try:
        parts = list(path.relative_to(root).with_suffix("").parts)
    except ValueError:
        return None
    is_package = bool(parts) and parts[-1] == "__init__"
    if is_package:
        parts.pop()
    if not parts or not all(_IDENT.match(p) for p in parts):
        return None
    return ".".join(parts), is_package


class Project:
    """Source roots of one project and its lazily parsed modules."""

    def __init__(self, roots: tuple[Path, ...], scan_root: Path, run: Run) -> None:
        self.roots = roots
        self.scan_root = scan_root
        # The run this project belongs to: its files, memory counters and text index.
        self.run = run
        self.disk = run.files  # the run's view of the disk
        self.memory = run.memory
        self._paths: dict[str, tuple[Path, bool] | None] = {}
        self._modules: dict[str, ModuleInfo | None] = {}
        # One ModuleInfo per file, whatever name reaches it (``app.main`` and ``main``).
        self._by_path: dict[Path, ModuleInfo | None] = {}
        # When each kept index was last asked for (``release_modules``' clock), and by how
        # many checked files.
        self._last_use: dict[Path, int] = {}
        self._uses: dict[Path, int] = {}
        # Dropped indexes that cached answers of kept modules still hold: asked for again,
        # they come back (one ModuleInfo per file, even across a release).
        self._dropped: weakref.WeakValueDictionary[Path, ModuleInfo] = \
            weakref.WeakValueDictionary()
        # Did the last ``texts()`` read every source file below ``scan_root``?
        self.scan_complete = True

    def find(self, name: str) -> tuple[Path, bool] | None:
        """The file of module ``name`` (and whether it is a package), or None."""
        if name not in self._paths:
            self._paths[name] = self._locate(name)
        return self._paths[name]

    def _locate(self, name: str) -> tuple[Path, bool] | None:
        if not name or not all(_IDENT.match(p) for p in name.split(".")):
            return None
        if name.partition(".")[0] in sys.builtin_module_names:
            return None  # ``time``, ``sys``...: compiled in, no file on the path shadows them
        relative = Path(*name.split("."))
        for root in self.roots:
            base = root / relative
            if self.disk.has_file(base.parent, base.name + ".py"):
                return base.with_suffix(".py"), False
            if self.disk.has_file(base, "__init__.py"):
                return base / "__init__.py", True
        return None

    def module(self, name: str) -> ModuleInfo | None:
        """Module ``name`` of the project, parsed once; None if absent or unparsable."""
        if name not in self._modules:
            found = self.find(name)
            self._modules[name] = self.module_at(found[0]) if found is not None else None
        info = self._modules[name]
        if info is not None and info.path is not None:
            self._touch(info.path)
        return info

    @timed("project-modules", lambda project: project.run.profile)
    def module_at(self, path: Path) -> ModuleInfo | None:
        """The project's one index of the file at ``path`` (named as ``name_of`` says)."""
        if path not in self._by_path and self._revive(path) is None:
            name, is_package = self.checked_name(path)
            info = self.outline_or_whole(path, name, is_package)
            self._by_path[path] = info
            self.memory.retained += len(info.parents) if info is not None else 0
        self._touch(path)
        return self._by_path[path]

    def outline_or_whole(self, path: Path, name: str, is_package: bool) -> ModuleInfo | None:
        """The index of another module of the project: an outline when the file is not
        already parsed (and splits into statements), else the whole module."""
        source = self.disk.unparsed_source(path)
        if source is not None and len(source) >= OUTLINE_MIN_CHARS:
            try:
                outline = OutlineModule.build(source, path, name, is_package, self.memory)
            except RecursionError:
                outline = None
            if outline is not None:
                return outline
        parsed = self.disk.parsed_file(path, source)  # the text is read once
        return index_module(parsed[1], path, name, is_package, parsed[0]) if parsed else None

    def register(self, info: ModuleInfo) -> None:
        """Share the checked file's own index so that other modules do not re-parse it."""
        if info.path is not None and info.path not in self._by_path:
            self._by_path[info.path] = info
            self._touch(info.path)
            self.memory.retained += len(info.parents)
        if info.name and info.name not in self._modules:
            self._modules[info.name] = info

    def _revive(self, path: Path) -> ModuleInfo | None:
        info = self._dropped.pop(path, None)
        if info is not None:
            self._by_path[path] = info
            self.memory.retained += len(info.parents)
        return info

    def _touch(self, path: Path) -> None:
        if self._last_use.get(path) != self.memory.clock:
            self._last_use[path] = self.memory.clock
            self._uses[path] = self._uses.get(path, 0) + 1

    def retained(self) -> Iterator[tuple[tuple[bool, int, int], Path, ModuleInfo]]:
        """(keep priority, path, index) of every module index this project keeps: first to
        go are the indexes no recent file used, then those used by the fewest files (a
        checked file nobody imports), then the least recently used."""
        for path, info in self._by_path.items():
            if info is not None:
                last = self._last_use.get(path, 0)
                recent = last > self.memory.clock - RECENT_FILES
                yield (recent, self._uses.get(path, 0) if recent else 0, last), path, info

    def forget(self, paths: set[Path]) -> None:
        """Drop the indexes of ``paths`` and their cached answers. An index that cached
        answers elsewhere still hold stays alive and comes back if asked for; any other
        is freed, and parsed again if asked for."""
        dropped = set()
        for path in paths:
            info = self._by_path.pop(path, None)
            self._last_use.pop(path, None)
            self._uses.pop(path, None)
            if info is not None:
                dropped.add(id(info))
                info.cache.clear()  # its answers hold other modules (and itself)
                self._dropped[path] = info
        self._modules = {name: info for name, info in self._modules.items()
                         if info is None or id(info) not in dropped}

    def dropped_alive(self) -> list[ModuleInfo]:
        return list(self._dropped.values())

    def forget_dropped(self) -> None:
        self._dropped = weakref.WeakValueDictionary()

    def checked_module(self, path: Path, tree: ast.Module,
                       lines: list[str] | None) -> ModuleInfo | None:
        """The project's index of ``path`` when it holds exactly the checked text."""
        known = self._by_path.get(path) or self._revive(path)
        if known is None or known.lines is None or lines is None:
            return None
        return known if "".join(known.lines) == "".join(lines).lstrip("\ufeff") else None

    def checked_name(self, path: Path) -> tuple[str, bool]:
        """Inside a regular package the name comes from the package chain, else from the
        roots (the project root first: ``app.main`` rather than ``main``)."""
        if self.disk.has_file(path.parent, "__init__.py"):
            dotted = dotted_name(path, self.disk.package_root(path))
            if dotted is not None:
                return dotted
        ordered = [root for root in self.roots if root != path.parent] + [path.parent]
        for root in ordered:
            dotted = dotted_name(path, root)
            if dotted is not None:
                return dotted
        return "", False

    def split(self, qualname: str) -> tuple[ModuleInfo, list[str]] | None:
        """The longest project-module prefix of ``qualname`` and the remaining attributes."""
        parts = qualname.split(".")
        for end in range(len(parts), 0, -1):
            if self.find(".".join(parts[:end])) is not None:
                module = self.module(".".join(parts[:end]))
                return (module, parts[end:]) if module is not None else None
        return None

    def name_of(self, path: Path) -> tuple[str, bool]:
        """The dotted name a file has in this project ("" if it has none)."""
        for root in self.roots:
            dotted = dotted_name(path, root)
            if dotted is not None:
                return dotted
        return "", False

    def holds(self, path: Path) -> bool:
        """Is ``path`` this project's own file, not one of a project nested below its
        scan root (a directory with a project file of its own)?"""
        return self.disk.marker_root(path.parent) in (self.scan_root, None)

    def files(self) -> list[Path]:
        """Every project source file below ``scan_root`` (up to ``MAX_SCANNED_FILES``)."""
        files = files_module.python_files(self.scan_root)
        # A project larger than the scan is only partly known to text pre-filters.
        self.scan_complete = len(files) < files_module.MAX_SCANNED_FILES
        return files

    def texts(self) -> Iterator[tuple[Path, str]]:
        """Every project source file's text, one at a time, for cheap cross-module scans
        (callers keep what they extract, never the texts: a project may be large)."""
        for path in self.files():
            source = read_source(path)
            if source is not None:
                yield path, source
