"""How an async function runs: on the server's event loop (the default), or alone on a
loop of its own as a CLI entry point.

A CLI entry point is an ``async def`` that is a click/asyncclick/typer command (directly,
or through a project decorator that runs it with ``asyncio.run``/``anyio.run``), or whose
every use in the project is a run from sync code (``asyncio.run(main())``,
``anyio.run(main)``, ``loop.run_until_complete(main())``). Nothing else waits on its loop,
so FBP101-FBP107 and FBP201 do not report in its own body. A function with a role in the
app (endpoint, dependency, middleware, lifespan, task ...) is never one.
"""

from __future__ import annotations

import ast

from .apis.cli import (CLI_DECORATORS, CLI_PACKAGES, CLI_REGISTERING_METHODS,
                       ENTRY_RUNNER_NAMES, ENTRY_RUNNERS)
from .apis.coroutines import TRANSPARENT_DECORATORS
from .fastapi_model import FastAPIModel
from .resolve.project_references import project_references, uses_besides_runs
from .resolve.module import FUNCTION_TYPES, FunctionNode, ModuleInfo
from .resolve.names import Resolver
from .resolve.values import Definition
from .resolve.project import Project
from .syntax import written_name

MAX_GROUP_NESTING = 8  # ``@cli.group()`` of a ``@cli.group()`` ...
WRAPPER_HELPERS = frozenset({"wraps", "update_wrapper"})


class LoopModel:
    """Answers "does this async function run alone on a loop of its own?" for one module;
    asked only where a rule would report, and each function answered once."""

    def __init__(self, module: ModuleInfo, resolver: Resolver, fastapi: FastAPIModel,
                 project: Project) -> None:
        self.module = module
        self.resolver = resolver
        self.fastapi = fastapi
        self.project = project
        self._answers: dict[ast.AST, bool] = {}

    def runs_alone(self, function: FunctionNode) -> bool:
        """Is ``function`` a CLI entry point (see the module docstring)?"""
        if function not in self._answers:
            self._answers[function] = self._is_cli_entry_point(function)
        return self._answers[function]

    def _is_cli_entry_point(self, function: FunctionNode) -> bool:
        if not isinstance(function, ast.AsyncFunctionDef) or self.fastapi.serves(function):
            return False
        if any(self.cli_command_decorator(d) or self.runs_decorated_alone(d)
               for d in function.decorator_list):
            return True
        return self.only_run_by_entry_runners(function)

    # ----- decorators -------------------------------------------------------------------
    def cli_command_decorator(self, decorator: ast.expr) -> bool:
        """``@click.command()``, ``@asyncclick.group``, ``@cli.command()`` on a click
        group, ``@app.command()`` / ``@app.callback()`` on a ``typer.Typer``."""
        func = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = self.resolver.qualname(self.module, func)
        if name is not None and is_cli_decorator(name, CLI_DECORATORS):
            return True
        return isinstance(func, ast.Attribute) and func.attr in CLI_REGISTERING_METHODS \
            and self.is_cli_group(self.module, func.value, 0)

    def is_cli_group(self, module: ModuleInfo, expr: ast.expr, depth: int) -> bool:
        """An instance of a CLI package's class (``typer.Typer()``, ``click.Group()``), or
        a project function decorated as a group (``@click.group()``, ``@cli.group()``)."""
        value = self.resolver.value(module, expr)
        if value is None or depth > MAX_GROUP_NESTING:
            return False
        if value.instance:
            return value.name.partition(".")[0] in CLI_PACKAGES
        definition = value.definition
        if definition is None or not isinstance(definition.node, FUNCTION_TYPES):
            return False
        return any(self.group_decorator(definition.module, d, depth)
                   for d in definition.node.decorator_list)

    def group_decorator(self, module: ModuleInfo, decorator: ast.expr, depth: int) -> bool:
        func = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = self.resolver.qualname(module, func)
        if name is not None and is_cli_decorator(name, frozenset({"group"})):
            return True
        return isinstance(func, ast.Attribute) and func.attr == "group" \
            and self.is_cli_group(module, func.value, depth + 1)

    def runs_decorated_alone(self, decorator: ast.expr) -> bool:
        """A project decorator (or decorator factory) that runs the function it wraps with
        an entry runner: ``def coro(f): ... return asyncio.run(f(*a, **k))``."""
        func = decorator.func if isinstance(decorator, ast.Call) else decorator
        value = self.resolver.value(self.module, func)
        if value is None or value.instance or value.definition is None:
            return False
        definition = value.definition
        node = definition.node
        if not isinstance(node, ast.FunctionDef):
            return False
        return runs_a_parameter(self.resolver, definition, node)

    # ----- runs -------------------------------------------------------------------------
    def only_run_by_entry_runners(self, function: FunctionNode) -> bool:
        """Every use of the function's name is an entry run from sync code, and there is
        at least one: in its own scope (the module, or the def it is nested in) and, for
        a top-level function, in the other files of the project (a text scan)."""
        if not all(self.transparent(d) for d in function.decorator_list):
            return False  # handed to a decorator, which may register or await it
        owner = self.module.parents.get(function)
        if not isinstance(owner, (ast.Module, *FUNCTION_TYPES)):
            return False  # methods are reached through their instance: not followed
        uses = self.uses_of(owner, function)
        if not all(self.entry_run(use) for use in uses):
            return False
        if not isinstance(owner, ast.Module):
            return bool(uses)
        references = project_references(self.project)
        name = function.name
        run_elsewhere = references.refers_to("run", name, self.module, elsewhere=True)
        if not uses and not run_elsewhere:
            return False
        if not references.complete:
            return False  # files beyond the scan may use it otherwise
        return not uses_besides_runs(self.project).used_elsewhere(name, self.module)

    def transparent(self, decorator: ast.expr) -> bool:
        func = decorator.func if isinstance(decorator, ast.Call) else decorator
        return self.resolver.qualname(self.module, func) in TRANSPARENT_DECORATORS

    def uses_of(self, owner: ast.AST, function: FunctionNode) -> list[ast.Name]:
        """The names in ``owner`` written as the function's name (any shadowing name too:
        one use too many only keeps the function checked)."""
        return [node for node in ast.walk(owner)
                if isinstance(node, ast.Name) and node.id == function.name]

    def entry_run(self, use: ast.Name) -> bool:
        """``asyncio.run(use(...))`` / ``anyio.run(use, ...)`` outside async code."""
        parent = self.module.parents.get(use)
        if not isinstance(parent, ast.Call):
            return False
        if parent.func is use:
            runner, wanted = self.module.parents.get(parent), "coroutine"
            argument: ast.expr = parent
        else:
            runner, wanted, argument = parent, "function", use
        if not isinstance(runner, ast.Call) or not runner.args or runner.args[0] is not argument:
            return False
        if written_name(runner.func) not in ENTRY_RUNNER_NAMES \
                or ENTRY_RUNNERS.get(self.resolver.callee(self.module, runner) or "") != wanted:
            return False
        return not isinstance(self.module.enclosing_function(runner), ast.AsyncFunctionDef)


