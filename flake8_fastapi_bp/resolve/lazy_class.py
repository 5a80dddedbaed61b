"""Lazy classes: a large class of an outline module read without its methods' bodies.

Its text with the methods blanked out is parsed and indexed, and its body becomes a
``LazyBody`` that parses every waiting method before it is iterated, indexed or
measured; a method is parsed alone when its name is asked of the class scope.
"""

from __future__ import annotations

import ast
import bisect
import re
import weakref
from typing import TYPE_CHECKING, Any, Iterator

from .module import (FUNCTION_TYPES, Binding, FunctionNode, ModuleInfo,
                     parsed_statements)
from .text_scans import Segment, statement_starts

if TYPE_CHECKING:
    from .outline import OutlineModule

_METHOD_HEADER = re.compile(r"(?:async[ \t]+)?def[ \t]+(\w+)")


def class_outline(lines: list[str],
                  segment: Segment) -> tuple[list[str], list[Segment], int] | None:
    """The text of a class segment with its methods blanked out (a ``pass`` on the first
    blanked line keeps the body valid), the methods as segments, and the line (1-based)
    of that ``pass``. None when the text does not read as a class with a one-line
    header and methods at one indentation (it is then parsed whole)."""
    text = lines[segment.start:segment.end]
    header = next((i for i, line in enumerate(text) if line.startswith("class")), None)
    if header is None or not _one_line_header(text[header]):
        return None
    first_body = segment.start + header + 1
    indent = _body_indent(lines[first_body:segment.end])
    if not indent:
        return None
    starts = statement_starts(lines[first_body:segment.end], indent)
    if not starts:
        return None
    methods = _method_segments(lines, first_body, segment.end, starts, indent)
    if not methods:
        return None
    skeleton = list(text)
    for method in methods:
        skeleton[method.start - segment.start:method.end - segment.start] = \
            ["\n"] * (method.end - method.start)
    skeleton[methods[0].start - segment.start] = indent + "pass\n"
    return skeleton, methods, methods[0].start + 1


def _one_line_header(line: str) -> bool:
    code = line.partition("#")[0].rstrip()
    return code.endswith(":") and code.count("(") == code.count(")") \
        and code.count("[") == code.count("]")


def _body_indent(body: list[str]) -> str:
    for line in body:
        stripped = line.lstrip(" \t")
        if stripped and stripped[0] not in "#\n\f":
            return line[:len(line) - len(stripped)]
    return ""


def _method_segments(lines: list[str], first: int, end: int, starts: list[int],
                     indent: str) -> list[Segment]:
    """The ``def`` statements (with their decorators) among the class body's statements
    (``starts``, relative to line ``first``). None declares a ``global``: a class that
    holds one is not an outline's segment."""
    methods: list[Segment] = []
    bounds = [first + start for start in starts] + [end]
    width = len(indent)
    index = 0
    while index < len(starts):
        begin = index
        while index < len(starts) and lines[bounds[index]][width:].startswith("@"):
            index += 1
        if index == len(starts):
            break
        header = _METHOD_HEADER.match(lines[bounds[index]], width)
        start, stop = bounds[begin], bounds[index + 1]
        index += 1
        if header is not None:
            methods.append(Segment(start, stop, header.group(1)))
    return methods


def class_method(module: ModuleInfo, classdef: ast.ClassDef,
                 name: str) -> FunctionNode | None:
    """The first ``def name`` in the class's own body (of a lazy class, only that one is
    parsed)."""
    scope = module.scopes.get(classdef)
    for binding in scope.bindings.get(name, []) if scope is not None else ():
        node = binding.node
        if isinstance(node, FUNCTION_TYPES) and module.parents.get(node) is classdef:
            return node
    return None


def add_methods_mentioning(classdef: ast.ClassDef, text: str) -> None:
    """Have the waiting methods of a lazy class whose source holds ``text`` parsed (the
    others cannot hold what the caller looks for)."""
    body = classdef.body
    if type(body) is LazyBody:
        body.materialize_mentioning(text)


def drop_placeholder(classdef: ast.stmt, line: int) -> None:
    """Remove the ``pass`` that ``class_outline`` put in the class's text."""
    body = getattr(classdef, "body", [])
    for index, statement in enumerate(body):
        if isinstance(statement, ast.Pass) and statement.lineno == line:
            del body[index]
            return


def _end_at_last_statement(classdef: ast.ClassDef) -> None:
    """A class ends where its last statement does (a waiting method may come last)."""
    body = parsed_statements(classdef.body)
    last = body[-1] if body else None
    if last is not None and (last.end_lineno or 0) > (classdef.end_lineno or 0):
        classdef.end_lineno, classdef.end_col_offset = last.end_lineno, last.end_col_offset


