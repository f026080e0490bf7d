"""A sandbox that also bounds what a template can cost: a hostile or mistaken template
(``{{ range(10**10)|list }}``, ``{{ 'x' * 10**9 }}``, loops within loops) fails as that
document's error instead of exhausting memory or running for ever.

Jinja's sandbox already refuses unsafe attributes; this adds limits on the size of ranges,
repeated strings and lists, powers, numeric filter arguments and format widths, refuses
``include``/``import``/``extends`` (a template cannot read other files), and a render time limit.
"""
from __future__ import annotations

import contextlib
import functools
import re
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

MAX_ITEMS = 10_000
"""The longest range, and the largest numeric argument of a filter."""
MAX_TEXT = 1_000_000
"""The longest string or list a ``*`` may make."""
MAX_POWER_BITS = 4_096
"""The largest result of ``**``, in bits."""
RENDER_SECONDS = 30.0
"""The longest one document may take to render (the slowest real one takes well under 1 s)."""

_FORMAT_WIDTH = re.compile(r"\d{5,}")


class LimitExceeded(SecurityError):
    """A template asked for more than a document can need."""


def _limit_range(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_ITEMS:
        raise LimitExceeded(f"range 的长度 {len(result)} 超过上限 {MAX_ITEMS}")
    return result


def _bounded(name: str, function, skip: int = 1):
    """A filter (or, with ``skip=0``, a function) whose numeric arguments (widths, counts) are
    refused above ``MAX_ITEMS``; the value filtered, and a context Jinja passes, are not checked."""
    skip += 1 if getattr(function, "jinja_pass_arg", None) else 0

    @functools.wraps(function)
    def call(*args, **kwargs):
        for value in (*args[skip:], *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ITEMS:
                raise LimitExceeded(f"过滤器 {name} 的参数 {value} 超过上限 {MAX_ITEMS}")
        return function(*args, **kwargs)

    return call


def _sized(value: Any) -> bool:
    return isinstance(value, (str, bytes, list, tuple))


class LimitedEnvironment(SandboxedEnvironment):
    """A sandboxed Jinja environment with bounded costs and no access to other templates."""

    intercepted_binops = frozenset(["*", "**", "%"])

    def __init__(self, **options):
        super().__init__(**options)
        self.globals["range"] = _limit_range
        self.globals["lipsum"] = _bounded("lipsum", self.globals["lipsum"], skip=0)
        self.filters = {name: _bounded(name, f) for name, f in self.filters.items()}

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for sized, count in ((left, right), (right, left)):
                if _sized(sized) and isinstance(count, int) and len(sized) * max(count, 0) > MAX_TEXT:
                    raise LimitExceeded(f"“*” 将生成 {len(sized) * count} 个字符或项，超过上限 {MAX_TEXT}")
        if operator == "%" and isinstance(left, str) and _FORMAT_WIDTH.search(left):
            raise LimitExceeded("格式字符串中的宽度或精度过大")
        if (operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0
                and abs(left) > 1 and abs(left).bit_length() * right > MAX_POWER_BITS):
            raise LimitExceeded(f"乘方 {left}**{right} 过大")
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``'…'.format``/``format_map`` as the sandbox hands it to a template, refusing a huge width
        or precision when called (as ``%`` does above)."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None or not _FORMAT_WIDTH.search(value.__self__):
            return wrapped

        def refused(*args: Any, **kwargs: Any) -> str:
            raise LimitExceeded("格式字符串中的宽度或精度过大")

        return refused

    def _load_template(self, name, globals):  # include, import, extends
        raise LimitExceeded(f"模板中不能使用 include、import 或 extends（“{name}”）：模板不能引用其他文件")


class RenderTimeout(SecurityError):
    """Rendering one document took longer than ``RENDER_SECONDS``."""


@contextlib.contextmanager
def time_limit(seconds: float | None = None):
    """Interrupt the Python code of a render that runs longer than ``seconds`` (default
    ``RENDER_SECONDS``; only in the main thread, where signals arrive; a timer already set
    is restored afterwards)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return
    seconds = seconds or RENDER_SECONDS
    started = time.monotonic()

    def expire(signum, frame):
        raise RenderTimeout(f"渲染超过 {seconds:g} 秒仍未完成（模板中可能有过大的循环），已停止")

    previous = signal.signal(signal.SIGALRM, expire)
    before, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if before:
            signal.setitimer(signal.ITIMER_REAL, max(before - (time.monotonic() - started), 0.001))