def is_cli_decorator(name: str, decorators: frozenset[str]) -> bool:
    """``click.command``, ``click.decorators.group``, ``asyncclick.command`` ..."""
    return name.partition(".")[0] in CLI_PACKAGES and name.rpartition(".")[2] in decorators


def runs_a_parameter(resolver: Resolver, definition: Definition,
                     node: ast.FunctionDef) -> bool:
    """Does the decorator ``node`` (with its nested wrappers) hand one of its parameters
    to an entry runner (``asyncio.run(f(*a, **k))``, ``anyio.run(f)``), and use it for
    nothing else but ``@wraps(f)`` and its attributes? A wrapper that may also return
    ``f(...)`` to an async caller (run it here only when no loop is running) lets the
    function run on the caller's loop."""
    parameters = {arg.arg for inner in ast.walk(node) if isinstance(inner, FUNCTION_TYPES)
                  for arg in (*inner.args.posonlyargs, *inner.args.args,
                              *inner.args.kwonlyargs)}
    run: set[str] = set()
    accepted: set[ast.Name] = set()
    for call in ast.walk(node):
        if not isinstance(call, ast.Call) or not call.args:
            continue
        name = written_name(call.func)
        if name in WRAPPER_HELPERS:  # ``@wraps(f)``: copies its name and docstring
            accepted.update(a for a in call.args if isinstance(a, ast.Name))
        if name not in ENTRY_RUNNER_NAMES:
            continue
        first = call.args[0]
        kind = ENTRY_RUNNERS.get(resolver.callee(definition.module, call) or "")
        if kind == "coroutine" and isinstance(first, ast.Call):
            first = first.func
        elif kind != "function":
            continue
        if isinstance(first, ast.Name) and first.id in parameters:
            run.add(first.id)
            accepted.add(first)
    return bool(run) and all(use in accepted or isinstance(parent, ast.Attribute)
                             for parent in ast.walk(node)
                             for use in ast.iter_child_nodes(parent)
                             if isinstance(use, ast.Name) and use.id in run)
