#!/usr/bin/env bash
# What k-fold cross-validation costs next to one fit (README, "Regularization path and
# cross-validation"): a 20-point l2 path on N x D dense rows on NP ranks, alone and with 5-fold CV
# (the fold-models share every pass, then the chosen penalty is refit on all rows), for each
# kernel set in KERNELS. Prints the training time (the trainer's train_s: the path or the folds
# and the refit), the whole job's wall time (mpirun start to end, loading included), passes over
# the data and compute milliseconds per pass, and the CV / path ratios.
#
#   bash scripts/bench/cv_cost.sh
#
# Environment: LOGREG_BUILD (default <repo>/build), BENCH_DIR (default /tmp/logreg_bench), ROWS
# (1000000), FEATURES (100), NP (2), FOLDS (5), KERNELS ("x86-64-v4 x86-64-v3": the sets this
# host runs, forced in turn), KEEP=1 keeps the data.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
mpi_environment
BUILD=${LOGREG_BUILD:-$LOGREG_ROOT/build}
DIR=${BENCH_DIR:-/tmp/logreg_bench}
ROWS=${ROWS:-1000000} FEATURES=${FEATURES:-100} NP=${NP:-2} FOLDS=${FOLDS:-5}
mkdir -p "$DIR"
DATA="$DIR/cv_${ROWS}x${FEATURES}.h5"
[ -s "$DATA" ] || "$BUILD/logreg_data" synth "$DATA" --rows "$ROWS" --features "$FEATURES" --seed 7 > /dev/null
PY=$(for p in /usr/bin/python3 python3; do "$p" -c 'import json' 2>/dev/null && { echo "$p"; break; }; done)
lscpu | grep -m1 'Model name' || true
echo "data: $ROWS x $FEATURES dense float64, $NP ranks, 20-point l2 path (ratio 1e-4), tol 1e-6"

run() {  # run NAME KERNELS EXTRA-YAML → prints train_s passes compute_s job_s
  local name=$1 kernels=$2 extra=$3
  cat > "$DIR/cv_$name.yaml" <<YAML
data: {train: $DATA}
path: {n: 20, ratio: 1.0e-4}
$extra
output: {model: $DIR/cv_$name.h5, metrics: $DIR/cv_$name.jsonl, path: $DIR/cv_$name.csv, log_every: 0}
YAML
  local t0 t1
  t0=$(date +%s.%N)
  LOGREG_KERNELS=$kernels mpirun -n "$NP" "$BUILD/logreg_dist" "$DIR/cv_$name.yaml" > "$DIR/cv_$name.log"
  t1=$(date +%s.%N)
  "$PY" - "$DIR/cv_$name.jsonl" "$t0" "$t1" <<'PY'
import json, sys
s = [json.loads(l) for l in open(sys.argv[1])][-1]
print(s["train_s"], s["evaluations"] + s["hessian_products"], s["compute_s"]["max"],
      float(sys.argv[3]) - float(sys.argv[2]))
PY
}

for k in ${KERNELS:-x86-64-v4 x86-64-v3}; do
  read -r t1 p1 c1 j1 < <(run path "$k" "")
  read -r t2 p2 c2 j2 < <(run cv "$k" "cv: {folds: $FOLDS}")
  "$PY" - "$k" "$t1" "$p1" "$c1" "$j1" "$t2" "$p2" "$c2" "$j2" "$FOLDS" <<'PY'
import sys
k, t1, p1, c1, j1, t2, p2, c2, j2, K = sys.argv[1], *map(float, sys.argv[2:])
print(f"{k}: path alone       train {t1:6.2f} s  job {j1:6.2f} s  {p1:4.0f} passes  {c1/p1*1e3:5.1f} ms compute/pass")
print(f"{k}: path + {K:.0f}-fold CV  train {t2:6.2f} s  job {j2:6.2f} s  {p2:4.0f} passes  {c2/p2*1e3:5.1f} ms compute/pass")
print(f"{k}: CV / path: training {t2/t1:.2f}x, whole job {j2/j1:.2f}x ({K:.0f} separate fits: ~{K:.0f}x)")
PY
done
[ "${KEEP:-0}" = 1 ] || rm -f "$DATA"
