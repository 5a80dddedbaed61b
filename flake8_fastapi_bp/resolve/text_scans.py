"""Text scans of Python source: what a file's text says without parsing it.

Line splitting as Python numbers lines, statement starts (column 0 outside
triple-quoted strings), the pieces an outline parses on demand (``Segment``), names
given to defs and classes, imported root packages.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Iterator

from .disk_cache import Facts

# Text scans: each pattern starts with its keyword so that ``re`` can jump to it (a
# leading ``\b`` or alternation makes it try every position); the
# lookbehind after the keyword is the word boundary before it.
_DEF_NAME = re.compile(r"def(?<!\wdef)[ \t]+(\w+)")
_CLASS_NAME = re.compile(r"class(?<!\wclass)[ \t]+(\w+)")


def defined_in_text(text: str) -> set[str]:
    """Names given to a def or class anywhere in ``text`` (comments, strings included)."""
    return {*_DEF_NAME.findall(text), *_CLASS_NAME.findall(text)}


# ``class Name(Base, other.Base):`` at any indentation (bases across lines too).
_CLASS_HEADER = re.compile(r"^([ \t]*)class[ \t]+(\w+)[ \t]*\(([^)]*)\)[ \t]*:", re.M)


def class_facts(text: str) -> Facts:
    """Each class header with bases (``"Name Base other Base"``: the class name, then every
    word of its bases) and the sync methods written directly in its body
    (``"Name.method"``), read from the indentation."""
    if "class" not in text:
        return {}
    headers: list[str] = []
    methods: list[str] = []
    for found in _CLASS_HEADER.finditer(text):
        name = found.group(2)
        headers.append(" ".join([name, *re.findall(r"\w+", found.group(3))]))
        indent = len(found.group(1))
        # The body: from the header to the first code line indented no deeper.
        end = re.compile(rf"\n[ \t]{{0,{indent}}}(?=[^ \t\r\n#])").search(text, found.end())
        body = text[found.end():end.start() if end else len(text)]
        first = re.search(r"\n([ \t]+)(?=[^ \t\r\n#])", body)
        if first is None:
            continue
        prefix = re.escape(first.group(1))
        methods.extend(f"{name}.{method}" for method in re.findall(
            rf"^{prefix}def[ \t]+(\w+)[ \t]*\(", body, re.M))
    return {"headers": headers, "sync": methods}


_IMPORT_LINE = re.compile(r"[ \t]*(?:from[ \t]+(\w+)[\w.]*[ \t]+import\b|import[ \t]+([^\n#;]+))")
# The keyword every import statement holds: ``re`` jumps from one to the next.
IMPORT_WORD = re.compile(r"import(?<!\wimport)")


def imported_roots_in(text: str) -> frozenset[str]:
    """Root packages the import statements of ``text`` name (anywhere, also indented)."""
    roots: set[str] = set()
    for found in matches_at_line_starts(text, IMPORT_WORD, _IMPORT_LINE):
        source, names = found.group(1) or "", found.group(2) or ""
        if source:
            roots.add(source)
        for part in names.split(","):
            root = part.strip().partition(" ")[0].partition(".")[0].strip("()\\ \t")
            if root.isidentifier():
                roots.add(root)
    return frozenset(roots)


def matches_at_line_starts(text: str, keyword: re.Pattern[str],
                           pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """The non-overlapping matches of ``pattern`` at the start of the lines that hold
    ``keyword``, as ``^`` in multiline mode would find them: the lines are reached from
    the keyword (trying every line start is much slower)."""
    done = 0
    for word in keyword.finditer(text):
        start = text.rfind("\n", 0, word.start()) + 1
        if start >= done:
            found = pattern.match(text, start)
            done = start + 1 if found is None else found.end()
            if found is not None:
                yield found


# ----- outline modules ------------------------------------------------------------------
@dataclass
class Segment:
    """Lines ``start:end`` of a module holding one top-level ``def``/``class`` (with its
    decorators) or ``name = value`` assignment, parsed when its ``name`` is first asked
    for."""

    start: int
    end: int
    name: str
    assignment: bool = False


_TRIPLE_QUOTE = re.compile(r'"""|\'\'\'')
_DEF_HEADER = re.compile(r"(?:async[ \t]+)?def[ \t]+(\w+)|class[ \t]+(\w+)")
_GLOBAL = re.compile(r"[ \t]+global[ \t]")
# ``NAME = value`` / ``NAME: annotation = value`` at the start of a statement.
_ASSIGNMENT_HEADER = re.compile(r"([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=(?!=)")
# An ``=`` that is no part of ``==``, ``!=``, ``<=``, ``>=``, ``:=``.
_EQUALS = re.compile(r"(?<![=!<>:])=(?!=)")


