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


@dataclass
class Configuration:
    """One way of running flake8: a label, its command line (``-`` or ``.`` appended) and
    its environment (a baseline checkout keeps a cache folder of its own: caches written
    by another plugin build are ignored and rewritten, which would keep both cold)."""

    label: str
    command: list[str]
    env: dict[str, str]


@dataclass
class Row:
    """The medians of one target: plain flake8, the plugin, and the baseline if any."""

    label: str
    plain: Timing
    plugin: Timing
    baseline: Timing | None = None


def whole_projects(projects: list[corpus.Project], configs: list[Configuration],
                   repeat: int = 1) -> list[Row]:
    """``flake8 .`` at each project root; the configurations alternate within each
    repeat (plain, plugin, baseline, plain, ...) so that a slower spell of a shared
    machine hits all of them; medians of ``repeat``."""
    rows = []
    for project in projects:
        runs: dict[str, list[Timing]] = {config.label: [] for config in configs}
        for _ in range(repeat):
            for config in configs:
                runs[config.label].append(run_timed(config.command + ["."], project.root,
                                                    config.env))
        row = _row(project.key, runs)
        rows.append(row)
        print_row(row, flush=True)
    return rows


def single_files(projects: list[corpus.Project], configs: list[Configuration],
                 repeat: int, count: int = 10,
                 per_project: int | None = None) -> list[Row]:
    """Each of the largest request-path modules through stdin, cold, median of ``repeat``
    (configurations alternated within each repeat)."""
    rows = []
    for project, relative in request_path_modules(projects, count, per_project):
        stdin_args = [f"--stdin-display-name={relative}", "-"]
        path = project.root / relative
        # The first plugin run fills the persistent cache (cold); the medians are of the
        # runs after it, as an editor runs on every save.
        first = {config.label: run_timed(config.command + stdin_args, project.root,
                                         config.env, path)
                 for config in configs if config.label != "plain"}
        runs: dict[str, list[Timing]] = {config.label: [] for config in configs}
        for _ in range(repeat):
            for config in configs:
                runs[config.label].append(run_timed(config.command + stdin_args,
                                                    project.root, config.env, path))
        lines = path.read_text(encoding="utf-8", errors="replace").count("\n")
        row = _row(f"{project.name}/{relative} ({lines:,} lines)", runs)
        rows.append(row)
        print_row(row, flush=True)
        print("    first run (cache cold) cpu " + ", ".join(
            f"{label} {timing.cpu:.2f} s" for label, timing in first.items()), flush=True)
    return rows


def _row(label: str, runs: dict[str, list[Timing]]) -> Row:
    baseline = runs.get("baseline")
    return Row(label, median_timing(runs["plain"]), median_timing(runs["plugin"]),
               median_timing(baseline) if baseline else None)


def print_row(row: Row, flush: bool = False) -> None:
    plain, plugin = row.plain, row.plugin
    ratio = plugin.cpu / max(plain.cpu, 1e-9)
    print(f"{row.label}\n    plain wall {plain.wall:7.2f} s cpu {plain.cpu:7.2f} s rss "
          f"{plain.max_rss_kib / 1024:6.0f} MiB | plugin wall {plugin.wall:7.2f} s cpu "
          f"{plugin.cpu:7.2f} s rss {plugin.max_rss_kib / 1024:6.0f} MiB | cpu ratio {ratio:.2f}"
          f" | +{plugin.wall - plain.wall:.2f} s wall", flush=flush)
    if row.baseline is not None:
        before = row.baseline
        print(f"    baseline cpu {before.cpu:7.2f} s rss {before.max_rss_kib / 1024:6.0f} MiB"
              f" | cpu ratio {before.cpu / max(plain.cpu, 1e-9):.2f}", flush=flush)


def print_totals(rows: list[Row]) -> None:
    plain_cpu = sum(row.plain.cpu for row in rows)
    plugin_cpu = sum(row.plugin.cpu for row in rows)
    worst = max((row.plugin.cpu / max(row.plain.cpu, 1e-9) for row in rows), default=0.0)
    rss = max((row.plugin.max_rss_kib for row in rows), default=0)
    print(f"total: plain cpu {plain_cpu:.1f} s, plugin cpu {plugin_cpu:.1f} s, "
          f"cpu ratio {plugin_cpu / max(plain_cpu, 1e-9):.2f}, worst ratio {worst:.2f}, "
          f"peak RSS with plugin {rss / 1024:.0f} MiB")
    baselines = [row.baseline for row in rows if row.baseline is not None]
    if baselines:
        before = sum(timing.cpu for timing in baselines)
        print(f"baseline: plugin cpu {before:.1f} s, cpu ratio "
              f"{before / max(plain_cpu, 1e-9):.2f}, peak RSS "
              f"{max(t.max_rss_kib for t in baselines) / 1024:.0f} MiB")
