"""The one place that decides whether numpy is used.

The engine has two paths that give the same mosaics: numpy (fast, CPython and Pyodide
builds that bundle it) and pure Python (Pyodide builds without numpy). Set the
environment variable ``LEGOREMIX_PURE=1`` or call :func:`force` to use the pure path.
"""
from __future__ import annotations

import contextlib
import os

try:  # pragma: no cover - depends on the environment
    import numpy as _numpy
except ImportError:  # pragma: no cover
    _numpy = None

_forced: str | None = None


def np():
    """Return the numpy module when the fast path is active, else ``None``."""
    if _forced == "pure" or (_forced is None and os.environ.get("LEGOREMIX_PURE") == "1"):
        return None
    return _numpy


def backend() -> str:
    """``"numpy"`` or ``"pure"``: the path the engine takes now."""
    return "numpy" if np() is not None else "pure"


@contextlib.contextmanager
def force(name: str):
    """Run a block on one path (``"numpy"`` or ``"pure"``); used by tests and benchmarks."""
    global _forced
    if name not in ("numpy", "pure"):
        raise ValueError(f"unknown backend {name!r}")
    if name == "numpy" and _numpy is None:
        raise RuntimeError("numpy is not installed")
    old, _forced = _forced, name
    try:
        yield
    finally:
        _forced = old
