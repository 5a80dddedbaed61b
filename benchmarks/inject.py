"""Recall on real code: inject one defect at a time into real endpoints, lint, restore.

Stdlib only. For each chosen corpus project, the ``.py`` files and root markers are
copied once to a scratch folder (the corpus itself is never written). In a seeded sample
of the project's ``async def`` endpoints, one defect at a time is written as the first
statement of the body (imports at the top of the file, helpers at its end or in a new
sibling module), the changed file is linted with ``flake8 --isolated --select=FBP`` from
the copy's root, and the file is restored. A defect is found when its expected code is
reported on the injected line.

    python benchmarks/inject.py --corpus /path/to/.corpus/src --sample 12
    python benchmarks/inject.py --projects dstack --kinds sleep,dropped-coroutine -v
"""

from __future__ import annotations

import argparse
import ast
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import corpus

ROUTE_METHODS = {"get", "post", "put", "patch", "delete", "api_route", "websocket", "head",
                 "options", "trace"}
SKIPPED_PARTS = {"tests", "test", "docs", "docs_src", "examples", "example", "tutorial"}
ROOT_FILES = ("pyproject.toml", "setup.cfg", "setup.py", "tox.ini", ".flake8")
# Projects with tens of ``async def`` endpoints (airflow's API is almost all ``def``).
DEFAULT_PROJECTS = ("fastapi-users", "argilla-server", "dstack", "prefect", "mlflow",
                    "open-webui")
PREFIX = "_fbp_injected"  # every name the harness adds starts with it: no clash
REPORT = re.compile(r"^(?P<path>.+?):(?P<line>\d+):\d+: (?P<code>FBP\d{3}) ")


@dataclass(frozen=True)
class Kind:
    """One defect: its expected code, the statement written in the endpoint, the modules
    it imports (``alias = module``) and what it adds at the end of the file or in a new
    sibling module (``helper_module``)."""

    name: str
    code: str
    statement: str
    imports: tuple[tuple[str, str], ...] = ()
    module_tail: str = ""
    helper_module: str = ""


TIME = ("time", f"{PREFIX}_time")
ASYNCIO = ("asyncio", f"{PREFIX}_asyncio")
SLEEPING_HELPER = f"\n\ndef {PREFIX}_helper():\n    {PREFIX}_time.sleep(1)\n"
KINDS = (
    Kind("sleep", "FBP101", f"{PREFIX}_time.sleep(1)", (TIME,)),
    Kind("http", "FBP102", f'{PREFIX}_requests.get("https://example.com", timeout=5)',
         (("requests", f"{PREFIX}_requests"),)),
    Kind("file", "FBP104", f'{PREFIX}_data = open("/etc/hostname").read()'),
    Kind("subprocess", "FBP105", f'{PREFIX}_subprocess.run(["true"], check=False)',
         (("subprocess", f"{PREFIX}_subprocess"),)),
    Kind("helper-same-module", "FBP107", f"{PREFIX}_helper()", (TIME,),
         module_tail=SLEEPING_HELPER),
    Kind("helper-other-module", "FBP107", f"{PREFIX}_helper()",
         helper_module=f"import time as {PREFIX}_time\n{SLEEPING_HELPER}"),
    Kind("dropped-coroutine", "FBP108", "<an async function of the project>(...)"),
    Kind("dangling-task", "FBP109", f"{PREFIX}_asyncio.create_task({PREFIX}_asyncio.sleep(0))",
         (ASYNCIO,)),
)


@dataclass(frozen=True)
class Endpoint:
    path: Path  # relative to the project root
    name: str
    line: int  # where the first statement of the body starts: the injection line
    indent: str
    async_calls: tuple[str, ...]  # coroutine-function calls it could drop, e.g. ``f(None)``


# ----- finding endpoints ---------------------------------------------------------------------
def is_route(decorator: ast.expr) -> bool:
    """``@router.get(...)``-like: a call of an attribute named after an HTTP method."""
    return isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute) \
        and decorator.func.attr in ROUTE_METHODS


