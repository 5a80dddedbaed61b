"""FBP107 and the shared call graph: the depth option, the message, extra blocking
calls, and the per-process summaries (cycles end, answers are cached)."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from fixture_runner import FIXTURES, run_plugin, settings_for
from flake8_fastapi_bp.plugin import Plugin
from flake8_fastapi_bp.resolve.values import Definition
from flake8_fastapi_bp.resolve.memory import release_modules
from flake8_fastapi_bp.settings import Settings
from flake8_fastapi_bp.call_graph import call_graph

PROJECT = FIXTURES / "fbp107_project"
API = PROJECT / "shop" / "api.py"
# Helpers called from get_price() and how many project functions lead to requests.get.
PRICE_HELPERS = {"fetch_rate(currency)": 1, "price_in(amount, currency)": 2,
                 "quote(amount, currency)": 3, "total([amount], currency)": 4}


def line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def fbp107_lines(path: Path, args: list[str]) -> set[int]:
    return {line for line, code in run_plugin(path, args) if code == "FBP107"}


def messages(path: Path, args: list[str] | None = None) -> list[tuple[int, str]]:
    source = path.read_text(encoding="utf-8")
    Plugin.settings = settings_for(args or [])
    try:
        plugin = Plugin(ast.parse(source), str(path), source.splitlines(keepends=True))
        return [(line, text) for line, _, text, _ in plugin.run()]
    finally:
        Plugin.settings = Settings()


def write_project(root: Path, files: dict[str, str]) -> Path:
    (root / "setup.cfg").parent.mkdir(parents=True, exist_ok=True)
    (root / "setup.cfg").write_text("", encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.mark.parametrize("depth", [0, 1, 2, 3, 4, 5])
def test_depth_counts_project_functions_in_the_chain(depth: int) -> None:
    found = fbp107_lines(API, [f"--fbp-call-depth={depth}"])
    for call, length in PRICE_HELPERS.items():
        assert (line_of(API, call) in found) == (length <= depth), (call, depth)


def test_depth_zero_turns_fbp107_off_only() -> None:
    codes = {code for _, code in run_plugin(API, ["--fbp-call-depth=0"])}
    assert "FBP107" not in codes
    assert {"FBP102", "FBP108"} <= codes


def test_default_depth_is_three() -> None:
    assert fbp107_lines(API, []) == fbp107_lines(API, ["--fbp-call-depth=3"])
    assert line_of(API, "quote(amount, currency)") in fbp107_lines(API, [])


def test_message_names_the_chain_and_the_blocking_call(monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    monkeypatch.chdir(PROJECT)
    line = line_of(API, "price = price_in(amount, currency)")
    blocking = line_of(PROJECT / "shop" / "rates.py", "requests.get(")
    assert (line, "FBP107 price_in() blocks the event loop inside async function "
                  "get_price() via price_in() -> fetch_rate() -> requests.get() "
                  f"(shop/rates.py:{blocking}); offload it with "
                  "`await run_in_threadpool(price_in, ...)` or make the helper async"
            ) in messages(API)


def test_message_names_methods_with_their_class(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PROJECT)
    line = line_of(API, "second = cached.latest_cached(currency)")
    [text] = [text for found, text in messages(API) if found == line]
    blocking = line_of(PROJECT / "shop" / "clients.py", "self.session.get(")
    assert ("via CachedRates.latest_cached() -> RateClient.latest() -> RateClient._get() "
            f"-> self.session.get() (shop/clients.py:{blocking});") in text


@pytest.mark.parametrize(("decorator", "advice"), [
    ("@contextmanager", "make it an `@asynccontextmanager` that runs its blocking calls "
                        "with `await run_in_threadpool(...)`"),
    ("", "iterate it with `async for ... in iterate_in_threadpool(rows(...))` or make the "
         "helper async"),
])
def test_the_advice_fits_how_the_helper_is_used(tmp_path: Path, decorator: str,
                                                advice: str) -> None:
    """A ``@contextmanager`` helper is entered, not iterated or called: its advice says
    how to make the blocking enter/exit async."""
    root = write_project(tmp_path, {"api.py": f"""
        import shutil
        from contextlib import contextmanager


        {decorator}
        def rows(path):
            yield path
            shutil.rmtree(path)


        async def endpoint(path):
            with rows(path) as found:
                pass
            for row in rows(path):
                pass
    """})
    found = [text for _, text in messages(root / "api.py") if text.startswith("FBP107")]
    assert found and all(text.endswith(advice) for text in found), found


EXTRA = {
    "pkg/__init__.py": "",
    "pkg/legacy.py": """
        def lookup(key):
            return {"key": key}
    """,
    "pkg/helpers.py": """
        from pkg.legacy import lookup


        def find(key):
            return lookup(key)
    """,
    "pkg/api.py": """
        from pkg.helpers import find
        from pkg.legacy import lookup


        async def handler(key):
            direct = lookup(key)
            return direct, find(key)
    """,
}


def test_extra_blocking_calls_are_followed_through_helpers(tmp_path: Path) -> None:
    api = write_project(tmp_path / "extra", EXTRA) / "pkg" / "api.py"
    assert run_plugin(api, []) == []
    reported = sorted(run_plugin(api, ["--fbp-blocking-calls=pkg.legacy.lookup=FBP103"]))
    # The direct call is FBP103 (and only that); the helper that reaches it is FBP107.
    assert reported == [(line_of(api, "direct = lookup"), "FBP103"),
                        (line_of(api, "find(key)"), "FBP107")]


CYCLE = {
    "pkg/__init__.py": "",
    "pkg/a.py": """
        import time

        from pkg import b


        def first(n):
            return b.second(n)


        def third(n):
            b.second(n)
            return time.sleep(n)
    """,
    "pkg/b.py": """
        from pkg import a


        def second(n):
            return a.first(n) if n > 1 else a.third(n)
    """,
}


def load(path: Path):
    source = path.read_text(encoding="utf-8")
    run = Plugin.run_state()
    project, module = run.module_for_file(path, ast.parse(source), None, register=True)
    return module, run.resolver_for(project)


def definition_of(module, name: str) -> Definition:
    [node] = [f for f in module.functions if f.name == name]
    return Definition(module, node)


def sleep_leaf(asked: list[int]):
    """A leaf test for ``time.sleep`` that notes the line of every call it is asked about."""
    def sleeps(leaf_module, call):
        asked.append(call.lineno)
        return "sleep" if ast.unparse(call.func) == "time.sleep" else None
    return sleeps


def test_cycles_end_and_answers_are_cached(tmp_path: Path) -> None:
    module, resolver = load(write_project(tmp_path / "cycle", CYCLE) / "pkg" / "a.py")
    asked: list[int] = []
    sleeps = sleep_leaf(asked)
    graph = call_graph(resolver)
    first = definition_of(module, "first")
    assert graph.chain(first, "test-sleep", sleeps, 1) is None
    assert graph.chain(first, "test-sleep", sleeps, 2) is None
    found = graph.chain(first, "test-sleep", sleeps, 3)
    assert found is not None and found.names == ("first", "second", "third", "time.sleep")
    calls_seen = len(asked)
    assert graph.chain(first, "test-sleep", sleeps, 3) is found
    assert graph.chain(definition_of(module, "third"), "test-sleep", sleeps, 3).length == 1
    assert len(asked) == calls_seen  # every function's leaf calls were looked at once
    assert graph.chain(first, "other-kind", lambda m, c: None, 10) is None


LAYERS = {
    "pkg/__init__.py": "",
    "pkg/api.py": """
        from pkg.service import Service


        def handle():
            return Service().run()
    """,
    "pkg/service.py": """
        from pkg.store import load


        class Service:
            def run(self):
                return load("orders")
    """,
    "pkg/store.py": """
        import time


        def load(name):
            time.sleep(1)
            return name
    """,
}


def test_answers_and_facts_outlive_the_module_indexes(tmp_path: Path) -> None:
    """Summaries are kept per process in compact form: dropping every module index
    neither loses an answer nor breaks a new question through the kept facts (the
    functions are found again in the re-parsed modules)."""
    import gc
    import weakref

    module, resolver = load(write_project(tmp_path / "layers", LAYERS) / "pkg" / "api.py")
    asked: list[str] = []

    def sleeps(leaf_module, call):
        asked.append(leaf_module.name)
        return "sleep" if ast.unparse(call.func) == "time.sleep" else None

    def sleeps_again(leaf_module, call):
        return "again" if ast.unparse(call.func) == "time.sleep" else None

    graph = call_graph(resolver)
    handle = definition_of(module, "handle")
    found = graph.chain(handle, "test-layers", sleeps, 3)
    assert found is not None and found.names == ("handle", "Service.run", "load", "time.sleep")
    store = weakref.ref(resolver.project.module("pkg.store"))
    assert release_modules(resolver.project.run, budget=0)
    gc.collect()
    assert store() is None  # the index is gone: only the compact facts remain
    seen = len(asked)
    assert graph.chain(handle, "test-layers", sleeps, 3) == found
    assert len(asked) == seen
    again = graph.chain(handle, "test-layers-2", sleeps_again, 3)
    assert again is not None and again.names == found.names and again.label == "again"
    assert (again.path, again.line) == (found.path, found.line) == (
        tmp_path / "layers" / "pkg" / "store.py", 5)


MODES = {
    "pkg/__init__.py": "",
    "pkg/api.py": """
        from pkg.store import load


        def sites():
            load("orders", "ann")
            load("users", "bob")
            load("orders", "ann", mode="remote")
    """,
    "pkg/store.py": """
        import time


        def load(name, user, mode="local"):
            print("loading")
            if mode == "remote":
                time.sleep(1)
            return name
    """,
}


def test_arguments_no_branch_reads_share_one_answer(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Call sites that differ only in arguments no ``if`` of the chain reads get the
    same answer without the helper's module; another mode is a new question."""
    from flake8_fastapi_bp.resolve.project import Project

    reads: list[str] = []
    read = Project.outline_or_whole

    def counted(self: Project, path: Path, name: str, is_package: bool):
        reads.append(name)
        return read(self, path, name, is_package)

    monkeypatch.setattr(Project, "outline_or_whole", counted)
    module, resolver = load(write_project(tmp_path / "modes", MODES) / "pkg" / "api.py")
    asked: list[int] = []
    sleeps = sleep_leaf(asked)
    graph = call_graph(resolver)
    first, second, remote = [node for node in ast.walk(module.tree)
                             if isinstance(node, ast.Call)]
    target = resolver.definition(module, first)
    assert target is not None
    assert graph.chain(target, "test-modes", sleeps, 3, call=first, caller=module) is None
    assert asked and reads.count("pkg.store") == 1
    assert release_modules(resolver.project.run, budget=0)
    seen = len(asked)
    assert graph.chain(target, "test-modes", sleeps, 3, call=second, caller=module) is None
    assert len(asked) == seen and reads.count("pkg.store") == 1  # nothing read or tested again
    found = graph.chain(target, "test-modes", sleeps, 3, call=remote, caller=module)
    assert found is not None and found.names == ("load", "time.sleep")


