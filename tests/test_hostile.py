"""Hostile input: no file stops a flake8 run, each ends in a result or one FBP000.

Every input is generated here (never checked in as a huge file) and checked by the real
``flake8`` command in a subprocess. Each test states its time bound in seconds; the bounds
are generous (several times what an idle machine needs) so that a loaded CI box passes
while an exponential blow-up or a hang still fails.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from flake8_fastapi_bp.plugin import Plugin
from cli_runner import flake8_env
from project_helpers import write_project

# flake8's own checks (pyflakes) recurse once per nesting level: under the default
# recursion limit they give up long before CPython's parser does. To show that *our*
# plugin survives the deepest input CPython accepts, this launcher runs the real flake8
# CLI with a high recursion limit in a thread with a large stack.
DEEP_LAUNCHER = """
import sys, threading
sys.setrecursionlimit(200_000)
threading.stack_size(512 * 1024 * 1024)
from flake8.main.cli import main
exit_code = []

def run():
    try:
        exit_code.append(main(sys.argv[1:]))
    except SystemExit as exc:
        exit_code.append(exc.code)

thread = threading.Thread(target=run)
thread.start()
thread.join()
sys.exit(exit_code[0] if exit_code else 70)
"""


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def reports(self) -> list[tuple[str, int, str]]:
        """(file name, line, code) of every FBP report, in output order."""
        found = []
        for line in self.stdout.splitlines():
            parts = line.split(":", 3)
            if len(parts) == 4 and parts[1].isdigit() and parts[3].split()[0].startswith("FBP"):
                found.append((Path(parts[0]).name, int(parts[1]), parts[3].split()[0]))
        return found

    def codes(self, name: str) -> list[tuple[int, str]]:
        return [(line, code) for file, line, code in self.reports() if file == name]


def flake8(cwd: Path, *args: str, bound: float, launcher: str | None = None,
           env_extra: dict[str, str] | None = None) -> Run:
    """The real flake8 command (``--select FBP``) in ``cwd``; asserts a normal exit,
    no traceback, at most one FBP000 per file, and the time bound in seconds."""
    command = [sys.executable, "-m", "flake8"] if launcher is None else [
        sys.executable, "-c", launcher]
    env = flake8_env()
    env.update(env_extra or {})
    started = time.monotonic()
    done = subprocess.run([*command, "--select", "FBP", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=bound * 3)
    run = Run(done.returncode, done.stdout, done.stderr, time.monotonic() - started)
    assert run.returncode in (0, 1), run.stderr[-3000:]
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    internal = [file for file, _, code in run.reports() if code == "FBP000"]
    assert len(internal) == len(set(internal)), run.stdout
    assert run.seconds < bound, f"{run.seconds:.1f}s > {bound}s"
    return run


def project(root: Path, files: dict[str, str]) -> Path:
    return write_project(root, files)


def line_of(source: str, marker: str) -> int:
    """The 1-based line of the first line containing ``marker``."""
    return next(number for number, line in enumerate(source.splitlines(), start=1)
                if marker in line)


# ----- size ------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_50000_line_module(tmp_path: Path) -> None:
    """Bound: 180 s for the whole flake8 run (flake8's own pycodestyle/pyflakes passes
    take most of it); our own share, measured by FBP_PROFILE, within 60 s."""
    lines = ["import time", "", "from fastapi import FastAPI", "",
             "app = FastAPI(openapi_url=None)", ""]
    index = 0
    while len(lines) < 50_000:
        lines += [f"def helper_{index}(x):", f"    y = x + {index}",
                  f"    return helper_{max(index - 1, 0)}(y) if x else y", "", "",
                  f"@app.get('/r{index}')", f"async def route_{index}(q: int):",
                  f"    return {{'k': [q, {index}]}}", "", ""]
        index += 1
    lines += ["async def last():", "    time.sleep(1)  # the only finding", ""]
    source = "\n".join(lines)
    project(tmp_path, {"big.py": source})
    run = flake8(tmp_path, "big.py", bound=180, env_extra={"FBP_PROFILE": "1"})
    assert run.codes("big.py") == [(line_of(source, "the only finding"), "FBP101")]
    phases = [float(line.split()[2].rstrip("s")) for line in run.stderr.splitlines()
              if line.startswith("FBP_PROFILE ")]
    assert phases and sum(phases) < 60, run.stderr


def test_a_5000_element_literal(tmp_path: Path) -> None:
    """Bound: 60 s."""
    items = ", ".join(f"'k{i}': [{i}, {{{i}}}, ({i},)]" for i in range(5_000))
    source = textwrap.dedent(f"""\
        import time

        TABLE = {{{items}}}
        NUMBERS = [{", ".join(str(i) for i in range(5_000))}]


        async def handler():
            values = [{", ".join(f"f(x{i})" for i in range(5_000))}]
            time.sleep(1)
            return values
    """)
    project(tmp_path, {"literal.py": source})
    run = flake8(tmp_path, "literal.py", bound=60)
    assert run.codes("literal.py") == [(line_of(source, "time.sleep(1)"), "FBP101")]


# ----- nesting ---------------------------------------------------------------------------
def deepest(make: Callable[[int], str], high: int = 100_000) -> int:
    """The largest n for which CPython still parses ``make(n)``."""
    low, best = 1, 0
    while low <= high:
        middle = (low + high) // 2
        try:
            compile(make(middle), "<deep>", "exec", ast.PyCF_ONLY_AST)
            best, low = middle, middle + 1
        except (SyntaxError, RecursionError, MemoryError, ValueError):
            high = middle - 1
    return best


def in_async_function(expression: str) -> str:
    """The expression in an async function that also makes a library call whose result
    type only astroid knows (so inference, when installed, builds this deep tree)."""
    return f"import time\n\nimport requests\n\n\nasync def handler(a, b, f):\n" \
           f"    x = {expression}\n    requests.request('GET', 'u', timeout=1).json()\n" \
           "    time.sleep(1)\n    return x\n"


NESTED_EXPRESSIONS: dict[str, Callable[[int], str]] = {
    "parentheses": lambda n: "(" * n + "a" + ")" * n,
    "unary": lambda n: "-" * n + "a",
    "not": lambda n: "not " * n + "a",
    "binary": lambda n: " + ".join(["a"] * n),
    "attributes": lambda n: "a" + ".b" * n,
    "calls": lambda n: "f" + "()" * n,
    "subscripts": lambda n: "a" + "[0]" * n,
    "lists": lambda n: "[" * n + "]" * n,
    "lambdas": lambda n: "lambda: " * n + "a",
    "conditionals": lambda n: "a if b else " * n + "a",
    "comprehensions": lambda n: "[" * n + "a" + " for a in b]" * n,
}


@pytest.mark.slow
def test_nesting_to_the_depth_cpython_parses(tmp_path: Path) -> None:
    """Each expression shape nested as deep as CPython parses; also the deepest block
    nesting the tokenizer accepts (100 indentation levels). Bound: 120 s for all files."""
    files: dict[str, str] = {}
    for shape, make in NESTED_EXPRESSIONS.items():
        depth = deepest(lambda n, make=make: in_async_function(make(n)), high=20_000)
        assert depth >= 50, shape
        files[f"deep_{shape}.py"] = in_async_function(make(depth))
    blocks = deepest(lambda n: nested_blocks(n), high=500)
    files["deep_blocks.py"] = nested_blocks(blocks)
    files["deep_defs.py"] = nested_defs(deepest(nested_defs, high=500))
    project(tmp_path, files)
    run = flake8(tmp_path, *sorted(files), bound=120, launcher=DEEP_LAUNCHER)
    for name, source in files.items():
        assert run.codes(name) == blocking_lines(source), name
    # The plugin itself does not lean on that recursion limit: in-process, under the
    # default limit, the same trees give the same result.
    for name, source in files.items():
        assert plugin_codes(tmp_path / name, source) == blocking_lines(source), name


def blocking_lines(source: str) -> list[tuple[int, str]]:
    """Where the generated sources make their blocking calls."""
    found = []
    for number, line in enumerate(source.splitlines(), start=1):
        if "requests.request(" in line:
            found.append((number, "FBP102"))
        if "time.sleep(1)" in line:
            found.append((number, "FBP101"))
    return found


def plugin_codes(path: Path, source: str) -> list[tuple[int, str]]:
    """The plugin in-process on a tree parsed under a raised recursion limit (CPython's
    AST conversion counts against it), run under the default limit."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 100_000))
    try:
        tree = ast.parse(source)
    finally:
        sys.setrecursionlimit(limit)
    plugin = Plugin(tree, str(path), source.splitlines(keepends=True))
    return [(line, text.split()[0]) for line, _, text, _ in plugin.run()]


