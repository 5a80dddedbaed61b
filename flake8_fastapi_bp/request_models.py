"""What FastAPI and pydantic guarantee about a request value before the endpoint runs:
a required parameter or field whose annotation does not admit None is never None; one
declared with ``min_length >= 1`` is never empty."""

from __future__ import annotations

import ast

from .context import FileContext
from .resolve.module import FunctionNode, ModuleInfo
from .apis.types import ANNOTATED, OPTIONAL, UNION

# Where a parameter or field is declared: its module, annotation and default.
Declaration = tuple[ModuleInfo, ast.expr, "ast.expr | None"]


class PydanticGuarantees:
    """What pydantic guarantees when the endpoint runs: not None for a required parameter
    whose annotation does not admit None and for its required non-Optional fields
    (declared in a project class, or its project bases), field after field; not empty
    where ``min_length`` is declared too."""

    def __init__(self, ctx: FileContext, endpoint: FunctionNode) -> None:
        self.ctx = ctx
        self.endpoint = endpoint

    def never_none(self, expr: ast.expr) -> bool:
        return self.declared(expr) is not None

    def never_empty(self, expr: ast.expr) -> bool:
        """Not None, and declared with ``min_length``/``min_items`` of 1 or more (in the
        default, ``Path(min_length=1)``, or the ``Annotated`` metadata)."""
        found = self.declared(expr)
        if found is None:
            return False
        module, annotation, default = found
        declarations = [default] + [meta for _, meta in
                                    self.ctx.resolver.annotated_metadata(module, annotation)]
        return any(isinstance(call, ast.Call) and _at_least_one(call) for call in declarations)

    def declared(self, expr: ast.expr, depth: int = 0) -> Declaration | None:
        """The declaration (module, annotation, default) that guarantees ``expr`` is not
        None."""
        if depth > 5:
            return None
        if isinstance(expr, ast.Name):
            return self.required_parameter(expr)
        if not isinstance(expr, ast.Attribute):
            return None
        owner = self.declared(expr.value, depth + 1)
        if owner is None:
            return None
        module, annotation, _ = owner
        value = self.ctx.resolver.value(module, unannotated(self.ctx, module, annotation))
        if value is None or value.instance or value.definition is None \
                or not value.definition.is_class:
            return None
        return self.required_field(value.definition.module, value.definition.node,
                                   expr.attr, 0)

    def required_parameter(self, name: ast.Name) -> Declaration | None:
        module = self.ctx.module
        scope = module.scope_of(name)
        bindings = scope.bindings.get(name.id, []) if scope.node is self.endpoint else []
        if len(bindings) != 1 or bindings[0].kind != "param":
            return None
        arg = bindings[0].node
        if not isinstance(arg, ast.arg) or arg.annotation is None \
                or not _required(bindings[0].value):
            return None
        if not _excludes_none(self.ctx, module, arg.annotation):
            return None
        return module, arg.annotation, bindings[0].value

    def required_field(self, module: ModuleInfo, classdef: ast.AST, field: str,
                       depth: int) -> Declaration | None:
        if not isinstance(classdef, ast.ClassDef) or depth > 5:
            return None
        for statement in classdef.body:
            if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) \
                    and statement.target.id == field:
                if _required(statement.value) \
                        and _excludes_none(self.ctx, module, statement.annotation):
                    return module, statement.annotation, statement.value
                return None
        for base in classdef.bases:  # a field declared in a project base class
            value = self.ctx.resolver.value(module, base)
            if value is not None and value.definition is not None and value.definition.is_class:
                found = self.required_field(value.definition.module, value.definition.node,
                                            field, depth + 1)
                if found is not None:
                    return found
        return None


def _at_least_one(call: ast.Call) -> bool:
    return any(k.arg in ("min_length", "min_items") and isinstance(k.value, ast.Constant)
               and type(k.value.value) is int and k.value.value >= 1 for k in call.keywords)


def _required(default: ast.expr | None) -> bool:
    """No default, or ``Query(...)``/``Field(min_length=1)``: one with no default given."""
    if default is None:
        return True
    if not isinstance(default, ast.Call):
        return False
    if any(k.arg in ("default", "default_factory") for k in default.keywords):
        return False
    return not default.args or (isinstance(default.args[0], ast.Constant)
                                and default.args[0].value is Ellipsis)


def unannotated(ctx: FileContext, module: ModuleInfo, annotation: ast.expr) -> ast.expr:
    """``Annotated[Item, Body()]`` -> ``Item``."""
    if isinstance(annotation, ast.Subscript) and isinstance(annotation.slice, ast.Tuple) \
            and annotation.slice.elts \
            and ctx.resolver.qualname(module, annotation.value) in ANNOTATED:
        return annotation.slice.elts[0]
    return annotation


def _excludes_none(ctx: FileContext, module: ModuleInfo, annotation: ast.expr,
                   depth: int = 0) -> bool:
    """Does the annotation name classes only (not None, ``Optional``, ``Union``, ``Any``,
    a string)? A module-level alias (``services = Literal["a", "b"] | str``) is read
    where it is bound."""
    annotation = unannotated(ctx, module, annotation)
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return depth < 8 and _excludes_none(ctx, module, annotation.left, depth + 1) \
            and _excludes_none(ctx, module, annotation.right, depth + 1)
    head = annotation.value if isinstance(annotation, ast.Subscript) else annotation
    if not isinstance(head, (ast.Name, ast.Attribute)):
        return False
    alias = ctx.resolver.bound_expression(module, head)
    if alias is not None and alias[1] is not head and depth < 8:
        return _excludes_none(ctx, alias[0], alias[1], depth + 1)
    value = ctx.resolver.value(module, head)
    if value is None or value.instance or value.name in OPTIONAL | UNION \
            or value.name in ("typing.Any", "builtins.object"):
        return False
    known = value.name.startswith("builtins.") or (
        value.definition is not None and value.definition.is_class)
    return known or (value.name.partition(".")[0] in ("typing", "collections")
                     and isinstance(annotation, ast.Subscript))
