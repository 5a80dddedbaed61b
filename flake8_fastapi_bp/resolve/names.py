"""What names, attributes and calls refer to, as canonical qualified names.

Resolution order: the scope's bindings (imports, defs, assignments, parameters with
their annotations and ``Depends`` defaults, ``with ... as``), then module globals, then
builtins; across project modules by following imports; astroid inference last, and only
for calls into installed libraries that the tables do not describe.

A ``Value`` is either a named thing (module, class, function: ``instance=False``) or an
instance of a class (``instance=True``). Unknown is ``None``, never a guess.
"""

from __future__ import annotations

import ast
import builtins
import weakref
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from ..apis.types import (ATTRIBUTE_TYPES, MEMBER_TYPES, RETURNS, RETURNS_BY_ARGUMENT,
                          STATE_NAMESPACES, canonical)
from ..phases import timed
from .infer import Inference
from .module import (FUNCTION_TYPES, Binding, FunctionNode, ModuleInfo, Scope,
                     present, add_methods_mentioning)
from .project import Project
from .state import StateAttributes
from .walking import own_nodes, walk

BUILTIN_NAMES = frozenset(dir(builtins))
ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})
UNION = frozenset({"typing.Union", "typing_extensions.Union"})
# ``x: Final = v`` / ``Final[T]``, ``ClassVar[T]``: qualifiers, not the declared class.
QUALIFIERS = frozenset({"typing.Final", "typing_extensions.Final", "typing.ClassVar",
                        "typing_extensions.ClassVar"})
# Declared classes that still admit ``None``.
MAY_BE_NONE = frozenset({"typing.Any", "typing_extensions.Any", "builtins.object",
                         "builtins.None", "types.NoneType", "typing.NoReturn"})
ITERATOR_TYPES = frozenset({
    "typing.Generator", "typing.Iterator", "typing.Iterable", "typing.AsyncGenerator",
    "typing.AsyncIterator", "typing.AsyncIterable", "collections.abc.Generator",
    "collections.abc.Iterator", "collections.abc.AsyncGenerator",
    "collections.abc.AsyncIterator", "collections.abc.Iterable",
})
DEPENDS = frozenset({"fastapi.Depends", "fastapi.Security"})
LITERAL_TYPES = {ast.Dict: "builtins.dict", ast.List: "builtins.list", ast.Set: "builtins.set",
                 ast.Tuple: "builtins.tuple", ast.JoinedStr: "builtins.str",
                 ast.DictComp: "builtins.dict", ast.ListComp: "builtins.list",
                 ast.SetComp: "builtins.set", ast.Lambda: "builtins.function"}
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
MAX_DEPTH = 40
_UNTAINTED = 1 << 30


class Definition:
    """A def or class of the analysed project.

    Given its ``project``, it holds the module and node weakly and is found again by
    position in the module parsed anew once the index it was found in is released: an
    answer that names a project definition (cached for the run) keeps no module alive.
    Two definitions are equal when they are the same def (same file and position)."""

    __slots__ = ("key", "node_type", "_project", "_path", "_top", "_module", "_node",
                 "_pinned")

    def __init__(self, module: ModuleInfo, node: ast.AST,
                 project: Project | None = None) -> None:
        relocatable = project is not None and module.matches_file and module.path is not None
        # Without a file to parse again (an editor's buffer, a test's module), kept alive.
        self._pinned = None if relocatable else (module, node)
        self._project = project
        self._path = module.path
        self.key = (module.path if relocatable else ("pinned", id(module)),
                    getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
        self.node_type = type(node)
        self._top = _top_level_name(module, node)
        self._module = weakref.ref(module)
        self._node = weakref.ref(node)

    @property
    def module(self) -> ModuleInfo:
        return self._load()[0]

    @property
    def node(self) -> ast.AST:
        return self._load()[1]

    @property
    def is_function(self) -> bool:
        return self.node_type in FUNCTION_TYPES

    @property
    def is_class(self) -> bool:
        return self.node_type is ast.ClassDef

    def _load(self) -> tuple[ModuleInfo, ast.AST]:
        if self._pinned is not None:
            return self._pinned
        module, node = self._module(), self._node()
        if module is not None and node is not None:
            return module, node
        assert self._project is not None and self._path is not None
        module = self._project.module_at(self._path)
        node = module.definition_at(self._top, *self.key[1:]) if module is not None else None
        if module is None or node is None:  # the file changed during the run
            raise LookupError(f"{self._top} is no longer in {self._path}")
        self._module, self._node = weakref.ref(module), weakref.ref(node)
        return module, node

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Definition) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return f"Definition({self._top!r} at {self.key!r})"


def _top_level_name(module: ModuleInfo, node: ast.AST) -> str:
    """The name the module binds the outermost def/class holding ``node`` to."""
    name = getattr(node, "name", "")
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, (*FUNCTION_TYPES, ast.ClassDef)):
            name = ancestor.name
    return name


