#!/usr/bin/env bash
# Shard loading speed vs `cat` on the same file from the page cache (best of REPEAT runs each).
# Loading = scan + hyperslab read + validation (finiteness, labels), i.e. the summary's load_s.
#   LOGREG_BUILD=build ROWS=1000000 FEATURES=100 bash scripts/bench/load_speed.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
mpi_environment
BUILD=${LOGREG_BUILD:-$LOGREG_ROOT/build}
DIR=${BENCH_DIR:-/tmp/logreg_bench}/load
ROWS=${ROWS:-1000000} FEATURES=${FEATURES:-100} REPEAT=${REPEAT:-5}
mkdir -p "$DIR"
cd "$DIR"
[ -f load.h5 ] || "$BUILD/logreg_data" synth load.h5 --rows "$ROWS" --features "$FEATURES" --seed 4 > /dev/null
bytes=$(stat -c %s load.h5)
cat load.h5 > /dev/null  # into the page cache
best_cat=999
for _ in $(seq "$REPEAT"); do
  t0=$(date +%s.%N); cat load.h5 > /dev/null; t1=$(date +%s.%N)
  best_cat=$(echo "$t1 - $t0" | bc -l | awk -v b="$best_cat" '{print ($1 < b) ? $1 : b}')
done
printf 'data:\n  train: load.h5\nsolver:\n  max_iter: 0\noutput:\n  model: m.h5\n  metrics: m.jsonl\n  log_every: 0\n' > load.yaml
for np in 1 2; do
  best=999
  for _ in $(seq "$REPEAT"); do
    mpirun -n "$np" "$BUILD/logreg_dist" load.yaml > /dev/null
    t=$(grep -o '"load_s":{"max":[0-9.e-]*' m.jsonl | cut -d: -f3)
    best=$(awk -v a="$t" -v b="$best" 'BEGIN {print (a < b) ? a : b}')
  done
  awk -v b="$bytes" -v c="$best_cat" -v l="$best" -v p="$np" 'BEGIN {
    printf "%d rank(s): load %.3f s = %.0f MB/s (all ranks together) vs cat %.3f s = %.0f MB/s: %.0f%% of cat\n",
      p, l, b / l / 1e6, c, b / c / 1e6, 100 * c / l }'
done
[ "${KEEP:-0}" = 1 ] || rm -f load.h5
