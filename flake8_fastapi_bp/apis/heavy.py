"""Data only: CPU-heavy calls (FBP201-FBP203), the sleeps that turn a loop into a
retry/poll loop and the retry decorators (FBP203).

Keys are canonical qualified names (see ``apis.types.canonical``); a method of an
instance of ``T`` is ``T.method``, calling an instance is ``T.__call__``.
"""

from __future__ import annotations

from ..declared import is_declared


def _methods(owner: str, names: str) -> frozenset[str]:
    return frozenset(f"{owner}.{name}" for name in names.split())


_PIL_IMAGE = "resize thumbnail save convert filter rotate transform"
_CV2 = (
    "imread imwrite imdecode imencode resize cvtColor warpAffine warpPerspective remap "
    "GaussianBlur medianBlur bilateralFilter blur boxFilter filter2D Canny Sobel Laplacian "
    "threshold adaptiveThreshold findContours dilate erode morphologyEx matchTemplate "
    "equalizeHist pyrDown pyrUp rotate fastNlMeansDenoising fastNlMeansDenoisingColored "
    "inpaint HoughLines HoughLinesP HoughCircles calcHist")

# Each call costs tens to hundreds of milliseconds of pure CPU (or more, for models).
HEAVY_CALLS: frozenset[str] = frozenset({
    # Password hashing: slow on purpose.
    *_methods("passlib.context.CryptContext", "hash verify verify_and_update encrypt"),
    *_methods("pwdlib.PasswordHash", "hash verify verify_and_update"),
    *_methods("bcrypt", "hashpw checkpw kdf"),
    *_methods("argon2.PasswordHasher", "hash verify"),
    *_methods("argon2", "hash_password hash_password_raw verify_password"),
    *_methods("argon2.low_level", "hash_secret hash_secret_raw verify_secret"),
    *_methods("hashlib", "pbkdf2_hmac scrypt"),
    *_methods("werkzeug.security", "generate_password_hash check_password_hash"),
    # Images.
    *_methods("PIL.Image.Image", _PIL_IMAGE),
    *_methods("cv2", _CV2),
    "cv2.CascadeClassifier.detectMultiScale",
    # Models.
    "transformers.Pipeline.__call__",
    *_methods("transformers.PreTrainedModel", "__call__ forward generate"),
    *_methods("torch.jit.ScriptModule", "__call__ forward"),
    "sentence_transformers.SentenceTransformer.encode",
    # Data files parsed in memory.
    *_methods("pandas", "read_csv read_excel"),
})

# Heavy calls whose cost is a work factor argument: with a literal one below the bound,
# the call takes a few milliseconds at most. Name -> (keyword, position, bound).
CHEAP_BELOW: dict[str, tuple[str, int, int]] = {
    "hashlib.pbkdf2_hmac": ("iterations", 3, 50_000),
}

# Methods that are heavy on any class of a package (estimators, layers are many): the
# owner must be a class (CapWords) somewhere under the package.
_ESTIMATOR = ("fit fit_transform fit_predict partial_fit predict predict_proba "
              "predict_log_proba decision_function")
HEAVY_METHODS_UNDER: dict[str, frozenset[str]] = {
    "sklearn": frozenset(_ESTIMATOR.split()),
    "torch.nn": frozenset({"__call__", "forward"}),
}

# Password-hash handlers of ``passlib.hash`` are module-level objects, not classes.
PASSLIB_HANDLERS = "passlib.hash"
PASSLIB_HANDLER_METHODS = frozenset({"hash", "verify", "encrypt", "genhash"})


def _last(qualname: str) -> str:
    return qualname.rpartition(".")[2]


# The names a heavy call is written with (``hashpw`` for ``bcrypt.hashpw``, ``save`` for
# ``img.save``), whatever the receiver: a call written otherwise can only be heavy as a
# called instance (``model(x)``), of a class from one of ``CALLED_INSTANCE_ROOTS``.
HEAVY_CALL_NAMES: frozenset[str] = frozenset(
    {_last(name) for name in HEAVY_CALLS} | PASSLIB_HANDLER_METHODS
    | {method for methods in HEAVY_METHODS_UNDER.values() for method in methods}
) - {"__call__"}
CALLED_INSTANCE_ROOTS: frozenset[str] = frozenset(
    {name.partition(".")[0] for name in HEAVY_CALLS if name.endswith(".__call__")}
    | {package.partition(".")[0] for package, methods in HEAVY_METHODS_UNDER.items()
       if "__call__" in methods})


def is_heavy(qualname: str | None, extra: frozenset[str] = frozenset()) -> bool:
    """Is the canonical callee name a CPU-heavy call (``extra``: --fbp-heavy-calls)?"""
    if not qualname:
        return False
    if qualname in HEAVY_CALLS or (extra and is_declared(qualname, extra)):
        return True
    owner, _, method = qualname.rpartition(".")
    if owner.startswith(PASSLIB_HANDLERS + ".") and method in PASSLIB_HANDLER_METHODS:
        return True
    for package, methods in HEAVY_METHODS_UNDER.items():
        if method in methods and owner.startswith(package + ".") and _is_class(owner):
            return True
    return False


def _is_class(qualname: str) -> bool:
    last = qualname.rpartition(".")[2]
    return bool(last) and last[0].isupper()


# Sleeping inside a loop makes it a retry or poll loop (FBP203).
SLEEPS: frozenset[str] = frozenset({
    "time.sleep", "asyncio.sleep", "anyio.sleep", "trio.sleep", "gevent.sleep",
})

# Decorators that call the function again and again until it succeeds (FBP203).
RETRY_DECORATORS: frozenset[str] = frozenset({
    "tenacity.retry", "backoff.on_exception", "backoff.on_predicate",
})
