"""Data only: how third-party names are spelled canonically and what calls return.

The resolver works on canonical qualified names so that every rule table can use one
spelling: ``sqlmodel.Session`` and ``sqlalchemy.orm.session.Session`` both become
``sqlalchemy.orm.Session``.
"""

from __future__ import annotations

import ast

# Longest matching prefix wins; the rest of the name is kept.
ALIASES: dict[str, str] = {
    # FastAPI / Starlette
    "fastapi.applications.FastAPI": "fastapi.FastAPI",
    "fastapi.routing.APIRouter": "fastapi.APIRouter",
    "fastapi.param_functions.Depends": "fastapi.Depends",
    "fastapi.params.Depends": "fastapi.Depends",
    "fastapi.param_functions.Security": "fastapi.Security",
    "fastapi.params.Security": "fastapi.Security",
    "fastapi.exceptions.HTTPException": "fastapi.HTTPException",
    "starlette.exceptions.HTTPException": "fastapi.HTTPException",
    "fastapi.BackgroundTasks": "starlette.background.BackgroundTasks",
    "fastapi.background.BackgroundTasks": "starlette.background.BackgroundTasks",
    "starlette.background.BackgroundTask": "starlette.background.BackgroundTask",
    "fastapi.Request": "starlette.requests.Request",
    "fastapi.requests.Request": "starlette.requests.Request",
    "fastapi.WebSocket": "starlette.websockets.WebSocket",
    "fastapi.websockets.WebSocket": "starlette.websockets.WebSocket",
    "fastapi.requests.HTTPConnection": "starlette.requests.HTTPConnection",
    "fastapi.UploadFile": "starlette.datastructures.UploadFile",
    "fastapi.datastructures.UploadFile": "starlette.datastructures.UploadFile",
    "fastapi.concurrency.run_in_threadpool": "starlette.concurrency.run_in_threadpool",
    "fastapi.status": "starlette.status",
    "fastapi.middleware.cors.CORSMiddleware": "starlette.middleware.cors.CORSMiddleware",
    "starlette.applications.Starlette": "starlette.Starlette",
    "starlette.routing.Route": "starlette.routing.Route",
    "fastapi.middleware.Middleware": "starlette.middleware.Middleware",
    # HTTP clients
    "requests.api": "requests",
    "requests.sessions.Session": "requests.Session",
    "requests.sessions.session": "requests.Session",
    "requests.session": "requests.Session",
    "requests.models.Response": "requests.Response",
    "httpx._api": "httpx",
    "httpx._client.Client": "httpx.Client",
    "httpx._client.AsyncClient": "httpx.AsyncClient",
    "urllib3.poolmanager.PoolManager": "urllib3.PoolManager",
    "urllib3.connectionpool": "urllib3",
    "aiohttp.client.ClientSession": "aiohttp.ClientSession",
    "aiohttp.client_reqrep.ClientResponse": "aiohttp.ClientResponse",
    "aiofiles.threadpool.open": "aiofiles.open",
    "databases.core.Database": "databases.Database",
    "aiosqlite.core.connect": "aiosqlite.connect",
    "aiosqlite.core.Connection": "aiosqlite.Connection",
    "aiosqlite.cursor.Cursor": "aiosqlite.Cursor",
    "http.client.HTTPSConnection": "http.client.HTTPConnection",
    # Databases and caches
    "sqlmodel.Session": "sqlalchemy.orm.Session",
    "sqlmodel.orm.session.Session": "sqlalchemy.orm.Session",
    "sqlmodel.create_engine": "sqlalchemy.create_engine",
    "sqlmodel.ext.asyncio.session.AsyncSession": "sqlalchemy.ext.asyncio.AsyncSession",
    "sqlalchemy.orm.session.Session": "sqlalchemy.orm.Session",
    "sqlalchemy.orm.session.sessionmaker": "sqlalchemy.orm.sessionmaker",
    "sqlalchemy.orm.scoping.scoped_session": "sqlalchemy.orm.scoped_session",
    "sqlalchemy.engine.create_engine": "sqlalchemy.create_engine",
    "sqlalchemy.engine.create.create_engine": "sqlalchemy.create_engine",
    "sqlalchemy.engine.base.Engine": "sqlalchemy.engine.Engine",
    "sqlalchemy.engine.base.Connection": "sqlalchemy.engine.Connection",
    "sqlalchemy.Engine": "sqlalchemy.engine.Engine",
    "sqlalchemy.Connection": "sqlalchemy.engine.Connection",
    "sqlalchemy.ext.asyncio.session.AsyncSession": "sqlalchemy.ext.asyncio.AsyncSession",
    "sqlalchemy.inspection.inspect": "sqlalchemy.inspect",
    "sqlalchemy.Inspector": "sqlalchemy.engine.reflection.Inspector",
    "sqlalchemy.engine.Inspector": "sqlalchemy.engine.reflection.Inspector",
    "sqlalchemy.ext.asyncio.session.async_sessionmaker":
        "sqlalchemy.ext.asyncio.async_sessionmaker",
    "sqlalchemy.ext.asyncio.engine.create_async_engine":
        "sqlalchemy.ext.asyncio.create_async_engine",
    "sqlalchemy.ext.asyncio.engine.AsyncEngine": "sqlalchemy.ext.asyncio.AsyncEngine",
    "sqlalchemy.ext.asyncio.engine.AsyncConnection": "sqlalchemy.ext.asyncio.AsyncConnection",
    "pymongo.mongo_client.MongoClient": "pymongo.MongoClient",
    "pymongo.database.Database": "pymongo.database.Database",
    "pymongo.collection.Collection": "pymongo.collection.Collection",
    "motor.motor_asyncio.AsyncIOMotorClient": "motor.motor_asyncio.AsyncIOMotorClient",
    "redis.client.Redis": "redis.Redis",
    "redis.client.StrictRedis": "redis.Redis",
    "redis.StrictRedis": "redis.Redis",
    "redis.client.from_url": "redis.from_url",
    "redis.utils.from_url": "redis.from_url",
    "redis.asyncio.client.Redis": "redis.asyncio.Redis",
    "redis.asyncio.client.StrictRedis": "redis.asyncio.Redis",
    "redis.asyncio.StrictRedis": "redis.asyncio.Redis",
    "redis.asyncio.utils.from_url": "redis.asyncio.from_url",
    "aioredis.Redis": "redis.asyncio.Redis",
    "aioredis.from_url": "redis.asyncio.from_url",
    "psycopg2.extensions.connection": "psycopg2.connection",
    "psycopg2.extensions.cursor": "psycopg2.cursor",
    "psycopg.connection.Connection": "psycopg.Connection",
    "psycopg.connection_async.AsyncConnection": "psycopg.AsyncConnection",
    "asyncpg.connection.connect": "asyncpg.connect",
    "asyncpg.pool.create_pool": "asyncpg.create_pool",
    "elasticsearch.client.Elasticsearch": "elasticsearch.Elasticsearch",
    "elasticsearch._sync.client.Elasticsearch": "elasticsearch.Elasticsearch",
    "elasticsearch._async.client.AsyncElasticsearch": "elasticsearch.AsyncElasticsearch",
    "boto3.session.Session": "boto3.Session",
    # Standard library
    "asyncio.tasks": "asyncio",
    "asyncio.runners": "asyncio",
    "asyncio.events": "asyncio",
    "asyncio.locks": "asyncio",
    "concurrent.futures._base.Future": "concurrent.futures.Future",
    "subprocess.Popen": "subprocess.Popen",
    "pathlib.PosixPath": "pathlib.Path",
    "pathlib.WindowsPath": "pathlib.Path",
    "pathlib.PurePath": "pathlib.Path",
    "importlib.resources.abc.Traversable": "pathlib.Path",
    "importlib.abc.Traversable": "pathlib.Path",
    "smtplib.SMTP_SSL": "smtplib.SMTP",
    "zipfile.PyZipFile": "zipfile.ZipFile",
    "tarfile.TarFile.open": "tarfile.open",
    "socket.SocketType": "socket.socket",
    "ssl.SSLSocket": "socket.socket",
    "logging.Logger": "logging.Logger",
    "logging.RootLogger": "logging.Logger",
    "loguru._logger.Logger": "loguru.Logger",
    "logging.LoggerAdapter": "logging.LoggerAdapter",
    "structlog.stdlib.BoundLogger": "structlog.BoundLogger",
    "structlog.stdlib.AsyncBoundLogger": "structlog.BoundLogger",
    "structlog._generic.BoundLogger": "structlog.BoundLogger",
    "structlog.typing.FilteringBoundLogger": "structlog.BoundLogger",
    "structlog.types.FilteringBoundLogger": "structlog.BoundLogger",
    "structlog.typing.BindableLogger": "structlog.BoundLogger",
    "structlog.types.BindableLogger": "structlog.BoundLogger",
    "PIL.Image.open": "PIL.Image.open",
    "passlib.context.CryptContext": "passlib.context.CryptContext",
    "argon2._password_hasher.PasswordHasher": "argon2.PasswordHasher",
    # CPU-heavy libraries (FBP201-203) and mail senders (FBP204)
    "pwdlib._hash.PasswordHash": "pwdlib.PasswordHash",
    "torch.nn.modules.module.Module": "torch.nn.Module",
    "transformers.pipelines.pipeline": "transformers.pipeline",
    "transformers.pipelines.base.Pipeline": "transformers.Pipeline",
    "transformers.modeling_utils.PreTrainedModel": "transformers.PreTrainedModel",
    "sentence_transformers.SentenceTransformer.SentenceTransformer":
        "sentence_transformers.SentenceTransformer",
    "aiosmtplib.api.send": "aiosmtplib.send",
    "aiosmtplib.smtp.SMTP": "aiosmtplib.SMTP",
    "fastapi_mail.fastmail.FastMail": "fastapi_mail.FastMail",
    "sendgrid.sendgrid.SendGridAPIClient": "sendgrid.SendGridAPIClient",
    "emails.message.Message": "emails.Message",
    "emails.message.html": "emails.html",
    "yagmail.sender.SMTP": "yagmail.SMTP",
    "yagmail.SMTP_SSL": "yagmail.SMTP",
    "redmail.email.sender.EmailSender": "redmail.EmailSender",
    "redmail.email.EmailSender": "redmail.EmailSender",
    "redmail.email.gmail": "redmail.gmail",
    "redmail.email.outlook": "redmail.outlook",
    "pydantic.main.BaseModel": "pydantic.BaseModel",
}

