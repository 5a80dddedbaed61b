"""Cost controls of the shared layer: bounded memory without changing any finding, the
one-walk module index, astroid's caches released, and the FBP_PROFILE phase split.
(Timings themselves are measured by ``benchmarks/run.py``, never by a test.)"""

from __future__ import annotations

import argparse
import ast
import gc
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from cli_runner import flake8_env
from fixture_runner import fixture_files, run_plugin
from project_helpers import imported_helper, write_project

import flake8_fastapi_bp.plugin as plugin_module
from flake8_fastapi_bp.resolve import infer as infer_module
from flake8_fastapi_bp.resolve import memory as memory_module
from flake8_fastapi_bp.resolve import project as project_module
from flake8_fastapi_bp.resolve.module import ModuleInfo
from flake8_fastapi_bp.resolve.outline import OutlineModule
from flake8_fastapi_bp.resolve.run import Run
from flake8_fastapi_bp.rules import event_loop


def retained_nodes() -> int:
    return sum(len(info.parents) for project in plugin_module.Plugin.run_state().projects.values()
               for _, _, info in project.retained())


def run_all_fixtures(monkeypatch: pytest.MonkeyPatch, budget: int,
                     files: list[Path]) -> tuple[dict[Path, list[tuple[int, str]]], int]:
    """Every fixture's reports with ``budget`` retained nodes, and how many times module
    indexes were dropped; after each drop the kept indexes must fit the budget."""
    monkeypatch.setattr(memory_module, "MAX_RETAINED_NODES", budget)
    released = []

    def release(run: Run, budget: int | None = None, new_file: bool = True) -> bool:
        dropped = memory_module.release_modules(run, budget, new_file=new_file)
        if dropped:
            released.append(retained_nodes())
        return dropped

    monkeypatch.setattr(plugin_module, "release_modules", release)
    found = {path: run_plugin(path) for path in files}
    keep = budget * memory_module.KEEP_AFTER_RELEASE
    assert all(size <= keep for size in released), released
    return found, len(released)


