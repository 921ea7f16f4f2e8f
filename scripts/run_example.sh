#!/usr/bin/env bash
# Installs what is missing, builds the two tools (not the tests or benchmarks), generates the
# example data and trains on it with 8 ranks.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
install_missing_packages "${LOGREG_TOOL_PACKAGES[@]}"
build_tools
mpi_environment
cd "$LOGREG_ROOT"
if [ ! -f data/example/train_3.h5 ]; then
  "$LOGREG_BUILD/logreg_data" synth data/example/train.h5 --rows 200000 --features 50 --seed 1 --shards 4
fi
mpirun -n 8 "$LOGREG_BUILD/logreg_dist" configs/example.yaml "$@"