QUIET = {
    "pkg/__init__.py": "",
    "pkg/api.py": """
        from pkg.store import load


        def sites():
            load("orders", mode="local")
            load("users", mode="remote")
    """,
    "pkg/store.py": """
        def load(name, mode):
            if mode == "remote":
                return fetch(name)
            return name


        def fetch(name):
            return name.upper()
    """,
}


def test_a_helper_without_any_chain_is_not_asked_again_per_call_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Constants only rule out branches: when no chain exists whatever the arguments,
    no call site's arguments are read (one search for every call of the helper)."""
    from flake8_fastapi_bp import call_graph as call_graph_module

    read_arguments: list[ast.Call] = []
    of = call_graph_module.Arguments.of

    def counted(call, *args, **kwargs):
        read_arguments.append(call)
        return of(call, *args, **kwargs)

    monkeypatch.setattr(call_graph_module.Arguments, "of", counted)
    module, resolver = load(write_project(tmp_path / "quiet", QUIET) / "pkg" / "api.py")
    asked: list[int] = []
    graph = call_graph(resolver)
    sites = [node for node in ast.walk(module.tree) if isinstance(node, ast.Call)]
    for call in sites:
        target = resolver.definition(module, call)
        assert target is not None
        assert graph.chain(target, "test-quiet", sleep_leaf(asked), 3, call=call,
                           caller=module) is None
    assert asked and not set(map(id, sites)) & set(map(id, read_arguments))


