"""CLI entry points (loop_model): the model's answers, its cost, and the FBP106 message
for ``input()``."""

from __future__ import annotations

from pathlib import Path

from flake8_fastapi_bp.apis.blocking import INPUT
from flake8_fastapi_bp.plugin import Plugin
from flake8_fastapi_bp.resolve.project_references import project_references
from flake8_fastapi_bp.loop_model import LoopModel
from project_helpers import Checked, write_project

SCRIPT = {
    "pkg/__init__.py": "",
    "pkg/cli.py": """
        import asyncio


        async def main():
            return 1


        async def serve():
            return 2


        def run():
            asyncio.run(main())
    """,
    "pkg/other.py": """
        from pkg.cli import serve


        async def loop_body():
            await serve()
    """,
}


def loop_model(checked: Checked) -> LoopModel:
    return LoopModel(checked.module, checked.resolver, checked.model(), checked.project)


def test_only_run_function_runs_alone_and_awaited_one_does_not(tmp_path: Path) -> None:
    Plugin.current_run = None  # a new run: no text index yet
    checked = Checked.load(write_project(tmp_path, SCRIPT) / "pkg/cli.py")
    model = loop_model(checked)
    assert model.runs_alone(checked.function("main"))
    assert not model.runs_alone(checked.function("serve"))  # never run, awaited elsewhere


def test_other_uses_are_scanned_only_when_a_run_function_is_asked_about(
        tmp_path: Path) -> None:
    Plugin.current_run = None  # a new run: no text index yet
    checked = Checked.load(write_project(tmp_path, SCRIPT) / "pkg/cli.py")
    model = loop_model(checked)
    model.runs_alone(checked.function("serve"))  # no run of it anywhere: no second pass
    assert project_references(checked.project).other_uses is None
    model.runs_alone(checked.function("main"))
    assert project_references(checked.project).other_uses is not None


def test_input_message_says_what_input_does_to_the_loop() -> None:
    assert "terminal" not in INPUT.replacement
    assert "standard input" in INPUT.replacement
