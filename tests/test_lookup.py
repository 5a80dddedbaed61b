"""``flake8-fastapi-bp FBP107`` / ``python -m flake8_fastapi_bp FBP107``: a rule's page;
``--list``: the table of codes. Here from the checkout (the pages read from
``docs/rules``); test_packaging runs the same commands from an installed wheel, where the
pages are the copy the build puts into the package."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flake8_fastapi_bp.lookup import main, page
from flake8_fastapi_bp.messages import RULES

DOCS = Path(__file__).parents[1] / "docs" / "rules"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def list_rows(output: str) -> dict[str, list[str]]:
    """``--list`` output: code -> [name, default, summary]; the header row first."""
    lines = output.splitlines()
    assert lines[0].split()[:3] == ["code", "name", "default"]
    return {code: rest.split(None, 2) for code, rest in
            (line.split(None, 1) for line in lines[1:])}


def test_code_prints_its_page(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["FBP107"], capsys)
    assert (status, err) == (0, "")
    assert out == (DOCS / "FBP107.md").read_text(encoding="utf-8")
    assert out.splitlines()[0] == "# FBP107: blocking-call-via-helper"


@pytest.mark.parametrize("wanted", ["fbp107", " FBP107 ", "blocking-call-via-helper"])
def test_code_in_any_case_or_the_rule_name(capsys: pytest.CaptureFixture[str],
                                           wanted: str) -> None:
    status, out, _ = run([wanted], capsys)
    assert status == 0 and out.startswith("# FBP107: blocking-call-via-helper\n")


def test_every_code_has_its_page_found() -> None:
    for code, rule in RULES.items():
        text = page(code)
        assert text is not None and text.startswith(f"# {code}: {rule.name}\n"), code


def test_list_is_the_registry(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["--list"], capsys)
    assert (status, err) == (0, "")
    rows = list_rows(out)
    assert list(rows) == list(RULES)
    for code, rule in RULES.items():
        assert rows[code] == [rule.name, "off" if rule.default_off else "on", rule.summary]


def test_readme_lookup_commands(capsys: pytest.CaptureFixture[str]) -> None:
    """The commands of the README's "Looking a code up" section succeed."""
    readme = (DOCS.parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.partition("\n## Looking a code up\n")[2].partition("\n## ")[0]
    commands = [shlex.split(line, comments=True) for block in
                re.findall(r"^```bash\n(.*?)^```", section, re.MULTILINE | re.DOTALL)
                for line in block.splitlines()]
    assert [command[1] for command in commands] == ["FBP107", "--list"]
    for command in commands:
        assert command[0] == "flake8-fastapi-bp"
        status, out, _ = run(command[1:], capsys)
        assert status == 0 and out


@pytest.mark.parametrize("wanted", ["FBP999", "E501", "nonsense"])
def test_unknown_code_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str],
                                             wanted: str) -> None:
    status, out, err = run([wanted], capsys)
    assert (status, out) == (2, "")
    assert len(err.splitlines()) == 1 and repr(wanted) in err and "--list" in err


def test_no_argument_prints_usage(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run([], capsys)
    assert (status, out) == (2, "")
    assert err.startswith("usage: flake8-fastapi-bp")


def test_module_and_console_script(tmp_path: Path) -> None:
    """``python -m`` and the ``[project.scripts]`` command of this environment, run from
    another directory (the page is found next to the package, not from the cwd)."""
    script = shutil.which("flake8-fastapi-bp", path=str(Path(sys.executable).parent))
    assert script, "no flake8-fastapi-bp command: reinstall (pip install -e .)"
    for command in ([sys.executable, "-m", "flake8_fastapi_bp"], [script]):
        shown = subprocess.run([*command, "FBP107"], cwd=tmp_path, capture_output=True,
                               text=True, timeout=60)
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout.splitlines()[0] == "# FBP107: blocking-call-via-helper"
        unknown = subprocess.run([*command, "FBP999"], cwd=tmp_path, capture_output=True,
                                 text=True, timeout=60)
        assert (unknown.returncode, unknown.stdout) == (2, "")
        assert len(unknown.stderr.splitlines()) == 1


def test_build_backend_copies_the_pages_for_the_build_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``build_backend.rule_pages``, pointed at a copy of docs/rules: the package's
    ``pages/`` holds exactly the pages while the wheel is built (a stale one is replaced)
    and is gone afterwards, also after a failed build."""
    sys.path.insert(0, str(DOCS.parents[1]))
    try:
        build_backend = pytest.importorskip("build_backend")  # needs setuptools
    finally:
        sys.path.remove(str(DOCS.parents[1]))
    docs = shutil.copytree(DOCS, tmp_path / "docs" / "rules")
    copy = tmp_path / "flake8_fastapi_bp" / "pages"
    copy.mkdir(parents=True)
    (copy / "FBP999.md").write_text("stale\n", encoding="utf-8")
    monkeypatch.setattr(build_backend, "PAGES", docs)
    monkeypatch.setattr(build_backend, "COPY", copy)
    with build_backend.rule_pages():
        assert sorted(p.name for p in copy.iterdir()) == sorted(p.name for p in DOCS.iterdir())
        assert (copy / "FBP107.md").read_bytes() == (DOCS / "FBP107.md").read_bytes()
    assert not copy.exists()
    with pytest.raises(RuntimeError, match="failed build"), build_backend.rule_pages():
        raise RuntimeError("failed build")
    assert not copy.exists()
    shutil.rmtree(docs)
    docs.mkdir()
    with pytest.raises(RuntimeError, match="no rule pages"), build_backend.rule_pages():
        pass