def call_text(name: str, function: ast.AsyncFunctionDef, method: bool) -> str:
    """``name(None, x=None)``: a call passing ``None`` for every required argument."""
    positional = function.args.posonlyargs + function.args.args
    if method:
        positional = positional[1:]
    required = len(positional) - len(function.args.defaults)
    arguments = ["None"] * max(required, 0)
    arguments += [f"{arg.arg}=None" for arg, default in zip(function.args.kwonlyargs,
                                                            function.args.kw_defaults)
                  if default is None]
    return f"{name}({', '.join(arguments)})"


def imported_definitions(root: Path, path: Path, tree: ast.Module,
                         parsed: dict[Path, ast.Module | None]) -> dict[str, ast.AST]:
    """The top-level defs and classes this module binds, its own and those it imports
    by name from project modules, by the name it binds them to."""
    found: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            source = module_file(root, path, node)
            tree_there = parse(source, parsed) if source is not None else None
            defined = {n.name: n for n in getattr(tree_there, "body", [])
                       if isinstance(n, (ast.AsyncFunctionDef, ast.ClassDef))}
            for alias in node.names:
                if alias.name in defined:
                    found[alias.asname or alias.name] = defined[alias.name]
        elif isinstance(node, (ast.AsyncFunctionDef, ast.ClassDef)):
            found[node.name] = node
    return found


def annotation_name(annotation: ast.expr | None) -> str | None:
    """``X`` for ``X``, ``X[...]``, ``Annotated[X, ...]``."""
    if isinstance(annotation, ast.Subscript):
        inner = annotation.slice
        if isinstance(annotation.value, ast.Name) and annotation.value.id == "Annotated" \
                and isinstance(inner, ast.Tuple):
            return annotation_name(inner.elts[0])
        return annotation_name(annotation.value)
    return annotation.id if isinstance(annotation, ast.Name) else None


def dropped_calls(function: ast.AsyncFunctionDef, defined: dict[str, ast.AST]) -> list[str]:
    """Calls of project coroutine functions the endpoint can make: async functions of the
    module or imported from the project, and async methods of its parameters annotated
    with a project class (``user_manager: UserManager = Depends(...)``)."""
    calls = [call_text(name, node, False) for name, node in defined.items()
             if is_coroutine_function(node)]
    for arg in function.args.args + function.args.kwonlyargs:
        owner = defined.get(annotation_name(arg.annotation) or "")
        if isinstance(owner, ast.ClassDef):
            calls += [call_text(f"{arg.arg}.{method.name}", method, True)
                      for method in owner.body if is_coroutine_function(method)
                      and not method.name.startswith("_")]
    return calls


def is_coroutine_function(node: ast.AST) -> bool:
    """An ``async def`` without ``yield``: an async generator is no coroutine."""
    if not isinstance(node, ast.AsyncFunctionDef):
        return False
    inner: list[ast.AST] = list(node.body)
    while inner:
        child = inner.pop()
        if isinstance(child, (ast.Yield, ast.YieldFrom)):
            return False
        if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                  ast.ClassDef)):
            inner.extend(ast.iter_child_nodes(child))
    return True


def module_file(root: Path, path: Path, node: ast.ImportFrom) -> Path | None:
    """The project file ``from X import y`` reads, relative imports included."""
    parts = (node.module or "").split(".")
    if node.level:
        base = (root / path).parent
        for _ in range(node.level - 1):
            base = base.parent
        candidates = [base.joinpath(*parts)]
    else:
        candidates = [folder.joinpath(*parts) for folder in (root, root / "src")]
    for candidate in candidates:
        for file in (candidate.with_suffix(".py"), candidate / "__init__.py"):
            if file.is_file():
                return file
    return None


def parse(path: Path, parsed: dict[Path, ast.Module | None]) -> ast.Module | None:
    if path not in parsed:
        try:
            parsed[path] = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError):
            parsed[path] = None
    return parsed[path]


