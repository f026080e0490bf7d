"""A pool of warm LibreOffice processes converting .docx to PDF.

Each converter is a ``uno_worker.py`` process in Debian's own Python (where LibreOffice's
UNO bindings import) with its own ``soffice`` and its own profile; two soffice processes
sharing a profile would silently run one after the other. A conversion that takes longer
than the timeout, or whose converter dies, is killed (the whole process group: SIGTERM,
then SIGKILL) and retried once on a fresh converter. Every result is checked: a PDF
counts only if it exists and starts with ``%PDF``.
"""
from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import weakref
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConverterMissing, display_path
from ..outputs import docx_created, write_atomic
from .archive import finish
from .fonts import converter_env
from .marked import marked_copy

WORKER = Path(__file__).resolve().parent / "uno_worker.py"
MAX_TASKS = 100
"""Conversions before a converter is replaced by a fresh one (as JODConverter's
maxTasksPerProcess): LibreOffice's memory grows with every document it opens. After a long
document (one given more than the usual timeout, ``allowed``) it is replaced at once."""

def find_soffice() -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for path in ("/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice"):
        if os.path.exists(path):
            return path
    raise ConverterMissing("LibreOffice（soffice）")


def find_uno_python() -> str:
    candidates = [os.environ.get("DOCGEN_UNO_PYTHON", ""), "/usr/bin/python3", "/usr/lib/libreoffice/program/python"]
    for python in filter(None, candidates):
        if os.path.exists(python):
            check = subprocess.run([python, "-c", "import uno"], capture_output=True)
            if check.returncode == 0:
                return python
    raise ConverterMissing("LibreOffice 的 Python 接口（python3-uno）")


@dataclass
class Result:
    src: Path
    dst: Path
    ok: bool
    error: str = ""
    attempts: int = 0


class _Hung(Exception):
    pass


class _NotStarted(_Hung):
    """The converter did not say it was ready within the timeout."""


TIMEOUT = 120.0
"""Seconds one conversion may take by default."""

TIMEOUT_BODY = 500_000
"""The size of the body (``word/document.xml``) the timeout is meant for: 0.5 MB of XML (every
document of the examples is under 0.1 MB). A larger document gets proportionally more time:
the bureau's documents list every pairing, and LibreOffice's time grows faster than their
length. A notice of 5 000 pairings (about 18 MB) failed the bureau's bundle after 120 s, twice,
and was still converting after 38 minutes on a busy 2-core machine; it is now given 36 times
the timeout (issue 22)."""


def allowed(src: Path, timeout: float) -> float:
    """The seconds ``src`` may take to convert: ``timeout``, longer for a long document."""
    try:
        with zipfile.ZipFile(src) as docx:
            size = docx.getinfo("word/document.xml").file_size
    except (OSError, KeyError, zipfile.BadZipFile):
        return timeout  # LibreOffice will say what is wrong with it
    return timeout * max(1.0, size / TIMEOUT_BODY)


