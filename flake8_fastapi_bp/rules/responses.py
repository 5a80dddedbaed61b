"""Requests and responses: work FastAPI and Pydantic already do, written by hand.

Codes: FBP301 manual-response-model, FBP302 manual-validation,
FBP304 direct-basemodel-subclass (FBP303, lookups, is in ``lookups.py``).
"""

from __future__ import annotations

import ast
from typing import Iterator

from ..apis.types import canonical
from ..context import FileContext, Report, display_name, is_enum_class
from ..http_errors import raised_status
from ..request_models import PydanticGuarantees, unannotated
from ..resolve.module import FunctionNode, ModuleInfo
from ..resolve.values import qualname_of_def
from ..resolve.walking import own_nodes
from ..resolve.requirements import declared_minimum
from ..syntax import keyword_value

CODES = ("FBP301", "FBP302", "FBP304")
PYDANTIC_BASE = "pydantic.BaseModel"
UPLOAD_FILE = "starlette.datastructures.UploadFile"
# Class methods that validate their input into a model instance.
VALIDATING_CONSTRUCTORS = frozenset({"model_validate", "model_validate_json", "parse_obj",
                                     "parse_raw", "from_orm"})
LIST_TYPES = frozenset({"builtins.list", "typing.List", "typing.Sequence",
                        "collections.abc.Sequence"})
NOT_MODELS = frozenset({"builtins", "typing", "collections"})
# Field types whose values hold many items: validating them twice costs per item.
CONTAINER_TYPES = frozenset({
    f"{module}.{name}" for module, names in (
        ("builtins", ("list", "dict", "set", "frozenset", "tuple")),
        ("typing", ("List", "Dict", "Set", "FrozenSet", "Tuple", "Sequence", "Mapping",
                    "Iterable", "MutableSequence", "MutableMapping", "Collection")),
        ("collections.abc", ("Sequence", "Mapping", "Iterable", "MutableSequence",
                             "MutableMapping", "Collection", "Set")),
    ) for name in names})
MAX_BASE_DEPTH = 8
# From this FastAPI version on, a returned instance of the response model is not
# dumped and validated again (fastapi/fastapi#14575, released in 0.126.0).
FASTAPI_KEEPS_MODEL_INSTANCES = (0, 126)
BAD_REQUEST = frozenset({400, 422})
# Calls a test may make and still read only the request: sizes and pattern matches.
PURE_TEST_CALLS = frozenset({
    "builtins.len", "re.match", "re.fullmatch", "re.search",
    "re.Pattern.match", "re.Pattern.fullmatch", "re.Pattern.search",
})


def check(ctx: FileContext) -> Iterator[Report]:
    yield from manual_response_models(ctx)
    endpoints = [f for f in ctx.module.functions if ctx.fastapi.is_endpoint(f)]
    for endpoint in endpoints:
        yield from manual_validations(ctx, endpoint)
    yield from direct_basemodel_subclasses(ctx)


# ----- FBP301 -------------------------------------------------------------------------
def manual_response_models(ctx: FileContext) -> Iterator[Report]:
    """A route with ``response_model=X`` that returns ``X(...)``/``X.model_validate(...)``
    (``response_model=list[X]``: a list of those). Silent when the project requires a
    FastAPI that takes an instance of the response model as it is."""
    if not _revalidates_returned_models(ctx):
        return
    for function in ctx.module.functions:
        route = ctx.fastapi.route(function)
        if route is None or route.response_model is None:
            continue
        declared = _response_model(ctx, route.response_model)
        if declared is None:
            continue
        model, many = declared
        if _returns_declared_model(ctx, function, route.response_model):
            continue  # typed to return the model: only the FastAPI upgrade fixes it
        for build in _returned_builds(ctx, function, many):
            if _built_model(ctx, build) == model and (many or _holds_collections(ctx, build)):
                yield ctx.report("FBP301", build, call=display_name(build.func),
                                 model=ast.unparse(route.response_model))


def _returns_declared_model(ctx: FileContext, function: FunctionNode,
                            response_model: ast.expr) -> bool:
    """``-> X`` (``-> list[X]``) on the endpoint as well as ``response_model=X``."""
    returns = function.returns
    if returns is None:
        return False
    if ast.dump(returns) == ast.dump(response_model):
        return True
    return _response_model(ctx, returns) == _response_model(ctx, response_model)


