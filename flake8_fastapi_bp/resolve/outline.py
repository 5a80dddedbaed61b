"""Outline modules: another module of the project indexed from its top-level statements
but its defs, classes and lone ``NAME = value`` assignments, each parsed and indexed on
the first question about its name (``text_scans.outline_segments``). A completed
outline is the same index as a whole parse; only the work is lazier.
"""

from __future__ import annotations

import ast
import weakref
from pathlib import Path
from typing import Any, ItemsView, Iterable, Iterator, KeysView, ValuesView, cast

from ..syntax import CHILD_FIELDS
from .lazy_class import (ClassMethods, LazyBody, binding_position, class_outline,
                         drop_placeholder, insert_in_order)
from .memory import MemoryCounters
from .module import FUNCTION_TYPES, Binding, FunctionNode, Indexer, ModuleInfo, Scope
from .text_scans import Segment, outline_segments, split_lines

# A class segment of at least this many lines is read without its methods' bodies: large
# classes are most of an outline's text, and a question about a class needs few methods.
LAZY_CLASS_MIN_LINES = 60


class _NothingWaiting:
    """Stands for an outline no longer alive: nothing is left to parse."""

    def materialize(self, name: str) -> None:
        pass

    def complete(self) -> None:
        pass


_NOTHING_WAITING = _NothingWaiting()


class _DeferredBindings(dict[str, list[Binding]]):
    """The module scope of an outline: a name bound by a waiting def/class is parsed
    before any question about it is answered; walking all names parses all of them."""

    def __init__(self, owner: OutlineModule | ClassMethods) -> None:
        super().__init__()
        # Weak: the module holds its scopes, so a strong link back would make every
        # outline a reference cycle, left for the (frozen, see memory.py) collector.
        self._owner = weakref.ref(owner)
        # The owner's waiting names (a dict of segments: no cycle). A lookup of a name
        # that is not waiting needs no call to the owner: most lookups, in every scope
        # chain that reaches the module scope.
        self._waiting = owner._pending

    @property
    def owner(self) -> OutlineModule | ClassMethods | _NothingWaiting:
        return self._owner() or _NOTHING_WAITING

    def __getitem__(self, name: str) -> list[Binding]:
        if name in self._waiting:
            self.owner.materialize(name)
        return super().__getitem__(name)

    def __contains__(self, name: object) -> bool:
        if name in self._waiting:
            self.owner.materialize(str(name))
        return super().__contains__(name)

    def get(self, name: str, default: Any = None) -> Any:
        if name in self._waiting:
            self.owner.materialize(name)
        return super().get(name, default)

    def keys(self) -> KeysView[str]:  # type: ignore[override]
        self.owner.complete()
        return super().keys()

    def values(self) -> ValuesView[list[Binding]]:  # type: ignore[override]
        self.owner.complete()
        return super().values()

    def items(self) -> ItemsView[str, list[Binding]]:  # type: ignore[override]
        self.owner.complete()
        return super().items()

    def __iter__(self) -> Iterator[str]:
        self.owner.complete()
        return super().__iter__()

    def __len__(self) -> int:
        self.owner.complete()
        return super().__len__()


