#!/usr/bin/env bash
# The serial O(d) time per iteration with the solver state replicated and partitioned (README,
# "Partitioned solver state"; issue 18's acceptance 3): L-BFGS on wide sparse data at d = 10^6
# (memory 10) and d = 10^7 (memory 5), P = 1, 2, 4 ranks, both modes in one run so the ratios
# share the machine's state. Per iteration from the metrics summary: update (the time outside the
# passes, the communication, the checkpoints and the log: the work on d-long vectors), max over
# ranks; compute (the passes) and comm, mean over ranks; solver_state_mb.
#
# P = 4 on a 2-core machine runs two ranks per core: a rank's wall time then also holds the time
# its core spends on the other rank. The run measures that factor: P = 2 on ONE core
# (`taskset -c 0`) against P = 2 on two. A row's "per core-share" column divides by it.
#
#   bash scripts/bench/partitioned_update.sh
#
# Environment: LOGREG_BUILD (default <repo>/build), BENCH_DIR (default /tmp/logreg_bench/update),
# ROWS (20000), NNZ_PER_ROW (100), ITERS (20), RANKS ("1 2 4"), SIZES ("1000000:10 10000000:5"),
# REPEATS (2: the smaller update of the repeats is kept), KEEP=1 keeps the data.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
mpi_environment
BUILD=${LOGREG_BUILD:-$LOGREG_ROOT/build}
DIR=${BENCH_DIR:-/tmp/logreg_bench/update}
ROWS=${ROWS:-20000} NNZ_PER_ROW=${NNZ_PER_ROW:-100} ITERS=${ITERS:-20} REPEATS=${REPEATS:-2}
RANKS=${RANKS:-1 2 4} SIZES=${SIZES:-1000000:10 10000000:5}
mkdir -p "$DIR"
cd "$DIR"
lscpu | grep -m1 'Model name' || true
echo "cores: $(nproc); L-BFGS, $ITERS iterations, $ROWS rows x ~$NNZ_PER_ROW non-zeros"

field() {  # field FILE KEY SUB: a number from the last (summary) line of a metrics file
  tail -n 1 "$1" | sed -n "s/.*\"$2\":{\"max\":\([^,]*\),\"mean\":\([^}]*\)}.*/\\$3/p"
}

# run NP STATE D MEMORY [LAUNCH_PREFIX...]: prints "update_ms compute_ms comm_ms state_mb"
run() {
  local np=$1 state=$2 d=$3 memory=$4 best=""
  shift 4
  cat > run.yaml <<YAML
data: {train: d$d.h5}
model: {l2: 1.0e-4}
solver: {name: lbfgs, max_iter: $ITERS, tol: 0.0, memory: $memory, state: $state}
output: {model: model.h5, metrics: run.jsonl, log_every: 0}
YAML
  for _ in $(seq "$REPEATS"); do
    rm -f run.jsonl model.h5
    "$@" mpirun --bind-to none -n "$np" "$BUILD/logreg_dist" run.yaml > run.log 2>&1 ||
      { cat run.log; exit 1; }
    local it line
    it=$(tail -n 1 run.jsonl | sed -n 's/.*"iterations":\([0-9]*\).*/\1/p')
    line=$(awk -v u="$(field run.jsonl update_s 1)" -v c="$(field run.jsonl compute_s 2)" \
      -v m="$(field run.jsonl comm_s 2)" -v s="$(field run.jsonl solver_state_mb 1)" -v it="$it" \
      'BEGIN{printf "%.1f %.1f %.1f %.0f", 1e3*u/it, 1e3*c/it, 1e3*m/it, s}')
    if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN{exit !(a < b)}'; then
      best=$line
    fi
  done
  echo "$best"
}

for size in $SIZES; do
  d=${size%%:*} memory=${size##*:}
  [ -f "d$d.h5" ] || "$BUILD/logreg_data" synth "d$d.h5" --rows "$ROWS" --features "$d" \
    --density "$(awk -v d="$d" -v k="$NNZ_PER_ROW" 'BEGIN{print k/d}')" --seed 1 > /dev/null
  echo
  echo "== d = $d, memory = $memory"
  declare -A one_core two_cores
  for state in replicated partitioned; do
    two_cores[$state]=$(run 2 "$state" "$d" "$memory")
    one_core[$state]=$(run 2 "$state" "$d" "$memory" taskset -c 0)
  done
  share() {  # the time-sharing factor of two ranks on one core, for a state
    awk -v a="${one_core[$1]%% *}" -v b="${two_cores[$1]%% *}" 'BEGIN{printf "%.2f", a/b}'
  }
  echo "time-sharing factor (P = 2 on one core / on two cores, update): replicated $(share replicated), partitioned $(share partitioned)"
  printf '%-12s %3s %12s %14s %12s %10s %9s\n' state P "update ms" "per core-share" "compute ms" \
    "comm ms" "state MB"
  for state in replicated partitioned; do
    for np in $RANKS; do
      if [ "$np" = 2 ]; then r=${two_cores[$state]}; else r=$(run "$np" "$state" "$d" "$memory"); fi
      read -r u c m s <<< "$r"
      f=1
      [ "$np" -gt "$(nproc)" ] && f=$(share "$state")
      printf '%-12s %3s %12s %14s %12s %10s %9s\n' "$state" "$np" "$u" \
        "$(awk -v u="$u" -v f="$f" 'BEGIN{printf "%.1f", u/f}')" "$c" "$m" "$s"
    done
  done
done
[ "${KEEP:-0}" = 1 ] || rm -f d*.h5 model.h5