def _holds_collections(ctx: FileContext, build: ast.Call) -> bool:
    """Is the built model worth validating twice: a field holds a list, a mapping or a
    nested model (a page of rows), or the class is not the project's (unknown)? A model of
    a few scalar fields costs nothing measurable a second time."""
    func = build.func
    built = func.value if isinstance(func, ast.Attribute) \
        and func.attr in VALIDATING_CONSTRUCTORS else func
    value = ctx.resolver.value(ctx.module, built)
    definition = value.definition if value is not None else None
    if definition is None or not isinstance(definition.node, ast.ClassDef):
        return True
    return _class_holds_collections(ctx, definition.module, definition.node, 0)


def _class_holds_collections(ctx: FileContext, module: ModuleInfo, classdef: ast.ClassDef,
                             depth: int) -> bool:
    if depth > MAX_BASE_DEPTH:
        return True
    for statement in classdef.body:
        if isinstance(statement, ast.AnnAssign) \
                and _names_a_collection(ctx, module, statement.annotation):
            return True
    for base in classdef.bases:
        value = ctx.resolver.value(module, base)
        definition = value.definition if value is not None else None
        if definition is not None and isinstance(definition.node, ast.ClassDef) \
                and _class_holds_collections(ctx, definition.module, definition.node,
                                             depth + 1):
            return True
    return False


def _names_a_collection(ctx: FileContext, module: ModuleInfo, annotation: ast.expr) -> bool:
    """A container type or a project class (a nested model) anywhere in the annotation;
    a string annotation is not read (unknown: counts)."""
    for node in ast.walk(annotation):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return True
        if not isinstance(node, (ast.Name, ast.Attribute)):
            continue
        if ctx.resolver.qualname(module, node) in CONTAINER_TYPES:
            return True
        value = ctx.resolver.value(module, node)
        if value is not None and value.definition is not None \
                and isinstance(value.definition.node, ast.ClassDef) \
                and not is_enum_class(ctx.resolver, module, node):
            return True
    return False


def _revalidates_returned_models(ctx: FileContext) -> bool:
    """Before 0.126 FastAPI dumps a returned Pydantic model to a dict and validates the
    dict again; from 0.126 an instance of the response model passes as it is. Unknown
    (no lower bound declared) counts as before."""
    start = ctx.module.path.parent if ctx.module.path is not None else ctx.project.scan_root
    declared = declared_minimum(start, "fastapi", stop=ctx.project.scan_root,
                                read=ctx.run.requirements)
    return declared is None or declared < FASTAPI_KEEPS_MODEL_INSTANCES


def _response_model(ctx: FileContext, expr: ast.expr) -> tuple[str, bool] | None:
    """(model, is a list of it) for ``X`` or ``list[X]``; builtins (``dict``, ``str``)
    are not models: building them validates nothing."""
    many = isinstance(expr, ast.Subscript) and ctx.qualname(expr.value) in LIST_TYPES
    model = ctx.qualname(expr.slice if many else expr)  # type: ignore[attr-defined]
    if model is None or model.partition(".")[0] in NOT_MODELS:
        return None
    return model, many


def _returned_builds(ctx: FileContext, function: FunctionNode,
                     many: bool) -> Iterator[ast.Call]:
    for node in own_nodes(function):
        if not isinstance(node, ast.Return) or node.value is None:
            continue
        value = _local_value(ctx, function, node.value)
        if many and isinstance(value, (ast.ListComp, ast.List)):
            items = [value.elt] if isinstance(value, ast.ListComp) else value.elts
            yield from (item for item in items if isinstance(item, ast.Call))
        elif not many and isinstance(value, ast.Call):
            yield value


def _local_value(ctx: FileContext, function: FunctionNode, expr: ast.expr) -> ast.expr:
    """``out = X(...); return out``: the one value assigned to a returned local name."""
    if not isinstance(expr, ast.Name):
        return expr
    bindings = ctx.module.scopes[function].bindings.get(expr.id, [])
    if len(bindings) == 1 and bindings[0].kind == "assign" and bindings[0].value is not None:
        return bindings[0].value
    return expr


