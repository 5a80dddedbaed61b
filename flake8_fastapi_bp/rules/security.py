"""Security and production settings: what ships to production switched the wrong way.

Codes: FBP501 docs-exposed, FBP502 hardcoded-secret, FBP503 debug-enabled,
FBP504 cors-wildcard-credentials, FBP505 server-started-on-import.
"""

from __future__ import annotations

import ast
import re
from typing import Iterator, NamedTuple, cast

from ..syntax import keyword_value as _keyword
from ..syntax import parameters_with_defaults
from ..syntax import written_name as _written_name
from ..apis import secrets
from ..context import FileContext, Report, display_name, never_deployed
from ..resolve.module import FUNCTION_TYPES, CacheKey, Scope

CODES = ("FBP501", "FBP502", "FBP503", "FBP504", "FBP505")

FASTAPI = "fastapi.FastAPI"
STARLETTE = "starlette.Starlette"
UVICORN_RUN = frozenset({"uvicorn.run", "uvicorn.main.run"})
CORS = "starlette.middleware.cors.CORSMiddleware"
# ``os.getenv("ORIGINS", "*").split(",")``: string methods that keep the default's origins.
STRING_METHODS = frozenset({"split", "rsplit", "strip", "lower"})
MIDDLEWARE = "starlette.middleware.Middleware"
DOC_PAGES = (("docs_url", "Swagger UI"), ("redoc_url", "ReDoc"))
# An allow_origin_regex that accepts these made-up origins accepts any attacker's site.
PROBE_ORIGINS = ("https://fbp-probe.invalid", "http://fbp-probe.invalid:8080")
DEBUG_EFFECT = "sends tracebacks and local details to any client whose request fails"
RELOAD_EFFECT = "runs a file-watching reloader instead of production workers"
# Words of a name that reads configuration (``DEBUG``, ``settings.ENVIRONMENT``,
# ``config.is_prod``): a branch on it is a deployment decision.
CONFIG_WORDS = frozenset({
    "debug", "env", "environment", "settings", "setting", "config", "conf", "cfg",
    "configuration", "production", "prod", "dev", "development", "develop", "mode",
    "stage", "staging", "testing", "local", "docs", "deploy", "deployment", "profile",
})
# Where an application is created: ``app = FastAPI(...)``, ``return FastAPI(...)``.
APP_BINDINGS = (ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.Return)


def check(ctx: FileContext) -> Iterator[Report]:
    if not never_deployed(ctx):
        yield from exposed_docs(ctx)
        yield from debug_switches(ctx)
        yield from wildcard_cors_with_credentials(ctx)
        yield from hardcoded_secrets(ctx)
    yield from servers_started_on_import(ctx)


# ----- FBP501 ----------------------------------------------------------------------------
def exposed_docs(ctx: FileContext) -> Iterator[Report]:
    """FBP501: ``FastAPI(...)`` with no decision on openapi_url / docs_url + redoc_url,
    where an application is created (a throwaway ``FastAPI()`` passed along is not)."""
    for call in ctx.fastapi.app_constructions():
        if ctx.callee(call) != FASTAPI or _has_unpacking(call):
            continue
        if not isinstance(ctx.module.parents.get(call), APP_BINDINGS):
            continue
        given = {keyword.arg for keyword in call.keywords}
        if "openapi_url" in given or {"docs_url", "redoc_url"} <= given:
            continue
        if _decided_by_branch(ctx, call):
            continue
        pages = [page for argument, page in DOC_PAGES if argument not in given]
        yield ctx.report("FBP501", call, exposed=", ".join(pages) + " and the OpenAPI schema")


def _has_unpacking(call: ast.Call) -> bool:
    """``**options`` / ``*args``: what they set is unknown."""
    return any(k.arg is None for k in call.keywords) or any(
        isinstance(a, ast.Starred) for a in call.args)


