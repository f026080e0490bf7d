"""Nothing outside a programme folder is ever read: not through a link to a file, nor through
a linked folder (whose listing is not read either)."""
from __future__ import annotations

from pathlib import Path

from ..errors import Problem, display_path


def inside(root: Path, path: Path) -> bool:
    """Whether ``path``, links followed, lies within the programme folder ``root``."""
    try:
        Path(path).resolve().relative_to(Path(root).resolve())
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
