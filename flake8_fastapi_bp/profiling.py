"""``FBP_PROFILE=1``: where the plugin's time goes, split by phase.

Each second is counted once, in the innermost phase running: a rule family's time
excludes the resolution it asks for, resolution excludes the project modules it loads
and the inference it asks for. Phases: ``index`` (the checked file's index),
``project-modules`` (reading, parsing and indexing other modules of the project),
``import-scan`` (the project text scan for cross-module references), ``resolution``,
``inference`` (astroid), and one per rule family (``rules.event_loop`` ...).

Each run has its own ``Profile`` (``Run.profile``), printed to stderr at exit. Without
``FBP_PROFILE=1`` (read once, at import) a run has none and ``timed`` returns the
function itself: no cost at all.
"""

from __future__ import annotations

import atexit
import functools
import os
import sys
import time
from typing import Any, Callable, TypeVar

ENABLED = os.environ.get("FBP_PROFILE") == "1"
F = TypeVar("F", bound=Callable[..., object])


class Profile:
    """Seconds per phase of one run, and the phases under way (innermost last)."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self._running: list[list[Any]] = []  # [phase, started]

    @classmethod
    def for_run(cls) -> Profile | None:
        """A profile printed at exit when ``FBP_PROFILE=1``, else None."""
        if not ENABLED:
            return None
        profile = cls()
        atexit.register(profile.print)
        return profile

    def enter(self, phase: str) -> None:
        now = time.process_time()
        if self._running:
            outer = self._running[-1]
            self.times[outer[0]] = self.times.get(outer[0], 0.0) + now - outer[1]
        self._running.append([phase, now])

    def leave(self) -> None:
        now = time.process_time()
        phase, started = self._running.pop()
        self.times[phase] = self.times.get(phase, 0.0) + now - started
        if self._running:
            self._running[-1][1] = now

    def running(self, phase: str) -> bool:
        """Is ``phase`` the innermost phase under way?"""
        return bool(self._running) and self._running[-1][0] == phase

    def print(self) -> None:
        for phase, seconds in sorted(self.times.items(), key=lambda item: -item[1]):
            print(f"FBP_PROFILE {phase} {seconds:.3f}s", file=sys.stderr)


def timed(phase: str, profile_of: Callable[[Any], Profile | None],
          outermost: bool = False) -> Callable[[F], F]:
    """Count the decorated function's own time as ``phase`` in the profile that
    ``profile_of(first argument)`` gives; ``outermost``: only when it is not already
    running (a recursive question is one question)."""
    def decorate(function: F) -> F:
        if not ENABLED:
            return function

        @functools.wraps(function)
        def wrapper(first, *args, **kwargs):  # type: ignore[no-untyped-def]
            profile = profile_of(first)
            if profile is None or (outermost and profile.running(phase)):
                return function(first, *args, **kwargs)
            profile.enter(phase)
            try:
                return function(first, *args, **kwargs)
            finally:
                profile.leave()
        return wrapper  # type: ignore[return-value]
    return decorate
