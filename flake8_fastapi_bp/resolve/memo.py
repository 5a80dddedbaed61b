"""The resolver's memo engine: answers remembered so that they never depend on the order
questions are asked in (which file flake8 checks first, ``--jobs``).
"""

from __future__ import annotations

from typing import Any, Callable, TypeVar, cast

from ..profiling import Profile, timed
from .module import ModuleInfo

# How many nested computations one question may take before it gives "unknown".
MAX_RESOLUTION_DEPTH = 40
_UNTAINTED = 1 << 30
N = TypeVar("N")
R = TypeVar("R")


class Memo:
    """Computations under way and their cached answers (the base of ``Resolver``)."""

    def __init__(self, profile: Profile | None = None) -> None:
        self.profile = profile
        # Computations under way, outermost first, and where each key sits in that stack.
        self._stack: list[tuple[str, object]] = []
        self._position: dict[tuple[str, object], int] = {}
        self._heights: list[int] = []  # per computation under way: its tallest input
        # Stack positions from this one up computed with a cut (a cycle or the depth
        # limit): their results hold only for the current outermost question.
        self._taint = _UNTAINTED
        self._provisional: dict[tuple[int, tuple[str, object]], tuple[object, int]] = {}

    @timed("resolution", lambda memo: memo.profile, outermost=True)
    def _cached(self, kind: str, module: ModuleInfo | None, node: N,
                compute: Callable[[Any, N], R],
                cache: dict[Any, tuple[object, int]] | None = None) -> R | None:
        """``compute(module, node)``, remembered when the answer cannot depend on how the
        question was reached: on the module (keyed by the node), or in ``cache`` (keyed by
        ``node`` itself, a name: answers that outlive the module indexes).

        A cycle back to a computation under way, the depth limit or a RecursionError
        gives "unknown" (None) at that point. Whatever was computed on top of such a cut
        depends on the question that led there: it is kept only until the outermost
        question is answered (``_provisional``). Everything else is cached with its
        height (how many nested computations it took): reused only where that height
        still fits under the depth limit, so a cached answer is exactly what computing
        afresh would give. Answers thus never depend on the order questions are asked
        in (which file flake8 checks first, ``--jobs``)."""
        key: tuple[str, object]
        if cache is None:
            assert module is not None
            key = (kind, id(node))
            cache = cast("dict[Any, tuple[object, int]]", self._cache_of(module))
        else:
            key = (kind, node)
        position = len(self._stack)
        entry = cache.get(key)
        if entry is not None and position + entry[1] <= MAX_RESOLUTION_DEPTH + 1:
            self._note_height(entry[1])
            return cast(R, entry[0])
        provisional_key = (id(module), key)
        if provisional_key in self._provisional:
            self._taint = 0  # built on a cut made for another question
            result, height = self._provisional[provisional_key]
            self._note_height(height)
            return cast(R, result)
        if key in self._position:  # a cycle: unknown here, and so is all it touched
            self._taint = min(self._taint, self._position[key])
            return None
        if position > MAX_RESOLUTION_DEPTH:
            self._taint = 0
            return None
        self._stack.append(key)
        self._position[key] = position
        self._heights.append(0)
        result = None
        try:
            result = compute(module, node)
        except RecursionError:
            self._taint = 0
        finally:
            self._stack.pop()
            del self._position[key]
            height = self._heights.pop() + 1
            tainted = position >= self._taint
            if self._taint >= position:
                self._taint = _UNTAINTED
            if position == 0:
                self._provisional.clear()
        if not tainted:
            cache[key] = (result, height)
        elif position > 0:
            self._provisional[provisional_key] = (result, height)
        self._note_height(height)
        return result

    def _note_height(self, height: int) -> None:
        """The computation under way used an answer that took ``height`` levels."""
        if self._heights and self._heights[-1] < height:
            self._heights[-1] = height

    def _cache_of(self, module: ModuleInfo) -> dict[tuple[str, int], tuple[object, int]]:
        """This resolver's answers about ``module``'s nodes, kept on the module (keyed by
        the resolver: tests build several, with and without inference, on one project)."""
        answers = module.cache.answers.get(self)
        if answers is None:
            answers = module.cache.answers[self] = {}
        return answers
