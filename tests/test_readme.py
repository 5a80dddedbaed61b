"""The README's commands, configuration and example are true: they are run here with the
real flake8 (the rule table is checked in test_registry, the first command in
test_flake8_cli)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from cli_runner import flake8, write_project

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
_BLOCK = re.compile(r"^```(\w*)\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)


def blocks(language: str) -> list[str]:
    return [body for lang, body in _BLOCK.findall(README) if lang == language]


def test_test_command_installs_extras_that_exist() -> None:
    command = re.search(r'`pip install -e "\.\[([\w,]+)\]" && python -m pytest`',
                        "\n".join(README.splitlines()[:4]))
    assert command, "the README must open with the test command"
    # tomllib is 3.11+: the extras are one-line lists in pyproject.toml.
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    extras = dict(re.findall(r"^(\w+) = \[(.*)$", pyproject.partition(
        "[project.optional-dependencies]")[2], re.MULTILINE))
    assert set(command.group(1).split(",")) <= set(extras)
    assert '"build' in extras["test"]  # python -m build, for the packaging test


def test_configuration_example_is_accepted(tmp_path: Path) -> None:
    """The ``ini`` block as a real setup.cfg: it parses, its options are valid, and its
    per-file-ignores silence the tests directory."""
    (config,) = [block for block in blocks("ini") if block.startswith("[flake8]")]
    project = write_project(tmp_path, {
        "setup.cfg": config,
        "app/__init__.py": "",
        "app/main.py": "import asyncio\n\n\nasync def handler():\n    await asyncio.sleep(1)\n",
        "tests/test_app.py": "import time\n\n\nasync def test_handler():\n    time.sleep(1)\n",
    })
    result = flake8(["--select", "FBP", "app", "tests"], project)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def readme_example() -> tuple[dict[str, str], list[str], list[str]]:
    """The ``# app/...`` blocks exactly as printed, the command of the ``$ flake8`` block
    and the lines it shows."""
    files = {}
    for block in blocks("python"):
        first = block.partition("\n")[0]
        if re.fullmatch(r"# app/\w+\.py", first):
            files[first[2:]] = block
    (output,) = [block for block in blocks("text") if block.startswith("$ flake8")]
    command, *shown = output.splitlines()
    return files, shlex.split(command)[1:], shown


def test_cross_module_example_output(tmp_path: Path) -> None:
    """The ``# app/...`` blocks written as printed (no ``__init__.py``, no project file),
    then the README's command: flake8 prints exactly what the ``text`` block shows."""
    files, command, shown = readme_example()
    assert set(files) == {"app/rates.py", "app/routes.py"}
    project = write_project(tmp_path, files, marker=None)
    result = flake8(command[1:], project)
    assert result.stdout.splitlines() == shown, result.stderr
