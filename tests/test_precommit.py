"""``.pre-commit-hooks.yaml``: a valid hook manifest whose entry really runs the plugin;
the README's pre-commit setups that work today, run with the real pre-commit.

The manifest is read with a small loader for the YAML subset it uses (a list of flat
mappings; plain, quoted, boolean and ``[a, b]`` values), so the test needs no PyYAML;
where PyYAML happens to be installed, both readings must agree.

The slow tests install pre-commit from the package index into a temporary directory
(never into the test environment) and skip when it cannot be installed.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cli_runner import codes_by_line, write_project
from test_packaging import COPY_IGNORE

ROOT = Path(__file__).parents[1]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
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


def readme_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.partition("\n## pre-commit\n")[2].partition("\n## ")[0]


def readme_blocks(language: str) -> list[str]:
    return [body for lang, body in re.findall(r"^```(\w*)\n(.*?)^```\s*$", readme_section(),
                                              re.MULTILINE | re.DOTALL) if lang == language]


def readme_local_config() -> str:
    (config,) = [block for block in readme_blocks("yaml") if "repo: local" in block]
    return config


def readme_try_repo() -> list[str]:
    (command,) = [shlex.split(line) for block in readme_blocks("bash")
                  for line in block.splitlines() if line.startswith("pre-commit try-repo")]
    return command


def test_readme_marks_what_works_only_after_the_first_release() -> None:
    """Every form that needs a tag or the published package says so on its first line;
    the forms that work today (tested below) are there."""
    assert readme_try_repo()[:2] == ["pre-commit", "try-repo"]
    assert "language: system" in readme_local_config()
    for block in readme_blocks("yaml"):
        if "rev:" in block or "flake8-fastapi-bp==" in block:
            assert block.startswith("# After the first release"), block


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.com",
                    "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                   cwd=cwd, check=True, capture_output=True, timeout=120)


def git_project(root: Path, files: dict[str, str]) -> Path:
    """A small project under git (pre-commit runs on the files git tracks)."""
    write_project(root, files)
    git("init", "-q", cwd=root)
    git("add", "-A", cwd=root)
    return root


RunPreCommit = Callable[[list[str], Path], subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module")
def pre_commit(tmp_path_factory: pytest.TempPathFactory) -> RunPreCommit:
    """``pre-commit ARGS`` in a directory: pre-commit installed into a temporary directory,
    its cache there too, this environment's bin directory (flake8 with the plugin) first
    on PATH, no git variables of an enclosing hook."""
    where = tmp_path_factory.mktemp("pre-commit")
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check",
         "--target", str(where / "lib"), "pre-commit"],
        capture_output=True, text=True, timeout=600)
    if installed.returncode != 0:
        last = (installed.stderr.strip().splitlines() or ["no output"])[-1]
        pytest.skip(f"pre-commit could not be installed from the package index: {last}")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("GIT_", "FLAKE8", "FBP_", "PRE_COMMIT"))}
    env.update(PYTHONPATH=str(where / "lib"), PRE_COMMIT_HOME=str(where / "cache"),
               PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]))

    def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=600)
    return run


BLOCKING = {"app/__init__.py": "", "app/routes.py": """
    import time


    async def handler():
        time.sleep(1)
"""}
CLEAN = {"app/__init__.py": "", "app/routes.py": """
    import asyncio


    async def handler():
        await asyncio.sleep(1)
"""}


@pytest.mark.slow
def test_readme_try_repo_on_this_checkout(pre_commit: RunPreCommit, tmp_path: Path) -> None:
    """The README's ``pre-commit try-repo`` command, on a copy of this work tree committed
    to a fresh repository (so uncommitted and new files count): pre-commit installs it into
    a hook environment of its own and the hook reports the finding."""
    checkout = tmp_path / "flake8-fastapi-bp"
    shutil.copytree(ROOT, checkout, ignore=COPY_IGNORE)
    git("init", "-q", cwd=checkout)
    git("add", "-A", cwd=checkout)
    git("commit", "-q", "-m", "checkout", cwd=checkout)
    project = git_project(tmp_path / "project", BLOCKING)
    command = readme_try_repo()
    assert command[2] == "../flake8-fastapi-bp", command  # the checkout next to the project
    result = pre_commit(command[1:], project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert codes_by_line(result.stdout) == [("app/routes.py", 5, "FBP101")], result.stdout
    assert "Installing environment for ../flake8-fastapi-bp" in result.stdout + result.stderr
    assert "flake8-fastapi-bp" in result.stdout and "Failed" in result.stdout


@pytest.mark.slow
def test_readme_local_hook(pre_commit: RunPreCommit, tmp_path: Path) -> None:
    """The README's ``repo: local`` configuration as printed: it runs the flake8 of the
    environment (this one, with the plugin installed), fails on a finding, passes once
    it is fixed."""
    project = git_project(tmp_path, {".pre-commit-config.yaml": readme_local_config(),
                                     **BLOCKING})
    failing = pre_commit(["run", "--all-files", "--color=never"], project)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert codes_by_line(failing.stdout) == [("app/routes.py", 5, "FBP101")], failing.stdout
    write_project(project, CLEAN)
    git("add", "-A", cwd=project)
    passing = pre_commit(["run", "--all-files", "--color=never"], project)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout
