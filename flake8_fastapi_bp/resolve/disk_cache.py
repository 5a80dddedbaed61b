"""The persistent cache: per-file facts of the project text scans, kept between runs.

Before it answers anything about one file, a run scans the text of every source file of
the project (``project_references``); an editor or pre-commit linting one file pays for
that scan each time. The facts a scan takes from a file are a pure function of its text,
so they are kept on disk, as mypy and ruff keep theirs.

Where: ``.fbp_cache/`` at the project root (with a ``.gitignore`` of ``*``, as ruff does),
or the directory ``--fbp-cache-dir`` / ``FBP_CACHE_DIR`` names; one JSON file per project
root (``facts-<hash of the root>.json``). Off with ``--fbp-no-cache`` or ``FBP_NO_CACHE=1``.
Never inside ``site-packages`` (or ``dist-packages``); a directory that cannot be written
means no cache.

An entry is ``[size, mtime_ns, digest, {group: facts}]`` under the file's path. A file
with the same size and mtime is taken as unchanged; otherwise its bytes are hashed and
the same digest keeps the facts. A file modified in the last seconds gets mtime 0 (always
hashed): a second write within one clock tick would otherwise look unchanged.

Writers (``--jobs`` processes, editors linting at the same time) write a temporary file in
the same directory and ``os.replace`` it, so a reader sees a whole file, old or new; a
save first merges what another process saved meanwhile. A file that does not load, has
another format or was written by another plugin build (version and source fingerprint)
is ignored and overwritten by the next save. Only JSON of plain data: strings, lists,
booleans; a value of another shape counts as missing.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Union

from .. import __version__
from .files import decode_source

FORMAT = 1
CACHE_FOLDER = ".fbp_cache"
_INSTALLED = frozenset({"site-packages", "dist-packages"})
# A file this recent may be written again within the same mtime tick: always hash it.
RECENT_NS = 2_000_000_000
# A group's facts for one file: named lists of strings or flags (None: unreadable file).
Facts = dict[str, Union[list[str], bool]]
Compute = Callable[[str], Facts]


@dataclass(frozen=True)
class CacheSettings:
    """``enabled``: options and environment allow a cache; ``directory``: where (None:
    ``.fbp_cache`` at each project root)."""
    enabled: bool = False
    directory: Path | None = None


def settings_from(no_cache: bool, directory: str | None,
                  environ: dict[str, str] | os._Environ[str] = os.environ) -> CacheSettings:
    """Options first, then ``FBP_NO_CACHE=1`` / ``FBP_CACHE_DIR``."""
    if no_cache or environ.get("FBP_NO_CACHE", "").strip() not in ("", "0"):
        return CacheSettings(enabled=False)
    named = (directory or "").strip() or environ.get("FBP_CACHE_DIR", "").strip()
    return CacheSettings(enabled=True, directory=Path(named).absolute() if named else None)


def scanned(settings: CacheSettings, root: Path, files: Iterable[Path], group: str,
            compute: Compute) -> Iterator[tuple[Path, Facts]]:
    """``compute(text)`` of each readable file among ``files`` (under the project root
    ``root``), from the cache (as the run's ``settings`` allow) for files unchanged since
    it was saved; the cache is saved once every file has been given."""
    store = _open(settings, root)
    if store is None:
        for path in files:
            data = _read(path)
            text = decode_source(data) if data is not None else None
            if text is not None:
                yield path, compute(text)
        return
    for path in files:
        found = store.facts(path, group, compute)
        if found is not None:
            yield path, found
    store.save()


class _Store:
    """The cached entries of one project, loaded once per pass, saved if anything changed."""

    def __init__(self, root: Path, file: Path) -> None:
        self.root = root
        self.file = file
        self.entries = _load(file)
        self.changed = False

    def facts(self, path: Path, group: str, compute: Compute) -> Facts | None:
        key = self._key(path)
        try:
            stat = path.stat()
        except OSError:
            return None
        entry = _valid_entry(self.entries.get(key))
        if entry is not None and entry[1] and (entry[0], entry[1]) == (
                stat.st_size, stat.st_mtime_ns):
            known, found = _cached(entry[3], group)
            if known:
                return found
        data = _read(path)
        if data is None:
            return None
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        groups = entry[3] if entry is not None and entry[2] == digest else {}
        known, found = _cached(groups, group)
        if not known:
            text = decode_source(data)
            found = compute(text) if text is not None else None
            groups[group] = found
        self.entries[key] = [len(data), _trusted_mtime(stat.st_mtime_ns), digest, groups]
        self.changed = True
        return found

    def _key(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def save(self) -> None:
        """Merge what another process saved meanwhile, then replace the file whole."""
        if not self.changed:
            return
        for key, theirs in _load(self.file).items():
            ours = _valid_entry(self.entries.get(key))
            theirs = _valid_entry(theirs)
            if theirs is None:
                continue
            if ours is None:
                self.entries[key] = theirs
            elif ours[2] == theirs[2]:
                ours[3] = {**theirs[3], **ours[3]}
        self.entries = {key: entry for key, entry in self.entries.items()
                        if (self.root / key).is_file()}
        _write(self.file, {"format": FORMAT, "fingerprint": fingerprint(),
                           "root": str(self.root), "files": self.entries})
        self.changed = False


def _open(settings: CacheSettings, root: Path) -> _Store | None:
    if not settings.enabled:
        return None
    directory = settings.directory or root / CACHE_FOLDER
    if not _INSTALLED.isdisjoint(directory.parts + root.parts):
        return None  # an installed package is not the user's project
    name = hashlib.blake2b(str(root).encode("utf-8", "surrogateescape"),
                           digest_size=8).hexdigest()
    return _Store(root, directory / f"facts-{name}.json")


def _load(file: Path) -> dict[str, object]:
    """The entries of a cache file this plugin build wrote; none for anything else."""
    try:
        content = json.loads(file.read_bytes())
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(content, dict) or content.get("format") != FORMAT \
            or content.get("fingerprint") != fingerprint() \
            or not isinstance(content.get("files"), dict):
        return {}
    files: dict[str, object] = content["files"]
    return files


def _write(file: Path, content: dict[str, object]) -> None:
    """Write ``content`` whole or not at all; a directory we cannot write means no cache."""
    temporary: Path | None = None
    try:
        _make_folder(file.parent)
        # A name no other writer uses; mode 0o666 less the umask, as for any new file.
        temporary = file.with_name(f"{file.stem}.{os.getpid()}.{os.urandom(6).hex()}.tmp")
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(content, out, separators=(",", ":"))
        os.replace(temporary, file)
        temporary = None
    except (OSError, ValueError):
        pass
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass


def _make_folder(directory: Path) -> None:
    """Create the cache folder with a ``.gitignore`` of ``*`` (a folder that exists
    already is the user's: left as it is)."""
    if directory.is_dir():
        return
    directory.mkdir(parents=True, exist_ok=True)
    ignore = directory / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Created by flake8-fastapi-bp: its cache, never committed.\n*\n",
                          encoding="utf-8")


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _trusted_mtime(mtime_ns: int) -> int:
    return mtime_ns if time.time_ns() - mtime_ns > RECENT_NS else 0


def _valid_entry(entry: object) -> list[Any] | None:
    if isinstance(entry, list) and len(entry) == 4 and type(entry[0]) is int \
            and type(entry[1]) is int and isinstance(entry[2], str) \
            and isinstance(entry[3], dict):
        return entry
    return None


def _cached(groups: dict[str, object], group: str) -> tuple[bool, Facts | None]:
    """(known, facts) of ``group`` in an entry; None facts: the file is unreadable."""
    if group not in groups:
        return False, None
    if groups[group] is None:
        return True, None
    facts = _valid_facts(groups[group])
    return facts is not None, facts


def _valid_facts(facts: object) -> Facts | None:
    if isinstance(facts, dict) and all(
            isinstance(key, str) and (type(value) is bool or (
                isinstance(value, list) and all(isinstance(item, str) for item in value)))
            for key, value in facts.items()):
        return facts
    return None


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """The plugin build: its version and the size and mtime of each of its modules, so
    that an edited checkout (same version) never reads facts an older scan wrote."""
    package = Path(__file__).resolve().parent.parent
    parts = [__version__]
    for path in sorted(package.rglob("*.py")):
        try:
            stat = path.stat()
        except OSError:
            continue
        parts.append(f"{path.relative_to(package).as_posix()}:{stat.st_size}:"
                     f"{stat.st_mtime_ns}")
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()
