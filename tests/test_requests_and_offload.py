"""Shared pieces behind FBP201-FBP204 and FBP301-FBP303: the call graph through awaited
coroutines, the FastAPI version a project declares, the resolver on ``Final`` names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from flake8_fastapi_bp.resolve.values import Definition
from flake8_fastapi_bp.resolve.requirements import (
    declared_minimum, lower_bound, requirement_specifiers)
from flake8_fastapi_bp.call_graph import call_graph
from project_helpers import Checked, write_project

COROUTINES = {
    "pkg/__init__.py": "",
    "pkg/jobs.py": """
        import time


        async def handler():
            await prepare()
            await step()


        async def prepare():
            return 1


        async def step():
            helper()


        def helper():
            time.sleep(1)


        async def creates_only():
            step()
            return prepare()
    """,
}


def sleeps(module, call: ast.Call) -> str | None:
    return "sleep" if ast.unparse(call.func) == "time.sleep" else None


def test_chain_through_awaited_coroutines(tmp_path: Path) -> None:
    checked = Checked.load(write_project(tmp_path / "p", COROUTINES) / "pkg" / "jobs.py")
    graph = call_graph(checked.resolver)
    handler = Definition(checked.module, checked.function("handler"))
    found = graph.chain(handler, "test-awaits", sleeps, 3, awaits=True)
    assert found is not None
    assert found.names == ("handler", "step", "helper", "time.sleep")
    assert found.length == 3
    # One level less does not reach the sleep; without ``awaits`` a coroutine is no start.
    assert graph.chain(handler, "test-awaits", sleeps, 2, awaits=True) is None
    assert graph.chain(handler, "test-awaits", sleeps, 3) is None
    # A coroutine created but not awaited does not run its body here.
    creates = Definition(checked.module, checked.function("creates_only"))
    assert graph.chain(creates, "test-awaits", sleeps, 5, awaits=True) is None


@pytest.mark.parametrize(("specifier", "expected"), [
    (">=0.115,<1", (0, 115)),
    ("<1.0, >=0.128.0", (0, 128, 0)),
    ("~=0.115.0", (0, 115, 0)),
    ("==0.136.3", (0, 136, 3)),
    ("^0.110.2", (0, 110, 2)),
    ("0.99.1", (0, 99, 1)),
    ("<1", None),
    ("!=0.100.0", None),
    ("*", None),
])
def test_lower_bound(specifier: str, expected: tuple[int, ...] | None) -> None:
    assert lower_bound(specifier) == expected


def test_requirement_specifiers_in_packaging_formats() -> None:
    pep621 = '''
        keywords = ["fastapi", "web"]
        dependencies = [
            "fastapi[standard]>=0.129.0,<0.137.0 ; python_version >= '3.9'",
            "fastapi-users>=13",
            'fastapi_mail==1.4',
        ]
    '''
    assert requirement_specifiers(pep621, "fastapi") == [">=0.129.0,<0.137.0"]
    requirements = "fastapi==0.115.6  # pinned\nfastapi-cli>=0.0.5\n"
    assert requirement_specifiers(requirements, "fastapi") == ["==0.115.6"]
    metadata = "Requires-Dist: fastapi<1; extra == 'server'\nRequires-Dist: fastapi (>=0.100)\n"
    assert requirement_specifiers(metadata, "fastapi") == ["<1", ">=0.100"]
    poetry = 'fastapi = "^0.110"\nuvicorn = "*"\nFastAPI = {version = ">=0.95", extras = ["all"]}\n'
    assert requirement_specifiers(poetry, "fastapi") == ["^0.110", ">=0.95"]


def test_declared_minimum_nearest_declaring_folder(tmp_path: Path) -> None:
    repo = write_project(tmp_path / "repo", {
        "pyproject.toml": 'dependencies = ["fastapi>=0.128", "uvicorn"]\n',
        "requirements/prod.txt": "fastapi==0.130.0\n",
        "src/app/__init__.py": "",
        "services/legacy/requirements.txt": "fastapi<1\n",
        "services/old/setup.cfg": "install_requires =\n    fastapi\n",
    }, marker=None)
    # Lowest bound of the nearest declaring folder, going up to ``stop``.
    assert declared_minimum(repo / "src" / "app", "fastapi", stop=repo) == (0, 128)
    # A folder with its own requirements decides for itself: no lower bound.
    assert declared_minimum(repo / "services" / "legacy", "fastapi", stop=repo) is None
    # A bare requirement gives no version: the search goes on upwards.
    assert declared_minimum(repo / "services" / "old", "fastapi", stop=repo) == (0, 128)
    # Not above ``stop``.
    assert declared_minimum(repo / "src" / "app", "fastapi", stop=repo / "src") is None


FINAL = {
    "svc/__init__.py": "",
    "svc/api.py": """
        from typing import ClassVar, Final

        from fastapi import APIRouter
        from sqlalchemy.orm import Session

        router: Final = APIRouter()
        session: Final[Session] = Session()


        class Store:
            engine: ClassVar[Session] = Session()


        @router.get("/")
        def index():
            return session.execute("select 1")
    """,
}


def test_final_and_classvar_annotations_do_not_hide_the_value(tmp_path: Path) -> None:
    checked = Checked.load(write_project(tmp_path / "final", FINAL) / "svc" / "api.py")
    assert checked.type_of("router") == "fastapi.APIRouter"
    assert checked.callee("session.execute") == "sqlalchemy.orm.Session.execute"
    assert checked.resolver.annotation_type(
        checked.module, checked.expr("ClassVar[Session]")) == "sqlalchemy.orm.Session"
    assert checked.model().is_endpoint(checked.function("index"))


REBOUND = {
    "img/__init__.py": "",
    "img/views.py": """
        from PIL import Image


        def thumb(path, other):
            picture = Image.open(path)
            picture = picture.resize((64, 64))
            picture.save(path)
            info = Image.open(path)
            info = info.getexif()
            info.get(1)
            mixed = Image.open(path)
            mixed = other.resize((1, 1))
            mixed.save(path)
    """,
}


def test_rebinding_through_a_method_that_keeps_the_type(tmp_path: Path) -> None:
    checked = Checked.load(write_project(tmp_path / "rebound", REBOUND) / "img" / "views.py")
    assert checked.callee("picture.save") == "PIL.Image.Image.save"
    # A method that returns another type, or a value from elsewhere: unknown.
    assert checked.callee("info.get") is None
    assert checked.callee("mixed.save") is None


MAIL_PROJECT = {
    "app/__init__.py": "",
    "app/notify.py": """
        def notify(user):
            return prepare(user)


        def prepare(user):
            return user
    """,
    "app/main.py": """
        from fastapi import FastAPI

        from app.notify import notify

        app = FastAPI()


        @app.post("/users")
        def create_user(user: str):
            notify(user)
            return user
    """,
}
SENDS_MAIL = """
import smtplib


