#!/usr/bin/env bash
# The main job on the example data: check data/ and build every document into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/docgen validate data
