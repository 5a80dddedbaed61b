"""Packaging: ``python -m build`` makes an sdist that carries the docs and a wheel that
carries only the plugin and its rule pages; both install in a fresh venv and run under
flake8, and the installed ``flake8-fastapi-bp`` command prints the pages.

Slow (builds in isolated environments and installs flake8 and astroid from the package
index); needs the ``build`` package from the ``[test]`` extra.
"""

from __future__ import annotations

import email
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from cli_runner import codes_by_line, write_project
from test_readme import readme_example
from flake8_fastapi_bp import __version__

pytestmark = pytest.mark.slow
ROOT = Path(__file__).parents[1]
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv*", "build", "dist", "*.egg-info",
                                     "__pycache__", ".pytest_cache", ".hypothesis", ".corpus",
                                     ".results", ".benchmarks")


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    pytest.importorskip("build", reason="python -m build needs `build` (the [test] extra)")
    source = tmp_path_factory.mktemp("source") / "flake8-fastapi-bp"
    shutil.copytree(ROOT, source, ignore=COPY_IGNORE)  # keep the work tree untouched
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--outdir", str(out), str(source)], cwd=source)
    # Without --sdist/--wheel, build makes the wheel from the unpacked sdist: the sdist
    # is complete enough to build from.
    return {"source": source, "sdist": next(out.glob("*.tar.gz")),
            "wheel": next(out.glob("*.whl"))}


def sdist_names(path: Path) -> list[str]:
    with tarfile.open(path) as archive:
        return [name.split("/", 1)[1] for name in archive.getnames() if "/" in name]


def wheel_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def test_sdist_contains_docs_changelog_readme_and_tests(dists: dict[str, Path]) -> None:
    names = set(sdist_names(dists["sdist"]))
    assert {"README.md", "CHANGELOG.md", "LICENSE", "pyproject.toml",
            ".pre-commit-hooks.yaml", "docs/ARCHITECTURE.md", "build_backend.py"} <= names
    pages = {f"docs/rules/{p.name}" for p in (dists["source"] / "docs" / "rules").glob("*.md")}
    assert pages and pages <= names
    # The pages once, in docs/: the copy in the package is made for the wheel only.
    assert not [name for name in names if name.startswith("flake8_fastapi_bp/pages")]
    assert "tests/fixture_runner.py" in names
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_wheel_contains_the_plugin_and_its_pages_only(dists: dict[str, Path]) -> None:
    names = wheel_names(dists["wheel"])
    tops = {name.split("/", 1)[0] for name in names}
    assert tops == {"flake8_fastapi_bp", f"flake8_fastapi_bp-{__version__}.dist-info"}
    assert not [name for name in names if "tests/" in name or "/fixtures/" in name]
    assert "flake8_fastapi_bp/rules/event_loop.py" in names
    package = [name for name in names if name.startswith("flake8_fastapi_bp/")]
    pages = {f"flake8_fastapi_bp/pages/{p.name}"
             for p in (dists["source"] / "docs" / "rules").glob("*.md")}
    assert pages and set(package) - {name for name in package if name.endswith(".py")} == pages


def test_wheel_metadata(dists: dict[str, Path]) -> None:
    with zipfile.ZipFile(dists["wheel"]) as archive:
        info = f"flake8_fastapi_bp-{__version__}.dist-info"
        metadata = email.message_from_string(archive.read(f"{info}/METADATA").decode())
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
        names = archive.namelist()
    classifiers = metadata.get_all("Classifier")
    assert "Framework :: Flake8" in classifiers and "Framework :: FastAPI" in classifiers
    assert metadata["License-Expression"] == "MIT"
    assert f"{info}/licenses/LICENSE" in names
    runtime = [req for req in metadata.get_all("Requires-Dist") if "extra ==" not in req]
    assert sorted(runtime) == ["astroid>=3", "flake8>=6"]
    assert metadata["Requires-Python"] == ">=3.10"
    assert metadata["Description-Content-Type"] == "text/markdown"
    assert any(url.startswith("Documentation, ") for url in metadata.get_all("Project-URL"))
    assert "[flake8.extension]\nFBP = flake8_fastapi_bp.plugin:Plugin" in entry_points
    assert "[console_scripts]\nflake8-fastapi-bp = flake8_fastapi_bp.lookup:main" in entry_points


def test_wheel_and_sdist_install_and_run_in_a_fresh_venv(
        dists: dict[str, Path], tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    python = str(venv / "bin" / "python")
    project = write_project(tmp_path / "proj", {"app.py": """
        import time


        async def handler():
            time.sleep(1)
    """})
    for dist, how in ((dists["wheel"], []), (dists["sdist"], ["--force-reinstall", "--no-deps"])):
        run([python, "-m", "pip", "install", "-q", *how, str(dist)], cwd=tmp_path)
        version = run([python, "-m", "flake8", "--version"], cwd=project)
        assert f"flake8-fastapi-bp: {__version__}" in version.stdout
        checked = subprocess.run([python, "-m", "flake8", "--select", "FBP", "app.py"],
                                 cwd=project, capture_output=True, text=True, timeout=120)
        assert codes_by_line(checked.stdout) == [("app.py", 5, "FBP101")], checked.stderr
        assert_rule_pages_are_installed(venv, tmp_path, dists["source"])
        if dist == dists["wheel"]:
            assert_readme_example_runs(venv, tmp_path / "readme")


def assert_rule_pages_are_installed(venv: Path, cwd: Path, source: Path) -> None:
    """``python -m flake8_fastapi_bp FBP107`` and the ``flake8-fastapi-bp`` command of the
    installed package: the page (from the package, no checkout nearby), the table, exit 2
    for an unknown code."""
    shown = run([str(venv / "bin" / "python"), "-m", "flake8_fastapi_bp", "FBP107"], cwd=cwd)
    assert shown.stdout.splitlines()[0] == "# FBP107: blocking-call-via-helper"
    assert shown.stdout == (source / "docs" / "rules" / "FBP107.md").read_text(encoding="utf-8")
    listed = run([str(venv / "bin" / "flake8-fastapi-bp"), "--list"], cwd=cwd)
    codes = [line.split()[0] for line in listed.stdout.splitlines()[1:]]
    assert codes == sorted(p.stem for p in (source / "docs" / "rules").glob("FBP*.md"))
    unknown = subprocess.run([str(venv / "bin" / "flake8-fastapi-bp"), "FBP999"], cwd=cwd,
                             capture_output=True, text=True, timeout=60)
    assert (unknown.returncode, unknown.stdout, len(unknown.stderr.splitlines())) == (2, "", 1)


def assert_readme_example_runs(venv: Path, where: Path) -> None:
    """The README's example files exactly as printed (no ``__init__.py``), its command
    with the installed plugin: the output it shows."""
    files, command, shown = readme_example()
    example = write_project(where, files, marker=None)
    result = subprocess.run([str(venv / "bin" / command[0]), *command[1:]], cwd=example,
                            capture_output=True, text=True, timeout=120)
    assert result.stdout.splitlines() == shown, result.stderr
