"""Progress as a user sees it: a bar with done/total, rate and time left on a terminal;
plain, greppable lines (every tenth of the way, and each failure) in a log or CI."""
from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

LABELS = {"render": "生成 Word 文件", "pdf": "转换 PDF", "convert": "转换报送材料", "assemble": "合并盖章",
          "report": "考核汇总", "import": "导入结对"}


class Progress:
    """One stage at a time; ``began`` ends the one before."""

    def __init__(self, verbose: bool = False, terminal: bool | None = None):
        self.verbose = verbose
        self.terminal = sys.stdout.isatty() if terminal is None else terminal
        self.bar: ProgressBar[int] | None = None
        self.stage, self.total, self.done, self.started, self.shown = "", 0, 0, 0.0, 0

    def began(self, stage: str, total: int) -> None:
        self.end()
        self.stage, self.total, self.done, self.started, self.shown = stage, total, 0, time.monotonic(), 0
        if self.terminal and total:
            self.bar = click.progressbar(length=total, label=LABELS.get(stage, stage), show_pos=True,
                                         show_eta=True, item_show_func=lambda _: self._rate(), file=sys.stdout)
            self.bar.__enter__()

    def _rate(self) -> str:
        elapsed = time.monotonic() - self.started
        return f"{self.done / elapsed:.1f} 个/秒" if elapsed > 0 and self.done else ""

    def advanced(self, item: str, ok: bool) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(1)
        if self.verbose or not ok:
            click.echo(f"{'完成' if ok else '失败'}：{item}", err=not ok)
        elif not self.terminal and (self.done * 10 // self.total > self.shown or self.done == self.total):
            self.shown = self.done * 10 // self.total
            click.echo(self.line())
        if self.done >= self.total:
            self.end()

    def line(self) -> str:
        """``生成 Word 文件：530/1058（50%），12.3 个/秒，剩余约 43 秒``"""
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = f"，剩余约 {(self.total - self.done) / rate:.0f} 秒" if rate and self.done < self.total else ""
        return (f"{LABELS.get(self.stage, self.stage)}：{self.done}/{self.total}（{100 * self.done // self.total}%），"
                f"{rate:.1f} 个/秒，用时 {elapsed:.0f} 秒{left}")

    def end(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
