"""One module's index, built by a single walk of the stdlib ``ast`` tree.

Scopes are flow-insensitive: a name's bindings are every place the scope binds it.
Nested ``def``/``class``/``lambda`` bodies belong to their own scope. A name declared
``global``/``nonlocal`` in a function is bound where the declaration sends it (the
function's assignments count as bindings of the module-level / enclosing name).
Comprehensions are not scopes here (their calls run in the enclosing function); the
resolver treats their iteration variables as unknown.

Other modules of the project are often only asked for a few names: ``outline.py`` indexes
them statement by statement, on demand, into the same ``ModuleInfo``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Iterator, KeysView, TypeVar, Union, cast

from ..syntax import CHILD_FIELDS, parameters_with_defaults
from .text_scans import defined_in_text, imported_roots_in

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]
ScopeNode = Union[ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda]
FUNCTION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)
SCOPE_TYPES = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


T = TypeVar("T")


class CacheKey(Generic[T]):
    """One kind of answer cached on a module (``ModuleCache``): the key object itself
    (its identity) names the slot, and its type parameter is the type of what it holds."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"CacheKey({self.name!r})"


class ModuleCache:
    """Answers cached on one module, dropped with its index (``Project.forget``): per
    ``CacheKey`` and part (a node's id for answers about one node), and each
    resolver's answers about the module's nodes (``answers``, keyed by the resolver)."""

    __slots__ = ("_entries", "answers")

    def __init__(self) -> None:
        self._entries: dict[tuple[CacheKey[Any], object], object] = {}
        self.answers: dict[object, dict[tuple[str, int], tuple[object, int]]] = {}

    def get(self, key: CacheKey[T], part: object = 0) -> T | None:
        return cast("T | None", self._entries.get((key, part)))

    def put(self, key: CacheKey[T], value: T, part: object = 0) -> T:
        self._entries[key, part] = value
        return value

    def clear(self) -> None:
        self._entries.clear()
        self.answers.clear()


DEFINED_NAMES: CacheKey[frozenset[str]] = CacheKey("defined-names")
IMPORTED_ROOTS: CacheKey[frozenset[str]] = CacheKey("imported-roots")


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
        self.cache = ModuleCache()
        Indexer(self).run(self._module_scope_bindings())

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
        names = self.cache.get(DEFINED_NAMES)
        if names is None:
            if self.lines is not None:
                names = frozenset(defined_in_text("".join(self.lines)))
            else:
                names = frozenset(node.name for node in (*self.functions, *self.classes))
            self.cache.put(DEFINED_NAMES, names)
        return names

    def imported_roots(self) -> frozenset[str]:
        """Root packages the module imports anywhere (``boto3`` for ``from boto3 import
        client`` in a function), read from the text when there is one."""
        roots = self.cache.get(IMPORTED_ROOTS)
        if roots is None:
            if self.lines is not None:
                roots = imported_roots_in("".join(self.lines))
            else:
                roots = frozenset(b.target.partition(".")[0] for scope in self.all_scopes()
                                  for bindings in scope.bindings.values() for b in bindings
                                  if b.kind == "import")
            self.cache.put(IMPORTED_ROOTS, roots)
        return roots

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

    def visible_bindings(self, name: str,
                         scope: Scope) -> tuple[Scope, list[Binding]] | None:
        """The innermost scope binding ``name`` as seen from ``scope``, as Python looks
        it up: class bodies are skipped from inside, ``global``/``nonlocal`` followed."""
        current: Scope | None = scope
        first = True
        while current is not None:
            is_class = isinstance(current.node, ast.ClassDef)
            if name in current.nonlocals:
                first, current = False, current.parent
                continue
            if name in current.globals:
                current = self.module_scope
            if (first or not is_class) and name in current.bindings:
                return current, current.bindings[name]
            first = False
            current = current.parent
        return None

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
            for child in parsed_statements(getattr(current, body, [])):
                first = getattr(child, "lineno", None)  # a ``case`` has no position
                if first is None or first <= line <= cast(int, child.end_lineno):
                    stack.append(child)
    return None


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


def parsed_statements(body: list[ast.stmt]) -> list[ast.stmt]:
    """The statements a body holds now, without completing a lazy class body (the only
    list subclass a body can be: ``lazy_class.LazyBody``)."""
    return body if type(body) is list or not isinstance(body, list) \
        else list(list.__iter__(body))


def _target_names(target: ast.expr) -> Iterator[ast.Name]:
    if isinstance(target, ast.Name):
        yield target
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _target_names(element)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)


class Indexer:
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
            waiting_or_not: KeysView[str] = dict.keys(scope.bindings)  # no outline completed
            for name in scope.globals.intersection(waiting_or_not):
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
        for arg, default in parameters_with_defaults(args):
            scope.add(arg.arg, Binding("param", arg, default, arg.annotation))
        for star in (args.vararg, args.kwarg):
            if star is not None:
                scope.add(star.arg, Binding("other", star))

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
# The node types ``Indexer.visit`` does something with (any other keeps its scope). The
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
