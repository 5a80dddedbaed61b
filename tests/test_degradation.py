"""Graceful degradation: when astroid raises or recurses, the value is unknown and every
rule goes on; FBP000 is only for an error outside that guard, and then only one."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from flake8_fastapi_bp.plugin import Plugin
from flake8_fastapi_bp.resolve import infer as infer_module
from flake8_fastapi_bp.resolve.names import Resolver
from flake8_fastapi_bp.rules import event_loop
from project_helpers import write_project

SOURCE = """\
import time

import requests
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
async def index(url: str):
    requests.request("GET", url, timeout=1).json()
    time.sleep(1)
    return {}
"""
# FBP501 (docs exposed, security family), FBP102 and FBP101 (event-loop family).
EXPECTED = [(6, "FBP501"), (11, "FBP102"), (12, "FBP101")]


def codes(tmp_path: Path) -> list[tuple[int, str]]:
    """The plugin in-process on a fresh file (fresh caches: a new project directory)."""
    write_project(tmp_path, {"app.py": SOURCE})
    plugin = Plugin(ast.parse(SOURCE), str(tmp_path / "app.py"), SOURCE.splitlines(True))
    return sorted((line, text.split()[0]) for line, _, text, _ in plugin.run())


def test_baseline(tmp_path: Path) -> None:
    assert codes(tmp_path) == EXPECTED


def _failing(exception: BaseException, calls: list[str]) -> Any:
    def fail(*args: object, **kwargs: object) -> Any:
        calls.append(type(exception).__name__)
        raise exception
    return fail


@pytest.mark.parametrize("exception", [RuntimeError("astroid exploded"),
                                       RecursionError("maximum recursion depth exceeded"),
                                       ValueError("bad node")])
@pytest.mark.parametrize("target", ["safe_infer", "build", "index"])
def test_failing_inference_is_unknown_and_rules_go_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exception: BaseException,
        target: str) -> None:
    """Inference is wanted for ``requests.request(...)`` (its result type is not in our
    tables); whichever step of it fails, the file's reports are the same."""
    calls: list[str] = []
    monkeypatch.setattr(infer_module, "installed", lambda root: True)
    monkeypatch.setattr(Plugin, "current_run", None)  # a run that has not asked yet
    if target == "safe_infer":
        monkeypatch.setattr(infer_module, "safe_infer", _failing(exception, calls))
    elif target == "build":
        import astroid

        monkeypatch.setattr(astroid.builder.AstroidBuilder, "string_build",
                            _failing(exception, calls))
    else:
        monkeypatch.setattr(infer_module.Inference, "_index_calls",
                            _failing(exception, calls))
    assert codes(tmp_path) == EXPECTED
    assert calls, "the failing step was never reached: the test would prove nothing"


def test_an_error_outside_the_guard_is_one_fbp000(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A family that raises loses its own reports; the others still report."""
    monkeypatch.setattr(event_loop, "check", _failing(RuntimeError("boom"), []))
    found = codes(tmp_path)
    assert found == [(1, "FBP000"), (6, "FBP501")]


def test_a_resolver_bug_is_one_fbp000_however_many_rules_hit_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Resolver, "callee", _failing(KeyError("resolver bug"), []))
    found = codes(tmp_path)
    assert [code for _, code in found].count("FBP000") == 1
    assert found[0] == (1, "FBP000")


def test_a_failing_setup_is_one_fbp000_and_nothing_else(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flake8_fastapi_bp.resolve.run import Run

    monkeypatch.setattr(Run, "module_for_file", _failing(OSError("unreadable directory"), []))
    write_project(tmp_path, {"app.py": SOURCE})
    plugin = Plugin(ast.parse(SOURCE), str(tmp_path / "app.py"), SOURCE.splitlines(True))
    reports = list(plugin.run())
    assert len(reports) == 1
    line, column, text, _ = reports[0]
    assert (line, column) == (1, 0)
    assert text == "FBP000 flake8-fastapi-bp could not check this file: " \
                   "OSError: unreadable directory"


def test_a_malformed_report_is_one_fbp000(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule yielding something that is not a Report cannot stop flake8 either."""
    real_check = event_loop.check

    def check(ctx: Any) -> Any:
        yield from real_check(ctx)
        yield None

    monkeypatch.setattr(event_loop, "check", check)
    assert codes(tmp_path) == [(1, "FBP000"), *EXPECTED]