def nested_blocks(depth: int) -> str:
    lines = ["import time", "", "", "async def handler(a):"]
    kinds = ["if a:", "for a in a:", "while a:", "with a:", "try:"]
    for level in range(depth):
        kind = kinds[level % len(kinds)]
        lines.append("    " * (level + 1) + kind)
    lines.append("    " * (depth + 1) + "time.sleep(1)")
    for level in reversed(range(depth)):
        if kinds[level % len(kinds)] == "try:":
            lines.append("    " * (level + 1) + "finally:")
            lines.append("    " * (level + 2) + "pass")
    return "\n".join(lines) + "\n"


def nested_defs(depth: int) -> str:
    lines = ["import time", ""]
    for level in range(depth):
        keyword = "async def" if (depth - level) % 2 else "def"  # the innermost is async
        lines.append("    " * level + f"@decorator({level})")
        lines.append("    " * level + f"{keyword} f{level}(x=time.sleep):")
    lines.append("    " * depth + "time.sleep(1)")
    return "\n".join(lines) + "\n"


def test_moderate_nesting_with_stock_flake8(tmp_path: Path) -> None:
    """The nesting flake8's own checks handle under the default recursion limit: our
    plugin must not be the one that fails. Bound: 60 s."""
    files = {f"nested_{shape}.py": in_async_function(make(120))
             for shape, make in NESTED_EXPRESSIONS.items()}
    files["nested_blocks.py"] = nested_blocks(60)
    project(tmp_path, files)
    run = flake8(tmp_path, *sorted(files), bound=60)
    for name, source in files.items():
        assert run.codes(name) == blocking_lines(source), name


