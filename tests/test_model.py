"""Unit tests of the FastAPI model (fastapi_model.py) on small temporary projects.

Like the resolver, the model works from imports alone: fastapi need not be installed.
"""

from __future__ import annotations

from pathlib import Path

from project_helpers import Checked, load_file, write_project

SHOP = {
    "shop/__init__.py": "",
    "shop/core.py": """
        from fastapi import APIRouter, FastAPI

        app = FastAPI(openapi_url=None)
        router = APIRouter(prefix="/items")
    """,
    "shop/db.py": """
        def get_db():
            yield None

        def verify_token():
            return True
    """,
    "shop/deps.py": """
        from typing import Annotated

        from fastapi import Depends

        from shop.db import get_db

        DB = Annotated[object, Depends(get_db)]
    """,
    "shop/routes.py": """
        from fastapi import Depends

        from shop import core
        from shop.core import app, router
        from shop.deps import DB

        @router.get("/")
        async def list_items(db: DB):
            return []

        @core.router.post("/")
        async def create_item(db: DB):
            return {}

        @app.websocket("/ws")
        async def socket(ws):
            return None

        async def plain_helper():
            return None
    """,
}


def shop(tmp_path: Path) -> Path:
    return write_project(tmp_path, SHOP)


def test_apps_and_routers_created_in_another_module(tmp_path: Path) -> None:
    checked = load_file(shop(tmp_path), "shop/routes.py")
    model = checked.model()
    for name in ("list_items", "create_item", "socket"):
        assert model.is_endpoint(checked.function(name)), name
        assert model.kind(checked.function(name)) == "endpoint"
    assert model.route(checked.function("socket")).method == "websocket"
    assert not model.is_request_path(checked.function("plain_helper"))


def test_dependency_through_an_alias_in_a_third_module(tmp_path: Path) -> None:
    """get_db is only named inside ``Depends`` in deps.py: db.py still knows it is one."""
    checked = load_file(shop(tmp_path), "shop/db.py")
    model = checked.model()
    assert model.is_dependency(checked.function("get_db"))
    assert model.kind(checked.function("get_db")) == "dependency"
    assert not model.is_dependency(checked.function("verify_token"))


def test_app_constructions(tmp_path: Path) -> None:
    checked = load_file(shop(tmp_path), "shop/core.py")
    model = checked.model()
    assert [c.lineno for c in model.app_constructions()] == [3]
    assert [c.lineno for c in model.router_constructions()] == [4]


def test_every_route_registration(tmp_path: Path) -> None:
    write_project(tmp_path, {"main.py": """
        from fastapi import APIRouter, FastAPI
        from starlette.applications import Starlette
        from starlette.routing import Route, WebSocketRoute

        app = FastAPI(openapi_url=None)
        router = APIRouter()

        @app.get("/a")
        async def a(): ...
        @app.post("/b")
        async def b(): ...
        @router.put("/c")
        async def c(): ...
        @router.patch("/d")
        async def d(): ...
        @router.delete("/e")
        async def e(): ...
        @app.options("/f")
        async def f(): ...
        @app.head("/g")
        async def g(): ...
        @app.trace("/h")
        async def h(): ...
        @router.api_route("/i", methods=["GET"])
        async def i(): ...
        @router.websocket("/j")
        async def j(ws): ...

        async def k(): ...
        async def l(): ...
        async def m(ws): ...
        async def n(request): ...
        async def o(request): ...
        async def p(ws): ...

        app.add_api_route("/k", k)
        router.add_api_route("/l", endpoint=l, methods=["POST"])
        app.add_api_websocket_route("/m", m)
        routes = [Route("/n", n), Route("/o", endpoint=o), WebSocketRoute("/p", p)]
        starlette_app = Starlette(routes=routes)
        app.include_router(router)
    """})
    checked = load_file(tmp_path, "main.py")
    model = checked.model()
    for name in "abcdefghijklmnop":
        assert model.is_endpoint(checked.function(name)), name
    assert model.route(checked.function("a")).method == "get"
    assert model.route(checked.function("l")).method == "add_api_route"


def test_look_alike_registrations_are_not_routes(tmp_path: Path) -> None:
    write_project(tmp_path, {"main.py": """
        import redis
        from fastapi import FastAPI

        app = FastAPI(openapi_url=None)
        cache = redis.Redis()
        registry = {}

        class Registry:
            def add_route(self, path, handler): ...
            def get(self, path): ...

        plugins = Registry()

        @plugins.get("/x")
        async def not_a_route(): ...

        async def handler(): ...

        plugins.add_route("/y", handler)
        cache.get("k")
    """})
    checked = load_file(tmp_path, "main.py")
    model = checked.model()
    assert not model.is_endpoint(checked.function("not_a_route"))
    assert not model.is_endpoint(checked.function("handler"))


def test_dependency_forms(tmp_path: Path) -> None:
    write_project(tmp_path, {"main.py": """
        from typing import Annotated

        from fastapi import APIRouter, Depends, FastAPI, Security

        async def as_default(): ...
        async def as_annotated(): ...
        async def as_security(): ...
        async def of_route(): ...
        async def of_router(): ...
        async def of_app(): ...
        async def of_include(): ...
        async def nested(dep=Depends(as_default)): ...
        async def through_alias(): ...
        async def never_used(): ...

        class Pagination:
            def __init__(self, page: int = 1):
                self.page = page

        class Checker:
            def __call__(self):
                return True

        checker = Checker()
        Alias = Annotated[str, Depends(through_alias)]
        app = FastAPI(openapi_url=None, dependencies=[Depends(of_app)])
        router = APIRouter(dependencies=[Depends(of_router)])
        app.include_router(router, dependencies=[Depends(of_include)])

        @router.get("/", dependencies=[Depends(of_route)])
        async def endpoint(
            a=Depends(as_default),
            b: Annotated[str, Depends(as_annotated)] = "",
            c=Security(as_security),
            d: Pagination = Depends(),
            e: Annotated[Pagination, Depends()] = None,
            f: bool = Depends(checker),
            g: Alias = "",
        ): ...
    """})
    checked = load_file(tmp_path, "main.py")
    model = checked.model()
    for name in ("as_default", "as_annotated", "as_security", "of_route", "of_router",
                 "of_app", "of_include", "through_alias"):
        assert model.is_dependency(checked.function(name)), name
    assert model.is_dependency(checked.function("__init__"))  # Depends() of the class
    assert model.is_dependency(checked.function("__call__"))  # an instance's __call__
    assert not model.is_dependency(checked.function("never_used"))
    assert not model.is_dependency(checked.function("endpoint"))


