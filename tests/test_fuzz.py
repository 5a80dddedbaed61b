"""Property-based fuzzing: no valid Python program makes the plugin raise (FBP000).

Programs come from hypothesmith (the Python grammar, and libCST node trees), as they are
and wrapped in FastAPI scaffolding: every function made ``async`` and registered with
``@app.get``, used as a dependency of generated endpoints, and imported (also with
``import *``) by a second module of the same project. The plugin runs in-process.

A modest number of examples by default; ``FBP_FUZZ_EXAMPLES=2000`` for a long run.
"""

from __future__ import annotations

import ast
import atexit
import itertools
import os
import shutil
import tempfile
import traceback
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
hypothesmith = pytest.importorskip("hypothesmith")

from hypothesis import HealthCheck, given, reject, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from flake8_fastapi_bp.plugin import Plugin  # noqa: E402
from flake8_fastapi_bp.rules import FAMILIES  # noqa: E402

EXAMPLES = int(os.environ.get("FBP_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, print_blob=True,
                suppress_health_check=list(HealthCheck))
PROGRAMS = st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node())
SCAFFOLD = """\
import time

import requests
from fastapi import BackgroundTasks, Depends, FastAPI

app = FastAPI(openapi_url=None)
"""
_ROOT = Path(tempfile.mkdtemp(prefix="fbp-fuzz-"))
atexit.register(shutil.rmtree, _ROOT, True)
(_ROOT / "setup.cfg").write_text("", encoding="utf-8")
_NAMES = itertools.count()


def parse(source: str) -> ast.Module:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        reject()
        raise  # unreachable: reject() raises


def write(name: str, source: str) -> Path:
    path = _ROOT / f"{name}.py"
    try:
        path.write_text(source, encoding="utf-8")
    except UnicodeEncodeError:  # lone surrogates in generated strings
        reject()
    return path


def assert_no_internal_error(path: Path, source: str, tree: ast.Module) -> None:
    """Run the plugin; on FBP000, re-run each family unguarded to show the traceback."""
    reports = list(Plugin(tree, str(path), source.splitlines(keepends=True)).run())
    internal = [text for _, _, text, _ in reports if text.startswith("FBP000")]
    if internal:
        plugin = Plugin(tree, str(path), source.splitlines(keepends=True))
        details = []
        try:
            ctx = plugin._context()
            for family in FAMILIES:
                try:
                    list(family.check(ctx))
                except Exception:  # noqa: BLE001 - collected for the failure message
                    details.append(traceback.format_exc())
        except Exception:  # noqa: BLE001
            details.append(traceback.format_exc())
        pytest.fail(f"{internal}\n--- source ---\n{source}\n--- tracebacks ---\n"
                    + "\n".join(details))


class _Endpoints(ast.NodeTransformer):
    """Every function becomes ``async``; module-level ones are registered as routes."""

    def __init__(self) -> None:
        self.depth = 0
        self.routes = itertools.count()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return self.visit_AsyncFunctionDef(ast.AsyncFunctionDef(**{
            field: getattr(node, field) for field in node._fields}))

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1
        if self.depth == 0:
            route = ast.parse(f'app.get("/r{next(self.routes)}")', mode="eval").body
            node.decorator_list = [route, *node.decorator_list]
        return ast.copy_location(node, node)

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1
        return node


def scaffolded(tree: ast.Module) -> str:
    """The generated module inside an app: async routes, plus endpoints that use each
    top-level function as a dependency and background task."""
    names = [node.name for node in tree.body
             if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    body = ast.unparse(ast.fix_missing_locations(_Endpoints().visit(tree)))
    users = [f'@app.post("/use{index}")\n'
             f"async def use_{index}(tasks: BackgroundTasks, dep=Depends({name})):\n"
             f"    tasks.add_task({name})\n    time.sleep(0)\n    return {name}()\n"
             for index, name in enumerate(names)]
    return "\n".join([SCAFFOLD, body, *users])


def importer(module: str, tree: ast.Module) -> str:
    """A second project module that reaches the generated one's names."""
    names = sorted({target.id for node in tree.body for target in _bound(node)})
    lines = [f"from {module} import *", f"import {module}", "", "", "async def use():"]
    lines += [f"    {module}.{name}.attribute().call()\n    {name}()" for name in names]
    lines.append("    return None")
    return "\n".join(lines) + "\n"


def _bound(node: ast.stmt) -> list[ast.Name]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [ast.Name(node.name)]
    if isinstance(node, ast.Assign):
        return [t for t in node.targets if isinstance(t, ast.Name)]
    return []


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@FUZZ
@given(PROGRAMS)
def test_generated_programs_never_make_the_plugin_raise(source: str) -> None:
    tree = parse(source)
    path = write(f"gen_{next(_NAMES)}", source)
    assert_no_internal_error(path, source, tree)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@FUZZ
@given(PROGRAMS)
def test_generated_programs_in_fastapi_scaffolding(source: str) -> None:
    tree = parse(source)
    try:
        wrapped = scaffolded(tree)
    except (RecursionError, ValueError):
        reject()
    wrapped_tree = parse(wrapped)
    module = f"app_{next(_NAMES)}"
    path = write(module, wrapped)
    assert_no_internal_error(path, wrapped, wrapped_tree)
    user = importer(module, wrapped_tree)
    user_path = write(f"{module}_user", user)
    assert_no_internal_error(user_path, user, parse(user))


def test_scaffolding_exercises_the_fastapi_model(tmp_path: Path) -> None:
    """The wrapper produces what it claims: routes, dependencies, tasks, imports."""
    tree = ast.parse("def f(x=1):\n    return x\n\nclass C:\n    def m(self): ...\n")
    wrapped = scaffolded(tree)
    assert "@app.get('/r0')\nasync def f(x=1)" in wrapped
    assert "async def m(self)" in wrapped and "@app.get('/r1')" not in wrapped
    assert "dep=Depends(f)" in wrapped and "tasks.add_task(f)" in wrapped
    path = write(f"scaffold_{next(_NAMES)}", wrapped)
    reports = list(Plugin(ast.parse(wrapped), str(path), wrapped.splitlines(True)).run())
    assert [text.split()[0] for _, _, text, _ in reports] == ["FBP101"]
    user = importer(path.stem, ast.parse(wrapped))
    assert "from scaffold_" in user and "    f()" in user
