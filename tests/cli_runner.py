"""Run the real ``flake8`` command in a subprocess, on small projects written to disk.

``flake8()`` is ``python -m flake8`` of the running interpreter, so the plugin is found
through its installed entry point exactly as a user's flake8 finds it.
``flake8(..., faults={...})`` runs the same command line through ``flake8.main.cli``
after wrapping the event-loop family's ``check`` so that it also reports (or raises) what
the test asks for: this exercises flake8's handling of codes (default-off, FBP000) that
no input should produce, or whose rule is owned and tested elsewhere.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

# Wraps a family's check(ctx): reports fake codes at given lines, raises for a file name.
_FAULTS = """
import json, sys
from flake8_fastapi_bp.context import Report
from flake8_fastapi_bp.messages import RULES
from flake8_fastapi_bp.rules import event_loop

FAULTS = json.loads(sys.argv[1])
real_check = event_loop.check


class _Fields(dict):
    def __missing__(self, key):
        return "x"


def check(ctx):
    name = str(ctx.module.path or "")
    if any(name.endswith(suffix) for suffix in FAULTS.get("raise_in", [])):
        raise RuntimeError(FAULTS.get("message", "injected failure"))
    yield from real_check(ctx)
    for code, line in FAULTS.get("report", []):
        yield Report(line, 0, code + " " + RULES[code].template.format_map(_Fields()))


event_loop.check = check
# The plugin skips a family whose codes the run leaves out: the injected ones are its own.
event_loop.CODES = (*event_loop.CODES, *(code for code, _ in FAULTS.get("report", [])))
from flake8.main.cli import main
sys.exit(main(sys.argv[2:]))
"""


def write_project(root: Path, files: dict[str, str], marker: str | None = "setup.cfg") -> Path:
    """Write ``files`` (dedented) under ``root``; an empty project-root marker by default."""
    root.mkdir(parents=True, exist_ok=True)
    if marker is not None and marker not in files:
        (root / marker).write_text("", encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def flake8(args: list[str], cwd: Path, stdin: str | None = None,
           faults: dict[str, object] | None = None,
           python: str = sys.executable) -> subprocess.CompletedProcess[str]:
    """Run flake8 with ``args`` in ``cwd``; ``faults`` injects reports or a failure."""
    if faults is None:
        command = [python, "-m", "flake8", *args]
    else:
        command = [python, "-c", _FAULTS, json.dumps(faults), *args]
    env = flake8_env()
    return subprocess.run(command, cwd=cwd, input=stdin if stdin is not None else "",
                          capture_output=True, text=True, env=env, timeout=120)


def flake8_env() -> dict[str, str]:
    """This environment without flake8's and the plugin's variables, but with the cache
    folder the test session chose (conftest): no test leaves a cache in the repository."""
    return {key: value for key, value in os.environ.items()
            if not key.startswith(("FLAKE8", "FBP_")) or key == "FBP_CACHE_DIR"}


def codes_by_line(output: str) -> list[tuple[str, int, str]]:
    """(file, line, code) of every ``file:line:col: CODE message`` line."""
    found = []
    for line in output.splitlines():
        parts = line.split(":", 3)
        if len(parts) == 4 and parts[1].isdigit():
            found.append((parts[0], int(parts[1]), parts[3].split()[0]))
    return found