def _built_model(ctx: FileContext, call: ast.Call) -> str | None:
    """``X(...)`` / ``X.model_validate(...)``: X; None for anything else."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in VALIDATING_CONSTRUCTORS:
        return ctx.qualname(func.value)
    if isinstance(func, (ast.Name, ast.Attribute)):
        return ctx.qualname(func)
    return None


# ----- FBP302 -------------------------------------------------------------------------
def manual_validations(ctx: FileContext, endpoint: FunctionNode) -> Iterator[Report]:
    """``if <test of one request parameter only>: raise HTTPException(400/422)``."""
    parameters: set[ast.arg] | None = None
    for node in own_nodes(endpoint):
        if not isinstance(node, ast.If) or raised_status(ctx, node.body) not in BAD_REQUEST:
            continue
        if _singles_out_a_value(node.test):
            continue
        if parameters is None:
            parameters = _validatable_parameters(ctx, endpoint)
        current = parameters - _rewritten_parameters(ctx, endpoint, node)
        test = ParameterTest(ctx, endpoint, current)
        if not test.reads_only_parameters(node.test):
            continue
        enclosing = _parameters_of_enclosing_tests(ctx, node, endpoint, current)
        if enclosing is None or len(test.read | enclosing) != 1:
            continue
        if _never_true(PydanticGuarantees(ctx, endpoint), node.test):
            continue  # dead code: pydantic already refused the request
        yield ctx.report("FBP302", node, function=endpoint.name,
                         **_advice(ctx, endpoint, node))


def _advice(ctx: FileContext, endpoint: FunctionNode, check: ast.If) -> dict[str, str]:
    """The message form: ``fields`` when the check reads several fields (a
    ``model_validator`` says it), ``shared`` when it reads a field of a model the module
    uses elsewhere too (a constraint on the model would apply there), else
    ``parameter`` (``Query(ge=...)``, ``Field``)."""
    parameters = {arg.arg for arg in _all_args(endpoint)}
    tests = [check.test, *_enclosing_conditions(ctx, check, endpoint)]
    fields = {(root, attribute) for test in tests for root, attribute in _fields_read(test)
              if root in parameters}
    if len(fields) >= 2:
        return {"form": "fields", "fields": ", ".join(
            f"{root}.{attribute}" for root, attribute in sorted(fields))}
    for root, _ in fields:
        model = _parameter_model(ctx, endpoint, root)
        if model is not None and _uses_in_module(ctx, model) >= 2:
            return {"form": "shared", "model": model.rpartition(".")[2]}
    return {"form": "parameter"}


def _enclosing_conditions(ctx: FileContext, check: ast.If,
                          endpoint: FunctionNode) -> list[ast.expr]:
    """The ``if``/``while`` tests and ``match`` subjects the check is nested in."""
    found = []
    child: ast.AST = check
    for ancestor in ctx.module.ancestors(check):
        if ancestor is endpoint:
            break
        if isinstance(ancestor, (ast.If, ast.While)) and child is not ancestor.test:
            found.append(ancestor.test)
        elif isinstance(ancestor, ast.Match):
            found.append(ancestor.subject)
        child = ancestor
    return found


def _fields_read(test: ast.expr) -> Iterator[tuple[str, str]]:
    """``item.start > item.end`` -> ("item", "start"), ("item", "end")."""
    for node in ast.walk(test):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            yield node.value.id, node.attr


def _parameter_model(ctx: FileContext, endpoint: FunctionNode, name: str) -> str | None:
    """The project class a parameter is declared as (through ``Annotated``), by name."""
    arg = next((a for a in _all_args(endpoint) if a.arg == name), None)
    if arg is None or arg.annotation is None:
        return None
    value = ctx.resolver.value(ctx.module, unannotated(ctx, ctx.module, arg.annotation))
    if value is None or value.instance or value.definition is None \
            or not value.definition.is_class:
        return None
    return value.name


def _uses_in_module(ctx: FileContext, model: str) -> int:
    """How many annotations and ``response_model=`` arguments of the module name ``model``."""
    places: list[ast.expr] = []
    for function in ctx.module.functions:
        places += [a.annotation for a in _all_args(function) if a.annotation is not None]
        places += [function.returns] if function.returns is not None else []
    places += [value for call in ctx.module.calls
               if (value := keyword_value(call, "response_model")) is not None]
    return sum(1 for place in places for node in ast.walk(place)
               if isinstance(node, (ast.Name, ast.Attribute)) and ctx.qualname(node) == model)


def _all_args(function: FunctionNode) -> list[ast.arg]:
    args = function.args
    return args.posonlyargs + args.args + args.kwonlyargs


def _never_true(guarantees: PydanticGuarantees, test: ast.expr) -> bool:
    """``item is None`` where ``item: Item`` is required, ``not key`` where ``key`` is
    declared with ``min_length=1``: the request was refused before the endpoint ran, so
    the check is dead code, not validation."""
    if isinstance(test, ast.BoolOp):
        found = [_never_true(guarantees, value) for value in test.values]
        return all(found) if isinstance(test.op, ast.Or) else any(found)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return guarantees.never_empty(test.operand)
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.ops[0], (ast.Is, ast.Eq))):
        return False
    left, right = test.left, test.comparators[0]
    checked = left if _is_none(right) else right if _is_none(left) else None
    return checked is not None and guarantees.never_none(checked)


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _singles_out_a_value(test: ast.expr) -> bool:
    """``if pool_name == "default_pool"``: one well-formed value treated apart (reserved,
    default, a wildcard not supported here) is a business rule, not a malformed request."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_singles_out_a_value(value) for value in test.values)
    return isinstance(test, ast.Compare) and len(test.ops) == 1 \
        and isinstance(test.ops[0], ast.Eq) \
        and any(isinstance(o, ast.Constant) and isinstance(o.value, str) and o.value.strip()
                for o in (test.left, *test.comparators))


