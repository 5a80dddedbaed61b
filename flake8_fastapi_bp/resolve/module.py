"""One module's index, built by a single walk of the stdlib ``ast`` tree.

Scopes are flow-insensitive: a name's bindings are every place the scope binds it.
Nested ``def``/``class``/``lambda`` bodies belong to their own scope. A name declared
``global``/``nonlocal`` in a function is bound where the declaration sends it (the
function's assignments count as bindings of the module-level / enclosing name).
Comprehensions are not scopes here (their calls run in the enclosing function); the
resolver treats their iteration variables as unknown.

Other modules of the project are often only asked for a few names: ``OutlineModule``
parses a large module's top-level statements except its ``def``/``class`` ones, and parses
each of those on the first question about its name (see ``outline_segments``).
"""

from __future__ import annotations

import ast
import bisect
import re
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Union

from ..syntax import CHILD_FIELDS

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]
ScopeNode = Union[ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda]
FUNCTION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)
SCOPE_TYPES = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


@dataclass(frozen=True)
class Binding:
    """One place a scope binds a name.

    kind: ``import`` (target = qualified name), ``def`` (node = def/class),
    ``assign`` (value, annotation), ``param`` (node = ast.arg, value = default),
    ``with`` (value = context expression), ``other`` (unknown: for, except, walrus ...).
    """

    kind: str
    node: ast.AST | None = None
    value: ast.expr | None = None
    annotation: ast.expr | None = None
    target: str = ""


@dataclass
class Scope:
    node: ScopeNode
    parent: Scope | None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    # Names declared ``global`` or ``nonlocal`` here; ``nonlocals`` only the latter.
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)

    def add(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)