# What a call returns, keyed by the canonical name of the callee. A key ending in
# ``.__call__`` is an instance being called. Calls of names absent here return an
# instance of the callee when it looks like a class (CapWords).
RETURNS: dict[str, str] = {
    "builtins.open": "io.TextIOWrapper",
    "io.open": "io.TextIOWrapper",
    "codecs.open": "io.TextIOWrapper",
    "requests.get": "requests.Response",
    "requests.post": "requests.Response",
    "requests.Session.get": "requests.Response",
    "requests.Session.post": "requests.Response",
    "aiohttp.ClientSession.get": "aiohttp.ClientResponse",
    "aiohttp.ClientSession.post": "aiohttp.ClientResponse",
    "aiohttp.ClientSession.put": "aiohttp.ClientResponse",
    "aiohttp.ClientSession.patch": "aiohttp.ClientResponse",
    "aiohttp.ClientSession.delete": "aiohttp.ClientResponse",
    "aiohttp.ClientSession.request": "aiohttp.ClientResponse",
    "aiofiles.open": "aiofiles.AsyncFile",
    "aiosqlite.connect": "aiosqlite.Connection",
    "aiosqlite.Connection.execute": "aiosqlite.Cursor",
    "aiosqlite.Connection.cursor": "aiosqlite.Cursor",
    "sqlalchemy.create_engine": "sqlalchemy.engine.Engine",
    "sqlalchemy.engine.Engine.connect": "sqlalchemy.engine.Connection",
    "sqlalchemy.engine.Engine.begin": "sqlalchemy.engine.Connection",
    "sqlalchemy.orm.sessionmaker": "sqlalchemy.orm.sessionmaker",
    "sqlalchemy.orm.scoped_session": "sqlalchemy.orm.scoped_session",
    "sqlalchemy.ext.asyncio.async_sessionmaker": "sqlalchemy.ext.asyncio.async_sessionmaker",
    "sqlalchemy.orm.sessionmaker.__call__": "sqlalchemy.orm.Session",
    "sqlalchemy.orm.sessionmaker.begin": "sqlalchemy.orm.Session",
    "sqlalchemy.orm.scoped_session.__call__": "sqlalchemy.orm.Session",
    "sqlalchemy.orm.Session.query": "sqlalchemy.orm.Query",
    "sqlalchemy.orm.Query.filter": "sqlalchemy.orm.Query",
    "sqlalchemy.orm.Query.filter_by": "sqlalchemy.orm.Query",
    "sqlalchemy.orm.Query.order_by": "sqlalchemy.orm.Query",
    "sqlalchemy.orm.Query.join": "sqlalchemy.orm.Query",
    "sqlalchemy.orm.Query.options": "sqlalchemy.orm.Query",
    "sqlalchemy.orm.Query.limit": "sqlalchemy.orm.Query",
    "sqlalchemy.orm.Query.offset": "sqlalchemy.orm.Query",
    "sqlalchemy.orm.Session.begin": "sqlalchemy.orm.Session",
    "sqlalchemy.ext.asyncio.create_async_engine": "sqlalchemy.ext.asyncio.AsyncEngine",
    "sqlalchemy.ext.asyncio.async_sessionmaker.__call__": "sqlalchemy.ext.asyncio.AsyncSession",
    "sqlalchemy.ext.asyncio.AsyncEngine.connect": "sqlalchemy.ext.asyncio.AsyncConnection",
    "sqlalchemy.ext.asyncio.AsyncEngine.begin": "sqlalchemy.ext.asyncio.AsyncConnection",
    "pymongo.MongoClient.get_database": "pymongo.database.Database",
    "pymongo.MongoClient.get_default_database": "pymongo.database.Database",
    "pymongo.database.Database.get_collection": "pymongo.collection.Collection",
    "pymongo.collection.Collection.find": "pymongo.cursor.Cursor",
    "pymongo.collection.Collection.aggregate": "pymongo.cursor.Cursor",
    "pymongo.cursor.Cursor.sort": "pymongo.cursor.Cursor",
    "pymongo.cursor.Cursor.limit": "pymongo.cursor.Cursor",
    "pymongo.cursor.Cursor.skip": "pymongo.cursor.Cursor",
    "motor.motor_asyncio.AsyncIOMotorClient.get_database":
        "motor.motor_asyncio.AsyncIOMotorDatabase",
    "motor.motor_asyncio.AsyncIOMotorDatabase.get_collection":
        "motor.motor_asyncio.AsyncIOMotorCollection",
    "redis.from_url": "redis.Redis",
    "redis.Redis.from_url": "redis.Redis",
    "redis.Redis.pipeline": "redis.client.Pipeline",
    "redis.asyncio.from_url": "redis.asyncio.Redis",
    "redis.asyncio.Redis.from_url": "redis.asyncio.Redis",
    "psycopg2.connect": "psycopg2.connection",
    "psycopg2.connection.cursor": "psycopg2.cursor",
    "psycopg.connect": "psycopg.Connection",
    "psycopg.Connection.connect": "psycopg.Connection",
    "psycopg.Connection.cursor": "psycopg.Cursor",
    "psycopg.AsyncConnection.connect": "psycopg.AsyncConnection",
    "psycopg.AsyncConnection.cursor": "psycopg.AsyncCursor",
    "sqlite3.connect": "sqlite3.Connection",
    "sqlite3.Connection.cursor": "sqlite3.Cursor",
    "sqlite3.Connection.execute": "sqlite3.Cursor",
    "pymysql.connect": "pymysql.connections.Connection",
    "pymysql.connections.Connection.cursor": "pymysql.cursors.Cursor",
    "mysql.connector.connect": "mysql.connector.MySQLConnection",
    "mysql.connector.MySQLConnection.cursor": "mysql.connector.cursor.MySQLCursor",
    "asyncpg.connect": "asyncpg.Connection",
    "asyncpg.create_pool": "asyncpg.Pool",
    "boto3.client": "boto3.client",
    "boto3.resource": "boto3.resource",
    "boto3.Session.client": "boto3.client",
    "boto3.Session.resource": "boto3.resource",
    "boto3.resource.Table": "boto3.resource",
    "boto3.resource.Bucket": "boto3.resource",
    "PIL.Image.open": "PIL.Image.Image",
    "PIL.Image.new": "PIL.Image.Image",
    "PIL.Image.Image.convert": "PIL.Image.Image",
    "PIL.Image.Image.resize": "PIL.Image.Image",
    "PIL.Image.Image.rotate": "PIL.Image.Image",
    "PIL.Image.Image.copy": "PIL.Image.Image",
    "PIL.Image.Image.crop": "PIL.Image.Image",
    "PIL.Image.Image.filter": "PIL.Image.Image",
    "PIL.Image.Image.transform": "PIL.Image.Image",
    "PIL.Image.Image.transpose": "PIL.Image.Image",
    "PIL.Image.Image.quantize": "PIL.Image.Image",
    "PIL.Image.Image.reduce": "PIL.Image.Image",
    "PIL.Image.fromarray": "PIL.Image.Image",
    "PIL.Image.frombytes": "PIL.Image.Image",
    "PIL.ImageOps.exif_transpose": "PIL.Image.Image",
    "PIL.ImageOps.fit": "PIL.Image.Image",
    "PIL.ImageOps.contain": "PIL.Image.Image",
    "PIL.ImageOps.pad": "PIL.Image.Image",
    "PIL.ImageOps.grayscale": "PIL.Image.Image",
    "transformers.pipeline": "transformers.Pipeline",
    **{f"transformers.{auto}.from_pretrained": "transformers.PreTrainedModel" for auto in (
        "AutoModel", "AutoModelForSequenceClassification", "AutoModelForCausalLM",
        "AutoModelForSeq2SeqLM", "AutoModelForTokenClassification",
        "AutoModelForQuestionAnswering", "AutoModelForImageClassification")},
    "torch.jit.load": "torch.jit.ScriptModule",
    "pwdlib.PasswordHash.recommended": "pwdlib.PasswordHash",
    "emails.html": "emails.Message",
    "re.compile": "re.Pattern",
    "socket.socket": "socket.socket",  # a lower-case class: not typed by its name
    "socket.create_connection": "socket.socket",
    "socket.create_server": "socket.socket",
    "socket.fromfd": "socket.socket",
    "socket.socket.dup": "socket.socket",
    "ssl.create_default_context": "ssl.SSLContext",
    "ssl.SSLContext.wrap_socket": "socket.socket",
    "socket.socket.accept": "socket.socket",
    "asyncio.get_event_loop": "asyncio.AbstractEventLoop",
    "asyncio.get_running_loop": "asyncio.AbstractEventLoop",
    "asyncio.new_event_loop": "asyncio.AbstractEventLoop",
    "asyncio.AbstractEventLoop.run_in_executor": "asyncio.Future",
    "concurrent.futures.ThreadPoolExecutor.submit": "concurrent.futures.Future",
    "concurrent.futures.ProcessPoolExecutor.submit": "concurrent.futures.Future",
    "logging.getLogger": "logging.Logger",
    "logging.Logger.getChild": "logging.Logger",
    "structlog.get_logger": "structlog.BoundLogger",
    "structlog.getLogger": "structlog.BoundLogger",
    "structlog.stdlib.get_logger": "structlog.BoundLogger",
    "structlog.BoundLogger.bind": "structlog.BoundLogger",
    "loguru.Logger.bind": "loguru.Logger",
    "loguru.Logger.opt": "loguru.Logger",
    "loguru.Logger.patch": "loguru.Logger",
    "loguru.logger.bind": "loguru.Logger",
    "loguru.logger.opt": "loguru.Logger",
    "loguru.logger.patch": "loguru.Logger",
    "structlog.BoundLogger.new": "structlog.BoundLogger",
    "structlog.BoundLogger.unbind": "structlog.BoundLogger",
    "structlog.BoundLogger.try_unbind": "structlog.BoundLogger",
    "structlog.wrap_logger": "structlog.BoundLogger",
    "structlog.stdlib.wrap_logger": "structlog.BoundLogger",
    "subprocess.Popen": "subprocess.Popen",
    "tarfile.open": "tarfile.TarFile",
    "pathlib.Path": "pathlib.Path",
    "pathlib.Path.joinpath": "pathlib.Path",
    "pathlib.Path.__truediv__": "pathlib.Path",
    "pathlib.Path.resolve": "pathlib.Path",
    "pathlib.Path.absolute": "pathlib.Path",
    "pathlib.Path.with_suffix": "pathlib.Path",
    "pathlib.Path.with_name": "pathlib.Path",
    "pathlib.Path.cwd": "pathlib.Path",
    "pathlib.Path.home": "pathlib.Path",
    # A package's files: a ``Traversable``, a real ``Path`` for packages on disk.
    "importlib.resources.files": "pathlib.Path",
    "urllib3.PoolManager": "urllib3.PoolManager",
    "http.client.HTTPConnection": "http.client.HTTPConnection",
    "ftplib.FTP": "ftplib.FTP",
    "smtplib.SMTP": "smtplib.SMTP",
    "yagmail.SMTP": "yagmail.SMTP",
    "queue.Queue": "queue.Queue",
    "threading.Lock": "threading.Lock",
    "threading.RLock": "threading.Lock",
    "threading.Event": "threading.Event",
    "threading.Semaphore": "threading.Semaphore",
    "threading.BoundedSemaphore": "threading.Semaphore",
    "threading.Condition": "threading.Condition",
}