@dataclass(frozen=True)
class Value:
    name: str
    instance: bool
    definition: Definition | None = None


def is_capword(qualname: str) -> bool:
    last = qualname.rpartition(".")[2]
    return bool(last) and last[0].isupper() and not last.isupper()


def qualname_of_def(module: ModuleInfo, node: ast.AST) -> str:
    """``pkg.mod.Class.method`` for a def/class; nested functions get ``<locals>``."""
    parts = [getattr(node, "name", "?")]
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, ast.ClassDef):
            parts.append(ancestor.name)
        elif isinstance(ancestor, FUNCTION_TYPES):
            parts.extend(["<locals>", ancestor.name])
    if module.name:
        parts.append(module.name)
    return ".".join(reversed(parts))


class Resolver(StateAttributes):
    """Answers "what does this expression refer to" for any module of the project."""

    def __init__(self, project: Project, inference: Inference | None = None) -> None:
        self.project = project
        self.inference = inference
        # Computations under way, outermost first, and where each key sits in that stack.
        self._stack: list[tuple[str, int]] = []
        self._position: dict[tuple[str, int], int] = {}
        self._heights: list[int] = []  # per computation under way: its tallest input
        # Stack positions from this one up computed with a cut (a cycle or the depth
        # limit): their results hold only for the current outermost question.
        self._taint = _UNTAINTED
        self._provisional: dict[tuple[int, tuple[str, int]], tuple[object, int]] = {}
        self._cache_key = ("resolver", id(self))
        # Answers about dotted names, for the run (see ``_qualname_value``).
        self._qualnames: dict[tuple[str, str], tuple[object, int]] = {}
        # Answers about project defs and classes (results, members, library bases), for
        # the run: keyed by ``Definition`` (a position), they need no module once known.
        self._definitions: dict[tuple[str, object], tuple[object, int]] = {}
        self._state_answers: dict[tuple[str, object], tuple[object, int]] = {}  # State attributes

    # ----- public questions -------------------------------------------------------------
    def value(self, module: ModuleInfo, expr: ast.AST | None) -> Value | None:
        if expr is None:
            return None
        return self._cached("value", module, expr, self._value)

    def qualname(self, module: ModuleInfo, expr: ast.AST) -> str | None:
        """The canonical name an expression denotes (not an instance), or None."""
        value = self.value(module, expr)
        return value.name if value is not None and not value.instance else None

    def type_of(self, module: ModuleInfo, expr: ast.AST) -> str | None:
        """The canonical class name of the instance ``expr`` evaluates to, or None."""
        value = self.value(module, expr)
        return value.name if value is not None and value.instance else None

    def callee(self, module: ModuleInfo, call: ast.Call) -> str | None:
        """The canonical name of what ``call`` invokes (``T.m`` for a method of an instance
        of ``T``, ``T.__call__`` for a called instance)."""
        target = self.callee_value(module, call)
        if target is None:
            return None
        return f"{target.name}.__call__" if target.instance else target.name

    def callee_value(self, module: ModuleInfo, call: ast.Call) -> Value | None:
        return self._cached("callee", module, call, self._callee_value)

    def definition(self, module: ModuleInfo, call: ast.Call) -> Definition | None:
        """The project def/class a call invokes, if any."""
        target = self.callee_value(module, call)
        return target.definition if target is not None and not target.instance else None

    def annotation_type(self, module: ModuleInfo, annotation: ast.AST | None) -> str | None:
        """The class an annotation declares, through Annotated, Optional and aliases."""
        if annotation is None:
            return None
        return self._cached("annotation", module, annotation, self._annotation_type)

    def excludes_none(self, module: ModuleInfo, annotation: ast.AST | None) -> bool:
        """Does the annotation declare a class that leaves out ``None`` (``str``,
        ``list[int]``, ``Annotated[Session, ...]``)? Not ``Optional``/``X | None``, nor
        ``Any``, ``object``, a type variable or anything not resolved to a class."""
        if annotation is None:
            return False
        return bool(self._cached("not-none", module, annotation, self._excludes_none))

    def function_result(self, definition: Definition, injected: bool = False) -> Value | None:
        """What calling a project function gives; ``injected``: what ``Depends`` injects
        (the yielded value of a generator dependency)."""
        if not definition.is_class and not definition.is_function:
            return None
        return self._about_definition("result", (definition, injected), self._function_result)

    def bound_expression(self, module: ModuleInfo, expr: ast.expr,
                         depth: int = 0) -> tuple[ModuleInfo, ast.expr] | None:
        """The expression a name stands for: a name (or ``mod.NAME`` of a project module)
        bound exactly once by an assignment with a value, followed through name-to-name
        assignments (``ORIGINS = ["*"]``); any other expression stands for itself.
        None when the name is unknown, rebound, or bound by anything else."""
        if depth > 8:
            return None
        found: tuple[ModuleInfo, Binding] | None = None
        if isinstance(expr, ast.Name):
            bound = self._bindings(module, expr.id, module.scope_of(expr))
            if bound is None or len(bound[1]) != 1:
                return None
            found = (module, bound[1][0])
        elif isinstance(expr, ast.Attribute):
            base = self.qualname(module, expr.value)
            found = self.lookup(f"{base}.{expr.attr}") if base else None
        else:
            return module, expr
        if found is not None and found[1].kind == "import":
            found = self.lookup(found[1].target)
        if found is None or found[1].kind != "assign" or found[1].value is None:
            return None
        return self.bound_expression(found[0], found[1].value, depth + 1)

    def lookup(self, qualname: str, depth: int = 0) -> tuple[ModuleInfo, Binding] | None:
        """The module-level binding of a project name, following re-exports."""
        if depth > 8:
            return None
        found = self.project.split(qualname)
        if found is None or len(found[1]) != 1:
            return None
        module, (name,) = found
        bindings = [b for b in module.top_level(name) if b.kind != "other"]
        if not bindings and name not in module.module_scope.bindings:
            return self._star_imported(module, name, depth)
        if len(bindings) != 1:
            return (module, bindings[-1]) if bindings and _all_defs(bindings) else None
        binding = bindings[0]
        if binding.kind == "import":
            found_there = self.lookup(binding.target, depth + 1)
            if found_there is None and self._project_attribute(binding.target):
                return None  # a re-export of a project name we cannot see: unknown
            return found_there or (module, binding)
        return module, binding

    def _star_name_value(self, module: ModuleInfo, name: str) -> Value | None:
        """A name no scope binds, in a module with ``from x import *``: found in a project
        module it star-imports; unknown if a library's star import may provide it."""
        found = self._star_imported(module, name, 0)
        if found is not None:
            return self._found_value(found, name)
        if any(self.project.find(source) is None for source in module.star_imports):
            return None
        return Value(f"builtins.{name}", False) if name in BUILTIN_NAMES else None

    def _star_imported(self, module: ModuleInfo, name: str,
                       depth: int) -> tuple[ModuleInfo, Binding] | None:
        """``from app.clients import *`` at module level: the name in the first project
        module that binds it."""
        for source in module.star_imports:
            found = self.lookup(f"{source}.{name}", depth + 1)
            if found is not None:
                return found
        return None

    def _project_attribute(self, qualname: str) -> bool:
        """Is ``qualname`` an attribute of a module of the project (not a module itself)?
        The library of the same name is then shadowed: ``requests.py`` in the project."""
        if self.project.find(qualname) is not None:
            return False
        parts = qualname.split(".")
        return any(self.project.find(".".join(parts[:end])) is not None
                   for end in range(len(parts) - 1, 0, -1))

    def library_base(self, definition: Definition) -> str | None:
        """The first base class of a project class, up its project hierarchy, that is not
        a project class (``class Net(nn.Module)`` -> ``torch.nn.Module``)."""
        if not definition.is_class:
            return None
        return self._about_definition("library-base", (definition, 0), self._library_base)

    def annotated_metadata(self, module: ModuleInfo,
                           annotation: ast.AST | None) -> list[tuple[ModuleInfo, ast.expr]]:
        """The metadata of ``Annotated[T, m1, m2]`` (``[m1, m2]``, each with the module it
        is written in), also through module-level aliases such as
        ``CurrentUser = Annotated[User, Depends(get_user)]``; ``[]`` otherwise."""
        for _ in range(8):
            if isinstance(annotation, (ast.Name, ast.Attribute)):
                alias = self._alias_target(module, annotation)
                if alias is None:
                    return []
                module, annotation = alias
                continue
            if isinstance(annotation, ast.Subscript) \
                    and self.qualname(module, annotation.value) in ANNOTATED \
                    and isinstance(annotation.slice, ast.Tuple):
                return [(module, meta) for meta in annotation.slice.elts[1:]]
            return []
        return []

    # ----- machinery --------------------------------------------------------------------
    @timed("resolution", outermost=True)
    def _cached(self, kind: str, module: ModuleInfo | None, node: object, compute,
                cache: dict | None = None) -> object:
        """``compute(module, node)``, remembered when the answer cannot depend on how the
        question was reached: on the module (keyed by the node), or in ``cache`` (keyed by
        ``node`` itself, a name: answers that outlive the module indexes).

        A cycle back to a computation under way, the depth limit or a RecursionError
        gives "unknown" (None) at that point. Whatever was computed on top of such a cut
        depends on the question that led there: it is kept only until the outermost
        question is answered (``_provisional``). Everything else is cached with its
        height (how many nested computations it took): reused only where that height
        still fits under the depth limit, so a cached answer is exactly what computing
        afresh would give. Answers thus never depend on the order questions are asked
        in (which file flake8 checks first, ``--jobs``)."""
        if cache is None:
            key = (kind, id(node))
            cache = self._cache_of(module)  # type: ignore[arg-type]
        else:
            key = (kind, node)  # type: ignore[assignment]
        position = len(self._stack)
        entry = cache.get(key)
        if entry is not None and position + entry[1] <= MAX_DEPTH + 1:
            self._note_height(entry[1])
            return entry[0]
        provisional_key = (id(module), key)
        if provisional_key in self._provisional:
            self._taint = 0  # built on a cut made for another question
            result, height = self._provisional[provisional_key]
            self._note_height(height)
            return result
        if key in self._position:  # a cycle: unknown here, and so is all it touched
            self._taint = min(self._taint, self._position[key])
            return None
        if position > MAX_DEPTH:
            self._taint = 0
            return None
        self._stack.append(key)
        self._position[key] = position
        self._heights.append(0)
        result = None
        try:
            result = compute(module, node)
        except RecursionError:
            self._taint = 0
        finally:
            self._stack.pop()
            del self._position[key]
            height = self._heights.pop() + 1
            tainted = position >= self._taint
            if self._taint >= position:
                self._taint = _UNTAINTED
            if position == 0:
                self._provisional.clear()
        if not tainted:
            cache[key] = (result, height)
        elif position > 0:
            self._provisional[provisional_key] = (result, height)
        self._note_height(height)
        return result

    def _note_height(self, height: int) -> None:
        """The computation under way used an answer that took ``height`` levels."""
        if self._heights and self._heights[-1] < height:
            self._heights[-1] = height

    def _cache_of(self, module: ModuleInfo) -> dict[tuple[str, int], tuple[object, int]]:
        """This resolver's answers about ``module``'s nodes, kept on the module. The entry
        holds the resolver itself, so its ``id`` cannot be reused while the entry lives
        (tests build several resolvers, with and without inference, on one project)."""
        entry = module.cache.get(self._cache_key)
        if entry is None:
            entry = module.cache[self._cache_key] = (self, {})
        return entry[1]  # type: ignore[index,no-any-return]

    def _declared_instance(self, declared: str) -> Value:
        """An instance of an annotated type; a project class keeps its definition so that
        its methods can be followed (``svc: Service`` then ``svc.run()``)."""
        found = self.lookup(declared)
        if found is not None and isinstance(found[1].node, ast.ClassDef):
            return Value(declared, True, Definition(found[0], found[1].node, self.project))
        return Value(declared, True)

    # ----- values -----------------------------------------------------------------------
    def _value(self, module: ModuleInfo, expr: ast.AST) -> Value | None:
        if isinstance(expr, ast.Name):
            return self._name_value(module, expr)
        if isinstance(expr, ast.Attribute):
            return self._attribute_value(module, expr)
        if isinstance(expr, ast.Call):
            return self._call_value(module, expr)
        if isinstance(expr, ast.Await):
            return self.value(module, expr.value)
        if isinstance(expr, ast.Subscript):
            return self._subscript_value(module, expr)
        if isinstance(expr, ast.Constant):
            return None if expr.value is None else Value(f"builtins.{type(expr.value).__name__}",
                                                         True)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Div):
            left = self.value(module, expr.left)
            return left if left is not None and left.name == "pathlib.Path" else None
        if type(expr) in LITERAL_TYPES:
            return Value(LITERAL_TYPES[type(expr)], True)
        return None

    def _name_value(self, module: ModuleInfo, name: ast.Name) -> Value | None:
        if _bound_by_comprehension(module, name):
            return None
        found = self._bindings(module, name.id, module.scope_of(name))
        if found is None and module.star_imports:
            return self._star_name_value(module, name.id)
        if found is None:
            return Value(f"builtins.{name.id}", False) if name.id in BUILTIN_NAMES else None
        scope, bindings = found
        chained = [b for b in bindings if _method_of_itself(b, name.id) is not None]
        if chained and len(chained) < len(bindings):
            return self._chained_value(module, scope, name.id, bindings, chained)
        return self._agree(self._binding_value(module, scope, name.id, b) for b in bindings)

    def _chained_value(self, module: ModuleInfo, scope: Scope, name: str,
                       bindings: list[Binding], chained: list[Binding]) -> Value | None:
        """``img = Image.open(f)`` then ``img = img.resize(size)``: the rebinding keeps the
        type when the library method returns its own class (``RETURNS``)."""
        base = self._agree(self._binding_value(module, scope, name, b)
                           for b in bindings if b not in chained)
        if base is None or not base.instance:
            return None
        for binding in chained:
            if RETURNS.get(f"{base.name}.{_method_of_itself(binding, name)}") != base.name:
                return None
        return base

    def _bindings(self, module: ModuleInfo, name: str,
                  scope: Scope) -> tuple[Scope, list[Binding]] | None:
        """The innermost scope binding ``name`` (class bodies are skipped from inside)."""
        current: Scope | None = scope
        first = True
        while current is not None:
            is_class = isinstance(current.node, ast.ClassDef)
            if name in current.nonlocals:
                first, current = False, current.parent
                continue
            if name in current.globals:
                current = module.module_scope
            if (first or not is_class) and name in current.bindings:
                return current, current.bindings[name]
            first = False
            current = current.parent
        return None

    @staticmethod
    def _agree(values: Iterator[Value | None]) -> Value | None:
        """One answer when every binding gives the same one; unknown otherwise."""
        result: Value | None = None
        for value in values:
            if value is None:
                return None
            if value.name == "builtins.NoneType":
                continue
            same = result is None or (value.name, value.instance) == (result.name,
                                                                      result.instance)
            if not same:
                return None
            result = value
        return result

    def _binding_value(self, module: ModuleInfo, scope: Scope, name: str,
                       binding: Binding) -> Value | None:
        if binding.kind == "import":
            return self._qualname_value(binding.target)
        if binding.kind == "def":
            definition = Definition(module, binding.node, self.project)
            return Value(canonical(qualname_of_def(module, binding.node)), False, definition)
        if binding.kind == "assign":
            if binding.annotation is not None:
                declared = self.annotation_type(module, binding.annotation)
                if declared is not None:
                    return self._declared_instance(declared)
            if isinstance(binding.value, ast.Constant) and binding.value.value is None:
                return Value("builtins.NoneType", True)
            return self.value(module, binding.value)
        if binding.kind == "param":
            return self._param_value(module, scope, binding)
        if binding.kind == "with":
            return self.value(module, binding.value)
        return None

    def _param_value(self, module: ModuleInfo, scope: Scope, binding: Binding) -> Value | None:
        declared = self.annotation_type(module, binding.annotation)
        if declared is not None:
            return self._declared_instance(declared)
        injected = self._dependency_value(module, binding.value)
        if injected is not None:
            return injected
        return self._self_value(module, scope, binding)

    def _self_value(self, module: ModuleInfo, scope: Scope, binding: Binding) -> Value | None:
        """``self``/``cls``: the first parameter of a method."""
        function = scope.node
        if not isinstance(function, FUNCTION_TYPES) or binding.node is None:
            return None
        positional = function.args.posonlyargs + function.args.args
        if not positional or positional[0] is not binding.node:
            return None
        owner = module.parents.get(function)
        if not isinstance(owner, ast.ClassDef) or _is_staticmethod(function):
            return None
        definition = Definition(module, owner, self.project)
        as_class = _is_classmethod(function) or binding.node.arg == "cls"
        return Value(qualname_of_def(module, owner), not as_class, definition)

    def _dependency_value(self, module: ModuleInfo, default: ast.AST | None) -> Value | None:
        """``x = Depends(get_db)``: what get_db yields or returns."""
        if not isinstance(default, ast.Call) or not default.args:
            return None
        if self.callee(module, default) not in DEPENDS:
            return None
        provider = self.value(module, default.args[0])
        if provider is None or provider.definition is None:
            return None
        return self.function_result(provider.definition, injected=True)

    def _about_definition(self, kind: str, question: tuple[object, ...],
                          compute: Callable[..., Any]) -> Any:
        """``compute(*question)`` where ``question[0]`` is a ``Definition``: kept for the
        run (the same rules as ``_qualname_value``), so asking again does not parse a
        released module again."""
        return self._cached(kind, None, question, lambda _module, key: compute(*key),
                            self._definitions)

    def _qualname_value(self, qualname: str) -> Value | None:
        """A dotted name: a project definition or variable, else a library name. Kept for
        the run: the answer holds no module (``Definition`` finds its def again)."""
        return self._cached("qualname", None, qualname,  # type: ignore[return-value]
                            self._find_qualname_value, self._qualnames)

    def _find_qualname_value(self, _module: None, qualname: str) -> Value | None:
        found = self.lookup(qualname)
        if found is not None:
            return self._found_value(found, qualname.rpartition(".")[2])
        if self.project.find(qualname) is not None:
            return Value(qualname, False)
        if self._project_attribute(qualname):
            return None  # a name a project module does not (visibly) define
        return Value(canonical(qualname), False)

    def _found_value(self, found: tuple[ModuleInfo, Binding], name: str) -> Value | None:
        """The value of a module-level binding found by ``lookup``."""
        module, binding = found
        if binding.kind == "import":
            return Value(canonical(binding.target), False)
        return self._binding_value(module, module.module_scope, name, binding)

    def _attribute_value(self, module: ModuleInfo, expr: ast.Attribute) -> Value | None:
        base = self.value(module, expr.value)
        if base is None:
            return None
        if not base.instance:
            if base.definition is not None and base.definition.is_class:
                member = self._class_member(base.definition, expr.attr, instance=False)
                if member is not None:
                    return member
            return self._qualname_value(f"{base.name}.{expr.attr}")
        return self._instance_member(base, expr.attr)

    def _instance_member(self, base: Value, attr: str) -> Value | None:
        member = f"{base.name}.{attr}"
        if member in MEMBER_TYPES:
            return Value(MEMBER_TYPES[member], True)
        if base.name in STATE_NAMESPACES:
            return self._state_member(base.name, attr)
        if base.definition is not None and base.definition.is_class:
            found = self._class_member(base.definition, attr, instance=True)
            if found is not None:
                return found
        if base.name in ATTRIBUTE_TYPES:
            return Value(ATTRIBUTE_TYPES[base.name], True)
        return None

    def _subscript_value(self, module: ModuleInfo, expr: ast.Subscript) -> Value | None:
        base = self.value(module, expr.value)
        if base is not None and base.instance and base.name in ATTRIBUTE_TYPES:
            return Value(ATTRIBUTE_TYPES[base.name], True)
        return None

    def _callee_value(self, module: ModuleInfo, call: ast.Call) -> Value | None:
        func = call.func
        if isinstance(func, ast.Attribute):
            base = self.value(module, func.value)
            if base is not None and base.instance:
                return self._method(base, func.attr)
        return self.value(module, func)

    def _method(self, base: Value, attr: str) -> Value | None:
        """``obj.attr(...)`` on an instance: a project method/attribute or ``T.attr``."""
        if base.definition is None or not base.definition.is_class:
            return Value(canonical(f"{base.name}.{attr}"), False)
        member = self._class_member(base.definition, attr, instance=True)
        if member is not None:
            return member
        library_base = self._library_base(base.definition)
        return Value(canonical(f"{library_base}.{attr}"), False) if library_base else None

    def _library_base(self, definition: Definition, depth: int = 0) -> str | None:
        """The first base class, up the project hierarchy, that is not a project class."""
        classdef = definition.node
        assert isinstance(classdef, ast.ClassDef)
        for base in classdef.bases:
            value = self.value(definition.module, base)
            if value is None or value.instance:
                continue
            if value.definition is None:
                return value.name
            if value.definition.is_class and depth < 5:
                found = self._about_definition("library-base", (value.definition, depth + 1),
                                               self._library_base)
                if found:
                    return found
        return None

    def _call_value(self, module: ModuleInfo, call: ast.Call) -> Value | None:
        target = self.callee_value(module, call)
        if target is None:
            return None
        if target.name == "builtins.getattr" and not target.instance:
            return self._getattr_value(module, call)
        if target.definition is not None and not target.instance:
            return self.function_result(target.definition)
        name = f"{target.name}.__call__" if target.instance else target.name
        if name in RETURNS:
            return Value(RETURNS[name], True)
        if name in RETURNS_BY_ARGUMENT:
            return self._argument_return(module, call, *RETURNS_BY_ARGUMENT[name])
        if not target.instance and is_capword(name):
            return Value(name, True)
        if self.inference is not None and self.inference.wanted(name):
            inferred = self.inference.instance_type(module, call)
            return Value(canonical(inferred), True) if inferred else None
        return None

    def _argument_return(self, module: ModuleInfo, call: ast.Call, accepted: frozenset[str],
                         result: str) -> Value | None:
        """``inspect(engine)``: the result type follows the first argument's type."""
        given = call.args[0] if call.args and not isinstance(call.args[0], ast.Starred) \
            else None
        return Value(result, True) if given is not None \
            and self.type_of(module, given) in accepted else None

    # ----- annotations ------------------------------------------------------------------
    def _annotation_type(self, module: ModuleInfo, annotation: ast.AST) -> str | None:
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            return self._string_annotation(module, annotation)
        if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
            return self._union_type(module, [annotation.left, annotation.right])
        if isinstance(annotation, ast.Subscript):
            return self._generic_type(module, annotation)
        if isinstance(annotation, (ast.Name, ast.Attribute)):
            alias = self._alias_target(module, annotation)
            if alias is not None:
                return self.annotation_type(*alias)
            value = self.value(module, annotation)
            if value is not None and not value.instance and value.name not in QUALIFIERS:
                return value.name
        return None

    def _excludes_none(self, module: ModuleInfo, annotation: ast.AST) -> bool:
        if isinstance(annotation, ast.Constant):
            parsed = self._parsed_annotation(module, annotation) \
                if isinstance(annotation.value, str) else None
            return parsed is not None and self.excludes_none(module, parsed)
        if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
            return self.excludes_none(module, annotation.left) \
                and self.excludes_none(module, annotation.right)
        if isinstance(annotation, ast.Subscript):
            origin = self.qualname(module, annotation.value)
            members = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) \
                else [annotation.slice]
            if origin in OPTIONAL:
                return False
            if origin in UNION:
                return all(self.excludes_none(module, member) for member in members)
            if origin in ANNOTATED or origin in QUALIFIERS:
                return self.excludes_none(module, members[0])
            return origin is not None  # ``list[str]``: a container, never None
        if isinstance(annotation, (ast.Name, ast.Attribute)):
            alias = self._alias_target(module, annotation)
            if alias is not None:
                return self.excludes_none(*alias)
            declared = self.annotation_type(module, annotation)
            return declared is not None and declared not in MAY_BE_NONE
        return False

    def _parsed_annotation(self, module: ModuleInfo, annotation: ast.Constant) -> ast.expr | None:
        """A string annotation parsed, its nodes placed under it (names resolve there)."""
        try:
            parsed = ast.parse(str(annotation.value).strip(), mode="eval").body
        except (SyntaxError, ValueError, RecursionError):
            return None
        for node in ast.walk(parsed):
            module.parents[node] = annotation
        module.parents[parsed] = annotation
        return parsed

    def _string_annotation(self, module: ModuleInfo, annotation: ast.Constant) -> str | None:
        parsed = self._parsed_annotation(module, annotation)
        return None if parsed is None else self.annotation_type(module, parsed)

    def _generic_type(self, module: ModuleInfo, annotation: ast.Subscript) -> str | None:
        origin = self.qualname(module, annotation.value)
        args = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [
            annotation.slice]
        if origin in ANNOTATED or origin in OPTIONAL or origin in QUALIFIERS:
            return self.annotation_type(module, args[0]) if args else None
        if origin in UNION:
            return self._union_type(module, args)
        return origin

    def _union_type(self, module: ModuleInfo, members: list[ast.expr]) -> str | None:
        real = [m for m in members if not (isinstance(m, ast.Constant) and m.value is None)]
        return self.annotation_type(module, real[0]) if len(real) == 1 else None

    def _alias_target(self, module: ModuleInfo,
                      annotation: ast.Name | ast.Attribute) -> tuple[ModuleInfo, ast.AST] | None:
        """``SessionDep = Annotated[Session, Depends(get_db)]``: the aliased expression."""
        binding: tuple[ModuleInfo, Binding] | None = None
        if isinstance(annotation, ast.Name):
            found = self._bindings(module, annotation.id, module.scope_of(annotation))
            if found is not None and len(found[1]) == 1:
                single = found[1][0]
                if single.kind == "import":
                    binding = self.lookup(single.target)
                else:
                    binding = (module, single)
        else:
            base = self.qualname(module, annotation.value)
            binding = self.lookup(f"{base}.{annotation.attr}") if base else None
        if binding is None:
            return None
        owner, found_binding = binding
        value = found_binding.value
        # ``Again = SessionDep`` (an alias of an alias) is followed name by name.
        aliased = (ast.Subscript, ast.BinOp, ast.Name, ast.Attribute)
        if found_binding.kind == "assign" and isinstance(value, aliased):
            return owner, value
        return None

    # ----- project functions and classes -----------------------------------------------
    def _function_result(self, definition: Definition, injected: bool) -> Value | None:
        node = definition.node
        module = definition.module
        if isinstance(node, ast.ClassDef):
            return Value(canonical(qualname_of_def(module, node)), True, definition)
        assert isinstance(node, FUNCTION_TYPES)
        declared = self._declared_result(module, node, injected)
        if declared is not None:
            return self._declared_instance(declared)
        returned = list(_result_expressions(node, yields=injected and _is_generator(node)))
        if not returned or (_is_generator(node) and not injected):
            return None
        return self._agree(self.value(module, expr) for expr in returned)

    def _declared_result(self, module: ModuleInfo, node: FunctionNode,
                         injected: bool) -> str | None:
        returns = node.returns
        if returns is None:
            return None
        if isinstance(returns, ast.Subscript) and injected:
            origin = self.qualname(module, returns.value)
            if origin in ITERATOR_TYPES:
                args = returns.slice.elts if isinstance(returns.slice, ast.Tuple) \
                    else [returns.slice]
                return self.annotation_type(module, args[0]) if args else None
        return self.annotation_type(module, returns)

    def _class_member(self, definition: Definition, attr: str, instance: bool,
                      depth: int = 0) -> Value | None:
        """A member of a project class: a method, a class attribute or ``self.attr``."""
        return self._about_definition("member", (definition, attr, instance, depth),
                                      self._find_class_member)

    def _find_class_member(self, definition: Definition, attr: str, instance: bool,
                           depth: int) -> Value | None:
        classdef = definition.node
        module = definition.module
        assert isinstance(classdef, ast.ClassDef)
        scope = module.scopes[classdef]
        for binding in scope.bindings.get(attr, []):
            value = self._binding_value(module, scope, attr, binding)
            if value is not None:
                return value
        if instance:
            assigned = self._self_attribute(module, classdef, attr)
            if assigned is not None:
                return assigned
        if depth < 5:
            for base in classdef.bases:
                base_value = self.value(module, base)
                if base_value is not None and base_value.definition is not None \
                        and base_value.definition.is_class:
                    found = self._class_member(base_value.definition, attr, instance, depth + 1)
                    if found is not None:
                        return found
        return None

    def _self_attribute(self, module: ModuleInfo, classdef: ast.ClassDef,
                        attr: str) -> Value | None:
        """``self.attr = <expr>`` in the class's methods (``__init__`` first)."""
        assignments = _self_assignments(module, classdef, attr).get(attr)
        if not assignments:
            return None
        return self._agree(iter([self._assigned_value(module, node) for node in assignments]))

    def _assigned_value(self, module: ModuleInfo, node: ast.Assign | ast.AnnAssign) -> Value | None:
        if isinstance(node, ast.AnnAssign):
            declared = self.annotation_type(module, node.annotation)
            if declared is not None:
                return self._declared_instance(declared)
        if isinstance(node.value, ast.Constant) and node.value.value is None:
            return Value("builtins.NoneType", True)
        return self.value(module, node.value)