# ----- call graphs and imports ----------------------------------------------------------
@pytest.mark.slow
def test_2000_functions_calling_each_other_in_a_chain(tmp_path: Path) -> None:
    """FBP107 explores at most --fbp-call-depth project functions and caches what it
    learns: 2,000 callers of one chain stay fast, at the default depth and at the
    largest. Bound: 90 s per run."""
    count = 2_000
    lines = ["import time", "", ""]
    for index in range(count - 1):
        lines += [f"def f{index}(x):", f"    return f{index + 1}(x)", "", ""]
    lines += [f"def f{count - 1}(x):", "    time.sleep(x)", "", ""]
    lines += ["def loop_a(x):", "    return loop_b(x)", "", "", "def loop_b(x):",
              "    return loop_a(x) or f0(x)", "", ""]
    lines += ["async def near():", f"    f{count - 3}(1)  # three functions from the sleep",
              "", "", "async def far():", "    f0(1)", "    loop_a(1)", "", ""]
    for index in range(count):
        lines += [f"async def caller_{index}():", f"    return f{index}(1)", "", ""]
    source = "\n".join(lines)
    project(tmp_path, {"chain.py": source})
    run = flake8(tmp_path, "chain.py", bound=90)
    found = run.codes("chain.py")
    assert "FBP000" not in {code for _, code in found}
    near = line_of(source, "three functions from the sleep")
    assert (near, "FBP107") in found
    assert not [line for line, code in found if line < near]  # f0(1) is 2,000 deep
    callers = [line for line, code in found if code == "FBP107" and line > near]
    assert len(callers) == 3  # caller_1997 .. caller_1999
    deeper = flake8(tmp_path, "--fbp-call-depth=10", "chain.py", bound=90).codes("chain.py")
    assert len([line for line, code in deeper if code == "FBP107" and line > near]) == 10


