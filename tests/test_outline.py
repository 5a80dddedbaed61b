"""Outline modules: large project modules indexed without their defs and classes, which
are parsed on the first question about their names. Answers must be those of a whole
parse; only the work is lazier."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fixture_runner import FIXTURES, fixture_files
from flake8_fastapi_bp.resolve import lazy_class as lazy_class_module
from flake8_fastapi_bp.resolve import outline as outline_module
from flake8_fastapi_bp.resolve.lazy_class import LazyBody
from flake8_fastapi_bp.resolve.module import ModuleInfo, parsed_statements
from flake8_fastapi_bp.resolve.outline import OutlineModule
from flake8_fastapi_bp.resolve.text_scans import outline_segments, statement_starts

TESTS = Path(__file__).parent


def lines_of(text: str) -> list[str]:
    return textwrap.dedent(text).lstrip("\n").splitlines(keepends=True)


def test_statement_starts_skip_strings_comments_and_continuations() -> None:
    lines = lines_of('''
        import os
        DOC = """
        def not_a_function():
        """
        # a comment
        x = 1 + \\
        2
        def f():
            return """
        class NotAClass:
        """
        ''')
    assert statement_starts(lines) == [0, 1, 5, 7]


def test_an_open_triple_quote_gives_no_outline() -> None:
    assert statement_starts(lines_of('x = """\nnever closed\n')) is None


def test_segments_take_decorators_and_leave_global_writers_eager() -> None:
    lines = lines_of('''
        import functools
        @functools.cache
        @other
        def cached():
            return 1
        def setter():
            global STATE
            STATE = 2
        class Model:
            field = 1
        ''')
    segments = outline_segments(lines)
    assert [(s.start, s.end, s.name) for s in segments or []] == [(1, 5, "cached"),
                                                                  (8, 10, "Model")]


ASSIGNMENTS = '''
    import os
    TIMEOUT = 30
    LIMITS: dict[str, int] = {
        "a": 1,
    }
    a = b = 1
    router = APIRouter(prefix="/x")
    x = 1; y = 2
    COUNT += 1
    CONFIG = dict(
    mode=1,
    )
    items = [
        1,
    ]
    '''


def test_a_lone_assignment_waits_and_any_other_stays_in_the_skeleton() -> None:
    """Only ``NAME = value`` that surely binds that one name waits: chained targets,
    keywords, ``;``, augmented assignments and a keyword in column 0 inside brackets (it
    looks like a statement start) are parsed with the skeleton."""
    segments = outline_segments(lines_of(ASSIGNMENTS)) or []
    assert [(s.start, s.end, s.name) for s in segments] == [
        (1, 2, "TIMEOUT"), (2, 5, "LIMITS"), (12, 15, "items")]
    assert all(segment.assignment for segment in segments)
    outline = OutlineModule.build("".join(lines_of(ASSIGNMENTS)), None, "m", False)
    assert outline is not None
    assert {"a", "b", "router", "x", "y", "CONFIG"} <= dict.keys(outline.module_scope.bindings)
    assert "TIMEOUT" not in dict.keys(outline.module_scope.bindings)
    [binding] = outline.top_level("TIMEOUT")
    assert binding.kind == "assign" and isinstance(binding.value, ast.Constant)
    whole = ModuleInfo(ast.parse("".join(lines_of(ASSIGNMENTS))), None, "m", False)
    outline.complete()
    assert shape(outline) == shape(whole)


def test_a_waiting_assignment_takes_its_place_among_the_names_bindings() -> None:
    """A whole parse lists a module name's top-level bindings before those nested code
    makes (``global`` writes): a waiting assignment parsed later goes where it would."""
    source = "def load():\n    global CACHE\n    CACHE = {}\nCACHE = None\n"
    outline = OutlineModule.build(source, None, "m", False)
    assert outline is not None
    whole = ModuleInfo(ast.parse(source), None, "m", False)
    assert [b.node.lineno for b in outline.top_level("CACHE")] == \
        [b.node.lineno for b in whole.top_level("CACHE")] == [4, 3]


def test_a_name_is_parsed_when_asked_for() -> None:
    source = "import os\n\ndef helper():\n    return os.getcwd()\n\nclass C:\n    pass\n"
    outline = OutlineModule.build(source, None, "m", False)
    assert outline is not None
    assert [node.name for node in outline.tree.body if hasattr(node, "name")] == []
    [binding] = outline.top_level("helper")
    assert isinstance(binding.node, ast.FunctionDef) and binding.node.lineno == 3
    assert outline.scope_of(binding.node.body[0]).node is binding.node
    assert "C" in outline.module_scope.bindings
    assert [type(node).__name__ for node in outline.tree.body] == \
        ["Import", "FunctionDef", "ClassDef"]


