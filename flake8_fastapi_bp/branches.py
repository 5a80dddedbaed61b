"""Which statements of a function body can run: a syntactic reading of its branches.

Two questions for the call graph (``summaries.py``):

- *Dead under constant arguments*: ``get_secret("DATABASE_URL")`` never takes the
  ``if name.startswith("oidc/"):`` branch of ``get_secret``. The arguments a call passes
  as literals (names bound once to a literal included: ``get_secret(DB_ENV)`` after
  ``DB_ENV = "DATABASE_URL"``) and the parameter defaults it leaves are ``Constants``;
  an ``if`` whose test they decide has one dead branch. A parameter the body rebinds
  outside the dead code is not a constant.
- *Prefix modes*: ``get_secret(config_value)`` does not take that branch either. A
  literal prefix (``oidc/``, ``s3://``, ``os.environ/``) marks a reference to resolve, a
  mode the configuration selects; when the call passes a non-literal argument, the
  ``if param.startswith(...)`` branch is not followed. Suffix, ``==`` and ``in`` tests
  of such a parameter keep both branches: ``if path.endswith(".json"): json.load(...)``
  is what the helper is for.
- *Run once*: ``if _storage is None: _storage = Storage()`` or ``if not self.started:
  ...; self.started = True`` runs its body once per process (or per object); so does the
  code after ``if _storage is not None: return _storage``, a per-process memo
  (``if _PID != os.getpid(): ...; _PID = os.getpid()``) and a re-creation when stale
  (``if _client is None or _client.closed: _client = make()``). The flag must outlive the
  call: a ``global``/``nonlocal`` name or an attribute, assigned in the guarded code.
- *Known not None*: ``render(title)`` in ``def page(title: str)`` never takes the
  ``if title is None:`` (or ``if not title:``) fallback of ``render``. An argument that a
  non-Optional annotation, a constructor, a function annotated ``-> str`` or a literal
  shows is not None is the constant ``NOT_NONE``: it settles ``is None``/``is not None``
  and is taken as truthy (such a fallback stands for a missing argument, not an empty
  one), and its prefix tests select no mode, as for any non-literal argument.
- *Keywords in ``**kwargs``*: a keyword the callee has no parameter for is kept under
  ``kwargs['key']``, and a call without ``**`` unpacking passes no other key
  (``kwargs[*]``): ``kwargs.get("delay")`` is then the default, also when passed on as
  ``helper(delay=kwargs.get("delay"))``. A local bound once to such a read or to a
  parameter (``delay = kwargs.get("delay", None)``) is decided like one.
- *Early exits*: an ``if`` whose live branch ends in ``return``/``raise`` rules out the
  statements after it.

Unknown stays unknown: any test these rules cannot decide keeps both branches.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

from .resolve.module import Binding, FunctionNode, ModuleInfo, Scope
from .apis.types import DEPENDS
from .resolve.names import Resolver
from .resolve.walking import own_nodes

# (parameter name, constant value), sorted: hashable, so it can key caches.
Constants = tuple[tuple[str, object], ...]
NO_CONSTANTS: Constants = ()
UNKNOWN = object()


class _NotNone:
    """The constant of an argument known only not to be None (see the module docstring)."""

    def __repr__(self) -> str:
        return "NOT_NONE"


NOT_NONE = _NotNone()
# In Constants, this entry says "the call site is known": every parameter missing from
# the constants got a non-literal argument, so its prefix tests select a mode the call
# does not ask for. Constants without it (no call site) keep every prefix branch.
CALL_SITE = ("*", "call site")
FROM_CALL_SITE: Constants = (CALL_SITE,)
# Where to look up a name passed as an argument: the resolver and the caller's module.
Resolution = tuple[Resolver, ModuleInfo]


# ----- constants a call passes -----------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Signature:
    """What ``Arguments`` needs of a callee, without its node: its positional
    parameters and the literal value of each default (``UNKNOWN`` if not a literal)."""

    positional: tuple[str, ...]
    defaults: tuple[tuple[str, object], ...]
    keyword_only: tuple[str, ...] = ()
    kwargs: str | None = None  # the ``**kwargs`` parameter's name

    @classmethod
    def of(cls, function: FunctionNode) -> Signature:
        arguments = function.args
        positional = tuple(p.arg for p in [*arguments.posonlyargs, *arguments.args])
        defaults = [(param.arg, _literal(default, {}))
                    for param, default in _defaults(function)]
        kwargs = arguments.kwarg.arg if arguments.kwarg is not None else None
        if kwargs is not None:  # a call that unpacks nothing passes no other key
            defaults.append((closed_key(kwargs), True))
        return cls(positional, tuple(defaults),
                   tuple(p.arg for p in arguments.kwonlyargs), kwargs)

    def receiver_of(self, keyword: str) -> str:
        """The constants' name for a keyword argument: its parameter, or its key in
        ``**kwargs``."""
        if self.kwargs is None or keyword in self.positional or keyword in self.keyword_only:
            return keyword
        return kwargs_key(self.kwargs, keyword)


def kwargs_key(kwargs: str, key: str) -> str:
    return f"{kwargs}[{key!r}]"


def closed_key(kwargs: str) -> str:
    """The constants' entry saying that ``kwargs`` holds no key but those given."""
    return f"{kwargs}[*]"


