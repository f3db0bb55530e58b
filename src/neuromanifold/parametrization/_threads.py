"""How many threads FLINT may use (``NEUROMANIFOLD_THREADS``, else the CPUs this process may run on)."""

from __future__ import annotations

import os


def flint_threads() -> int:
    env = os.environ.get("NEUROMANIFOLD_THREADS")
    if env:
        return max(1, int(env))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)