def prepare(user):
    smtplib.SMTP("localhost").sendmail("a@b.c", [user], "hi")
"""


def searched_kinds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The kind of every helper-chain search the call graph starts from now on."""
    from flake8_fastapi_bp.call_graph import CallGraph

    searched: list[str] = []
    original = CallGraph.chain

    def chain(self, definition, kind, *args, **kwargs):
        searched.append(kind)
        return original(self, definition, kind, *args, **kwargs)

    monkeypatch.setattr(CallGraph, "chain", chain)
    return searched


def test_fbp204_searches_helpers_only_where_the_project_writes_a_mail_call(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fixture_runner import run_plugin
    searched = searched_kinds(monkeypatch)

    def mail_reports(path: Path, source: str | None = None) -> list[tuple[int, str]]:
        return [r for r in run_plugin(path, [], source) if r[1] == "FBP204"]

    root = write_project(tmp_path / "p", MAIL_PROJECT)
    main, helper = root / "app" / "main.py", root / "app" / "notify.py"
    assert mail_reports(main) == []
    assert "mail" not in searched  # no file writes a mail call: nothing to search
    # The endpoint's module as an editor holds it (not saved yet): the buffer is read.
    buffer = main.read_text().replace("    notify(user)", "    welcome(user)") + """

def welcome(user):
    import smtplib
    smtplib.SMTP("localhost").sendmail("a@b.c", [user], "hi")
"""
    assert mail_reports(main, buffer) == [(10, "FBP204")]
    assert searched.count("mail") == 1
    edited = helper.read_text().replace("def prepare(user):\n    return user\n", "")
    # Saved: the project now writes one, and the chain is found from the endpoint.
    helper.write_text(edited + SENDS_MAIL)
    from flake8_fastapi_bp.plugin import Plugin, start_run
    Plugin.current_run = start_run()
    assert mail_reports(main) == [(10, "FBP204")]


@pytest.mark.parametrize("imports_sendgrid", [False, True], ids=["websocket", "sendgrid"])
def test_fbp204_counts_a_method_name_only_with_its_mail_package_imported(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, imports_sendgrid: bool) -> None:
    """``send`` is sendgrid's mail call, and a websocket's or a queue's: a project that
    imports no sendgrid has no helper chain to search for it."""
    from fixture_runner import run_plugin
    searched = searched_kinds(monkeypatch)
    files = dict(MAIL_PROJECT)
    files["app/notify.py"] = files["app/notify.py"].replace(
        "return user", "return user.channel.send(user)")
    if imports_sendgrid:
        files["app/settings.py"] = "import sendgrid\n"
    root = write_project(tmp_path / "p", files)
    assert [r for r in run_plugin(root / "app" / "main.py", []) if r[1] == "FBP204"] == []
    assert ("mail" in searched) == imports_sendgrid


def test_fbp204_reads_only_the_files_that_write_a_mail_call(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The mail call at the end of a chain can only be in a file that writes its name:
    the other functions of the chain are followed, but not read for mail calls."""
    from fixture_runner import run_plugin
    from flake8_fastapi_bp.call_graph import CallGraph

    read_for_leaves: list[str] = []
    original = CallGraph._first_leaf

    def first_leaf(self, step, search):
        if search.kind.name == "mail":
            read_for_leaves.append(step.function.name)
        return original(self, step, search)

    monkeypatch.setattr(CallGraph, "_first_leaf", first_leaf)
    files = dict(MAIL_PROJECT)
    files["app/notify.py"] = files["app/notify.py"].replace(
        "return prepare(user)", "from app.mailer import deliver\n            return deliver(user)")
    files["app/mailer.py"] = SENDS_MAIL.replace("def prepare(", "def deliver(")
    root = write_project(tmp_path / "p", files)
    reports = [r for r in run_plugin(root / "app" / "main.py", []) if r[1] == "FBP204"]
    assert reports == [(10, "FBP204")]
    assert read_for_leaves == ["deliver"]  # notify() was followed, not read for mail


HEAVY_PROJECT = {
    "app/__init__.py": "",
    "app/security.py": """
        import bcrypt

        hash_it = bcrypt.hashpw


        def helper(password):
            return password.strip()
    """,
    "app/main.py": """
        from app import security
        from app.security import hash_it, helper
        import json


        async def login(password, model):
            helper(password)
            model(password)
            hash_it(password, b"salt")
            security.hash_it(password, b"salt")
            len(password), json.dumps(password), check(password)


        def check(password):
            return password
    """,
}


@pytest.mark.parametrize("mentions_torch", [False, True], ids=["web", "torch"])
def test_fbp201_resolves_only_calls_that_may_be_heavy(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mentions_torch: bool) -> None:
    """Heavy calls are written with a heavy call's name, through a module of the project
    (a re-exported alias), or are called instances of a package the project mentions
    (``model(x)`` with torch; a value, not a builtin, def or library import): only those
    calls are resolved; the findings stay."""
    from fixture_runner import run_plugin
    from flake8_fastapi_bp.resolve.names import Resolver
    from flake8_fastapi_bp.rules.offload import HeavyCalls

    resolved: list[str] = []  # calls the heavy-call test resolved
    in_heavy_test = []
    original_value, original_test = Resolver.callee_value, HeavyCalls.is_heavy

    def callee_value(self, module, call):
        if in_heavy_test:
            resolved.append(ast.unparse(call.func))
        return original_value(self, module, call)

    def is_heavy(self, module, call):
        in_heavy_test.append(call)
        try:
            return original_test(self, module, call)
        finally:
            in_heavy_test.pop()

    monkeypatch.setattr(Resolver, "callee_value", callee_value)
    monkeypatch.setattr(HeavyCalls, "is_heavy", is_heavy)
    files = dict(HEAVY_PROJECT)
    if mentions_torch:
        files["app/model.py"] = "import torch\n"
    root = write_project(tmp_path / "p", files)
    main = root / "app" / "main.py"
    reports = [r for r in run_plugin(main, []) if r[1] == "FBP201"]
    assert reports == [(9, "FBP201"), (10, "FBP201")]
    assert ("model" in resolved) == mentions_torch
    assert ("password.strip" in resolved) == mentions_torch
    # a builtin, a library function and a def of the module are never called models
    assert not {"len", "json.dumps", "check"} & set(resolved)
