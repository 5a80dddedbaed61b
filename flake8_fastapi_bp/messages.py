"""The one registry of codes: name, message template, default on/off, summary.

Templates use ``str.format`` fields filled by the rule that reports. This registry is
the source of truth inside the repository (the rules contract itself is kept outside
it): the README table, the pages in ``docs/rules/``, the changelog and the fixtures are
tested against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    template: str
    summary: str
    default_off: bool = False
    # Named alternatives for the template's ``{fix}`` (the rule passes ``form=``): one
    # code whose advice fits what was found. The first is the default.
    forms: tuple[tuple[str, str], ...] = ()

    def format(self, form: str | None = None, **fields: object) -> str:
        if self.forms:
            fields["fix"] = dict(self.forms)[form or self.forms[0][0]].format(**fields)
        return f"{self.code} {self.template.format(**fields)}"


_RULES = [
    Rule("FBP000", "internal-error",
         "flake8-fastapi-bp could not check this file: {error}",
         "The plugin failed on this file; the run goes on with the next one."),
    # FBP1xx - event loop
    Rule("FBP101", "blocking-sleep",
         "{call}() blocks the event loop inside async function {function}(); "
         "use {replacement}{def_hint}",
         "`time.sleep` inside an async function."),
    Rule("FBP102", "sync-http-call",
         "sync HTTP call {call}() blocks the event loop inside async function {function}(); "
         "use {replacement}{def_hint}",
         "`requests`, sync `httpx`, `urllib`, `urllib3`, `http.client` calls inside an "
         "async function."),
    Rule("FBP103", "sync-database-call",
         "sync database/cache call {call}() blocks the event loop inside async function "
         "{function}(); use {replacement}{def_hint}",
         "Sync SQLAlchemy, pymongo, psycopg, sqlite3, redis, boto3 ... calls inside an async "
         "function."),
    Rule("FBP104", "blocking-file-io",
         "blocking file I/O {call}() inside async function {function}(); "
         "use {replacement}{def_hint}",
         "`open`, `pathlib.Path` reads/writes, `shutil` copies, `UploadFile.file` I/O inside "
         "an async function."),
    Rule("FBP105", "blocking-subprocess",
         "{call}() waits for a child process inside async function {function}(); "
         "use {replacement}{def_hint}",
         "`subprocess`, `os.system`, `os.popen`, `os.wait*` inside an async function."),
    Rule("FBP106", "other-blocking-call",
         "{call}() blocks the event loop inside async function {function}(); "
         "use {replacement}{def_hint}",
         "Blocking sockets, `smtplib`/`ftplib`, `Future.result`, `queue.Queue`, thread "
         "locks, `input` inside an async function."),
    Rule("FBP107", "blocking-call-via-helper",
         "{call}() blocks the event loop inside async function {function}() via {chain}; "
         "{fix}",
         "A sync project function called from async code reaches a blocking call "
         "(followed across modules)."),
    Rule("FBP108", "coroutine-not-awaited",
         "coroutine {call}() is created and dropped, so it never runs; "
         "`await` it (or schedule it and keep the task)",
         "A coroutine function is called and its result dropped."),
    Rule("FBP109", "dangling-task",
         "task from {call}() is not stored: it can be garbage-collected mid-flight{lost}; "
         "keep a reference (a set of tasks, a TaskGroup) or await it",
         "`asyncio.create_task`/`ensure_future` whose result is dropped."),
    Rule("FBP110", "nested-event-loop",
         "{call}() inside async function {function}() tries to start a second event loop "
         "and fails at run time; `await` the coroutine instead",
         "`asyncio.run`/`run_until_complete` inside an async function."),
    Rule("FBP111", "sync-dependency-without-io",
         "dependency {function}() does no I/O but is declared `def`, so FastAPI sends every "
         "call to the thread pool; declare it `async def`",
         "A `def` dependency that only calls pure builtins.", default_off=True),
    # FBP2xx - work that does not belong on the request path
    Rule("FBP201", "cpu-heavy-call-in-async",
         "CPU-heavy {call}() inside async function {function}() stalls the event loop"
         "{chain}; offload it with `await run_in_threadpool(...)`, a process pool or a "
         "worker queue",
         "Password hashing, image work, ML inference, `pandas.read_csv` inside an async "
         "function."),
    Rule("FBP202", "cpu-heavy-call-in-endpoint",
         "CPU-heavy {call}() in sync {kind} {function}() holds a thread-pool worker"
         "{chain}; move it to a process pool or a worker queue",
         "The same CPU-heavy calls inside a sync endpoint or dependency.", default_off=True),
    Rule("FBP203", "fragile-background-task",
         "background task {task}() {reason}; BackgroundTasks runs in the web process and "
         "is lost on restart: put long or must-not-lose work on a durable queue "
         "(Celery, arq, RQ, Dramatiq)",
         "`add_task` of a function that is CPU-heavy, loops forever or retries/polls."),
    Rule("FBP204", "inline-notification",
         "{call}() sends email inline in endpoint {function}(){chain}: the client waits "
         "for the mail server; send it with `background_tasks.add_task(...)` or a queue",
         "An endpoint sends email inline."),
    # FBP3xx - requests and responses
    Rule("FBP301", "manual-response-model",
         "{call}() builds the response model by hand although the route declares "
         "response_model={model}: FastAPI before 0.126 validates the data twice; return "
         "the object or dict (or require fastapi>=0.126)",
         "A route with `response_model=X` returns `X(...)` / `X.model_validate(...)`."),
    Rule("FBP302", "manual-validation",
         "manual validation of request parameters in {function}(): {fix} and let FastAPI "
         "answer 422",
         "`if <check of parameters>: raise HTTPException(400/422)` in an endpoint.",
         forms=(("parameter", "declare the constraint on the parameter (Pydantic "
                              "Field/validator, `Query(ge=...)`, `Path(...)`)"),
                ("fields", "the check spans {fields}: declare it in a `model_validator` "
                           "(of a dedicated request model if the model is shared)"),
                ("shared", "{model} is used elsewhere too: declare the constraint on a "
                           "dedicated request model (a `Field` constraint or a "
                           "`model_validator`)"))),
    Rule("FBP303", "lookup-validation-in-endpoint",
         "lookup-and-404 of {name} inside endpoint {function}(): move it into a dependency "
         "(e.g. `valid_{name}`) that routes can share",
         "`x = lookup(); if x is None: raise HTTPException(404)` in an endpoint.",
         default_off=True),
    Rule("FBP304", "direct-basemodel-subclass",
         "{cls} inherits pydantic.BaseModel directly; inherit the project base {bases}",
         "A model inherits `pydantic.BaseModel` instead of the configured project base."),
    Rule("FBP305", "dependency-exposes-internal-parameter",
         "dependency {function}() ({where}) lets any client set its {parameters} through "
         "the query string{reason}; depend on a wrapper that does not take {it}",
         "A dependency's parameter meant for its own callers (or keying its cache) that "
         "FastAPI reads from the query string."),
    Rule("FBP306", "path-parameter-unused",
         "path parameter `{{{name}}}` of {where} is read by no parameter of {function}() or "
         "of its dependencies, so its value is ignored; add a parameter named `{name}` (or "
         "`Path(alias=\"{name}\")`) or drop it from the path",
         "A `{name}` of a route's path or router prefix that neither the endpoint nor its "
         "dependencies read."),
    # FBP4xx - resources and lifecycle
    Rule("FBP401", "client-per-request",
         "{call}() opens a new {what} on every request in {kind} {function}(); create "
         "{instead} once in the lifespan and hand it out with a dependency",
         "A client, engine or pool constructed inside a request-path function."),
    Rule("FBP402", "on-event-handler",
         "{what} is deprecated and its handlers stop running once the app has a lifespan; "
         "use a lifespan: `@asynccontextmanager async def lifespan(app): <startup>; yield; "
         "<shutdown>` and `FastAPI(lifespan=lifespan)`",
         "`on_event`, `add_event_handler`, `on_startup=`/`on_shutdown=`."),
    Rule("FBP403", "outbound-call-without-timeout",
         "{call}() {problem}: a hung upstream holds a worker until the client gives up; "
         "pass {fix}",
         "An outbound HTTP call on the request path without a timeout."),
    # FBP5xx - security and production settings
    Rule("FBP501", "docs-exposed",
         "FastAPI() publishes {exposed} to anyone; pass openapi_url=None in production, "
         "e.g. `openapi_url=\"/openapi.json\" if settings.show_docs else None`",
         "`FastAPI(...)` without a decision on `openapi_url`/`docs_url`/`redoc_url`."),
    Rule("FBP502", "hardcoded-secret",
         "hard-coded secret {found} in {name} ships with every copy of the code; read it from the "
         "environment or a secret store (e.g. a pydantic-settings field without a default)",
         "A string literal bound to a secret-like name."),
    Rule("FBP503", "debug-enabled",
         "{what} {effect}; read the flag from settings so production runs with it off",
         "`FastAPI(debug=True)`, `Starlette(debug=True)`, `uvicorn.run(reload=True)`."),
    Rule("FBP504", "cors-wildcard-credentials",
         "CORSMiddleware with {origins} and allow_credentials=True lets any website make "
         "requests with your users' cookies; list the trusted origins explicitly",
         "`CORSMiddleware` with `*` origins and credentials."),
    Rule("FBP505", "server-started-on-import",
         "uvicorn.run() at module level starts a server whenever the module is imported "
         "(tests, workers, tools); put it under `if __name__ == \"__main__\":`",
         "`uvicorn.run(...)` at module level outside `__main__`."),
    # FBP6xx - logging
    Rule("FBP601", "print-in-request-path",
         "print() {where}: it bypasses log levels, handlers and structure; use a logger",
         "`print(...)` in a request-path or background-task function."),
    Rule("FBP602", "interpolated-log-message",
         "log message built with {how}{where}: structured logs lose their fields; use a "
         "constant message with {fix}",
         "A log message on the request path built with an f-string, `%`, `.format()` or "
         "`+`."),
]

RULES: dict[str, Rule] = {rule.code: rule for rule in _RULES}
DEFAULT_OFF: tuple[str, ...] = tuple(r.code for r in _RULES if r.default_off)


def message(code: str, **fields: Any) -> str:
    """The full flake8 message (``"FBP101 ..."``) for ``code``."""
    return RULES[code].format(**fields)
