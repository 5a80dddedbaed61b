"""What the analysed project declares it runs on: the lowest version of a distribution
that its packaging files allow.

Read from the nearest folder, going up from the checked module to the project root,
whose packaging files give a version of the distribution (a service of a monorepo with
its own ``requirements.txt`` decides for itself): ``pyproject.toml`` (PEP 621 and
Poetry), ``setup.cfg``, ``setup.py``, ``requirements*.txt`` and ``requirements/*.txt``,
and the metadata of an unpacked distribution (``PKG-INFO``, ``*.dist-info/METADATA``).
A requirement counts only with a version specifier: a bare ``fastapi`` (or a keyword
list entry) says nothing about the version. When several requirements of that folder
name the distribution, the lowest of their lower bounds wins; one without a lower
bound (``fastapi<1``) makes the answer unknown. Text scan only: no TOML parser (Python 3.10),
nothing imported, nothing installed is looked at.
"""

from __future__ import annotations

import re
from pathlib import Path

Version = tuple[int, ...]

_FILES = ("pyproject.toml", "setup.cfg", "setup.py", "PKG-INFO")
_GLOBS = ("requirements*.txt", "requirements/*.txt", "*.dist-info/METADATA")
_MAX_BYTES = 1_000_000
_CLAUSE = re.compile(r"^\s*(===|==|~=|>=|<=|!=|>|<|\^|~)?\s*v?(\d+(?:\.\d+)*)")
_LOWER_BOUND_OPS = frozenset({"===", "==", "~=", ">=", ">", "^", "~", None})


def declared_minimum(directory: Path, distribution: str, stop: Path | None = None,
                     read: dict[tuple[Path, str], tuple[str, ...]] | None = None
                     ) -> Version | None:
    """The lowest ``distribution`` version allowed by the nearest folder from
    ``directory`` up to ``stop`` (included; else the file system root) that declares
    one, or None. ``read``: what earlier questions found per folder (the run's)."""
    directory, distribution = directory.absolute(), distribution.lower()
    stop = stop.absolute() if stop is not None else None
    read = {} if read is None else read
    for folder in (directory, *directory.parents):
        if (folder, distribution) not in read:
            read[folder, distribution] = _specifiers(folder, distribution)
        specifiers = read[folder, distribution]
        if specifiers:
            return _lowest(specifiers)
        if folder == stop:
            break
    return None


def _lowest(specifiers: tuple[str, ...]) -> Version | None:
    bounds = [lower_bound(spec) for spec in specifiers]
    if None in bounds:
        return None
    return min(bound for bound in bounds if bound is not None)


def _specifiers(root: Path, distribution: str) -> tuple[str, ...]:
    found: list[str] = []
    for text in _packaging_texts(root):
        found += requirement_specifiers(text, distribution)
    return tuple(found)


def _packaging_texts(root: Path) -> list[str]:
    paths = [root / name for name in _FILES]
    for pattern in _GLOBS:
        paths += sorted(root.glob(pattern))
    texts = []
    for path in paths:
        try:
            if path.is_file() and path.stat().st_size <= _MAX_BYTES:
                texts.append(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
    return texts


def requirement_specifiers(text: str, distribution: str) -> list[str]:
    """The version specifiers of every requirement on ``distribution`` in one packaging
    file (``>=0.115,<1``; ``^0.110`` for Poetry); requirements without one are skipped."""
    name = re.escape(distribution).replace(r"\-", "[-_.]").replace("_", "[-_.]")
    extras = r"(?:\s*\[[^\]]*\])?"
    spec = r"(?P<spec>(?:===|==|~=|>=|<=|!=|>|<)[^;\"'\n#]*)"
    patterns = (
        # "fastapi[standard]>=0.115,<1 ; python_version>'3.8'" in a list or setup()
        rf"[\"']\s*{name}{extras}\s*{spec}(?:;[^\"'\n]*)?[\"']",
        # requirements.txt, setup.cfg install_requires, Requires-Dist: lines
        rf"^[ \t]*(?:Requires-Dist:[ \t]*)?{name}{extras}[ \t]*\(?{spec}",
        # Poetry: fastapi = "^0.110" / fastapi = {version = ">=0.110", extras = [...]}
        rf"^[ \t]*[\"']?{name}[\"']?[ \t]*=[ \t]*(?:\{{[^}}\n]*version[ \t]*=[ \t]*)?"
        rf"[\"'](?P<spec>[^\"'\n]+)[\"']",
    )
    found = []
    for pattern in patterns:
        for match in re.finditer(pattern, text, re.IGNORECASE | re.MULTILINE):
            found.append(match.group("spec").strip().rstrip(")"))
    return found


def lower_bound(specifier: str) -> Version | None:
    """``>=0.115,<1`` -> (0, 115); ``^0.110.2`` -> (0, 110, 2); ``<1`` -> None."""
    bounds: list[Version] = []
    for clause in specifier.split(","):
        match = _CLAUSE.match(clause)
        if match is None or match.group(1) not in _LOWER_BOUND_OPS:
            continue
        bounds.append(tuple(int(part) for part in match.group(2).split(".")))
    return max(bounds) if bounds else None