# ----- FBP503 / FBP505 -------------------------------------------------------------------
def debug_switches(ctx: FileContext) -> Iterator[Report]:
    """FBP503: ``FastAPI(debug=True)``, ``Starlette(debug=True)``, ``uvicorn.run(debug=True)``;
    ``uvicorn.run(reload=True)`` unless it is the ``__main__`` development launcher."""
    for call in ctx.fastapi.app_constructions():
        callee = ctx.callee(call)
        flag = _keyword(call, "debug")
        if flag is None and callee == STARLETTE and call.args:
            flag = call.args[0]  # Starlette(debug, routes, ...)
        if _is_true(ctx, flag) and not _decided_by_branch(ctx, call):
            shown = "FastAPI" if callee == FASTAPI else "Starlette"
            yield ctx.report("FBP503", call, what=f"{shown}(debug=True)", effect=DEBUG_EFFECT)
    for call in ctx.module.calls:
        debug, reload = _keyword(call, "debug"), _keyword(call, "reload")
        if (debug is None and reload is None) or ctx.callee(call) not in UVICORN_RUN:
            continue
        if _decided_by_branch(ctx, call):
            continue
        if _is_true(ctx, debug):
            yield ctx.report("FBP503", call, what="uvicorn.run(debug=True)", effect=DEBUG_EFFECT)
        elif _is_true(ctx, reload) and not ctx.is_main_guarded(call):
            yield ctx.report("FBP503", call, what="uvicorn.run(reload=True)",
                             effect=RELOAD_EFFECT)


def _decided_by_branch(ctx: FileContext, call: ast.Call) -> bool:
    """``if settings.DEBUG: app = FastAPI(debug=True)`` / ``else: app = FastAPI(...)``: an
    ``if``/``else`` or a conditional expression on a configuration value whose other
    branch makes the same call differently is a per-deployment decision, not a default
    left in place. An ``if`` ending in ``return``/``raise`` is followed by its else."""
    callee = ctx.callee(call)
    child: ast.AST = call
    for ancestor in ctx.module.ancestors(call):
        for test, others in _alternatives(ctx, ancestor, child):
            if _reads_configuration(ctx, test) \
                    and any(_same_call_differently(ctx, call, callee, node) for node in others):
                return True
        if isinstance(ancestor, (*FUNCTION_TYPES, ast.Lambda, ast.ClassDef)):
            return False
        child = ancestor
    return False


def _alternatives(ctx: FileContext, ancestor: ast.AST,
                  child: ast.AST) -> Iterator[tuple[ast.expr, list[ast.AST]]]:
    """The tests that choose between ``child`` and other code, each with that other code."""
    if isinstance(ancestor, ast.IfExp) and child is not ancestor.test:
        yield ancestor.test, [ancestor.orelse if child is ancestor.body else ancestor.body]
    elif isinstance(ancestor, ast.If) and child in ancestor.body:
        after = _following(ctx, ancestor) if _ends_early(ancestor.body) else []
        yield ancestor.test, [*ancestor.orelse, *after]
    elif isinstance(ancestor, ast.If) and child in ancestor.orelse:
        yield ancestor.test, list(ancestor.body)
    if isinstance(child, ast.stmt):
        # ``if settings.debug: return FastAPI(debug=True)`` above ``return FastAPI()``
        for statement in _preceding(ctx, child):
            if isinstance(statement, ast.If) and _ends_early(statement.body):
                yield statement.test, list(statement.body)


def _ends_early(body: list[ast.stmt]) -> bool:
    return bool(body) and isinstance(body[-1], (ast.Return, ast.Raise))


def _statement_list(ctx: FileContext, statement: ast.stmt) -> list[ast.stmt]:
    parent = ctx.module.parents.get(statement)
    for field in ("body", "orelse", "finalbody"):
        statements = getattr(parent, field, None)
        if isinstance(statements, list) and statement in statements:
            return statements
    return []


def _following(ctx: FileContext, statement: ast.stmt) -> list[ast.stmt]:
    statements = _statement_list(ctx, statement)
    return statements[statements.index(statement) + 1:] if statements else []


def _preceding(ctx: FileContext, statement: ast.stmt) -> list[ast.stmt]:
    statements = _statement_list(ctx, statement)
    return statements[:statements.index(statement)] if statements else []


def _reads_configuration(ctx: FileContext, test: ast.expr) -> bool:
    """A test on a setting: an environment read (``os.getenv(...)``, ``os.environ[...]``)
    or a name whose words say configuration (``DEBUG``, ``settings.ENV``, ``is_prod``)."""
    for node in ast.walk(test):
        if isinstance(node, ast.Call) and ctx.callee(node) in secrets.ENV_DEFAULT_CALLS:
            return True
        if isinstance(node, ast.Attribute) and node.attr == "environ" \
                and ctx.qualname(node) == "os.environ":
            return True
        name = node.id if isinstance(node, ast.Name) else \
            node.attr if isinstance(node, ast.Attribute) else None
        if name is not None and not CONFIG_WORDS.isdisjoint(secrets.name_words(name)):
            return True
    return False


