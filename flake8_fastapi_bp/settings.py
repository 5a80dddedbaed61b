"""The ``--fbp-*`` options: registration with flake8 and parsing into one frozen Settings."""

from __future__ import annotations

import argparse
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .apis.types import canonical
from .messages import DEFAULT_OFF, RULES
from .resolve.disk_cache import CacheSettings, settings_from

BLOCKING_CODES = ("FBP101", "FBP102", "FBP103", "FBP104", "FBP105", "FBP106")
_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
# FBP602: where log calls are checked (request-path functions and their helpers, or all).
LOG_SCOPES = ("request-path", "all")


class OptionError(ValueError):
    """A bad option value: flake8 stops with this one-line message."""


@dataclass(frozen=True)
class Settings:
    call_depth: int = 3
    heavy_calls: frozenset[str] = frozenset()
    mail_senders: frozenset[str] = frozenset()
    blocking_calls: tuple[tuple[str, str], ...] = ()
    secret_names: re.Pattern[str] | None = None
    base_models: frozenset[str] = frozenset()
    log_scope: str = "request-path"
    # Codes this run's select/ignore settings never report: their rules need not run.
    not_reported: frozenset[str] = frozenset()
    # Where a project without a project file is imported from: the working directory
    # and the directories named on the command line.
    import_roots: tuple[Path, ...] = ()
    # Default-off codes the user turned on by naming them in full in select or
    # extend-select (all of them for settings built by hand, as in tests).
    enabled_default_off: frozenset[str] = frozenset(DEFAULT_OFF)
    # The persistent cache of the project text scans (off for settings built by hand).
    cache: CacheSettings = CacheSettings()

    def wants(self, *codes: str) -> bool:
        """Is any of ``codes`` reported in this run?"""
        return not self.not_reported.issuperset(codes)


def add_options(manager: Any) -> None:
    manager.add_option(
        "--fbp-call-depth", default="3", parse_from_config=True,
        help="FBP107: how many project functions deep to follow sync calls "
             "(0 turns FBP107 off; default 3).")
    manager.add_option(
        "--fbp-heavy-calls", default="", parse_from_config=True,
        help="FBP201/FBP202: extra CPU-heavy calls, dotted names: pkg.mod.func,...")
    manager.add_option(
        "--fbp-blocking-calls", default="", parse_from_config=True,
        help="FBP101-FBP106: extra blocking calls as pkg.mod.func=FBP10x,...")
    manager.add_option(
        "--fbp-mail-senders", default="", parse_from_config=True,
        help="FBP204: extra calls that send email, dotted names: pkg.mod.send,"
             "pkg.Mailer.send,...")
    manager.add_option(
        "--fbp-secret-names", default="", parse_from_config=True,
        help="FBP502: extra regular expression of secret-like names.")
    manager.add_option(
        "--fbp-base-model", default="", parse_from_config=True,
        help="FBP304: the project's own model base class(es), dotted names.")
    manager.add_option(
        "--fbp-log-scope", default="request-path", parse_from_config=True,
        help="FBP602: check log calls on the request path only (request-path, the "
             "default) or every log call outside tests and example code (all).")
    manager.add_option(
        "--fbp-cache-dir", default="", parse_from_config=True,
        help="Where to keep the plugin's cache (default: .fbp_cache at the project root; "
             "also FBP_CACHE_DIR).")
    manager.add_option(
        "--fbp-no-cache", action="store_true", default=False, parse_from_config=True,
        help="Do not read or write the plugin's cache (also FBP_NO_CACHE=1).")


def _as_list(value: Any) -> list[str]:
    """Entries separated by commas or line breaks (config files), read here rather than
    by flake8's list parsing, which also splits at spaces: ``not a name`` must be one
    malformed entry, not three names."""
    if value is None:
        return []
    if isinstance(value, str):
        value = re.split(r"[,\n]", value)
    return [item.strip() for item in value if item and item.strip()]


def _call_depth(value: Any) -> int:
    try:
        depth = int(str(value).strip())
    except ValueError:
        raise OptionError(f"--fbp-call-depth: expected a whole number, got {value!r}") from None
    if depth < 0:
        raise OptionError(f"--fbp-call-depth: expected 0 or more, got {depth}")
    return depth


def _dotted_names(option: str, value: Any) -> frozenset[str]:
    names = _as_list(value)
    for name in names:
        if not _DOTTED.match(name):
            raise OptionError(f"{option}: {name!r} is not a dotted name like pkg.mod.func")
    return frozenset(names)