def shape(info: ModuleInfo) -> tuple:
    """What rules and the resolver read of an index, by position."""
    def at(node: ast.AST) -> tuple[int, int, str]:
        return getattr(node, "lineno", 0), getattr(node, "col_offset", 0), type(node).__name__

    def bindings_of(scope) -> dict:
        return {name: [(b.kind, at(b.node) if b.node else None, b.target) for b in found]
                for name, found in scope.bindings.items()}

    return ([at(call) for call in info.calls], [at(f) for f in info.functions],
            [at(c) for c in info.classes], info.has_async, bindings_of(info.module_scope),
            sorted((at(scope.node), sorted(bindings_of(scope).items()))
                   for scope in info.all_scopes()), info.star_imports,
            [at(node) for node in info.tree.body],
            [(at(c), c.end_lineno, c.end_col_offset, [at(n) for n in c.body])
             for c in info.classes])


@pytest.fixture(params=["eager classes", "lazy classes"])
def class_laziness(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test below also runs with every class read without its methods' bodies."""
    if request.param == "lazy classes":
        monkeypatch.setattr(outline_module, "LAZY_CLASS_MIN_LINES", 0)
    return request.param


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_a_completed_outline_is_the_whole_index(path: Path, class_laziness: str) -> None:
    source = path.read_text(encoding="utf-8")
    whole = ModuleInfo(ast.parse(source), path, "m", False, source.splitlines(True))
    outline = OutlineModule.build(source, path, "m", False)
    if outline is None:
        pytest.skip("no def, class or lone assignment to wait")
    assert shape(outline) == shape(whole)


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_an_outline_completed_from_the_checked_tree_takes_its_defs(
        path: Path, monkeypatch: pytest.MonkeyPatch, class_laziness: str) -> None:
    """The checked file may be an outline a lookup built earlier: flake8's whole parse of
    the same text completes it, giving the whole index, and no def is parsed again."""
    source = path.read_text(encoding="utf-8")
    whole = ModuleInfo(ast.parse(source), path, "m", False, source.splitlines(True))
    outline = OutlineModule.build(source, path, "m", False)
    if outline is None:
        pytest.skip("no def, class or lone assignment to wait")
    checked = ast.parse(source)
    for node in checked.body:  # classes asked for before the file is checked: lazy ones
        if isinstance(node, ast.ClassDef):
            outline.top_level(node.name)
    eager = {id(node) for node in outline.tree.body}  # e.g. a def that writes a global
    monkeypatch.setattr(OutlineModule, "_parse", lambda self, segment, lines=None: pytest.fail(
        f"parsed {segment.name} again"))
    monkeypatch.setattr(lazy_class_module.ClassMethods, "_parse", lambda self, module, method:
                        pytest.fail(f"parsed method {method.name} again"))
    outline.complete_from(checked)
    assert shape(outline) == shape(whole)
    taken = {id(node) for node in checked.body}
    assert all(id(node) in taken or id(node) in eager for node in outline.tree.body)


@pytest.mark.parametrize("outline_min_chars, lazy_class_min_lines",
                         [(0, 0), (10**9, 10**9)], ids=["all-outlines", "all-whole"])
def test_every_fixture_reports_the_same_with_every_module_an_outline(
        outline_min_chars: int, lazy_class_min_lines: int) -> None:
    """The fixtures (multi-module projects included) with every other module read as an
    outline and every class in it without its methods' bodies, and with every module
    parsed whole, in a fresh process so that no module was read otherwise before."""
    script = textwrap.dedent(f"""
        import sys
        from flake8_fastapi_bp.resolve import project
        project.OUTLINE_MIN_CHARS = {outline_min_chars}
        from flake8_fastapi_bp.resolve import outline
        outline.LAZY_CLASS_MIN_LINES = {lazy_class_min_lines}
        from fixture_runner import expected, fixture_files, run_plugin
        bad = [str(p) for p in fixture_files() if sorted(run_plugin(p)) != expected(p)]
        print("\\n".join(bad))
        sys.exit(1 if bad else 0)
        """)
    result = subprocess.run([sys.executable, "-c", script], cwd=TESTS, capture_output=True,
                            text=True, env={**__import__("os").environ,
                                            "PYTHONPATH": str(TESTS)})
    assert result.returncode == 0, result.stdout + result.stderr


LAZY_CLASS = '''
import os


class Store:
    """A store."""

    limit = 3

    class Inner:
        pass

    def __init__(self, root):
        self.root = root

    @property
    def size(self):
        return len(os.listdir(self.root))

    async def load(self, name):
        data = (name
    @ self.root)  # at the body's indentation: read as a decorator of the next def
        return data

    def save(self, name):
        return os.path.join(self.root, name)

    def ping(self):
        return 1
'''


def test_a_large_class_parses_a_method_when_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outline_module, "LAZY_CLASS_MIN_LINES", 0)
    outline = OutlineModule.build(LAZY_CLASS, None, "m", False)
    assert outline is not None
    [binding] = outline.top_level("Store")
    classdef = binding.node
    assert isinstance(classdef, ast.ClassDef) and type(classdef.body) is LazyBody
    kinds = [type(n).__name__ for n in parsed_statements(classdef.body)]
    assert kinds == ["Expr", "Assign", "ClassDef"]  # docstring, limit, Inner: no method
    whole = ast.parse(LAZY_CLASS).body[1]
    expected = {getattr(node, "name", ""): ast.dump(node, include_attributes=True)
                for node in whole.body}
    [save] = outline.scopes[classdef].bindings["save"]
    assert ast.dump(save.node, include_attributes=True) == expected["save"]
    assert "__init__" not in [getattr(n, "name", "") for n in parsed_statements(
        classdef.body)]
    # Methods whose text the outline cuts short (a line of ``load`` at the body's
    # indentation reads as a decorator of ``save``) come from the whole class's parse.
    [load] = outline.scopes[classdef].bindings["load"]
    assert ast.dump(load.node, include_attributes=True) == expected["load"]
    # ``self.root`` is looked for only in the methods that mention it; ``__init__`` is
    # found by its name.
    from flake8_fastapi_bp.resolve.syntax_facts import self_assignments
    from flake8_fastapi_bp.resolve.lazy_class import class_method
    assignments = self_assignments(outline, classdef, "root")["root"]
    assert [node.lineno for node in assignments] == [14]  # in __init__
    waiting = {getattr(n, "name", "") for n in parsed_statements(classdef.body)}
    assert "__init__" in waiting and "ping" not in waiting
    assert class_method(outline, classdef, "ping").lineno == whole.body[-1].lineno
    # Reading the body gives every statement, in order, as a whole parse would.
    assert [ast.dump(n, include_attributes=True) for n in classdef.body] == \
        [ast.dump(n, include_attributes=True) for n in whole.body]
    assert (classdef.end_lineno, classdef.end_col_offset) == \
        (whole.end_lineno, whole.end_col_offset)


