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
    from ..heap import few_arenas
    from .accounts import Accounts
    from .app import create_app
    from .state import State

    few_arenas()  # glibc makes an arena per thread, and a server has many
    if not Path(data_dir).is_dir():
        raise UsageError(f"找不到数据目录 {display_path(data_dir)}：请给出含有方案文件夹的目录（默认 data/）")
    local = loopback(host)
    accounts = Accounts(State(Path(data_dir))).count()
    if not local and not accounts:
        raise UsageError(f"拒绝启动：工作台将监听 {host}（不只是本机），但数据目录 {display_path(data_dir)} 中还没有任何账号，"
                         "任何能访问这个端口的人都可以查看和修改全部数据。请先添加教育局管理员账号："
                         f"docgen user add 名称 --role bureau -d {display_path(data_dir)}，再为各校添加 --role school 账号；"
                         "或只在本机使用：--host 127.0.0.1")
    app = create_app(Path(data_dir), Path(out_dir), converters=converters, open_without_accounts=local)
    shown = f"[{host}]" if ":" in host else host
    say(f"docgen 工作台：http://{shown}:{port}/  （数据目录 {display_path(data_dir)}，输出目录 {display_path(out_dir)}；按 Ctrl-C 停止）")
    if accounts:
        say(f"已有 {accounts} 个账号：访问者需登录，按角色（教育局、学校、只读）限定能看和能改的内容。")
    else:
        say("还没有账号：本机一人使用，不需登录。多人使用请先用 docgen user add 添加账号。")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, timeout_keep_alive=5,
                limit_concurrency=200)


def loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this computer only (127.0.0.0/8, ::1, localhost)."""
    import ipaddress

    if host in LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
