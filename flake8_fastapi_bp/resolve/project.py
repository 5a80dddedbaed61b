"""The analysed project: where its modules live, parsed at most once per process, lazily.

Roots are found from the checked file: the directory above its package chain (classic
packages; for a file outside any package that is its own directory, so scripts import
their siblings), then the project root (first parent with pyproject.toml/setup.py/
setup.cfg/.git) and its ``src/``. A module is looked up in those roots in that order;
namespace packages (no ``__init__.py``) work because a dotted name is tried as a path.

A file is read and parsed once while its index is kept, however many names or checked
files reach it; within a project each file has exactly one ``ModuleInfo`` (one name, one
set of caches), shared with the checked file when flake8 checks the same text. That makes
results independent of the order files are checked in.

Memory stays bounded: between checked files, ``release_modules`` drops the least recently
used indexes once they exceed ``MAX_RETAINED_NODES``, together with every cached answer
(answers hold the modules they were found in). All of it is rebuilt on demand with the
same results, just as each ``--jobs`` process builds its own.
"""

from __future__ import annotations

import ast
import io
import os
import re
import sys
import tokenize
import weakref
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from ..phases import timed
from .module import GROWN_NODES, ModuleInfo, OutlineModule, split_lines

MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git", "tox.ini")
SKIP_DIRS = {".git", ".hg", ".tox", ".nox", ".venv", "venv", "env", "node_modules",
             "site-packages", "build", "dist", "__pycache__", ".mypy_cache", ".eggs"}
MAX_MODULE_BYTES = 4_000_000
MAX_SCANNED_FILES = 20_000
_IDENT = re.compile(r"^[A-Za-z_]\w*$")
# Module indexes kept between checked files, counted in AST nodes over all projects: a
# 1,000-line module is about 10,000 nodes and 3 MB with its index and caches (0.6 KB a
# node all told on litellm: 580,000 nodes held 396 MiB of traced memory, 57% the AST).
# litellm alone, every module an outline: 600,000 -> 506 MiB peak / 65 s CPU,
# 400,000 -> 418 / 68, 300,000 -> 368 / 72, 250,000 -> 344 / 74.
MAX_RETAINED_NODES = 300_000
# flake8's own work on a checked file (tokens, logical lines, pyflakes' scopes) takes
# about 4 KB a line at its peak, as much as this many kept nodes: a large file makes room
# (litellm's 22,939-line proxy_server.py: peak RSS 368 -> 315-328 MiB, same CPU).
NODES_PER_CHECKED_LINE = 6
# What a release keeps, as a share of the budget (the rest is room for the next files).
KEEP_AFTER_RELEASE = 0.8
# Dropped indexes that cached answers keep alive, as a share of the budget, above which
# every cached answer goes too: they are memory the budget does not see (litellm's peak:
# 0.81 GiB at 100% of the budget, 0.65 GiB at 25%, for 7% more time).
DROPPED_ALIVE_SHARE = 0.25
# Files checked since a module index was last used for it to count as recently used
# (whole corpus, FBP only: 100 -> 5,043 module reads, 25 -> 4,453, 10 -> 4,401 of 2,464
# distinct modules; 400 -> 5,611). A long window shields the trees of the files just
# checked, which no one may ask for again, from modules many files import.
RECENT_FILES = 10
# Parsed files shared between projects that reach the same file (rare: scripts folders).
MAX_SHARED_SOURCES = 32
# Other modules of at least this many characters are read as outlines: their defs and
# classes are parsed when asked for (most lookups need a few names of a module). All of
# them: at the same budget, outlines keep only the defs asked for, so more modules fit
# (litellm at 600,000 nodes: 537 -> 506 MiB, 67 -> 65 s CPU, 20,000 -> 0 characters).
OUTLINE_MIN_CHARS = 0


def read_source(path: Path) -> str | None:
    """Decode a file the way Python (and flake8) would: BOM, coding cookie, universal
    newlines; None if unreadable."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return decode_source(data)


def decode_source(data: bytes) -> str | None:
    """``read_source`` on bytes already read (the persistent cache hashes them first)."""
    if len(data) > MAX_MODULE_BYTES:
        return None
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def parse_source(source: str) -> ast.Module | None:
    """The one place a project file is parsed; None if it is not valid Python."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return None


# path -> (mtime_ns, size, source, tree) of the files read last, most recent last.
_SOURCES: dict[Path, tuple[int, int, str, ast.Module | None]] = {}


