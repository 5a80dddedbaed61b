"""``FBP_PROFILE=1``: where the plugin's time goes, split by phase.

Each second is counted once, in the innermost phase running: a rule family's time
excludes the resolution it asks for, resolution excludes the project modules it loads
and the inference it asks for. Phases: ``index`` (the checked file's index),
``project-modules`` (reading, parsing and indexing other modules of the project),
``import-scan`` (the project text scan for cross-module references), ``resolution``,
``inference`` (astroid), and one per rule family (``rules.event_loop`` ...).

Without ``FBP_PROFILE=1`` (read once, at import) ``timed`` returns the function itself:
no cost at all.
"""

from __future__ import annotations

import functools
import os
import time
from typing import Callable, TypeVar

ENABLED = os.environ.get("FBP_PROFILE") == "1"
TIMES: dict[str, float] = {}
_running: list[list] = []  # [phase, started] of the phases under way, innermost last
F = TypeVar("F", bound=Callable[..., object])


def enter(phase: str) -> None:
    now = time.process_time()
    if _running:
        outer = _running[-1]
        TIMES[outer[0]] = TIMES.get(outer[0], 0.0) + now - outer[1]
    _running.append([phase, now])


def leave() -> None:
    now = time.process_time()
    phase, started = _running.pop()
    TIMES[phase] = TIMES.get(phase, 0.0) + now - started
    if _running:
        _running[-1][1] = now


def timed(phase: str, outermost: bool = False) -> Callable[[F], F]:
    """Count the decorated function's own time as ``phase``; ``outermost``: only when it
    is not already running (a recursive question is one question)."""
    def decorate(function: F) -> F:
        if not ENABLED:
            return function

        @functools.wraps(function)
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            if outermost and _running and _running[-1][0] == phase:
                return function(*args, **kwargs)
            enter(phase)
            try:
                return function(*args, **kwargs)
            finally:
                leave()
        return wrapper  # type: ignore[return-value]
    return decorate
