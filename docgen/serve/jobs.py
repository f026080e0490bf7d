"""Jobs (generate a pairing's bundle, all bundles, the roll-up) run one at a time on a worker
thread of the server, with one pool of warm LibreOffice converters kept alive across jobs.

A job is a row of the state file: waiting, running (stage, done/total), then done, failed
or cancelled, with what it made. Jobs run one after another: two programmes' jobs would
fight over the same two cores and the same converters. An output folder a command-line run
is writing is waited for (the pipeline holds each programme folder's lock), never written at
the same time; a cancelled job stops waiting.
"""
from __future__ import annotations

import contextlib
import gc
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .. import pipeline
from ..convert import Pool
from ..errors import DocgenError, display_path
from ..heap import Every, give_back
from ..options import Options
from .forms import problem_words
from .state import CANCELLED, DONE, FAILED, RUNNING, State
from .workspace import Workspace

BUNDLE, BUNDLE_ALL, REPORT = "bundle", "bundle_all", "report"
STAGE_NAMES = {"render": "生成 Word 文件", "pdf": "转换 PDF", "convert": "转换 PDF", "assemble": "合并盖章",
               "report": "考核汇总", "wait": "等待命令行中的生成结束（同一输出目录）"}


IDLE = 2.0
"""Seconds without a job before the memory jobs freed goes back to the system: a full
collection holds every thread of the server (0.1 s idle at 1,000 pairings, over a second on
a busy machine), so it waits until no clerk is waiting for a job's end."""


class Cancelled(BaseException):
    """The clerk cancelled the job (raised in the worker thread at the next item)."""


@dataclass
class Live:
    """A running job's progress, kept in memory for the page that watches it."""

    stage: str = ""
    done: int = 0
    total: int = 0
    item: str = ""


class _Listener(pipeline.Listener):
    """Tells the state file (at most a few times a second) and the in-memory progress what the
    pipeline does; raises ``Cancelled`` in the worker thread once the clerk cancels."""

    def __init__(self, runner: Runner, job_id: int):
        self.runner, self.job_id = runner, job_id
        self.live = runner.live.setdefault(job_id, Live())
        self.saved = 0.0
        self.give_back = Every(5.0)  # a long job (生成全部 of a thousand pairings) stays flat too

    def _check(self) -> None:
        if threading.current_thread() is self.runner.thread and self.runner.cancelling(self.job_id):
            raise Cancelled()

    def began(self, stage: str, total: int) -> None:
        self.live.stage, self.live.done, self.live.total = stage, 0, total
        self.runner.state.update_job(self.job_id, stage=stage, done=0, total=total)
        self._check()

    def between(self, stage: str) -> None:  # the converters' progress is told from their threads
        self._check()

    def waiting(self, folder: Path) -> None:  # a command-line run writes into the same folder
        if self.live.stage != "wait":
            self.began("wait", 0)
        self._check()

    def advanced(self, stage: str, item: str, ok: bool) -> None:
        self.live.done += 1
        self.live.item = Path(item).name
        now = time.monotonic()
        if now - self.saved > 0.3 or self.live.done >= self.live.total:
            self.saved = now
            self.runner.state.update_job(self.job_id, done=self.live.done, total=self.live.total)
        self.give_back()
        self._check()


