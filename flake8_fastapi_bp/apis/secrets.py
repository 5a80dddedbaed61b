"""FBP502 data: what a secret-like name is, which names only describe a secret, which
values are obviously not secrets, the calls whose arguments carry secrets; and the small
predicates that read these tables (no tree walking here).

Names are compared as lower-case words: ``SECRET_KEY`` -> ``secret key``,
``tokenUrl`` -> ``token url``, ``X-API-Key`` -> ``x api key``.
"""

from __future__ import annotations

import ast
import builtins
import re
import typing
from functools import lru_cache

# A name holds a secret when its head (its last word, once qualifiers such as ``2``,
# ``_b64`` or ``_prod`` are dropped) is one of these: ``DB_PASSWORD``, ``GITHUB_TOKEN``;
# not ``RESET_PASSWORD_TOKEN_AUDIENCE`` or ``csrf_token_cookie_samesite``, which name
# a property of a secret ...
SECRET_WORDS = frozenset({
    "secret", "secrets", "password", "passwd", "pwd", "passphrase", "token",
    "apikey", "privatekey", "accesskey", "secretkey", "clientsecret",
    "credential", "credentials",
})
# ... or its last two words are one of these ...
SECRET_PAIRS = frozenset({("api", "key"), ("api", "keys"), ("private", "key"),
                          ("access", "key"), ("secret", "key"), ("secrets", "key")})
# ... or its last word is glued and ends with one of these (``dbpassword``, ``jwtsecret``,
# ``authtoken``; not ``tokenizer`` or ``secretary``).
SECRET_ENDINGS = ("password", "passwd", "secret", "token", "apikey")
# Trailing words that qualify the head without changing what it is.
QUALIFIER_WORDS = frozenset({
    "value", "b64", "base64", "hex", "bytes", "str", "string", "raw", "plain", "plaintext",
    "prod", "production", "dev", "development", "test", "staging", "local", "default",
    "old", "new", "current", "previous", "primary", "secondary", "backup", "fallback",
})

# The name describes a secret rather than holding it when its LAST word is one of these
# (``token_url``, ``password_field``, ``api_key_header``, ``secret_key_name``, ``token_type``).
DESCRIPTIVE_LAST_WORDS = frozenset({
    "url", "urls", "uri", "path", "file", "filename", "name", "field", "header", "type",
    "algorithm", "algorithms", "alg", "env", "var", "prefix", "suffix", "length", "len",
    "reason", "endpoint", "message", "msg", "id", "ids", "dir", "directory", "label",
    "title", "placeholder", "hint", "help", "description", "pattern", "regex", "format",
    "scheme", "column", "route", "template", "location", "policy", "cookie",
})
# ... or ANY of its words is one of these: durations and sizes (``token_expire_minutes``,
# ``password_min_length``), error conditions (``invalid_token``), and digests
# (``hashed_password``: a hash is the stored form, not the secret).
DESCRIPTIVE_ANY_WORDS = frozenset({
    "max", "min", "count", "limit", "ttl", "timeout", "lifetime", "invalid", "error",
    "errors", "err", "missing", "wrong", "incorrect", "mismatch", "failed", "failure",
})
DESCRIPTIVE_WORD_STARTS = ("expir", "hash")
# ... or it names a tokenizer's special token (``eos_token``, ``pad_token``): text, not auth.
SPECIAL_TOKEN_WORDS = frozenset({"eos", "bos", "pad", "unk", "sep", "cls", "mask"})
# ... or a word before its head labels what follows: a category prefix of a constant
# (``RESOURCE_TYPE_GATEWAY_SECRET = "gateway_secret"``, ``COOKIE_NAME_JWT_TOKEN``) names a
# kind of secret or where it travels, not a secret.
LABEL_WORDS = frozenset({"type", "types", "kind", "name", "names", "field", "fields",
                         "column", "label", "header", "headers", "cookie", "param"})
# ... or it is a category and the head alone: an access-control table's entry
# (``RESOURCE_PASSWORD = "Passwords"``; not ``RESOURCE_OWNER_PASSWORD``).
CATEGORY_WORDS = frozenset({"resource", "resources", "permission", "permissions"})

