"""Shared-layer pieces used by FBP201 and FBP302: ``Resolver.library_base``,
``Resolver.annotated_metadata`` and ``FastAPIModel.request_parameters``.

Resolution from imports and annotations alone: runs in the bare environment too.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from flake8_fastapi_bp.fastapi_model import FastAPIModel
from flake8_fastapi_bp.resolve.module import FunctionNode, ModuleInfo
from flake8_fastapi_bp.resolve.names import Resolver
from flake8_fastapi_bp.resolve.values import Definition
from flake8_fastapi_bp.resolve.run import Run


def load(root: Path, files: dict[str, str], checked: str) -> tuple[ModuleInfo, Resolver]:
    (root / "setup.cfg").write_text("", encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    source = (root / checked).read_text(encoding="utf-8")
    project, module = Run().module_for_file(root / checked, ast.parse(source),
                                            source.splitlines(keepends=True), register=True)
    return module, Resolver(project)


def function(module: ModuleInfo, name: str) -> FunctionNode:
    (found,) = [f for f in module.functions if f.name == name]
    return found


def class_named(module: ModuleInfo, name: str) -> ast.ClassDef:
    (found,) = [c for c in module.classes if c.name == name]
    return found


DEPS = """
    from typing import Annotated

    from fastapi import Depends

    class User:
        pass

    async def current_user() -> User:
        return User()

    CurrentUser = Annotated[User, Depends(current_user)]
    Limit = Annotated[int, "a plain query parameter"]
"""


def test_request_parameters_leave_out_injected_and_framework_objects(tmp_path: Path) -> None:
    module, resolver = load(tmp_path, {"app/__init__.py": "", "app/deps.py": DEPS,
                                       "app/main.py": """
        from typing import Annotated

        from fastapi import BackgroundTasks, Depends, FastAPI, Request, Response, Security
        from fastapi import Query

        from app.deps import CurrentUser, Limit, User, current_user

        app = FastAPI(openapi_url=None)
        Alias = CurrentUser

        @app.get("/items/{item_id}")
        async def read(item_id: int, request: Request, response: Response,
                       tasks: BackgroundTasks, user: CurrentUser, other: Alias,
                       inline: Annotated[User, Depends(current_user)],
                       default: User = Depends(current_user),
                       scoped: User = Security(current_user),
                       limit: Limit = 10, q: Annotated[str, Query(max_length=5)] = "",
                       *args, flag: bool = False, **kwargs):
            return item_id
    """}, "app/main.py")
    model = FastAPIModel(module, resolver, resolver.project)
    names = [arg.arg for arg in model.request_parameters(function(module, "read"))]
    assert names == ["item_id", "limit", "q", "flag"]


def test_annotated_metadata_follows_aliases_across_modules(tmp_path: Path) -> None:
    module, resolver = load(tmp_path, {"app/__init__.py": "", "app/deps.py": DEPS,
                                       "app/main.py": """
        from app.deps import CurrentUser, User

        def endpoint(user: CurrentUser, plain: User, text: str):
            return user
    """}, "app/main.py")
    args = {a.arg: a.annotation for a in function(module, "endpoint").args.args}
    metadata = resolver.annotated_metadata(module, args["user"])
    assert [(owner.name, ast.unparse(meta)) for owner, meta in metadata] == [
        ("app.deps", "Depends(current_user)")]
    assert resolver.annotated_metadata(module, args["plain"]) == []
    assert resolver.annotated_metadata(module, args["text"]) == []
    assert resolver.annotated_metadata(module, None) == []


def test_library_base_walks_up_project_classes(tmp_path: Path) -> None:
    module, resolver = load(tmp_path, {"app/__init__.py": "", "app/nets.py": """
        from torch import nn

        class Base(nn.Module):
            pass
    """, "app/main.py": """
        from app.nets import Base

        class Net(Base):
            pass

        class Plain:
            pass

        def helper():
            pass
    """}, "app/main.py")
    assert resolver.library_base(Definition(module, class_named(module, "Net"))) \
        == "torch.nn.Module"
    assert resolver.library_base(Definition(module, class_named(module, "Plain"))) is None
    assert resolver.library_base(Definition(module, function(module, "helper"))) is None