class Converter:
    """One worker process with its soffice; started lazily, replaced when it fails."""

    def __init__(self, index: int, workdir: Path, soffice: str, python: str, env: dict[str, str]):
        self.index = index
        self.workdir = workdir
        self.soffice, self.python, self.env = soffice, python, env
        self.proc: subprocess.Popen | None = None
        self.soffice_pid: int | None = None
        self.generation = 0
        self.tasks = 0
        self.pdfa = True
        """Export PDF/A-2b (the pool's setting)."""
        self._killing = threading.Lock()

    @property
    def outbox(self) -> Path:
        """This converter's private folder for the PDF it is writing: LibreOffice's lock and
        temporary files (``.~lock.*#``, ``lu*.tmp``) stay there, even when it is killed."""
        folder = self.workdir / f"out-{self.index}"
        folder.mkdir(exist_ok=True)
        return folder

    def start(self, timeout: float = TIMEOUT) -> None:
        """Start the worker and its soffice; ``_NotStarted`` if it is not ready in ``timeout`` seconds."""
        self.generation += 1
        profile = self.workdir / f"profile-{self.index}-{self.generation}"
        pipe = f"docgen_{os.getpid()}_{self.index}_{self.generation}_{id(self)}"
        self.proc = subprocess.Popen([self.python, str(WORKER), self.soffice, str(profile), pipe, f"{timeout:g}"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     env=self.env, start_new_session=True, text=True, bufsize=1)
        try:
            hello = self._read(timeout)
        except _Hung:
            raise _NotStarted() from None
        if not hello.get("ready"):
            self.kill()
            raise RuntimeError(hello.get("error", "converter did not start"))
        self.soffice_pid = hello.get("soffice_pid")

    def _read(self, timeout: float) -> dict:
        assert self.proc and self.proc.stdout
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            if not sel.select(timeout):
                raise _Hung()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("converter exited")
        return json.loads(line)

    def convert(self, src: Path, dst: Path, timeout: float) -> dict:
        if self.proc is not None and self.tasks >= MAX_TASKS:
            self.close()  # recycled: memory stays flat however long the batch
        if self.proc is None or self.proc.poll() is not None:
            self.kill()  # a worker that ended on its own leaves nothing of its group behind
            self.start(timeout)
            self.tasks = 0
        self.tasks += 1
        assert self.proc and self.proc.stdin
        self.proc.stdin.write(json.dumps({"src": str(src), "dst": str(dst), "pdfa": self.pdfa}) + "\n")
        self.proc.stdin.flush()
        return self._read(timeout)

    def kill(self) -> None:
        """End the worker and every LibreOffice process it started (SIGTERM, then SIGKILL).
        Safe to call from two threads at once (an interrupt while a conversion fails)."""
        with self._killing:
            proc, self.proc, self.soffice_pid = self.proc, None, None
        if proc is None:
            return
        # The worker leads a process group of its own (``start``: a new session), whose
        # number is its pid, and its soffice is in it. The group is ended even when the worker
        # has already exited (and been collected): a soffice that outlived it (it did not end
        # within the worker's wait after being asked to) is still in the group, and its number
        # is not given to another process while the group has a member.
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            if sig == signal.SIGTERM:
                time.sleep(0.3)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        for stream in (proc.stdin, proc.stdout):
            with contextlib.suppress(Exception):
                if stream is not None:
                    stream.close()

    def close(self) -> None:
        proc = self.proc
        if proc is None:
            return
        try:
            assert proc.stdin is not None  # started with stdin=PIPE
            proc.stdin.close()
            proc.wait(timeout=15)
        except Exception:
            pass
        self.kill()


def _end_all(converters: list[Converter]) -> None:
    for converter in converters:
        converter.kill()


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


class Pool:
    """A pool of converters; ``convert_all`` never hangs and accounts for every file."""

    def __init__(self, jobs: int | None = None, timeout: float = TIMEOUT, retries: int = 1, pdfa: bool = True):
        self.jobs = jobs or default_jobs()
        self.pdfa = pdfa
        """PDF/A-2b output (``archive``); off only to measure what it costs (bench/run.py)."""
        self.timeout = timeout
        self.retries = retries
        self.soffice = find_soffice()
        self.python = find_uno_python()
        self._tmp = tempfile.TemporaryDirectory(prefix="docgen-lo-")
        self.workdir = Path(self._tmp.name)
        # LibreOffice's own temporary files (lu*.tmp) go into the pool's folder, removed with it
        self.env = {**converter_env(), "TMPDIR": str(self.workdir)}
        self.converters = [Converter(i, self.workdir, self.soffice, self.python, self.env) for i in range(self.jobs)]
        # A pool never closed (a job's thread still converting when the workspace stops, a
        # process that ends without unwinding) still ends its LibreOffice processes: when it
        # is collected, or when Python exits, before its folder is removed
        weakref.finalize(self, _end_all, self.converters)

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        threads = [threading.Thread(target=c.close) for c in self.converters]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self._tmp.cleanup()

    def _one(self, converter: Converter, src: Path, dst: Path, family: str | None = None,
             finished: bool = True) -> Result:
        """Convert ``src`` to ``dst``; with a ``family``, a copy of it carrying docgen's
        bookmarks (``marks``), so that the PDF says where its signers sign; without
        ``finished``, an intermediate PDF (a bundle's body or cover): plain, not PDF/A, and as
        LibreOffice wrote it; the bundle it goes into is made PDF/A-2b and canonical
        (``archive.archival``)."""
        result = Result(src, dst, ok=False)
        timeout = allowed(src, self.timeout)
        for attempt in range(1 + self.retries):
            result.attempts = attempt + 1
            tmp = converter.outbox / "converting.pdf"  # never in out/: only a finished PDF goes there
            tmp.unlink(missing_ok=True)
            try:
                source = src.resolve() if family is None else marked_copy(src, converter.outbox / "marked.docx", family)
                converter.pdfa = self.pdfa and finished  # an intermediate is made PDF/A with its bundle
                answer = converter.convert(source, tmp.resolve(), timeout)
                if answer.get("ok") and _is_pdf(tmp):
                    data = tmp.read_bytes()
                    write_atomic(dst, finish(data, docx_created(src)) if finished else data)
                    result.ok, result.error = True, ""
                    break
                result.error = answer.get("error") or "LibreOffice 没有写出 PDF"
                if answer.get("fatal") or converter.proc is None or converter.proc.poll() is not None:
                    converter.kill()  # the next attempt starts a fresh converter
            except _NotStarted:
                result.error = f"LibreOffice 启动超过 {timeout:g} 秒未完成，已终止"
                converter.kill()
            except _Hung:
                result.error = f"转换超过 {timeout:g} 秒未完成，已终止（可用 --timeout 加长）"
                converter.kill()
            except Exception as exc:  # the worker died or could not start
                result.error = f"转换进程异常退出（{exc}）"
                converter.kill()
            finally:
                tmp.unlink(missing_ok=True)
        if timeout > self.timeout:  # a long document leaves LibreOffice hundreds of MB larger (530 MB
            converter.tasks = MAX_TASKS  # after the bureau's notice of 5,000 pairings): replaced before its next file
        return result

    @staticmethod
    def order(pairs: list[tuple[Path, Path]]) -> list[int]:
        """The order files are handed out in: largest first. Each converter takes the next
        one as soon as it is free, so that the converters finish at about the same time
        whatever a file turns out to take (a file's size says little of that: a county's
        notice of 5,000 rows is a sixth of the bureau's notice's size and took ten times as
        long, when files were shared out by size beforehand)."""
        sizes = [Path(src).stat().st_size if Path(src).exists() else 0 for src, _ in pairs]
        return sorted(range(len(pairs)), key=lambda i: (-sizes[i], str(pairs[i][0])))

    def convert_all(self, pairs: list[tuple[Path, Path]],
                    then: Callable[[int, Result], None] | None = None,
                    families: list[str] | None = None, finished: bool = True) -> list[Result]:
        """Convert every (docx, pdf) pair; results come back in the order given. ``then(i,
        result)`` runs in the converter's thread after each conversion, while LibreOffice is
        busy with the others (the preflight of ``build --pdf``). With ``families`` (each
        document's), each PDF carries docgen's bookmarks (``marks``). ``finished=False``
        leaves each PDF as LibreOffice wrote it, for a PDF that only goes into another one
        which is made canonical itself (``archive.finish``, ``archive.archival``)."""
        results: list[Result | None] = [None] * len(pairs)
        stop = threading.Event()
        waiting = self.order(pairs)
        waiting.reverse()  # taken from the end
        taking = threading.Lock()

        def work(converter: Converter) -> None:
            while not stop.is_set():
                with taking:
                    if not waiting:
                        return
                    i = waiting.pop()
                src, dst = pairs[i]
                try:
                    Path(dst).parent.mkdir(parents=True, exist_ok=True)
                    result = self._one(converter, Path(src), Path(dst), families[i] if families else None, finished)
                    results[i] = result
                    if then is not None:
                        then(i, result)
                except Exception as exc:  # noqa: BLE001 - e.g. the disk full, or an interrupt tearing down
                    results[i] = Result(Path(src), Path(dst), False, f"转换失败（{exc}）")

        threads = [threading.Thread(target=work, args=(c,), daemon=True)
                   for c in self.converters[:len(pairs)]]
        for t in threads:
            t.start()
        try:
            for t in threads:
                t.join()
        except BaseException:  # Ctrl-C: stop the converters, let the threads finish quietly
            stop.set()
            for converter in self.converters:
                converter.kill()
            for t in threads:
                t.join(timeout=30)
            raise
        return [r if r is not None else Result(Path(s), Path(d), False, "未处理")
                for r, (s, d) in zip(results, pairs, strict=True)]


def _is_pdf(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return path.stat().st_size > 100 and handle.read(5) == b"%PDF-"
    except OSError:
        return False


def to_pdf(docx_files: list[Path], pool: Pool) -> tuple[list[Path], list[tuple[str, str]]]:
    """Convert .docx files to PDFs beside them; returns the PDFs made and the failures."""
    results = pool.convert_all([(p, p.with_suffix(".pdf")) for p in docx_files])
    made = [r.dst for r in results if r.ok]
    failures = []
    for r in results:
        if not r.ok:
            r.dst.unlink(missing_ok=True)  # no out-of-date PDF beside a new .docx
            failures.append((display_path(r.src), r.error))
    return made, failures
