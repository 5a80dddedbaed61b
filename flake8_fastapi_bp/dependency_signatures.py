"""What FastAPI reads from the request for an endpoint or a dependency: each parameter is
injected (``Depends``/``Security``), a framework object (``Request`` ...), request data
declared with a marker (``Query``/``Path`` ...), or plain request data; and the path
parameter names a callable and its dependencies consume (recursively, across modules).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterator

from .apis.parameters import LIBRARY_DEPENDENCIES, PATH_READERS, REQUEST_MARKERS, SCALAR_TYPES
from .context import is_enum_class
from .fastapi_model import FRAMEWORK_PARAMETERS, dependency_provider
from .resolve.module import FUNCTION_TYPES, FunctionNode, ModuleInfo
from .apis.types import ANNOTATED, DEPENDS, OPTIONAL, UNION
from .resolve.names import Resolver
from .resolve.values import Definition, Value

MAX_DEPENDENCY_DEPTH = 12
# How many project helpers deep a ``Request`` passed on is followed.
MAX_HELPER_DEPTH = 4


@dataclass(frozen=True)
class Parameter:
    """One parameter as FastAPI sees it. ``kind``: ``injected`` (``provider`` is what it
    depends on, None if unknown), ``framework`` (``Request``, ``Response`` ...),
    ``marked`` (``Query``/``Path``/... in its default or ``Annotated``), ``plain``,
    ``variadic`` (``*args``) or ``keywords`` (``**kwargs``)."""
    arg: ast.arg
    kind: str
    default: ast.expr | None = None
    provider: Value | None = None
    # Names it reads from the request: its own, or the literal ``alias=`` of its marker;
    # None when the alias is not a literal.
    names: tuple[str, ...] | None = ()
    framework_type: str | None = None


@dataclass(frozen=True)
class Signature:
    """The def FastAPI inspects for a callable (a function, a class's ``__init__``, an
    instance's ``__call__``), the module it is written in, and its parameters."""
    module: ModuleInfo
    function: FunctionNode
    parameters: tuple[Parameter, ...]


def callable_signature(resolver: Resolver, value: Value | None) -> Signature | None:
    """The signature FastAPI reads when it calls ``value``: a project function (methods
    without ``self``/``cls``), a class (its own ``__init__``) or an instance (its class's
    ``__call__``). None when the callable is not a project def or has no such method."""
    if value is None or value.definition is None:
        return None
    definition = value.definition
    node = definition.node
    if isinstance(node, ast.ClassDef):
        method = _own_method(node, "__call__" if value.instance else "__init__")
        return _signature(resolver, definition.module, method) if method else None
    if isinstance(node, FUNCTION_TYPES) and not value.instance:
        return _signature(resolver, definition.module, node)
    return None


def signature_of(resolver: Resolver, module: ModuleInfo, function: FunctionNode) -> Signature:
    return _signature(resolver, module, function)


def _signature(resolver: Resolver, module: ModuleInfo, function: FunctionNode) -> Signature:
    args = function.args
    positional = args.posonlyargs + args.args
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    pairs = list(zip(positional, defaults + list(args.defaults)))
    if pairs and _bound_method(module, function):
        pairs = pairs[1:]
    pairs += list(zip(args.kwonlyargs, args.kw_defaults))
    found = [_parameter(resolver, module, arg, default) for arg, default in pairs]
    if args.vararg is not None:
        found.append(Parameter(args.vararg, "variadic", names=(args.vararg.arg,)))
    if args.kwarg is not None:
        found.append(Parameter(args.kwarg, "keywords", names=None))
    return Signature(module, function, tuple(found))


def _bound_method(module: ModuleInfo, function: FunctionNode) -> bool:
    """A method whose first parameter is bound (``self``, ``cls``): not a staticmethod."""
    if not isinstance(module.parents.get(function), ast.ClassDef):
        return False
    return not any(isinstance(d, ast.Name) and d.id == "staticmethod"
                   for d in function.decorator_list)


def _own_method(classdef: ast.ClassDef, name: str) -> FunctionNode | None:
    for item in classdef.body:
        if isinstance(item, FUNCTION_TYPES) and item.name == name:
            return item
    return None


def _parameter(resolver: Resolver, module: ModuleInfo, arg: ast.arg,
               default: ast.expr | None) -> Parameter:
    markers = [(module, default)] if isinstance(default, ast.Call) else []
    # The last FastAPI marker of ``Annotated[...]`` counts (FastAPI's own rule); a name
    # stands for the marker it is bound to (``Identifier = Annotated[int, item_path]``).
    for owner, meta in reversed(resolver.annotated_metadata(module, arg.annotation)):
        if isinstance(meta, (ast.Name, ast.Attribute)):
            bound = resolver.bound_expression(owner, meta)
            if bound is None:
                return Parameter(arg, "plain", default, names=None)  # unknown metadata
            owner, meta = bound
        if isinstance(meta, ast.Call):
            markers.append((owner, meta))
    for owner, call in markers:
        callee = resolver.callee(owner, call)
        if callee in DEPENDS:
            return Parameter(arg, "injected", default,
                             provider=dependency_provider(owner, resolver, call))
        if _is_request_marker(callee):
            return Parameter(arg, "marked", default, names=_marker_names(arg, call))
    declared = resolver.annotation_type(module, arg.annotation)
    if declared in FRAMEWORK_PARAMETERS:
        return Parameter(arg, "framework", default, framework_type=declared)
    return Parameter(arg, "plain", default, names=(arg.arg,))


def _is_request_marker(callee: str | None) -> bool:
    if callee is None or not callee.startswith("fastapi."):
        return False
    return callee.rpartition(".")[2] in REQUEST_MARKERS


def _marker_names(arg: ast.arg, call: ast.Call) -> tuple[str, ...] | None:
    """``Path(alias="item-id")``: the name read from the request (the parameter's own
    name is kept too); None when an alias is not a literal string."""
    names = [arg.arg]
    for keyword in call.keywords:
        if keyword.arg in ("alias", "validation_alias"):
            if not (isinstance(keyword.value, ast.Constant)
                    and isinstance(keyword.value.value, str)):
                return None
            names.append(keyword.value.value)
    return tuple(names)


# ----- path parameters consumed -------------------------------------------------------------
def consumed_names(resolver: Resolver, signature: Signature,
                   seen: set[Definition] | None = None, depth: int = 0) -> set[str] | None:
    """The request names a callable and its dependencies read (recursively, across
    modules): a ``{name}`` of the path is consumed when it is one of them. None when that
    cannot be known: an unresolved dependency, ``**kwargs``, a non-literal alias, or a
    ``Request``/``HTTPConnection``/``WebSocket`` parameter (it may read ``path_params``)."""
    if depth > MAX_DEPENDENCY_DEPTH:
        return None
    seen = set() if seen is None else seen
    found: set[str] = set()
    for parameter in signature.parameters:
        if parameter.framework_type in PATH_READERS \
                and may_read_path_params(resolver, signature.module, signature.function,
                                         parameter.arg.arg):
            return None
        names = _parameter_names(resolver, parameter, seen, depth)
        if names is None:
            return None
        found |= names
    return found


def may_read_path_params(resolver: Resolver, module: ModuleInfo, function: FunctionNode,
                         name: str, depth: int = 0) -> bool:
    """Can the function read path parameters through its ``name`` parameter (a
    ``Request``/``WebSocket``)? Not when every use is an attribute other than
    ``path_params``/``scope`` (``websocket.accept()``, ``request.headers``) or an argument
    of a project function that uses it the same way (followed a few calls deep); any
    other use (a library call, subscripted, stored) may."""
    if depth > MAX_HELPER_DEPTH:
        return True
    for node in ast.walk(function):
        if not (isinstance(node, ast.Name) and node.id == name
                and not isinstance(node.ctx, ast.Store)):
            continue
        parent = module.parents.get(node)
        if isinstance(parent, ast.keyword):
            parent = module.parents.get(parent)
        if isinstance(parent, ast.Attribute):
            if parent.attr in ("path_params", "scope"):
                return True
        elif not (isinstance(parent, ast.Call) and parent.func is not node
                  and _helper_leaves_path_params(resolver, module, parent, node, depth)):
            return True
    return False


def _helper_leaves_path_params(resolver: Resolver, module: ModuleInfo, call: ast.Call,
                               argument: ast.Name, depth: int) -> bool:
    """``helper(db, request)``: a project function that reads no path parameter through
    the parameter the request is passed to."""
    definition = resolver.definition(module, call)
    if definition is None or not isinstance(definition.node, FUNCTION_TYPES):
        return False
    helper = definition.node
    positional = helper.args.posonlyargs + helper.args.args
    if positional and isinstance(call.func, ast.Attribute) \
            and _bound_method(definition.module, helper):
        positional = positional[1:]
    target = next((k.arg for k in call.keywords if k.value is argument), None)
    if target is None and argument in call.args:
        index = call.args.index(argument)
        if any(isinstance(a, ast.Starred) for a in call.args[:index + 1]) \
                or index >= len(positional):
            return False
        target = positional[index].arg
    if target is None:
        return False
    return not may_read_path_params(resolver, definition.module, helper, target, depth + 1)


def _parameter_names(resolver: Resolver, parameter: Parameter, seen: set[Definition],
                     depth: int) -> set[str] | None:
    if parameter.kind == "framework":
        return set()
    if parameter.kind == "injected":
        return provider_names(resolver, parameter.provider, seen, depth + 1)
    return None if parameter.names is None else set(parameter.names)


def provider_names(resolver: Resolver, provider: Value | None, seen: set[Definition],
                   depth: int = 0) -> set[str] | None:
    """What ``Depends(provider)`` reads from the request (see ``consumed_names``)."""
    if provider is None:
        return None
    if provider.definition is None:
        library = _library_dependency(provider.name)
        return set(library) if library is not None else None
    if provider.definition in seen:
        return set()
    seen.add(provider.definition)
    signature = callable_signature(resolver, provider)
    return consumed_names(resolver, signature, seen, depth) if signature else None


def _library_dependency(name: str) -> tuple[str, ...] | None:
    if not name.startswith("fastapi.security."):
        return None
    return LIBRARY_DEPENDENCIES.get(f"fastapi.security.{name.rpartition('.')[2]}")


def listed_dependency_names(resolver: Resolver, module: ModuleInfo,
                            listed: ast.expr | None) -> set[str] | None:
    """What the dependencies of ``dependencies=[Depends(a), ...]`` read; None when the
    list is not a literal one of resolved dependencies."""
    if listed is None:
        return set()
    if not isinstance(listed, (ast.List, ast.Tuple)):
        return None
    found: set[str] = set()
    for item in listed.elts:
        if not isinstance(item, ast.Call):
            return None
        names = provider_names(resolver, dependency_provider(module, resolver, item), set())
        if names is None:
            return None
        found |= names
    return found


# ----- plain query parameters -----------------------------------------------------------
def plain_query_parameters(resolver: Resolver, signature: Signature) -> Iterator[Parameter]:
    """The parameters FastAPI reads as one plain query value: no marker, not injected, not
    a framework object, a scalar annotation (or none), and a default that is no call of
    another injection library (``Provide[...]``, ``Inject()``)."""
    for parameter in signature.parameters:
        if parameter.kind != "plain":
            continue
        if isinstance(parameter.default, (ast.Call, ast.Subscript)):
            continue
        if is_scalar(resolver, signature.module, parameter.arg.annotation):
            yield parameter


def is_scalar(resolver: Resolver, module: ModuleInfo, annotation: ast.expr | None,
              depth: int = 0) -> bool:
    """No annotation, or one FastAPI reads as a single query value: ``str``, ``int`` ...,
    an Enum, a ``Literal``, ``Optional``/unions of those (through ``Annotated``)."""
    if annotation is None:
        return True
    if depth > 8:
        return False
    if isinstance(annotation, ast.Constant):
        return annotation.value is None
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return is_scalar(resolver, module, annotation.left, depth + 1) \
            and is_scalar(resolver, module, annotation.right, depth + 1)
    head = annotation.value if isinstance(annotation, ast.Subscript) else annotation
    name = resolver.qualname(module, head)
    if isinstance(annotation, ast.Subscript):
        members = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) \
            else [annotation.slice]
        if name in ANNOTATED:
            return is_scalar(resolver, module, members[0], depth + 1)
        if name in OPTIONAL | UNION:
            return all(is_scalar(resolver, module, m, depth + 1) for m in members)
        return name in ("typing.Literal", "typing_extensions.Literal")
    if name in SCALAR_TYPES:
        return True
    return is_enum_class(resolver, module, head)
