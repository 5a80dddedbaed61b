"""Unit tests of the resolution layer on its own (resolve/: module, project, names, infer).

Every path resolves from imports and annotations alone: the libraries named here need not
be installed (the bare environment runs these tests too). Tests at the end, guarded by
``pytest.importorskip``, cover what astroid inference adds when the libraries are installed.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

from flake8_fastapi_bp.resolve import infer as infer_module
from flake8_fastapi_bp.plugin import Plugin
from flake8_fastapi_bp.resolve import files as files_module
from flake8_fastapi_bp.resolve.infer import Inference
from flake8_fastapi_bp.resolve.names import Resolver
from project_helpers import Checked, imported_helper, load_file, write_project

SESSION = "sqlalchemy.orm.Session"


def single(tmp_path: Path, source: str, name: str = "main.py") -> Checked:
    write_project(tmp_path, {name: source})
    return load_file(tmp_path, name)


# ----- imports ---------------------------------------------------------------------------
def test_import_as(tmp_path: Path) -> None:
    checked = single(tmp_path, """
        import requests as rq
        import os.path as osp
        import urllib.request

        rq.get("u")
        osp.join("a", "b")
        urllib.request.urlopen("u")
    """)
    assert checked.callee("rq.get") == "requests.get"
    assert checked.callee("osp.join") == "os.path.join"
    assert checked.callee("urllib.request.urlopen") == "urllib.request.urlopen"


def test_from_import_as(tmp_path: Path) -> None:
    checked = single(tmp_path, """
        from time import sleep as nap
        from requests import Session as HttpSession

        nap(1)
        HttpSession().get("u")
    """)
    assert checked.callee("nap") == "time.sleep"
    assert checked.callee("HttpSession().get") == "requests.Session.get"


def test_relative_imports(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "shop/__init__.py": "",
        "shop/db.py": """
            def get_db():
                return None
        """,
        "shop/api/__init__.py": "",
        "shop/api/helpers.py": """
            def helper():
                return 1
        """,
        "shop/api/routes.py": """
            from ..db import get_db
            from .. import db as dbmod
            from . import helpers
            from .helpers import helper as h

            get_db()
            dbmod.get_db()
            helpers.helper()
            h()
        """,
    })
    checked = load_file(tmp_path, "shop/api/routes.py")
    assert checked.module.name == "shop.api.routes"
    for text in ("get_db", "dbmod.get_db"):
        definition = checked.resolver.definition(checked.module, checked.call(text))
        assert definition is not None and definition.module.name == "shop.db"
    assert checked.callee("helpers.helper") == "shop.api.helpers.helper"
    assert checked.callee("h") == "shop.api.helpers.helper"


def test_relative_import_from_package_init(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "shop/__init__.py": """
            from .clients import http

            http.get("u")
        """,
        "shop/clients.py": """
            import requests
            http = requests.Session()
        """,
    })
    checked = load_file(tmp_path, "shop/__init__.py")
    assert checked.module.name == "shop" and checked.module.is_package
    assert checked.callee("http.get") == "requests.Session.get"


# ----- assignments -------------------------------------------------------------------------
def test_module_level_and_local_assignments(tmp_path: Path) -> None:
    checked = single(tmp_path, """
        import httpx
        import requests

        s = requests.Session()
        client = None
        client = httpx.Client()

        async def handler():
            s.get("u")
            client.post("u")
            local = httpx.Client()
            local.get("u")
            with requests.Session() as managed:
                managed.put("u")
    """)
    assert checked.callee("s.get") == "requests.Session.get"
    assert checked.callee("client.post") == "httpx.Client.post"
    assert checked.callee("local.get") == "httpx.Client.get"
    assert checked.callee("managed.put") == "requests.Session.put"


def test_disagreeing_assignments_are_unknown(tmp_path: Path) -> None:
    checked = single(tmp_path, """
        import httpx
        import requests

        def pick(flag):
            if flag:
                c = httpx.Client()
            else:
                c = requests.Session()
            c.get("u")
    """)
    assert checked.callee("c.get") is None


def test_global_assigned_in_a_function(tmp_path: Path) -> None:
    """``global client`` + ``client = httpx.Client()`` in a startup function binds the
    module-level name (the common "set the client at startup" pattern)."""
    checked = single(tmp_path, """
        import httpx

        client = None

        def startup():
            global client
            client = httpx.Client()

        async def handler():
            client.get("u")
    """)
    assert checked.callee("client.get") == "httpx.Client.get"


# ----- annotations -------------------------------------------------------------------------
def test_parameter_annotations(tmp_path: Path) -> None:
    checked = single(tmp_path, """
        from typing import Annotated, Optional, Union

        from fastapi import Depends
        from sqlalchemy.orm import Session

        def get_db():
            yield None

        async def plain(a: Session):
            a.execute(1)

        async def annotated(b: Annotated[Session, Depends(get_db)]):
            b.execute(2)

        async def optional(c: Optional[Session] = None):
            c.execute(3)

        async def union(d: Session | None = None, e: Union[None, Session] = None):
            d.execute(4)
            e.execute(5)

        async def string(f: "Session", g: "Optional[Session]", h: Optional["Session"]):
            f.execute(6)
            g.execute(7)
            h.execute(8)
    """)
    for name in "abcdefgh":
        assert checked.callee(f"{name}.execute") == f"{SESSION}.execute", name
    assert checked.type_of("a") == SESSION


def test_ambiguous_annotations_are_unknown(tmp_path: Path) -> None:
    checked = single(tmp_path, """
        from typing import Annotated, Optional, Union

        import httpx
        from sqlalchemy.orm import Session

        async def either(db: Union[Session, httpx.Client], other: Session | httpx.Client):
            db.execute(1)
            other.execute(2)

        async def empty(db: Annotated[()], other: Optional[()]):
            db.execute(3)
            other.execute(4)
    """)
    assert checked.callee("db.execute") is None
    assert checked.callee("other.execute") is None
    assert checked.callee("db.execute", 1) is None
    assert checked.callee("other.execute", 1) is None


def test_type_aliases_local_and_in_another_module(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/deps.py": """
            from typing import Annotated, Optional, TypeAlias

            from fastapi import Depends
            from sqlmodel import Session

            def get_db():
                yield None

            SessionDep = Annotated[Session, Depends(get_db)]
            MaybeSession: TypeAlias = Optional[Session]
            Again = SessionDep
        """,
        "app/routes.py": """
            from typing import Annotated

            from fastapi import Depends
            from sqlalchemy.orm import Session

            import app.deps as deps
            from app.deps import Again, MaybeSession, SessionDep

            Local = Annotated[Session, Depends()]

            async def one(db: SessionDep, two: deps.SessionDep, three: MaybeSession,
                          four: Local, five: Again, six: "SessionDep"):
                db.execute(1)
                two.execute(2)
                three.execute(3)
                four.execute(4)
                five.execute(5)
                six.execute(6)
        """,
    })
    checked = load_file(tmp_path, "app/routes.py")
    for name in ("db", "two", "three", "four", "five", "six"):
        assert checked.callee(f"{name}.execute") == f"{SESSION}.execute", name


# ----- Depends(provider) ---------------------------------------------------------------------
def test_depends_default_uses_what_the_provider_gives(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/db.py": """
            from typing import AsyncIterator, Generator

            import httpx
            from sqlalchemy import create_engine
            from sqlalchemy.ext.asyncio import AsyncSession
            from sqlalchemy.orm import Session, sessionmaker

            engine = create_engine("sqlite://")
            SessionLocal = sessionmaker(bind=engine)
            shared = httpx.Client()

            def get_db():
                db = SessionLocal()
                try:
                    yield db
                finally:
                    db.close()

            def get_typed() -> Generator[Session, None, None]:
                yield SessionLocal()

            async def get_async() -> AsyncIterator[AsyncSession]:
                yield AsyncSession()

            def get_client():
                return shared

            def get_declared() -> httpx.Client:
                return make()
        """,
        "app/main.py": """
            from fastapi import Depends

            from app.db import get_async, get_client, get_db, get_declared, get_typed

            async def endpoint(a=Depends(get_db), b=Depends(get_typed), c=Depends(get_async),
                               d=Depends(get_client), e=Depends(get_declared)):
                a.query(1)
                b.query(2)
                c.execute(3)
                d.get("u")
                e.get("u")
        """,
    })
    checked = load_file(tmp_path, "app/main.py")
    assert checked.callee("a.query") == f"{SESSION}.query"
    assert checked.callee("b.query") == f"{SESSION}.query"
    assert checked.callee("c.execute") == "sqlalchemy.ext.asyncio.AsyncSession.execute"
    assert checked.callee("d.get") == "httpx.Client.get"
    assert checked.callee("e.get") == "httpx.Client.get"


def test_calling_a_generator_function_is_not_its_yield(tmp_path: Path) -> None:
    checked = single(tmp_path, """
        import httpx

        def clients():
            yield httpx.Client()

        def run():
            clients().get("u")
    """)
    assert checked.callee("clients().get") is None


# ----- attribute chains ----------------------------------------------------------------------
def test_attribute_chains(tmp_path: Path) -> None:
    checked = single(tmp_path, """
        import pymongo
        from pymongo import MongoClient

        mongo = MongoClient()

        async def handler():
            mongo.app.users.find_one({})
            mongo["app"]["users"].insert_one({})
            users = mongo.app.users
            users.find({}).sort("k")
            pymongo.MongoClient().db.get_collection("x").count_documents({})
    """)
    assert checked.callee("mongo.app.users.find_one") == \
        "pymongo.collection.Collection.find_one"
    assert checked.callee('mongo["app"]["users"].insert_one') == \
        "pymongo.collection.Collection.insert_one"
    assert checked.callee('users.find({}).sort') == "pymongo.cursor.Cursor.sort"
    assert checked.callee('pymongo.MongoClient().db.get_collection("x").count_documents') == \
        "pymongo.collection.Collection.count_documents"


def test_unknown_receivers_stay_unknown(tmp_path: Path) -> None:
    checked = single(tmp_path, """
        def handler(thing):
            thing.get("u")
            factory()("x").get("u")
            (lambda: 1)().get("u")
    """)
    assert checked.callee("thing.get") is None
    assert checked.callee('factory()("x").get') is None
    assert checked.callee("factory") is None


# ----- Starlette State -------------------------------------------------------------------------
STATE_FILES = {
    "svc/__init__.py": "",
    "svc/setup.py": """
        import httpx
        from fastapi import FastAPI, Request
        from sqlalchemy.orm import Session

        def lifespan(app: FastAPI):
            app.state.http = httpx.Client()
            app.state.mixed = httpx.Client()
            app.state.loop = app.state.loop
            yield
            app.state.http = None

        def middleware(request: Request, call_next):
            setattr(request.state, "db", Session())
            request.state.pair, other = 1, 2

        def other(app):
            app.state.mixed = httpx.AsyncClient()
            app.state.only_here = httpx.Client()
    """,
    "svc/routes.py": """
        from fastapi import Request, WebSocket

        def read(request: Request, websocket: WebSocket):
            request.app.state.http.get("u")
            websocket.app.state.http.get("u")
            request.state.http.get("u")
            request.state.db.execute("q")
            getattr(request.state, "db").execute("q")
            getattr(request.state, "db", None).execute("q")
            request.app.state.mixed.get("u")
            request.app.state.loop.get("u")
            request.app.state.only_here.get("u")
            request.state.pair.get("u")
    """,
}


def test_state_attributes_take_the_type_every_assignment_agrees_on(tmp_path: Path) -> None:
    write_project(tmp_path, STATE_FILES)
    checked = load_file(tmp_path, "svc/routes.py")
    assert checked.callee("request.app.state.http.get") == "httpx.Client.get"
    assert checked.callee("websocket.app.state.http.get") == "httpx.Client.get"
    assert checked.callee("request.state.db.execute") == SESSION + ".execute"
    assert checked.callee('getattr(request.state, "db").execute') == SESSION + ".execute"
    assert checked.callee('getattr(request.state, "db", None).execute') == SESSION + ".execute"
    # The request's namespace is not the app's; two types, a cycle, a write through an
    # untyped receiver alone, an unpacking: unknown.
    for unknown in ("request.state.http.get", "request.app.state.mixed.get",
                    "request.app.state.loop.get", "request.app.state.only_here.get",
                    "request.state.pair.get"):
        assert checked.callee(unknown) is None, unknown


def test_state_answers_do_not_depend_on_the_first_question(tmp_path: Path) -> None:
    write_project(tmp_path, STATE_FILES)
    first = load_file(tmp_path, "svc/setup.py")
    assert first.type_of("app.state.loop") is None
    checked = load_file(tmp_path, "svc/routes.py")
    checked.resolver = first.resolver
    assert checked.callee("request.app.state.loop.get") is None
    assert checked.callee("request.app.state.http.get") == "httpx.Client.get"


# ----- classes -------------------------------------------------------------------------------
def test_self_attributes_set_in_init(tmp_path: Path) -> None:
    checked = single(tmp_path, """
        import httpx
        from sqlalchemy.orm import Session, sessionmaker

        SessionLocal = sessionmaker()

        class Repo:
            db: Session

            def __init__(self):
                self.client = httpx.Client()
                self.session = SessionLocal()

            async def load(self):
                self.client.get("u")
                self.session.query(1)
                self.db.execute(2)
    """)
    assert checked.callee("self.client.get") == "httpx.Client.get"
    assert checked.callee("self.session.query") == f"{SESSION}.query"
    assert checked.callee("self.db.execute") == f"{SESSION}.execute"


def test_inherited_methods_and_attributes(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/base.py": """
            import httpx

            class Base:
                def __init__(self):
                    self.client = httpx.Client()

                def fetch(self):
                    return 1
        """,
        "app/child.py": """
            import requests

            from app.base import Base

            class Child(Base):
                async def run(self):
                    self.fetch()
                    self.client.get("u")

            class MySession(requests.Session):
                pass

            class Deeper(MySession):
                pass

            Child().fetch()
            Deeper().get("u")
        """,
    })
    checked = load_file(tmp_path, "app/child.py")
    for text in ("self.fetch", "Child().fetch"):
        definition = checked.resolver.definition(checked.module, checked.call(text))
        assert definition is not None and definition.module.name == "app.base"
        assert getattr(definition.node, "name", "") == "fetch"
    assert checked.callee("self.client.get") == "httpx.Client.get"
    assert checked.callee("Deeper().get") == "requests.Session.get"


# ----- shadowing -----------------------------------------------------------------------------
def test_shadowing_names(tmp_path: Path) -> None:
    checked = single(tmp_path, """
        import requests
        import time

        async def local_dict():
            open = {}
            open.get("k")
            open("x")

        async def parameter(requests):
            requests.get("u")

        async def comprehension(sessions):
            return [requests.get("u") for requests in sessions]

        async def loop(items):
            for time in items:
                time.sleep(1)

        class Holder:
            requests = None

            def method(self):
                requests.get("u")

        async def not_shadowed():
            open("x")
            requests.get("u")
    """)
    assert checked.callee("open.get") == "builtins.dict.get"
    assert checked.callee("open") == "builtins.dict.__call__"
    assert checked.callee("requests.get", 0) is None
    assert checked.callee("requests.get", 1) is None
    assert checked.callee("time.sleep") is None
    assert checked.callee("requests.get", 2) == "requests.get"  # class scope not visible
    assert checked.callee("open", 1) == "builtins.open"
    assert checked.callee("requests.get", 3) == "requests.get"


def test_comprehension_bodies_stay_in_their_function(tmp_path: Path) -> None:
    """A comprehension runs inside the function: its calls belong to the function, its
    iteration variables do not leak out, a walrus inside it binds in the function."""
    checked = single(tmp_path, """
        import httpx
        import requests

        async def gather(urls):
            s = requests.Session()
            pages = [s.get(u) for u in urls]
            other = [s for s in urls]
            s.post("u")
            if any((c := httpx.Client()) for _ in urls):
                c.get("u")
            return pages, other
    """)
    call = checked.call("s.get")
    assert checked.module.enclosing_function(call) is checked.function("gather")
    assert checked.callee("s.get") == "requests.Session.get"
    assert checked.callee("s.post") == "requests.Session.post"
    assert checked.callee("c.get") == "httpx.Client.get"


def test_nonlocal_refers_to_the_enclosing_function(tmp_path: Path) -> None:
    checked = single(tmp_path, """
        import httpx

        client = "not a client"

        def outer():
            client = httpx.Client()

            def inner():
                nonlocal client
                client.get("u")
            return inner
    """)
    assert checked.callee("client.get") == "httpx.Client.get"


# ----- canonical names -----------------------------------------------------------------------
def test_canonical_aliases(tmp_path: Path) -> None:
    checked = single(tmp_path, """
        from redis import StrictRedis
        from sqlalchemy.orm.session import Session as OrmSession
        from sqlmodel import Session

        async def handler(a: Session, b: OrmSession):
            a.exec(1)
            b.commit()
            StrictRedis().get("k")
    """)
    assert checked.type_of("a") == SESSION
    assert checked.callee("a.exec") == f"{SESSION}.exec"
    assert checked.callee("b.commit") == f"{SESSION}.commit"
    assert checked.callee('StrictRedis().get') == "redis.Redis.get"


# ----- project modules -----------------------------------------------------------------------
def test_project_root_found_by_walking_up(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/core/__init__.py": "",
        "app/core/clients.py": """
            import requests
            http = requests.Session()
        """,
        "app/api/__init__.py": "",
        "app/api/v1/__init__.py": "",
        "app/api/v1/routes.py": """
            from app.core.clients import http

            http.get("u")
        """,
    })
    checked = load_file(tmp_path, "app/api/v1/routes.py")
    assert checked.module.name == "app.api.v1.routes"
    assert checked.callee("http.get") == "requests.Session.get"


def test_src_layout(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "src/shop/__init__.py": "",
        "src/shop/clients.py": """
            import httpx
            client = httpx.Client()
        """,
        "src/shop/main.py": """
            from shop.clients import client

            client.get("u")
        """,
        "tests/test_main.py": """
            from shop.clients import client

            client.post("u")
        """,
    }, marker="pyproject.toml")
    assert load_file(tmp_path, "src/shop/main.py").callee("client.get") == "httpx.Client.get"
    assert load_file(tmp_path, "tests/test_main.py").callee("client.post") == \
        "httpx.Client.post"


def test_namespace_packages(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "services/payments/clients.py": """
            import requests
            gateway = requests.Session()
        """,
        "services/payments/api.py": """
            from services.payments.clients import gateway
            from .clients import gateway as relative

            gateway.post("u")
            relative.get("u")
        """,
    })
    checked = load_file(tmp_path, "services/payments/api.py")
    assert checked.callee("gateway.post") == "requests.Session.post"
    assert checked.callee("relative.get") == "requests.Session.get"


def test_scripts_import_their_siblings(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "service/db.py": """
            import sqlite3
            conn = sqlite3.connect("x")
        """,
        "service/main.py": """
            from db import conn

            conn.execute("select 1")
        """,
    }, marker=None)
    checked = load_file(tmp_path, "service/main.py")
    assert checked.callee("conn.execute") == "sqlite3.Connection.execute"


def test_each_module_is_parsed_once_per_process(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: Counter[str] = Counter()
    real_parse = files_module.parse_source

    def counting_parse(source: str) -> ast.Module | None:
        parsed[source] += 1
        return real_parse(source)

    monkeypatch.setattr(files_module, "parse_source", counting_parse)
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/clients.py": """
            import httpx
            client = httpx.Client()
        """,
        "app/a.py": """
            from app.clients import client
            from app import b
            client.get("u")
            b.helper()
        """,
        "app/b.py": """
            from app.clients import client
            def helper():
                client.post("u")
            client.put("u")
        """,
        "app/sub/c.py": """
            import app.clients
            app.clients.client.delete("u")
        """,
        "tests/test_app.py": """
            from app.clients import client
            client.head("u")
        """,
    })
    for _ in range(2):
        assert load_file(tmp_path, "app/a.py").callee("client.get") == "httpx.Client.get"
        assert load_file(tmp_path, "app/b.py").callee("client.put") == "httpx.Client.put"
        assert load_file(tmp_path, "app/sub/c.py").callee("app.clients.client.delete") == \
            "httpx.Client.delete"
        assert load_file(tmp_path, "tests/test_app.py").callee("client.head") == \
            "httpx.Client.head"
    assert parsed, "cross-module lookups parse the imported modules"
    assert max(parsed.values()) == 1, parsed


def test_checked_file_shares_the_index_of_an_imported_module(tmp_path: Path) -> None:
    """A file checked after another module imported it is the same ModuleInfo: results
    do not depend on which file flake8 checks first."""
    first, definition = imported_helper(tmp_path, "def helper():\n    return 1\n")
    second = Checked.load(tmp_path / "app/b.py", resolver=first.resolver)
    assert second.module is definition.module


def test_unparsable_and_missing_modules_are_unknown(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/broken.py": "def broken(:\n",
        "app/latin.py": b"# no coding cookie\nname = '\xe9'\n".decode("latin-1"),
        "app/main.py": """
            from app.broken import broken
            from app.latin import name
            from app.missing import thing
            import nowhere

            broken()
            name.upper()
            thing()
            nowhere.call()
        """,
    })
    (tmp_path / "app/latin.py").write_bytes(b"# no coding cookie\nname = '\xe9'\n")
    checked = load_file(tmp_path, "app/main.py")
    assert checked.resolver.definition(checked.module, checked.call("broken")) is None
    assert checked.callee("name.upper") is None
    assert checked.callee("thing") is None  # a missing module of the project
    assert checked.callee("nowhere.call") == "nowhere.call"


def test_project_module_shadowing_a_library(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "requests.py": """
            def fetch(url):
                return url
        """,
        "main.py": """
            import requests

            requests.fetch("u")
            requests.get("u")
        """,
    })
    checked = load_file(tmp_path, "main.py")
    definition = checked.resolver.definition(checked.module, checked.call("requests.fetch"))
    assert definition is not None and definition.module.name == "requests"
    assert checked.callee("requests.get") is None  # the project module has no get


def test_builtin_modules_are_never_shadowed(tmp_path: Path) -> None:
    """``time`` is compiled into the interpreter: a project ``time.py`` cannot shadow it
    (``json`` is a file of the standard library: a project ``json.py`` does)."""
    write_project(tmp_path, {
        "time.py": "def sleep(seconds):\n    return seconds\n",
        "json.py": "def loads(text):\n    return text\n",
        "main.py": "import json\nimport time\n\ntime.sleep(1)\njson.loads('1')\n",
    })
    checked = load_file(tmp_path, "main.py")
    assert checked.callee("time.sleep") == "time.sleep"
    assert checked.resolver.definition(checked.module, checked.call("time.sleep")) is None
    definition = checked.resolver.definition(checked.module, checked.call("json.loads"))
    assert definition is not None and definition.module.name == "json"


def test_star_import_of_a_project_module(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/clients.py": """
            import httpx
            client = httpx.Client()
            __all__ = ["client"]
        """,
        "app/main.py": """
            from app.clients import *

            client.get("u")
        """,
    })
    checked = load_file(tmp_path, "app/main.py")
    assert checked.callee("client.get") == "httpx.Client.get"


def test_import_cycles_and_self_imports_terminate(tmp_path: Path) -> None:
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/a.py": "from app.b import x\nfrom app.a import y\ny = x\nx.get('u')\ny.get('u')\n",
        "app/b.py": "from app.c import x\n",
        "app/c.py": "from app.a import x\n",
    })
    checked = load_file(tmp_path, "app/a.py")
    assert checked.callee("x.get") is None
    assert checked.callee("y.get") is None


def test_deep_reassignment_chains_are_unknown_not_errors(tmp_path: Path) -> None:
    lines = ["import httpx", "def f():", "    a0 = httpx.Client()"]
    lines += [f"    a{i} = a{i - 1}" for i in range(1, 300)]
    lines += ["    a299.get('u')", "    a10.get('u')"]
    checked = single(tmp_path, "\n".join(lines) + "\n")
    assert checked.callee("a10.get") == "httpx.Client.get"
    assert checked.callee("a299.get") is None  # beyond the resolver's depth: unknown


def test_results_do_not_depend_on_query_order(tmp_path: Path) -> None:
    """A value computed deep inside another query (where the depth limit cut it short)
    must not be cached as the answer for a later, shallower query."""
    lines = ["import httpx", "def f():", "    a0 = httpx.Client()"]
    lines += [f"    a{i} = a{i - 1}" for i in range(1, 60)]
    lines += ["    a59.get('u')", "    a30.get('u')"]
    source = "\n".join(lines) + "\n"
    forward = single(tmp_path / "one", source)
    deep_first = (forward.callee("a59.get"), forward.callee("a30.get"))
    backward = single(tmp_path / "two", source)
    shallow_first = (backward.callee("a59.get"), backward.callee("a30.get"))
    assert deep_first[1] == shallow_first[1] == "httpx.Client.get"
    assert deep_first == shallow_first


# ----- astroid inference (full environment only) --------------------------------------------
def test_inference_adds_library_return_types(tmp_path: Path) -> None:
    """``Client.build_request`` is not in apis/types.py RETURNS: only astroid, reading the
    installed httpx, knows it returns a Request."""
    pytest.importorskip("httpx")
    checked = single(tmp_path, """
        import httpx

        client = httpx.Client()

        async def handler():
            request = client.build_request("GET", "u")
            request.read()
    """)
    assert checked.type_of("request") is None  # no inference: unknown
    inferred = Checked.load(tmp_path / "main.py", Inference())
    assert inferred.module is checked.module  # same index, separate answers per resolver
    assert inferred.type_of("request") == "httpx._models.Request"
    assert inferred.callee("request.read") == "httpx._models.Request.read"


def test_inference_of_a_project_function_is_not_attempted(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """Inference is only asked about calls into the libraries of our tables."""
    asked: list[str] = []
    monkeypatch.setattr(Inference, "instance_type",
                        lambda self, module, call: asked.append(ast.unparse(call)))
    monkeypatch.setattr(infer_module, "installed", lambda root: True)
    checked = single(tmp_path, """
        import json
        import requests

        def helper():
            return 1

        helper().x()
        json.loads("1").get("k")
        requests.request("GET", "u").json()
    """)
    resolver = Resolver(checked.project, Inference())
    for text in ("helper().x", 'json.loads("1").get', 'requests.request("GET", "u").json'):
        resolver.callee(checked.module, checked.call(text))
    assert asked == ["requests.request('GET', 'u')"]


def test_failing_inference_is_unknown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(node):  # type: ignore[no-untyped-def]
        raise RuntimeError("astroid exploded")

    monkeypatch.setattr(infer_module, "installed", lambda root: True)
    monkeypatch.setattr(infer_module, "safe_infer", explode)
    checked = single(tmp_path, """
        import requests

        requests.request("GET", "u").json()
        requests.get("u").json()
    """)
    checked.resolver = Resolver(checked.project, Inference())
    assert checked.callee('requests.request("GET", "u").json') is None
    assert checked.callee('requests.get("u").json') == "requests.Response.json"


def test_a_folder_without_init_inside_a_package_belongs_to_that_package(
        tmp_path: Path) -> None:
    """``pkg/portion/`` without ``__init__.py`` under a regular ``pkg`` is imported as
    ``pkg.portion``: its files share the package's project (one index per module) and
    are named from the package chain."""
    root = write_project(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/core.py": "def helper():\n    return 1\n",
        "pkg/portion/a.py": "from pkg.core import helper\n",
        "pkg/portion/b.py": "from pkg.core import helper\n",
    })
    first = Plugin.run_state().project_for(root / "pkg" / "portion" / "a.py")
    second = Plugin.run_state().project_for(root / "pkg" / "portion" / "b.py")
    core = Plugin.run_state().project_for(root / "pkg" / "core.py")
    assert first is second is core
    assert first.checked_name((root / "pkg" / "portion" / "a.py").absolute()) == \
        ("pkg.portion.a", False)


IMPORTS_TEXT = '''\
import os, json as j
from boto3.session import Session
x = "import requests"  # not at a line start: no import
def f():
    import httpx.client
    from redis import (
        Redis,
        StrictRedis,
    )
important = 1
    import_helpers = 2
from . import sibling
sender.send_email(); resend(); sendmail(); notifier.send(); sending()
'''


def test_text_scans_find_imports_and_mail_words_at_their_keywords() -> None:
    """The text pre-filters jump from keyword to keyword; they find what a scan of every
    line start (imports) or every word (mail methods) would."""
    from flake8_fastapi_bp.apis.mail import MAIL_METHOD_NAMES
    from flake8_fastapi_bp.resolve.project_references import _SEND_WORD, _import_statements
    from flake8_fastapi_bp.resolve.text_scans import imported_roots_in

    assert imported_roots_in(IMPORTS_TEXT) == {"os", "json", "boto3", "httpx", "redis"}
    assert list(_import_statements(IMPORTS_TEXT)) == [
        "import os, json as j", "from boto3.session import Session",
        "    import httpx.client",
        "    from redis import (\n        Redis,\n        StrictRedis,\n    )",
        "from . import sibling"]
    assert MAIL_METHOD_NAMES.intersection(_SEND_WORD.findall(IMPORTS_TEXT)) == {
        "send_email", "sendmail", "send"}
    # The mail scan jumps to ``send``: a mail method named otherwise needs a new scan.
    assert all(name.startswith("send") for name in MAIL_METHOD_NAMES)