def base_name(name: str) -> str:
    """``kwargs`` for ``kwargs['key']``: the name a constant is read through."""
    return name.partition("[")[0]


@dataclass(frozen=True, slots=True)
class Arguments:
    """What a call passes to the callee's parameters, found once per call: literals,
    names bound once to a literal (already looked up), and which parameters get a name
    that may be one of the caller's parameters (looked up in the caller's constants when
    a chain goes through it: ``apply``)."""

    unpacked: bool  # ``*args`` / ``**kwargs``: which parameter gets what is unknown
    # (parameter, the caller's constant it may be, its value when the caller's
    # ``**kwargs`` lacks that key, its value otherwise)
    passed: tuple[tuple[str, str | None, object, object], ...]
    defaults: tuple[tuple[str, object], ...]

    @classmethod
    def of(cls, call: ast.Call, callee: Signature, bound_receiver: bool,
           names: Resolution | None = None) -> Arguments:
        """``bound_receiver``: the first parameter is ``self``/``cls``. ``names``: where
        a name passed as an argument is looked up when the caller's constants lack it."""
        if any(isinstance(a, ast.Starred) for a in call.args) or any(
                k.arg is None for k in call.keywords):
            return cls(True, (), ())
        params = callee.positional[1:] if bound_receiver else callee.positional
        pairs = [*zip(params, call.args),
                 *((callee.receiver_of(str(k.arg)), k.value) for k in call.keywords)]
        return cls(False, tuple((param, *_source(arg), _argument(arg, {}, names))
                                for param, arg in pairs), callee.defaults)

    def apply(self, caller: Constants = NO_CONSTANTS) -> Constants:
        """The callee's parameters fixed to a literal, given the caller's constants:
        ``CALL_SITE`` is kept when the caller's constants hold it (the chain started at
        a known call)."""
        site = (CALL_SITE,) if CALL_SITE in caller else NO_CONSTANTS
        if self.unpacked:
            return site
        known = dict(caller)
        passed: dict[str, object] = {}
        for param, source, absent, value in self.passed:
            if source in known:
                value = known[source]
            elif source is not None and "[" in source \
                    and closed_key(base_name(source)) in known:
                value = absent
            passed[param] = value
        for param, value in self.defaults:
            passed.setdefault(param, value)
        for param, value in list(passed.items()):  # a key of unknown value: no key is known
            if value is UNKNOWN and "[" in param:
                passed.pop(closed_key(base_name(param)), None)
        return tuple(sorted([*site, *((name, value) for name, value in passed.items()
                                      if value is not UNKNOWN)]))


def argument_source(arg: ast.expr) -> str | None:
    """The caller's constant an argument may be: a name, or a ``**kwargs`` key read."""
    return _source(arg)[0]


def _source(arg: ast.expr) -> tuple[str | None, object]:
    """The caller's constant an argument may be (a name, a ``**kwargs`` key read) and
    its value when the caller's ``**kwargs`` is known to lack the key."""
    if isinstance(arg, ast.Name):
        return arg.id, UNKNOWN
    read = _kwargs_read(arg)
    return (None, UNKNOWN) if read is None else (kwargs_key(read[0], read[1]), read[2])