class ModuleInfo:
    """A parsed module: tree, parents, scopes, functions and calls, plus result caches."""

    def __init__(self, tree: ast.Module, path: Path | None, name: str, is_package: bool = False,
                 lines: list[str] | None = None) -> None:
        self.tree = tree
        self.path = path
        self.name = name
        self.is_package = is_package
        self.lines = lines
        # False for a checked buffer that differs from its file (an editor's unsaved
        # text): parsing ``path`` again would not give this module.
        self.matches_file = path is not None
        self.parents: dict[ast.AST, ast.AST] = {}
        # Scope of a def/class/lambda/module node (ask by node; ``all_scopes`` for all).
        self.scopes: dict[ast.AST, Scope] = {}
        self._functions: list[FunctionNode] = []
        self._classes: list[ast.ClassDef] = []
        self._calls: list[ast.Call] = []
        self._has_async = False
        # Modules named in ``from x import *`` at module level (absolute names).
        self.star_imports: list[str] = []
        self.cache: dict[tuple[str, int], object] = {}
        _Indexer(self).run(self._module_scope_bindings())

    def _module_scope_bindings(self) -> dict[str, list[Binding]]:
        return {}

    def complete(self) -> None:
        """Have every statement of the module indexed (a no-op: this one is whole)."""

    @property
    def functions(self) -> list[FunctionNode]:
        self.complete()
        return self._functions

    @property
    def classes(self) -> list[ast.ClassDef]:
        self.complete()
        return self._classes

    @property
    def calls(self) -> list[ast.Call]:
        self.complete()
        return self._calls

    @property
    def has_async(self) -> bool:
        self.complete()
        return self._has_async

    def all_scopes(self) -> list[Scope]:
        self.complete()
        return list(self.scopes.values())

    def defined_names(self) -> frozenset[str]:
        """Names given to a def or class anywhere in the module (a superset when read
        from the text, which is all a pre-filter needs)."""
        key = ("defined-names", 0)
        if key not in self.cache:
            if self.lines is not None:
                names = frozenset(defined_in_text("".join(self.lines)))
            else:
                names = frozenset(node.name for node in (*self.functions, *self.classes))
            self.cache[key] = names
        return self.cache[key]  # type: ignore[return-value]

    def imported_roots(self) -> frozenset[str]:
        """Root packages the module imports anywhere (``boto3`` for ``from boto3 import
        client`` in a function), read from the text when there is one."""
        key = ("imported-roots", 0)
        if key not in self.cache:
            if self.lines is not None:
                roots = _imported_roots("".join(self.lines))
            else:
                roots = frozenset(b.target.partition(".")[0] for scope in self.all_scopes()
                                  for bindings in scope.bindings.values() for b in bindings
                                  if b.kind == "import")
            self.cache[key] = roots
        return self.cache[key]  # type: ignore[return-value]

    @property
    def package(self) -> str:
        """The package relative imports start from."""
        if self.is_package:
            return self.name
        return self.name.rpartition(".")[0]

    @property
    def module_scope(self) -> Scope:
        return self.scopes[self.tree]

    def display_path(self) -> str:
        return str(self.path) if self.path else self.name

    def scope_of(self, node: ast.AST) -> Scope:
        """The innermost scope that contains ``node`` (a def's own name lives outside it)."""
        child, current = node, self.parents.get(node)
        while current is not None:
            if current in self.scopes and _in_body(current, child):
                return self.scopes[current]
            child, current = current, self.parents.get(current)
        return self.module_scope

    def enclosing_function(self, node: ast.AST) -> FunctionNode | None:
        """The def whose body holds ``node``, stopping at a class or lambda."""
        scope = self.scope_of(node)
        return scope.node if isinstance(scope.node, FUNCTION_TYPES) else None

    def enclosing_class(self, node: ast.AST) -> ast.ClassDef | None:
        current = self.parents.get(node)
        while current is not None and not isinstance(current, ast.ClassDef):
            current = self.parents.get(current)
        return current

    def awaited(self, node: ast.AST) -> bool:
        """``await node``: the result is awaited on the spot."""
        return isinstance(self.parents.get(node), ast.Await)

    def ancestors(self, node: ast.AST) -> Iterator[ast.AST]:
        current = self.parents.get(node)
        while current is not None:
            yield current
            current = self.parents.get(current)

    def top_level(self, name: str) -> list[Binding]:
        return self.module_scope.bindings.get(name, [])

    def definition_at(self, top: str, line: int,
                      column: int) -> FunctionNode | ast.ClassDef | None:
        """The def or class at ``line``:``column`` inside the module-level def or class
        ``top`` (or ``top`` itself)."""
        for binding in self.top_level(top):
            if isinstance(binding.node, (*FUNCTION_TYPES, ast.ClassDef)):
                found = _definition_in(binding.node, line, column)
                if found is not None:
                    return found
        return None