def _same_call_differently(ctx: FileContext, call: ast.Call, callee: str | None,
                           node: ast.AST) -> bool:
    """Does ``node`` hold a call to the same callee with other arguments?"""
    return any(isinstance(other, ast.Call) and ctx.callee(other) == callee
               and ast.dump(other) != ast.dump(call) for other in ast.walk(node))


def servers_started_on_import(ctx: FileContext) -> Iterator[Report]:
    """FBP505: ``uvicorn.run(...)`` that runs when the module is imported."""
    if not _imports_uvicorn(ctx):
        return
    for call in ctx.module.calls:
        if not _runs_on_import(ctx, call) or ctx.callee(call) not in UVICORN_RUN:
            continue
        if not ctx.is_main_guarded(call):
            yield ctx.report("FBP505", call)


def _imports_uvicorn(ctx: FileContext) -> bool:
    """Module-level code can only reach uvicorn.run through a module-level import."""
    return any(binding.kind == "import" and binding.target.partition(".")[0] == "uvicorn"
               for bindings in ctx.module.module_scope.bindings.values()
               for binding in bindings)


def _runs_on_import(ctx: FileContext, node: ast.AST) -> bool:
    """Module level, or a class body at module level (decorators and defaults included)."""
    scope: Scope | None = ctx.module.scope_of(node)
    while scope is not None:
        if isinstance(scope.node, (*FUNCTION_TYPES, ast.Lambda)):
            return False
        scope = scope.parent
    return True


# ----- FBP504 ----------------------------------------------------------------------------
def wildcard_cors_with_credentials(ctx: FileContext) -> Iterator[Report]:
    """FBP504: CORSMiddleware accepting any origin together with allow_credentials=True."""
    for call in ctx.module.calls:
        if not _adds_cors(ctx, call):
            continue
        if not _is_true(ctx, _keyword(call, "allow_credentials")):
            continue
        origins = _any_origin(ctx, call)
        if origins is not None:
            yield ctx.report("FBP504", call, origins=origins)


def _adds_cors(ctx: FileContext, call: ast.Call) -> bool:
    """``app.add_middleware(CORSMiddleware, ...)``, ``Middleware(CORSMiddleware, ...)`` or
    ``CORSMiddleware(app, ...)``."""
    name = _written_name(call.func)
    if name == "CORSMiddleware":
        return ctx.callee(call) == CORS
    if name == "add_middleware" and isinstance(call.func, ast.Attribute):
        middleware = call.args[0] if call.args else _keyword(call, "middleware_class")
    elif name == "Middleware" and ctx.callee(call) == MIDDLEWARE:
        middleware = call.args[0] if call.args else _keyword(call, "cls")
    else:
        return False
    return middleware is not None and ctx.qualname(middleware) == CORS


def _any_origin(ctx: FileContext, call: ast.Call) -> str | None:
    """How the call lets every origin in, as written for the message; None if it does not."""
    origins = _bound(ctx, _keyword(call, "allow_origins"))
    if _is_star(origins):
        return 'allow_origins="*"'
    if isinstance(origins, (ast.List, ast.Tuple, ast.Set)):
        if any(_is_star(_bound(ctx, element)) for element in origins.elts):
            return 'allow_origins=["*"]'
    pattern = _bound(ctx, _keyword(call, "allow_origin_regex"))
    if isinstance(pattern, ast.Constant) and isinstance(pattern.value, str) \
            and _matches_any_origin(pattern.value):
        return f"allow_origin_regex={pattern.value!r}"
    return _wildcard_by_default(ctx, _keyword(call, "allow_origins"))