def test_dropping_module_indexes_between_files_changes_no_finding(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Budgets that drop indexes (and cached answers) before nearly each file and each
    rule family, or now and then, give exactly the findings of a budget that keeps
    everything, in any order."""
    files = fixture_files()
    roomy, drops = run_all_fixtures(monkeypatch, 10**9, list(reversed(files)))
    assert drops == 0 and sum(map(len, roomy.values())) >= 100
    for budget, least in ((1, len(files) // 2), (3_000, 3)):
        tight, drops = run_all_fixtures(monkeypatch, budget, files)
        assert drops >= least, f"budget {budget}: too few drops to test anything"
        assert tight == roomy


def test_a_dropped_index_that_answers_still_hold_comes_back(tmp_path: Path) -> None:
    """One index per file across a release: a kept module's cached answer still points
    into the dropped module, so asking for that module again gives the same object."""
    checked, definition = imported_helper(tmp_path, "def helper():\n    return 1\n")
    checked.project.forget({definition.module.path})
    assert checked.project.module("app.b") is definition.module


def test_a_large_checked_file_makes_room_in_the_module_budget(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """flake8's own peak for a large file comes on top of the kept indexes: while it is
    checked, the budget is smaller by its lines (at least a quarter stays)."""
    monkeypatch.setattr(memory_module, "MAX_RETAINED_NODES", 100_000)
    per_line = memory_module.NODES_PER_CHECKED_LINE
    assert memory_module.budget_for_file(0) == 100_000
    assert memory_module.budget_for_file(1_000) == 100_000 - 1_000 * per_line
    assert memory_module.budget_for_file(10**7) == 25_000
    budgets: list[int | None] = []
    original = plugin_module.release_modules

    def release_modules(run: Run, budget: int | None = None, new_file: bool = True) -> bool:
        budgets.append(budget)
        return original(run, budget, new_file)

    monkeypatch.setattr(plugin_module, "release_modules", release_modules)
    main = _project_with_a_helper(tmp_path)
    main.write_text(main.read_text() + "\n" * 2_000)
    run_plugin(main)
    assert budgets and set(budgets) == {100_000 - main.read_text().count("\n") * per_line}


def test_another_module_keeps_only_the_defs_asked_for(tmp_path: Path) -> None:
    """However small, another module is read as an outline: finding ``helper`` parses
    ``helper``, not the class beside it, so the budget holds more useful modules."""
    checked, definition = imported_helper(
        tmp_path, "import os\n\ndef helper():\n    return os.getcwd()\n\n"
                  "class Unused:\n    def method(self):\n        return [1, 2, 3]\n")
    module = definition.module
    assert isinstance(module, OutlineModule)
    assert not any(isinstance(node, ast.ClassDef) for node in module.parents)
    assert len(module.parents) < 15


@pytest.mark.parametrize("outline", [True, False], ids=["outline", "whole"])
def test_a_dropped_index_is_freed_without_the_collector(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, outline: bool) -> None:
    """Between files the plugin freezes whatever survived (``collect_between_files``):
    the collector never sees those objects again, so an index dropped later must hold no
    reference cycle, or it would stay in memory for the rest of the run."""
    monkeypatch.setattr(project_module, "OUTLINE_MIN_CHARS", 0 if outline else 10**9)
    checked, definition = imported_helper(
        tmp_path, "import os\n\ndef helper():\n    return os.getcwd()\n\nclass C:\n    pass\n")
    assert isinstance(definition.module, OutlineModule) == outline
    dropped = weakref.ref(definition.module)
    paths = {path for _, path, _ in checked.project.retained()}
    del definition
    gc.disable()
    try:
        checked.project.forget(paths)
        checked.project.forget_dropped()
        assert dropped() is None
    finally:
        gc.enable()


def _project_with_a_helper(tmp_path: Path) -> Path:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/helpers.py": "def helper():\n    return 1\n",
        "app/main.py": "from app.helpers import helper\n\nasync def f():\n    helper()\n",
    })
    return tmp_path / "app" / "main.py"


def _tracked(objects: list[object]) -> set[int]:
    ids = {id(obj) for obj in objects}
    return {id(obj) for obj in gc.get_objects() if id(obj) in ids}


@pytest.mark.parametrize("fails", [False, True], ids=["clean", "failing"])
def test_what_the_plugin_made_for_a_file_is_frozen_unless_a_rule_failed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fails: bool) -> None:
    """The plugin's allocations hold no reference cycles, so the end of a file freezes
    them: the next collection does not traverse the module indexes a file read. After a
    failure they are left to it (an exception and its traceback are a cycle)."""
    if fails:
        monkeypatch.setattr(event_loop, "check", lambda ctx: 1 / 0)
    main = _project_with_a_helper(tmp_path)
    run_plugin(main)
    helper = plugin_module.Plugin.run_state().project_for(main).module("app.helpers")
    assert helper is not None
    assert bool(_tracked([helper, helper.tree])) == fails


def test_a_new_flake8_run_unfreezes_what_the_last_run_froze(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Editors' language servers run flake8 again and again in one process: what one run
    froze between files must be collectable again once the next run starts, or each run
    would leave its reference cycles in memory for good."""
    monkeypatch.setattr(plugin_module.Plugin, "settings", plugin_module.Plugin.settings)
    memory_module.collect_between_files(unfreeze=False)
    assert gc.get_freeze_count() > 0
    plugin_module.Plugin.parse_options(argparse.Namespace())
    assert gc.get_freeze_count() == 0


def test_a_new_flake8_run_sees_the_files_as_they_are_now(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A language server runs flake8 again after each save, in the same process: the next
    run must not answer from an earlier run's index of a module edited since."""
    from project_helpers import write_project

    monkeypatch.setattr(plugin_module.Plugin, "settings", plugin_module.Plugin.settings)
    root = write_project(tmp_path / "edited", {
        "app/__init__.py": "",
        "app/helpers.py": "def settle():\n    return 1\n",
        "app/api.py": "from app.helpers import settle\n\n\n"
                      "async def endpoint():\n    settle()\n",
    })
    api = root / "app" / "api.py"

    def codes() -> list[str]:
        source = api.read_text(encoding="utf-8")
        plugin = plugin_module.Plugin(ast.parse(source), str(api), source.splitlines(True))
        return [text.split()[0] for _, _, text, _ in plugin.run()]

    assert codes() == []
    (root / "app" / "helpers.py").write_text(
        "import time\n\n\ndef settle():\n    time.sleep(1)\n", encoding="utf-8")
    plugin_module.Plugin.parse_options(argparse.Namespace())
    assert codes() == ["FBP107"]


def test_module_index_walks_like_iter_child_nodes() -> None:
    """The inlined walk of ``_Indexer`` visits nodes in ``ast.iter_child_nodes`` stack
    order (rules rely on the order of ``calls``) and records every parent."""
    source = (Path(__file__).parent / "test_performance.py").read_text(encoding="utf-8")
    source += "\nasync def f(a, *b, c=d(), **e):\n    async with g() as h, i():\n" \
              "        async for j in k(l):\n            await m(lambda n: o(n))[p()]\n" \
              "    match q():\n        case {'r': s, **t} if u(s):\n            v(t)\n" \
              "    return [w(x) for x in y() if z(x)]\n"
    tree = ast.parse(source)
    info = ModuleInfo(tree, None, "m")
    calls, parents = [], {}
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr_context):
                continue
            parents[child] = node
            if isinstance(child, ast.Call):
                calls.append(child)
            stack.append(child)
    assert info.calls == calls and len(calls) > 50
    assert info.parents == parents


def test_astroid_forgets_project_modules_and_keeps_libraries(tmp_path: Path) -> None:
    astroid = pytest.importorskip("astroid")
    write_project(tmp_path, {"fbp_released_module.py": "import os\nVALUE = os.sep\n"})
    built = astroid.MANAGER.ast_from_file(str(tmp_path / "fbp_released_module.py"),
                                          "fbp_released_module")
    assert next(built.igetattr("VALUE")) is not None  # infers through the os module
    cache = astroid.MANAGER.astroid_cache
    assert "fbp_released_module" in cache and "os" in cache
    infer_module.release_project_state()
    assert "fbp_released_module" not in cache
    assert "os" in cache


def test_profile_splits_the_time_by_phase(tmp_path: Path) -> None:
    """``FBP_PROFILE=1``: one ``FBP_PROFILE <phase> <seconds>s`` line per phase, each
    second counted once (the phases add up to no more than the process's CPU time)."""
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/helpers.py": """
            import time


            def pause():
                time.sleep(1)
        """,
        "app/main.py": """
            from fastapi import Depends, FastAPI

            from app.helpers import pause

            app = FastAPI(openapi_url=None)


            def settings():
                return dict(debug=False)


            def elsewhere():  # a dependency of another module? (the project text scan)
                return len("x")


            @app.get("/")
            async def index(config=Depends(settings)):
                pause()
        """,
    })
    env = flake8_env()
    env["FBP_PROFILE"] = "1"
    script = ("import resource, sys\nfrom flake8.main.cli import main\n"
              "try:\n    main(sys.argv[1:])\nfinally:\n"
              "    usage = resource.getrusage(resource.RUSAGE_SELF)\n"
              "    print('CPU', usage.ru_utime + usage.ru_stime, file=sys.stderr)\n")
    run = subprocess.run([sys.executable, "-c", script, "--isolated", "--select", "FBP",
                          "app/main.py"], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=120)
    assert "FBP107" in run.stdout, run.stdout + run.stderr
    lines = [line.split() for line in run.stderr.splitlines()
             if line.startswith("FBP_PROFILE ")]
    phases = {name: float(seconds.rstrip("s")) for _, name, seconds in lines}
    assert {"index", "project-modules", "resolution", "import-scan",
            "rules.event_loop", "rules.security"} <= set(phases), run.stderr
    cpu = float(next(line for line in run.stderr.splitlines()
                     if line.startswith("CPU ")).split()[1])
    assert sum(phases.values()) <= cpu


# ----- the walks read only the fields that can hold nodes ---------------------------------
WALK_SAMPLE = '''
import a.b as c
from . import d
@deco(x=1)
async def f(p: int = 2, /, *args, k: "T" = None, **kw) -> list[int]:
    global g
    async with c.open() as (h, i):
        async for j in h:
            y = [k async for k in j if k > 1 and not k]
    try:
        match y:
            case {"a": 1, **rest} | [1, *other] if rest:
                pass
            case Point(x=0) as p:
                pass
    except (ValueError, KeyError) as err:
        raise RuntimeError(f"{err!r:>10}") from err
    lambda q=1: q ** -2
    del y[0], c.x
    return (yield from z) if p else await w
class K(Base, metaclass=M):
    attr: int = 3
    x += 1
'''


def test_child_fields_walk_every_node_but_the_context_markers() -> None:
    from flake8_fastapi_bp.resolve.walking import walk
    from flake8_fastapi_bp.syntax import CHILD_FIELDS

    contexts = (ast.Load, ast.Store, ast.Del)
    for source in (WALK_SAMPLE, Path(plugin_module.__file__).read_text()):
        tree = ast.parse(source)
        expected = [n for n in ast.walk(tree) if not isinstance(n, contexts)]
        assert list(walk(tree)) == expected
    assert CHILD_FIELDS[ast.Name] == () and CHILD_FIELDS[ast.Attribute] == ("value",)
    for node_type in {type(n) for n in ast.walk(ast.parse(WALK_SAMPLE))}:
        assert set(CHILD_FIELDS[node_type]) <= set(node_type._fields)
