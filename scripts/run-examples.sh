#!/usr/bin/env bash
# The main job on the example data: check data/ and the templates, build every document
# into out/ and assemble the sealed submission bundles (Word + merged PDF + manifest + zip).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/docgen validate data
.venv/bin/docgen templates check
.venv/bin/docgen bundle data -o out
