#!/usr/bin/env bash
# The GPU run, one command on a machine with an NVIDIA GPU (sm_80 or newer): build, run every
# test (the GPU tests run instead of skipping), then the seed table on the full test set.
set -euo pipefail
cd "$(dirname "$0")/.."
make test
mkdir -p out
.venv/bin/viscoann bench seed --scale 1 --device all --json --plot out/seed_gpu.png > out/seed_gpu.json
.venv/bin/viscoann bench engine --device cuda --json > out/engine_gpu.json