# What a call returns when its first argument is an instance of one of the given types,
# keyed by the callee; any other argument (or one of unknown type) gives unknown.
# ``inspect(engine)`` reflects the database; ``inspect(user)`` is an ORM state, no I/O.
RETURNS_BY_ARGUMENT: dict[str, tuple[frozenset[str], str]] = {
    "sqlalchemy.inspect": (frozenset({"sqlalchemy.engine.Engine", "sqlalchemy.engine.Connection"}),
                           "sqlalchemy.engine.reflection.Inspector"),
}

# A value of the key type yields a value of the mapped type on *any* attribute or
# subscript access (``client.db.users``, ``client["db"]["users"]``).
ATTRIBUTE_TYPES: dict[str, str] = {
    "pymongo.MongoClient": "pymongo.database.Database",
    "pymongo.database.Database": "pymongo.collection.Collection",
    "pymongo.collection.Collection": "pymongo.collection.Collection",
    "motor.motor_asyncio.AsyncIOMotorClient": "motor.motor_asyncio.AsyncIOMotorDatabase",
    "motor.motor_asyncio.AsyncIOMotorDatabase": "motor.motor_asyncio.AsyncIOMotorCollection",
    "motor.motor_asyncio.AsyncIOMotorCollection": "motor.motor_asyncio.AsyncIOMotorCollection",
}

