"""Data about how FastAPI fills a parameter: its request markers, the library dependencies
whose parameters are known, and the types it reads as plain scalar query parameters."""

from __future__ import annotations

import re

# ``{name}`` or ``{name:converter}`` in a route path (Starlette's own pattern).
PATH_PARAMETER = re.compile(r"\{([A-Za-z_]\w*)(?::[A-Za-z_]\w*)?\}")
# Registrations whose endpoint FastAPI calls with request data (Starlette's ``route``,
# ``add_route`` and ``Route`` pass the bare request).
FASTAPI_ROUTE_FORMS = frozenset({
    "get", "post", "put", "patch", "delete", "options", "head", "trace", "api_route",
    "websocket", "add_api_route", "add_api_websocket_route", "APIRoute", "APIWebSocketRoute",
})

# ``fastapi.Query(...)`` ... (also ``fastapi.params.Query``): the parameter is declared as
# request data on purpose; ``alias=`` renames what it reads.
REQUEST_MARKERS = frozenset({"Query", "Path", "Header", "Cookie", "Body", "Form", "File"})

# Framework objects through which a dependency may read any path parameter
# (``request.path_params``): who takes one may consume every ``{name}``.
PATH_READERS = frozenset({"starlette.requests.Request", "starlette.requests.HTTPConnection",
                          "starlette.websockets.WebSocket"})

# FastAPI's security schemes and forms used as dependencies (``Depends(oauth2_scheme)``):
# the request data they read, none of it a path parameter.
LIBRARY_DEPENDENCIES: dict[str, tuple[str, ...]] = {
    **{f"fastapi.security.{name}": () for name in (
        "OAuth2PasswordBearer", "OAuth2AuthorizationCodeBearer", "OAuth2", "OpenIdConnect",
        "HTTPBearer", "HTTPBasic", "HTTPDigest", "APIKeyHeader", "APIKeyCookie",
        "APIKeyQuery")},
    "fastapi.security.OAuth2PasswordRequestForm": (
        "grant_type", "username", "password", "scope", "client_id", "client_secret"),
    "fastapi.security.OAuth2PasswordRequestFormStrict": (
        "grant_type", "username", "password", "scope", "client_id", "client_secret"),
}

# Annotations FastAPI reads as one scalar query value (a list, dict or model is a body).
SCALAR_TYPES = frozenset({
    "builtins.str", "builtins.int", "builtins.float", "builtins.bool", "builtins.bytes",
    "decimal.Decimal", "uuid.UUID", "pathlib.Path", "datetime.date", "datetime.datetime",
    "datetime.time", "datetime.timedelta", "typing.Any", "typing.Literal",
    "typing_extensions.Literal",
})

# Memoizing decorators (``functools``, ``cachetools``, ``async_lru``): the cache is keyed
# by the arguments, so each distinct argument fills an entry.
MEMOIZERS = frozenset({
    "functools.cache", "functools.lru_cache", "async_lru.alru_cache", "cachetools.cached",
    "cachetools.func.lru_cache", "cachetools.func.ttl_cache", "cachetools.func.lfu_cache",
    "cachetools.func.fifo_cache", "cachetools.func.rr_cache", "cachetools.func.mru_cache",
})
