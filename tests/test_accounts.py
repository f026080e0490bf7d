"""``docgen user``: accounts made before the server is reachable, passwords hashed with
Argon2id and never taken as an argument, stored, shown or logged in clear; and ``docgen
serve`` refusing an address beyond this computer while no account exists."""
from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from docgen.cli import cli
from docgen.errors import UsageError
from docgen.serve import loopback, run
from docgen.serve.accounts import AccountError, Accounts, Locked, Throttled
from docgen.serve.state import State
from tests.helpers import ROOT

pytestmark = pytest.mark.slow  # whole programmes, servers or many builds: not the inner loop


def docgen(*args: str, input: str | None = None):
    """``docgen ARGS`` in this process with ``input`` as standard input (not a terminal)."""
    from docgen.cli import _exit_code

    runner = CliRunner()
    with runner.isolation(input=input) as (out, err, _):
        code = _exit_code([str(a) for a in args])
        return code, out.getvalue().decode(), err.getvalue().decode()


@pytest.fixture
def data(small_copy) -> Path:
    return small_copy.parent


def test_add_list_passwd_remove(data):
    code, out, err = docgen("user", "add", "教育局管理员", "--role", "bureau", "-d", data, input="first-pass-1\n")
    assert code == 0, err
    assert "已添加教育局账号“教育局管理员”" in out
    code, out, err = docgen("user", "add", "三中办公室", "--role", "school", "--school", "高台三中", "-d", data,
                            input="school-pass-1\n")
    assert code == 0, err
    code, out, _ = docgen("user", "list", "-d", data)
    assert code == 0 and "教育局管理员  教育局" in out and "三中办公室  学校  高台三中" in out and "从未登录" in out
    accounts = Accounts(State(data))
    assert accounts.check("三中办公室", "school-pass-1", "127.0.0.1").school == "高台三中"
    code, out, err = docgen("user", "passwd", "三中办公室", "-d", data, input="school-pass-2\n")
    assert code == 0, err
    with pytest.raises(AccountError, match="账号或密码不对"):  # the old password no longer opens it
        accounts.check("三中办公室", "school-pass-1", "127.0.0.1")
    assert accounts.check("三中办公室", "school-pass-2", "127.0.0.1")
    code, out, _ = docgen("user", "remove", "三中办公室", "-d", data)
    assert code == 0 and accounts.get("三中办公室") is None


def test_the_password_is_hashed_with_argon2id_and_nowhere_in_clear(data, real_passwords):
    docgen("user", "add", "局", "--role", "bureau", "-d", data, input="clear-text-never\n")
    Accounts(State(data)).check("局", "clear-text-never", "127.0.0.1")
    blob = b"".join(p.read_bytes() for p in (data / ".docgen").iterdir() if p.is_file())
    assert b"clear-text-never" not in blob
    with State(data).connect() as db:
        stored = db.execute("SELECT hash FROM accounts").fetchone()[0]
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")  # RFC 9106's low-memory profile


def test_the_password_is_never_an_argument(data):
    code, _, err = docgen("user", "add", "局", "--role", "bureau", "--password", "x" * 10, "-d", data, input="")
    assert code == 2 and "没有这个选项" in err
    code, _, err = docgen("user", "add", "局", "--role", "bureau", "-d", data, input="")
    assert code != 0 and "标准输入中没有密码" in err
    assert Accounts(State(data)).count() == 0


@pytest.mark.parametrize("args, words", [
    (("--role", "school"), "--school"),
    (("--role", "school", "--school", "高台三"), "是不是：高台三中"),
    (("--role", "bureau", "--school", "高台三中"), "只有学校账号"),
    (("--role", "teacher",), "不是可选值之一"),
])
def test_wrong_accounts_are_refused_in_chinese(data, args, words):
    code, _, err = docgen("user", "add", "某校", *args, "-d", data, input="long-enough-1\n")
    assert code == 2 and words in err, err
    assert Accounts(State(data)).count() == 0


@pytest.mark.parametrize("password, words", [("short", "太短"), ("局长局长局长局长", "不能包含账号名"), (" padded-pass ", "空格")])
def test_weak_passwords_are_refused(data, password, words):
    code, _, err = docgen("user", "add", "局长", "--role", "bureau", "-d", data, input=password + "\n")
    assert code == 2 and words in err, err