# Values that are obviously not secrets.
NOT_SECRET_VALUES = frozenset({
    "bearer", "basic", "digest", "true", "false", "none", "null", "yes", "no", "on", "off",
    "asc", "desc", "ascending", "descending",  # sort orders: {"token": "desc"}
    # JWT algorithms and password-hash schemes: names of how, not secrets
    "hs256", "hs384", "hs512", "rs256", "rs384", "rs512", "es256", "es384", "es512",
    "ps256", "ps384", "ps512", "eddsa", "bcrypt", "argon2", "scrypt", "pbkdf2_sha256",
    "sha256_crypt", "sha512_crypt",
    # the bare kind of a secret: a lookup table's entry ({"token": "key"}), not a value
    "key", "keys", "token", "tokens", "apikey",
})
ENV_VAR_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
# An environment variable named without an underscore (``PGPASSWORD``, ``APIKEY``): an
# all-caps word that contains a secret word. Letters only: generated keys have digits.
GLUED_ENV_VAR_NAME = re.compile(r"^[A-Z]{4,}$")
GLUED_SECRET_WORDS = ("password", "passwd", "pwd", "secret", "token", "apikey")
# Values that say there is no key: sentinels for a client that requires a non-empty key
# while the server needs none (``api_key="EMPTY"`` for a local vLLM server). Compared
# with case and separators dropped; ``no-<kind of secret>`` (``no-api-key``) also counts.
NO_KEY_SENTINELS = frozenset({
    "empty", "none", "null", "nil", "na", "nokey", "notset", "unset", "notneeded",
    "notrequired", "notused", "unused", "disabled", "dummy", "anonymous", "blank",
    "unknown", "unattributed",
})
NO_KEY_WORDS = frozenset({"no", "not", "without"})
# A Python identifier (a parameter or attribute name).
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# The characters a type expression is written with (a cheap test before parsing).
TYPE_CHARACTERS = re.compile(r"^[A-Za-z_][\w\[\](), .|]*$")
# Type expressions written as strings (generated OpenAPI clients' ``openapi_types =
# {"password": "str", "image_pull_secrets": "list[V1LocalObjectReference]"}``): the
# names a bare value may use, and the generic heads a subscript or call may start with.
TYPE_NAMES = frozenset(
    {name for name in dir(builtins) if isinstance(getattr(builtins, name), type)
     and not name.endswith(("Error", "Exception", "Warning"))}
    | set(typing.__all__)
    | {"datetime", "date", "time", "timedelta", "decimal", "Decimal", "UUID", "uuid",
       "file", "SecretStr", "SecretBytes", "EmailStr", "HttpUrl", "AnyUrl"})
# Names of things: a URN (``urn:ietf:params:oauth:token-type:access_token``), an HTTP
# header (``x-goog-api-key``), a dunder sentinel (``__team_scope_auth_check__``).
IDENTIFIER_VALUE = re.compile(r"^(?:urn:\S+|[Xx]-[A-Za-z0-9-]+|__\w+__)$")
# A marker put into text and replaced later: a word between the same punctuation
# (``"!UNDERSCORE!"``, ``"@@TOKEN@@"``).
TEXT_MARKER = re.compile(r"^([!@#%&*~^|=+:;$-])\1*[A-Za-z][A-Za-z0-9_-]*\1+$")
# Identifiers made of words (``failed-to-connect-to-db``, ``byok_session_cookie``): when
# their words describe (see ``describes_secret``) they name a state or a thing.
IDENTIFIER_WORDS = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)+$")
# Fragments of names: a prefix or suffix glued to other names (``backend_kwarg__``,
# ``_token``), lower-case like the identifiers they complete.
NAME_FRAGMENT = re.compile(r"^(?:_+[a-z0-9]+(?:_[a-z0-9]+)*_*|[a-z0-9]+(?:_[a-z0-9]+)*_+)$")
# Values that say they are not real: sentinels for APIs that require a non-empty key
# (``api_key="fake-api-key"`` for a local server). ``changeme``-style placeholders, made
# to be replaced, are reported: they are what ships when nobody replaces them.
SELF_DECLARED_FAKE = frozenset({"fake", "dummy", "mock", "stub", "sample", "example",
                                "placeholder", "unused", "sentinel", "redacted"})
