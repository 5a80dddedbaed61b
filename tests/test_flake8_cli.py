"""The real ``flake8`` command with the installed plugin: selection, suppression,
configuration files, bad option values, parallel jobs and editor (stdin) mode."""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import textwrap
from pathlib import Path

import pytest

from cli_runner import codes_by_line, flake8, write_project
from fixture_runner import FIXTURES, expected, options_of
from flake8_fastapi_bp import __version__
from flake8_fastapi_bp.messages import DEFAULT_OFF
from flake8_fastapi_bp.rules import FAMILIES

ROUTES = """
    import time

    from fastapi import FastAPI

    app = FastAPI(openapi_url=None)


    @app.get("/")
    async def index():
        time.sleep(1)
        return {}
"""
SLEEP_LINE = 10


def codes(result) -> list[str]:
    return [code for _, _, code in codes_by_line(result.stdout)]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "proj", {"app/__init__.py": "", "app/routes.py": ROUTES})


# ----- the plugin is installed and loaded --------------------------------------------------
def test_entry_point_is_registered() -> None:
    found = [ep for ep in importlib.metadata.entry_points(group="flake8.extension")
             if ep.name == "FBP"]
    assert [ep.value for ep in found] == ["flake8_fastapi_bp.plugin:Plugin"]


def test_version_lists_the_plugin(tmp_path: Path) -> None:
    result = flake8(["--version"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"flake8-fastapi-bp: {__version__}" in result.stdout


def test_select_fbp_reports_only_fbp(tmp_path: Path) -> None:
    write_project(tmp_path, {"app.py": "import os\n" + textwrap.dedent(ROUTES)})
    everything = flake8(["app.py"], cwd=tmp_path)
    only_fbp = flake8(["--select", "FBP", "app.py"], cwd=tmp_path)
    assert "F401" in codes(everything) and "FBP101" in codes(everything)
    assert codes(only_fbp) == ["FBP101"]
    assert only_fbp.returncode == 1


def test_reports_at_line_and_column(project: Path) -> None:
    result = flake8(["--select", "FBP", "app/routes.py"], cwd=project)
    assert result.stdout.startswith(f"app/routes.py:{SLEEP_LINE}:5: FBP101 time.sleep()")


# ----- selection of default-off codes --------------------------------------------------------
@pytest.mark.parametrize("code", DEFAULT_OFF)
def test_default_off_code_is_silent_until_selected(project: Path, code: str) -> None:
    """flake8 drops a default-off code unless --extend-select/--select names it."""
    faults = {"report": [[code, 1]]}
    args = ["app/routes.py"]
    assert codes(flake8(args, project, faults=faults)) == ["FBP101"]
    assert codes(flake8(["--extend-select", code, *args], project, faults=faults)) == [
        code, "FBP101"]
    assert codes(flake8(["--select", code, *args], project, faults=faults)) == [code]
    # A prefix selects the default set: FBP means the plugin, not its default-off codes.
    assert codes(flake8(["--select", "FBP", *args], project, faults=faults)) == ["FBP101"]
    assert codes(flake8(["--select", "FBP,E999", *args], project, faults=faults)) == [
        "FBP101"]


@pytest.mark.parametrize("config", ["[flake8]\nignore = E501\n",
                                    "[flake8]\nextend-ignore = E501\n",
                                    "[flake8]\nignore = E501\nselect = FBP,E,W,F\n"])
def test_user_ignore_list_leaves_default_off_codes_off(project: Path, config: str) -> None:
    """A user ``ignore =`` replaces flake8's default ignore list (where default-off codes
    are registered): they must stay off all the same, until named in extend-select."""
    (project / "setup.cfg").write_text(config, encoding="utf-8")
    faults = {"report": [[code, 1] for code in DEFAULT_OFF]}
    assert codes(flake8(["app/routes.py"], project, faults=faults)) == ["FBP101"]
    (project / "setup.cfg").write_text(config + f"extend-select = {DEFAULT_OFF[0]}\n",
                                       encoding="utf-8")
    assert codes(flake8(["app/routes.py"], project, faults=faults)) == [DEFAULT_OFF[0],
                                                                        "FBP101"]


def test_readme_command_runs_the_default_set(project: Path) -> None:
    """The README's first command: every default-on FBP code, no default-off one."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    command = re.search(r"`pip install \. && flake8 ([^`]*) path/to/your/project`",
                        "\n".join(readme.splitlines()[:4]))
    assert command, "the README must open with the install-and-run command"
    faults = {"report": [[code, 1] for code in DEFAULT_OFF]}
    result = flake8([*command.group(1).split(), "app/routes.py"], project, faults=faults)
    assert codes(result) == ["FBP101"]


def _default_off_fixtures() -> list[tuple[str, Path]]:
    """Single-file fixtures that mark a default-off code, one per code."""
    found = {}
    for path in sorted(FIXTURES.glob("*.py")):
        for _, code in expected(path):
            if code in DEFAULT_OFF:
                found.setdefault(code, path)
    return [(code, found[code]) for code in DEFAULT_OFF if code in found] or [("", FIXTURES)]


@pytest.mark.parametrize("code,fixture", _default_off_fixtures(),
                         ids=lambda v: v if isinstance(v, str) else v.name)
def test_default_off_rule_end_to_end(tmp_path: Path, code: str, fixture: Path) -> None:
    """A real default-off rule on its fixture: silent by default, reported when selected."""
    if not code:
        pytest.skip("no single-file fixture marks a default-off code yet")
    shutil.copy(fixture, tmp_path / fixture.name)
    (tmp_path / "setup.cfg").write_text("", encoding="utf-8")
    options = options_of(fixture.read_text(encoding="utf-8"))
    wanted = [line for line, found in expected(fixture) if found == code]
    default = flake8([*options, fixture.name], tmp_path)
    selected = flake8([*options, "--extend-select", code, fixture.name], tmp_path)
    assert code not in codes(default)
    assert [line for _, line, found in codes_by_line(selected.stdout) if found == code] == wanted


# ----- suppression -------------------------------------------------------------------------
def test_ignore(tmp_path: Path) -> None:
    write_project(tmp_path, {"app.py": """
        import subprocess
        import time


        async def job():
            time.sleep(1)
            subprocess.run(["ls"])
    """})
    assert codes(flake8(["--select", "FBP", "app.py"], tmp_path)) == ["FBP101", "FBP105"]
    assert codes(flake8(["--select", "FBP", "--ignore", "FBP101", "app.py"], tmp_path)) == [
        "FBP105"]
    assert codes(flake8(["--select", "FBP", "--extend-ignore", "FBP1", "app.py"], tmp_path)) \
        == []


def test_per_file_ignores(tmp_path: Path) -> None:
    write_project(tmp_path, {"app/__init__.py": "", "app/routes.py": ROUTES,
                             "tests/test_routes.py": ROUTES})
    args = ["--select", "FBP", "--per-file-ignores", "tests/*:FBP101", "app", "tests"]
    assert codes_by_line(flake8(args, tmp_path).stdout) == [
        ("app/routes.py", SLEEP_LINE, "FBP101")]


def test_noqa(tmp_path: Path) -> None:
    write_project(tmp_path, {"app.py": """
        import time


        async def job():
            time.sleep(1)  # noqa: FBP101
            time.sleep(2)  # noqa
            time.sleep(3)  # noqa: FBP102
            time.sleep(4)  # noqa:FBP101,E501
            time.sleep(5)
    """})
    result = flake8(["--select", "FBP", "app.py"], tmp_path)
    assert [(line, code) for _, line, code in codes_by_line(result.stdout)] == [
        (7, "FBP101"), (9, "FBP101")]


def test_noqa_on_the_message_line_of_a_multi_line_log_call(tmp_path: Path) -> None:
    write_project(tmp_path, {"app.py": """
        import logging

        log = logging.getLogger(__name__)


        def job(user_id):
            log.warning(
                f"user {user_id} gone",  # noqa: FBP602
            )
            log.warning(
                f"user {user_id} back",
            )
    """})
    result = flake8(["--select", "FBP", "--fbp-log-scope=all", "app.py"], tmp_path)
    assert [(line, code) for _, line, code in codes_by_line(result.stdout)] == [
        (11, "FBP602")]


# ----- configuration files -----------------------------------------------------------------
BLOCKING_BY_OPTION = """
    import mylib
    from mylib import fetch as fetch_alias


    async def handler():
        mylib.fetch()
        fetch_alias()
        mylib.other()
"""


@pytest.mark.parametrize("config", ["setup.cfg", "tox.ini", ".flake8"])
def test_options_from_config_file(tmp_path: Path, config: str) -> None:
    write_project(tmp_path, {"app.py": BLOCKING_BY_OPTION, config: """
        [flake8]
        select = FBP
        fbp-blocking-calls =
            mylib.fetch=FBP102,
            otherlib.x=FBP101
    """})
    assert [(line, code) for _, line, code in codes_by_line(flake8(["app.py"], tmp_path).stdout)
            ] == [(6, "FBP102"), (7, "FBP102")]


@pytest.mark.parametrize("config", ["setup.cfg", "tox.ini", ".flake8"])
def test_extend_select_from_config_file(tmp_path: Path, config: str) -> None:
    code = DEFAULT_OFF[0]
    write_project(tmp_path, {"app.py": ROUTES, config: f"""
        [flake8]
        select = FBP
        extend-select = {code}
    """})
    result = flake8(["app.py"], tmp_path, faults={"report": [[code, 1]]})
    assert codes(result) == [code, "FBP101"]


@pytest.mark.parametrize("config", ["setup.cfg", "tox.ini", ".flake8"])
def test_bad_option_in_config_file(tmp_path: Path, config: str) -> None:
    write_project(tmp_path, {"app.py": ROUTES, config: "[flake8]\nfbp-call-depth = deep\n"})
    result = flake8(["app.py"], tmp_path)
    assert_one_line_error(result, "--fbp-call-depth")


def test_blocking_calls_option_extends_the_table(tmp_path: Path) -> None:
    write_project(tmp_path, {"app.py": BLOCKING_BY_OPTION})
    assert codes(flake8(["--select", "FBP", "app.py"], tmp_path)) == []
    result = flake8(["--select", "FBP", "--fbp-blocking-calls", "mylib.fetch=FBP102",
                     "app.py"], tmp_path)
    assert [(line, code) for _, line, code in codes_by_line(result.stdout)] == [
        (6, "FBP102"), (7, "FBP102")]
    assert "httpx.AsyncClient" in result.stdout  # the code's replacement is named


def test_blocking_calls_option_uses_canonical_names(tmp_path: Path) -> None:
    """An entry spelled through a re-export (sqlmodel.Session) matches its canonical type."""
    write_project(tmp_path, {"app.py": """
        from sqlmodel import Session


        async def handler(session: Session, query):
            return session.exec(query)
    """})
    args = ["--select", "FBP", "--fbp-blocking-calls", "sqlmodel.Session.exec=FBP103", "app.py"]
    assert codes(flake8(args, tmp_path)) == ["FBP103"]


@pytest.mark.parametrize("declared", [
    "sqlalchemy.engine.reflection.Inspector.get_multi_columns",
    "sqlalchemy.Inspector.get_multi_columns",
])
def test_blocking_calls_option_matches_a_declared_method_however_imported(
        tmp_path: Path, declared: str) -> None:
    """A method declared on a class matches however the class is reached: imported from
    its package or its defining module, or returned by ``inspect(engine)``."""
    write_project(tmp_path, {"app.py": """
        from sqlalchemy import Inspector, create_engine, inspect
        from sqlalchemy.engine import reflection

        engine = create_engine("sqlite://")


        async def handler(ours: Inspector, theirs: reflection.Inspector):
            ours.get_multi_columns()
            theirs.get_multi_columns()
            inspect(engine).get_multi_columns()
            ours.get_multi_indexes()
    """})
    args = ["--select", "FBP", f"--fbp-blocking-calls={declared}=FBP106", "app.py"]
    assert [(line, code) for _, line, code in codes_by_line(flake8(args, tmp_path).stdout)] \
        == [(8, "FBP106"), (9, "FBP106"), (10, "FBP106"), (11, "FBP103")]


def test_blocking_calls_option_matches_a_class_reexported_by_its_package(
        tmp_path: Path) -> None:
    """``mylib.Client.query`` declared; the code imports ``mylib.client.Client``."""
    write_project(tmp_path, {"app.py": """
        from mylib.client import Client
        from otherlib.client import Client as Other


        async def handler(client: Client, other: Other):
            client.query()
            other.query()
            client.close()
    """})
    args = ["--select", "FBP", "--fbp-blocking-calls=mylib.Client.query=FBP103", "app.py"]
    assert [(line, code) for _, line, code in codes_by_line(flake8(args, tmp_path).stdout)] \
        == [(6, "FBP103")]


MAIL_BY_OPTION = """
    from fastapi import FastAPI
    from mylib.mailer import Mailer

    app = FastAPI(openapi_url=None)


    @app.post("/signup")
    def signup(mailer: Mailer, email: str):
        mailer.deliver(email)
        mailer.render(email)
"""


def test_mail_senders_option_declares_senders(tmp_path: Path) -> None:
    write_project(tmp_path, {"app.py": MAIL_BY_OPTION})
    assert codes(flake8(["--select", "FBP", "app.py"], tmp_path)) == []
    result = flake8(["--select", "FBP", "--fbp-mail-senders", "mylib.Mailer.deliver",
                     "app.py"], tmp_path)
    assert [(line, code) for _, line, code in codes_by_line(result.stdout)] == [(9, "FBP204")]
    assert "mailer.deliver() sends email inline in endpoint signup()" in result.stdout


@pytest.mark.parametrize("config", ["setup.cfg", "tox.ini", ".flake8"])
def test_mail_senders_option_from_config_file(tmp_path: Path, config: str) -> None:
    write_project(tmp_path, {"app.py": MAIL_BY_OPTION, config: """
        [flake8]
        select = FBP
        fbp-mail-senders =
            otherlib.send,
            mylib.mailer.Mailer.deliver
    """})
    assert [(line, code) for _, line, code in codes_by_line(flake8(["app.py"], tmp_path).stdout)
            ] == [(9, "FBP204")]


LOG_OUTSIDE_THE_REQUEST_PATH = """
    import logging

    log = logging.getLogger(__name__)


    def migrate(version):
        log.info(f"migrating to {version}")
"""


@pytest.mark.parametrize("config", ["setup.cfg", "tox.ini", ".flake8"])
def test_log_scope_from_config_file(tmp_path: Path, config: str) -> None:
    write_project(tmp_path, {"app.py": LOG_OUTSIDE_THE_REQUEST_PATH})
    assert codes(flake8(["--select", "FBP", "app.py"], tmp_path)) == []
    write_project(tmp_path, {config: "[flake8]\nselect = FBP\nfbp-log-scope = all\n"})
    assert codes(flake8(["app.py"], tmp_path)) == ["FBP602"]


NAMESPACE_PROJECT = {
    "app/rates.py": """
        import requests


        def fetch_rate(currency):
            return requests.get(currency, timeout=5)
    """,
    "app/routes.py": """
        from app.rates import fetch_rate


        async def price(currency):
            return fetch_rate(currency)
    """,
}


@pytest.mark.parametrize("cwd,target", [(".", "app"), (".", "."), ("..", "demo/app"),
                                        ("..", "demo")])
def test_namespace_packages_without_a_project_file(tmp_path: Path, cwd: str,
                                                   target: str) -> None:
    """No ``__init__.py``, no project file: ``app`` is imported, as Python does, from the
    working directory or from a directory named on the command line."""
    demo = write_project(tmp_path / "demo", NAMESPACE_PROJECT, marker=None)
    result = flake8(["--select", "FBP", target], (demo / cwd).resolve())
    assert codes(result) == ["FBP107"], (result.stdout, result.stderr)


# ----- bad option values -------------------------------------------------------------------
def assert_one_line_error(result, option: str) -> None:
    assert result.returncode not in (0, 1), (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and option in lines[0], result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("option,value", [
    ("--fbp-call-depth", "abc"),
    ("--fbp-call-depth", "-1"),
    ("--fbp-blocking-calls", "mylib.fetch"),
    ("--fbp-blocking-calls", "mylib.fetch=FBP999"),
    ("--fbp-blocking-calls", "my lib.fetch=FBP101"),
    ("--fbp-secret-names", "(unclosed"),
    ("--fbp-heavy-calls", "not-a-name"),
    ("--fbp-heavy-calls", "not a name"),
    ("--fbp-base-model", "app.models.Base other base"),
    ("--fbp-blocking-calls", "mylib.fetch=FBP102 extra"),
    ("--fbp-base-model", "1bad.Base"),
    ("--fbp-log-scope", "everywhere"),
    ("--fbp-mail-senders", "mylib.send mail"),
    ("--fbp-mail-senders", "mylib.send=FBP204"),
])
def test_bad_option_value_is_one_line_error(project: Path, option: str, value: str) -> None:
    assert_one_line_error(flake8([f"{option}={value}", "app"], project), option)


def test_good_option_values_are_accepted(project: Path) -> None:
    result = flake8(["--select", "FBP", "--fbp-call-depth=2", "--fbp-secret-names=^pin$",
                     "--fbp-heavy-calls=numpy.linalg.inv", "--fbp-base-model=app.models.Base",
                     "--fbp-blocking-calls=a.b=FBP101,c.d=fbp106",
                     "--fbp-mail-senders=mylib.send,mylib.Mailer.deliver", "app"], project)
    assert result.returncode == 1 and codes(result) == ["FBP101"], result.stderr


# ----- robustness and parallel runs ---------------------------------------------------------
def test_internal_error_is_one_fbp000_and_the_run_goes_on(tmp_path: Path) -> None:
    write_project(tmp_path, {"a_broken.py": ROUTES, "b_fine.py": ROUTES})
    result = flake8(["--select", "FBP", "a_broken.py", "b_fine.py"], tmp_path,
                    faults={"raise_in": ["a_broken.py"], "message": "boom"})
    assert result.stdout.splitlines()[0] == (
        "a_broken.py:1:1: FBP000 flake8-fastapi-bp could not check this file: "
        "RuntimeError: boom")
    assert codes_by_line(result.stdout) == [("a_broken.py", 1, "FBP000"),
                                            ("b_fine.py", SLEEP_LINE, "FBP101")]
    assert "Traceback" not in result.stderr


def test_jobs_2_gives_the_same_output_as_jobs_1(tmp_path: Path) -> None:
    corpus = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, corpus, ignore=shutil.ignore_patterns("__pycache__"))
    (corpus / "setup.cfg").write_text("", encoding="utf-8")
    serial = flake8(["--select", "FBP", "--jobs", "1", "."], corpus)
    parallel = flake8(["--select", "FBP", "--jobs", "2", "."], corpus)
    assert serial.stdout.count("\n") > 20, serial.stderr
    assert parallel.stdout == serial.stdout
    assert parallel.returncode == serial.returncode == 1


# ----- editors: the buffer on stdin stands for its file ---------------------------------------
EDITOR_PROJECT = {
    "app/__init__.py": "",
    "app/routers.py": """
        from fastapi import APIRouter

        router = APIRouter()
    """,
    "app/deps.py": """
        from typing import Annotated

        from fastapi import Depends
        from sqlalchemy.orm import Session


        def get_db():
            yield Session()


        DB = Annotated[Session, Depends(get_db)]
    """,
    "app/rates.py": """
        import requests


        def fetch_rate(currency):
            return requests.get(f"https://rates/{currency}", timeout=5).json()
    """,
    "app/routes.py": """
        from app.deps import DB
        from app.rates import fetch_rate
        from app.routers import router


        @router.get("/items")
        async def items(db: DB):
            return db.execute("select 1")


        @router.get("/price")
        async def price(currency: str):
            return fetch_rate(currency)
    """,
}
DEF_HINT = "or declare it with `def` so FastAPI runs it in the thread pool"


@pytest.fixture
def editor_project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "proj", EDITOR_PROJECT)


def _reports(text: str) -> list[str]:
    """The report lines, without the file name (disk and stdin runs name it alike)."""
    return [line.split(":", 1)[1] for line in text.splitlines()]


def test_stdin_resolves_the_project_like_a_file_on_disk(editor_project: Path) -> None:
    buffer = (editor_project / "app/routes.py").read_text(encoding="utf-8")
    on_disk = flake8(["--select", "FBP", "app/routes.py"], editor_project)
    from_stdin = flake8(["--select", "FBP", "--stdin-display-name", "app/routes.py", "-"],
                        editor_project, stdin=buffer)
    assert from_stdin.stdout == on_disk.stdout
    # The router (app/routers.py) makes items() an endpoint; the alias (app/deps.py) types db.
    assert "app/routes.py:8:12: FBP103 sync database/cache call db.execute()" in \
        from_stdin.stdout
    assert DEF_HINT in from_stdin.stdout
    if any("FBP107" in family.CODES for family in FAMILIES):
        assert "app/routes.py:13:12: FBP107" in from_stdin.stdout


def test_stdin_checks_the_unsaved_buffer(editor_project: Path) -> None:
    """The editor's buffer, not the saved file, is what gets checked."""
    buffer = (editor_project / "app/routes.py").read_text(encoding="utf-8")
    (editor_project / "app/routes.py").write_text("", encoding="utf-8")
    result = flake8(["--select", "FBP103", "--stdin-display-name", "app/routes.py", "-"],
                    editor_project, stdin=buffer)
    assert codes_by_line(result.stdout) == [("app/routes.py", 8, "FBP103")]
    assert DEF_HINT in result.stdout


def test_stdin_absolute_display_name_from_another_directory(editor_project: Path,
                                                            tmp_path: Path) -> None:
    """Language servers run from anywhere and pass the document's absolute path."""
    buffer = (editor_project / "app/routes.py").read_text(encoding="utf-8")
    display = str(editor_project / "app" / "routes.py")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    from_stdin = flake8(["--select", "FBP", "--stdin-display-name", display, "-"], elsewhere,
                        stdin=buffer)
    on_disk = flake8(["--select", "FBP", "app/routes.py"], editor_project)
    # Same reports; only paths inside messages (FBP107's chain) follow the working directory.
    assert [found[1:] for found in codes_by_line(from_stdin.stdout)] == [
        found[1:] for found in codes_by_line(on_disk.stdout)]
    assert _reports(from_stdin.stdout)[0] == _reports(on_disk.stdout)[0]
    assert from_stdin.stdout.startswith(display + ":8:12: FBP103")


def test_stdin_new_file_not_yet_saved(editor_project: Path) -> None:
    buffer = (editor_project / "app/routes.py").read_text(encoding="utf-8")
    result = flake8(["--select", "FBP103", "--stdin-display-name", "app/new_routes.py", "-"],
                    editor_project, stdin=buffer)
    assert codes_by_line(result.stdout) == [("app/new_routes.py", 8, "FBP103")]
    assert DEF_HINT in result.stdout


def test_stdin_honours_per_file_ignores_by_display_name(editor_project: Path) -> None:
    buffer = (editor_project / "app/routes.py").read_text(encoding="utf-8")
    result = flake8(["--select", "FBP", "--per-file-ignores", "app/*:FBP103",
                     "--stdin-display-name", "app/routes.py", "-"], editor_project,
                    stdin=buffer)
    assert "FBP103" not in codes(result)


# ----- FBP305 / FBP306 across modules ------------------------------------------------------
PARAMETERS_PROJECT = {
    "app/__init__.py": "",
    "app/config.py": """
        from functools import lru_cache


        @lru_cache(maxsize=1)
        def get_config(config_path_override: str = "", verbose: bool = False) -> dict:
            return {"path": config_path_override, "verbose": verbose}


        async def valid_item(item_id: int) -> int:
            return item_id
    """,
    "app/cli.py": """
        import sys

        from app.config import get_config


        def main() -> None:
            print(get_config(sys.argv[1], verbose=True))
    """,
    "app/deps.py": """
        from typing import Annotated

        from fastapi import Depends

        from app.config import valid_item

        ItemDep = Annotated[int, Depends(valid_item)]
    """,
    "app/routes.py": """
        from fastapi import APIRouter, Depends

        from app.config import get_config
        from app.deps import ItemDep

        router = APIRouter(prefix="/shops/{shop_id}")


        @router.post("/login")
        async def login(shop_id: int, config: dict = Depends(get_config)):
            return config


        @router.get("/items/{item_id}")
        async def item(shop_id: int, found: ItemDep):
            return found


        @router.get("/orders/{order_id}")
        async def order(number: int, shop_id: int):
            return number
    """,
}


@pytest.fixture
def parameters_project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "proj", PARAMETERS_PROJECT)


def test_parameter_rules_follow_the_project(parameters_project: Path) -> None:
    """FBP305 names the CLI's direct call in another module; FBP306 sees the path
    parameter consumed by a dependency behind an alias of another module."""
    result = flake8(["--select", "FBP305,FBP306", "app"], parameters_project)
    assert codes_by_line(result.stdout) == [("app/routes.py", 10, "FBP305"),
                                            ("app/routes.py", 19, "FBP306")]
    assert "though app/cli.py:7 passes them in a direct call" in result.stdout
    assert "(app/config.py:5)" in result.stdout
    assert "path parameter `{order_id}` of '/orders/{order_id}'" in result.stdout
    from_stdin = flake8(["--select", "FBP305,FBP306", "--stdin-display-name",
                         "app/routes.py", "-"], parameters_project,
                        stdin=(parameters_project / "app/routes.py").read_text("utf-8"))
    assert from_stdin.stdout == result.stdout


def test_parameter_rules_obey_noqa_and_ignore(parameters_project: Path) -> None:
    routes = parameters_project / "app/routes.py"
    text = routes.read_text(encoding="utf-8")
    routes.write_text(text.replace('@router.get("/orders/{order_id}")',
                                   '@router.get("/orders/{order_id}")  # noqa: FBP306'),
                      encoding="utf-8")
    assert codes(flake8(["--select", "FBP", "app"], parameters_project)) == ["FBP305"]
    assert codes(flake8(["--select", "FBP", "--extend-ignore", "FBP305", "app"],
                        parameters_project)) == []
