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
from flake8_fastapi_bp.resolve.module import (ModuleInfo, OutlineModule, outline_segments,
                                              statement_starts)

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

    bindings = {name: [(b.kind, at(b.node) if b.node else None, b.target) for b in found]
                for name, found in info.module_scope.bindings.items()}
    return ([at(call) for call in info.calls], [at(f) for f in info.functions],
            [at(c) for c in info.classes], info.has_async, bindings,
            sorted(at(scope.node) for scope in info.all_scopes()), info.star_imports,
            [at(node) for node in info.tree.body])


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_a_completed_outline_is_the_whole_index(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    whole = ModuleInfo(ast.parse(source), path, "m", False, source.splitlines(True))
    outline = OutlineModule.build(source, path, "m", False)
    if outline is None:
        pytest.skip("no def or class to wait")
    assert shape(outline) == shape(whole)


@pytest.mark.parametrize("path", fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_an_outline_completed_from_the_checked_tree_takes_its_defs(
        path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The checked file may be an outline a lookup built earlier: flake8's whole parse of
    the same text completes it, giving the whole index, and no def is parsed again."""
    source = path.read_text(encoding="utf-8")
    whole = ModuleInfo(ast.parse(source), path, "m", False, source.splitlines(True))
    outline = OutlineModule.build(source, path, "m", False)
    if outline is None:
        pytest.skip("no def or class to wait")
    checked = ast.parse(source)
    eager = {id(node) for node in outline.tree.body}  # e.g. a def that writes a global
    monkeypatch.setattr(OutlineModule, "_parse", lambda self, segment: pytest.fail(
        f"parsed {segment.name} again"))
    outline.complete_from(checked)
    assert shape(outline) == shape(whole)
    taken = {id(node) for node in checked.body}
    assert all(id(node) in taken or id(node) in eager for node in outline.tree.body)


def test_every_fixture_reports_the_same_with_every_module_an_outline() -> None:
    """The fixtures (multi-module projects included) with every other module read as an
    outline, in a fresh process so that no module was parsed whole before."""
    script = textwrap.dedent("""
        import sys
        from flake8_fastapi_bp.resolve import project
        project.OUTLINE_MIN_CHARS = 0
        from fixture_runner import expected, fixture_files, run_plugin
        bad = [str(p) for p in fixture_files() if sorted(run_plugin(p)) != expected(p)]
        print("\\n".join(bad))
        sys.exit(1 if bad else 0)
        """)
    result = subprocess.run([sys.executable, "-c", script], cwd=TESTS, capture_output=True,
                            text=True, env={**__import__("os").environ,
                                            "PYTHONPATH": str(TESTS)})
    assert result.returncode == 0, result.stdout + result.stderr