def _method_of_itself(binding: Binding, name: str) -> str | None:
    """``x = x.method(...)`` (or ``await x.method(...)``): the method's name."""
    value = binding.value
    if binding.kind != "assign" or binding.annotation is not None:
        return None
    if isinstance(value, ast.Await):
        value = value.value
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) \
            and isinstance(value.func.value, ast.Name) and value.func.value.id == name:
        return value.func.attr
    return None


def _bound_by_comprehension(module: ModuleInfo, name: ast.Name) -> bool:
    """Is ``name`` an iteration variable of a comprehension around it? (Python 3 gives
    comprehensions their own scope; only the outermost iterable is evaluated outside.)"""
    previous: ast.AST | None = None
    child: ast.AST = name
    for ancestor in module.ancestors(name):
        if isinstance(ancestor, COMPREHENSIONS):
            first = ancestor.generators[0]
            outside = child is first and previous is first.iter
            if not outside and any(isinstance(target, ast.Name) and target.id == name.id
                                   for generator in ancestor.generators
                                   for target in ast.walk(generator.target)):
                return True
        elif ancestor in module.scopes:
            return False
        previous, child = child, ancestor
    return False


def _all_defs(bindings: list[Binding]) -> bool:
    return all(b.kind == "def" for b in bindings)


def _self_assignments(module: ModuleInfo, classdef: ast.ClassDef,
                      attr: str) -> dict[str, list[ast.Assign | ast.AnnAssign]]:
    """Attribute -> the ``self.attr = ...`` statements of the class's methods (``__init__``
    first, then source order), complete for ``attr``: of a lazy class, the methods that
    do not mention ``self.attr`` may still wait. One walk per class (and per number of
    methods at hand), cached: a class is asked about many attributes, and walking every
    method per attribute dominated whole runs."""
    add_methods_mentioning(classdef, f"self.{attr}")
    methods_at_hand = present(classdef.body)
    key = ("self-assignments", id(classdef), len(methods_at_hand))
    found = module.cache.get(key)
    if found is None:
        index: dict[str, list[ast.Assign | ast.AnnAssign]] = {}
        methods = (n for n in methods_at_hand if isinstance(n, FUNCTION_TYPES))
        for method in sorted(methods, key=lambda m: m.name != "__init__"):
            for node in walk(method):
                if isinstance(node, (ast.Assign, ast.AnnAssign)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for attr in dict.fromkeys(_self_attr(t) for t in targets):
                        if attr is not None:
                            index.setdefault(attr, []).append(node)
        found = module.cache[key] = index
    return found  # type: ignore[return-value]


def _self_attr(target: ast.AST) -> str | None:
    """``attr`` for a ``self.attr`` target."""
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
            and target.value.id == "self":
        return target.attr
    return None


def _decorator_names(function: FunctionNode) -> set[str]:
    names = set()
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Name):
            names.add(decorator.id)
        elif isinstance(decorator, ast.Attribute):
            names.add(decorator.attr)
    return names


def _is_staticmethod(function: FunctionNode) -> bool:
    return "staticmethod" in _decorator_names(function)


def _is_classmethod(function: FunctionNode) -> bool:
    return "classmethod" in _decorator_names(function)


def _is_generator(function: FunctionNode) -> bool:
    return any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in own_nodes(function))


def _result_expressions(function: FunctionNode, yields: bool) -> Iterator[ast.expr]:
    kinds = (ast.Yield,) if yields else (ast.Return,)
    for node in own_nodes(function):
        if isinstance(node, kinds) and node.value is not None:
            yield node.value
