"""Data only: what opens a client, engine or pool (FBP401) and which outbound HTTP calls
can wait forever (FBP403).

Keys are canonical qualified names (see ``apis.types.canonical``); a method of an
instance is ``Type.method``, a classmethod or constructor is the class's name plus the
method (``redis.Redis.from_url``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Resource:
    """What a constructor opens, and what to create once in the lifespan instead."""

    what: str
    instead: str


ENGINE = Resource("engine and connection pool", "the engine")
SESSION_FACTORY = Resource("session factory (and usually an engine behind it)",
                           "the engine and the sessionmaker")
CONNECTION = Resource("database connection", "a connection pool")
POOL = Resource("connection pool", "the pool")
DB_CLIENT = Resource("client and its connection pool", "the client")
HTTP_CLIENT = Resource("HTTP client, its connection pool and SSL context", "the client")
AWS_CLIENT = Resource("boto3 client (credentials lookup, endpoint and connection pool)",
                      "the client")

CLIENT_CONSTRUCTORS: dict[str, Resource] = {
    # SQLAlchemy / SQLModel
    "sqlalchemy.create_engine": ENGINE,
    "sqlalchemy.engine_from_config": ENGINE,
    "sqlalchemy.ext.asyncio.create_async_engine": ENGINE,
    "sqlalchemy.orm.sessionmaker": SESSION_FACTORY,
    "sqlalchemy.ext.asyncio.async_sessionmaker": SESSION_FACTORY,
    # PostgreSQL / MySQL drivers
    "psycopg2.connect": CONNECTION,
    "psycopg2.pool.SimpleConnectionPool": POOL,
    "psycopg2.pool.ThreadedConnectionPool": POOL,
    "psycopg.connect": CONNECTION,
    "psycopg.Connection.connect": CONNECTION,
    "psycopg.AsyncConnection.connect": CONNECTION,
    "psycopg_pool.ConnectionPool": POOL,
    "psycopg_pool.AsyncConnectionPool": POOL,
    "asyncpg.connect": CONNECTION,
    "asyncpg.create_pool": POOL,
    "aiomysql.connect": CONNECTION,
    "aiomysql.create_pool": POOL,
    # Document stores, caches, search
    "pymongo.MongoClient": DB_CLIENT,
    "motor.motor_asyncio.AsyncIOMotorClient": DB_CLIENT,
    "motor.motor_tornado.MotorClient": DB_CLIENT,
    "redis.Redis": DB_CLIENT,
    "redis.from_url": DB_CLIENT,
    "redis.Redis.from_url": DB_CLIENT,
    "redis.ConnectionPool": POOL,
    "redis.ConnectionPool.from_url": POOL,
    "redis.asyncio.Redis": DB_CLIENT,
    "redis.asyncio.from_url": DB_CLIENT,
    "redis.asyncio.Redis.from_url": DB_CLIENT,
    "redis.asyncio.ConnectionPool": POOL,
    "redis.asyncio.ConnectionPool.from_url": POOL,
    "elasticsearch.Elasticsearch": DB_CLIENT,
    "elasticsearch.AsyncElasticsearch": DB_CLIENT,
    # HTTP and cloud clients
    "httpx.Client": HTTP_CLIENT,
    "httpx.AsyncClient": HTTP_CLIENT,
    "aiohttp.ClientSession": HTTP_CLIENT,
    "boto3.client": AWS_CLIENT,
    "boto3.resource": AWS_CLIENT,
    "boto3.Session.client": AWS_CLIENT,
    "boto3.Session.resource": AWS_CLIENT,
}

# A light client object around a pool built elsewhere is cheap: constructor -> the keyword
# that hands it the shared pool (``redis.Redis(connection_pool=app.state.pool)``).
SHARED_POOL_KEYWORDS: dict[str, str] = {
    "redis.Redis": "connection_pool",
    "redis.asyncio.Redis": "connection_pool",
    "aiohttp.ClientSession": "connector",
    "httpx.Client": "transport",
    "httpx.AsyncClient": "transport",
}

# A dependency wrapped in one of these runs its body once (per arguments): whatever it
# builds is shared, not rebuilt per request.
CACHING_DECORATORS = frozenset({
    "functools.cache", "functools.lru_cache", "async_lru.alru_cache", "cachetools.cached",
    "cachetools.func.lru_cache", "cachetools.func.ttl_cache",
})


@dataclass(frozen=True)
class Timeout:
    """How a call takes its timeout.

    ``forever_without``: leaving ``timeout`` out means no limit (requests, urlopen);
    httpx has a 5-second default, so only an explicit ``None`` turns it off.
    ``position``: index of the positional parameter that is the timeout, if any.
    """

    forever_without: bool
    fix: str
    position: int | None = None


REQUESTS_FIX = "`timeout=` in seconds (e.g. `timeout=10`, or `timeout=(3.05, 10)` for " \
               "connect and read)"
URLOPEN_FIX = "`timeout=` in seconds (e.g. `urlopen(url, timeout=10)`)"
HTTPX_FIX = "a finite `timeout=` (e.g. `timeout=10.0` or `httpx.Timeout(10.0, " \
            "connect=3.0)`), or drop it to keep the default"

REQUESTS = Timeout(True, REQUESTS_FIX)
HTTPX = Timeout(False, HTTPX_FIX)

_VERBS = ("get", "post", "put", "patch", "delete", "head", "options")

OUTBOUND_CALLS: dict[str, Timeout] = {
    **{f"requests.{verb}": REQUESTS for verb in (*_VERBS, "request")},
    **{f"requests.Session.{verb}": REQUESTS for verb in (*_VERBS, "send")},
    # Session.request(method, url, params, data, headers, cookies, files, auth, timeout, ...)
    "requests.Session.request": Timeout(True, REQUESTS_FIX, position=8),
    # urlopen(url, data=None, timeout=<socket default: none unless set>)
    "urllib.request.urlopen": Timeout(True, URLOPEN_FIX, position=2),
    **{f"httpx.{verb}": HTTPX for verb in (*_VERBS, "request", "stream")},
    **{f"httpx.Client.{verb}": HTTPX for verb in (*_VERBS, "request", "stream")},
    **{f"httpx.AsyncClient.{verb}": HTTPX for verb in (*_VERBS, "request", "stream")},
    "httpx.Client": HTTPX,
    "httpx.AsyncClient": HTTPX,
}

# Clients whose construction with timeout=None is also flagged in the lifespan: the
# clients built there are the ones every request uses.
TIMEOUT_CLIENTS = frozenset({"httpx.Client", "httpx.AsyncClient"})

# requests sessions; a project subclass of one, or one mounted with a project adapter
# (``session.mount("https://", TimeoutHTTPAdapter(...))``), may set its own default timeout.
REQUESTS_SESSION = "requests.Session"
MOUNT = "requests.Session.mount"
LIBRARY_ADAPTERS = frozenset({"requests.adapters.HTTPAdapter"})

# httpx.Timeout(default, *, connect, read, write, pool): a None read limit waits forever.
HTTPX_TIMEOUT = "httpx.Timeout"

# What is wrong with a call's timeout, by the label FBP403 gives it.
GAPS: dict[str, str] = {
    "missing": "has no timeout",
    "none": "passes timeout=None (no limit)",
    "httpx-none": "passes timeout=None, which turns off httpx's 5-second default",
    "no-read": "sets no read timeout (None)",
}