def _parameters_of_enclosing_tests(ctx: FileContext, node: ast.If, endpoint: FunctionNode,
                                   parameters: set[ast.arg]) -> set[str] | None:
    """Request parameters read by the ``if``/``while`` tests and ``match`` subjects the
    check is nested in (``if run_id != "~": if dag_id == ...`` ties two parameters);
    None when one of them reads anything else: a check made only when a row exists or
    for some users is a rule of the application, not a constraint on the input."""
    found: set[str] = set()
    child: ast.AST = node
    for ancestor in ctx.module.ancestors(node):
        if ancestor is endpoint:
            break
        condition = ancestor.test if isinstance(ancestor, (ast.If, ast.While)) \
            and child is not ancestor.test else \
            ancestor.subject if isinstance(ancestor, ast.Match) else None
        if condition is not None:
            test = ParameterTest(ctx, endpoint, parameters)
            if not test.reads_only_parameters(condition):
                return None
            found |= test.read
        child = ancestor
    return found


def _rewritten_parameters(ctx: FileContext, endpoint: FunctionNode,
                          check: ast.If) -> set[ast.arg]:
    """Parameters with an attribute or item set before the check from something else
    than the parameter itself (``data.members = <rows from the database>``): the check
    then reads what the endpoint wrote, not only what the client sent. A normalisation
    of the client's own value (``form.id = form.id.lower()``) keeps it request data."""
    names: set[str] = set()
    for node in own_nodes(endpoint):
        if isinstance(node, (ast.Attribute, ast.Subscript)) \
                and isinstance(node.ctx, (ast.Store, ast.Del)) and node.lineno < check.lineno:
            root = _root_name(node)
            if root is not None and not _derived_from(ctx, node, root):
                names.add(root)
    return {arg for arg in endpoint.args.args + endpoint.args.kwonlyargs
            + endpoint.args.posonlyargs if arg.arg in names}


def _derived_from(ctx: FileContext, target: ast.expr, root: str) -> bool:
    """Is the value assigned to ``target`` computed from ``root`` alone (and literals)?"""
    statement = next((a for a in ctx.module.ancestors(target) if isinstance(a, ast.stmt)), None)
    value = statement.value if isinstance(statement, (ast.Assign, ast.AugAssign,
                                                      ast.AnnAssign)) else None
    return value is not None and all(n.id == root for n in ast.walk(value)
                                     if isinstance(n, ast.Name))


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _validatable_parameters(ctx: FileContext, endpoint: FunctionNode) -> set[ast.arg]:
    """Request parameters a constraint can be declared on (an upload's content type or
    file name cannot: uploads are left out)."""
    return {arg for arg in ctx.fastapi.request_parameters(endpoint)
            if not _mentions(ctx, arg.annotation, UPLOAD_FILE)}


def _mentions(ctx: FileContext, annotation: ast.expr | None, qualname: str) -> bool:
    if annotation is None:
        return False
    return any(isinstance(n, (ast.Name, ast.Attribute)) and ctx.qualname(n) == qualname
               for n in ast.walk(annotation))


