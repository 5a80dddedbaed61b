"""Determinism: the same findings, in the same order, whatever the job count, on a second
run, and whatever order flake8 is given the files in (cross-module caches must not carry
one file's state into another file's results)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from cli_runner import flake8_env
from fixture_runner import FIXTURES
from project_helpers import write_project

# The resolver cuts a chain of assignments at a fixed depth. A file whose question runs
# into that cut (``deep``) must not leave its partial answers behind for a file whose
# shallower question does not (``shallow``): checked in either order, same findings.
CHAIN = 60
CUT_PROJECT = {
    "app/__init__.py": "",
    "app/chain.py": "import httpx\n\nc0 = httpx.Client()\n" + "".join(
        f"c{i} = c{i - 1}\n" for i in range(1, CHAIN + 1)),
    "app/deep.py": f"from app.chain import c{CHAIN}, c25\n\n\nasync def deep():\n"
                   f"    c{CHAIN}.get('u')\n    c25.get('u')\n",
    "app/shallow.py": "from app.chain import c25, c30\n\n\nasync def shallow():\n"
                      "    c30.get('u')\n    c25.get('u')\n",
}


def run_flake8(cwd: Path, files: list[str], *options: str) -> dict[str, list[str]]:
    """Per file, its FBP report lines in flake8's output order (``--isolated``: the
    repository's own config, which excludes the fixtures, is not read)."""
    env = flake8_env()
    done = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "FBP",
         "--extend-select", "FBP111,FBP202,FBP303", *options, *files],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1), done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    found: dict[str, list[str]] = defaultdict(list)
    for line in done.stdout.splitlines():
        found[line.split(":", 1)[0]].append(line)
    return dict(found)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A copy of every fixture (single files and multi-module projects) plus a project
    built to hit the resolver's depth cut from one file and not from another."""
    root = tmp_path_factory.mktemp("determinism")
    shutil.copytree(FIXTURES, root / "fixtures")
    write_project(root / "fixtures" / "cut_project", CUT_PROJECT)
    files = sorted(str(path.relative_to(root)) for path in (root / "fixtures").rglob("*.py")
                   if "__pycache__" not in path.parts)
    return root, files


@pytest.mark.slow
def test_same_findings_with_jobs_reruns_and_file_order(
        corpus: tuple[Path, list[str]]) -> None:
    root, files = corpus
    serial = run_flake8(root, files, "--jobs", "1")
    assert len(serial) >= 20 and sum(map(len, serial.values())) >= 100
    assert not [line for lines in serial.values() for line in lines if " FBP000 " in line]
    assert run_flake8(root, files, "--jobs", "2") == serial
    assert run_flake8(root, files, "--jobs", "1") == serial
    assert run_flake8(root, list(reversed(files)), "--jobs", "1") == serial


@pytest.mark.parametrize("order", [["deep", "shallow"], ["shallow", "deep"]])
def test_a_depth_cut_in_one_file_does_not_leak_into_another(tmp_path: Path,
                                                            order: list[str]) -> None:
    write_project(tmp_path, CUT_PROJECT)
    found = run_flake8(tmp_path, [f"app/{name}.py" for name in order], "--jobs", "1")
    codes = {name: [line.split()[1] for line in lines] for name, lines in found.items()}
    assert codes == {"app/deep.py": ["FBP102"], "app/shallow.py": ["FBP102", "FBP102"]}
