"""Files in a programme folder that docgen does not read, pointed out instead of silently
ignored: a pairing saved next to programme.yaml, ``xijie.yaml.txt`` (Windows hides the
extension), ``XIJIE.YAML``, a Word copy among the pairings, a record outside a year folder."""
from __future__ import annotations

from pathlib import Path

from ..errors import Problem, display_path
from .inside import inside

YAML_SUFFIXES = (".yaml", ".yml")
WHERE = ("结对文件应放在 pairings/ 下，每个结对一个 <结对标识>.yaml；"
         "活动记录放在 activities/<年度>/<结对标识>.yaml")


def _looks_like_data(path: Path) -> bool:
    name = path.name.lower()
    return ".yaml" in name or ".yml" in name


def _note(path: Path, why: str) -> Problem:
    return Problem(display_path(path), 0, 0, "", f"提示：docgen 不读取此文件（{why}）。{WHERE}")


SYSTEM_FILES = {"thumbs.db", "desktop.ini", "ehthumbs.db"}
"""Files Windows makes by itself in any folder shown with pictures or custom settings."""


def _visible(folder: Path) -> list[Path]:
    """Entries of ``folder`` a clerk put there: not hidden, not an Office owner file (~$…),
    not one of Windows' own. A folder linked from outside is not listed."""
    if not inside(folder.parent if folder.name else folder, folder) and folder.is_symlink():
        return []
    try:
        return sorted((p for p in folder.iterdir()
                       if not p.name.startswith((".", "~$")) and p.name.lower() not in SYSTEM_FILES),
                      key=lambda p: p.parts)  # (as paths sort, faster at a thousand files)
    except OSError:
        return []


def _why(path: Path) -> str:
    if path.is_dir():
        return "这里不读取子目录"
    if path.suffix.lower() in YAML_SUFFIXES:
        return "扩展名应为小写的 .yaml"
    if _looks_like_data(path):
        return f"文件名以“{path.suffix}”结尾，不是 .yaml：请在资源管理器中显示扩展名后改名"
    return "只读取 .yaml 文件"


def unread_files(root: Path) -> list[Problem]:
    """A note for each file in the programme folder that looks like data but is not read."""
    out = []
    for path in _visible(root):
        if path.is_file() and path.name != "programme.yaml" and _looks_like_data(path):
            out.append(_note(path, "方案目录中只读取 programme.yaml"))
    for path in _visible(root / "pairings"):
        if not (path.is_file() and path.suffix in YAML_SUFFIXES):
            out.append(_note(path, _why(path)))
    activities = root / "activities"
    for year in _visible(activities):
        if not year.is_dir():
            out.append(_note(year, "活动记录应放在年度目录中"))
            continue
        for path in _visible(year):
            if not (path.is_file() and path.suffix in YAML_SUFFIXES):
                out.append(_note(path, _why(path)))
    return out


def unread_pairing_ids(root: Path) -> list[str]:
    """Identifiers of pairing files that are there but not read (``xijie.yaml.txt``,
    ``XIJIE.YAML``, ``xijie.yaml`` beside programme.yaml): documents made from them before are
    out of date."""
    found = [p for p in _visible(root / "pairings") if p.is_file() and _looks_like_data(p) and p.suffix not in YAML_SUFFIXES]
    found += [p for p in _visible(root) if p.is_file() and _looks_like_data(p) and p.name != "programme.yaml"]
    return [p.name.split(".")[0] for p in found if p.name.split(".")[0]]
