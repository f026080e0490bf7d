"""Memory a long run freed goes back to the system (glibc keeps it otherwise)."""
from __future__ import annotations

import os
import sys
import threading

import pytest

from docgen import heap

MB = 2**20


def rss() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not sys.platform.startswith("linux") or heap._libc() is None, reason="glibc only")
def test_give_back_returns_what_a_thread_freed():
    def churn():  # in a thread of its own, as a job of the workspace or a converter's thread
        blocks = [bytes(2000) for _ in range(60_000)]  # 120 MB in malloc's blocks, not Python's pools
        pin = bytes(2000)  # a block after them: the heap cannot shrink from its end
        del blocks
        kept.append(pin)

    kept: list[bytes] = []
    thread = threading.Thread(target=churn)
    thread.start()
    thread.join()
    before = rss()
    heap.give_back()
    assert before - rss() > 60 * MB, (before / MB, rss() / MB)


def test_every_gives_back_at_most_once_in_its_time(monkeypatch):
    calls, now = [], [100.0]
    monkeypatch.setattr(heap, "give_back", lambda: calls.append(now[0]))
    monkeypatch.setattr(heap.time, "monotonic", lambda: now[0])
    every = heap.Every(5.0)
    for step in range(40):  # 20 s in steps of half a second
        now[0] = 100.0 + step * 0.5
        every()
    assert calls == [105.0, 110.0, 115.0]