def _kwargs_read(node: ast.expr) -> tuple[str, str, object] | None:
    """``kwargs.get("key"[, default])``, ``kwargs.pop(...)``: (name, key, default)."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("get", "pop") and isinstance(node.func.value, ast.Name)
            and 1 <= len(node.args) <= 2 and not node.keywords
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
        return None
    default = _literal(node.args[1], {}) if len(node.args) == 2 else None
    return node.func.value.id, node.args[0].value, default


def _defaults(function: FunctionNode) -> Iterator[tuple[ast.arg, ast.expr]]:
    positional = [*function.args.posonlyargs, *function.args.args]
    defaults = function.args.defaults
    yield from zip(positional[len(positional) - len(defaults):], defaults)
    for param, default in zip(function.args.kwonlyargs, function.args.kw_defaults):
        if default is not None:
            yield param, default


def _argument(node: ast.expr, known: dict[str, object], names: Resolution | None) -> object:
    """A literal argument, a caller's parameter known to be one, or a name (``X``,
    ``settings_module.X``) bound exactly once, to a literal; else ``NOT_NONE`` when the
    argument (or the one expression the name is bound to) is known not to be None."""
    value = _literal(node, known)
    if value is not UNKNOWN or names is None:
        return value
    resolver, module = names
    if _may_be_constant(node, known):
        bound = resolver.bound_expression(module, node)
        if bound is not None and bound[1] is not node:
            value = _literal(bound[1], {})
            if value is not UNKNOWN:
                return value
            module, node = bound
    return NOT_NONE if not_none(resolver, module, node) else UNKNOWN


# Builtins whose call never gives None.
NEVER_NONE_CALLS = frozenset(f"builtins.{name}" for name in (
    "str", "int", "float", "bytes", "bool", "list", "dict", "set", "tuple", "frozenset",
    "len", "repr", "sorted"))
DISPLAYS = (ast.JoinedStr, ast.List, ast.Dict, ast.Set, ast.Tuple, ast.ListComp,
            ast.DictComp, ast.SetComp)


def not_none(resolver: Resolver, module: ModuleInfo, node: ast.expr) -> bool:
    """Is the expression's value known not to be None: a literal or display, a
    constructor or a function declared to return a non-Optional type, a name declared
    with a non-Optional annotation (a parameter without a None default)?"""
    if isinstance(node, ast.Constant):
        return node.value is not None
    if isinstance(node, DISPLAYS):
        return True
    if isinstance(node, ast.Call):
        return _returns_not_none(resolver, module, node)
    if isinstance(node, ast.Await) and isinstance(node.value, ast.Call):
        return _returns_not_none(resolver, module, node.value, awaited=True)
    if isinstance(node, ast.Name):
        binding = _single_binding(module, node)
        return binding is not None and _declared_not_none(resolver, module, binding)
    return False


def _returns_not_none(resolver: Resolver, module: ModuleInfo, call: ast.Call,
                      awaited: bool = False) -> bool:
    """A constructor, a builtin that never gives None, a function declared to return a
    non-Optional type (``awaited``: an ``async def`` awaited on the spot)."""
    definition = resolver.definition(module, call)
    if definition is None:
        return not awaited and resolver.callee(module, call) in NEVER_NONE_CALLS
    if definition.is_class:
        return not awaited  # a constructor (a metaclass returning None: not worth a thought)
    node = definition.node
    if isinstance(node, ast.AsyncFunctionDef) and not awaited:
        return True  # a coroutine object
    return isinstance(node, ast.AsyncFunctionDef if awaited else ast.FunctionDef) \
        and resolver.excludes_none(definition.module, node.returns)


def _single_binding(module: ModuleInfo, name: ast.Name) -> Binding | None:
    """The one binding of ``name`` in the innermost scope that binds it."""
    scope: Scope | None = module.scope_of(name)
    while scope is not None and name.id not in scope.bindings:
        scope = scope.parent
    bindings = scope.bindings[name.id] if scope is not None else []
    return bindings[0] if len(bindings) == 1 else None


def _declared_not_none(resolver: Resolver, module: ModuleInfo, binding: Binding) -> bool:
    """``title: str`` (no default, a literal one, or one that ``Depends`` injects) or
    ``title: str = compute()``: the annotation leaves out None and the default keeps to it."""
    annotation = binding.annotation
    if binding.kind == "param" and isinstance(binding.node, ast.arg):
        annotation = binding.node.annotation
    elif binding.kind != "assign":
        return False
    if not resolver.excludes_none(module, annotation):
        return False
    default = binding.value
    if default is None or isinstance(default, ast.Constant):
        return default is None or default.value is not None
    return binding.kind == "assign" or (
        isinstance(default, ast.Call) and resolver.callee(module, default) in DEPENDS)


def _may_be_constant(node: ast.expr, known: dict[str, object]) -> bool:
    if isinstance(node, ast.Name):
        return node.id not in known
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)


def _literal(node: ast.expr, known: dict[str, object]) -> object:
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, bool, type(None))):
        return node.value
    if isinstance(node, ast.Name):
        return known.get(node.id, UNKNOWN)
    read = _kwargs_read(node) if known else None
    if read is not None:
        name, key, default = read
        if kwargs_key(name, key) in known:
            return known[kwargs_key(name, key)]
        return default if closed_key(name) in known else UNKNOWN
    return UNKNOWN


# ----- dead branches ---------------------------------------------------------------------
@dataclass(frozen=True)
class Branching:
    """What deciding a function's branches reads of its own body, gathered in one walk
    (the call graph asks again for every set of constants a call site passes)."""

    ifs: tuple[ast.If, ...]
    stores: tuple[tuple[str, int], ...]  # (name, id of the binding node) of bindings
    persistent: frozenset[str]  # names declared ``global`` or ``nonlocal``
    blocks: tuple[list[ast.stmt], ...]  # the statement lists that hold an ``if``
    # Locals bound once, by ``name = value``, that may take a value from the constants:
    # (name, value, id of the target), in source order.
    derivable: tuple[tuple[str, ast.expr, int], ...] = ()
    mutated: frozenset[str] = frozenset()  # dicts written to: ``kwargs["k"] = v``...

    @classmethod
    def of(cls, function: FunctionNode,
           nodes: Iterable[ast.AST] | None = None) -> Branching:
        """``nodes``: the function's ``own_nodes``, when a caller has them at hand."""
        ifs: list[ast.If] = []
        stores: list[tuple[str, int]] = []
        persistent: set[str] = set()
        blocks: list[list[ast.stmt]] = [function.body]
        assignments: list[tuple[str, ast.expr, int]] = []
        mutated: set[str] = set()
        for node in own_nodes(function) if nodes is None else nodes:
            if isinstance(node, ast.If):
                ifs.append(node)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                stores.append((node.id, id(node)))
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                persistent.update(node.names)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                assignments.extend(_simple_assignment(node))
            else:
                stores.extend(_other_binding(node))
                mutated.update(_mutated_dict(node))
            if isinstance(node, ast.stmt) and not isinstance(node, DEFINITIONS):
                blocks.extend(_inner_blocks(node))
        counts = Counter(name for name, _ in stores)
        derivable = sorted((item for item in assignments
                            if counts[item[0]] == 1 and item[0] not in persistent
                            and _may_derive(item[1])),
                           key=lambda item: (item[1].lineno, item[1].col_offset))
        return cls(tuple(ifs), tuple(stores), frozenset(persistent),
                   tuple(b for b in blocks if any(isinstance(s, ast.If) for s in b)),
                   tuple(derivable), frozenset(mutated))


DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
DICT_WRITES = frozenset({"update", "setdefault", "clear", "__setitem__", "__delitem__"})


def _simple_assignment(node: ast.Assign | ast.AnnAssign) -> Iterator[tuple[str, ast.expr, int]]:
    """``name = value`` / ``name: T = value`` with a single name target."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    if len(targets) == 1 and isinstance(targets[0], ast.Name) and node.value is not None:
        yield targets[0].id, node.value, id(targets[0])


def _may_derive(value: ast.expr) -> bool:
    """A value the constants can give: a name (a parameter) or a ``**kwargs`` read."""
    return isinstance(value, ast.Name) or _kwargs_read(value) is not None


def _other_binding(node: ast.AST) -> Iterator[tuple[str, int]]:
    """Names bound without a ``Name`` node: ``except E as e``, imports, nested defs."""
    if isinstance(node, ast.ExceptHandler) and node.name:
        yield node.name, id(node)
    elif isinstance(node, ast.alias):
        yield (node.asname or node.name.partition(".")[0]), id(node)
    elif isinstance(node, DEFINITIONS):
        yield node.name, id(node)


def _mutated_dict(node: ast.AST) -> Iterator[str]:
    """``d["k"] = v``, ``del d["k"]``, ``d.update(...)``: the dict ``d`` is written to."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) \
            and isinstance(node.ctx, (ast.Store, ast.Del)):
        yield node.value.id
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr in DICT_WRITES and isinstance(node.func.value, ast.Name):
        yield node.func.value.id


def _inner_blocks(statement: ast.stmt) -> Iterator[list[ast.stmt]]:
    for field in ("body", "orelse", "finalbody"):
        block = getattr(statement, field, None)
        if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
            yield block
    for handler in getattr(statement, "handlers", ()):
        yield handler.body


def dead_nodes(function: FunctionNode, constants: Constants,
               branching: Branching | None = None) -> frozenset[int]:
    """ids of the nodes in branches that ``constants`` rule out. A parameter the live code
    rebinds loses its constant (or its non-literal argument), and the branches are
    decided again without it."""
    branching = branching or Branching.of(function)
    if not branching.ifs:
        return frozenset()
    known = dict(constants)
    opaque = _opaque_parameters(function, known) if known.pop(CALL_SITE[0], None) \
        else set()
    derived_at = {target for _, _, target in branching.derivable}
    while True:
        known = {name: value for name, value in known.items()
                 if base_name(name) not in branching.mutated}
        dead = _dead_under(branching, {**known, **_derived(branching, known)},
                           frozenset(opaque))
        if not dead:
            return dead  # less knowledge cannot rule out more
        stored = {name for name, node in branching.stores
                  if node not in dead and node not in derived_at}
        rebound = {name for name in known if base_name(name) in stored}
        if not rebound and opaque.isdisjoint(stored):
            return dead
        for name in rebound:
            del known[name]
        opaque -= stored


def _derived(branching: Branching, known: dict[str, object]) -> dict[str, object]:
    """Locals bound once to a parameter's constant or a ``**kwargs`` read it settles."""
    derived: dict[str, object] = {}
    for name, value, _ in branching.derivable:
        if name not in known:
            found = _literal(value, {**known, **derived})
            if found is not UNKNOWN:
                derived[name] = found
    return derived


def _opaque_parameters(function: FunctionNode, known: dict[str, object]) -> set[str]:
    """The parameters whose argument at the call site is not a literal."""
    params = [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]
    return {param.arg for param in params if known.get(param.arg, NOT_NONE) is NOT_NONE}


def _dead_under(branching: Branching, known: dict[str, object],
                opaque: frozenset[str]) -> frozenset[int]:
    if not known and not opaque:
        return frozenset()
    dead: set[int] = set()
    for node in branching.ifs:
        if id(node) not in dead:
            value = decide(node.test, known, opaque)
            if value is not UNKNOWN:
                dead.update(node_ids(node.orelse if value else node.body))
    for block in branching.blocks:  # code after an ``if`` whose live branch leaves
        for index, statement in enumerate(block):
            if isinstance(statement, ast.If) and id(statement) not in dead \
                    and _leaves_when_decided(statement, known, opaque):
                dead.update(node_ids(block[index + 1:]))
                break
    return frozenset(dead)


def _leaves_when_decided(statement: ast.If, known: dict[str, object],
                         opaque: frozenset[str]) -> bool:
    value = decide(statement.test, known, opaque)
    return value is not UNKNOWN and ends_in_exit(statement.body if value else statement.orelse)


def decide(test: ast.expr, known: dict[str, object],
           opaque: frozenset[str] = frozenset()) -> object:
    """True / False when the parameters' constants settle ``test``, else ``UNKNOWN``.
    ``opaque``: parameters whose non-literal argument takes no prefix branch."""
    if isinstance(test, ast.Name):
        value = known.get(test.id, UNKNOWN)
        return UNKNOWN if value is UNKNOWN else bool(value)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        value = decide(test.operand, known, opaque)
        return UNKNOWN if value is UNKNOWN else not value
    if isinstance(test, ast.BoolOp):
        return _decide_bool_op(test, known, opaque)
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        return _decide_compare(test, known)
    if isinstance(test, ast.Call):
        value = _literal(test, known)
        return _decide_affix(test, known, opaque) if value is UNKNOWN else bool(value)
    return UNKNOWN


def _decide_bool_op(test: ast.BoolOp, known: dict[str, object],
                    opaque: frozenset[str]) -> object:
    values = [decide(v, known, opaque) for v in test.values]
    settles = isinstance(test.op, ast.Or)  # a True settles ``or``, a False settles ``and``
    if settles in values:
        return settles
    return UNKNOWN if UNKNOWN in values else not settles


def _decide_compare(test: ast.Compare, known: dict[str, object]) -> object:
    left, op, right = test.left, test.ops[0], test.comparators[0]
    value = _literal(left, known)
    other = _literal(right, {})
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(op, (ast.Is, ast.IsNot)) and isinstance(right, ast.Constant) \
            and right.value is None:
        return (value is None) == isinstance(op, ast.Is)
    if value is NOT_NONE:
        return UNKNOWN  # only ``is None`` knows what to make of it
    if isinstance(op, (ast.Eq, ast.NotEq)) and other is not UNKNOWN:
        return (value == other) == isinstance(op, ast.Eq)
    if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, (ast.Tuple, ast.List, ast.Set)):
        options = [_literal(e, {}) for e in right.elts]
        if UNKNOWN not in options:
            return (value in options) == isinstance(op, ast.In)
    return UNKNOWN


def _decide_affix(test: ast.Call, known: dict[str, object], opaque: frozenset[str]) -> object:
    """``name.startswith("x")`` / ``name.endswith(("a", "b"))`` on a constant string;
    ``name.startswith("oidc/")`` on a parameter whose argument is not a literal: a
    prefix selects a mode (a scheme, a reference to resolve) the call does not ask for."""
    func = test.func
    if not (isinstance(func, ast.Attribute) and func.attr in ("startswith", "endswith")
            and len(test.args) == 1 and not test.keywords):
        return UNKNOWN
    value = _literal(func.value, known)
    arg = test.args[0]
    affixes = [_literal(e, {}) for e in arg.elts] if isinstance(arg, ast.Tuple) \
        else [_literal(arg, {})]
    if not all(isinstance(a, str) for a in affixes):
        return UNKNOWN
    if func.attr == "startswith" and isinstance(func.value, ast.Name) \
            and func.value.id in opaque and all(affixes):
        return False
    if not isinstance(value, str):
        return UNKNOWN
    return getattr(value, func.attr)(tuple(affixes))


# ----- branches of any kind -------------------------------------------------------------
def in_branch(parents: dict[ast.AST, ast.AST], node: ast.AST, function: ast.AST) -> bool:
    """Does ``node`` run only on some paths through ``function``: inside an ``if``/``else``
    or a conditional expression (not its test), an ``except`` or ``case`` block, or an
    operand of ``and``/``or`` after the first? Loops, ``with`` and ``try`` bodies count as
    unconditional."""
    child, parent = node, parents.get(node)
    while parent is not None and parent is not function:
        if isinstance(parent, (ast.ExceptHandler, ast.match_case)):
            return True
        if isinstance(parent, (ast.If, ast.IfExp)) and child is not parent.test:
            return True
        if isinstance(parent, ast.BoolOp) and child is not parent.values[0]:
            return True
        child, parent = parent, parents.get(parent)
    return False


def ends_in_exit(statements: Sequence[ast.stmt]) -> bool:
    """The block ends in ``return`` or ``raise``."""
    return bool(statements) and isinstance(statements[-1], (ast.Return, ast.Raise))


def node_ids(statements: Sequence[ast.stmt]) -> set[int]:
    return {id(n) for statement in statements for n in ast.walk(statement)}