def parsed_file(path: Path, source: str | None = None) -> tuple[str, ast.Module] | None:
    """The source and tree of a file; recently read files are not read or parsed again
    (``source``: its text, when the caller has just read it)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    cached = _SOURCES.pop(path, None)
    if cached is None or cached[:2] != (stat.st_mtime_ns, stat.st_size):
        if source is None:
            source = read_source(path)
        tree = parse_source(source) if source is not None else None
        cached = (stat.st_mtime_ns, stat.st_size, source or "", tree)
    _share_source(path, cached)
    return (cached[2], cached[3]) if cached[3] is not None else None


def _share_source(path: Path, entry: tuple[int, int, str, ast.Module | None]) -> None:
    _SOURCES[path] = entry
    while len(_SOURCES) > MAX_SHARED_SOURCES:
        del _SOURCES[next(iter(_SOURCES))]


def _shared_with_lookups(path: Path, source: str, tree: ast.Module) -> bool:
    """May other modules' lookups see the checked file as flake8 read it? Not when the
    plugin cannot decode the file itself (flake8 falls back to Latin-1): lookups must find
    the same module whichever file is checked first, and in whichever ``--jobs`` process.
    When the text is the one on disk, other projects reaching the file reuse the tree."""
    try:
        stat = path.stat()
    except OSError:
        return True  # no file on disk (stdin): no lookup reads it
    cached = _SOURCES.get(path)
    if cached is not None and cached[:2] == (stat.st_mtime_ns, stat.st_size):
        return cached[3] is not None or cached[2] not in ("", source)
    on_disk = read_source(path)
    if on_disk == source:
        _share_source(path, (stat.st_mtime_ns, stat.st_size, source, tree))
    return on_disk is not None  # an editor's buffer may differ from the file: it is newer


def outline_or_whole(path: Path, name: str, is_package: bool) -> ModuleInfo | None:
    """The index of another module of the project: an outline when the file is not
    already parsed (and splits into statements), else the whole module."""
    source = _unparsed_source(path)
    if source is not None and len(source) >= OUTLINE_MIN_CHARS:
        try:
            outline = OutlineModule.build(source, path, name, is_package)
        except RecursionError:
            outline = None
        if outline is not None:
            return outline
    parsed = parsed_file(path, source)  # the text is read once
    return index_module(parsed[1], path, name, is_package, parsed[0]) if parsed else None


def _unparsed_source(path: Path) -> str | None:
    """The text of a file no one has parsed yet (None: parsed already, or unreadable)."""
    cached = _SOURCES.get(path)
    if cached is not None and cached[3] is not None:
        try:
            stat = path.stat()
        except OSError:
            return None
        if cached[:2] == (stat.st_mtime_ns, stat.st_size):
            return None
    return read_source(path)


def parse_module(source: str, path: Path | None, name: str, is_package: bool) -> ModuleInfo | None:
    tree = parse_source(source)
    return index_module(tree, path, name, is_package, source) if tree is not None else None


def index_module(tree: ast.Module, path: Path | None, name: str, is_package: bool,
                 source: str | None = None) -> ModuleInfo | None:
    lines = split_lines(source) if source is not None else None
    try:
        return ModuleInfo(tree, path, name, is_package, lines)
    except RecursionError:
        return None


@lru_cache(maxsize=8192)
def _listing(directory: Path) -> frozenset[str]:
    """The names in ``directory`` (none if unreadable), read once per run: module lookups
    ask about many files that do not exist (every prefix of every dotted name)."""
    try:
        return frozenset(os.listdir(directory))
    except OSError:
        return frozenset()


def has_file(directory: Path, name: str) -> bool:
    """Is there a file ``name`` in ``directory``? (One stat, only for names listed.)"""
    return name in _listing(directory) and (directory / name).is_file()


@lru_cache(maxsize=4096)
def _marker_root(directory: Path) -> Path | None:
    for candidate in (directory, *directory.parents):
        if any((candidate / marker).exists() for marker in MARKERS):
            return candidate
    return None


def _package_root(path: Path) -> Path:
    """The directory above the file's package chain. A directory without ``__init__.py``
    inside a regular package is a namespace portion of that package (imported as
    ``pkg.portion.module``), not a folder of scripts: the chain goes on through it."""
    directory = path.parent
    while directory.parent != directory and (
            has_file(directory, "__init__.py") or has_file(directory.parent, "__init__.py")):
        directory = directory.parent
    return directory


def _dotted(path: Path, root: Path) -> tuple[str, bool] | None:
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

    def __init__(self, roots: tuple[Path, ...], scan_root: Path) -> None:
        self.roots = roots
        self.scan_root = scan_root
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
            if has_file(base.parent, base.name + ".py"):
                return base.with_suffix(".py"), False
            if has_file(base, "__init__.py"):
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

    @timed("project-modules")
    def module_at(self, path: Path) -> ModuleInfo | None:
        """The project's one index of the file at ``path`` (named as ``name_of`` says)."""
        if path not in self._by_path and self._revive(path) is None:
            name, is_package = self.checked_name(path)
            info = outline_or_whole(path, name, is_package)
            self._by_path[path] = info
            _RETAINED[0] += len(info.parents) if info is not None else 0
        self._touch(path)
        return self._by_path[path]

    def register(self, info: ModuleInfo) -> None:
        """Share the checked file's own index so that other modules do not re-parse it."""
        if info.path is not None and info.path not in self._by_path:
            self._by_path[info.path] = info
            self._touch(info.path)
            _RETAINED[0] += len(info.parents)
        if info.name and info.name not in self._modules:
            self._modules[info.name] = info

    def _revive(self, path: Path) -> ModuleInfo | None:
        info = self._dropped.pop(path, None)
        if info is not None:
            self._by_path[path] = info
            _RETAINED[0] += len(info.parents)
        return info

    def _touch(self, path: Path) -> None:
        if self._last_use.get(path) != _CLOCK[0]:
            self._last_use[path] = _CLOCK[0]
            self._uses[path] = self._uses.get(path, 0) + 1

    def retained(self) -> Iterator[tuple[tuple[bool, int, int], Path, ModuleInfo]]:
        """(keep priority, path, index) of every module index this project keeps: first to
        go are the indexes no recent file used, then those used by the fewest files (a
        checked file nobody imports), then the least recently used."""
        for path, info in self._by_path.items():
            if info is not None:
                last = self._last_use.get(path, 0)
                recent = last > _CLOCK[0] - RECENT_FILES
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
        if has_file(path.parent, "__init__.py"):
            dotted = _dotted(path, _package_root(path))
            if dotted is not None:
                return dotted
        ordered = [root for root in self.roots if root != path.parent] + [path.parent]
        for root in ordered:
            dotted = _dotted(path, root)
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
            dotted = _dotted(path, root)
            if dotted is not None:
                return dotted
        return "", False

    def holds(self, path: Path) -> bool:
        """Is ``path`` this project's own file, not one of a project nested below its
        scan root (a directory with a project file of its own)?"""
        return _marker_root(path.parent) in (self.scan_root, None)

    def files(self) -> list[Path]:
        """Every project source file below ``scan_root`` (up to ``MAX_SCANNED_FILES``)."""
        files = _python_files(self.scan_root)
        # A project larger than the scan is only partly known to text pre-filters.
        self.scan_complete = len(files) < MAX_SCANNED_FILES
        return files

    def texts(self) -> Iterator[tuple[Path, str]]:
        """Every project source file's text, one at a time, for cheap cross-module scans
        (callers keep what they extract, never the texts: a project may be large)."""
        for path in self.files():
            source = read_source(path)
            if source is not None:
                yield path, source


