"""Work that does not belong on the request path.

Codes: FBP201 cpu-heavy-call-in-async, FBP202 cpu-heavy-call-in-endpoint,
FBP203 fragile-background-task, FBP204 inline-notification.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator, Literal

from ..syntax import attribute_root
from ..syntax import keyword_value as _keyword
from ..syntax import written_name as _simple_name
from ..apis.heavy import (CALLED_INSTANCE_ROOTS, CHEAP_BELOW, HEAVY_CALL_NAMES, RETRY_DECORATORS,
                          SLEEPS, is_heavy)
from ..apis.blocking import OFFLOADERS, passed_argument
from ..apis.clients import CACHING_DECORATORS
from ..apis.mail import DETACHING_CALLS, MAIL_METHOD_NAMES, MAIL_METHODS_BY_LIBRARY, MAIL_SENDS
from ..apis.types import canonical
from ..declared import is_declared
from ..context import FileContext, Report, display_name
from ..fastapi_model import TASK_CALLERS
from ..resolve.project_references import project_references
from ..resolve.module import FUNCTION_TYPES, Binding, ModuleInfo
from ..resolve.names import Resolver
from ..resolve.values import Definition, Value
from ..call_names import bindings_of, imported_from_project, written_names
from ..call_graph import CallGraph, Chain, Leaf, call_graph

CODES = ("FBP201", "FBP202", "FBP203", "FBP204")
SYNC_REQUEST_PATH = ("endpoint", "dependency")
TASK_CALL_NAMES = frozenset({"add_task", "BackgroundTask"})
PARTIAL = "functools.partial"
RUN_IN_EXECUTOR = "asyncio.AbstractEventLoop.run_in_executor"
AWAITED_OFFLOADERS = OFFLOADERS - {PARTIAL}
OFFLOADER_NAMES = frozenset(name.rpartition(".")[2] for name in AWAITED_OFFLOADERS)

# FBP203 reasons, also the labels of its leaf calls.
HEAVY_WORK = "runs CPU-heavy work"
FOREVER = "loops forever (`while True`)"
POLLING = "retries or polls in a loop that sleeps"
RETRYING = "retries through a retry decorator"


def check(ctx: FileContext) -> Iterator[Report]:
    heavy = HeavyCalls(ctx.resolver, ctx.settings.heavy_calls)
    if ctx.settings.wants("FBP201", "FBP202"):
        yield from heavy_calls(ctx, heavy)
    if ctx.settings.wants("FBP203"):
        yield from fragile_background_tasks(ctx, heavy)
    if ctx.settings.wants("FBP204"):
        yield from inline_notifications(ctx, MailSenders(ctx.settings.mail_senders))


# ----- FBP201 / FBP202 --------------------------------------------------------------------
class HeavyCalls:
    """Which calls are CPU-heavy: the table, ``--fbp-heavy-calls``, and calls on instances
    of project subclasses of a heavy library class (``class Net(nn.Module)``)."""

    def __init__(self, resolver: Resolver, extra: frozenset[str]) -> None:
        self.resolver = resolver
        self.extra = frozenset(canonical(name) for name in extra)
        # The call-graph cache is per kind: one kind per list of extra calls.
        self.kind = "heavy:" + ",".join(sorted(self.extra))
        self.names = HEAVY_CALL_NAMES | {name.rpartition(".")[2] for name in self.extra}
        self._extra_instances = any(name.endswith(".__call__") for name in self.extra)

    def leaf(self, module: ModuleInfo, call: ast.Call) -> str | None:
        """A heavy call in a helper; not in a memoized one (``@lru_cache`` over the master
        key): its body runs once per distinct argument, not once per call."""
        if not self.is_heavy(module, call) or self.memoized(module, call):
            return None
        return "heavy"

    def memoized(self, module: ModuleInfo, call: ast.Call) -> bool:
        function = module.enclosing_function(call)
        if function is None:
            return False
        decorators = (d.func if isinstance(d, ast.Call) else d for d in function.decorator_list)
        return any(self.resolver.qualname(module, d) in CACHING_DECORATORS for d in decorators)

    def is_heavy(self, module: ModuleInfo, call: ast.Call) -> bool:
        if not self.may_be_heavy(module, call):
            return False
        target = self.resolver.callee_value(module, call)
        if target is None:
            return False
        name = f"{target.name}.__call__" if target.instance else target.name
        if is_heavy(name, self.extra):
            return not self.light_work_factor(module, call, name)
        library_name = self._as_library_call(module, call, target)
        return library_name is not None and is_heavy(library_name, self.extra)

    def light_work_factor(self, module: ModuleInfo, call: ast.Call, name: str) -> bool:
        """``pbkdf2_hmac("sha256", pw, salt, 1000)``: a literal work factor (or a name
        bound once to one, ``ITERATIONS = 1000``) below the table's bound."""
        if name not in CHEAP_BELOW or name in self.extra:
            return False
        keyword, position, bound = CHEAP_BELOW[name]
        given = passed_argument(call, keyword, position)
        if given is None:
            return False
        found = self.resolver.bound_expression(module, given)
        value = found[1] if found is not None else None
        return isinstance(value, ast.Constant) and type(value.value) is int \
            and value.value < bound

    def may_be_heavy(self, module: ModuleInfo, call: ast.Call) -> bool:
        """Could ``call`` be a heavy call? A syntactic test that saves resolving (and
        loading the modules behind) the many calls that cannot be: it is written with a
        heavy call's name (also as imported: ``from bcrypt import hashpw as hp``), or
        through a module of the project (which may re-export one under another name), or
        the project may call heavy instances (``model(x)``: it mentions torch...)."""
        func = call.func
        if not self.names.isdisjoint(written_names(module, func)):
            return True
        root = attribute_root(func)
        if isinstance(root, ast.Name) and imported_from_project(self.resolver, module, root):
            return True
        return self._instances_may_be_called() and self._may_be_instance(module, root)

    def _instances_may_be_called(self) -> bool:
        references = project_references(self.resolver.project)
        return self._extra_instances or not references.complete \
            or bool(references.called_instance_roots)

    def _may_be_instance(self, module: ModuleInfo, root: ast.expr) -> bool:
        """Could the receiver of a call (``model`` in ``model(x)``, ``model.generate(x)``)
        be an instance from a heavy library? Not a builtin, nor a def or class of the
        module, nor a name imported from a library whose instances are never heavy
        (``json.dumps``, ``HTTPException``): only values (variables, parameters,
        attributes, results of calls) are left."""
        if self._extra_instances or not isinstance(root, ast.Name):
            return True
        bindings = bindings_of(module, root)
        if not bindings:
            return bool(module.star_imports)  # a builtin, unless a star import binds it
        return not all(_never_an_instance(binding) for binding in bindings)

    def _as_library_call(self, module: ModuleInfo, call: ast.Call,
                         target: Value) -> str | None:
        """``model(x)`` / ``model.forward(x)`` on an instance of a project class, spelled
        on its library base: ``torch.nn.Module.__call__`` / ``torch.nn.Module.forward``."""
        if target.instance:
            base = self._library_base(target)
            return f"{base}.__call__" if base else None
        if isinstance(call.func, ast.Attribute):
            owner = self.resolver.value(module, call.func.value)
            base = self._library_base(owner) if owner is not None and owner.instance else None
            return f"{base}.{call.func.attr}" if base else None
        return None

    def _library_base(self, value: Value) -> str | None:
        if value.definition is None or not value.definition.is_class:
            return None
        base = self.resolver.library_base(value.definition)
        return canonical(base) if base else None


