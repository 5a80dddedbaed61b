"""Data only: what makes an ``async def`` a CLI entry point that runs alone on a loop of
its own (FBP101-FBP107 and FBP201 do not report in its body).

Keys are canonical qualified names (see ``apis.types.canonical``).
"""

from __future__ import annotations

# Packages whose ``command``/``group`` decorators make a command of a function:
# ``@click.command()``, ``@asyncclick.group()``, ``@cli.command()`` on a group of theirs,
# ``@app.command()`` on a ``typer.Typer`` or a ``cyclopts.App`` (an instance of any of
# their classes).
CLI_PACKAGES: frozenset[str] = frozenset({"click", "asyncclick", "rich_click", "cloup",
                                          "typer", "cyclopts"})
# Module-level decorators of those packages that register a command or a group.
CLI_DECORATORS: frozenset[str] = frozenset({"command", "group"})
# Methods of a group/app (an instance, or a project function decorated as a group)
# whose decorator registers a command: ``@cli.command()``, ``@app.callback()`` (typer),
# ``@app.default`` (cyclopts).
CLI_REGISTERING_METHODS: frozenset[str] = frozenset({"command", "group", "callback",
                                                     "default"})

# Calls that start a new event loop and run a coroutine on it until it is done. The
# value says what the first argument is: a coroutine (``asyncio.run(main())``) or the
# coroutine function itself (``anyio.run(main)``).
ENTRY_RUNNERS: dict[str, str] = {
    "asyncio.run": "coroutine",
    "asyncio.Runner.run": "coroutine",
    "asyncio.AbstractEventLoop.run_until_complete": "coroutine",
    "uvloop.run": "coroutine",
    "anyio.run": "function",
    "trio.run": "function",
}
# The names those calls are written with: a cheap filter before resolving a call.
ENTRY_RUNNER_NAMES: frozenset[str] = frozenset(
    name.rpartition(".")[2] for name in ENTRY_RUNNERS)
