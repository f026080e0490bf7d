#!/usr/bin/env bash
# Installs what docgen needs on a fresh Debian machine (run as root): system packages
# through apt (LibreOffice for PDF, its Python bindings, CJK fonts, poppler, chromium for the
# workspace's browser tests), Python packages into
# ./.venv, and the Fandol fonts as TrueType. Safe to run again; it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=()
need() { dpkg -s "$1" >/dev/null 2>&1 || apt_packages+=("$1"); }
command -v python3 >/dev/null 2>&1 || apt_packages+=(python3)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || apt_packages+=(python3-venv python3-pip)
need libreoffice-writer-nogui   # the PDF converter
need python3-uno                # LibreOffice's Python bindings (Debian's /usr/bin/python3 only)
need fonts-arphic-uming         # TrueType 明体 and 楷体 with wide coverage: the converter's fall-backs
need fonts-arphic-ukai          #   for rare characters in names (喆 堃 珺 䶮 …)
need fonts-wqy-zenhei           # TrueType 黑体, the last fall-back (all of GBK and CJK Ext A)
need fonts-noto-cjk             # for the chart and the sample seals (not seen by the converter)
need fontconfig
need poppler-utils              # pdftoppm/pdftotext: page images and text of PDFs in tests and by hand
need chromium                   # the browser the workspace's end-to-end tests drive (tests/browser)
need chromium-driver            #   and its WebDriver, for a Selenium fall-back
need libatomic1                 # Playwright's bundled node needs it (absent from a slim Debian image)

if ((${#apt_packages[@]})); then
    echo "== 安装系统软件包：${apt_packages[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
    echo "== 创建 Python 虚拟环境 .venv"
    python3 -m venv .venv
fi
echo "== 安装 Python 依赖"
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

# FandolFang is the only complete simplified 仿宋 in Debian; it ships inside the large
# texlive-lang-chinese package, so take just its OpenType files out of it, and convert them
# to TrueType once (scripts/make_ttf_fonts.py says why).
fandol=/usr/local/share/fonts/fandol
if [ ! -f "$fandol/FandolSong-Bold.ttf" ]; then
    echo "== 安装 Fandol 字体（仿宋、楷体、黑体、宋体）到 $fandol，并转换为 TrueType（约一分钟）"
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get download texlive-lang-chinese >/dev/null 2>&1) || {
        apt-get update -qq && (cd "$tmp" && apt-get download texlive-lang-chinese >/dev/null); }
    dpkg -x "$tmp"/texlive-lang-chinese_*.deb "$tmp/x"
    .venv/bin/python scripts/make_ttf_fonts.py "$tmp/x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol" "$fandol"
    rm -f "$fandol"/*.otf
    rm -rf "$tmp"
    fc-cache -f >/dev/null
fi
# The heavy 宋体 for the rare characters of titles and the red 发文机关标志 (Noto Serif CJK SC Bold,
# TrueType, cut to the CJK ideographs), in a folder only docgen's converter reads.
title=/usr/local/share/docgen-fonts/title
if [ ! -f "$title/NotoSerifCJKsc-Bold.ttf" ]; then
    echo "== 准备标题用粗宋体（生僻字）到 $title（约三分钟）"
    .venv/bin/python scripts/make_ttf_fonts.py --title "$title"
    FONTCONFIG_FILE="$PWD/docgen/convert/fonts/fonts.conf" fc-cache "$title" >/dev/null
fi
# The converter's fall-backs for rare characters, without the ones they draw blank.
fallback=/usr/local/share/fonts/docgen-fallback
if [ ! -f "$fallback/WenQuanYiZenHei.ttf" ]; then
    echo "== 准备生僻字备用字体到 $fallback（约半分钟）"
    .venv/bin/python scripts/make_ttf_fonts.py --fallbacks "$fallback"
    fc-cache -f >/dev/null
fi