def _never_an_instance(binding: Binding) -> bool:
    """A def or class, or an import from a package none of whose instances is heavy."""
    if binding.kind == "def":
        return True
    return binding.kind == "import" \
        and binding.target.partition(".")[0] not in CALLED_INSTANCE_ROOTS


def heavy_calls(ctx: FileContext, heavy: HeavyCalls) -> Iterator[Report]:
    """FBP201: a heavy call in an async function; FBP202: in a sync endpoint/dependency.
    Also a call to a sync project helper that reaches one within --fbp-call-depth."""
    graph = call_graph(ctx.resolver)
    for call in ctx.module.calls:
        function = ctx.function_of(call)
        if function is None:
            continue
        kind = None
        if isinstance(function, ast.AsyncFunctionDef):
            if not ctx.settings.wants("FBP201"):
                continue
        elif not ctx.settings.wants("FBP202"):
            continue  # default-off: the sync request path is only read when selected
        else:
            kind = ctx.fastapi.kind(function)
            if kind not in SYNC_REQUEST_PATH:
                continue
        chain = ""
        if heavy.memoized(ctx.module, call):
            continue  # computed once per distinct argument, not per request
        if not heavy.is_heavy(ctx.module, call):
            found = _helper_chain(ctx, graph, call, heavy.kind, heavy.leaf)
            if found is None:
                continue
            chain = f": {found.text()}"
        fields = dict(call=display_name(call.func), function=function.name, chain=chain)
        if kind is None:
            if not ctx.serves_no_request(function):
                yield ctx.report("FBP201", call, **fields)
        else:
            yield ctx.report("FBP202", call, kind=kind, **fields)