# Filled in at run time: ``{password}``, ``${API_KEY}``, ``%(pw)s``, ``%s``.
TEMPLATE_FIELD = re.compile(r"\{[^{}]*\}|\$\{[A-Za-z_]\w*\}|^\$[A-Za-z_]\w*$|%\([^)]*\)[sdr]|%s")
URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
FILE_PATH = re.compile(r"^(?:/|\./|\.\./|~/)|^[\w./-]+\.(?:pem|key|crt|cer|der|p12|pfx|json"
                       r"|ya?ml|txt|env|ini|cfg|toml)$", re.IGNORECASE)
BRACKETED = re.compile(r"^(?:<.*>|\[.*\])$", re.DOTALL)

# Values that are secrets whatever their name: a URL/DSN with a password, a connection
# string with ``password=``, a PEM private key.
URL_PASSWORD = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/@\s:]*:(?P<password>[^/@\s]+)@")
CONNECTION_PASSWORD = re.compile(r"(?:^|[;\s])(?:password|pwd)\s*=\s*(?P<password>[^;\s]+)",
                                 re.IGNORECASE)
# A SQL statement that reads or writes rows: ``WHERE password = 'LDAP'`` compares a column.
SQL_STATEMENT = re.compile(r"^\s*(?:SELECT|UPDATE|INSERT|DELETE|WITH|MERGE)\s", re.IGNORECASE)
PEM_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----\s*[A-Za-z0-9+/=]{16}")
# ``"audio.tts.openai.api_key"``: the dotted name of a setting.
IDENTIFIER_PATH = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")

# Calls whose default (positional index, keyword) is the value bound to the name in the
# first argument: ``os.getenv("SECRET_KEY", "dev")``.
ENV_DEFAULT_CALLS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault"})
# Calls that wrap the bound value (index of the value, keyword): ``Field("x")``,
# ``SecretStr("x")``, ``Header("x")``; ``os.getenv`` for ``API_KEY = os.getenv("K", "x")``.
VALUE_WRAPPERS: dict[str, tuple[int, str]] = {
    "pydantic.Field": (0, "default"),
    "pydantic.fields.Field": (0, "default"),
    "sqlmodel.Field": (0, "default"),
    "pydantic.SecretStr": (0, "secret_value"),
    "pydantic.SecretBytes": (0, "secret_value"),
    "pydantic.types.SecretStr": (0, "secret_value"),
    "pydantic.types.SecretBytes": (0, "secret_value"),
    **{f"fastapi.{param}": (0, "default")
       for param in ("Query", "Header", "Cookie", "Body", "Form", "Path")},
    **{f"fastapi.param_functions.{param}": (0, "default")
       for param in ("Query", "Header", "Cookie", "Body", "Form", "Path")},
    **{name: (1, "default") for name in ENV_DEFAULT_CALLS},
}
WRAPPER_NAMES = frozenset(name.rpartition(".")[2] for name in VALUE_WRAPPERS)

# JWT libraries: the signing/verification key is the second argument or ``key=``.
JWT_CALLS = frozenset({"jwt.encode", "jwt.decode", "jose.jwt.encode", "jose.jwt.decode",
                       "jwt.api_jwt.encode", "jwt.api_jwt.decode"})

# Dicts and keywords that hold OpenAPI examples: documentation, not configuration.
EXAMPLE_CONTAINERS = frozenset({"example", "examples", "openapi_examples", "schema_extra",
                                "json_schema_extra"})
# Words that make a function an example (``def example_payload``).
EXAMPLE_WORDS = frozenset({"example", "examples"})

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+\d*|[A-Z]+\d*|\d+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]")
_ASSIGNMENT = re.compile(r"\b\w+\s*=")


def name_words(name: str) -> list[str]:
    """``SECRET_KEY`` -> ``["secret", "key"]``; ``tokenUrl`` -> ``["token", "url"]``."""
    return [word.lower() for word in _WORD.findall(name)]


@lru_cache(maxsize=8192)
def is_secret_name(name: str, extra: re.Pattern[str] | None = None) -> bool:
    """Does ``name`` hold a secret (and not merely describe one)?"""
    words = name_words(name)
    if not words or describes_secret(words):
        return False
    return holds_secret(words) or (extra is not None and extra.search(name) is not None)


def holds_secret(words: list[str]) -> bool:
    head = list(words)
    while len(head) > 1 and (head[-1] in QUALIFIER_WORDS or head[-1].isdigit()):
        head.pop()
    last = head[-1].rstrip("0123456789") or head[-1]  # password2
    if last in SECRET_WORDS or last.endswith(SECRET_ENDINGS):
        return True
    return len(head) >= 2 and (head[-2], last) in SECRET_PAIRS