# Starlette's ``State``, one namespace per kind and per project: the app's (``app.state``,
# ``request.app.state``) and the connection's (``request.state``, ``websocket.state``).
# Their attributes take the type of what the project assigns to them (resolve/state.py).
APP_STATE = "starlette.datastructures.State"
CONNECTION_STATE = "starlette.requests.HTTPConnection.state"
STATE_NAMESPACES = frozenset({APP_STATE, CONNECTION_STATE})

# Attributes whose type is known whatever the object: ``upload.file`` is a SpooledTemporaryFile.
MEMBER_TYPES: dict[str, str] = {
    "starlette.datastructures.UploadFile.file": "tempfile.SpooledTemporaryFile",
    "starlette.requests.Request.app": "fastapi.FastAPI",
    "starlette.requests.HTTPConnection.app": "fastapi.FastAPI",
    "starlette.websockets.WebSocket.app": "fastapi.FastAPI",
    "fastapi.FastAPI.state": APP_STATE,
    "starlette.Starlette.state": APP_STATE,
    "starlette.requests.Request.state": CONNECTION_STATE,
    "starlette.requests.HTTPConnection.state": CONNECTION_STATE,
    "starlette.websockets.WebSocket.state": CONNECTION_STATE,
    "fastapi.FastAPI.router": "fastapi.APIRouter",
}