class LazyBody(list[ast.stmt]):
    """The body of a lazy class: the statements parsed so far. Reading it any other way
    than through ``parsed_statements`` (iterating, indexing, ``len``, ``in``) adds every
    waiting method first, so code that walks a class always sees all of it."""

    __slots__ = ("_waiting",)

    def __init__(self, statements: list[ast.stmt], waiting: ClassMethods) -> None:
        super().__init__(statements)
        self._waiting = waiting

    def materialize_all(self, parsed: dict[int, ast.stmt] | None = None) -> None:
        self._waiting.complete(parsed)

    def materialize_at(self, line: int) -> None:
        self._waiting.materialize_at(line)

    def materialize_mentioning(self, text: str) -> None:
        self._waiting.materialize_mentioning(text)

    def __iter__(self) -> Iterator[ast.stmt]:
        self._waiting.complete()
        return super().__iter__()

    def __reversed__(self) -> Iterator[ast.stmt]:
        self._waiting.complete()
        return super().__reversed__()

    def __len__(self) -> int:
        self._waiting.complete()
        return super().__len__()

    def __getitem__(self, index: Any) -> Any:
        self._waiting.complete()
        return super().__getitem__(index)

    def __contains__(self, item: object) -> bool:
        self._waiting.complete()
        return super().__contains__(item)


class ClassMethods:
    """The waiting methods of one lazy class (the owner of its scope's bindings)."""

    def __init__(self, module: OutlineModule, classdef: ast.ClassDef, segment: Segment,
                 methods: list[Segment]) -> None:
        # Weak links: the class holds its body, which holds this (no reference cycle).
        self._module = weakref.ref(module)
        self._classdef = weakref.ref(classdef)
        self._segment = segment
        self._pending: dict[str, list[Segment]] = {}
        for method in methods:
            self._pending.setdefault(method.name, []).append(method)

    def materialize(self, name: str, parsed: dict[int, ast.stmt] | None = None) -> None:
        methods = self._pending.pop(name, None)
        module, classdef = self._module(), self._classdef()
        if not methods or module is None or classdef is None:
            return
        for method in methods:
            node = parsed.get(method.start + 1) if parsed else None
            node = node if getattr(node, "name", None) == name else self._parse(module, method)
            if node is not None:
                module.add_method(classdef, node)
        bindings = dict.get(module.scopes[classdef].bindings, name)
        if bindings:
            bindings.sort(key=binding_position)
        _end_at_last_statement(classdef)

    def materialize_at(self, line: int) -> None:
        for name, methods in list(self._pending.items()):
            if any(method.start < line <= method.end for method in methods):
                self.materialize(name)

    def materialize_mentioning(self, text: str) -> None:
        module = self._module()
        lines = module.lines if module is not None else None
        for name, methods in list(self._pending.items()):
            if lines is None or any(text in "".join(lines[method.start:method.end])
                                    for method in methods):
                self.materialize(name)

    def complete(self, parsed: dict[int, ast.stmt] | None = None) -> None:
        for name in list(self._pending):
            self.materialize(name, parsed)

    def _parse(self, module: OutlineModule, method: Segment) -> ast.stmt | None:
        """The method's text under a stand-in class header on the line above it (its
        lines and columns are those of the file); else from the whole class's parse."""
        lines = module.lines or []
        text = "\n" * (method.start - 1) + "class _:\n" + "".join(lines[method.start:method.end])
        body: list[ast.stmt]
        try:
            body = ast.parse(text).body[0].body  # type: ignore[attr-defined]
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            body = []
        if len(body) == 1 and getattr(body[0], "name", None) == method.name:
            return body[0]
        return self._from_whole_class(module, method)

    def _from_whole_class(self, module: OutlineModule, method: Segment) -> ast.stmt | None:
        whole = module._parse(self._segment)
        for node in getattr(whole, "body", []):
            if isinstance(node, FUNCTION_TYPES) and node.name == method.name \
                    and method.start < node.lineno <= method.end:
                return node
        return None


def insert_in_order(body: list[ast.stmt], statement: ast.stmt) -> None:
    """Put ``statement`` among ``body``'s statements by position (a ``LazyBody`` is
    not completed for it)."""
    index = bisect.bisect(parsed_statements(body), position_key(statement), key=position_key)
    list.insert(body, index, statement)


def position_key(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def binding_position(binding: Binding) -> tuple[int, int]:
    return position_key(binding.node) if binding.node is not None else (0, 0)
