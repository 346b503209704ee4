"""CPU-heavy work of the room server (Argon2id of a login whose password was stored that way by
an earlier version; students' passwords are keyed hashes since issue 20) on a few threads of lower
priority, so that it cannot starve the kiosks' heartbeats and saves on the event loop.

At the moment a room opens every student logs in at once, and each login costs tens of
milliseconds of Argon2id. On the server's thread pool forty of them ran side by side with the
event loop, which then got a fortieth of the CPU: saves waited seconds (docs/BENCHMARKS.md). Here
at most one derivation per core runs at a time, on threads that lowered their own priority a
little (nice 2 on Linux and macOS; elsewhere the bound alone applies). A login waits for its turn; the total
is the same, the kiosks already in the test do not notice.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, TypeVar

T = TypeVar("T")
NICE = 2

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def cores() -> int:
    """The cores this process may run on (its affinity, where the OS says)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _lower_priority() -> None:
    try:  # on Linux a thread's id names only that thread
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)
    except (AttributeError, OSError):
        pass


def run(fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` on the slow lane; the caller's thread waits for it."""
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(cores(), thread_name_prefix="room-slow-lane",
                                       initializer=_lower_priority)
    return _pool.submit(fn, *args).result()