def _helper_chain(ctx: FileContext, graph: CallGraph, call: ast.Call, kind: str,
                  leaf: Leaf) -> Chain | None:
    """The chain from a sync project helper called here to a leaf call."""
    if ctx.settings.call_depth <= 0 or not graph.may_run_project_code(ctx.module, call.func):
        return None
    definition = ctx.definition(call)
    if definition is None:
        return None
    return graph.chain(definition, kind, leaf, ctx.settings.call_depth)


# ----- FBP203 -----------------------------------------------------------------------------
class TaskLeaf:
    """A call that makes a background task long or fragile: a heavy call, any call in a
    ``while True`` loop, a sleep in a loop (or a helper that sleeps, called in a loop),
    a call to a function wrapped by a retry decorator."""

    def __init__(self, resolver: Resolver, heavy: HeavyCalls, depth: int) -> None:
        self.resolver = resolver
        self.heavy = heavy
        self.depth = depth
        self.kind = f"task:{depth}:{heavy.kind}"

    def __call__(self, module: ModuleInfo, call: ast.Call) -> str | None:
        if self.heavy.is_heavy(module, call):
            return HEAVY_WORK
        callee = self.resolver.definition(module, call)
        if callee is not None and retry_decorator(self.resolver, callee) is not None:
            return RETRYING
        loop = enclosing_loop(module, call)
        if loop is None:
            return None
        if loops_forever(module, call):
            return FOREVER
        if self.resolver.callee(module, call) in SLEEPS:
            return POLLING
        if callee is not None and call_graph(self.resolver).chain(
                callee, "sleeps", sleep_leaf(self.resolver), self.depth) is not None:
            return POLLING
        return None


def sleep_leaf(resolver: Resolver) -> Leaf:
    def leaf(module: ModuleInfo, call: ast.Call) -> str | None:
        return "sleep" if resolver.callee(module, call) in SLEEPS else None
    return leaf


def fragile_background_tasks(ctx: FileContext, heavy: HeavyCalls) -> Iterator[Report]:
    """FBP203: ``add_task(fn)`` / ``BackgroundTask(fn)`` of a long or retrying function."""
    depth = max(ctx.settings.call_depth, 1)  # the task's own body is always looked at
    leaf = TaskLeaf(ctx.resolver, heavy, depth)
    for call in ctx.module.calls:
        if _simple_name(call.func) not in TASK_CALL_NAMES:
            continue
        target = _task_function(ctx, call)
        if target is None:
            continue
        expr, definition = target
        reason = fragile_reason(ctx, definition, leaf, depth)
        if reason is not None:
            yield ctx.report("FBP203", call, task=display_name(expr), reason=reason)


