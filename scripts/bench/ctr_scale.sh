#!/usr/bin/env bash
# Click-through-rate scale end to end (README, "Hashed categorical features" and "Partitioned
# solver state"; issue 18's acceptance): `logreg_data synth --ctr` ROWS rows of Criteo's schema →
# `convert` with 2^BITS hashed buckets and a C1×C2 cross, the first 90 % for training and the last
# 10 % held out → `logreg_dist` on NP ranks with the solver state replicated and partitioned:
# peak RSS of the conversion beside `cat`, the solver state per rank from the metrics summary,
# θ of the two modes after ITERS iterations, and the held-out log-loss of a converged fit against
# the generating model's own (from the synth's truth file).
#
#   bash scripts/bench/ctr_scale.sh            # ROWS=5000000 BITS=22: ~3 GB of scratch
#
# Environment: LOGREG_BUILD (default <repo>/build), BENCH_DIR (default /tmp/logreg_bench/ctr),
# ROWS (5000000), BITS (22), NP (2), ITERS (30), L2 (1e-5), KEEP=1 keeps the files.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
mpi_environment
BUILD=${LOGREG_BUILD:-$LOGREG_ROOT/build}
DIR=${BENCH_DIR:-/tmp/logreg_bench/ctr}
ROWS=${ROWS:-5000000} BITS=${BITS:-22} NP=${NP:-2} ITERS=${ITERS:-30} L2=${L2:-1e-5}
PY=$(for p in /usr/bin/python3 python3; do "$p" -c 'import numpy, h5py' 2>/dev/null && { echo "$p"; break; }; done)
mkdir -p "$DIR"
cd "$DIR"
lscpu | grep -m1 'Model name' || true
peak_rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1" | awk '{printf "%.0f MB", $1/1024}'; }

echo "== synth --ctr: $ROWS rows"
/usr/bin/time -v "$BUILD/logreg_data" synth --ctr ctr.tsv --rows "$ROWS" --seed 1 2> synth.time
echo "   $(du -m ctr.tsv | cut -f1) MB, peak RSS $(peak_rss synth.time)"
train_rows=$((ROWS * 9 / 10))
head -n "$train_rows" ctr.tsv > train.tsv
tail -n +$((train_rows + 1)) ctr.tsv > test.tsv
columns="label,$(seq -s, -f 'I%g' 1 13),$(seq -s, -f 'C%g' 1 26)"
hashing=(--columns "$columns" --label label --categorical "$(seq -s, -f 'C%g' 1 26)"
  --hash-bits "$BITS" --cross C1:C2 --log1p "$(seq -s, -f 'I%g' 1 13)")

echo "== convert (2^$BITS buckets, C1 x C2 cross, log1p on I1..I13)"
t0=$(date +%s.%N); cat train.tsv > /dev/null; t1=$(date +%s.%N)
/usr/bin/time -v "$BUILD/logreg_data" convert train.tsv train.h5 "${hashing[@]}" 2> convert.time | tail -n 2
"$BUILD/logreg_data" convert test.tsv test.h5 "${hashing[@]}" > /dev/null 2>&1
echo "   peak RSS $(peak_rss convert.time); cat of the same file: $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}') s"
grep -E "Elapsed|Percent of CPU" convert.time | sed 's/^\s*/   /'

for state in replicated partitioned; do
  cat > "$state.yaml" <<YAML
data: {train: train.h5, test: test.h5}
model: {l2: $L2}
solver: {name: lbfgs, max_iter: $ITERS, tol: 0.0, state: $state}
output: {model: $state.h5, metrics: $state.jsonl, log_every: 0}
YAML
  echo "== train, solver.state: $state, $NP ranks, $ITERS iterations"
  mpirun -n "$NP" "$BUILD/logreg_dist" "$state.yaml" | tail -n 3
done
"$PY" - <<'PY'
import h5py, json, numpy as np
def summary(p): return [json.loads(l) for l in open(p)][-1]
r, p = summary("replicated.jsonl"), summary("partitioned.jsonl")
for k in ("solver_state_mb", "peak_rss_mb"):
    print(f"   {k}: replicated {r.get(k)}  partitioned {p.get(k)}")
with h5py.File("replicated.h5") as a, h5py.File("partitioned.h5") as b:
    ta = np.append(a["coef"][()], a["intercept"][()]); tb = np.append(b["coef"][()], b["intercept"][()])
    print(f"   theta after the same iterations: max |diff| / max(1, |theta|) = "
          f"{np.abs(ta - tb).max() / max(1.0, np.abs(ta).max()):.2e} (acceptance: <= 1e-10)")
PY

echo "== converged fit (partitioned), held-out log-loss against the generating model"
sed -e "s/max_iter: $ITERS, tol: 0.0/max_iter: 500, tol: 1.0e-7/" -e 's/partitioned.h5/final.h5/' \
  -e 's/partitioned.jsonl/final.jsonl/' partitioned.yaml > final.yaml
mpirun -n "$NP" "$BUILD/logreg_dist" final.yaml | tail -n 3
"$PY" - <<'PY'
import json
s = [json.loads(l) for l in open("final.jsonl")][-1]
truth = json.load(open("ctr.tsv.truth.json"))
held = truth["held_out_log_loss"]
print(f"   held-out log-loss: model {s['test_logloss']:.6f}, generating model {held:.6f}, "
      f"ratio {s['test_logloss'] / held:.4f} (acceptance: within 1 %)")
PY
[ "${KEEP:-0}" = 1 ] || rm -f ctr.tsv train.tsv test.tsv train.h5 test.h5 ./*.h5