_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def _definition_in(node: ast.AST, line: int,
                   column: int) -> FunctionNode | ast.ClassDef | None:
    """The def or class at ``line``:``column`` among ``node`` and the statements nested
    in it, descending only into the statements whose lines hold ``line``."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, (*FUNCTION_TYPES, ast.ClassDef)) \
                and current.lineno == line and current.col_offset == column:
            return current
        for body in _BODIES:
            for child in getattr(current, body, ()):
                first = getattr(child, "lineno", None)  # a ``case`` has no position
                if first is None or first <= line <= child.end_lineno:
                    stack.append(child)
    return None


# Text scans: each pattern starts with its keyword so that ``re`` can jump to it (a
# leading ``\b`` or alternation makes it try every position: 20-40x slower); the
# lookbehind after the keyword is the word boundary before it.
_DEF_NAME = re.compile(r"def(?<!\wdef)[ \t]+(\w+)")
_CLASS_NAME = re.compile(r"class(?<!\wclass)[ \t]+(\w+)")


def defined_in_text(text: str) -> set[str]:
    """Names given to a def or class anywhere in ``text`` (comments, strings included)."""
    return {*_DEF_NAME.findall(text), *_CLASS_NAME.findall(text)}


_IMPORT_LINE = re.compile(r"^[ \t]*(?:from[ \t]+(\w+)[\w.]*[ \t]+import\b|import[ \t]+([^\n#;]+))",
                          re.M)


def _imported_roots(text: str) -> frozenset[str]:
    roots: set[str] = set()
    for source, names in _IMPORT_LINE.findall(text):
        if source:
            roots.add(source)
        for part in names.split(","):
            root = part.strip().partition(" ")[0].partition(".")[0].strip("()\\ \t")
            if root.isidentifier():
                roots.add(root)
    return frozenset(roots)


def _in_body(scope_node: ast.AST, child: ast.AST) -> bool:
    """Decorators, defaults and annotations are evaluated in the enclosing scope."""
    if isinstance(scope_node, ast.Lambda):
        return child is scope_node.body
    if isinstance(scope_node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return child in scope_node.body
    return True


def _target_names(target: ast.expr) -> Iterator[ast.Name]:
    if isinstance(target, ast.Name):
        yield target
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _target_names(element)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)


class _Indexer:
    """Single iterative walk: parents, scopes with bindings, functions, classes, calls."""

    def __init__(self, info: ModuleInfo) -> None:
        self.info = info

    def run(self, module_bindings: dict[str, list[Binding]]) -> None:
        info = self.info
        info.scopes[info.tree] = Scope(info.tree, None, module_bindings)
        self.walk([(info.tree, info.scopes[info.tree])])
        self.declared_elsewhere(list(info.scopes.values()))

    def add_statement(self, statement: ast.stmt) -> list[Scope]:
        """Index one more top-level statement of the module (an outline's def or class);
        returns the scopes it made."""
        info = self.info
        info.parents[statement] = info.tree
        before = len(info.scopes)
        self.walk([(statement, self.visit(statement, info.tree, info.module_scope))])
        return list(info.scopes.values())[before:]

    def walk(self, stack: list[tuple[ast.AST, Scope]]) -> None:
        # The hottest loop of the plugin (every node of every module): ``ast.iter_child_
        # nodes`` inlined, and ``visit`` only for node types it handles. The order of the
        # walk (and so of ``calls``) is that of ``ast.iter_child_nodes`` on a stack.
        parents = self.info.parents
        visit = self.visit
        pop, push = stack.pop, stack.append
        fields = CHILD_FIELDS
        while stack:
            node, scope = pop()
            for name in fields[type(node)]:
                value = getattr(node, name, None)
                children = value if type(value) is list else (value,)
                for child in children:
                    if not isinstance(child, ast.AST):
                        continue
                    parents[child] = node
                    push((child, visit(child, node, scope) if type(child) in _VISITED
                          else scope))

    def declared_elsewhere(self, scopes: list[Scope]) -> None:
        """Move a function's bindings of its ``global``/``nonlocal`` names to the scope
        that owns them (declarations may come after nested assignments in walk order)."""
        module_scope = self.info.module_scope
        for scope in scopes:
            if not scope.globals:
                continue
            for name in scope.globals.intersection(dict.keys(scope.bindings)):
                owner = module_scope if name not in scope.nonlocals else \
                    _enclosing_function_scope(scope, name)
                if owner is not None and owner is not scope:
                    owner.bindings.setdefault(name, []).extend(scope.bindings.pop(name))

    def visit(self, node: ast.AST, parent: ast.AST, scope: Scope) -> Scope:
        """Record what ``node`` binds; return the scope its children live in."""
        if isinstance(node, ast.Call):
            self.info._calls.append(node)
        elif isinstance(node, FUNCTION_TYPES):
            return self.function(node, scope)
        elif isinstance(node, ast.ClassDef):
            scope.add(node.name, Binding("def", node))
            self.info._classes.append(node)
            return self.new_scope(node, scope)
        elif isinstance(node, ast.Lambda):
            new = self.new_scope(node, scope)
            self.parameters(node.args, new)
            return new
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            self.imports(node, scope)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            self.assignment(node, scope)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            for name in _target_names(node.optional_vars):
                scope.add(name.id, Binding("with", node, node.context_expr))
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self.others(_target_names(node.target), scope)
        elif isinstance(node, ast.NamedExpr):
            scope.add(node.target.id, Binding("assign", node, node.value))
        elif isinstance(node, ast.ExceptHandler) and node.name:
            scope.add(node.name, Binding("other", node))
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            scope.globals.update(node.names)
            if isinstance(node, ast.Nonlocal):
                scope.nonlocals.update(node.names)
        elif isinstance(node, MATCH_CAPTURES):
            self.match_capture(node, scope)
        elif TYPE_ALIAS is not None and isinstance(node, TYPE_ALIAS):
            if isinstance(node.name, ast.Name):  # ``type Alias = ...`` (Python 3.12+)
                scope.add(node.name.id, Binding("assign", node, node.value))
        elif isinstance(node, (ast.Await, ast.AsyncWith, ast.AsyncFor)):
            self.info._has_async = True
        return scope

    def new_scope(self, node: ScopeNode, parent: Scope) -> Scope:
        scope = Scope(node, parent)
        self.info.scopes[node] = scope
        return scope

    def function(self, node: FunctionNode, scope: Scope) -> Scope:
        scope.add(node.name, Binding("def", node))
        self.info._functions.append(node)
        if isinstance(node, ast.AsyncFunctionDef):
            self.info._has_async = True
        new = self.new_scope(node, scope)
        self.parameters(node.args, new)
        return new

    def parameters(self, args: ast.arguments, scope: Scope) -> None:
        positional = args.posonlyargs + args.args
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
        pairs = list(zip(positional, defaults + list(args.defaults)))
        pairs += list(zip(args.kwonlyargs, args.kw_defaults))
        for arg, default in pairs:
            scope.add(arg.arg, Binding("param", arg, default, arg.annotation))
        for arg in (args.vararg, args.kwarg):
            if arg is not None:
                scope.add(arg.arg, Binding("other", arg))

    def imports(self, node: ast.Import | ast.ImportFrom, scope: Scope) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    scope.add(alias.asname, Binding("import", node, target=alias.name))
                else:
                    root = alias.name.partition(".")[0]
                    scope.add(root, Binding("import", node, target=root))
            return
        base = self.import_base(node)
        for alias in node.names:
            if alias.name == "*":
                if base and scope is self.info.module_scope:
                    self.info.star_imports.append(base)
                continue
            target = f"{base}.{alias.name}" if base else alias.name
            scope.add(alias.asname or alias.name, Binding("import", node, target=target))

    def import_base(self, node: ast.ImportFrom) -> str:
        module = node.module or ""
        if not node.level:
            return module
        parts = self.info.package.split(".") if self.info.package else []
        if node.level > 1:
            parts = parts[: len(parts) - (node.level - 1)] if len(parts) >= node.level - 1 else []
        return ".".join([p for p in parts if p] + ([module] if module else []))

    def assignment(self, node: ast.Assign | ast.AnnAssign | ast.AugAssign, scope: Scope) -> None:
        if isinstance(node, ast.AugAssign):
            self.others(_target_names(node.target), scope)
            return
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        annotation = node.annotation if isinstance(node, ast.AnnAssign) else None
        for target in targets:
            if isinstance(target, ast.Name):
                scope.add(target.id, Binding("assign", node, node.value, annotation))
            else:
                self.others(_target_names(target), scope)

    @staticmethod
    def others(names: Iterator[ast.Name], scope: Scope) -> None:
        for name in names:
            scope.add(name.id, Binding("other", name))

    @staticmethod
    def match_capture(node: ast.AST, scope: Scope) -> None:
        """``case x``, ``case [*rest]``, ``case {**rest}`` bind names: unknown values."""
        name = getattr(node, "rest" if isinstance(node, ast.MatchMapping) else "name", None)
        if isinstance(name, str):
            scope.add(name, Binding("other", node))


MATCH_CAPTURES = (ast.MatchAs, ast.MatchStar, ast.MatchMapping)
TYPE_ALIAS = getattr(ast, "TypeAlias", None)
# The node types ``_Indexer.visit`` does something with (any other keeps its scope). The
# load/store/del markers (shared singletons, never asked about) are not walked at all
# (``CHILD_FIELDS``).
_VISITED = frozenset({
    ast.Call, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.Import,
    ast.ImportFrom, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.withitem, ast.For,
    ast.AsyncFor, ast.NamedExpr, ast.ExceptHandler, ast.Global, ast.Nonlocal, *MATCH_CAPTURES,
    *([TYPE_ALIAS] if TYPE_ALIAS is not None else []), ast.Await, ast.AsyncWith})


def _enclosing_function_scope(scope: Scope, name: str) -> Scope | None:
    """The nearest enclosing function scope that binds ``name`` (``nonlocal name``)."""
    current = scope.parent
    fallback = None
    while current is not None and not isinstance(current.node, ast.Module):
        if isinstance(current.node, FUNCTION_TYPES):
            fallback = fallback or current
            if name in current.bindings and name not in current.globals:
                return current
        current = current.parent
    return fallback


# ----- outline modules ------------------------------------------------------------------
@dataclass
class Segment:
    """Lines ``start:end`` of a module holding one top-level ``def``/``class`` (with its
    decorators), parsed when its ``name`` is first asked for."""

    start: int
    end: int
    name: str


_TRIPLE_QUOTE = re.compile(r'"""|\'\'\'')
_DEF_HEADER = re.compile(r"(?:async[ \t]+)?def[ \t]+(\w+)|class[ \t]+(\w+)")
_GLOBAL = re.compile(r"^[ \t]+global[ \t]", re.M)
# Indexed nodes added by outline modules since the project last counted them.
GROWN_NODES = [0]