def test_at_a_terminal_the_password_is_asked_twice_and_not_shown(data):
    """Run in a pseudo-terminal, as a clerk types it: the prompt hides what is typed."""
    main, child = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "docgen", "user", "add", "局", "--role", "bureau", "-d", str(data)],
                               stdin=child, stdout=child, stderr=child, cwd=ROOT, env=env, close_fds=True)
    os.close(child)
    seen = b""

    def read_until(word: str, seconds: float = 60) -> None:
        nonlocal seen
        deadline = time.monotonic() + seconds
        while word.encode() not in seen:
            assert time.monotonic() < deadline, seen.decode(errors="replace")
            ready, _, _ = select.select([main], [], [], 0.2)
            if ready:
                try:
                    seen += os.read(main, 4096)
                except OSError:
                    break

    read_until("设置密码")
    os.write(main, b"typed-secret-9\n")
    read_until("再输入一次")
    os.write(main, b"typed-secret-9\n")
    read_until("已添加")
    process.wait(timeout=60)
    os.close(main)
    assert process.returncode == 0
    assert b"typed-secret-9" not in seen  # never echoed
    assert Accounts(State(data)).check("局", "typed-secret-9", "127.0.0.1")


def test_wrong_passwords_lock_the_account_for_a_while(data):
    accounts = Accounts(State(data))
    accounts.add("局", "bureau", "", "right-pass-1")
    for _n in range(4):
        with pytest.raises(UsageError, match="账号或密码不对"):
            accounts.check("局", "wrong", "10.0.0.1")
    with pytest.raises(Locked, match="已被暂时锁定"):
        accounts.check("局", "wrong", "10.0.0.1")
    with pytest.raises(Locked, match="分钟后再试"):
        accounts.check("局", "right-pass-1", "10.0.0.2")  # the right password does not open a locked account
    accounts.set_password("局", "right-pass-2")  # the bureau's remedy: a new password unlocks it
    assert accounts.check("局", "right-pass-2", "10.0.0.1").name == "局"


def test_an_unknown_name_says_the_same_as_a_wrong_password(data):
    accounts = Accounts(State(data))
    accounts.add("局", "bureau", "", "right-pass-1")
    with pytest.raises(UsageError) as unknown:
        accounts.check("没有这个人", "wrong", "10.0.0.1")
    with pytest.raises(UsageError) as wrong:
        accounts.check("局", "wrong", "10.0.0.3")
    assert str(unknown.value) == str(wrong.value)


def test_one_address_guessing_many_names_must_wait(data):
    accounts = Accounts(State(data))
    for n in range(20):
        with pytest.raises(UsageError):
            accounts.check(f"name{n}", "wrong", "10.9.9.9")
    with pytest.raises(Throttled, match="登录失败的次数太多"):
        accounts.check("name99", "wrong", "10.9.9.9")


def test_serve_beyond_this_computer_needs_an_account(data, monkeypatch):
    started = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: started.append(kw["host"]))
    with pytest.raises(UsageError, match="拒绝启动.*docgen user add") as refused:
        run(data, data / "out", "0.0.0.0", 8000, 1, say=lambda text: None)
    assert "--host 127.0.0.1" in str(refused.value) and started == []
    run(data, data / "out", "127.0.0.1", 8000, 1, say=lambda text: None)  # on loopback: a one-person workspace
    Accounts(State(data)).add("局", "bureau", "", "right-pass-1")
    said = []
    run(data, data / "out", "0.0.0.0", 8000, 1, say=said.append)
    assert started == ["127.0.0.1", "0.0.0.0"] and any("需登录" in line for line in said)


@pytest.mark.parametrize("host, local", [("127.0.0.1", True), ("127.0.0.5", True), ("::1", True), ("localhost", True),
                                         ("0.0.0.0", False), ("192.168.1.10", False), ("::", False), ("example.cn", False)])
def test_which_addresses_are_this_computer_only(host, local):
    assert loopback(host) is local


def test_the_user_commands_speak_chinese():
    result = CliRunner().invoke(cli, ["user", "add", "-h"])
    assert "添加账号" in result.output and "--role" in result.output and "标准输入" in result.output
