"""Nothing outside a programme folder is ever read: not through a link to a file, nor through
a linked folder (whose listing is not read either)."""
from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from pathlib import Path

from ..errors import Problem, display_path

_roots: contextvars.ContextVar[dict[Path, Path] | None] = contextvars.ContextVar("docgen_resolved_roots", default=None)


@contextlib.contextmanager
def roots_resolved_once() -> Iterator[None]:
    """Within this block (one load), a programme folder's own place, links followed, is found
    once: not again for each of its thousand files."""
    token = _roots.set({})
    try:
        yield
    finally:
        _roots.reset(token)


def resolved(root: Path) -> Path:
    """``root.resolve()``, once per load (see ``roots_resolved_once``)."""
    memo = _roots.get()
    if memo is None:
        return Path(root).resolve()
    found = memo.get(root)
    if found is None:
        found = memo[root] = Path(root).resolve()
    return found


def inside(root: Path, path: Path) -> bool:
    """Whether ``path``, links followed, lies within the programme folder ``root``."""
    try:
        Path(path).resolve().relative_to(resolved(Path(root)))
        return True
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a loop of links
        return False


def link_problem(path: Path) -> Problem:
    return Problem(display_path(path), 0, 0, "", "是指向方案目录之外的链接：docgen 只读取方案目录内的文件，"
                                                 "请把文件本身复制到这里")


def linked_out(root: Path) -> list[Path]:
    """The data folders of ``root`` (pairings/, activities/ and its year folders) that are
    links leading out of it."""
    folders = [root / "pairings", root / "activities"]
    if (root / "activities").is_dir() and inside(root, root / "activities"):
        folders += sorted(p for p in (root / "activities").iterdir() if p.is_dir())
    return [f for f in folders if f.exists() and not inside(root, f)]