def test_a_class_the_outline_misreads_is_parsed_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outline_module, "LAZY_CLASS_MIN_LINES", 0)
    source = LAZY_CLASS.replace("(name\n    @ self.root)", "[\n    1, 2]")
    outline = OutlineModule.build(source, None, "m", False)
    assert outline is not None
    [binding] = outline.top_level("Store")
    assert type(binding.node.body) is list
    whole = ast.parse(source).body[1]
    assert [ast.dump(n) for n in binding.node.body] == [ast.dump(n) for n in whole.body]


@pytest.mark.parametrize("separator", ["\x0c", "\x0b", "\x1c", "\x85", "\u2028"])
@pytest.mark.parametrize("outline_min_chars", [0, 10**9])
def test_lines_are_numbered_as_python_numbers_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, separator: str,
        outline_min_chars: int) -> None:
    """Only a newline ends a line for Python; ``str.splitlines`` also ends one at a form
    feed and other separators, which put every later def on a wrong line."""
    from flake8_fastapi_bp.resolve import project as project_module
    from project_helpers import imported_helper

    monkeypatch.setattr(project_module, "OUTLINE_MIN_CHARS", outline_min_chars)
    helper_module = f"import time\n\x0c\n# '{separator}'\n\ndef helper():\n    time.sleep(1)\n"
    _, definition = imported_helper(tmp_path, helper_module)
    assert definition.key[1] == 5 == definition.node.lineno
    assert "".join(definition.module.lines or []) == helper_module
    assert len(definition.module.lines or []) == helper_module.count("\n")


def test_class_facts_read_headers_and_the_sync_methods_of_each_body() -> None:
    from flake8_fastapi_bp.resolve.text_scans import class_facts

    text = textwrap.dedent('''
        class Plain:
            def skipped(self): ...
        class Child(base.Base,
                    Mixin):
            # a comment
            def close(self):
                def nested(): ...
            async def open(self): ...

            class Inner(Child):
                def close(self): ...
        def after(): ...
    ''')
    assert class_facts(text) == {"headers": ["Child base Base Mixin", "Inner Child"],
                                 "sync": ["Child.close", "Inner.close"]}
    assert class_facts("x = 1\n") == {}