class OutlineModule(ModuleInfo):
    """A module indexed from its top-level statements but its defs, classes and lone
    ``NAME = value`` assignments (a third of what is left: constants, settings), each of
    which is parsed and indexed on the first question about its name (or when a question
    needs the whole module: its calls, functions, classes, all scopes). Answers are those
    of a whole parse; only the work is lazier."""

    def __init__(self, tree: ast.Module, path: Path | None, name: str, is_package: bool,
                 lines: list[str], segments: list[Segment],
                 memory: MemoryCounters | None = None) -> None:
        # The run's counters, told of the nodes each def parsed later adds.
        self._memory = memory
        self._pending: dict[str, list[Segment]] = {}
        for segment in segments:
            self._pending.setdefault(segment.name, []).append(segment)
        # Classes indexed with methods still waiting (``LazyBody``), to complete.
        self._lazy: list[ast.ClassDef] = []
        # Defs added since calls, functions and classes were last put in walk order.
        self._unordered = False
        super().__init__(tree, path, name, is_package, lines)

    @classmethod
    def build(cls, source: str, path: Path | None, name: str, is_package: bool,
              memory: MemoryCounters | None = None) -> OutlineModule | None:
        """None when the text does not split cleanly (parse it whole instead)."""
        lines = split_lines(source)
        segments = outline_segments(lines)
        if not segments:
            return None
        waiting = [False] * len(lines)
        for segment in segments:
            waiting[segment.start:segment.end] = [True] * (segment.end - segment.start)
        rest = "".join("\n" if wait else line for wait, line in zip(waiting, lines))
        try:
            tree = ast.parse(rest)
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            return None
        return cls(tree, path, name, is_package, lines, segments, memory)

    def _module_scope_bindings(self) -> dict[str, list[Binding]]:
        return _DeferredBindings(self)

    def materialize(self, name: str,
                    parsed: dict[int, ast.stmt] | None = None) -> None:
        """Index the waiting defs/classes named ``name`` (``parsed``: statements of a
        whole parse of the same text by first line, taken instead of parsing again)."""
        segments = self._pending.pop(name, None)
        if segments:
            for segment in segments:
                self._add(segment, parsed.get(segment.start + 1) if parsed else None)
            bindings = dict.get(self.module_scope.bindings, name)
            if bindings:
                bindings.sort(key=self._whole_parse_order)

    def _whole_parse_order(self, binding: Binding) -> tuple[int, int, int]:
        """A whole parse binds a module name first by its top-level statements, in
        source order, then from nested code as its walk reaches it (``global`` writes
        in a def, the body of a top-level ``if``/``try``): the waiting statements are
        top-level, the nested bindings keep their order (the sort is stable)."""
        if binding.node is not None and self.parents.get(binding.node) is self.tree:
            return (0, *binding_position(binding))
        return (1, 0, 0)

    def complete(self) -> None:
        self.complete_from(None)

    def definition_at(self, top: str, line: int,
                      column: int) -> FunctionNode | ast.ClassDef | None:
        """As for a whole module, once the waiting methods whose lines hold ``line`` are
        parsed."""
        self.top_level(top)  # a waiting ``top`` is parsed first (it may be a lazy class)
        for classdef in self._lazy:
            body = classdef.body
            if type(body) is LazyBody:
                body.materialize_at(line)
        return super().definition_at(top, line, column)

    def complete_from(self, tree: ast.Module | None) -> None:
        """Index every waiting def/class; ``tree``: a whole parse of the same text (the
        checked file's, which flake8 has parsed already) to take them from."""
        if not self._pending and not self._lazy and not self._unordered:
            return
        parsed: dict[int, ast.stmt] | None = {
            _first_line(node): node for node in tree.body
            if isinstance(node, _SEGMENT_TYPES)} if tree else None
        for name in list(self._pending):
            self.materialize(name, parsed)
        for classdef in self._lazy:
            whole = parsed.get(_first_line(classdef)) if parsed else None
            methods: dict[int, ast.stmt] | None = {
                _first_line(node): node for node in cast(ast.ClassDef, whole).body
                if isinstance(node, FUNCTION_TYPES)} if whole is not None else None
            body = classdef.body
            if type(body) is LazyBody:
                body.materialize_all(methods)
        self._lazy = []
        if self._unordered:
            self._reorder()
            self._unordered = False

    def _add(self, segment: Segment, parsed: ast.stmt | None = None) -> None:
        """Index the def/class of ``segment`` (``parsed``: its statement, if at hand). A
        large class is read without its methods' bodies (``class_outline``): each method
        is parsed on the first question about its name."""
        outline = None
        if parsed is None and segment.end - segment.start >= LAZY_CLASS_MIN_LINES \
                and not segment.assignment:
            outline = class_outline(self.lines or [], segment)
        statement = parsed if parsed is not None and _statement_name(parsed) == segment.name \
            else self._parse(segment, outline[0] if outline else None)
        if statement is None and outline is not None:
            outline, statement = None, self._parse(segment)  # the outline misread it
        if statement is None:
            return  # read as something it is not: the module lacks this one def
        if outline is not None:
            drop_placeholder(statement, outline[2])
        insert_in_order(self.tree.body, statement)
        self._index(statement, self.tree, self.module_scope)
        if outline is not None and isinstance(statement, ast.ClassDef):
            self._wait_for_methods(statement, segment, outline[1])

    def _wait_for_methods(self, classdef: ast.ClassDef, segment: Segment,
                          methods: list[Segment]) -> None:
        """Methods are added to the class's body and scope when asked for by name, or
        all at once when anything reads the body (``LazyBody``)."""
        waiting = ClassMethods(self, classdef, segment, methods)
        scope = self.scopes[classdef]
        deferred = _DeferredBindings(waiting)
        dict.update(deferred, scope.bindings)
        scope.bindings = deferred
        classdef.body = LazyBody(classdef.body, waiting)
        self._lazy.append(classdef)

    def add_method(self, classdef: ast.ClassDef, method: ast.stmt) -> None:
        """Index a method of a lazy class, parsed on demand, in its class's scope."""
        insert_in_order(classdef.body, method)
        self._index(method, classdef, self.scopes[classdef])

    def _index(self, statement: ast.stmt, parent: ast.AST, scope: Scope) -> None:
        before = len(self.parents)
        Indexer(self).add_statement(statement, parent, scope)
        if self._memory is not None:
            self._memory.grown += len(self.parents) - before
        self._unordered = True

    def _parse(self, segment: Segment, lines: list[str] | None = None) -> ast.stmt | None:
        assert self.lines is not None
        text = "\n" * segment.start + "".join(
            lines if lines is not None else self.lines[segment.start:segment.end])
        try:
            body = ast.parse(text).body
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            return None
        if len(body) != 1 or _statement_name(body[0]) != segment.name:
            return None
        return body[0]

    def _reorder(self) -> None:
        """Calls, functions and classes in the order a whole parse would list them."""
        order = {node: index for index, node in enumerate(_walk_order(self.tree))}
        self._calls.sort(key=order.__getitem__)
        self._functions.sort(key=order.__getitem__)
        self._classes.sort(key=order.__getitem__)