def test_middleware_handlers_lifespan_and_tasks(tmp_path: Path) -> None:
    write_project(tmp_path, {"main.py": """
        from contextlib import asynccontextmanager

        from fastapi import BackgroundTasks, FastAPI, Request
        from starlette.background import BackgroundTask
        from starlette.middleware.base import BaseHTTPMiddleware

        @asynccontextmanager
        async def lifespan(app):
            yield

        app = FastAPI(openapi_url=None, lifespan=lifespan)

        @app.middleware("http")
        async def timing(request: Request, call_next):
            return await call_next(request)

        class Auth(BaseHTTPMiddleware):
            async def dispatch(self, request, call_next):
                return await call_next(request)

        app.add_middleware(Auth)

        @app.exception_handler(ValueError)
        async def on_value_error(request, exc): ...

        async def on_key_error(request, exc): ...

        app.add_exception_handler(KeyError, on_key_error)

        def send_mail(to): ...
        def cleanup(): ...
        def not_a_task(): ...

        @app.post("/signup")
        async def signup(tasks: BackgroundTasks):
            tasks.add_task(send_mail, "x")
            return BackgroundTask(cleanup)
    """})
    checked = load_file(tmp_path, "main.py")
    model = checked.model()
    assert model.is_lifespan(checked.function("lifespan"))
    assert model.kind(checked.function("timing")) == "middleware"
    assert model.kind(checked.function("dispatch")) == "middleware"
    assert model.kind(checked.function("on_value_error")) == "exception handler"
    assert model.kind(checked.function("on_key_error")) == "exception handler"
    assert model.is_background_task(checked.function("send_mail"))
    assert model.is_background_task(checked.function("cleanup"))
    assert not model.is_background_task(checked.function("not_a_task"))
    assert not model.is_request_path(checked.function("lifespan"))


def test_roles_given_in_another_module(tmp_path: Path) -> None:
    """A lifespan, task or dependency defined in one module and registered in another."""
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/lifecycle.py": """
            from contextlib import asynccontextmanager

            @asynccontextmanager
            async def lifespan(app):
                yield

            def send_report(): ...
            async def current_user(): ...
        """,
        "app/main.py": """
            from fastapi import BackgroundTasks, Depends, FastAPI

            from app import lifecycle
            from app.lifecycle import current_user, lifespan

            app = FastAPI(openapi_url=None, lifespan=lifespan)

            @app.get("/")
            async def index(tasks: BackgroundTasks, user=Depends(current_user)):
                tasks.add_task(lifecycle.send_report)
        """,
    })
    checked = load_file(tmp_path, "app/lifecycle.py")
    model = checked.model()
    assert model.is_lifespan(checked.function("lifespan"))
    assert model.is_background_task(checked.function("send_report"))
    assert model.is_dependency(checked.function("current_user"))


def test_same_named_functions_in_other_modules(tmp_path: Path) -> None:
    """``Depends(get_client)`` in a module that defines its own ``get_client`` says nothing
    about another module's ``get_client``; a name defined twice counts where imported."""
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/fixtures.py": """
            def get_client(): ...
            def get_session(): ...
        """,
        "app/db.py": """
            def get_session(): ...
        """,
        "app/main.py": """
            from fastapi import Depends, FastAPI

            from app.db import get_session

            app = FastAPI(openapi_url=None)

            def get_client(): ...

            @app.get("/")
            async def index(client=Depends(get_client), session=Depends(get_session)): ...
        """,
    })
    fixtures = load_file(tmp_path, "app/fixtures.py")
    assert not fixtures.model().is_dependency(fixtures.function("get_client"))
    assert not fixtures.model().is_dependency(fixtures.function("get_session"))
    db = load_file(tmp_path, "app/db.py")
    assert db.model().is_dependency(db.function("get_session"))


def test_aliased_fastapi_imports(tmp_path: Path) -> None:
    write_project(tmp_path, {"main.py": """
        import fastapi
        from fastapi import FastAPI as App

        api = App(openapi_url=None)
        sub = fastapi.APIRouter()

        @api.get("/")
        async def index(): ...

        @sub.get("/")
        async def other(): ...

        class VersionedRouter(fastapi.APIRouter):
            pass

        v1 = VersionedRouter()

        @v1.get("/")
        async def versioned(): ...
    """})
    checked = load_file(tmp_path, "main.py")
    model = checked.model()
    for name in ("index", "other", "versioned"):
        assert model.is_endpoint(checked.function(name)), name
    assert len(model.app_constructions()) == 1 and len(model.router_constructions()) == 1


def test_model_answers_do_not_depend_on_the_checked_file_order(tmp_path: Path) -> None:
    shop(tmp_path)
    first = load_file(tmp_path, "shop/routes.py")
    again = Checked.load(tmp_path / "shop/routes.py", resolver=first.resolver)
    assert again.module is first.module
    assert again.model().is_endpoint(again.function("list_items"))