def describes_secret(words: list[str], labels: bool = True) -> bool:
    """``labels``: also a label word before the head (names only: in a value such as
    ``"field-token"`` it is just a word)."""
    if words[-1] in DESCRIPTIVE_LAST_WORDS or (labels and not LABEL_WORDS.isdisjoint(words[:-1])):
        return True
    if labels and len(words) == 2 and words[0] in CATEGORY_WORDS:
        return True
    if len(words) >= 2 and words[-1] in ("token", "tokens") and words[-2] in SPECIAL_TOKEN_WORDS:
        return True
    return any(word in DESCRIPTIVE_ANY_WORDS or word.startswith(DESCRIPTIVE_WORD_STARTS)
               for word in words)


def is_secret_whatever_the_name(value: str) -> bool:
    """A URL/DSN or connection string with a password, or a PEM private key."""
    found = URL_PASSWORD.match(value)
    if found is None and len(_ASSIGNMENT.findall(value)) >= 2 \
            and not SQL_STATEMENT.match(value):
        found = CONNECTION_PASSWORD.search(value)
    if found is not None and not is_template(found.group("password")):
        return True
    return PEM_PRIVATE_KEY.search(value) is not None


def names_a_secret(text: str) -> bool:
    """``"audio.tts.openai.api_key"``: a dotted reference to a setting, whose last part is
    itself a secret-like name (``"super_secret_key"``, without a dot, is a value)."""
    if "." not in text or not IDENTIFIER_PATH.match(text):
        return False
    return is_secret_name(text.rpartition(".")[2])


def is_template(text: str) -> bool:
    return TEMPLATE_FIELD.search(text) is not None or BRACKETED.match(text) is not None


def is_obviously_not_secret(value: str, name: str | None = None) -> bool:
    """Values no one would call a secret: empty, prose, a token type, a mask (``***``),
    an env-var name, a template, a name fragment or a descriptive identifier, a URL
    without credentials, a path, markup, a type expression, a "no key" sentinel, the
    name itself in any spelling (``refresh_token="refresh_token"``, ``"refreshToken"``)."""
    text = value.strip()
    if not text or any(char.isspace() for char in text):
        return True
    if text.lower() in NOT_SECRET_VALUES or len(set(text)) == 1:
        return True
    if is_env_var_name(text) or IDENTIFIER_VALUE.match(text) or is_template(text) \
            or TEXT_MARKER.match(text):
        return True
    if says_no_key(text) or is_type_expression(text):
        return True
    if NAME_FRAGMENT.match(text) or (IDENTIFIER_WORDS.match(text)
                                     and describes_secret(name_words(text), labels=False)):
        return True
    if not SELF_DECLARED_FAKE.isdisjoint(name_words(text)):
        return True
    if URL.match(text) or FILE_PATH.search(text) or names_a_secret(text):
        return True
    return name is not None and _NOT_ALNUM.sub("", text.lower()) == _NOT_ALNUM.sub(
        "", name.lower())


def is_env_var_name(text: str) -> bool:
    """``DATABASE_PASSWORD``, and ``PGPASSWORD``: all capitals glued around a secret word."""
    if ENV_VAR_NAME.match(text):
        return True
    return GLUED_ENV_VAR_NAME.match(text) is not None \
        and any(word in text.lower() for word in GLUED_SECRET_WORDS)


def says_no_key(text: str) -> bool:
    """``"EMPTY"``, ``"none"``, ``"not-needed"``, ``"no-api-key"``: the value says there is
    no secret."""
    if _NOT_ALNUM.sub("", text.lower()) in NO_KEY_SENTINELS:
        return True
    words = name_words(text)
    return len(words) >= 2 and words[0] in NO_KEY_WORDS and holds_secret(words[1:])


def is_type_expression(text: str, known_names_only: bool = True) -> bool:
    """``"str"``, ``"list[V1LocalObjectReference]"``, ``"dict(str, str)"``,
    ``"Optional[int]"``, ``"int | None"``: a type written as a string. A bare name counts
    only when it is a known type (``"Secret123"`` is a name too), unless
    ``known_names_only`` is off (a value beside other type expressions in one map)."""
    if len(text) > 200 or TYPE_CHARACTERS.match(text) is None:
        return False
    try:
        tree = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return _type_shape(tree, known_names_only)