class ParameterTest:
    """Does a test read nothing but the endpoint's request parameters (their attributes,
    items, ``len``, comparisons, ``re`` matches, literals and module-level constants)?
    ``read``: the parameters it reads. A test that ties two parameters together
    (``body.id != item_id``, path against body) is not a constraint on one of them."""

    def __init__(self, ctx: FileContext, endpoint: FunctionNode,
                 parameters: set[ast.arg]) -> None:
        self.ctx = ctx
        self.endpoint = endpoint
        self.parameters = parameters
        self.read: set[str] = set()

    def reads_only_parameters(self, test: ast.expr) -> bool:
        return self.pure(test) and bool(self.read)

    def pure(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.Name):
            return self.parameter(node) or self.module_constant(node)
        if isinstance(node, ast.Attribute):
            return self.pure(node.value) or self.library_constant(node)
        if isinstance(node, ast.Subscript):
            return self.pure(node.value) and self.pure(node.slice)
        if isinstance(node, ast.Call):
            return self.pure_call(node)
        if isinstance(node, ast.Compare) and self.identity_check(node):
            return False
        children = {
            ast.BoolOp: lambda n: n.values, ast.UnaryOp: lambda n: [n.operand],
            ast.BinOp: lambda n: [n.left, n.right],
            ast.Compare: lambda n: [n.left, *n.comparators],
            ast.Tuple: lambda n: n.elts, ast.List: lambda n: n.elts, ast.Set: lambda n: n.elts,
        }.get(type(node))
        return children is not None and all(self.pure(child) for child in children(node))

    def identity_check(self, compare: ast.Compare) -> bool:
        """``x_token != SECRET_TOKEN``, ``calendar_id == SYSTEM_CALENDAR``: equality with
        one named constant is an access or business rule, not a constraint on input."""
        if not any(isinstance(op, (ast.Eq, ast.NotEq)) for op in compare.ops):
            return False
        operands = [compare.left, *compare.comparators]
        return any(isinstance(o, ast.Name) and not self.is_parameter(o)
                   and self.module_constant(o) for o in operands)

    def pure_call(self, call: ast.Call) -> bool:
        if self.ctx.callee(call) not in PURE_TEST_CALLS:
            return False
        arguments = [*call.args, *(k.value for k in call.keywords)]
        return all(self.pure(argument) for argument in arguments)

    def parameter(self, name: ast.Name) -> bool:
        if self.is_parameter(name):
            self.read.add(name.id)
            return True
        return False

    def is_parameter(self, name: ast.Name) -> bool:
        """A request parameter of the endpoint, never reassigned in it."""
        scope = self.ctx.module.scope_of(name)
        if scope.node is not self.endpoint:
            return False
        bindings = scope.bindings.get(name.id, [])
        return bool(bindings) and all(b.kind == "param" and b.node in self.parameters
                                      for b in bindings)

    def module_constant(self, name: ast.Name) -> bool:
        """A module-level name bound only to literals (``MAX_ITEMS = 100``)."""
        module = self.ctx.module
        scope = module.scope_of(name)
        if scope is not module.module_scope and name.id in scope.bindings:
            return False
        bindings = module.top_level(name.id)
        return bool(bindings) and all(b.kind == "assign" and _is_literal(b.value)
                                      for b in bindings)

    def library_constant(self, node: ast.Attribute) -> bool:
        """``re.IGNORECASE`` as a match flag."""
        name = self.ctx.qualname(node)
        return name is not None and name.startswith("re.") and name[3:].isupper()


def _is_literal(node: ast.expr | None) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_is_literal(e) for e in node.elts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return _is_literal(node.operand)
    return False


# ----- FBP304 -------------------------------------------------------------------------
def direct_basemodel_subclasses(ctx: FileContext) -> Iterator[Report]:
    """With ``--fbp-base-model``: a class inheriting ``pydantic.BaseModel`` directly."""
    configured = ctx.settings.base_models
    if not configured:
        return
    bases_text = ", ".join(f"`{name}`" for name in sorted(configured))
    for classdef in ctx.module.classes:
        if not any(ctx.qualname(base) == PYDANTIC_BASE for base in classdef.bases):
            continue
        if _is_configured_base(ctx, classdef, configured):
            continue
        yield ctx.report("FBP304", classdef, cls=classdef.name, bases=bases_text)


def _is_configured_base(ctx: FileContext, classdef: ast.ClassDef,
                        configured: frozenset[str]) -> bool:
    """The class is one of the configured bases (by its own name, or a configured name
    re-exported from another module resolves to it)."""
    if canonical(qualname_of_def(ctx.module, classdef)) in configured:
        return True
    for name in configured:
        found = ctx.resolver.lookup(name)
        if found is not None and found[1].node is classdef:
            return True
    return False
