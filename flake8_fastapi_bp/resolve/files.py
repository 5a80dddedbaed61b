"""The run's view of the disk: files read and parsed, directory listings, project markers.

Reading is per run (``Files`` lives in the ``Run``): a language server's next run sees
the files as they are then.
"""

from __future__ import annotations

import ast
import io
import os
import tokenize
from pathlib import Path
from typing import Callable, Generic, Hashable, TypeVar

from .memory import MAX_SHARED_SOURCES

MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git", "tox.ini")
SKIP_DIRS = frozenset({".git", ".hg", ".tox", ".nox", ".venv", "venv", "env", "node_modules",
                       "site-packages", "build", "dist", "__pycache__", ".mypy_cache",
                       ".eggs"})
MAX_MODULE_BYTES = 4_000_000
MAX_SCANNED_FILES = 20_000
MAX_LISTINGS = 8192
MAX_MARKER_ROOTS = 4096

# path -> (mtime_ns, size, source, tree) of a file read.
Parsed = tuple[int, int, str, "ast.Module | None"]
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


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


class _Memo(Generic[K, V]):
    """``compute(key)`` remembered for the ``size`` keys used last."""

    def __init__(self, compute: Callable[[K], V], size: int) -> None:
        self._compute = compute
        self._size = size
        self._values: dict[K, V] = {}

    def __call__(self, key: K) -> V:
        try:
            value = self._values.pop(key)
        except KeyError:
            value = self._compute(key)
            if len(self._values) >= self._size:
                del self._values[next(iter(self._values))]
        self._values[key] = value
        return value


class Files:
    """What one run read from the disk: directory listings (module lookups ask about many
    files that do not exist), project roots found by their markers, and the last files
    parsed, shared by the projects that reach the same file."""

    def __init__(self) -> None:
        self._parsed: dict[Path, Parsed] = {}
        self._listing = _Memo(_list_directory, MAX_LISTINGS)
        self.marker_root = _Memo(_find_marker_root, MAX_MARKER_ROOTS)

    def has_file(self, directory: Path, name: str) -> bool:
        """Is there a file ``name`` in ``directory``? (One stat, only for names listed.)"""
        return name in self._listing(directory) and (directory / name).is_file()

    def package_root(self, path: Path) -> Path:
        """The directory above the file's package chain. A directory without
        ``__init__.py`` inside a regular package is a namespace portion of that package
        (imported as ``pkg.portion.module``): the chain goes on through it."""
        directory = path.parent
        while directory.parent != directory and (
                self.has_file(directory, "__init__.py")
                or self.has_file(directory.parent, "__init__.py")):
            directory = directory.parent
        return directory

    def parsed_file(self, path: Path,
                    source: str | None = None) -> tuple[str, ast.Module] | None:
        """The source and tree of a file; recently read files are not read or parsed
        again (``source``: its text, when the caller has just read it)."""
        try:
            stat = path.stat()
        except OSError:
            return None
        cached = self._parsed.pop(path, None)
        if cached is None or cached[:2] != (stat.st_mtime_ns, stat.st_size):
            if source is None:
                source = read_source(path)
            tree = parse_source(source) if source is not None else None
            cached = (stat.st_mtime_ns, stat.st_size, source or "", tree)
        self._share(path, cached)
        return (cached[2], cached[3]) if cached[3] is not None else None

    def _share(self, path: Path, entry: Parsed) -> None:
        self._parsed[path] = entry
        while len(self._parsed) > MAX_SHARED_SOURCES:
            del self._parsed[next(iter(self._parsed))]

    def shared_with_lookups(self, path: Path, source: str, tree: ast.Module) -> bool:
        """May other modules' lookups see the checked file as flake8 read it? Not when
        the plugin cannot decode the file itself (flake8 falls back to Latin-1): lookups
        must find the same module whichever file is checked first, and in whichever
        ``--jobs`` process. When the text is the one on disk, other projects reaching the
        file reuse the tree."""
        try:
            stat = path.stat()
        except OSError:
            return True  # no file on disk (stdin): no lookup reads it
        cached = self._parsed.get(path)
        if cached is not None and cached[:2] == (stat.st_mtime_ns, stat.st_size):
            return cached[3] is not None or cached[2] not in ("", source)
        on_disk = read_source(path)
        if on_disk == source:
            self._share(path, (stat.st_mtime_ns, stat.st_size, source, tree))
        return on_disk is not None  # an editor's buffer may differ from the file: newer

    def unparsed_source(self, path: Path) -> str | None:
        """The text of a file no one has parsed yet (None: parsed already, or
        unreadable)."""
        cached = self._parsed.get(path)
        if cached is not None and cached[3] is not None:
            try:
                stat = path.stat()
            except OSError:
                return None
            if cached[:2] == (stat.st_mtime_ns, stat.st_size):
                return None
        return read_source(path)

    def forget_parsed(self) -> None:
        """Drop the shared trees (a release: they hold as much as module indexes)."""
        self._parsed.clear()


def _list_directory(directory: Path) -> frozenset[str]:
    try:
        return frozenset(os.listdir(directory))
    except OSError:
        return frozenset()


def _find_marker_root(directory: Path) -> Path | None:
    for candidate in (directory, *directory.parents):
        if any((candidate / marker).exists() for marker in MARKERS):
            return candidate
    return None


def python_files(root: Path) -> list[Path]:
    """The Python files below ``root`` (at most ``MAX_SCANNED_FILES``), skipping hidden,
    virtualenv and build folders."""
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
