"""The analysed project: where its modules live, parsed at most once per process, lazily.

Roots are found from the checked file: the directory above its package chain (classic
packages), the project root (first parent with pyproject.toml/setup.py/setup.cfg/.git)
and its ``src/``, and the file's own directory (scripts importing siblings). A module is
looked up in those roots in that order; namespace packages (no ``__init__.py``) work
because a dotted name is tried as a path.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from functools import lru_cache
from pathlib import Path

from .module import ModuleInfo

MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git", "tox.ini")
SKIP_DIRS = {".git", ".hg", ".tox", ".nox", ".venv", "venv", "env", "node_modules",
             "site-packages", "build", "dist", "__pycache__", ".mypy_cache", ".eggs"}
MAX_MODULE_BYTES = 4_000_000
MAX_SCANNED_FILES = 20_000
_IDENT = re.compile(r"^[A-Za-z_]\w*$")


def read_source(path: Path) -> str | None:
    """Decode a file the way Python would (BOM, coding cookie); None if unreadable."""
    try:
        data = path.read_bytes()
        if len(data) > MAX_MODULE_BYTES:
            return None
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
        return None


def parse_module(source: str, path: Path | None, name: str, is_package: bool) -> ModuleInfo | None:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    try:
        return ModuleInfo(tree, path, name, is_package)
    except RecursionError:
        return None


@lru_cache(maxsize=4096)
def _marker_root(directory: Path) -> Path | None:
    for candidate in (directory, *directory.parents):
        if any((candidate / marker).exists() for marker in MARKERS):
            return candidate
    return None


def _package_root(path: Path) -> Path:
    directory = path.parent
    while (directory / "__init__.py").exists() and directory.parent != directory:
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
        self._texts: list[tuple[Path, str]] | None = None

    def find(self, name: str) -> tuple[Path, bool] | None:
        """The file of module ``name`` (and whether it is a package), or None."""
        if name not in self._paths:
            self._paths[name] = self._locate(name)
        return self._paths[name]

    def _locate(self, name: str) -> tuple[Path, bool] | None:
        if not name or not all(_IDENT.match(p) for p in name.split(".")):
            return None
        relative = Path(*name.split("."))
        for root in self.roots:
            base = root / relative
            if base.with_suffix(".py").is_file():
                return base.with_suffix(".py"), False
            if (base / "__init__.py").is_file():
                return base / "__init__.py", True
        return None

    def module(self, name: str) -> ModuleInfo | None:
        """Module ``name`` of the project, parsed once; None if absent or unparsable."""
        if name not in self._modules:
            self._modules[name] = None  # guards cycles while parsing
            found = self.find(name)
            if found is not None:
                source = read_source(found[0])
                if source is not None:
                    self._modules[name] = parse_module(source, found[0], name, found[1])
        return self._modules[name]

    def register(self, info: ModuleInfo) -> None:
        """Share the checked file's own index so that other modules do not re-parse it."""
        if info.name and info.name not in self._modules:
            self._modules[info.name] = info

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

    def texts(self) -> list[tuple[Path, str]]:
        """Every project source file's text (read once), for cheap cross-module scans."""
        if self._texts is None:
            self._texts = []
            for path in _python_files(self.scan_root):
                source = read_source(path)
                if source is not None:
                    self._texts.append((path, source))
        return self._texts


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


def project_for(path: Path) -> Project:
    """The project a file belongs to; one Project object per set of roots per process."""
    path = path.absolute()
    package_root = _package_root(path)
    marker = _marker_root(path.parent)
    roots: list[Path] = [package_root]
    if marker is not None:
        roots += [marker / "src", marker]
    roots.append(path.parent)
    unique = tuple(dict.fromkeys(r for r in roots if r.is_dir()))
    if unique not in _PROJECTS:
        _PROJECTS[unique] = Project(unique, marker or package_root)
    return _PROJECTS[unique]


def module_for_file(path: Path, tree: ast.Module, lines: list[str] | None,
                    register: bool) -> tuple[Project, ModuleInfo]:
    """Index the checked file; ``register`` shares it with cross-module lookups."""
    project = project_for(path)
    name, is_package = _checked_name(project, path)
    info = ModuleInfo(tree, path, name, is_package, lines)
    if register:
        project.register(info)
    return project, info


def _checked_name(project: Project, path: Path) -> tuple[str, bool]:
    """Inside a regular package the name comes from the package chain, else from the roots."""
    path = path.absolute()
    if (path.parent / "__init__.py").exists():
        dotted = _dotted(path, _package_root(path))
        if dotted is not None:
            return dotted
    ordered = [root for root in project.roots if root != path.parent] + [path.parent]
    for root in ordered:
        dotted = _dotted(path, root)
        if dotted is not None:
            return dotted
    return "", False
