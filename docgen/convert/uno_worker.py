"""One warm LibreOffice converter, driven over UNO. Runs in Debian's /usr/bin/python3.

This file is started as a separate process by ``docgen.convert`` (it does not import
docgen: LibreOffice's Python bindings only import in the system interpreter). It starts
its own ``soffice`` with a private profile, connects to it over a named pipe, then reads
one JSON request per line on stdin and answers one JSON line on stdout:

    {"src": "/abs/in.docx", "dst": "/abs/out.pdf", "pdfa": true}  ->  {"ok": true, "seconds": 0.21}
                                                     ->  {"ok": false, "error": "..."}
"""
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect(pipe, proc, deadline):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    last = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"soffice exited during start-up with status {proc.returncode}")
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception as exc:  # NoConnectException until soffice listens
            last = exc
            time.sleep(0.1)
    raise RuntimeError(f"could not connect to soffice: {last}")


def convert(desktop, src, dst, pdfa=False):
    """``src`` exported to ``dst``; with ``pdfa``, as PDF/A-2b (fonts embedded, an sRGB
    OutputIntent, XMP metadata; LibreOffice then also tags the PDF)."""
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0,
                                       (prop("Hidden", True), prop("ReadOnly", True)))
    if doc is None:
        raise RuntimeError("LibreOffice could not open the file")
    try:
        filter_data = uno.Any("[]com.sun.star.beans.PropertyValue", (
            prop("UseTaggedPDF", False), prop("ExportBookmarks", True), prop("EmbedStandardFonts", True),
            prop("ExportFormFields", False), prop("ReduceImageResolution", False),
            prop("ExportBookmarksToPDFDestination", True)) + ((prop("SelectPdfVersion", 2),) if pdfa else ()))
        doc.storeToURL(uno.systemPathToFileUrl(dst),
                       (prop("FilterName", "writer_pdf_Export"), prop("FilterData", filter_data)))
    finally:
        doc.close(True)


def main():
    soffice, profile, pipe = sys.argv[1], sys.argv[2], sys.argv[3]
    start_timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 90.0  # the pool's --timeout
    proc = subprocess.Popen(
        [soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
         "--nofirststartwizard", "-env:UserInstallation=" + uno.systemPathToFileUrl(profile),
         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    watch_parent()
    try:
        return serve(proc, pipe, start_timeout)
    finally:
        end_group()


def watch_parent():
    """A worker whose pool's process is gone (killed: ``kill -9``, the OOM killer) ends its
    group at once, itself included, instead of when it next reads or writes: in the middle of
    a conversion of minutes (the bureau's notice of thousands of pairings), or with a
    LibreOffice that no longer answers, that could be minutes or never. Looked at every second
    (not ``PR_SET_PDEATHSIG``: it fires when the pool's thread that started the worker ends)."""
    if not leads_group():
        return
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os.killpg(0, signal.SIGKILL)

    threading.Thread(target=watch, daemon=True).start()


def leads_group():
    """Whether this worker leads a process group of its own, as the pool starts it: its group
    then holds only itself and its soffice, and may be ended whole."""
    return os.getpgid(0) == os.getpid()


def end_group():
    """However this worker ends (its input closed, its pool's process killed, a broken pipe
    while LibreOffice was still starting), it leaves no LibreOffice behind. The pool starts it
    as the leader of a process group of its own, with soffice (the launcher and soffice.bin)
    in it: the group is ended, this worker excepted. Started any other way, it ends nothing."""
    if not leads_group():
        return
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(0, signal.SIGTERM)


def serve(proc, pipe, start_timeout):
    out = sys.stdout
    try:
        desktop = connect(pipe, proc, time.monotonic() + start_timeout)
    except Exception as exc:
        out.write(json.dumps({"ready": False, "error": str(exc)}) + "\n")
        out.flush()
        proc.kill()
        return 1
    out.write(json.dumps({"ready": True, "soffice_pid": proc.pid, "worker_pid": os.getpid()}) + "\n")
    out.flush()
    for line in sys.stdin:
        request = json.loads(line)
        started = time.monotonic()
        try:
            convert(desktop, request["src"], request["dst"], request.get("pdfa", False))
            answer = {"ok": True, "seconds": round(time.monotonic() - started, 3)}
        except Exception as exc:
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
            if proc.poll() is not None or "Disposed" in answer["error"] or "RuntimeException" in answer["error"]:
                # soffice died or the bridge broke: tell the pool, then leave so it starts a fresh one
                answer["fatal"] = True
                proc.kill()
                out.write(json.dumps(answer) + "\n")
                out.flush()
                return 2
        out.write(json.dumps(answer) + "\n")
        out.flush()
    with contextlib.suppress(Exception):
        desktop.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:  # never leave a LibreOffice behind (the pool ends the group too)
        proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
