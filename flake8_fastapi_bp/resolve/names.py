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
from typing import Callable, Iterator, TypeVar

from ..apis.types import (ATTRIBUTE_TYPES, DEPENDS, ITERATOR_TYPES, LITERAL_TYPES,
                          MEMBER_TYPES, RETURNS, RETURNS_BY_ARGUMENT, STATE_NAMESPACES,
                          canonical)
from .annotations import AnnotationReader
from .infer import Inference
from .module import FUNCTION_TYPES, Binding, FunctionNode, ModuleInfo, Scope
from .project import Project
from .state import StateAttributes
from .syntax_facts import (bound_by_comprehension, is_classmethod, is_staticmethod,
                           method_of_itself, self_assignments)
from .values import Definition, Value, is_capword, qualname_of_def
from .walking import returned_values, yields

BUILTIN_NAMES = frozenset(dir(builtins))
R = TypeVar("R")


class Resolver(AnnotationReader, StateAttributes):
    """Answers "what does this expression refer to" for any module of the project."""

    def __init__(self, project: Project, inference: Inference | None = None) -> None:
        self.project = project
        self.inference = inference
        super().__init__(project.run.profile)
        # Answers about dotted names, for the run (see ``_qualname_value``).
        self._qualnames: dict[tuple[str, str], tuple[object, int]] = {}
        # Answers about project defs and classes (results, members, library bases), for
        # the run: keyed by ``Definition`` (a position), they need no module once known.
        self._definitions: dict[tuple[str, object], tuple[object, int]] = {}
        self._state_answers: dict[tuple[str, object], tuple[object, int]] = {}  # State attributes

    def value(self, module: ModuleInfo, expr: ast.AST | None) -> Value | None:
        if expr is None:
            return None
        return self._cached("value", module, expr, self._value)

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
            bound = module.visible_bindings(expr.id, module.scope_of(expr))
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

    def _declared_instance(self, declared: str) -> Value:
        """An instance of an annotated type; a project class keeps its definition so that
        its methods can be followed (``svc: Service`` then ``svc.run()``)."""
        found = self.lookup(declared)
        if found is not None and isinstance(found[1].node, ast.ClassDef):
            return Value(declared, True, Definition(found[0], found[1].node, self.project))
        return Value(declared, True)

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
        if bound_by_comprehension(module, name):
            return None
        found = module.visible_bindings(name.id, module.scope_of(name))
        if found is None and module.star_imports:
            return self._star_name_value(module, name.id)
        if found is None:
            return Value(f"builtins.{name.id}", False) if name.id in BUILTIN_NAMES else None
        scope, bindings = found
        chained = [b for b in bindings if method_of_itself(b, name.id) is not None]
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
            if RETURNS.get(f"{base.name}.{method_of_itself(binding, name)}") != base.name:
                return None
        return base

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
            node = binding.node
            assert node is not None  # a def binding holds its def
            definition = Definition(module, node, self.project)
            return Value(canonical(qualname_of_def(module, node)), False, definition)
        if binding.kind == "assign":
            return self._assigned(module, binding.annotation, binding.value)
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
        if not isinstance(owner, ast.ClassDef) or is_staticmethod(function):
            return None
        definition = Definition(module, owner, self.project)
        as_class = is_classmethod(function) or binding.node.arg == "cls"
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
                          compute: Callable[..., R]) -> R | None:
        """``compute(*question)`` where ``question[0]`` is a ``Definition``: kept for the
        run (the same rules as ``_qualname_value``), so asking again does not parse a
        released module again."""
        return self._cached(kind, None, question, lambda _module, key: compute(*key),
                            self._definitions)

    def _qualname_value(self, qualname: str) -> Value | None:
        """A dotted name: a project definition or variable, else a library name. Kept for
        the run: the answer holds no module (``Definition`` finds its def again)."""
        return self._cached("qualname", None, qualname,
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

    def _function_result(self, definition: Definition, injected: bool) -> Value | None:
        node = definition.node
        module = definition.module
        if isinstance(node, ast.ClassDef):
            return Value(canonical(qualname_of_def(module, node)), True, definition)
        assert isinstance(node, FUNCTION_TYPES)
        declared = self._declared_result(module, node, injected)
        if declared is not None:
            return self._declared_instance(declared)
        returned = list(returned_values(node, yielded=injected and yields(node)))
        if not returned or (yields(node) and not injected):
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
        assignments = self_assignments(module, classdef, attr).get(attr)
        if not assignments:
            return None
        return self._agree(iter([self._assigned(
            module, node.annotation if isinstance(node, ast.AnnAssign) else None, node.value)
            for node in assignments]))

    def _assigned(self, module: ModuleInfo, annotation: ast.expr | None,
                  value: ast.expr | None) -> Value | None:
        """What an assignment binds: an instance of the declared class, else its value
        (``None`` kept apart: ``_agree`` skips it)."""
        declared = self.annotation_type(module, annotation)
        if declared is not None:
            return self._declared_instance(declared)
        if isinstance(value, ast.Constant) and value.value is None:
            return Value("builtins.NoneType", True)
        return self.value(module, value)


def _all_defs(bindings: list[Binding]) -> bool:
    return all(b.kind == "def" for b in bindings)
