"""Fonts for the PDF converter: the shipped fontconfig file, and characters it cannot show."""
from __future__ import annotations

import os
from pathlib import Path

FONTS_CONF = Path(__file__).resolve().parent / "fonts" / "fonts.conf"


def converter_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for LibreOffice: our fontconfig file, nothing else changed.

    The mapping applies only to the converter; the user's own fontconfig is left alone.
    """
    env = dict(os.environ if base is None else base)
    env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    env.setdefault("SAL_USE_VCLPLUGIN", "svp")
    env["TZ"] = "UTC"  # PDF dates then have one fixed shape (see package.normalise_pdf)
    env.pop("DISPLAY", None)
    return env


def outside_gb2312(text: str) -> list[str]:
    """Hanzi in ``text`` that GB2312 lacks: the mapped 仿宋 (FandolFang) may not have them,
    and an office PC's 仿宋_GB2312 certainly does not (e.g. 喆 堃 珺 玥 昇 镕)."""
    out = []
    for ch in text:
        if "\u3400" <= ch <= "\u9fff" or "\U00020000" <= ch <= "\U0003134f":
            try:
                ch.encode("gb2312")
            except UnicodeEncodeError:
                if ch not in out:
                    out.append(ch)
    return out
