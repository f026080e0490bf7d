"""Fonts for the PDF converter: the shipped fontconfig file, passed to LibreOffice only."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

FONTS_CONF = Path(__file__).resolve().parent / "fonts" / "fonts.conf"


def converter_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for LibreOffice: our fontconfig file, nothing else changed.

    The mapping applies only to the converter; the user's own fontconfig is left alone.
    """
    env = dict(os.environ if base is None else base)
    env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    env.setdefault("SAL_USE_VCLPLUGIN", "svp")
    env["TZ"] = "UTC"  # the dates LibreOffice writes are replaced (convert.archive.finish)
    env.pop("DISPLAY", None)
    return env



def font_file(family: str) -> Path | None:
    """The TrueType file the converter uses for ``family`` (a .ttf, not a collection), or None."""
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True, timeout=30,
                               env=converter_env()).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    path = Path(found) if found else None
    return path if path is not None and path.suffix.lower() == ".ttf" and path.is_file() else None