def endpoints(project: corpus.Project, root: Path) -> list[Endpoint]:
    """Every ``async def`` route of the project's linted folders, outside tests and docs."""
    found: list[Endpoint] = []
    parsed: dict[Path, ast.Module | None] = {}
    for original in corpus.files(project):
        relative = original.relative_to(project.root)
        if SKIPPED_PARTS & set(relative.parts):
            continue
        tree = parse(root / relative, parsed)
        if tree is None:
            continue
        defined = imported_definitions(root, relative, tree, parsed)
        for node in ast.walk(tree):
            if isinstance(node, ast.AsyncFunctionDef) and any(map(is_route, node.decorator_list)):
                first = node.body[0]
                if first.lineno == node.lineno:
                    continue  # ``async def f(): return x``: no line of its own to write on
                found.append(Endpoint(relative, node.name, first.lineno,
                                      " " * first.col_offset,
                                      tuple(dropped_calls(node, defined))))
    return found


# ----- injecting -----------------------------------------------------------------------------
def import_line(tree: ast.Module) -> int:
    """The 0-based line after the module docstring and ``__future__`` imports."""
    line = 0
    for index, node in enumerate(tree.body):
        docstring = index == 0 and isinstance(node, ast.Expr) \
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        if docstring or (isinstance(node, ast.ImportFrom) and node.module == "__future__"):
            line = node.end_lineno or node.lineno
        else:
            break
    return line


def injected_text(source: str, endpoint: Endpoint, kind: Kind,
                  statement: str) -> tuple[str, int]:
    """The file with the defect written in, and the defect's (1-based) line."""
    lines = source.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    imports = [f"import {module} as {alias}\n" for module, alias in kind.imports]
    if kind.helper_module:
        imports.append(f"from .{PREFIX}_helpers import {PREFIX}_helper\n")
    at = endpoint.line - 1
    lines.insert(at, f"{endpoint.indent}{statement}\n")
    top = import_line(ast.parse(source))
    lines[top:top] = imports
    text = "".join(lines) + kind.module_tail
    return text, endpoint.line + len(imports)


@dataclass
class Outcome:
    project: str
    kind: str
    endpoint: Endpoint
    statement: str
    found: bool
    codes: tuple[str, ...]  # what was reported on the injected line


def lint(root: Path, relative: Path, flake8: list[str]) -> list[tuple[int, str]]:
    result = subprocess.run([*flake8, "--isolated", "--select=FBP", str(relative)],
                            cwd=root, capture_output=True, text=True, timeout=600)
    found = []
    for line in result.stdout.splitlines():
        match = REPORT.match(line)
        if match:
            found.append((int(match["line"]), match["code"]))
    return found


def inject_one(root: Path, endpoint: Endpoint, kind: Kind, rng: random.Random,
               flake8: list[str]) -> tuple[str, bool, tuple[str, ...]] | None:
    """Write the defect, lint the file, restore it. None when it cannot be injected."""
    statement = kind.statement
    if kind.name == "dropped-coroutine":
        if not endpoint.async_calls:
            return None
        statement = rng.choice(endpoint.async_calls)
    path = root / endpoint.path
    source = path.read_text(encoding="utf-8")
    helper = path.parent / f"{PREFIX}_helpers.py"
    text, line = injected_text(source, endpoint, kind, statement)
    try:
        ast.parse(text)
    except SyntaxError:
        return None
    try:
        path.write_text(text, encoding="utf-8")
        if kind.helper_module:
            helper.write_text(kind.helper_module, encoding="utf-8")
        reports = lint(root, endpoint.path, flake8)
    finally:
        path.write_text(source, encoding="utf-8")
        helper.unlink(missing_ok=True)
    codes = tuple(sorted({code for at, code in reports if at == line}))
    return statement, kind.code in codes, codes


def scratch_copy(project: corpus.Project, into: Path) -> Path:
    """The project's ``.py`` files and root markers, copied once."""
    target = into / project.key
    if target.exists():
        return target

    def ignore(folder: str, names: list[str]) -> list[str]:
        return [name for name in names if not name.endswith(".py")
                and not (Path(folder, name).is_dir() and not name.startswith("."))
                and not (Path(folder) == project.root and name in ROOT_FILES)]

    shutil.copytree(project.root, target, ignore=ignore)
    return target