class Runner:
    """The worker thread, its queue and the warm converters."""

    def __init__(self, workspace: Workspace, state: State, *, converters: int | None = None, timeout: float = 120,
                 pool: Pool | None = None, idle: float = IDLE):
        self.workspace, self.state = workspace, state
        self.idle = idle
        """Seconds without a job after which the memory the jobs freed is given back."""
        self.converters, self.timeout = converters, timeout
        self.pool: Pool | None = pool
        self.own_pool = pool is None
        """Whether the converters are this runner's to close (a test lends its own)."""
        self.queue: queue.Queue[int | None] = queue.Queue()
        self.live: dict[int, Live] = {}
        self._cancel: set[int] = set()
        self.thread = threading.Thread(target=self._work, name="docgen-jobs", daemon=True)
        self.started = False

    # ------------------------------------------------------------- control

    def start(self, warm: bool = False) -> None:
        if not self.started:
            self.started = True
            self.thread.start()
            if warm:
                self.queue.put(0)  # 0: start the converters now, before the first job

    def stop(self) -> None:
        if self.started:
            self.queue.put(None)
            self.thread.join(timeout=60)
        if self.pool is not None and self.own_pool:
            self.pool.close()
            self.pool = None

    def submit(self, programme: str, kind: str, pairing: str | None, label: str) -> int:
        """Queue a job; the one already waiting or running for the same thing is returned instead."""
        for job in self.state.jobs(programme, limit=50):
            if job.active and job.kind == kind and job.pairing == pairing:
                return job.id
        job_id = self.state.add_job(programme, kind, pairing, label)
        self.queue.put(job_id)
        return job_id

    def cancel(self, job_id: int) -> None:
        self._cancel.add(job_id)
        self.state.request_cancel(job_id)

    def cancelling(self, job_id: int) -> bool:
        return job_id in self._cancel

    def warm_pool(self) -> Pool:
        """The converters, started once and kept for every later job."""
        if self.pool is None:
            self.pool = Pool(jobs=self.converters, timeout=self.timeout)
        for converter in self.pool.converters:
            if converter.proc is None or converter.proc.poll() is not None:
                converter.start(self.timeout)
        return self.pool

    # ------------------------------------------------------------- the worker

    def _work(self) -> None:
        freed = False  # a job ended since memory was last given back
        while True:
            try:
                job_id = self.queue.get(timeout=self.idle if freed else None)
            except queue.Empty:  # idle: now it stalls no one waiting for a job's end
                give_back_memory()
                freed = False
                continue
            if job_id is None:
                return
            if job_id == 0:
                with contextlib.suppress(Exception):  # no LibreOffice: said by the first job that needs it
                    self.warm_pool()
                continue
            self._run(job_id)
            freed = True

    def _run(self, job_id: int) -> None:
        job = self.state.job(job_id)
        if job is None or not job.active:
            return
        if job.cancel or job_id in self._cancel:
            self.state.update_job(job_id, status=CANCELLED, message="已取消", finished=time.time())
            return
        self.state.update_job(job_id, status=RUNNING, started=time.time(), message="")
        listener = _Listener(self, job_id)
        try:
            root = self.workspace.root(job.programme)
            result = self._do(job.kind, root, job.pairing, listener)
            status = FAILED if result.get("failed") else DONE
            self.state.update_job(job_id, status=status, result=result, message=result.get("message", ""),
                                  finished=time.time(), stage="")
        except Cancelled:
            self.state.update_job(job_id, status=CANCELLED, message="已取消：已写完的文件保留，未完成的没有写入",
                                  finished=time.time())
        except DocgenError as error:
            self.state.update_job(job_id, status=FAILED, message="\n".join(_lines(error)), finished=time.time())
        except Exception as error:  # noqa: BLE001 - a fault of docgen: the job fails saying so, the server goes on
            self.state.update_job(job_id, status=FAILED, finished=time.time(),
                                  message=f"docgen 内部错误（{type(error).__name__}: {error}），请报告给维护者")
        finally:
            self.live.pop(job_id, None)
            self._cancel.discard(job_id)

    def _do(self, kind: str, root: Path, pairing: str | None, listener: _Listener) -> dict:
        out = self.workspace.out
        options = Options(pairings=(pairing,) if pairing else (), jobs=self.converters, timeout=self.timeout)
        if kind == REPORT:
            outcome = pipeline.report(root, out, Options(), listener=listener)
            return _summary(outcome, f"考核汇总：{len(outcome.reports)} 个年度")
        loaded = [self.workspace.loaded(root.name)]  # kept loaded by the workspace: no second reading
        outcome = pipeline.bundle(root, out, options, listener=listener, pool=self.warm_pool(), loaded=loaded)
        return _summary(outcome, f"报送材料：新生成 {len(outcome.bundles)} 个，未变跳过 {outcome.unchanged_outputs} 个")


def _summary(outcome: pipeline.Outcome, headline: str) -> dict:
    """What a finished job shows: a headline, failures, data problems and the bundles made."""
    problems = [problem_words(p) for p in outcome.problems]
    failures = [f"{f.file}：{f.reason}" for f in outcome.failures]
    preflight = [f"{f.file}：{f.document} 第{f.page}页【{f.rule}】{f.detail}" for f in outcome.preflight_findings()
                 if not f.warning]
    bundles = [{"zip": display_path(b.zip), "pages": b.pages, "seals": b.sealed, "missing": len(b.missing),
                "unfinished": len(b.drafts)} for b in outcome.bundles]
    lines = [headline]
    if problems:
        lines.append(f"数据有误 {len(problems)} 处，相关结对未生成")
    if failures:
        lines.append(f"失败 {len(failures)} 个")
    return {"message": "；".join(lines), "problems": problems[:200], "failures": failures, "preflight": preflight[:200],
            "bundles": bundles, "failed": bool(failures)}


def _lines(error: DocgenError) -> list[str]:
    """An error's lines as the job's page shows them: a data problem's field in words."""
    said = {str(p): problem_words(p) for p in getattr(error, "problems", [])}
    return [said.get(line, line) for line in error.lines()]


def give_back_memory() -> None:
    """What jobs freed returned to the system (glibc keeps freed memory otherwise): the
    server's RSS stays flat from one job to the next. Called when the jobs are idle."""
    gc.collect()
    give_back()