def _wildcard_by_default(ctx: FileContext, origins: ast.expr | None) -> str | None:
    """``os.getenv("CORS_ORIGINS", "*").split(",")`` (here or bound in another module):
    every origin until someone sets the variable, which is what ships."""
    found = ctx.resolver.bound_expression(ctx.module, origins) if origins is not None else None
    if found is None:
        return None
    module, value = found
    while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) \
            and value.func.attr in STRING_METHODS:
        value = value.func.value
    if not isinstance(value, ast.Call) or len(value.args) < 1 \
            or ctx.resolver.callee(module, value) not in secrets.ENV_DEFAULT_CALLS:
        return None
    default = value.args[1] if len(value.args) >= 2 else _keyword(value, "default")
    if not (isinstance(default, ast.Constant) and isinstance(default.value, str)
            and "*" in re.split(r"[\s,;]+", default.value.strip())):
        return None
    variable = ast.unparse(value.args[0])
    return f'allow_origins="*" by default ({display_name(value.func)}({variable}))'


def _is_star(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value == "*"


def _matches_any_origin(pattern: str) -> bool:
    try:
        compiled = re.compile(pattern)
    except (re.error, RecursionError):
        return False
    return any(compiled.fullmatch(origin) for origin in PROBE_ORIGINS)


# ----- FBP502 ----------------------------------------------------------------------------
def hardcoded_secrets(ctx: FileContext) -> Iterator[Report]:
    """FBP502: a secret literal bound to a secret-like name, a URL with a password, a
    literal JWT key."""
    reported: set[int] = set()
    # Every node of the tree, indexed once (a copy: resolving string annotations adds some).
    for node in list(ctx.module.parents):
        if not isinstance(node, BINDING_NODES) or _is_enum_member(ctx, node):
            continue
        for binding in _bindings(ctx, node):
            for literal, text in _secret_literals(ctx, binding):
                if id(literal) not in reported and not _in_example(ctx, literal) \
                        and not _names_its_class(ctx, text, literal) \
                        and not _also_its_label(ctx, text, literal) \
                        and not _names_a_constant(ctx, text):
                    reported.add(id(literal))
                    yield ctx.report("FBP502", literal, found=secrets.described(text),
                                     name=binding.label)


def _is_enum_member(ctx: FileContext, node: ast.AST) -> bool:
    """``client_credentials = "m2m-client-credentials"`` in an Enum: a label, not a value
    anyone authenticates with."""
    owner = ctx.module.parents.get(node)
    if not isinstance(node, (ast.Assign, ast.AnnAssign)) or not isinstance(owner, ast.ClassDef):
        return False
    return any(ctx.is_enum_class(base) for base in owner.bases)


def _names_its_class(ctx: FileContext, text: str, literal: ast.Constant) -> bool:
    """``class OllamaConfig: api_key = "ollama"``, ``OllamaConfig(api_key="ollama")``: a
    value that repeats a word of the class it configures (the enclosing class, or a class
    it is passed to) is a stand-in for a service that needs no key."""
    for ancestor in ctx.module.ancestors(literal):
        if isinstance(ancestor, ast.Call) and _repeats_class_name(
                text, _written_name(ancestor.func)):
            return True
        if isinstance(ancestor, ast.ClassDef):
            return _repeats_class_name(text, ancestor.name)
        if isinstance(ancestor, (*FUNCTION_TYPES, ast.Lambda)):
            return False
    return False


def _also_its_label(ctx: FileContext, text: str, literal: ast.Constant) -> bool:
    """``Key(token="ui-token", key_name="ui-token")``: the same call passes the value as a
    name or alias too, so it is a label; a real secret is never its own display name."""
    keyword = ctx.module.parents.get(literal)
    call = ctx.module.parents.get(keyword) if isinstance(keyword, ast.keyword) else None
    if not isinstance(call, ast.Call):
        return False
    return any(other is not keyword and other.arg is not None
               and isinstance(other.value, ast.Constant) and other.value.value == text
               and secrets.is_label_name(other.arg) for other in call.keywords)


WRITTEN_NAMES: CacheKey[frozenset[str]] = CacheKey("FBP502 names and attributes written")


def _names_a_constant(ctx: FileContext, text: str) -> bool:
    """``{"password": "LDAP", "auth_method": AuthMethod.LDAP}``: a value in capitals that
    the module also writes as a name or attribute (an enum member, a constant) is a marker
    that stands for that constant, not a password anyone types."""
    if not (text.isupper() and text.isidentifier()):
        return False
    written = ctx.module.cache.get(WRITTEN_NAMES)
    if written is None:
        written = ctx.module.cache.put(WRITTEN_NAMES, frozenset(
            node.attr if isinstance(node, ast.Attribute) else node.id
            for node in ctx.module.parents if isinstance(node, (ast.Attribute, ast.Name))))
    return text in written


def _repeats_class_name(text: str, name: str | None) -> bool:
    if not name or not name[0].isupper():
        return False
    return text.lower() in secrets.name_words(name) or text.lower() == name.lower()


def _secret_literals(ctx: FileContext,
                     binding: SecretBinding) -> list[tuple[ast.Constant, str]]:
    """The literals of one binding that are secrets, with their text. A binding whose
    name is None or not secret-like counts only a value that is a secret whatever its
    name (a wrapped value is then visited on its own, as the wrapper's argument)."""
    name = binding.name
    secret_name = binding.always_secret or (
        name is not None and secrets.is_secret_name(name, ctx.settings.secret_names))
    candidates = _literals(ctx, binding.value) if secret_name \
        else _literals(ctx, binding.value, depth=99)
    found = []
    for literal in candidates:
        value = cast("str | bytes", literal.value)
        text = value.decode("latin-1") if isinstance(value, bytes) else value
        if secrets.is_secret_whatever_the_name(text) or (
                secret_name and not secrets.is_obviously_not_secret(text, name)):
            found.append((literal, text))
    return found


BINDING_NODES = (ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.keyword, ast.Dict,
                 ast.arguments, ast.Call)


class SecretBinding(NamedTuple):
    """A value bound to a name: the label for the message, the name (None when only the
    value can tell), the bound expression; ``always_secret`` for a key position whose
    value is a secret whatever it is called (``jwt.encode(claims, "key")``)."""
    label: str
    name: str | None
    value: ast.expr
    always_secret: bool = False


def _bindings(ctx: FileContext, node: ast.AST) -> Iterator[SecretBinding]:
    if isinstance(node, ast.Assign):
        for target in node.targets:
            yield from _target_bindings(target, node.value)
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        yield from _target_bindings(node.target, node.value)
    elif isinstance(node, ast.NamedExpr):
        yield SecretBinding(node.target.id, node.target.id, node.value)
    elif isinstance(node, ast.keyword) and node.arg is not None:
        yield SecretBinding(f"{node.arg}=", node.arg, node.value)
    elif isinstance(node, ast.Dict):
        yield from _dict_bindings(ctx, node)
    elif isinstance(node, ast.arguments):
        yield from _parameter_defaults(node)
    elif isinstance(node, ast.Call):
        yield from _call_bindings(ctx, node)


def _dict_bindings(ctx: FileContext, node: ast.Dict) -> Iterator[SecretBinding]:
    """Each literal key and its value; in a map of type expressions (a generated client's
    ``openapi_types``) or of names to names the values are not values, and only a URL
    with a password counts."""
    entries = [(key.value, value.value) for key, value in zip(node.keys, node.values)
               if isinstance(key, ast.Constant) and isinstance(key.value, str)
               and isinstance(value, ast.Constant) and isinstance(value.value, str)]
    # Cheap test first: only a map with a secret-like key needs reading as a type map.
    types_only = len(entries) == len(node.values) and any(
        secrets.is_secret_name(key, ctx.settings.secret_names) for key, _ in entries) \
        and (secrets.is_type_map(entries) or secrets.is_name_map(entries))
    for key, value in zip(node.keys, node.values):
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            yield SecretBinding(f"dict key {key.value!r}", None if types_only else key.value,
                                value)


def _target_bindings(target: ast.expr, value: ast.expr) -> Iterator[SecretBinding]:
    if isinstance(target, ast.Name):
        yield SecretBinding(target.id, target.id, value)
    elif isinstance(target, ast.Attribute):
        yield SecretBinding(ast.unparse(target), target.attr, value)
    elif isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) \
            and isinstance(target.slice.value, str):
        yield SecretBinding(ast.unparse(target), target.slice.value, value)
    elif isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)) \
            and len(target.elts) == len(value.elts):
        for element, element_value in zip(target.elts, value.elts):
            yield from _target_bindings(element, element_value)