def statement_starts(lines: list[str]) -> list[int] | None:
    """Indexes of the lines that start a top-level statement, read from the text: a line
    beginning in column 0 outside triple-quoted strings and backslash continuations. None
    when a triple-quoted string is left open (the text is not what this reading expects).
    A line in column 0 inside brackets would be taken for a start; the parse of the
    pieces catches that (the module is then parsed whole)."""
    starts: list[int] = []
    open_quote: str | None = None
    continued = False
    for index, line in enumerate(lines):
        if open_quote is None and not continued and line[:1] not in _NOT_A_START:
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


def outline_segments(lines: list[str]) -> list[Segment] | None:
    """The top-level ``def``/``class`` statements that can wait: every one that binds no
    module name from inside (``global``), with its decorators."""
    starts = statement_starts(lines)
    if starts is None:
        return None
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
        if header is None or _GLOBAL.search("".join(lines[start:end])):
            continue
        segments.append(Segment(start, end, header.group(1) or header.group(2)))
    return segments


class _Whole:
    """Stands for an outline no longer alive: nothing is left to parse."""

    def materialize(self, name: str) -> None:
        pass

    def complete(self) -> None:
        pass


_WHOLE = _Whole()


class _DeferredBindings(dict):
    """The module scope of an outline: a name bound by a waiting def/class is parsed
    before any question about it is answered; walking all names parses all of them."""

    def __init__(self, owner: OutlineModule) -> None:
        super().__init__()
        # Weak: the module holds its scopes, so a strong link back would make every
        # outline a reference cycle, left for the (frozen, see plugin.py) collector.
        self._owner = weakref.ref(owner)

    @property
    def owner(self) -> OutlineModule | _Whole:
        return self._owner() or _WHOLE

    def __getitem__(self, name: str) -> list[Binding]:
        self.owner.materialize(name)
        return super().__getitem__(name)

    def __contains__(self, name: object) -> bool:
        if isinstance(name, str):
            self.owner.materialize(name)
        return super().__contains__(name)

    def get(self, name: str, default: object = None):  # type: ignore[override]
        self.owner.materialize(name)
        return super().get(name, default)

    def keys(self):  # type: ignore[override]
        self.owner.complete()
        return super().keys()

    def values(self):  # type: ignore[override]
        self.owner.complete()
        return super().values()

    def items(self):  # type: ignore[override]
        self.owner.complete()
        return super().items()

    def __iter__(self):  # type: ignore[override]
        self.owner.complete()
        return super().__iter__()

    def __len__(self) -> int:
        self.owner.complete()
        return super().__len__()


