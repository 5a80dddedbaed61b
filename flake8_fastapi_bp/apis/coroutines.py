"""Data only: library calls that return a coroutine (FBP108), that start a task (FBP109),
that start an event loop (FBP110), and decorators that change what calling a function does.

Keys are canonical qualified names (see ``apis.types.canonical``); a method of an
instance is ``Type.method``.
"""

from __future__ import annotations

from .blocking import _REDIS


def _methods(owner: str, names: str) -> frozenset[str]:
    return frozenset(f"{owner}.{name}" for name in names.split())


_ASYNC_SESSION = ("execute scalar scalars get get_one merge refresh flush commit rollback "
                  "close delete connection invalidate reset run_sync stream stream_scalars")
_ASYNC_CONNECTION = ("execute scalar scalars commit rollback close start invalidate "
                     "exec_driver_sql run_sync stream stream_scalars get_raw_connection")
_MOTOR_COLLECTION = (
    "find_one insert_one insert_many update_one update_many replace_one delete_one "
    "delete_many count_documents estimated_document_count distinct find_one_and_update "
    "find_one_and_delete find_one_and_replace bulk_write create_index create_indexes drop "
    "drop_index drop_indexes index_information rename")
_ASYNCPG_QUERIES = ("execute executemany fetch fetchrow fetchval fetchmany close "
                    "copy_from_query copy_from_table copy_records_to_table copy_to_table")

# Calling one of these creates a coroutine: nothing happens until it is awaited.
COROUTINE_CALLS: frozenset[str] = frozenset({
    "asyncio.sleep", "asyncio.wait_for", "asyncio.wait", "asyncio.to_thread",
    "asyncio.open_connection", "asyncio.create_subprocess_exec",
    "asyncio.create_subprocess_shell", "asyncio.start_server",
    "starlette.concurrency.run_in_threadpool", "anyio.sleep", "anyio.to_thread.run_sync",
    *_methods("asyncio.Queue", "get put join"),
    *_methods("asyncio.Lock", "acquire"),
    *_methods("asyncio.Semaphore", "acquire"),
    *_methods("asyncio.Event", "wait"),
    *_methods("asyncio.Condition", "wait wait_for"),
    *_methods("asyncio.StreamWriter", "drain wait_closed"),
    *_methods("asyncio.StreamReader", "read readline readexactly readuntil"),
    # HTTP
    *_methods("httpx.AsyncClient", "get post put patch delete head options request send aclose"),
    # Starlette / FastAPI request objects
    *_methods("starlette.requests.Request", "json body form close is_disconnected"),
    *_methods("starlette.datastructures.UploadFile", "read write seek close"),
    *_methods("starlette.websockets.WebSocket",
              "accept close receive receive_text receive_bytes receive_json send send_text "
              "send_bytes send_json"),
    *_methods("aiohttp.ClientSession", "get post put patch delete head options request "
                                       "ws_connect close"),
    *_methods("aiohttp.ClientResponse", "json text read"),
    # aiofiles: the file ``aiofiles.open`` gives (``async with ... as f``)
    *_methods("aiofiles.AsyncFile", "read readline readlines write writelines seek tell "
                                    "flush truncate close"),
    # encode/databases (older FastAPI tutorials), aiosqlite
    *_methods("databases.Database", "connect disconnect execute execute_many fetch_all "
                                    "fetch_one fetch_val"),
    "aiosqlite.connect",
    *_methods("aiosqlite.Connection", "execute executemany executescript commit rollback "
                                      "close cursor"),
    *_methods("aiosqlite.Cursor", "execute executemany fetchone fetchall fetchmany close"),
    # SQLAlchemy asyncio
    *_methods("sqlalchemy.ext.asyncio.AsyncSession", _ASYNC_SESSION),
    *_methods("sqlalchemy.ext.asyncio.AsyncConnection", _ASYNC_CONNECTION),
    *_methods("sqlalchemy.ext.asyncio.AsyncEngine", "dispose raw_connection"),
    # motor
    *_methods("motor.motor_asyncio.AsyncIOMotorCollection", _MOTOR_COLLECTION),
    *_methods("motor.motor_asyncio.AsyncIOMotorDatabase",
              "command list_collection_names create_collection drop_collection"),
    *_methods("motor.motor_asyncio.AsyncIOMotorClient",
              "server_info list_database_names drop_database"),
    "motor.motor_asyncio.AsyncIOMotorCursor.to_list",
    # redis.asyncio: every command method returns an awaitable
    *_methods("redis.asyncio.Redis", _REDIS + " aclose close execute_command"),
    *_methods("redis.asyncio.client.Pipeline", "execute"),
    # asyncpg
    "asyncpg.connect",
    *_methods("asyncpg.Connection", _ASYNCPG_QUERIES + " prepare reset set_type_codec"),
    *_methods("asyncpg.Pool", _ASYNCPG_QUERIES + " release expire_connections"),
})

# Calling one of these schedules a task; dropping the result loses the only strong
# reference the caller had. ``TaskGroup.create_task`` keeps its own reference.
TASK_CALLS: frozenset[str] = frozenset({
    "asyncio.create_task", "asyncio.ensure_future",
    "asyncio.AbstractEventLoop.create_task",
})

# Calling one of these starts (or re-enters) an event loop: it fails inside a running one.
LOOP_RUNNERS: frozenset[str] = frozenset({
    "asyncio.run", "asyncio.AbstractEventLoop.run_until_complete",
    "asyncio.AbstractEventLoop.run_forever", "asyncio.Runner.run", "anyio.run",
})

# Modules that patch asyncio to allow re-entrant loops: FBP110 stays quiet where imported.
REENTRANT_LOOP_PATCHES: frozenset[str] = frozenset({"nest_asyncio"})

# Decorators that turn a sync function into an async one (its body no longer runs on
# the caller's thread) or that make an ``async def`` callable synchronously.
CONVERTING_DECORATORS: frozenset[str] = frozenset({
    "asgiref.sync.sync_to_async", "asgiref.sync.async_to_sync", "asyncer.asyncify",
    "asyncer.syncify", "anyio.to_thread.run_sync", "starlette.concurrency.run_in_threadpool",
    "fastapi.concurrency.run_in_threadpool", "syncer.sync", "async_to_sync",
})

# Decorators that return the function they decorate, or a wrapper that calls it in
# the same way (sync stays sync, a coroutine function stays one).
TRANSPARENT_DECORATORS: frozenset[str] = frozenset({
    "builtins.staticmethod", "builtins.classmethod", "abc.abstractmethod",
    "typing.override", "typing_extensions.override", "typing.overload",
    "typing_extensions.overload", "functools.wraps", "functools.cache", "functools.lru_cache",
    "contextlib.contextmanager",
})