def _parameter_defaults(arguments: ast.arguments) -> Iterator[SecretBinding]:
    for arg, default in parameters_with_defaults(arguments):
        if default is not None:
            yield SecretBinding(f"parameter {arg.arg}", arg.arg, default)


def _call_bindings(ctx: FileContext, call: ast.Call) -> Iterator[SecretBinding]:
    """``os.getenv("SECRET_KEY", "dev")``, ``jwt.encode(claims, "key")``, and positional
    arguments (only a URL with a password or a private key counts there)."""
    written = _written_name(call.func)
    if written in ("getenv", "get", "setdefault") and call.args:
        variable = call.args[0]
        default = call.args[1] if len(call.args) >= 2 else _keyword(call, "default")
        # Cheap tests first: ``.get(`` is everywhere.
        if default is not None and isinstance(variable, ast.Constant) \
                and isinstance(variable.value, str) \
                and secrets.is_secret_name(variable.value, ctx.settings.secret_names) \
                and ctx.callee(call) in secrets.ENV_DEFAULT_CALLS:
            yield SecretBinding(f"the default of {display_name(call.func)}({variable.value!r})",
                                variable.value, default)
    elif written in ("encode", "decode"):
        key = call.args[1] if len(call.args) >= 2 else _keyword(call, "key")
        if isinstance(key, ast.Constant) and ctx.callee(call) in secrets.JWT_CALLS:
            yield SecretBinding(f"the key passed to {display_name(call.func)}()", None, key,
                                always_secret=True)
    for argument in call.args:
        if isinstance(argument, ast.Constant):
            yield SecretBinding(f"an argument of {display_name(call.func)}()", None, argument)


