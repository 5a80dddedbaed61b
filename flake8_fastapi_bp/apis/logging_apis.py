"""Data only (FBP602): loggers of ``logging``, ``structlog`` and ``loguru``, their
message-taking methods, and what to write instead of an interpolated message.

A logger is recognised by what the resolver says it is (``logging.getLogger(...)`` ->
``logging.Logger``, ``structlog.get_logger()`` -> ``structlog.BoundLogger``,
``loguru.logger``), never by its variable name.
"""

from __future__ import annotations

LEVEL_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception",
                           "critical", "fatal"})

# Canonical receiver (a logger type, a module of logging functions, the loguru singleton)
# -> the library whose conventions apply.
LOGGER_RECEIVERS: dict[str, str] = {
    "logging": "logging",
    "logging.Logger": "logging",
    "logging.LoggerAdapter": "logging",
    "structlog.BoundLogger": "structlog",
    "loguru.logger": "loguru",
    "loguru.Logger": "loguru",
}

# Methods that take a message, per library; ``log`` takes the level first.
MESSAGE_METHODS: dict[str, frozenset[str]] = {
    "logging": LEVEL_METHODS | {"log"},
    "structlog": LEVEL_METHODS | {"log", "msg"} | {f"a{m}" for m in LEVEL_METHODS | {"log"}},
    "loguru": LEVEL_METHODS | {"log", "trace", "success"},
}
LEVEL_FIRST = frozenset({"log", "alog"})
# Levels a production service runs with off: their lines reach no log platform.
QUIET_METHODS = frozenset({"debug", "adebug", "trace"})
QUIET_LEVELS = frozenset({"DEBUG", "TRACE"})
# What an exception handler's message may add besides the caught exception itself and
# still say only "this error happened": ``str(e)``, ``type(e).__name__``,
# ``traceback.format_exc()``.
EXCEPTION_TEXT_NAMES = frozenset({"str", "repr", "type", "traceback"})
MESSAGE_KEYWORDS = ("msg", "event")

# Cheap pre-filter on the written attribute name before asking the resolver.
ALL_METHODS = frozenset().union(*MESSAGE_METHODS.values())

FIX_BY_LIBRARY: dict[str, str] = {
    "logging": "lazy `%s` arguments or `extra={...}`",
    "structlog": "keyword fields (`log.info(\"event\", key=value)`)",
    "loguru": "`{}` arguments (`logger.info(\"... {}\", value)`) or `logger.bind(key=value)`",
}
