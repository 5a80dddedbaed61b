"""FBP501-FBP505 behaviour that fixture files cannot show: test modules and the option."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixture_runner import FIXTURES, run_plugin

SOURCE = '''\
import uvicorn
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

PASSWORD = "hunter2"
app = FastAPI(debug=True)
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
uvicorn.run(app)
'''
IN_PRODUCTION_CODE = [(5, "FBP502"), (6, "FBP501"), (6, "FBP503"), (7, "FBP504"),
                      (8, "FBP505")]


@pytest.mark.parametrize("name", ["test_login.py", "login_test.py", "conftest.py"])
def test_test_modules_only_keep_the_server_started_on_import(tmp_path: Path,
                                                             name: str) -> None:
    (tmp_path / "setup.cfg").write_text("", encoding="utf-8")
    for file_name in (name, "login.py"):
        (tmp_path / file_name).write_text(SOURCE, encoding="utf-8")
    assert sorted(run_plugin(tmp_path / "login.py")) == IN_PRODUCTION_CODE
    assert run_plugin(tmp_path / name) == [(8, "FBP505")]


def test_extra_secret_names_only_with_the_option() -> None:
    path = FIXTURES / "fbp502_options.py"
    with_option = run_plugin(path)
    without = run_plugin(path, args=[])
    assert (2, "FBP502") in with_option and (3, "FBP502") in with_option
    assert without == [(4, "FBP502")]


def _messages(source: str) -> list[str]:
    import ast

    from flake8_fastapi_bp.plugin import Plugin

    plugin = Plugin(ast.parse(source), "settings.py", source.splitlines(keepends=True))
    return [message for _, _, message, _ in plugin.run()]


@pytest.mark.parametrize(("source", "shown"), [
    ('API_KEY = "sk_live_0123456789abcd"\n', "secret 'sk_l...' 22 chars in API_KEY"),
    ('PASSWORD = "hunter22"\n', "secret 8 chars in PASSWORD"),
    ('DB = "postgresql://app:s3cretpass@db/app"\n',
     "secret 's3cr...' 10 chars (the password of a URL) in DB"),
])
def test_secret_messages_show_a_masked_value(source: str, shown: str) -> None:
    """The reader judges from the CI log without the log printing the secret."""
    (message,) = _messages(source)
    assert shown in message
    assert "0123456789abcd" not in message and "hunter22" not in message