def _blocking_calls(value: Any) -> tuple[tuple[str, str], ...]:
    pairs = []
    for entry in _as_list(value):
        name, sep, code = entry.partition("=")
        name, code = name.strip(), code.strip().upper()
        if not sep or not _DOTTED.match(name) or code not in BLOCKING_CODES:
            raise OptionError(
                f"--fbp-blocking-calls: {entry!r} must look like pkg.mod.func=FBP10x "
                f"with FBP10x one of {', '.join(BLOCKING_CODES)}")
        # Callees resolve to canonical names (sqlmodel.Session -> sqlalchemy.orm.Session).
        pairs.append((canonical(name), code))
    return tuple(pairs)


def _secret_names(value: Any) -> re.Pattern[str] | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return re.compile(text, re.IGNORECASE)
    except re.error as exc:
        raise OptionError(f"--fbp-secret-names: invalid regular expression {text!r}: {exc}") \
            from None


def _log_scope(value: Any) -> str:
    scope = str(value or "request-path").strip().lower()
    if scope not in LOG_SCOPES:
        raise OptionError(f"--fbp-log-scope: expected one of {', '.join(LOG_SCOPES)}, "
                          f"got {value!r}")
    return scope


def from_namespace(options: argparse.Namespace | Any) -> Settings:
    """Parse flake8's option namespace; raise OptionError on a bad value."""
    enabled = default_off_named(options)
    return Settings(
        call_depth=_call_depth(getattr(options, "fbp_call_depth", 3)),
        heavy_calls=frozenset(canonical(name) for name in _dotted_names(
            "--fbp-heavy-calls", getattr(options, "fbp_heavy_calls", ""))),
        mail_senders=frozenset(canonical(name) for name in _dotted_names(
            "--fbp-mail-senders", getattr(options, "fbp_mail_senders", ""))),
        blocking_calls=_blocking_calls(getattr(options, "fbp_blocking_calls", "")),
        secret_names=_secret_names(getattr(options, "fbp_secret_names", "")),
        base_models=_dotted_names("--fbp-base-model", getattr(options, "fbp_base_model", "")),
        log_scope=_log_scope(getattr(options, "fbp_log_scope", "request-path")),
        not_reported=codes_not_reported(options) | (frozenset(DEFAULT_OFF) - enabled),
        enabled_default_off=enabled,
        import_roots=import_roots(options),
        cache=cache_settings(options),
    )


def cache_settings(options: argparse.Namespace | Any) -> CacheSettings:
    """The persistent cache: on for flake8's options unless turned off; off for options
    built by hand (no ``--fbp-no-cache`` among them)."""
    if not hasattr(options, "fbp_no_cache"):
        return CacheSettings(enabled=False)
    return settings_from(bool(options.fbp_no_cache), getattr(options, "fbp_cache_dir", ""))


def import_roots(options: argparse.Namespace | Any) -> tuple[Path, ...]:
    """The working directory, each directory named on the command line and the one
    above it (``flake8 demo/app``: ``app`` is imported from ``demo``)."""
    named = [Path(name).absolute() for name in getattr(options, "filenames", None) or ()
             if isinstance(name, str) and name != "-" and os.path.isdir(name)]
    return tuple(dict.fromkeys([Path.cwd(), *named, *(path.parent for path in named)]))


def default_off_named(options: argparse.Namespace | Any) -> frozenset[str]:
    """The default-off codes named in full by ``select``/``extend-select``: the one
    setting that turns them on. A prefix (``--select=FBP``) or a user ``ignore`` list,
    which replaces flake8's default one, leaves them off. Options without flake8's
    selection attributes (built by hand) turn every code on."""
    if not hasattr(options, "select") and not hasattr(options, "extend_select"):
        return frozenset(DEFAULT_OFF)
    named = {code.strip().upper() for option in ("select", "extend_select")
             for code in (getattr(options, option, None) or ()) if isinstance(code, str)}
    return frozenset(DEFAULT_OFF) & named


def codes_not_reported(options: argparse.Namespace | Any) -> frozenset[str]:
    """The FBP codes flake8's ``select``/``ignore`` settings (default-off codes included)
    leave out of this run, as flake8's own decision engine sees them; per-file ignores
    and ``noqa`` are applied later by flake8. Empty when the engine cannot tell (options
    built by hand, another flake8): then every rule runs."""
    try:
        from flake8.style_guide import Decision, DecisionEngine

        engine = DecisionEngine(options)
        return frozenset(code for code in RULES if code != "FBP000"
                         and engine.decision_for(code) is Decision.Ignored)
    except Exception:  # noqa: BLE001 - an internal flake8 API: never fail a run over it
        return frozenset()
