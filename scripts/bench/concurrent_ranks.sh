#!/usr/bin/env bash
# Shared memory bandwidth or shared CPU time? Times the read probe and the dense gradient pass on
# every rank at once, for each rank count in RANKS and each kernel set (bench/bench_concurrent.cpp), so the per-rank
# figures of 1 rank and of a full node can be compared.
#   LOGREG_BUILD=build RANKS="1 2" MB=400 FEATURES=100 REPS=15 DTYPE=float64 KERNELS=all \
#     bash scripts/bench/concurrent_ranks.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
mpi_environment
BUILD=${LOGREG_BUILD:-$LOGREG_ROOT/build}
BIN="$BUILD/bench/bench_concurrent"
[ -x "$BIN" ] || { echo "concurrent_ranks: missing $BIN (cmake --build $BUILD --target bench_concurrent)" >&2; exit 2; }
for np in ${RANKS:-1 2}; do
  mpirun -n "$np" "$BIN" --mb="${MB:-400}" --features="${FEATURES:-100}" --reps="${REPS:-15}" \
    --dtype="${DTYPE:-float64}" --kernels="${KERNELS:-all}"
done
