"""Fonts for the PDF converter: the shipped fontconfig file, passed to LibreOffice only."""
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
    env["TZ"] = "UTC"  # PDF dates then have one fixed shape (see outputs.normalise_pdf)
    env.pop("DISPLAY", None)
    return env

