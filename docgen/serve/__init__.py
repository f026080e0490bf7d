"""The workspace in a browser (``docgen serve``): the same data folder and the same pipeline
as the command line, for clerks who know Excel, Word and a browser. One package above the
pipeline: it calls the stages, never re-implements one."""
from __future__ import annotations

from pathlib import Path

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def run(data_dir: Path, out_dir: Path, host: str, port: int, converters: int | None, say=print) -> None:
    """Serve the workspace until Ctrl-C."""
    import uvicorn

    from ..errors import UsageError, display_path
    from .app import create_app

    _few_arenas()
    if not Path(data_dir).is_dir():
        raise UsageError(f"找不到数据目录 {display_path(data_dir)}：请给出含有方案文件夹的目录（默认 data/）")
    app = create_app(Path(data_dir), Path(out_dir), converters=converters)
    shown = f"[{host}]" if ":" in host else host
    say(f"docgen 工作台：http://{shown}:{port}/  （数据目录 {display_path(data_dir)}，输出目录 {display_path(out_dir)}；按 Ctrl-C 停止）")
    if host not in LOOPBACK:
        say("注意：工作台监听的不是本机地址，能访问这个端口的人都可以查看和修改数据（账号和权限尚未提供）。")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def _few_arenas() -> None:
    """At most two malloc arenas (glibc makes one per thread, and a server has many): memory
    freed after a job is reused instead of lingering in an idle thread's arena."""
    import ctypes
    import ctypes.util

    try:
        ctypes.CDLL(ctypes.util.find_library("c")).mallopt(-8, 2)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass
