"""glibc's allocator and a long run: memory freed is given back to the system.

glibc keeps what a process frees for its next allocations, in one arena per thread that
allocated it: after a round of bundles (covers rendered, PDFs read) or a job of the
workspace, the process's RSS stays at its highest. ``give_back`` returns the free pages
(``malloc_trim``); ``few_arenas`` keeps a server's many threads to two arenas. Neither does
anything where the C library is not glibc."""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import time

M_ARENA_MAX = -8


@functools.cache
def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        libc.malloc_trim  # noqa: B018 - glibc only
        libc.mallopt  # noqa: B018
    except (OSError, AttributeError):
        return None
    return libc


def give_back() -> None:
    """The free memory of every arena returned to the system (a few milliseconds)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


def few_arenas(most: int = 2) -> None:
    """At most ``most`` arenas for threads started from now on: memory one thread freed is
    reused by the next instead of lingering in an idle thread's arena."""
    libc = _libc()
    if libc is not None:
        with contextlib.suppress(OSError):
            libc.mallopt(M_ARENA_MAX, most)


class Every:
    """``give_back`` at most once every ``seconds``, for a loop that goes on for minutes."""

    def __init__(self, seconds: float = 5.0):
        self.seconds, self._last = seconds, time.monotonic()

    def __call__(self) -> None:
        now = time.monotonic()
        if now - self._last >= self.seconds:
            self._last = now
            give_back()