# The standard enum bases: members of their subclasses are named constants.
ENUM_TYPES = frozenset({"enum.Enum", "enum.StrEnum", "enum.IntEnum", "enum.Flag",
                        "enum.IntFlag"})


def canonical(qualname: str) -> str:
    """Rewrite the longest aliased prefix of ``qualname`` to its canonical spelling."""
    parts = qualname.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in ALIASES:
            return ".".join([ALIASES[prefix], *parts[end:]])
    return qualname


# Typing forms the resolver reads through (``resolve/annotations.py``).
ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})
UNION = frozenset({"typing.Union", "typing_extensions.Union"})
# ``x: Final = v`` / ``Final[T]``, ``ClassVar[T]``: qualifiers, not the declared class.
QUALIFIERS = frozenset({"typing.Final", "typing_extensions.Final", "typing.ClassVar",
                        "typing_extensions.ClassVar"})
# Declared classes that still admit ``None``.
MAY_BE_NONE = frozenset({"typing.Any", "typing_extensions.Any", "builtins.object",
                         "builtins.None", "types.NoneType", "typing.NoReturn"})
ITERATOR_TYPES = frozenset({
    "typing.Generator", "typing.Iterator", "typing.Iterable", "typing.AsyncGenerator",
    "typing.AsyncIterator", "typing.AsyncIterable", "collections.abc.Generator",
    "collections.abc.Iterator", "collections.abc.AsyncGenerator",
    "collections.abc.AsyncIterator", "collections.abc.Iterable",
})
DEPENDS = frozenset({"fastapi.Depends", "fastapi.Security"})
# The class of a literal's value.
LITERAL_TYPES: dict[type[ast.AST], str] = {
    ast.Dict: "builtins.dict", ast.List: "builtins.list", ast.Set: "builtins.set",
    ast.Tuple: "builtins.tuple", ast.JoinedStr: "builtins.str", ast.DictComp: "builtins.dict",
    ast.ListComp: "builtins.list", ast.SetComp: "builtins.set", ast.Lambda: "builtins.function"}
