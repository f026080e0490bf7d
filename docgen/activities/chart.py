"""The summary's chart: activities per month, stacked by type (matplotlib, PNG)."""
from __future__ import annotations

import datetime as dt
import io
import subprocess
from functools import lru_cache

from ..load.model.common import ACTIVITY_NAMES, Activity
from .counting import YearCounts

COLOURS = ["#c0392b", "#2471a3", "#229954", "#d68910", "#7d3c98", "#17a589", "#a04000", "#5d6d7e",
           "#b7950b", "#1f618d", "#943126"]


@lru_cache(maxsize=1)
def _cjk_font():
    from matplotlib import font_manager

    for family in ("FandolHei", "Noto Sans CJK SC", "WenQuanYi Zen Hei"):
        try:
            path = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True,
                                  timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            path = ""
        if path and family.split()[0].lower() in path.lower().replace("-", " ").replace("_", " "):
            return font_manager.FontProperties(fname=path)
    return font_manager.FontProperties()


def activities_by_month(counts: YearCounts) -> bytes | None:
    """A PNG of the year's activities per month, stacked by type; None without records."""
    if not counts.records:
        return None
    months = []
    day = counts.year.start.replace(day=1)
    while day <= counts.year.end:
        months.append(day.strftime("%Y-%m"))
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    per_month = counts.by_month()
    types = tuple(t for t in Activity if any(per_month.get(m, {}).get(t) for m in months))
    bars = tuple((kind, tuple(per_month.get(m, {}).get(kind, 0) for m in months)) for kind in types)
    return _drawn(counts.year.label, tuple(months), bars)


@lru_cache(maxsize=64)
def _drawn(label: str, months: tuple[str, ...], bars: tuple[tuple[Activity, tuple[int, ...]], ...]) -> bytes:
    """The chart of these bars, drawn once per process: it is all the picture depends on, and
    drawing it (matplotlib, a 150 dpi PNG) costs more than the rest of a summary; a build or a
    workspace that renders the same pairing's summary again gets the same bytes at once."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    font = _cjk_font()
    fig, ax = plt.subplots(figsize=(7.2, 3.4), dpi=150)
    bottom = [0] * len(months)
    for k, (kind, values) in enumerate(bars):
        ax.bar(range(len(months)), values, bottom=bottom, color=COLOURS[k % len(COLOURS)], label=ACTIVITY_NAMES[kind],
               width=0.7)
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_xticks(range(len(months)))
    ax.set_xticklabels([f"{int(m[5:])}月" for m in months], fontproperties=font, fontsize=9)
    ax.set_ylabel("活动次数", fontproperties=font)
    ax.set_title(f"{label}各月帮扶活动（按类型）", fontproperties=font, fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(prop=font, fontsize=8, ncol=4, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.12))
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()
