"""The scale benchmark's memory sampler names each process it finds by what it is: a figure
put against a target must be the process's own (issue 22)."""
import importlib.util
import os
import signal
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _scale():
    spec = importlib.util.spec_from_file_location("bench_scale", ROOT / "bench" / "scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_fork_of_the_main_process_is_not_counted_as_a_worker():
    """Forked to start a converter, the main process's child shows the main process's
    command line and all its pages until it runs the program: the sampler once reported it
    as a 300 MB worker."""
    scale = _scale()
    main = scale._cmdline(os.getpid())
    pid = os.fork()
    if pid == 0:  # the child, as between fork and exec
        time.sleep(30)
        os._exit(0)
    try:
        assert scale._role(pid, main) == scale.FORKED
        assert scale._role(os.getppid(), main) != scale.FORKED  # another process keeps its own role
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
