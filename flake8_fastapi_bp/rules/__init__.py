"""Rule families: one module each; each declares its CODES and a ``check(ctx)``."""

from __future__ import annotations

from types import ModuleType

from . import (coroutines, event_loop, logs, lookups, offload, parameters, resources, responses,
               security, threadpool)

FAMILIES: tuple[ModuleType, ...] = (event_loop, coroutines, threadpool, offload, responses,
                                    lookups, parameters, resources, security, logs)