WIDE = {
    "pkg/__init__.py": "",
    "pkg/api.py": """
        from pkg.store import load


        def sites():
            load("orders", mode="local")
    """,
    "pkg/store.py": """
        import time


        def load(name, mode):
            if mode == "remote":
                one(); two(); three()
            else:
                nap()


        def one(): pass
        def two(): pass
        def three(): pass
        def nap():
            time.sleep(1)
    """,
}


def test_a_search_too_large_without_constants_is_asked_again_with_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the call's constants the search meets too many functions and gives up
    (unknown, not "no chain"); the call's own arguments rule out a branch, and the
    search with them finds the chain."""
    from flake8_fastapi_bp import call_graph as call_graph_module

    monkeypatch.setattr(call_graph_module, "MAX_VISITS", 3)
    module, resolver = load(write_project(tmp_path / "wide", WIDE) / "pkg" / "api.py")
    [call] = [node for node in ast.walk(module.tree) if isinstance(node, ast.Call)]
    target = resolver.definition(module, call)
    assert target is not None
    graph = call_graph(resolver)
    found = graph.chain(target, "test-wide", sleep_leaf([]), 3, call=call, caller=module)
    assert found is not None and found.names == ("load", "nap", "time.sleep")
    assert graph.chain(target, "test-wide", sleep_leaf([]), 3) is None  # gave up


def test_a_project_larger_than_the_text_scan_still_has_its_helpers_followed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The name pre-filters rely on the project text scan; when the scan stops at its
    file cap, names it did not see must not hide helpers (nor coroutines)."""
    from flake8_fastapi_bp.resolve import files as files_module

    root = write_project(tmp_path / "big", {
        "app/__init__.py": "",
        "app/api.py": """
            from app.sub.helpers import wait_a_bit, refresh

            async def endpoint():
                wait_a_bit()
                refresh()
            """,
        "app/sub/__init__.py": "",
        "app/sub/helpers.py": """
            import time

            def wait_a_bit():
                time.sleep(1)

            async def refresh():
                pass
            """,
    })
    monkeypatch.setattr(files_module, "MAX_SCANNED_FILES", 2)  # app/sub/ is not read
    found = {(line, code) for line, code in run_plugin(root / "app" / "api.py")}
    assert {(4, "FBP107"), (5, "FBP108")} <= found