class OutlineModule(ModuleInfo):
    """A module indexed from its top-level statements but its defs and classes, each of
    which is parsed and indexed on the first question about its name (or when a question
    needs the whole module: its calls, functions, classes, all scopes). Answers are those
    of a whole parse; only the work is lazier."""

    def __init__(self, tree: ast.Module, path: Path | None, name: str, is_package: bool,
                 lines: list[str], segments: list[Segment]) -> None:
        self._pending: dict[str, list[Segment]] = {}
        for segment in segments:
            self._pending.setdefault(segment.name, []).append(segment)
        super().__init__(tree, path, name, is_package, lines)

    @classmethod
    def build(cls, source: str, path: Path | None, name: str,
              is_package: bool) -> OutlineModule | None:
        """None when the text does not split cleanly (parse it whole instead)."""
        lines = source.splitlines(keepends=True)
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
        return cls(tree, path, name, is_package, lines, segments)

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
                bindings.sort(key=_position)

    def complete(self) -> None:
        self.complete_from(None)

    def complete_from(self, tree: ast.Module | None) -> None:
        """Index every waiting def/class; ``tree``: a whole parse of the same text (the
        checked file's, which flake8 has parsed already) to take them from."""
        if not self._pending:
            return
        parsed = {_first_line(node): node for node in tree.body
                  if isinstance(node, (*FUNCTION_TYPES, ast.ClassDef))} if tree else None
        for name in list(self._pending):
            self.materialize(name, parsed)
        self._reorder()

    def _add(self, segment: Segment, parsed: ast.stmt | None = None) -> None:
        """Index the def/class of ``segment`` (``parsed``: its statement, if at hand)."""
        statement = parsed if getattr(parsed, "name", None) == segment.name \
            else self._parse(segment)
        if statement is None:
            return  # read as something it is not: the module lacks this one def
        self.tree.body.insert(bisect.bisect(self.tree.body, _position_key(statement),
                                            key=_position_key), statement)
        before = len(self.parents)
        indexer = _Indexer(self)
        indexer.declared_elsewhere(indexer.add_statement(statement))
        GROWN_NODES[0] += len(self.parents) - before

    def _parse(self, segment: Segment) -> ast.stmt | None:
        assert self.lines is not None
        text = "\n" * segment.start + "".join(self.lines[segment.start:segment.end])
        try:
            body = ast.parse(text).body
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            return None
        if len(body) != 1 or getattr(body[0], "name", None) != segment.name:
            return None
        return body[0]

    def _reorder(self) -> None:
        """Calls, functions and classes in the order a whole parse would list them."""
        order = {node: index for index, node in enumerate(_walk_order(self.tree))}
        self._calls.sort(key=order.__getitem__)
        self._functions.sort(key=order.__getitem__)
        self._classes.sort(key=order.__getitem__)


def _first_line(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> int:
    """The line of the statement's first decorator, else of its ``def``/``class``."""
    return min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])


def _position_key(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def _position(binding: Binding) -> tuple[int, int]:
    return _position_key(binding.node) if binding.node is not None else (0, 0)


def _walk_order(tree: ast.AST) -> Iterable[ast.AST]:
    """The nodes in the order ``_Indexer.walk`` visits them: when pushed on its stack."""
    stack: list[ast.AST] = [tree]
    yield tree
    while stack:
        node = stack.pop()
        for name in CHILD_FIELDS[type(node)]:
            value = getattr(node, name, None)
            for child in (value if type(value) is list else (value,)):
                if isinstance(child, ast.AST):
                    yield child
                    stack.append(child)
