#!/usr/bin/env bash
# The main job on the example data: check data/, check the templates, build every document into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/docgen validate data
.venv/bin/docgen templates check
.venv/bin/docgen build data -o out
