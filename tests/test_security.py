"""FBP502 behaviour that fixture files cannot show: test modules and the option's effect."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixture_runner import FIXTURES, run_plugin

SOURCE = 'PASSWORD = "hunter2"\nconnect(password="s3cret")\n'


@pytest.mark.parametrize("name", ["test_login.py", "login_test.py", "conftest.py"])
def test_secrets_in_test_modules_are_fixtures(tmp_path: Path, name: str) -> None:
    (tmp_path / "setup.cfg").write_text("", encoding="utf-8")
    for file_name in (name, "login.py"):
        (tmp_path / file_name).write_text(SOURCE, encoding="utf-8")
    assert run_plugin(tmp_path / name) == []
    assert run_plugin(tmp_path / "login.py") == [(1, "FBP502"), (2, "FBP502")]


def test_extra_secret_names_only_with_the_option() -> None:
    path = FIXTURES / "fbp502_options.py"
    with_option = run_plugin(path)
    without = run_plugin(path, args=[])
    assert (2, "FBP502") in with_option and (3, "FBP502") in with_option
    assert without == [(4, "FBP502")]
