"""Handlers imported when their command runs, so one command does not pay for the others' imports."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy(target: str) -> Callable[..., Any]:
    """``"package.module:function"`` -> a callable that imports the module on first call and forwards
    to the function (its coroutine, for async handlers)."""
    module, _, name = target.partition(":")

    def handler(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    handler.__qualname__ = handler.__name__ = name
    return handler