def split_lines(source: str) -> list[str]:
    """The lines of a text as Python numbers them, ends kept: only a newline ends one
    (``str.splitlines`` also splits at form feeds, ``\x85``, ``\u2028``...)."""
    lines = [line + "\n" for line in source.split("\n")]
    last = lines.pop()[:-1]
    if last:
        lines.append(last)
    return lines


def statement_starts(lines: list[str], indent: str = "") -> list[int] | None:
    """Indexes of the lines that start a top-level statement (or one of a class body
    indented by ``indent``), read from the text: a line beginning in column 0 (right after
    ``indent``) outside triple-quoted strings and backslash continuations. None
    when a triple-quoted string is left open (the text is not what this reading expects).
    A line in column 0 inside brackets would be taken for a start; the parse of the
    pieces catches that (the module is then parsed whole)."""
    starts: list[int] = []
    open_quote: str | None = None
    continued = False
    width = len(indent)
    for index, line in enumerate(lines):
        if open_quote is None and not continued and line[width:width + 1] not in _NOT_A_START \
                and (not width or line.startswith(indent)):
            starts.append(index)
        if '"""' in line or "'''" in line:
            for quote in _TRIPLE_QUOTE.findall(line):
                if open_quote is None:
                    open_quote = quote
                elif quote == open_quote:
                    open_quote = None
        continued = line.endswith("\\\n")
    return starts if open_quote is None else None


_NOT_A_START = frozenset({"", " ", "\t", "\n", "#", ")", "]", "}", "\f"})


def global_lines(lines: list[str]) -> list[int]:
    """Indexes of the lines that start with a ``global`` statement (or look like one)."""
    return [index for index, line in enumerate(lines)
            if "global" in line and _GLOBAL.match(line)]


def _declares_global(writers: list[int], start: int, end: int) -> bool:
    """Does one of the lines ``start:end`` declare a ``global``? (``writers``: sorted
    ``global_lines``.)"""
    index = bisect.bisect_left(writers, start)
    return index < len(writers) and writers[index] < end


def outline_segments(lines: list[str]) -> list[Segment] | None:
    """The top-level ``def``/``class`` statements that can wait: every one that binds no
    module name from inside (``global``), with its decorators."""
    starts = statement_starts(lines)
    if starts is None:
        return None
    writers = global_lines(lines)
    segments: list[Segment] = []
    bounds = starts + [len(lines)]
    index = 0
    while index < len(starts):
        first = index
        while index < len(starts) and lines[starts[index]].startswith("@"):
            index += 1  # decorators belong to the def/class below them
        if index == len(starts):
            break
        header = _DEF_HEADER.match(lines[starts[index]])
        start, end = bounds[first], bounds[index + 1]
        index += 1
        if header is not None and not _declares_global(writers, start, end):
            segments.append(Segment(start, end, header.group(1) or header.group(2)))
        elif header is None and first == index - 1:
            assignment = _lone_assignment(lines, start, end)
            if assignment is not None:
                segments.append(Segment(start, end, assignment, assignment=True))
    return segments


def _lone_assignment(lines: list[str], start: int, end: int) -> str | None:
    """The name ``lines[start:end]`` assign to, when they surely hold one statement
    binding one name: ``NAME = value`` with no other ``=`` (chained targets, keywords),
    no ``;``, balanced brackets, not continued from the line before (a line in column 0
    inside brackets also looks like a start). Anything else stays in the skeleton."""
    header = _ASSIGNMENT_HEADER.match(lines[start])
    if header is None or _continues(lines, start):
        return None
    text = "".join(lines[start:end])
    if ";" in text or "\\\n" in text or len(_EQUALS.findall(text)) != 1:
        return None
    balanced = all(text.count(opening) == text.count(closing)
                   for opening, closing in ("()", "[]", "{}"))
    return header.group(1) if balanced else None


def _continues(lines: list[str], start: int) -> bool:
    """Does the last code line before ``start`` leave a bracket or a comma open?"""
    for index in range(start - 1, -1, -1):
        code = lines[index].strip()
        if code and not code.startswith("#"):
            return code[-1] in "([{,\\"
    return False