def _python_files(root: Path) -> list[Path]:
    found: list[Path] = []
    stack = [root]
    while stack and len(found) < MAX_SCANNED_FILES:
        directory = stack.pop()
        try:
            entries = sorted(directory.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir() and not entry.is_symlink():
                if entry.name not in SKIP_DIRS and not entry.name.startswith("."):
                    stack.append(entry)
            elif entry.suffix == ".py":
                found.append(entry)
    return found


_PROJECTS: dict[tuple[Path, ...], Project] = {}
# Ticks once per checked file; stamps when each kept module index was last used.
_CLOCK = [0]
# AST nodes of all kept module indexes.
_RETAINED = [0]


def budget_beside(checked_lines: int) -> int:
    """The module budget while a file of ``checked_lines`` lines is checked: flake8's
    peak for a large file comes on top of the kept indexes (at least a quarter stays)."""
    room = NODES_PER_CHECKED_LINE * checked_lines
    return max(MAX_RETAINED_NODES // 4, MAX_RETAINED_NODES - room)


def release_modules(budget: int | None = None, new_file: bool = True) -> bool:
    """Between two checked files: once the kept module indexes exceed ``budget`` AST nodes
    (over all projects), drop the least valuable ones (``Project.retained``) down to
    ``KEEP_AFTER_RELEASE`` of the budget, with their cached answers. A dropped index that
    answers cached on kept modules still hold stays alive (and comes back if asked for
    again), so no module ever has two indexes; if those alone exceed
    ``DROPPED_ALIVE_SHARE`` of the budget, every cached answer goes too.
    Everything dropped is rebuilt on demand, with the same results (as each ``--jobs``
    process builds its own). Returns whether anything was dropped.

    ``new_file=False``: a release between two rule families of one file (a large file
    pulls in many modules). The file's rules may still hold nodes of dropped indexes,
    so those stay revivable whatever their size, and the clock does not tick."""
    if new_file:
        _CLOCK[0] += 1
    _RETAINED[0] += GROWN_NODES[0]  # outline modules grow as their defs are asked for
    GROWN_NODES[0] = 0
    budget = MAX_RETAINED_NODES if budget is None else budget
    if _RETAINED[0] <= budget:
        return False
    kept = [(priority, len(info.parents), project, path, info)
            for project in _PROJECTS.values() for priority, path, info in project.retained()]
    total = sum(size for _, size, _, _, _ in kept)
    _RETAINED[0] = total
    if total <= budget:
        return False
    kept.sort(key=lambda entry: entry[0])
    dropped: dict[int, set[Path]] = {}
    for _, size, project, path, _ in kept:
        if total <= budget * KEEP_AFTER_RELEASE:
            break
        total -= size
        dropped.setdefault(id(project), set()).add(path)
    for project in _PROJECTS.values():
        project.forget(dropped.get(id(project), set()))
    _RETAINED[0] = total
    _SOURCES.clear()
    if not new_file:
        return True  # the file being checked may hold dropped indexes: they must come back
    alive = sum(len(info.parents) for project in _PROJECTS.values()
                for info in project.dropped_alive())
    if alive > budget * DROPPED_ALIVE_SHARE:
        for project in _PROJECTS.values():
            for _, _, info in project.retained():
                info.cache.clear()
            project.forget_dropped()
    return True


def project_for(path: Path, import_roots: tuple[Path, ...] = ()) -> Project:
    """The project a file belongs to; one Project object per set of roots per process.

    A file inside a regular package does not add its own directory: Python 3 has no
    implicit relative imports, and every module of a package then shares one Project.
    Without a project file, ``import_roots`` (the working directory and the directories
    named on the command line) stand for the project root: Python imports folders
    without ``__init__.py`` from there as namespace packages (``from app.rates import``)."""
    path = path.absolute()
    package_root = _package_root(path)
    marker = _marker_root(path.parent)
    roots: list[Path] = [package_root]
    if marker is not None:
        roots += [marker / "src", marker]
    else:
        holding = _enclosing_import_roots(path, import_roots)
        roots += holding
        marker = next((root for root in holding if root != package_root), None)
    unique = tuple(dict.fromkeys(r for r in roots if r.is_dir()))
    if unique not in _PROJECTS:
        _PROJECTS[unique] = Project(unique, marker or package_root)
    return _PROJECTS[unique]


def _enclosing_import_roots(path: Path, import_roots: tuple[Path, ...]) -> list[Path]:
    """The ``import_roots`` that hold ``path``, deepest first."""
    holding = {root.absolute() for root in import_roots} & set(path.parents)
    return sorted(holding, key=lambda root: -len(root.parts))


def forget_projects() -> None:
    """Forget every project, module index and file read so far: a new flake8 run in the
    same process (an editor's language server) must see the files as they are now."""
    from .requirements import forget_requirements

    _PROJECTS.clear()
    _SOURCES.clear()
    _RETAINED[0] = 0
    GROWN_NODES[0] = 0
    _marker_root.cache_clear()
    _listing.cache_clear()
    forget_requirements()


def module_for_file(path: Path, tree: ast.Module, lines: list[str] | None,
                    register: bool,
                    import_roots: tuple[Path, ...] = ()) -> tuple[Project, ModuleInfo]:
    """Index the checked file; ``register`` shares it with cross-module lookups.

    When another module already made the project parse this very text, the checked file
    is that same ModuleInfo: one index per file, whichever is reached first."""
    path = path.absolute()
    project = project_for(path, import_roots)
    known = project.checked_module(path, tree, lines)
    if known is not None:
        if isinstance(known, OutlineModule):
            known.complete_from(tree)  # the rules read all of it: take flake8's parse
        return project, known
    name, is_package = project.checked_name(path)
    info = ModuleInfo(tree, path, name, is_package, lines)
    if register and (lines is None or _shared_with_lookups(
            path, "".join(lines).lstrip("\ufeff"), tree)):
        project.register(info)
    else:
        info.matches_file = False
    return project, info
