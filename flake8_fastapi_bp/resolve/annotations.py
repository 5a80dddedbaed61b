"""The annotation half of the resolver: the class an annotation declares (through
``Annotated``, ``Optional``, unions, string annotations and module-level aliases),
whether it leaves out ``None``, and ``Annotated`` metadata.
"""

from __future__ import annotations

import ast

from ..apis.types import ANNOTATED, MAY_BE_NONE, OPTIONAL, QUALIFIERS, UNION
from .memo import Memo
from .module import Binding, ModuleInfo, Scope
from .values import Value


class AnnotationReader(Memo):
    """Annotation questions, answered with the value questions of ``Resolver``."""

    # ----- asked of the resolver (``names.Resolver`` answers them) ---------------------
    def value(self, module: ModuleInfo, expr: ast.AST | None) -> Value | None:
        raise NotImplementedError

    def lookup(self, qualname: str, depth: int = 0) -> tuple[ModuleInfo, Binding] | None:
        raise NotImplementedError

    def _bindings(self, module: ModuleInfo, name: str,
                  scope: Scope) -> tuple[Scope, list[Binding]] | None:
        raise NotImplementedError

    def qualname(self, module: ModuleInfo, expr: ast.AST) -> str | None:
        """The canonical name an expression denotes (not an instance), or None."""
        value = self.value(module, expr)
        return value.name if value is not None and not value.instance else None

    # ----- annotations -------------------------------------------------------------------
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
            found = module.visible_bindings(annotation.id, module.scope_of(annotation))
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
