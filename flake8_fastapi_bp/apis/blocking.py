"""Data only: calls that block the event loop (FBP101-FBP106) and what replaces them.

Keys are canonical qualified names (see ``apis.types.canonical``); a method of an
instance is ``Type.method``. ``ANY_METHOD`` lists types whose every method blocks,
except the listed cheap ones. ``RETURNS_AT_ONCE`` lists the arguments with which a
listed call does not wait (``q.get(block=False)``, ``os.waitpid(pid, os.WNOHANG)``).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ..declared import declared_value
from ..syntax import keyword_value, written_name


@dataclass(frozen=True)
class Blocking:
    code: str
    replacement: str


SLEEP = Blocking("FBP101", "`await asyncio.sleep(...)`")
HTTP = Blocking("FBP102", "`httpx.AsyncClient` (or aiohttp) with `await`")
DATABASE = Blocking("FBP103", "an async driver (`AsyncSession`, motor, `redis.asyncio`, "
                              "asyncpg) or `await run_in_threadpool(...)`")
FILE = Blocking("FBP104", "`anyio.Path`/aiofiles or `await run_in_threadpool(...)`")
UPLOAD = Blocking("FBP104", "`await upload.read()`/`await upload.write()` (UploadFile's async "
                            "methods) or `await run_in_threadpool(...)`")
SUBPROCESS = Blocking("FBP105", "`await asyncio.create_subprocess_exec(...)`")
SOCKET = Blocking("FBP106", "asyncio streams (`await asyncio.open_connection(...)`)")
MAIL = Blocking("FBP106", "aiosmtplib or `await run_in_threadpool(...)`")
FTP = Blocking("FBP106", "aioftp or `await run_in_threadpool(...)`")
FUTURE = Blocking("FBP106", "`await asyncio.wrap_future(future)`")
QUEUE = Blocking("FBP106", "`asyncio.Queue` with `await`")
LOCK = Blocking("FBP106", "the `asyncio` primitive (`asyncio.Lock`/`Event`/`Semaphore`) "
                          "with `await`")
# Says what ``input()`` does to the loop, true with or without a terminal attached.
INPUT = Blocking("FBP106", "`await run_in_threadpool(input)` (or take the value as a request "
                           "parameter): `input()` stops every task on the loop until a line "
                           "arrives on standard input")


def _methods(owner: str, names: str, kind: Blocking) -> dict[str, Blocking]:
    return {f"{owner}.{name}": kind for name in names.split()}


_HTTP_VERBS = "get post put patch delete head options request"
# ``exec`` is SQLModel's query method (``sqlmodel.Session`` is canonically SQLAlchemy's).
_SQLA_SESSION = "execute exec scalar scalars get get_one query commit flush refresh merge " \
                "rollback connection"
_MONGO_COLLECTION = (
    "find_one find insert_one insert_many update_one update_many replace_one delete_one "
    "delete_many aggregate count_documents estimated_document_count distinct "
    "find_one_and_update find_one_and_delete find_one_and_replace bulk_write create_index "
    "create_indexes drop drop_index list_indexes")
# Reflection: each question is a query on the database's catalog.
_SQLA_INSPECTOR = (
    "get_schema_names get_table_names get_view_names get_materialized_view_names "
    "get_sequence_names get_temp_table_names get_temp_view_names get_table_options "
    "get_view_definition get_columns get_pk_constraint get_foreign_keys get_indexes "
    "get_unique_constraints get_table_comment get_check_constraints "
    "get_sorted_table_and_fkc_names get_multi_columns get_multi_pk_constraint "
    "get_multi_foreign_keys get_multi_indexes get_multi_unique_constraints "
    "get_multi_check_constraints get_multi_table_options get_multi_table_comment "
    "has_table has_schema has_index has_sequence reflect_table")
_DBAPI_CURSOR = "execute executemany fetchone fetchall fetchmany callproc"
_REDIS = (
    "get set delete exists expire setex getex getdel incr incrby decr decrby hget hset hgetall "
    "hdel hmget hmset hincrby lpush rpush lpop rpop lrange llen sadd srem smembers sismember "
    "zadd zrange zrem zscore zrangebyscore publish keys scan mget mset ttl ping flushdb "
    "blpop brpop xadd xread xreadgroup eval evalsha")
_ELASTIC = "search index get delete update bulk count exists mget msearch update_by_query " \
           "delete_by_query"

BLOCKING_CALLS: dict[str, Blocking] = {
    "time.sleep": SLEEP,
    # HTTP
    **_methods("requests", _HTTP_VERBS, HTTP),
    **_methods("requests.Session", _HTTP_VERBS + " send", HTTP),
    **_methods("httpx", _HTTP_VERBS + " stream", HTTP),
    **_methods("httpx.Client", _HTTP_VERBS + " send stream", HTTP),
    "urllib.request.urlopen": HTTP,
    "urllib3.request": HTTP,
    **_methods("urllib3.PoolManager", "request urlopen request_encode_url request_encode_body",
               HTTP),
    **_methods("urllib3.HTTPConnectionPool", "request urlopen", HTTP),
    **_methods("http.client.HTTPConnection", "request getresponse", HTTP),
    # Databases, caches, brokers
    **_methods("sqlalchemy.orm.Session", _SQLA_SESSION, DATABASE),
    **_methods("sqlalchemy.orm.scoped_session", _SQLA_SESSION, DATABASE),
    **_methods("sqlalchemy.engine.Engine", "connect begin execute dispose raw_connection",
               DATABASE),
    **_methods("sqlalchemy.engine.Connection",
               "execute scalar scalars commit rollback exec_driver_sql", DATABASE),
    **_methods("sqlalchemy.engine.reflection.Inspector", _SQLA_INSPECTOR, DATABASE),
    **_methods("pymongo.collection.Collection", _MONGO_COLLECTION, DATABASE),
    **_methods("pymongo.database.Database",
               "command list_collection_names create_collection drop_collection", DATABASE),
    **_methods("pymongo.MongoClient", "server_info list_database_names drop_database",
               DATABASE),
    "psycopg2.connect": DATABASE,
    **_methods("psycopg2.connection", "commit rollback", DATABASE),
    **_methods("psycopg2.cursor", _DBAPI_CURSOR, DATABASE),
    "psycopg.connect": DATABASE,
    "psycopg.Connection.connect": DATABASE,
    **_methods("psycopg.Connection", "execute commit rollback", DATABASE),
    **_methods("psycopg.Cursor", _DBAPI_CURSOR, DATABASE),
    "sqlite3.connect": DATABASE,
    **_methods("sqlite3.Connection", "execute executemany executescript commit rollback",
               DATABASE),
    **_methods("sqlite3.Cursor", _DBAPI_CURSOR + " executescript", DATABASE),
    "pymysql.connect": DATABASE,
    **_methods("pymysql.connections.Connection", "commit rollback ping", DATABASE),
    **_methods("pymysql.cursors.Cursor", _DBAPI_CURSOR, DATABASE),
    "mysql.connector.connect": DATABASE,
    **_methods("mysql.connector.MySQLConnection", "commit rollback", DATABASE),
    **_methods("mysql.connector.cursor.MySQLCursor", _DBAPI_CURSOR, DATABASE),
    **_methods("redis.Redis", _REDIS, DATABASE),
    "redis.client.Pipeline.execute": DATABASE,
    **_methods("elasticsearch.Elasticsearch", _ELASTIC, DATABASE),
    # Files
    "builtins.open": FILE,
    "io.open": FILE,
    "codecs.open": FILE,
    **_methods("pathlib.Path", "read_text read_bytes write_text write_bytes open", FILE),
    **_methods("shutil", "copy copy2 copyfile copyfileobj copytree move rmtree make_archive "
                         "unpack_archive", FILE),
    # Archives: (de)compression and the files read or written, for as long as the archive
    # takes; an in-memory archive (``BytesIO``) is the same wait, spent compressing.
    **_methods("zipfile.ZipFile", "extractall extract write writestr read testzip", FILE),
    **_methods("tarfile.TarFile", "extractall extract add addfile getmembers getnames", FILE),
    # ``seek`` moves an offset and is left out, like the metadata calls (``os.path.exists``).
    **_methods("tempfile.SpooledTemporaryFile", "read readline readlines write writelines",
               UPLOAD),
    # Subprocesses
    **_methods("subprocess", "run call check_call check_output getoutput getstatusoutput",
               SUBPROCESS),
    **_methods("subprocess.Popen", "wait communicate", SUBPROCESS),
    **_methods("os", "system popen wait waitpid wait3 wait4 waitid spawnl spawnle spawnlp "
                     "spawnlpe spawnv spawnve spawnvp spawnvpe", SUBPROCESS),
    # Everything else that waits
    "socket.create_connection": SOCKET,
    **_methods("socket.socket", "recv recv_into recvfrom send sendall sendto accept connect",
               SOCKET),
    "smtplib.SMTP": MAIL,
    **_methods("smtplib.SMTP", "sendmail send_message login starttls connect ehlo quit", MAIL),
    "emails.Message.send": MAIL,
    "yagmail.SMTP.send": MAIL,
    **_methods("redmail.EmailSender", "send send_message", MAIL),
    "redmail.gmail.send": MAIL,
    "redmail.outlook.send": MAIL,
    "ftplib.FTP": FTP,
    **_methods("ftplib.FTP", "login retrbinary retrlines storbinary storlines cwd nlst "
                             "connect quit", FTP),
    "telnetlib.Telnet": SOCKET,
    **_methods("telnetlib.Telnet", "read_until read_all write open", SOCKET),
    "concurrent.futures.Future.result": FUTURE,
    **_methods("queue.Queue", "get put join", QUEUE),
    "threading.Lock.acquire": LOCK,
    "threading.Event.wait": LOCK,
    "threading.Semaphore.acquire": LOCK,
    "threading.Condition.wait": LOCK,
    "threading.Thread.join": LOCK,
    "builtins.input": INPUT,
}


@dataclass(frozen=True)
class NoWait:
    """An argument with which the call returns at once instead of waiting.

    The argument is passed as ``keyword=`` or as positional argument ``position``
    (``self`` not counted; ``None``: keyword only). It matches when it is one of the
    literal ``values`` (``False``, ``0``: ``0 == False`` so one covers both), or an
    or-ed set of constants one of which is named in ``flags`` (``os.WNOHANG``,
    ``os.WNOHANG | os.WUNTRACED``; the last name as written is compared).
    """

    keyword: str
    position: int | None
    values: frozenset[object] = frozenset()
    flags: frozenset[str] = frozenset()


def _zero(keyword: str, position: int | None) -> NoWait:
    """``block=False``, ``blocking=False``, ``timeout=0``: try once, do not wait."""
    return NoWait(keyword, position, values=frozenset({0}))


def _flag(keyword: str, position: int | None, names: str) -> NoWait:
    return NoWait(keyword, position, flags=frozenset(names.split()))


_SPAWN_NOWAIT = _flag("mode", 0, "P_NOWAIT P_NOWAITO P_DETACH")
_WAIT_NOHANG = "WNOHANG"
_DONTWAIT = "MSG_DONTWAIT"
_TIMEOUT_FIRST = (_zero("timeout", 0),)

# Listed calls that do not wait when given one of these arguments.
RETURNS_AT_ONCE: dict[str, tuple[NoWait, ...]] = {
    "queue.Queue.get": (_zero("block", 0), _zero("timeout", 1)),
    "queue.Queue.put": (_zero("block", 1), _zero("timeout", 2)),
    "threading.Lock.acquire": (_zero("blocking", 0), _zero("timeout", 1)),
    "threading.Semaphore.acquire": (_zero("blocking", 0), _zero("timeout", 1)),
    "threading.Event.wait": _TIMEOUT_FIRST,
    "threading.Condition.wait": _TIMEOUT_FIRST,
    "threading.Thread.join": _TIMEOUT_FIRST,
    "concurrent.futures.Future.result": _TIMEOUT_FIRST,
    "subprocess.Popen.wait": _TIMEOUT_FIRST,
    "os.waitpid": (_flag("options", 1, _WAIT_NOHANG),),
    "os.wait3": (_flag("options", 0, _WAIT_NOHANG),),
    "os.wait4": (_flag("options", 1, _WAIT_NOHANG),),
    "os.waitid": (_flag("options", 2, _WAIT_NOHANG),),
    **{f"os.{spawn}": (_SPAWN_NOWAIT,) for spawn in (
        "spawnl spawnle spawnlp spawnlpe spawnv spawnve spawnvp spawnvpe".split())},
    # Socket methods take positional arguments only; ``sendto``'s flags move with
    # its arity and are not listed.
    **{f"socket.socket.{method}": (_flag("flags", 1, _DONTWAIT),)
       for method in ("recv", "recvfrom", "send", "sendall")},
    "socket.socket.recv_into": (_flag("flags", 2, _DONTWAIT),),
}

# Types whose every method blocks, minus the listed ones that do no I/O.
ANY_METHOD: dict[str, tuple[Blocking, frozenset[str]]] = {
    "boto3.client": (DATABASE, frozenset({
        "get_paginator", "generate_presigned_url", "generate_presigned_post", "can_paginate",
        "get_waiter", "close", "meta", "exceptions"})),
    "boto3.resource": (DATABASE, frozenset({
        "Bucket", "Table", "Object", "Queue", "Topic", "meta", "batch_writer", "Instance"})),
}

# Offloading APIs: a function *passed* to them runs in a worker thread.
OFFLOADERS = frozenset({
    "starlette.concurrency.run_in_threadpool", "asyncio.to_thread",
    "asyncio.AbstractEventLoop.run_in_executor", "anyio.to_thread.run_sync",
    "functools.partial",
})
# The offloaders that run the function they are given in a worker thread.
THREAD_RUNNERS = OFFLOADERS - {"functools.partial"}

# Calls that only open a file: opening a local file is a metadata call (like
# ``os.path.exists``); the reads and writes are what wait. A file opened in
# ``with open(p) as f:`` whose every use is handed to a thread runner does not block.
FILE_OPENERS = frozenset({"builtins.open", "io.open", "codecs.open", "pathlib.Path.open"})

# A fresh primitive of these types, not yet shared with anyone, never waits on the method:
# ``lock = threading.Lock(); lock.acquire()`` takes an unheld lock.
FRESH_NEVER_WAITS: dict[str, frozenset[str]] = {
    "threading.Lock.acquire": frozenset({"threading.Lock", "threading.RLock"}),
}

# A queue built without a bound (no ``maxsize``, or ``maxsize <= 0``) is never full: the
# method never waits, whatever its ``block``/``timeout`` say. Method -> such constructors.
UNBOUNDED_NEVER_WAITS: dict[str, frozenset[str]] = {
    "queue.Queue.put": frozenset({"queue.Queue"}),
}
# The bound of those constructors: ``Queue(maxsize=0)``, positional argument 0.
MAXSIZE = ("maxsize", 0)


def blocking_kind(qualname: str | None, extra: dict[str, Blocking] | None = None,
                  call: ast.Call | None = None) -> Blocking | None:
    """The blocking class of a canonical callee name, if it blocks; with ``call``, its
    arguments are read too: ``q.get(block=False)`` returns at once (``RETURNS_AT_ONCE``)."""
    if not qualname:
        return None
    if call is not None and returns_at_once(qualname, call):
        return None
    declared = declared_value(qualname, extra) if extra else None
    if declared is not None:
        return declared
    if qualname in BLOCKING_CALLS:
        return BLOCKING_CALLS[qualname]
    owner, _, method = qualname.rpartition(".")
    if owner in ANY_METHOD:
        kind, cheap = ANY_METHOD[owner]
        if method not in cheap and not method.startswith("_"):
            return kind
    return None


def returns_at_once(qualname: str, call: ast.Call) -> bool:
    """Does ``call`` pass an argument with which ``qualname`` does not wait?"""
    return any(no_wait_matches(no_wait, passed_argument(call, no_wait.keyword,
                                                        no_wait.position))
               for no_wait in RETURNS_AT_ONCE.get(qualname, ()))


def passed_argument(call: ast.Call, keyword: str, position: int | None) -> ast.expr | None:
    """The value given for the argument, by keyword or position (none after a ``*args``)."""
    value = keyword_value(call, keyword)
    if value is not None or position is None:
        return value
    before = call.args[:position + 1]
    if len(before) <= position or any(isinstance(a, ast.Starred) for a in before):
        return None
    return call.args[position]


def no_wait_matches(no_wait: NoWait, value: ast.expr | None) -> bool:
    if value is None:
        return False
    if isinstance(value, ast.Constant):
        return value.value in no_wait.values
    return any(written_name(part) in no_wait.flags for part in or_operands(value))


def or_operands(value: ast.expr) -> list[ast.expr]:
    """``a | b | c`` -> ``[a, b, c]``; anything else is its own single operand."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.BitOr):
        return or_operands(value.left) + or_operands(value.right)
    return [value]


REPLACEMENT_BY_CODE = {
    "FBP101": SLEEP.replacement, "FBP102": HTTP.replacement, "FBP103": DATABASE.replacement,
    "FBP104": FILE.replacement, "FBP105": SUBPROCESS.replacement,
    "FBP106": "an async equivalent or `await run_in_threadpool(...)`",
}
