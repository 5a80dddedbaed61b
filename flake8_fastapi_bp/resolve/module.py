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
                roots = imported_roots_in("".join(self.lines))
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
        if isinstance(current, ast.ClassDef) and type(current.body) is LazyBody:
            current.body.materialize_at(line)
        for body in _BODIES:
            for child in present(getattr(current, body, ())):
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
    the keyword (trying every line start is 4-5x slower)."""
    done = 0
    for word in keyword.finditer(text):
        start = text.rfind("\n", 0, word.start()) + 1
        if start >= done:
            found = pattern.match(text, start)
            done = start + 1 if found is None else found.end()
            if found is not None:
                yield found


def _in_body(scope_node: ast.AST, child: ast.AST) -> bool:
    """Decorators, defaults and annotations are evaluated in the enclosing scope."""
    if isinstance(scope_node, ast.Lambda):
        return child is scope_node.body
    if isinstance(scope_node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return child in scope_node.body
    if isinstance(scope_node, ast.ClassDef):  # its body may wait (``LazyBody``): not read
        return not any(child in getattr(scope_node, field, ()) for field in _CLASS_HEAD)
    return True


_CLASS_HEAD = ("decorator_list", "bases", "keywords", "type_params")


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

    def add_statement(self, statement: ast.stmt, parent: ast.AST, scope: Scope) -> None:
        """Index one more statement of ``parent`` in ``scope`` (an outline's def or
        class, a lazy class's method), then its ``global`` declarations."""
        info = self.info
        info.parents[statement] = parent
        before = len(info.scopes)
        self.walk([(statement, self.visit(statement, parent, scope))])
        self.declared_elsewhere(list(info.scopes.values())[before:])

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
# Indexed nodes added by outline modules since the project last counted them.
GROWN_NODES = [0]


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

    def __init__(self, owner: OutlineModule | _ClassMethods) -> None:
        super().__init__()
        # Weak: the module holds its scopes, so a strong link back would make every
        # outline a reference cycle, left for the (frozen, see plugin.py) collector.
        self._owner = weakref.ref(owner)
        # The owner's waiting names (a dict of segments: no cycle). A lookup of a name
        # that is not waiting needs no call to the owner: most lookups, in every scope
        # chain that reaches the module scope.
        self._waiting = owner._pending

    @property
    def owner(self) -> OutlineModule | _ClassMethods | _Whole:
        return self._owner() or _WHOLE

    def __getitem__(self, name: str) -> list[Binding]:
        if name in self._waiting:
            self.owner.materialize(name)
        return super().__getitem__(name)

    def __contains__(self, name: object) -> bool:
        if name in self._waiting:
            self.owner.materialize(name)  # type: ignore[arg-type]
        return super().__contains__(name)

    def get(self, name: str, default: object = None):  # type: ignore[override]
        if name in self._waiting:
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
    """A module indexed from its top-level statements but its defs, classes and lone
    ``NAME = value`` assignments (a third of what is left: constants, settings), each of
    which is parsed and indexed on the first question about its name (or when a question
    needs the whole module: its calls, functions, classes, all scopes). Answers are those
    of a whole parse; only the work is lazier."""

    def __init__(self, tree: ast.Module, path: Path | None, name: str, is_package: bool,
                 lines: list[str], segments: list[Segment]) -> None:
        self._pending: dict[str, list[Segment]] = {}
        for segment in segments:
            self._pending.setdefault(segment.name, []).append(segment)
        # Classes indexed with methods still waiting (``LazyBody``), to complete.
        self._lazy: list[ast.ClassDef] = []
        # Defs added since calls, functions and classes were last put in walk order.
        self._unordered = False
        super().__init__(tree, path, name, is_package, lines)

    @classmethod
    def build(cls, source: str, path: Path | None, name: str,
              is_package: bool) -> OutlineModule | None:
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
                bindings.sort(key=self._whole_parse_order)

    def _whole_parse_order(self, binding: Binding) -> tuple[int, int, int]:
        """A whole parse binds a module name first by its top-level statements, in
        source order, then from nested code as its walk reaches it (``global`` writes
        in a def, the body of a top-level ``if``/``try``): the waiting statements are
        top-level, the nested bindings keep their order (the sort is stable)."""
        if binding.node is not None and self.parents.get(binding.node) is self.tree:
            return (0, *_position(binding))
        return (1, 0, 0)

    def complete(self) -> None:
        self.complete_from(None)

    def complete_from(self, tree: ast.Module | None) -> None:
        """Index every waiting def/class; ``tree``: a whole parse of the same text (the
        checked file's, which flake8 has parsed already) to take them from."""
        if not self._pending and not self._lazy and not self._unordered:
            return
        parsed = {_first_line(node): node for node in tree.body
                  if isinstance(node, _SEGMENT_TYPES)} if tree else None
        for name in list(self._pending):
            self.materialize(name, parsed)
        for classdef in self._lazy:
            whole = parsed.get(_first_line(classdef)) if parsed else None
            methods = {_first_line(node): node for node in whole.body
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
            _drop_placeholder(statement, outline[2])
        _insert_in_order(self.tree.body, statement)
        self._index(statement, self.tree, self.module_scope)
        if outline is not None and isinstance(statement, ast.ClassDef):
            self._wait_for_methods(statement, segment, outline[1])

    def _wait_for_methods(self, classdef: ast.ClassDef, segment: Segment,
                          methods: list[Segment]) -> None:
        """Methods are added to the class's body and scope when asked for by name, or
        all at once when anything reads the body (``LazyBody``)."""
        waiting = _ClassMethods(self, classdef, segment, methods)
        scope = self.scopes[classdef]
        deferred = _DeferredBindings(waiting)
        dict.update(deferred, scope.bindings)
        scope.bindings = deferred
        classdef.body = LazyBody(classdef.body, waiting)
        self._lazy.append(classdef)

    def add_method(self, classdef: ast.ClassDef, method: ast.stmt) -> None:
        """Index a method of a lazy class, parsed on demand, in its class's scope."""
        _insert_in_order(classdef.body, method)
        self._index(method, classdef, self.scopes[classdef])

    def _index(self, statement: ast.stmt, parent: ast.AST, scope: Scope) -> None:
        before = len(self.parents)
        _Indexer(self).add_statement(statement, parent, scope)
        GROWN_NODES[0] += len(self.parents) - before
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


# ----- lazy classes ------------------------------------------------------------------------
# A class segment of at least this many lines is read without its methods' bodies: large
# classes are most of an outline's text, and a question about a class needs few methods.
LAZY_CLASS_MIN_LINES = 60
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


def _drop_placeholder(classdef: ast.stmt, line: int) -> None:
    """Remove the ``pass`` that ``class_outline`` put in the class's text."""
    body = getattr(classdef, "body", [])
    for index, statement in enumerate(body):
        if isinstance(statement, ast.Pass) and statement.lineno == line:
            del body[index]
            return


def _end_at_last_statement(classdef: ast.ClassDef) -> None:
    """A class ends where its last statement does (a waiting method may come last)."""
    body = present(classdef.body)
    last = body[-1] if body else None
    if last is not None and (last.end_lineno or 0) > (classdef.end_lineno or 0):
        classdef.end_lineno, classdef.end_col_offset = last.end_lineno, last.end_col_offset


def present(body: list[ast.stmt]) -> list[ast.stmt]:
    """The statements a body holds now, without completing a ``LazyBody``."""
    return list(list.__iter__(body)) if type(body) is LazyBody else body


class LazyBody(list):
    """The body of a lazy class: the statements parsed so far. Reading it any other way
    than through ``present`` (iterating, indexing, ``len``, ``in``) adds every waiting
    method first, so code that walks a class always sees all of it."""

    __slots__ = ("_waiting",)

    def __init__(self, statements: list[ast.stmt], waiting: _ClassMethods) -> None:
        super().__init__(statements)
        self._waiting = waiting

    def materialize_all(self, parsed: dict[int, ast.stmt] | None = None) -> None:
        self._waiting.complete(parsed)

    def materialize_at(self, line: int) -> None:
        self._waiting.materialize_at(line)

    def materialize_mentioning(self, text: str) -> None:
        self._waiting.materialize_mentioning(text)

    def __iter__(self):  # type: ignore[override]
        self._waiting.complete()
        return super().__iter__()

    def __reversed__(self):  # type: ignore[override]
        self._waiting.complete()
        return super().__reversed__()

    def __len__(self) -> int:
        self._waiting.complete()
        return super().__len__()

    def __getitem__(self, index):  # type: ignore[override]
        self._waiting.complete()
        return super().__getitem__(index)

    def __contains__(self, item: object) -> bool:
        self._waiting.complete()
        return super().__contains__(item)


class _ClassMethods:
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
            bindings.sort(key=_position)
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


def _insert_in_order(body: list[ast.stmt], statement: ast.stmt) -> None:
    """Put ``statement`` among ``body``'s statements by position (a ``LazyBody`` is
    not completed for it)."""
    index = bisect.bisect(present(body), _position_key(statement), key=_position_key)
    list.insert(body, index, statement)


def _first_line(node: ast.stmt) -> int:
    """The line of the statement's first decorator, else of its ``def``/``class``."""
    return min([node.lineno, *(decorator.lineno
                               for decorator in getattr(node, "decorator_list", ()))])


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
            for child in (value if isinstance(value, list) else (value,)):
                if isinstance(child, ast.AST):
                    yield child
                    stack.append(child)
