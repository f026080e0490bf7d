#!/usr/bin/env bash
# Installs what docgen needs on a fresh Debian machine (run as root): system packages
# through apt, Python packages into ./.venv. Safe to run again; it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=()
command -v python3 >/dev/null 2>&1 || apt_packages+=(python3)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || apt_packages+=(python3-venv python3-pip)

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