def _first_line(node: ast.stmt) -> int:
    """The line of the statement's first decorator, else of its ``def``/``class``."""
    decorators: list[ast.expr] = getattr(node, "decorator_list", [])
    return min([node.lineno, *(decorator.lineno for decorator in decorators)])


# Statements an outline may leave waiting.
_SEGMENT_TYPES = (*FUNCTION_TYPES, ast.ClassDef, ast.Assign, ast.AnnAssign)


def _statement_name(node: ast.stmt) -> str | None:
    """The one name a waiting statement binds: a def's or class's, or the target of
    ``NAME = value`` / ``NAME: annotation = value``."""
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target: ast.expr | None = node.targets[0]
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        target = node.target
    else:
        return getattr(node, "name", None)
    return target.id if isinstance(target, ast.Name) else None


def _walk_order(tree: ast.AST) -> Iterable[ast.AST]:
    """The nodes in the order ``Indexer.walk`` visits them: when pushed on its stack."""
    stack: list[ast.AST] = [tree]
    yield tree
    while stack:
        node = stack.pop()
        for name in CHILD_FIELDS[type(node)]:
            value = getattr(node, name, None)
            for child in (value if isinstance(value, list) else (value,)):
                if isinstance(child, ast.AST):
                    yield child
                    stack.append(child)
