"""The project's sync call graph: shortest chains from a project function to a leaf call.

"Does this project function reach a call of kind K within N sync project calls, and by
which chain?" Used by FBP107 (blocking), FBP203 (heavy/sleeping background tasks),
FBP204 (mail sent by a helper), FBP403 (helpers without timeouts).

A chain is found breadth-first, so it is the shortest one (ties: the earliest call in
source order), explored at most ``MAX_CHAIN_DEPTH`` project functions deep; cycles and
recursion end because a function is visited once per search. What each function calls
and its leaf calls are found once per function per flake8 run (the leaf calls once per
kind), whatever the flags and constants of the search; each answer is cached per
(function, constants that matter, kind, depth, flags). A ``kind`` names one ``leaf``
test: callers must use a different kind for a different test.

Only calls that run the callee's body right away are followed: sync project functions
and methods, and constructors (``__init__``). Not followed: ``async def`` callees (calling
one creates a coroutine; with ``awaits=True`` a chain may start at a coroutine and follow
the coroutines it awaits on the spot, whose bodies run as part of it), functions wrapped
by a decorator that moves them off the caller's thread
(``apis.coroutines.CONVERTING_DECORATORS``), and generator functions unless iterated on
the spot (``for``, ``list(...)``...) or used through ``@contextmanager``. Calls inside
nested ``def``/``class``/``lambda`` are not part of a function, and a function *passed*
(not called) to ``run_in_threadpool`` & co. is no call.

Branches (``branches.py``): a call passes its literal arguments down the chain, and an
``if`` those constants decide keeps only the branch that runs (``get_secret("HOST")``
never reads the ``"oidc/"`` token file). Constants only rule out code, so a call site's
search comes after the one without constants (shared by every call of the function), and
only when that one finds a chain or gives up. With ``once=True`` a search also skips code
that runs once per process or object (a run-once guard, a parameterless ``@cache``
function): startup work done lazily.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

from .branches import (CALL_SITE, FROM_CALL_SITE, NO_CONSTANTS, Arguments, Constants,
                       Resolution, Signature, base_name, dead_nodes, in_branch)
from .call_names import library_call, written_names
from .function_bodies import (branching_of, callable_body, calls_in_order,
                              converted_off_thread, decorated_with, decorator_qualnames,
                              display_location, function_name, is_generator,
                              iterated_on_the_spot, leaf_name, location, names_read,
                              receiver_kind, runs_when_awaited)
from .resolve.module import FunctionNode, ModuleInfo
from .resolve.names import Resolver
from .resolve.project_references import project_references
from .run_once import run_once_nodes
from .resolve.values import Definition

__all__ = ["CallGraph", "CallTarget", "Chain", "Leaf", "call_graph", "location",
           "runs_on_call"]

MAX_CHAIN_DEPTH = 10
MAX_VISITS = 5_000
# The one empty set of call places shared by every function without any (the facts of
# every function are kept for the run: an empty frozenset each would add up).
NO_CALLS: frozenset[int] = frozenset()
# A search's answer when no chain exists, and when the graph was too large to tell.
NO_CHAIN = object()
INCOMPLETE = object()

# leaf(module, call) -> a label (e.g. the code "FBP102") when ``call`` is a leaf.
Leaf = Callable[[ModuleInfo, ast.Call], "str | None"]

# Memoizing decorators: a function without parameters then runs once per process.
MEMOIZERS = frozenset({"functools.cache", "functools.lru_cache"})


@dataclass(frozen=True, slots=True)
class Chain:
    """``names[0]() -> ... -> names[-1]()``; the last one is the leaf call, at ``line`` of
    the file ``path`` (module ``module_name``). It holds no module or AST node, so an
    answer outlives the module indexes it was found in."""

    names: tuple[str, ...]
    label: str
    path: Path | None
    module_name: str
    line: int

    @property
    def length(self) -> int:
        """How many project functions the chain goes through."""
        return len(self.names) - 1

    def text(self) -> str:
        calls = " -> ".join(f"{name}()" for name in self.names)
        return f"{calls} ({display_location(self.path, self.module_name)}:{self.line})"


def runs_on_call(resolver: Resolver, module: ModuleInfo, call: ast.Call,
                 definition: Definition) -> bool:
    """Does ``call`` (in ``module``) run the sync body of ``definition`` right away?"""
    entry = call_graph(resolver).call_target(definition)
    if entry is None or entry.converted:
        return False
    return not entry.generator or entry.context_manager or iterated_on_the_spot(module, call)


class GraphFunction:
    """A project function as the call graph knows it: a key that stays the same when its
    module is dropped and parsed again, its display name, and where to find it again
    (a ``Definition``: held weakly, found again by position once the module is gone)."""

    __slots__ = ("key", "name", "_definition")

    def __init__(self, definition: Definition, name: str) -> None:
        self.key = definition.key
        self.name = name
        self._definition = definition

    def load(self) -> tuple[ModuleInfo, FunctionNode] | None:
        """The module and node of the function, the module parsed again if need be."""
        try:
            return self._definition.module, self._definition.node  # type: ignore[return-value]
        except LookupError:  # the file changed during the run
            return None


class _LeafKind(NamedTuple):
    """What a search looks for: the kind's name (the facts keep its leaves by it), the
    leaf test, and the files that can hold a leaf (None: any)."""

    name: str
    leaf: Leaf
    files: frozenset[Path] | None

    def may_hold_leaf(self, function: GraphFunction) -> bool:
        path = function.key[0]
        return self.files is None or not isinstance(path, Path) or path in self.files


class _Search(NamedTuple):
    """What a search looks for and what it skips: ``once`` run-once code, ``direct``
    calls in a branch (an ``if``/``else``, an ``except``, a conditional expression)."""

    kind: _LeafKind
    depth: int
    awaits: bool
    once: bool
    direct: bool


class CallTarget(NamedTuple):
    """What calling a project def or class runs, kept for the run without its module:
    the body (the def, a class's ``__init__``; with ``awaits`` also an ``async def``)
    and the facts about it that decide whether and how a chain goes through it."""

    function: GraphFunction
    converted: bool  # a decorator moves the body off the caller's thread
    generator: bool
    context_manager: bool  # ``@contextmanager``: the generator runs on ``with``
    runs_once: bool  # memoized without parameters: once per process
    signature: Signature
    receiver: str  # does the first parameter take the instance: "always", "never", "attribute"


class _LeafCall(NamedTuple):
    """The first leaf call of a function's body, as a chain reports it."""

    name: str
    label: str
    path: Path | None
    module_name: str
    line: int


@dataclass(frozen=True)
class _ChainStep:
    function: GraphFunction
    previous: _ChainStep | None
    constants: Constants = NO_CONSTANTS

    @property
    def key(self) -> tuple[object, Constants]:
        return self.function.key, self.constants


class _CallEdge(NamedTuple):
    """A call of a function's body that runs the body of a project function."""

    place: int  # the call's index among the body's calls, in source order
    run_once: bool  # in code of the caller that runs once per process or object
    on_call: tuple[CallTarget, Arguments] | None  # what calling it runs
    on_await: tuple[CallTarget, Arguments] | None  # what awaiting it runs (``awaits=True``)
    awaited: bool  # ``await coroutine_function(...)``


class _BodyFacts:
    """What the call graph keeps of one function's body for the run, without its module:
    how its calls are placed (which run once), the names its branches and its calls'
    arguments read (the only constants that change anything below it), its leaf calls
    per kind and its edges (each found on first use), and the calls each set of
    constants rules out. Questions about the function with other constants, flags or
    kinds then need its module again only for what they have not asked before."""

    __slots__ = ("run_once", "branches", "relevant", "leaves", "edges", "dead",
                 "conditional")

    def __init__(self, run_once: frozenset[int], branches: bool,
                 relevant: tuple[str, ...]) -> None:
        self.run_once = run_once
        self.branches = branches
        self.relevant = relevant
        self.leaves: dict[str, tuple[tuple[int, _LeafCall], ...]] = {}
        self.edges: tuple[_CallEdge, ...] | None = None
        self.dead: dict[Constants, frozenset[int]] | None = None  # made on first use
        self.conditional: frozenset[int] | None = None  # calls in a branch: on first use

    @classmethod
    def of(cls, module: ModuleInfo, body: FunctionNode) -> _BodyFacts:
        calls = calls_in_order(module, body)
        branching = branching_of(module, body)
        once = run_once_nodes(body, branching)
        return cls(frozenset(i for i, call in enumerate(calls) if id(call) in once) or NO_CALLS,
                   bool(branching.ifs), names_read(branching, calls))

    def restrict(self, constants: Constants) -> Constants:
        """The constants that can change what the body runs or passes on."""
        return tuple(item for item in constants
                     if base_name(item[0]) in self.relevant or item == CALL_SITE)


class CallGraph:
    """Shortest chains to leaf calls. Each function's facts (``_BodyFacts``: its leaf calls
    per kind, its edges, the calls each set of constants rules out) and each answer are
    kept for the run in compact form, keyed by file and position, so they survive the
    release of the module indexes they were computed from."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self._functions: dict[tuple[object, int, int], GraphFunction] = {}
        self._answers: dict[tuple[object, ...], Chain | object] = {}
        self._facts: dict[object, _BodyFacts | None] = {}
        self._entries: dict[tuple[object, bool], CallTarget | None] = {}

    def function(self, module: ModuleInfo, body: FunctionNode) -> GraphFunction:
        """The one ``GraphFunction`` of ``body`` in this call graph."""
        definition = Definition(module, body, self.resolver.project)
        found = self._functions.get(definition.key)
        if found is None:
            found = self._functions[definition.key] = GraphFunction(
                definition, function_name(module, body))
        return found

    def chain(self, definition: Definition, kind: str, leaf: Leaf, depth: int,
              awaits: bool = False, call: ast.Call | None = None,
              once: bool = False, caller: ModuleInfo | None = None,
              leaf_files: frozenset[Path] | None = None,
              unconditional_first: bool = False) -> Chain | None:
        """The shortest chain from calling ``definition`` to a leaf, within ``depth``
        project functions (``depth`` 1: only the function's own body). ``awaits``: the
        chain may start at an ``async def`` and go through the coroutines awaited on it.
        ``call``: the call site (in module ``caller``), whose arguments rule out
        branches. ``once``: skip code that runs once per process or object.
        ``leaf_files``: the only files whose functions can hold a leaf of ``kind`` (a
        text scan; None: any), so the others are not read for leaves.
        ``unconditional_first``: of the chains found, name one whose every call is on
        an unconditional path (outside ``if``/``except`` branches) if there is one, even
        if longer: a chain through a rare fallback makes a true finding look false."""
        depth = min(depth, MAX_CHAIN_DEPTH)
        entry = self.call_target(definition, awaits) if depth > 0 else None
        if entry is None or once and entry.runs_once:
            return None
        search = _Search(_LeafKind(kind, leaf, leaf_files), depth, awaits, once, False)
        start = _ChainStep(entry.function, None)
        found = self._answer(start, search)
        if call is not None and found is not NO_CHAIN:
            # Constants only rule out branches: no chain without them, none with them.
            constants = Arguments.of(
                call, entry.signature, passes_receiver(entry, call),
                None if caller is None else (self.resolver, caller)).apply(FROM_CALL_SITE)
            start = _ChainStep(entry.function, None, self._restrict(entry.function, constants))
            found = self._answer(start, search)
        if not isinstance(found, Chain):
            return None
        if unconditional_first:
            direct = self._answer(start, search._replace(direct=True))
            return direct if isinstance(direct, Chain) else found
        return found

    def _answer(self, start: _ChainStep, search: _Search) -> Chain | object:
        """The search's answer from ``start``, found once per run: a chain, ``NO_CHAIN``
        or ``INCOMPLETE`` (the graph was too large to follow to the end)."""
        # The step's key holds its constants.
        key = (start.key, search.kind.name, search.depth, search.awaits, search.once,
               search.direct, search.kind.files)
        if key not in self._answers:
            self._answers[key] = self._search(start, search)
        return self._answers[key]

    def call_target(self, definition: Definition, awaits: bool = False) -> CallTarget | None:
        """What a call of ``definition`` runs (None: no body a chain follows), found
        once per run: later questions need neither its module nor its node."""
        key = (definition.key, awaits)
        if key not in self._entries:
            self._entries[key] = self._find_call_target(definition, awaits)
        return self._entries[key]

    def _find_call_target(self, definition: Definition, awaits: bool) -> CallTarget | None:
        body = callable_body(definition, awaits)
        if body is None:
            return None
        module, resolver = definition.module, self.resolver
        return CallTarget(self.function(module, body), converted_off_thread(resolver, module, body),
                          is_generator(module, body),
                          decorated_with(resolver, module, body, "contextlib.contextmanager"),
                          self._runs_once(module, body), Signature.of(body),
                          receiver_kind(module, body))

    def own_leaf(self, definition: Definition, kind: str,
                 leaf: Leaf) -> tuple[ast.Call, Chain] | None:
        """The first leaf call in the function's own body, with its one-step chain."""
        body = callable_body(definition)
        if body is None:
            return None
        for call in calls_in_order(definition.module, body):
            label = leaf(definition.module, call)
            if label is not None:
                module = definition.module
                return call, Chain((function_name(module, body), leaf_name(call)), label,
                                   module.path, module.name, call.lineno)
        return None

    def _search(self, start: _ChainStep, search: _Search) -> Chain | object:
        """Breadth-first: level n holds the functions n - 1 calls away from ``start``."""
        level, seen, visits = [start], {start.key}, 0
        for number in range(1, search.depth + 1):
            for step in level:
                if not search.kind.may_hold_leaf(step.function):
                    continue
                found = self._first_leaf(step, search)
                if found is not None:
                    return _chain_to(step, found)
            if number == search.depth:
                break
            following: list[_ChainStep] = []
            for step in level:
                for function, constants in self._callees(step, search):
                    callee = _ChainStep(function, step, constants)
                    if callee.key not in seen:
                        seen.add(callee.key)
                        following.append(callee)
            visits += len(following)
            if not following:
                return NO_CHAIN
            if visits > MAX_VISITS:
                return INCOMPLETE  # a pathological graph: unknown
            level = following
        return NO_CHAIN

    def facts(self, function: GraphFunction) -> _BodyFacts | None:
        """The function's facts, gathered on first use (None: its file changed)."""
        if function.key not in self._facts:
            loaded = function.load()
            self._facts[function.key] = None if loaded is None else _BodyFacts.of(*loaded)
        return self._facts[function.key]

    def _restrict(self, function: GraphFunction, constants: Constants) -> Constants:
        facts = self.facts(function) if constants else None
        return constants if facts is None else facts.restrict(constants)

    def _first_leaf(self, step: _ChainStep, search: _Search) -> _LeafCall | None:
        """The first leaf call in the function's own body, in source order, among the
        calls the step's constants leave (``once``: not run-once code; ``direct``: not
        in a branch)."""
        facts = self.facts(step.function)
        if facts is None:
            return None
        leaves = self._leaves(step.function, facts, search.kind.name, search.kind.leaf)
        if not leaves:
            return None
        skipped = self._skipped(step, facts, search)
        for index, found in leaves:
            if index not in skipped and not (search.once and index in facts.run_once):
                return found
        return None

    def _skipped(self, step: _ChainStep, facts: _BodyFacts, search: _Search) -> frozenset[int]:
        """The places of the calls a search does not follow: ruled out by the step's
        constants, and (``direct``) in a branch."""
        dead = self._dead(step.function, facts, step.constants)
        return dead | self._conditional(step.function, facts) if search.direct else dead

    def _conditional(self, function: GraphFunction, facts: _BodyFacts) -> frozenset[int]:
        """The places of the calls in a branch of the body: found on first use."""
        if facts.conditional is None:
            loaded = function.load()
            facts.conditional = NO_CALLS
            if loaded is not None:
                module, body = loaded
                facts.conditional = frozenset(
                    i for i, call in enumerate(calls_in_order(module, body))
                    if in_branch(module.parents, call, body)) or NO_CALLS
        return facts.conditional

    def _leaves(self, function: GraphFunction, facts: _BodyFacts, kind: str,
                leaf: Leaf) -> tuple[tuple[int, _LeafCall], ...]:
        """Every leaf call of the body, whatever the constants: found once per kind."""
        if kind not in facts.leaves:
            loaded = function.load()
            found: list[tuple[int, _LeafCall]] = []
            if loaded is not None:
                module, body = loaded
                for index, call in enumerate(calls_in_order(module, body)):
                    label = leaf(module, call)
                    if label is not None:
                        found.append((index, _LeafCall(leaf_name(call), label, module.path,
                                                       module.name, call.lineno)))
            facts.leaves[kind] = tuple(found)
        return facts.leaves[kind]

    def _dead(self, function: GraphFunction, facts: _BodyFacts,
              constants: Constants) -> frozenset[int]:
        """The places of the calls that ``constants`` rule out."""
        if not facts.branches or not constants:
            return frozenset()
        if facts.dead is None:
            facts.dead = {}
        if constants not in facts.dead:
            loaded = function.load()
            dead: frozenset[int] = frozenset()
            if loaded is not None:
                module, body = loaded
                ids = dead_nodes(body, constants, branching_of(module, body))
                dead = frozenset(i for i, call in enumerate(calls_in_order(module, body))
                                 if id(call) in ids)
            facts.dead[constants] = dead
        return facts.dead[constants]

    def _callees(self, step: _ChainStep,
                 search: _Search) -> Iterator[tuple[GraphFunction, Constants]]:
        """Project functions whose body runs when ``step`` runs, in source order, with
        the constants each call passes."""
        facts = self.facts(step.function)
        if facts is None:
            return
        edges = self._edges(step.function, facts)
        if not edges:
            return
        skipped = self._skipped(step, facts, search)
        once = search.once
        for edge in edges:
            if edge.place in skipped or once and edge.run_once:
                continue
            target = edge.on_await if search.awaits and edge.awaited else edge.on_call
            if target is None or once and target[0].runs_once:
                continue
            entry, arguments = target
            yield entry.function, self._restrict(entry.function,
                                                 arguments.apply(step.constants))

    def _edges(self, function: GraphFunction, facts: _BodyFacts) -> tuple[_CallEdge, ...]:
        """The body's calls that run a project function's body: found once."""
        if facts.edges is None:
            loaded = function.load()
            facts.edges = () if loaded is None else tuple(self._find_edges(*loaded, facts))
        return facts.edges

    def _find_edges(self, module: ModuleInfo, body: FunctionNode,
                    facts: _BodyFacts) -> Iterator[_CallEdge]:
        names = (self.resolver, module)
        for index, call in enumerate(calls_in_order(module, body)):
            if not isinstance(call.func, (ast.Name, ast.Attribute)):
                continue
            if not self.may_run_project_code(module, call.func):
                continue  # resolving it could load modules, and it cannot be followed
            definition = self.resolver.definition(module, call)
            if definition is None:
                continue
            awaited = runs_when_awaited(module, call, definition)
            on_call = self._edge_target(definition, False, call, names) \
                if runs_on_call(self.resolver, module, call, definition) else None
            on_await = self._edge_target(definition, True, call, names) if awaited else None
            if on_call is not None or awaited:
                yield _CallEdge(index, index in facts.run_once, on_call, on_await, awaited)

    def _edge_target(self, definition: Definition, awaits: bool, call: ast.Call,
                     names: Resolution) -> tuple[CallTarget, Arguments] | None:
        entry = self.call_target(definition, awaits)
        if entry is None:
            return None
        return entry, Arguments.of(call, entry.signature, passes_receiver(entry, call), names)

    def _runs_once(self, module: ModuleInfo, function: FunctionNode) -> bool:
        """A memoized function without parameters (``cls`` aside) runs once per process."""
        params = [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]
        if [p.arg for p in params] not in ([], ["cls"]) or function.args.vararg \
                or function.args.kwarg or not isinstance(function, ast.FunctionDef):
            return False
        return any(found in MEMOIZERS
                   for found in decorator_qualnames(self.resolver, module, function))

    def may_run_project_code(self, module: ModuleInfo, func: ast.expr) -> bool:
        """Is the name written (or imported as) that of some ``def``/``class`` of the
        project (a text scan) or of this module, and not reached through a library's
        import (``json.dumps``: a large project defines a ``dumps`` somewhere)?
        ``cls(...)`` always may be."""
        names = written_names(module, func)
        if "cls" in names:
            return True
        if names.isdisjoint(module.defined_names()):
            references = project_references(self.resolver.project)
            if references.complete and names.isdisjoint(references.defined_names):
                return False
        return not library_call(self.resolver, module, func)


def passes_receiver(entry: CallTarget, call: ast.Call) -> bool:
    """Does the callee's first parameter receive the instance or class, not an argument?"""
    if entry.receiver == "attribute":
        return isinstance(call.func, ast.Attribute)
    return entry.receiver == "always"


def _chain_to(step: _ChainStep, leaf: _LeafCall) -> Chain:
    names = [leaf.name]
    current: _ChainStep | None = step
    while current is not None:
        names.append(current.function.name)
        current = current.previous
    return Chain(tuple(reversed(names)), leaf.label, leaf.path, leaf.module_name, leaf.line)


def call_graph(resolver: Resolver) -> CallGraph:
    """One call graph per resolver (per project) per run."""
    graphs = resolver.project.run.call_graphs
    graph = graphs.get(resolver)
    if graph is None:
        graph = graphs[resolver] = CallGraph(resolver)
    return graph