def _literals(ctx: FileContext, value: ast.expr, depth: int = 0) -> list[ast.Constant]:
    """The string literals a binding gives: the value itself, a wrapped default
    (``Field("x")``, ``SecretStr("x")``, ``os.getenv("K", "x")``), an ``or`` fallback."""
    if isinstance(value, ast.Constant) and isinstance(value.value, (str, bytes)):
        return [value]
    if depth > 3:  # also: depth=99 asks for a plain literal only
        return []
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or):
        return [lit for operand in value.values for lit in _literals(ctx, operand, depth + 1)]
    if isinstance(value, ast.Call) and _written_name(value.func) in secrets.WRAPPER_NAMES:
        wrapper = secrets.VALUE_WRAPPERS.get(ctx.callee(value) or "")
        if wrapper is not None:
            index, keyword = wrapper
            inner = value.args[index] if len(value.args) > index else _keyword(value, keyword)
            return _literals(ctx, inner, depth + 1) if inner is not None else []
    return []


def _in_example(ctx: FileContext, node: ast.AST) -> bool:
    """Inside an OpenAPI example (``json_schema_extra={"examples": [...]}``,
    ``Body(examples=...)``, ``schema_extra = {...}``) or a function named as an example
    (``example_payload``): documentation, not configuration."""
    child: ast.AST = node
    for ancestor in ctx.module.ancestors(node):
        if isinstance(ancestor, ast.keyword) and ancestor.arg in secrets.EXAMPLE_CONTAINERS:
            return True
        if isinstance(ancestor, FUNCTION_TYPES) \
                and not secrets.EXAMPLE_WORDS.isdisjoint(secrets.name_words(ancestor.name)):
            return True  # ``def example_payload(self)``: a documented sample value
        if isinstance(ancestor, ast.Dict) and child in ancestor.values:
            key = ancestor.keys[ancestor.values.index(child)]
            if isinstance(key, ast.Constant) and key.value in secrets.EXAMPLE_CONTAINERS:
                return True
        if isinstance(ancestor, (ast.Assign, ast.AnnAssign)):
            targets = ancestor.targets if isinstance(ancestor, ast.Assign) else [ancestor.target]
            if any(isinstance(t, ast.Name) and t.id in secrets.EXAMPLE_CONTAINERS
                   for t in targets):
                return True
        child = ancestor
    return False


# ----- shared helpers --------------------------------------------------------------------


def _bound(ctx: FileContext, expr: ast.expr | None) -> ast.expr | None:
    """A name bound once to a constant expression stands for that expression."""
    if expr is None:
        return None
    found = ctx.resolver.bound_expression(ctx.module, expr)
    return found[1] if found is not None else None


def _is_true(ctx: FileContext, expr: ast.expr | None) -> bool:
    value = _bound(ctx, expr)
    return isinstance(value, ast.Constant) and value.value is True