def test_a_call_through_a_library_import_is_never_resolved_as_an_edge(
        tmp_path: Path) -> None:
    """A large project defines a ``dumps`` or a ``getenv`` somewhere, which lets the name
    pre-filter pass ``json.dumps(x)``; a name only a library's import binds cannot be a
    project def, so the call graph does not resolve it. Project imports still count."""
    from project_helpers import load_file, write_project

    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/codec.py": "def dumps(value):\n    return value\n\n\ndef getenv(name):\n"
                        "    return name\n",
        "app/main.py": textwrap.dedent("""
            import json
            import app.codec
            from os import getenv
            from app import codec
            from app.codec import dumps


            def helper(value):
                json.dumps(value), getenv("A"), codec.dumps(value), dumps(value)
                app.codec.getenv("B")
        """),
    })
    checked = load_file(tmp_path, "app/main.py")
    graph = call_graph(checked.resolver)
    runs = {text: graph.may_run_project_code(checked.module, checked.call(text).func)
            for text in ("json.dumps", "getenv", "codec.dumps", "dumps", "app.codec.getenv")}
    assert runs == {"json.dumps": False, "getenv": False, "codec.dumps": True,
                    "dumps": True, "app.codec.getenv": True}


def test_fbp101_to_fbp106_resolve_only_calls_that_may_block(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A call written with no blocking API's name (as written, imported or aliased),
    not through a project module and not on a client whose every method blocks, cannot
    be a FBP101-106 call: it is not resolved. The findings stay."""
    from project_helpers import write_project as write_files
    from flake8_fastapi_bp.resolve.names import Resolver
    from flake8_fastapi_bp.rules import event_loop

    resolved: list[str] = []  # calls FBP101-106 resolved
    inside: list[bool] = []
    original_callee, original_rule = Resolver.callee, event_loop.blocking_calls

    def callee(self, module, call):
        if inside:
            resolved.append(ast.unparse(call.func))
        return original_callee(self, module, call)

    def blocking_calls(ctx):
        inside.append(True)
        try:
            yield from original_rule(ctx)
        finally:
            inside.pop()

    monkeypatch.setattr(Resolver, "callee", callee)
    monkeypatch.setattr(event_loop, "blocking_calls", blocking_calls)
    write_files(tmp_path, {"app/__init__.py": "", "app/main.py": textwrap.dedent("""
        import json
        import time
        from time import sleep as nap


        async def handler(payload):
            json.dumps(payload), len(payload), payload.strip()
            time.sleep(1)
            nap(1)
    """)})
    found = run_plugin(tmp_path / "app" / "main.py", [])
    assert sorted(r for r in found if r[1] < "FBP107") == [(8, "FBP101"), (9, "FBP101")]
    assert {"time.sleep", "nap"} <= set(resolved)
    assert not {"json.dumps", "len", "payload.strip"} & set(resolved)
