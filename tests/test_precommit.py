"""``.pre-commit-hooks.yaml``: a valid hook manifest whose entry really runs the plugin.

The manifest is read with a small loader for the YAML subset it uses (a list of flat
mappings; plain, quoted, boolean and ``[a, b]`` values), so the test needs no PyYAML;
where PyYAML happens to be installed, both readings must agree.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cli_runner import codes_by_line, write_project

MANIFEST = Path(__file__).parents[1] / ".pre-commit-hooks.yaml"
# pre-commit's manifest schema (pre_commit/clientlib.py): required and optional keys.
REQUIRED = {"id", "name", "entry", "language"}
OPTIONAL = {"alias", "files", "exclude", "types", "types_or", "exclude_types",
            "additional_dependencies", "args", "always_run", "fail_fast", "pass_filenames",
            "description", "language_version", "log_file", "minimum_pre_commit_version",
            "require_serial", "stages", "verbose"}


def scalar(text: str) -> Any:
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        return [scalar(item) for item in text[1:-1].split(",") if item.strip()]
    if text in ("true", "false"):
        return text == "true"
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if not text or text[0] in "{&*!|>%@`" or ": " in text or " #" in text:
        raise ValueError(f"unsupported YAML value: {text!r}")
    return text


def load_manifest(text: str) -> list[dict[str, Any]]:
    """A list of flat mappings: ``- key: value`` starts an item, indented keys continue it."""
    hooks: list[dict[str, Any]] = []
    indent = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith("-"):
            body = line[1:]
            indent = 1 + len(body) - len(body.lstrip())
            hooks.append({})
            line = body.lstrip()
        elif indent is not None and line[:indent].strip() == "" and line[indent] != " ":
            line = line[indent:]
        else:
            raise ValueError(f"line {number}: not a hook list item: {line!r}")
        key, sep, value = line.partition(":")
        if not sep or not key.isidentifier() or key in hooks[-1]:
            raise ValueError(f"line {number}: expected a new 'key: value': {line!r}")
        hooks[-1][key] = scalar(value)
    return hooks


def hooks() -> list[dict[str, Any]]:
    return load_manifest(MANIFEST.read_text(encoding="utf-8"))


def the_hook() -> dict[str, Any]:
    return next(hook for hook in hooks() if hook["id"] == "flake8-fastapi-bp")


def test_loader_rejects_what_it_does_not_understand() -> None:
    for bad in ("key: value\n", "- id: x\n  nested:\n    - a\n", "- id: {a: b}\n",
                "- id: a\n  id: b\n"):
        with pytest.raises(ValueError):
            load_manifest(bad)


def test_manifest_matches_pre_commit_schema() -> None:
    found = hooks()
    assert found, "no hook in .pre-commit-hooks.yaml"
    for hook in found:
        assert REQUIRED <= set(hook), f"missing keys: {REQUIRED - set(hook)}"
        assert set(hook) <= REQUIRED | OPTIONAL, f"unknown keys: {set(hook) - REQUIRED - OPTIONAL}"
        assert all(isinstance(hook[key], str) and hook[key] for key in REQUIRED)
    assert len({hook["id"] for hook in found}) == len(found)


def test_hook_settings() -> None:
    hook = the_hook()
    assert hook["language"] == "python"
    assert hook["types"] == ["python"]
    assert hook["require_serial"] is False
    assert shlex.split(hook["entry"])[0] == "flake8"


def test_pyyaml_reads_the_same_manifest() -> None:
    yaml = pytest.importorskip("yaml")
    assert yaml.safe_load(MANIFEST.read_text(encoding="utf-8")) == hooks()


def run_hook(project: Path, files: list[str]) -> subprocess.CompletedProcess[str]:
    """What pre-commit runs: the entry (from the hook's venv), its args, the file names."""
    hook = the_hook()
    command = shlex.split(hook["entry"]) + list(hook.get("args", [])) + files
    command[0] = str(Path(sys.executable).parent / command[0])
    return subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=120)


def test_hook_entry_runs_the_plugin(tmp_path: Path) -> None:
    project = write_project(tmp_path, {
        "setup.cfg": "[flake8]\nselect = FBP\n",
        "app/__init__.py": "",
        "app/routes.py": """
            import time


            async def handler():
                time.sleep(1)
        """,
        "app/clean.py": """
            import asyncio


            async def handler():
                await asyncio.sleep(1)
        """,
    })
    failing = run_hook(project, ["app/routes.py", "app/clean.py"])
    assert failing.returncode == 1, failing.stderr
    assert codes_by_line(failing.stdout) == [("app/routes.py", 5, "FBP101")]
    passing = run_hook(project, ["app/clean.py"])
    assert passing.returncode == 0 and passing.stdout == "", passing.stdout + passing.stderr
