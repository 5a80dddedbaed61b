"""Rule families: one module each; each declares its CODES and a ``check(ctx)``."""

from __future__ import annotations

from types import ModuleType

from . import event_loop, resources

FAMILIES: tuple[ModuleType, ...] = (event_loop, resources)