def _task_function(ctx: FileContext, call: ast.Call) -> tuple[ast.expr, Definition] | None:
    """The project function handed to ``add_task``/``BackgroundTask`` (through a
    ``functools.partial``), with the expression that names it."""
    if ctx.callee(call) not in TASK_CALLERS:
        return None
    expr = call.args[0] if call.args else _keyword(call, "func")
    if isinstance(expr, ast.Call) and expr.args and ctx.callee(expr) == PARTIAL:
        expr = expr.args[0]
    if expr is None:
        return None
    value = ctx.resolver.value(ctx.module, expr)
    if value is None or value.instance or value.definition is None \
            or not value.definition.is_function:
        return None
    return expr, value.definition


def fragile_reason(ctx: FileContext, task: Definition, leaf: TaskLeaf,
                   depth: int) -> str | None:
    decorator = retry_decorator(ctx.resolver, task)
    if decorator is not None:
        return f"{RETRYING} (`@{decorator}`)"
    found = call_graph(ctx.resolver).chain(task, leaf.kind, leaf, depth, awaits=True)
    return f"{found.label}: {found.text()}" if found is not None else None


def retry_decorator(resolver: Resolver, definition: Definition) -> str | None:
    """``tenacity.retry`` when the function is decorated with ``@retry(...)``, etc."""
    node = definition.node
    if not isinstance(node, FUNCTION_TYPES):
        return None
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = resolver.qualname(definition.module, target)
        if name in RETRY_DECORATORS:
            return name
    return None


def enclosing_loop(module: ModuleInfo, node: ast.AST) -> ast.AST | None:
    """The innermost ``for``/``while`` of the same function whose repeated part holds
    ``node`` (a ``for`` iterable is evaluated once: not repeated)."""
    child = node
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, (*FUNCTION_TYPES, ast.Lambda, ast.ClassDef)):
            return None
        if isinstance(ancestor, ast.While):
            return ancestor
        if isinstance(ancestor, (ast.For, ast.AsyncFor)) and child is not ancestor.iter:
            return ancestor
        child = ancestor
    return None


def loops_forever(module: ModuleInfo, node: ast.AST) -> bool:
    """Inside a ``while True:`` (or ``while 1:``) of the same function."""
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, (*FUNCTION_TYPES, ast.Lambda, ast.ClassDef)):
            return False
        if isinstance(ancestor, ast.While) and isinstance(ancestor.test, ast.Constant) \
                and bool(ancestor.test.value):
            return True
    return False


# ----- FBP204 -----------------------------------------------------------------------------
class MailSenders:
    """Which calls send email: the table and ``--fbp-mail-senders``."""

    def __init__(self, declared: frozenset[str] = frozenset()) -> None:
        self.declared = declared
        self.names = MAIL_METHOD_NAMES | {name.rpartition(".")[2] for name in declared}
        # The call-graph cache is per kind: one kind per list of declared senders.
        self.kind = "mail:" + ",".join(sorted(declared)) if declared else "mail"

    def __contains__(self, callee: str | None) -> bool:
        return callee in MAIL_SENDS or bool(self.declared) and is_declared(callee,
                                                                           self.declared)


def mail_leaf(resolver: Resolver, senders: MailSenders) -> Leaf:
    def leaf(module: ModuleInfo, call: ast.Call) -> str | None:
        return "mail" if sends_mail(resolver, module, call, senders) else None
    return leaf


def sends_mail(resolver: Resolver, module: ModuleInfo, call: ast.Call,
               senders: MailSenders) -> bool:
    """A call that sends an email and waits for it (not one handed to ``create_task``)."""
    if _simple_name(call.func) not in senders.names:
        return False
    if resolver.callee(module, call) not in senders:
        return False
    parent = module.parents.get(call)
    return not (isinstance(parent, ast.Call) and call in parent.args
                and resolver.callee(module, parent) in DETACHING_CALLS)