def _type_shape(node: ast.expr, known_names_only: bool) -> bool:
    if isinstance(node, ast.Name):
        return node.id in TYPE_NAMES or (not known_names_only and _is_class_name(node.id))
    if isinstance(node, ast.Attribute):  # ``datetime.datetime``, ``models.V1Secret``
        return isinstance(node.value, (ast.Name, ast.Attribute)) \
            and _is_dotted(node.value) and (node.attr in TYPE_NAMES or (
                not known_names_only and _is_class_name(node.attr)))
    if isinstance(node, ast.Constant):
        return node.value is None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _type_shape(node.left, known_names_only) \
            and _type_shape(node.right, known_names_only)
    # A generic of a known head: its arguments may name any class.
    if isinstance(node, ast.Subscript):
        arguments = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    elif isinstance(node, ast.Call) and not node.keywords:  # swagger-codegen's dict(str, str)
        arguments = node.args
    else:
        return False
    head = node.value if isinstance(node, ast.Subscript) else node.func
    return _type_shape(head, known_names_only) and all(
        isinstance(argument, ast.expr) and _type_shape(argument, False)
        for argument in arguments)


def _is_class_name(name: str) -> bool:
    """``V1SecretVolumeSource``: CapWords (``ghp_abc123`` is no class name)."""
    return name[0].isupper() and "_" not in name and any(c.islower() for c in name)


def _is_dotted(node: ast.expr) -> bool:
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def is_type_map(entries: list[tuple[str, str]]) -> bool:
    """A map (key, value) whose values are all type expressions, one at least a known type
    or a class named after its key (``{"password": "str"}``, ``{"secret":
    "V1SecretProjection"}``): its bare class names are types too."""
    if len(entries) < 2 or not all(is_type_expression(value, known_names_only=False)
                                   for _, value in entries):
        return False
    return any(is_type_expression(value) or _names_a_class_of(key, value)
               for key, value in entries)


def is_name_map(entries: list[tuple[str, str]]) -> bool:
    """A map (key, value) from names to names (``{"project": "watsonx_project",
    "token": "watsonx_token"}``): every value is an identifier ending with its key's words
    (a parameter renamed for another API)."""
    return len(entries) >= 2 and all(
        IDENTIFIER.match(value) is not None and _ends_with_words(value, key)
        for key, value in entries)


def _ends_with_words(value: str, key: str) -> bool:
    key_words, value_words = name_words(key), name_words(value)
    return bool(key_words) and value_words[-len(key_words):] == key_words


def _names_a_class_of(key: str, value: str) -> bool:
    """``V1SecretProjection`` for ``secret``: a class name made of the key's words and more."""
    key_words, value_words = name_words(key), name_words(value)
    size = len(key_words)
    return bool(key_words) and len(value_words) > size and _is_class_name(value) and any(
        value_words[start:start + size] == key_words
        for start in range(len(value_words) - size + 1))


def masked(text: str) -> str:
    """What a report may print of a secret: its first 4 characters and its length
    (``'sk_l...' 22 chars``); only the length when it has 8 characters or fewer."""
    if len(text) <= 8:
        return f"{len(text)} chars"
    return f"{text[:4] + '...'!r} {len(text)} chars"


def described(text: str) -> str:
    """The secret found in a literal, masked: the password of a URL or connection string,
    a private key, or the literal itself."""
    found = URL_PASSWORD.match(text)
    if found is not None and not is_template(found.group("password")):
        return f"{masked(found.group('password'))} (the password of a URL)"
    found = CONNECTION_PASSWORD.search(text) if len(_ASSIGNMENT.findall(text)) >= 2 else None
    if found is not None and not is_template(found.group("password")):
        return f"{masked(found.group('password'))} (a connection string's password)"
    if PEM_PRIVATE_KEY.search(text) is not None:
        return f"(a PEM private key, {len(text)} chars)"
    return masked(text)


# Words of a parameter that names or describes a thing (``key_name``, ``key_alias``,
# ``display_name``): a value passed there too is a label, not a credential.
NAMING_PARAMETER_WORDS = frozenset({"name", "alias", "label", "title", "display", "description"})


def is_label_name(name: str) -> bool:
    return not NAMING_PARAMETER_WORDS.isdisjoint(name.lower().split("_"))