def run(projects: list[corpus.Project], kinds: list[Kind], sample: int, seed: int,
        scratch: Path, flake8: list[str], verbose: bool) -> list[Outcome]:
    outcomes = []
    for project in projects:
        root = scratch_copy(project, scratch)
        found = endpoints(project, root)
        chosen = random.Random(seed).sample(found, min(sample, len(found)))
        print(f"{project.name}: {len(found)} async endpoints, {len(chosen)} sampled",
              file=sys.stderr)
        for kind in kinds:
            rng = random.Random(f"{seed}:{kind.name}")
            for endpoint in chosen:
                result = inject_one(root, endpoint, kind, rng, flake8)
                if result is None:
                    continue
                outcome = Outcome(project.name, kind.name, endpoint, *result)
                outcomes.append(outcome)
                if verbose:
                    mark = "ok  " if outcome.found else "MISS"
                    print(f"  {mark} {kind.name:<20} {endpoint.path}:{endpoint.line} "
                          f"{endpoint.name}() {outcome.statement} -> "
                          f"{' '.join(outcome.codes)}", file=sys.stderr)
    return outcomes


# ----- report --------------------------------------------------------------------------------
def table(outcomes: list[Outcome], kinds: list[Kind]) -> str:
    cells: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for outcome in outcomes:
        cells[outcome.project, outcome.kind].append(outcome.found)
        cells["all", outcome.kind].append(outcome.found)
    projects = list(dict.fromkeys(o.project for o in outcomes)) + ["all"]
    header = f"{'kind':<20} {'code':<7}" + "".join(f"{p[:14]:>16}" for p in projects)
    rows = [header, "-" * len(header)]
    for kind in kinds:
        row = f"{kind.name:<20} {kind.code:<7}"
        for project in projects:
            results = cells.get((project, kind.name), [])
            row += f"{sum(results):>6}/{len(results):<3} {recall(results):>5}" if results \
                else f"{'-':>16}"
        rows.append(row)
    return "\n".join(rows)


def recall(results: list[bool]) -> str:
    return f"{sum(results) / len(results):.2f}" if results else "-"


def misses(outcomes: list[Outcome]) -> str:
    lines = [f"{o.project} {o.kind}: {o.endpoint.path}:{o.endpoint.line} {o.endpoint.name}(): "
             f"{o.statement} reported {', '.join(o.codes) or 'nothing'}"
             for o in outcomes if not o.found]
    return "\n".join(lines) or "no misses"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=corpus.SRC,
                        help="folder holding the unpacked projects (default: %(default)s)")
    parser.add_argument("--projects", default=",".join(DEFAULT_PROJECTS),
                        help="comma-separated corpus projects (default: %(default)s)")
    parser.add_argument("--kinds", default=",".join(kind.name for kind in KINDS),
                        help="comma-separated defect kinds (default: all)")
    parser.add_argument("--sample", type=int, default=12, help="endpoints per project")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--python", default=sys.executable,
                        help="interpreter with flake8 and the plugin")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per injection")
    args = parser.parse_args(argv)
    corpus.SRC = args.corpus
    projects = corpus.select(args.projects)
    wanted = set(args.kinds.split(","))
    kinds = [kind for kind in KINDS if kind.name in wanted]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fbp-inject-") as scratch:
        outcomes = run(projects, kinds, args.sample, args.seed, Path(scratch),
                       [args.python, "-m", "flake8"], args.verbose)
    print(table(outcomes, kinds))
    print(f"\nmisses:\n{misses(outcomes)}")
    print(f"\n{len(outcomes)} injections in {time.monotonic() - started:.0f} s")
    all_found = all(sum(r) / len(r) >= 0.95 for r in by_kind(outcomes).values())
    return 0 if all_found else 1


def by_kind(outcomes: list[Outcome]) -> dict[str, list[bool]]:
    found: dict[str, list[bool]] = defaultdict(list)
    for outcome in outcomes:
        found[outcome.kind].append(outcome.found)
    return found


if __name__ == "__main__":
    sys.exit(main())
