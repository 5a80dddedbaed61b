"""The two ways users feel the plugin besides the corpus folders (``run.py --mode``).

* ``whole``: ``flake8 .`` at each project's root, every ``.py`` of the distribution
  (tests, CLIs, SDKs included), one project per process, as in a user's repository.
* ``single``: the ten largest request-path modules of the corpus, each linted alone the
  way an editor lints on save (``flake8 --stdin-display-name PATH -`` from the project
  root), cold: a new process for every run. The first plugin run fills the plugin's
  persistent cache (reported apart); the median is of the runs after it, as on each save.

Stdlib only; imported by ``run.py``, which owns the flake8 command lines.
"""

from __future__ import annotations

import ast
import re
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import corpus

# A route decorator on an app or router: what makes a module a request-path module.
ROUTE_DECORATOR = re.compile(
    r"^\s*@\w+(?:\.\w+)*\.(?:get|post|put|patch|delete|api_route|websocket)\(", re.MULTILINE)
ROUTE_METHODS = {"get", "post", "put", "patch", "delete", "api_route", "websocket"}
SKIPPED_PARTS = {"tests", "test", "docs", "docs_src", "examples", "example", "tutorial"}


@dataclass
class Timing:
    """One configuration on one target: wall and CPU seconds, peak RSS in KiB."""

    wall: float
    cpu: float
    max_rss_kib: int
    output: str


def request_path_modules(projects: list[corpus.Project], count: int = 10,
                         per_project: int | None = None) -> list[tuple[corpus.Project, Path]]:
    """The ``count`` largest modules (by lines) holding routes, tests and docs left out;
    at most ``per_project`` from one project when given."""
    found: list[tuple[int, str, corpus.Project, Path]] = []
    for project in projects:
        for path in project.root.rglob("*.py"):
            relative = path.relative_to(project.root)
            if SKIPPED_PARTS & set(relative.parts) or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            if "fastapi" in text and ROUTE_DECORATOR.search(text) and has_route(text):
                found.append((text.count("\n"), str(path), project, relative))
    found.sort(key=lambda item: (-item[0], item[1]))
    chosen: list[tuple[corpus.Project, Path]] = []
    for _, _, project, relative in found:
        taken = sum(1 for other, _ in chosen if other is project)
        if len(chosen) < count and (per_project is None or taken < per_project):
            chosen.append((project, relative))
    return chosen


def has_route(text: str) -> bool:
    """A function of the module (not a docstring example) carries a route decorator."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
               and any(isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
                       and d.func.attr in ROUTE_METHODS for d in node.decorator_list)
               for node in ast.walk(tree))


def run_timed(cmd: list[str], cwd: Path, env: dict[str, str], stdin: Path | None = None) -> Timing:
    """Run ``cmd`` to completion; its own wall, CPU and peak RSS (``os.wait4``)."""
    import os

    opts = {"mode": "w+", "encoding": "utf-8", "errors": "replace"}
    with tempfile.TemporaryFile(**opts) as out, tempfile.TemporaryFile(**opts) as err:
        source = open(stdin, "rb") if stdin else subprocess.DEVNULL
        try:
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, stdin=source, stdout=out, stderr=err, cwd=cwd, env=env)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
        finally:
            if stdin:
                source.close()  # type: ignore[union-attr]
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"flake8 failed in {cwd}: {err.read()[-2000:]}")
        return Timing(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, out.read())


def median_timing(runs: list[Timing]) -> Timing:
    return Timing(statistics.median(t.wall for t in runs), statistics.median(t.cpu for t in runs),
                  max(t.max_rss_kib for t in runs), runs[-1].output)


def whole_projects(projects: list[corpus.Project], base: Callable[[bool], list[str]],
                   env: dict[str, str]) -> list[tuple[corpus.Project, Timing, Timing]]:
    """``flake8 .`` at each project root, plain then with the plugin."""
    rows = []
    for project in projects:
        plain = run_timed(base(False) + ["."], project.root, env)
        plugin = run_timed(base(True) + ["."], project.root, env)
        rows.append((project, plain, plugin))
        print_row(project.key, plain, plugin, flush=True)
    return rows


def single_files(projects: list[corpus.Project], base: Callable[[bool], list[str]],
                 env: dict[str, str], repeat: int, count: int = 10,
                 per_project: int | None = None) -> list[tuple[str, Timing, Timing]]:
    """Each of the largest request-path modules through stdin, cold, median of ``repeat``."""
    rows = []
    for project, relative in request_path_modules(projects, count, per_project):
        stdin_args = [f"--stdin-display-name={relative}", "-"]
        path = project.root / relative
        plain = median_timing([run_timed(base(False) + stdin_args, project.root, env, path)
                               for _ in range(repeat)])
        # The first plugin run fills the persistent cache (cold); the median is of the
        # runs after it, as an editor runs on every save.
        first = run_timed(base(True) + stdin_args, project.root, env, path)
        plugin = median_timing([run_timed(base(True) + stdin_args, project.root, env, path)
                                for _ in range(repeat)])
        lines = path.read_text(encoding="utf-8", errors="replace").count("\n")
        label = f"{project.name}/{relative} ({lines:,} lines)"
        rows.append((label, plain, plugin))
        print_row(label, plain, plugin, flush=True)
        print(f"    first plugin run (cache cold) cpu {first.cpu:7.2f} s", flush=True)
    return rows


def print_row(label: str, plain: Timing, plugin: Timing, flush: bool = False) -> None:
    ratio = plugin.cpu / max(plain.cpu, 1e-9)
    print(f"{label}\n    plain wall {plain.wall:7.2f} s cpu {plain.cpu:7.2f} s rss "
          f"{plain.max_rss_kib / 1024:6.0f} MiB | plugin wall {plugin.wall:7.2f} s cpu "
          f"{plugin.cpu:7.2f} s rss {plugin.max_rss_kib / 1024:6.0f} MiB | cpu ratio {ratio:.2f}"
          f" | +{plugin.wall - plain.wall:.2f} s wall", flush=flush)


def print_totals(rows: list[tuple[object, Timing, Timing]]) -> None:
    plain_cpu = sum(p.cpu for _, p, _ in rows)
    plugin_cpu = sum(q.cpu for _, _, q in rows)
    worst = max((q.cpu / max(p.cpu, 1e-9) for _, p, q in rows), default=0.0)
    rss = max((q.max_rss_kib for _, _, q in rows), default=0)
    print(f"total: plain cpu {plain_cpu:.1f} s, plugin cpu {plugin_cpu:.1f} s, "
          f"cpu ratio {plugin_cpu / max(plain_cpu, 1e-9):.2f}, worst ratio {worst:.2f}, "
          f"peak RSS with plugin {rss / 1024:.0f} MiB")
