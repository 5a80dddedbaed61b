"""Attributes of Starlette's ``State``, typed by what the project assigns to them.

``app.state.http = httpx.Client()`` in a lifespan makes ``request.app.state.http`` an
``httpx.Client`` in every module; ``request.state.db = SessionLocal()`` in a middleware
makes ``request.state.db`` a ``Session``. There is one namespace per kind for the whole
project, the app's and the connection's (``apis.types.STATE_NAMESPACES``), not one per app
object: ``request.app`` is whichever app serves the route, and routers are included
across modules. A name is typed only when every assignment in the project gives it the
same type (``None`` aside); several types or a value of unknown type leave it unknown.
A write whose receiver's type is unknown (``async def lifespan(app)``) may only spoil an
answer. A write with a computed name (``setattr(request.state, key, value)``) of a value
of unknown type leaves the whole namespace unknown; of a known type (``{}``, a helper's
cache) it is taken to write other names than the literal ones the project writes.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator

from .module import CacheKey, ModuleInfo
from .walking import walk

if TYPE_CHECKING:
    from pathlib import Path

    from .values import Value
    from .project import Project

# The attribute of a write whose name is not a literal: it may be any attribute.
ANY_NAME = "*"
SETATTR = "builtins.setattr"


@dataclass(frozen=True)
class StateWrite:
    """One assignment to ``<receiver>.<name>``: the receiver that may be a ``State`` and
    the assigned expression (None when it cannot be told: ``a.state.x, y = pair``)."""

    receiver: ast.expr
    node: ast.AST
    value: ast.expr | None


class StateAttributes:
    """The ``Resolver``'s answers about ``State`` attributes (mixed into it: the answers
    are kept for the run with its other answers about names)."""

    project: Project
    _state_answers: dict[tuple[str, object], tuple[object, int]]
    value: Callable[..., Value | None]
    callee: Callable[..., str | None]
    _cached: Callable[..., Any]
    _agree: Callable[..., Value | None]
    _assigned: Callable[..., Value | None]
    _instance_member: Callable[..., Value | None]

    def _state_member(self, namespace: str, name: str) -> Value | None:
        """The type of ``<namespace>.<name>``, as every write in the project agrees."""
        return self._cached("state", None, (namespace, name),  # type: ignore[no-any-return]
                            lambda _module, key: self._agreed_state(*key),
                            self._state_answers)

    def _agreed_state(self, namespace: str, name: str) -> Value | None:
        # The project's one text pass finds the files that write ``State`` attributes; it
        # imports this layer's modules, hence imported here.
        from .project_references import project_references
        writers = project_references(self.project).state_writers
        if any(self._written_value(module, write) is None
               for module, write, _ in self._writes_to(namespace, ANY_NAME, writers)):
            return None
        writes = list(self._writes_to(namespace, name, writers))
        if not any(known for _, _, known in writes):
            return None
        return self._agree(self._written_value(module, write) for module, write, _ in writes)

    def _writes_to(self, namespace: str, name: str, writers: dict[str, set[Path]]
                   ) -> Iterator[tuple[ModuleInfo, StateWrite, bool]]:
        """The writes of ``name`` in the files the text scan found (in path order: answers
        do not depend on the checked file) whose receiver is a ``State`` of ``namespace``
        (known: True) or of unknown type (``async def lifespan(app)``: False). Those may
        only spoil an answer: a type differing from the known writes' makes it unknown."""
        for path in sorted(writers.get(name, ())):
            module = self.project.module_at(path)
            for write in state_writes(module).get(name, ()) if module is not None else ():
                if isinstance(write.node, ast.Call) and self.callee(module, write.node) != SETATTR:
                    continue
                receiver = self.value(module, write.receiver)
                if receiver is None or receiver.instance and receiver.name == namespace:
                    yield module, write, receiver is not None  # type: ignore[misc]

    def _written_value(self, module: ModuleInfo, write: StateWrite) -> Value | None:
        if write.value is None:
            return None
        if isinstance(write.node, (ast.Assign, ast.AnnAssign)):
            node = write.node
            return self._assigned(module, node.annotation if isinstance(node, ast.AnnAssign)
                                  else None, node.value)
        return self.value(module, write.value)

    def _getattr_value(self, module: ModuleInfo, call: ast.Call) -> Value | None:
        """``getattr(obj, "name")`` (or with a ``None`` default) reads ``obj.name``."""
        args = call.args
        if call.keywords or len(args) not in (2, 3) or not literal_name(args[1]) \
                or (len(args) == 3 and not is_none(args[2])):
            return None
        base = self.value(module, args[0])
        if base is None or not base.instance:
            return None
        return self._instance_member(base, args[1].value)  # type: ignore[attr-defined]


def literal_name(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Constant) and isinstance(expr.value, str) \
        and expr.value.isidentifier()


def is_none(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is None


STATE_WRITES: CacheKey[dict[str, list[StateWrite]]] = CacheKey("state writes")


def state_writes(module: ModuleInfo) -> dict[str, list[StateWrite]]:
    """Attribute name -> the writes ``<x>.<name> = v`` (``<x>`` an attribute or name: the
    resolver tells which are a ``State``) and ``setattr(<x>, "name", v)`` of the module,
    ``*`` for a ``setattr`` with a name that is not a literal. One walk per module index."""
    found = module.cache.get(STATE_WRITES)
    if found is None:
        module.complete()
        index: dict[str, list[StateWrite]] = {}
        for node in walk(module.tree):
            for name, write in _writes_in(node):
                index.setdefault(name, []).append(write)
        found = module.cache.put(STATE_WRITES, index)
    return found


def _writes_in(node: ast.AST) -> Iterator[tuple[str, StateWrite]]:
    if isinstance(node, ast.Assign):
        for target in node.targets:
            yield from _targets(target, node, node.value)
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        yield from _targets(node.target, node, node.value)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            and node.func.id == "setattr" and len(node.args) == 3 and not node.keywords:
        name, value = node.args[1], node.args[2]
        attribute = name.value if literal_name(name) else ANY_NAME  # type: ignore[attr-defined]
        if not is_none(value):  # a ``None`` write (a cleared client) types nothing
            yield attribute, StateWrite(node.args[0], node, value)


def _targets(target: ast.expr, node: ast.AST,
             value: ast.expr | None) -> Iterator[tuple[str, StateWrite]]:
    """``a.state.x = v`` / ``state.x = v``; in an unpacking target, the value is unknown."""
    if isinstance(target, ast.Attribute) and isinstance(target.value, (ast.Name, ast.Attribute)):
        yield target.attr, StateWrite(target.value, node, value)
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _targets(element.value if isinstance(element, ast.Starred) else element,
                                node, None)