def test_import_cycles_and_a_module_importing_itself(tmp_path: Path) -> None:
    """Bound: 60 s."""
    files = {
        "app/__init__.py": "",
        "app/a.py": """
            import time

            from app.b import helper_b
            from app.a import helper_a

            def helper_a():
                return helper_b()

            async def in_a():
                helper_a()
                time.sleep(1)
        """,
        "app/b.py": """
            from app.a import helper_a

            def helper_b():
                return helper_a()
        """,
        "app/c.py": """
            from app.d import value
            value = value
        """,
        "app/d.py": """
            from app.e import value
        """,
        "app/e.py": """
            import time
            from app.c import value

            async def in_e():
                value.get("k")
                time.sleep(1)
        """,
        "app/itself.py": """
            import time
            import app.itself
            from app.itself import *
            from app.itself import thing as thing

            async def uses_itself():
                app.itself.thing()
                thing.get()
                time.sleep(1)
        """,
    }
    project(tmp_path, files)
    names = sorted(name for name in files if not name.endswith("__init__.py"))
    run = flake8(tmp_path, *names, bound=60)
    assert [code for _, code in run.codes("a.py")] == ["FBP101"]
    assert [code for _, code in run.codes("e.py")] == ["FBP101"]
    assert [code for _, code in run.codes("itself.py")] == ["FBP101"]
    assert not run.codes("b.py") and not run.codes("c.py") and not run.codes("d.py")


def test_star_import_of_a_project_module(tmp_path: Path) -> None:
    """Bound: 60 s."""
    project(tmp_path, {
        "app/__init__.py": "from app.clients import *\n",
        "app/clients.py": """
            import requests

            http = requests.Session()
            __all__ = ["http"]
        """,
        "app/main.py": """
            from app import *
            from app.clients import *

            async def handler():
                http.get("u", timeout=1)
        """,
    })
    run = flake8(tmp_path, "app", bound=60)
    assert run.codes("main.py") == [(5, "FBP102")]


