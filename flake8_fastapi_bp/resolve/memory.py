"""Memory and garbage-collector policy: the one place that decides what a run keeps and
how the host process's collector treats it.

Module indexes are kept between checked files up to a budget of AST nodes
(``MAX_RETAINED_NODES``); ``release_modules`` drops the least valuable ones beyond it.
Everything dropped is rebuilt on demand with the same results.

The plugin also changes the host process's garbage collector, because its indexes are
hundreds of thousands of long-lived objects the collector would otherwise rescan:
raised thresholds (``tune_collector``), a collection plus ``gc.freeze()`` between files
(``collect_between_files``) and a freeze at the end of a file (``freeze_file_objects``).
``MANAGE_COLLECTOR`` is the one switch for all of it: set it to False (an embedding host
that runs its own collector policy) and the plugin never touches ``gc``; findings do not
change. Figures behind each constant: benchmarks/README.md, "Design history".
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .run import Run

# The switch: may the plugin change the host process's garbage collector?
MANAGE_COLLECTOR = True

# Module indexes kept between checked files, in AST nodes over all projects (a
# 1,000-line module is about 10,000 nodes and 3 MB with its index and caches).
MAX_RETAINED_NODES = 300_000
# flake8's own peak on a checked file, in kept nodes per line: a large file makes room.
NODES_PER_CHECKED_LINE = 6
# What a release keeps, as a share of the budget (the rest is room for the next files).
KEEP_AFTER_RELEASE = 0.8
# Dropped indexes that cached answers keep alive, as a share of the budget, above which
# every cached answer goes too: memory the budget does not see.
DROPPED_ALIVE_SHARE = 0.25
# Files checked since an index was last used for it to count as recently used: shields
# modules many files import from the trees of files just checked.
RECENT_FILES = 10
# Parsed files shared between projects that reach the same file (rare: scripts folders).
MAX_SHARED_SOURCES = 32
# The collector's thresholds while a run lasts: every file ends in a full collection,
# so the automatic one only guards against one file piling up cyclic garbage.
GC_THRESHOLDS = (1_000_000, 20, 10)


@dataclass
class MemoryCounters:
    """The run's bookkeeping of kept indexes: a clock that ticks once per checked file
    (``Project`` stamps each index's last use with it), the AST nodes of the kept
    indexes, and the nodes outline modules added since they were last counted."""

    clock: int = 0
    retained: int = 0
    grown: int = 0


def budget_for_file(checked_lines: int) -> int:
    """The module budget while a file of ``checked_lines`` lines is checked: flake8's
    peak for a large file comes on top of the kept indexes (at least a quarter stays)."""
    room = NODES_PER_CHECKED_LINE * checked_lines
    return max(MAX_RETAINED_NODES // 4, MAX_RETAINED_NODES - room)


def release_modules(run: Run, budget: int | None = None, new_file: bool = True) -> bool:
    """Between two checked files: once the kept module indexes exceed ``budget`` AST nodes
    (over all projects), drop the least valuable ones (``Project.retained``) down to
    ``KEEP_AFTER_RELEASE`` of the budget, with their cached answers. A dropped index that
    answers cached on kept modules still hold stays alive (and comes back if asked for
    again), so no module ever has two indexes; if those alone exceed
    ``DROPPED_ALIVE_SHARE`` of the budget, every cached answer goes too. Returns whether
    anything was dropped.

    ``new_file=False``: a release between two rule families of one file. The file's
    rules may still hold nodes of dropped indexes, so those stay revivable whatever
    their size, and the clock does not tick."""
    counters = run.memory
    if new_file:
        counters.clock += 1
    counters.retained += counters.grown  # outline modules grow as their defs are asked for
    counters.grown = 0
    budget = MAX_RETAINED_NODES if budget is None else budget
    if counters.retained <= budget:
        return False
    projects = list(run.projects.values())
    kept = [(priority, len(info.parents), project, path, info)
            for project in projects for priority, path, info in project.retained()]
    total = sum(size for _, size, _, _, _ in kept)
    counters.retained = total
    if total <= budget:
        return False
    kept.sort(key=lambda entry: entry[0])
    dropped: dict[int, set[Path]] = {}
    for _, size, project, path, _ in kept:
        if total <= budget * KEEP_AFTER_RELEASE:
            break
        total -= size
        dropped.setdefault(id(project), set()).add(path)
    for project in projects:
        project.forget(dropped.get(id(project), set()))
    counters.retained = total
    run.files.forget_parsed()
    if not new_file:
        return True  # the file being checked may hold dropped indexes: they must come back
    alive = sum(len(info.parents) for project in projects for info in project.dropped_alive())
    if alive > budget * DROPPED_ALIVE_SHARE:
        for project in projects:
            for _, _, info in project.retained():
                info.cache.clear()
            project.forget_dropped()
    return True


def tune_collector() -> None:
    """Raise the collector's thresholds (never lower what someone else raised): the kept
    indexes are long-lived, and scanning them every 700 allocations costs a quarter of
    the plugin's time on a large project."""
    if not MANAGE_COLLECTOR:
        return
    current = gc.get_threshold()
    if current[0] and current[0] < GC_THRESHOLDS[0]:
        gc.set_threshold(*(max(now, ours) for now, ours in zip(current, GC_THRESHOLDS)))


def start_fresh() -> None:
    """A new run: what earlier runs froze becomes collectable again (an editor's language
    server runs flake8 many times in one process)."""
    if MANAGE_COLLECTOR:
        gc.unfreeze()


def collect_between_files(unfreeze: bool) -> None:
    """Free what the files checked so far left in reference cycles (pyflakes' scopes hold
    flake8's whole tree), then freeze the survivors so no collection scans them again.
    Dropped module indexes hold no cycles (their reference counts free them); astroid
    trees are cycles, so after ``release_project_state`` dropped some (``unfreeze``) the
    next collection looks at everything once."""
    if not MANAGE_COLLECTOR:
        return
    if unfreeze:
        gc.unfreeze()
    gc.collect()
    gc.freeze()


def freeze_file_objects() -> None:
    """At the end of a file, freeze what the plugin allocated for it: module indexes and
    cached answers, which hold no reference cycles, so a collection would traverse them
    to find nothing. Not called after a failure (an exception and its traceback are a
    cycle, left to the next collection)."""
    if MANAGE_COLLECTOR:
        gc.freeze()