def inline_notifications(ctx: FileContext, mail: MailSenders) -> Iterator[Report]:
    """FBP204: an endpoint sends email itself, or through a helper it calls (reported at
    the call in the endpoint, naming the chain)."""
    leaf = mail_leaf(ctx.resolver, mail)
    depth = ctx.settings.call_depth
    senders: frozenset[Path] | None | Literal[False] = False  # not looked up yet
    for call in ctx.module.calls:
        function = ctx.function_of(call)
        if function is None or not ctx.fastapi.is_endpoint(function):
            continue
        chain = ""
        if not sends_mail(ctx.resolver, ctx.module, call, mail):
            if senders is False:
                # A declared sender may be written with any name: every file may hold it.
                senders = None if mail.declared else files_that_send_mail(ctx)
            reach = 0 if senders == frozenset() else depth
            found = _mail_helper_chain(ctx, call, leaf, reach, senders, mail) \
                or _awaited_offload_of_mail(ctx, call, leaf, reach, senders, mail)
            if found is None:
                continue
            chain = f" via {found if isinstance(found, str) else found.text()}"
        yield ctx.report("FBP204", call, call=display_name(call.func), function=function.name,
                         chain=chain)


def files_that_send_mail(ctx: FileContext) -> frozenset[Path] | None:
    """The files of the project (a text scan), and this file as checked, that write the
    name of a mail-sending method of a package the project imports (``sendmail`` with
    smtplib, ``send`` only with sendgrid): only their functions can hold the mail call
    at the end of a helper chain (none: no chain is searched). None: any file may."""
    references = project_references(ctx.project)
    lines, path = ctx.module.lines, ctx.module.path
    if not references.complete or lines is None:
        return None
    libraries = references.mail_libraries | (ctx.module.imported_roots()
                                             & MAIL_METHODS_BY_LIBRARY.keys())
    names = frozenset().union(*(MAIL_METHODS_BY_LIBRARY[root] for root in libraries))
    files = {file for file, words in references.mail_words.items() if words & names}
    if path is not None:
        files.discard(path)  # the checked text decides for its file (an editor's buffer)
        if any(name in line for line in lines for name in names):
            files.add(path)
    return frozenset(files)


def _awaited_offload_of_mail(ctx: FileContext, call: ast.Call, leaf: Leaf, depth: int,
                             senders: frozenset[Path] | None,
                             mail: MailSenders) -> Chain | str | None:
    """``await run_in_threadpool(send_welcome, ...)``: the mail goes out in a worker
    thread, but the endpoint awaits it, so the client still waits for the mail server."""
    if _simple_name(call.func) not in OFFLOADER_NAMES \
            or not ctx.module.awaited(call):
        return None
    name = ctx.callee(call)
    if name not in AWAITED_OFFLOADERS:
        return None
    position = 1 if name == RUN_IN_EXECUTOR else 0
    target = call.args[position] if len(call.args) > position else None
    if isinstance(target, ast.Call) and target.args and ctx.callee(target) == PARTIAL:
        target = target.args[0]
    if target is None:
        return None
    if _passed_function_name(ctx, target) in mail:
        return f"{display_name(target)}()"
    value = ctx.resolver.value(ctx.module, target)
    if depth <= 0 or value is None or value.instance or value.definition is None:
        return None
    return call_graph(ctx.resolver).chain(value.definition, mail.kind, leaf, depth,
                                          leaf_files=senders)


def _mail_helper_chain(ctx: FileContext, call: ast.Call, leaf: Leaf, depth: int,
                       senders: frozenset[Path] | None, mail: MailSenders) -> Chain | None:
    graph = call_graph(ctx.resolver)
    if depth <= 0 or not graph.may_run_project_code(ctx.module, call.func):
        return None
    definition = ctx.definition(call)
    if definition is None:
        return None
    if definition.node_type is ast.AsyncFunctionDef and not ctx.module.awaited(call):
        return None  # a coroutine created here runs elsewhere (or never: FBP108)
    return graph.chain(definition, mail.kind, leaf, depth, awaits=True, leaf_files=senders)


# ----- helpers ----------------------------------------------------------------------------
def _passed_function_name(ctx: FileContext, expr: ast.expr) -> str | None:
    """``smtplib.SMTP.sendmail`` for ``smtp.sendmail`` passed (not called) somewhere."""
    name = ctx.qualname(expr)
    if name is None and isinstance(expr, ast.Attribute):
        owner = ctx.type_of(expr.value)
        name = f"{owner}.{expr.attr}" if owner else None
    return name