def test_missing_unparsable_and_shadowing_modules(tmp_path: Path) -> None:
    """A module that does not exist, one that does not parse (flake8 reports E999 for it
    and checks the others), and a project ``requests.py`` shadowing the library.
    Bound: 60 s."""
    project(tmp_path, {
        "app/__init__.py": "",
        "app/broken.py": "def broken(:\n    pass\n",
        "app/requests.py": """
            def get(url):
                return url
        """,
        "app/main.py": """
            import time

            from app import requests
            from app.broken import broken
            from app.missing import client

            async def handler():
                broken()
                client.get("u")
                requests.get("u")
                time.sleep(1)
        """,
        "scripts/requests.py": """
            def post(url):
                return url
        """,
        "scripts/job.py": """
            import time

            import requests

            async def job():
                requests.post("u")
                requests.get("u")
                time.sleep(1)
        """,
    })
    run = subprocess.run([sys.executable, "-m", "flake8", "--select", "FBP,E999", "."],
                         cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert "broken.py:1:" in run.stdout and "E999" in run.stdout
    checked = flake8(tmp_path, "app/main.py", "scripts/job.py", bound=60)
    assert [code for _, code in checked.codes("main.py")] == ["FBP101"]
    # scripts/requests.py shadows the library for its sibling script: not reported
    assert [code for _, code in checked.codes("job.py")] == ["FBP101"]


# ----- inference --------------------------------------------------------------------------
@pytest.mark.slow
def test_reassignment_chains_that_make_inference_explode(tmp_path: Path) -> None:
    """A 3,000-step ``a = b`` chain and 40 levels of if/else (2**40 paths). Annotated
    names at the end let our resolver type the receivers at once, so that (with the
    libraries installed) astroid is asked to infer the calls through the whole chain.
    Bound: 120 s."""
    chain = ["    a0 = requests.Session()"]
    chain += [f"    a{i} = a{i - 1}" for i in range(1, 3_000)]
    branches = ["    b0 = requests.Session()"]
    for level in range(1, 41):
        branches += [f"    if flag & {level}:", f"        b{level} = b{level - 1}",
                     "    else:", f"        b{level} = b{level - 1}"]
    source = "\n".join([
        "import time", "", "import requests", "", "",
        "async def chained(flag):", *chain,
        "    a2999.request('GET', 'u').json()",
        "    last: requests.Session = a2999",
        "    last.request('GET', 'u', timeout=1).json()  # typed end of the chain",
        "    a10.request('GET', 'u', timeout=1)  # near the start of the chain",
        "    time.sleep(1)", "", "",
        "async def branching(flag):", *branches,
        "    b40.request('GET', 'u', timeout=1).json()",
        "    last: requests.Session = b40",
        "    last.request('GET', 'u', timeout=1).json()  # typed end of the branches",
        "    b3.request('GET', 'u', timeout=1)  # three branches deep",
        "    time.sleep(1)", "",
    ])
    project(tmp_path, {"explode.py": source})
    run = flake8(tmp_path, "explode.py", bound=120)
    found = run.codes("explode.py")
    for marker in ("typed end of the chain", "near the start of the chain",
                   "typed end of the branches", "three branches deep"):
        assert (line_of(source, marker), "FBP102") in found, marker
    assert [code for _, code in found].count("FBP101") == 2
    assert "FBP000" not in {code for _, code in found}


# ----- odd syntax ------------------------------------------------------------------------
def test_star_args_and_decorators_everywhere(tmp_path: Path) -> None:
    """Bound: 60 s."""
    source = textwrap.dedent("""\
        import functools
        import time

        from fastapi import APIRouter, BackgroundTasks, Depends, FastAPI
        from starlette.routing import Route

        config = {"openapi_url": None}
        app = FastAPI(**config)
        router = APIRouter(*[], **{})
        deps = [Depends(*[])]
        paths = ["/a"]


        def decorator(*args, **kwargs):
            return lambda f: f


        @decorator
        @decorator(*paths, **config)
        @functools.lru_cache(*[], **{})
        @(lambda f: f)
        @app.get(*paths, **config)
        @router.post(*paths, dependencies=[*deps])
        async def endpoint(*args, tasks: BackgroundTasks, **kwargs):
            tasks.add_task(*args, **kwargs)
            time.sleep(*args)
            return Depends(*args)(**kwargs)


        @app.middleware(*paths)
        @app.exception_handler(*[ValueError])
        async def everything(*args, **kwargs):
            return await kwargs["call_next"](*args)


        app.add_api_route(*paths, **config)
        app.add_api_route("/b", *[endpoint])
        routes = [Route(*paths), Route(*paths, **config)]
        app.include_router(*[router], **config)
    """)
    project(tmp_path, {"stars.py": source})
    run = flake8(tmp_path, "stars.py", bound=60)
    assert run.codes("stars.py") == [(line_of(source, "time.sleep(*args)"), "FBP101")]


# ----- encodings --------------------------------------------------------------------------
def test_encodings(tmp_path: Path) -> None:
    """UTF-8 with a BOM, Latin-1 with a coding cookie, invalid UTF-8 without one (flake8
    reads it as Latin-1), CRLF line ends, UTF-16 (flake8: E999, the plugin is not run),
    and a checked file importing modules that cannot be decoded. Bound: 60 s."""
    body = "import time\n\n\nasync def handler():\n    name = 'caf\u00e9'\n" \
           "    time.sleep(1)\n    return name\n"
    (tmp_path / "setup.cfg").write_text("", encoding="utf-8")
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    (tmp_path / "cookie.py").write_bytes(("# -*- coding: latin-1 -*-\n" + body)
                                         .encode("latin-1"))
    (tmp_path / "undeclared.py").write_bytes(body.encode("latin-1"))
    (tmp_path / "crlf.py").write_bytes(body.replace("\n", "\r\n").encode("utf-8"))
    (tmp_path / "utf16.py").write_bytes(body.encode("utf-16"))
    (tmp_path / "importer.py").write_text(
        "from undeclared import handler\nfrom cookie import name\nfrom utf16 import x\n"
        "from crlf import handler as other_handler\n\n\n"
        "async def other():\n    handler()\n    name.get()\n    x.get()\n"
        "    other_handler()  # a coroutine function dropped\n", encoding="utf-8")
    files = ["bom.py", "cookie.py", "undeclared.py", "crlf.py", "utf16.py", "importer.py"]
    if sys.version_info < (3, 12):
        # flake8 itself (not the plugin) raises ValueError on NUL bytes before 3.12:
        # a file flake8 cannot read is flake8's business.
        files.remove("utf16.py")
    run = flake8(tmp_path, *files, bound=60)
    assert run.codes("bom.py") == [(6, "FBP101")]
    assert run.codes("cookie.py") == [(7, "FBP101")]
    assert run.codes("undeclared.py") == [(6, "FBP101")]
    assert run.codes("crlf.py") == [(6, "FBP101")]
    if "utf16.py" in files:
        assert run.codes("utf16.py") == []
    assert run.codes("importer.py") == [(11, "FBP108")]
