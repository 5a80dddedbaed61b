"""The only module that calls astroid inference.

Astroid trees are built lazily, once per module, and only when a question cannot be
answered from imports and annotations. Every failure (``Uninferable``, inference errors,
recursion, anything astroid raises) means "unknown": ``None``. ``instance_type`` is the
guard: nothing raised below it reaches a rule.

Per-module state lives in the module's own cache (never in a dict keyed by ``id()``,
whose keys a later module could reuse).
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from functools import lru_cache
from typing import Any

from ..profiling import Profile, timed
from .module import CacheKey, ModuleInfo

# Packages whose return types we care to infer: the roots of our API tables. Not
# SQLAlchemy/SQLModel: astroid answers nothing useful through their generics, at a high
# cost (apis/types.py RETURNS describes them instead).
INFERABLE_ROOTS = frozenset({
    "pymongo", "redis", "psycopg2", "psycopg", "pymysql",
    "requests", "httpx", "urllib3", "boto3", "elasticsearch", "PIL", "passlib",
    "motor", "asyncpg", "aiohttp", "mysql",
})
_KEY = tuple[int, int, int, int]
# The module's astroid call nodes by position.
ASTROID_CALLS: CacheKey[dict[_KEY, Any]] = CacheKey("astroid calls")


def installed(root: str) -> bool:
    """Is the top-level package importable (so astroid can read its source)?"""
    try:
        return importlib.util.find_spec(root) is not None
    except (ImportError, ValueError):
        return False


def _key(node: Any) -> _KEY | None:
    try:
        return (node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)
    except AttributeError:
        return None


class Inference:
    """A run's access to astroid; caches trees per module and answers per node."""

    def __init__(self, profile: Profile | None = None) -> None:
        self.profile = profile
        self.stats = {"trees": 0, "queries": 0}
        # Top-level package -> installed? (asked once per run: an editor's host may
        # install packages between runs).
        self._installed: dict[str, bool] = {}

    def wanted(self, qualname: str | None) -> bool:
        root = (qualname or "").partition(".")[0]
        if root not in INFERABLE_ROOTS:
            return False
        if root not in self._installed:
            self._installed[root] = installed(root)
        return self._installed[root]

    @timed("inference", lambda inference: inference.profile)
    def instance_type(self, module: ModuleInfo, call: ast.Call) -> str | None:
        """Qualified class name of the single value ``call`` infers to, if an instance."""
        limit = sys.getrecursionlimit()
        try:
            node = self._astroid_call(module, call)
            if node is None:
                return None
            self.stats["queries"] += 1
            value = safe_infer(node)
            if value is None or type(value).__name__ != "Instance":
                return None
            return str(value.pytype())
        except Exception:  # noqa: BLE001 - whatever astroid (or its use) raises: unknown
            return None
        finally:
            sys.setrecursionlimit(limit)

    def _astroid_call(self, module: ModuleInfo, call: ast.Call) -> Any:
        index = module.cache.get(ASTROID_CALLS)
        if index is None:
            module.cache.put(ASTROID_CALLS, {})  # a failure below leaves "no calls": unknown
            index = module.cache.put(ASTROID_CALLS, self._index_calls(module))
        key = _key(call)
        return index.get(key) if index and key is not None else None

    def _index_calls(self, module: ModuleInfo) -> dict[_KEY, Any]:
        tree = self._build(module)
        if tree is None:
            return {}
        import astroid

        index: dict[_KEY, Any] = {}
        for node in tree.nodes_of_class(astroid.nodes.Call):
            key = _key(node)
            if key is not None:
                index[key] = node
        return index

    def _build(self, module: ModuleInfo) -> Any:
        try:
            import astroid

            self.stats["trees"] += 1
            source = _source_of(module)
            if source is None:
                return None
            builder = astroid.builder.AstroidBuilder(astroid.MANAGER)
            return builder.string_build(source, module.name or "__fbp_checked__",
                                        str(module.path) if module.path else None)
        except Exception:  # noqa: BLE001 - unknown
            return None
        except RecursionError:
            return None


def release_project_state() -> bool:
    """Forget what astroid keeps about the analysed code: modules it built from outside
    the interpreter's own library folders (project modules reached by imports) and its
    inference caches, which hold nodes of every tree ever asked about. The libraries'
    modules stay: costly to rebuild, and bounded by what the project imports. Returns
    whether anything was dropped (astroid trees are reference cycles: garbage for the
    collector)."""
    if "astroid" not in sys.modules:
        return False  # nothing was ever inferred
    try:
        import astroid
        from astroid.context import _invalidate_cache
        from astroid.inference_tip import clear_inference_tip_cache

        libraries = tuple(_library_folders())
        cache = astroid.MANAGER.astroid_cache
        for name in [name for name, module in cache.items()
                     if module.file and not module.file.startswith(libraries)]:
            del cache[name]
        _invalidate_cache()
        clear_inference_tip_cache()
    except Exception:  # noqa: BLE001 - an astroid without these helpers keeps its caches
        return False
    return True


@lru_cache(maxsize=1)
def _library_folders() -> frozenset[str]:
    import sysconfig

    paths = sysconfig.get_paths()
    return frozenset(paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")
                     if paths.get(key))


def _source_of(module: ModuleInfo) -> str | None:
    if module.lines is not None:
        return "".join(module.lines)
    if module.path is not None:
        from .files import read_source

        return read_source(module.path)
    return None


def safe_infer(node: Any) -> Any:
    """The one value ``node`` infers to, or None if unknown, ambiguous or failing."""
    limit = sys.getrecursionlimit()
    try:
        import astroid

        results = node.infer()
        first = next(results, None)
        if first is None or first is astroid.Uninferable:
            return None
        for _ in range(8):
            other = next(results, None)
            if other is None:
                return first
            if other is astroid.Uninferable or type(other) is not type(first):
                return None
        return None
    except Exception:  # noqa: BLE001 - inference failures are "unknown"
        return None
    except RecursionError:
        return None
    finally:
        sys.setrecursionlimit(limit)
