"""A stand-in for docgen/convert/uno_worker.py in the tests of the converter pool's mechanics
(a hung converter, a crashed one, an interrupt): it speaks the worker's protocol on stdin and
stdout, in a few milliseconds instead of a cold LibreOffice start of seconds.

Started by the pool exactly as the real worker is (``python stub_worker.py soffice profile
pipe timeout``), it starts a stand-in for soffice in its own process group, whose command line
says ``stub-soffice``, and sends every conversion through it: a conversion answers only if the
stand-in is alive, and a dead stand-in is a fatal answer, as a crashed LibreOffice is. The PDF
it writes is one blank A4 page. Runs in any Python 3 (it imports nothing of docgen).
"""
import json
import os
import subprocess
import sys

OFFICE = ("import os, sys, time\nfor line in sys.stdin:\n    print('done', flush=True)\n"
          "if os.environ.get('STUB_OFFICE_OUTLIVES'):\n    time.sleep(600)\n")
"""The stand-in for soffice: answers each request line, until it is killed or its input ends
(with ``STUB_OFFICE_OUTLIVES`` set, it stays ten minutes longer: a LibreOffice that does not end
when asked)."""


def blank_pdf() -> bytes:
    """A valid one-page PDF (a blank A4 page), its cross-reference table computed."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>"]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def say(answer: dict) -> None:
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


def main() -> int:
    office = subprocess.Popen([sys.executable, "-c", OFFICE, "stub-soffice"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, bufsize=1)
    say({"ready": True, "soffice_pid": office.pid, "worker_pid": os.getpid()})
    for line in sys.stdin:
        request = json.loads(line)
        try:
            office.stdin.write("convert\n")
            office.stdin.flush()
            alive = office.stdout.readline() == "done\n"
        except OSError:  # its input closed: it died
            alive = False
        if not alive:  # as uno_worker.py: tell the pool, then leave so that it starts a fresh one
            office.kill()
            say({"ok": False, "error": "RuntimeException: stub soffice died", "fatal": True})
            return 2
        with open(request["dst"], "wb") as pdf:
            pdf.write(blank_pdf())
        say({"ok": True, "seconds": 0})
        if os.environ.get("STUB_WORKER_ENDS"):  # a worker that ends on its own after one conversion
            break
    if os.environ.get("STUB_OFFICE_OUTLIVES"):  # its soffice did not end when asked: the worker leaves it
        return 0
    office.stdin.close()
    office.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
