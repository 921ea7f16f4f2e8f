#!/usr/bin/env bash
# Strong and weak scaling of `logreg_dist` over P ranks, one CSV row per run, then the plots
# (plot_scaling.py) and the α–β performance model (perf_model.py).
#
#   bash scripts/scaling/run_scaling.sh                 # defaults: about 8 minutes on 2 cores
#   REPEATS=3 bash scripts/scaling/run_scaling.sh       # about 5 minutes (docs/scaling.md)
#   RANKS="1 2 4" ITERS=50 OUT=out/scal2 bash scripts/scaling/run_scaling.sh
#
# Every run is `mpirun -n P logreg_dist cfg.yaml` with solver gd and a fixed learning rate, so
# every run does exactly ITERS iterations of identical arithmetic (tol is tiny: no early stop);
# output.log_every 0; the figures come from the `"event":"summary"` line of output.metrics.
#
# Environment (defaults in brackets):
#   RANKS ["1 2 4 8"]          rank counts
#   MODES ["strong weak"]      which experiments
#   ROWS [2000000]             strong scaling: total rows (fixed for all P)
#   ROWS_PER_RANK [250000]     weak scaling: rows per rank (total = P * ROWS_PER_RANK)
#   FEATURES [50]  DENSITY [1] (DENSITY < 1 generates CSR data)
#   ITERS [25]                 iterations per run; LR [1.0] fixed gd step
#   REPEATS [5]                runs per (mode, P), interleaved; the plots show the median and
#                              min–max of the repeats (the model's calibration the fastest)
#   QUIET_BUDGET [60]          seconds the script may spend in total waiting, before a run,
#                              for other processes to stop using the cores (0 = never wait)
#   APPEND [0]                 1: add rows to an existing scaling.csv/calibration.csv of the
#                              same settings instead of starting them afresh
#   CORES [physical cores]     P > CORES is marked as oversubscribed
#   CALIBRATE [1]              also run the allreduce micro-benchmark (mpicc) and three P=1
#                              runs that calibrate perf_model.py (calibration.csv), each
#                              CAL_REPEATS [3] times
#   MODEL [1]                  run perf_model.py at the end
#   SOLVER [gd]                solver.name (lbfgs: max_iter ITERS, no early stop either)
#   STATES [""]                solver.state values to compare, e.g. "replicated partitioned"
#                              (README, "Partitioned solver state"); each run's mode is then
#                              <mode>_<state> in the CSV
#   PRESET [""]                wide-sparse: d = 10^6 CSR (100 non-zeros per row), 200 000 rows
#                              (strong) / 50 000 per rank (weak), lbfgs, both states, no
#                              calibration or model; any variable set explicitly still wins
# CSV: the columns of the issue (mode ... oversubscribed), then density, nnz, evaluations,
# compute_mean_s, comm_mean_s, update_max_s, cores, repeat and foreign_load: the CPU (in cores)
# that other processes and the hypervisor took during the run. On a shared machine that number
# says how far a timing can be trusted; the ranks' own busy-waiting in MPI is not counted.
#
#   OUT [out/scaling]          results: scaling.csv, calibration.csv, allreduce.csv, *.png,
#                              runs/*.jsonl (summary lines), runs/*.log (stdout/stderr)
#   DATA_DIR [/tmp/logreg_scaling_data]  generated data; KEEP_DATA=1 keeps and reuses it
#   LOGREG_BUILD [<repo>/build], MPIRUN_ARGS [""] extra mpirun arguments
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/../common.sh
source "$here/../common.sh"

if [ "${PRESET:-}" = wide-sparse ]; then
  : "${FEATURES:=1000000}" "${DENSITY:=1e-4}" "${ROWS:=200000}" "${ROWS_PER_RANK:=50000}"
  : "${SOLVER:=lbfgs}" "${STATES:=replicated partitioned}" "${CALIBRATE:=0}" "${MODEL:=0}"
  : "${OUT:=out/scaling_wide}"
elif [ -n "${PRESET:-}" ]; then
  echo "unknown PRESET '$PRESET' (wide-sparse)" >&2
  exit 2
fi
SOLVER="${SOLVER:-gd}"
STATES="${STATES:-}"
RANKS="${RANKS:-1 2 4 8}"
MODES="${MODES:-strong weak}"
ROWS="${ROWS:-2000000}"
ROWS_PER_RANK="${ROWS_PER_RANK:-250000}"
FEATURES="${FEATURES:-50}"
DENSITY="${DENSITY:-1}"
ITERS="${ITERS:-25}"
LR="${LR:-1.0}"
REPEATS="${REPEATS:-5}"
CAL_REPEATS="${CAL_REPEATS:-3}"
QUIET_BUDGET="${QUIET_BUDGET:-60}"
APPEND="${APPEND:-0}"
CALIBRATE="${CALIBRATE:-1}"
MODEL="${MODEL:-1}"
OUT="${OUT:-out/scaling}"
DATA_DIR="${DATA_DIR:-/tmp/logreg_scaling_data}"
KEEP_DATA="${KEEP_DATA:-0}"
MPIRUN_ARGS="${MPIRUN_ARGS:-}"
SEED=11
if [ -z "${CORES:-}" ]; then
  # physical cores (not hardware threads): distinct (core, socket) pairs
  CORES="$(lscpu -p=CORE,SOCKET 2>/dev/null | grep -v '^#' | sort -u | wc -l)"
  [ "$CORES" -gt 0 ] 2>/dev/null || CORES="$(nproc)"
fi

require_binaries
PY="$(find_python)"
mpi_environment

mkdir -p "$OUT/runs" "$DATA_DIR"
OUT="$(cd "$OUT" && pwd)"
CSV="$OUT/scaling.csv"
CAL="$OUT/calibration.csv"
HEADER="mode,ranks,rows,features,iterations,train_s,time_per_iter_s,compute_max_s,comm_max_s,comm_share,load_s,peak_rss_mb_max,oversubscribed,density,nnz,evaluations,compute_mean_s,comm_mean_s,update_max_s,cores,repeat,foreign_load"
# APPEND=1 keeps the rows of earlier invocations (same settings!): on a busy machine the
# more repeats narrow the median and bring the fastest closer to the undisturbed time. Repeat
# numbers continue.
first_repeat() {  # FILE: 1 + the largest repeat number in FILE (1 when absent or not appending)
  if [ "$APPEND" = 1 ] && [ -s "$1" ]; then
    awk -F, 'NR > 1 && $21 > m { m = $21 } END { print m + 1 }' "$1"
  else
    echo 1
  fi
}
rep0="$(first_repeat "$CSV")"
[ "$rep0" -gt 1 ] || echo "$HEADER" > "$CSV"
cleanup() {
  rm -f "$OUT/runs/model.h5" "$OUT/runs/cfg.yaml"
  if [ "$KEEP_DATA" != 1 ]; then rm -rf "$DATA_DIR"; fi
}
trap cleanup EXIT

load_avg() { cut -d' ' -f1-3 /proc/loadavg; }
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "host: $(hostname), $(nproc) logical CPUs, $CORES physical cores, $(lscpu | sed -n 's/^Model name: *//p')"
  echo "mpirun: $(mpirun --version 2>/dev/null | head -n 1)"
  echo "git: $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?') $(git -C "$here" status --porcelain 2>/dev/null | grep -q . && echo '(dirty tree)')"
  echo "settings: RANKS='$RANKS' ROWS=$ROWS ROWS_PER_RANK=$ROWS_PER_RANK FEATURES=$FEATURES DENSITY=$DENSITY ITERS=$ITERS LR=$LR REPEATS=$REPEATS SOLVER=$SOLVER STATES='$STATES'"
  echo "load average at start: $(load_avg)"
} > "$OUT/meta.txt"
cat "$OUT/meta.txt"

# synth ROWS FEATURES DENSITY -> prints the file; cached by its parameters within DATA_DIR.
synth() {
  local f="$DATA_DIR/synth_${1}x${2}_d${3}_s${SEED}.h5"
  if [ ! -f "$f" ]; then
    "$DATA" synth "$f.tmp.h5" --rows "$1" --features "$2" --density "$3" --seed "$SEED" >&2
    mv "$f.tmp.h5" "$f"
  fi
  echo "$f"
}

# Busy jiffies of the whole machine (user nice system irq softirq steal) from /proc/stat.
cpu_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
CLK_TCK="$(getconf CLK_TCK)"
# GNU time gives the user+sys seconds of mpirun and its ranks (Debian package `time`).
timed() {  # timed FILE CMD...: runs CMD, writes "wall user sys" to FILE when it can
  local f="$1"
  shift
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%e %U %S" -o "$f" "$@"
  else
    rm -f "$f"
    "$@"
  fi
}
[ -x /usr/bin/time ] || echo "note: /usr/bin/time missing (apt-get install time): no foreign_load column" >&2

# wait_quiet: before a run, wait (in 0.3 s samples) while other processes keep more than 0.25 of
# a core busy, within a total budget of QUIET_BUDGET seconds for the whole script.
quiet_left=$((QUIET_BUDGET * 10 / 3))
wait_quiet() {
  local a b waited=0
  while [ "$quiet_left" -gt 0 ]; do
    a="$(cpu_busy)"
    sleep 0.3
    b="$(cpu_busy)"
    # busy jiffies in 0.3 s on an idle machine (we are idle here): <= 0.25 core is quiet
    [ $(((b - a) * 1000)) -le $((75 * CLK_TCK)) ] && break
    quiet_left=$((quiet_left - 1))
    waited=$((waited + 3))
  done
  if [ "$waited" -gt 0 ]; then echo "  (waited $((waited / 10)).$((waited % 10)) s for other processes to go quiet)"; fi
}

# run MODE P FILE REPEAT CSVFILE DENSITY NNZ [STATE]: one training run, one CSV row.
run() {
  local mode="$1" p="$2" file="$3" rep="$4" csv="$5" dens="$6" nnz="$7" state="${8:-}"
  local state_line=""
  if [ -n "$state" ]; then
    mode="${mode}_$state"
    state_line="  state: $state"
  fi
  local tag="${mode}_P${p}_r${rep}"
  local metrics="$OUT/runs/$tag.jsonl"
  rm -f "$metrics"
  cat > "$OUT/runs/cfg.yaml" <<EOF
data:
  train: $file
model:
  l2: 1.0e-4
solver:
  name: $SOLVER
  max_iter: $ITERS
  tol: 1.0e-300        # never met: every run does exactly max_iter iterations
  learning_rate: $LR   # gd: fixed step, one loss+gradient pass per iteration, no line search
$state_line
output:
  model: $OUT/runs/model.h5
  metrics: $metrics
  log_every: 0
EOF
  local stat0 stat1
  wait_quiet
  stat0="$(cpu_busy)"
  # shellcheck disable=SC2086  # MPIRUN_ARGS is a list of words
  if ! timed "$OUT/runs/$tag.time" \
      mpirun -n "$p" $MPIRUN_ARGS "$DIST" "$OUT/runs/cfg.yaml" > "$OUT/runs/$tag.log" 2>&1; then
    echo "run $tag failed:" >&2
    tail -n 20 "$OUT/runs/$tag.log" >&2
    exit 1
  fi
  stat1="$(cpu_busy)"
  "$PY" - "$metrics" "$mode" "$p" "$CORES" "$rep" "$ITERS" "$dens" "$nnz" "$stat0" "$stat1" \
      "$(tail -n 1 "$OUT/runs/$tag.time" 2>/dev/null || echo "1 0 0")" "$CLK_TCK" >> "$csv" <<'EOF'
import json, sys
path, mode, p, cores, rep, iters = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6])
dens, nnz = sys.argv[7], sys.argv[8]
# CPU used by everything else during the run (other users' processes and hypervisor steal), in
# cores: busy jiffies of the machine minus the user+sys time of mpirun and its ranks, over wall.
busy = (float(sys.argv[10]) - float(sys.argv[9])) / float(sys.argv[12])
wall, user, system = (float(v) for v in sys.argv[11].split())
foreign = f"{max(0.0, (busy - user - system) / wall):.2f}" if user + system > 0 else ""
s = [json.loads(l) for l in open(path) if '"summary"' in l][-1]
it = s["iterations"]
if it != iters:
    sys.stderr.write(f"warning: {path}: {it} iterations instead of {iters} ({s['status']})\n")
train = s["train_s"]
row = [mode, p, s["n_samples"], s["n_features"], it, f"{train:.6f}", f"{train / max(it, 1):.6e}",
       f"{s['compute_s']['max']:.6f}", f"{s['comm_s']['max']:.6f}", f"{s['comm_s']['max'] / train:.4f}",
       f"{s['load_s']['max']:.4f}", f"{s['peak_rss_mb']['max']:.1f}", int(p > cores),
       dens, nnz, s["evaluations"], f"{s['compute_s']['mean']:.6f}", f"{s['comm_s']['mean']:.6f}",
       f"{s['update_s']['max']:.6f}", cores, rep, foreign]
print(",".join(str(v) for v in row))
EOF
  tail -n 1 "$csv" | awk -F, '{printf "  %-12s P=%-2s rep %s: %8.4f s/iter  compute %.3f s  comm %.3f s (share %.2f)  load %.2f s  rss %s MB  foreign %.2f cores%s\n", $1, $2, $21, $7, $8, $9, $10, $11, $12, $22, ($13 == 1 ? "  [oversubscribed]" : "")}'
}

nnz_of() {  # rows*features for dense; the stored count for CSR
  "$PY" -c 'import h5py, sys
f = h5py.File(sys.argv[1], "r"); X = f["X"]
print(X["data"].shape[0] if isinstance(X, h5py.Group) else X.shape[0] * X.shape[1])' "$1"
}

t_start=$SECONDS
echo "== data (DATA_DIR=$DATA_DIR)"
declare -A FILE NNZ
for mode in $MODES; do
  for p in $RANKS; do
    case "$mode" in
      strong) rows="$ROWS" ;;
      weak) rows=$((p * ROWS_PER_RANK)) ;;
      *) echo "unknown mode '$mode' (strong or weak)" >&2; exit 2 ;;
    esac
    FILE[$mode,$p]="$(synth "$rows" "$FEATURES" "$DENSITY")"
    NNZ[$mode,$p]="$(nnz_of "${FILE[$mode,$p]}")"
  done
done

echo "== runs: $ITERS gd iterations each, $REPEATS repeat(s), $CORES physical cores"
for rep in $(seq "$rep0" $((rep0 + REPEATS - 1))); do  # interleaved, so a burst of foreign load hits one repeat
  for mode in $MODES; do
    for p in $RANKS; do
      for state in ${STATES:-""}; do
        run "$mode" "$p" "${FILE[$mode,$p]}" "$rep" "$CSV" "$DENSITY" "${NNZ[$mode,$p]}" "$state"
      done
    done
  done
done

if [ "$CALIBRATE" = 1 ]; then
  echo "== calibration for perf_model.py"
  cal0="$(first_repeat "$CAL")"
  [ "$cal0" -gt 1 ] || echo "$HEADER" > "$CAL"
  # 1-rank runs that separate the costs perf_model.py needs (with the strong P=1 run above):
  # calib_dense  200k x 500 dense: same bytes as 2M x 50, a tenth of the rows -> cost per row
  #              (sigmoid, log-loss, margins) versus cost per element of X;
  # calib_sparse 200k x 1e6 CSR, 100 non-zeros per row (2e7 nnz): cost per non-zero at d = 1e6,
  #              where the 8 MB vectors w and Xᵀr miss the caches on every non-zero;
  # calib_wide   2000 x 1e6 CSR (2e5 nnz): dominated by the O(d) vector work of an iteration.
  for spec in "calib_dense 200000 500 1" "calib_sparse 200000 1000000 1e-4" "calib_wide 2000 1000000 1e-4"; do
    read -r mode rows feats dens <<< "$spec"
    f="$(synth "$rows" "$feats" "$dens")"
    for rep in $(seq "$cal0" $((cal0 + CAL_REPEATS - 1))); do
      run "$mode" 1 "$f" "$rep" "$CAL" "$dens" "$(nnz_of "$f")"
    done
  done
  # (3) MPI_Allreduce latency and bandwidth between 2 ranks of this machine (shared memory).
  if command -v mpicc > /dev/null; then
    mpicc -O2 -o "$OUT/runs/allreduce_bench" "$here/allreduce_bench.c"
    ar_ranks=2
    [ "$CORES" -lt 2 ] && ar_ranks=1
    # shellcheck disable=SC2086
    mpirun -n "$ar_ranks" $MPIRUN_ARGS "$OUT/runs/allreduce_bench" > "$OUT/allreduce.csv"
    rm -f "$OUT/runs/allreduce_bench"
    echo "  allreduce micro-benchmark on $ar_ranks ranks -> $OUT/allreduce.csv"
  else
    echo "  mpicc not found: no allreduce micro-benchmark (perf_model.py will use assumed α, β)"
  fi
fi
echo "load average at end: $(load_avg)" >> "$OUT/meta.txt"

echo "== plots"
"$PY" "$here/plot_scaling.py" "$CSV" --out "$OUT"
if [ "$MODEL" = 1 ]; then
  echo "== performance model"
  model_args=(--csv "$CSV" --png "$OUT/perf_model_efficiency.png")
  [ -f "$CAL" ] && model_args+=(--calibration "$CAL")
  [ -f "$OUT/allreduce.csv" ] && model_args+=(--allreduce "$OUT/allreduce.csv")
  "$PY" "$here/perf_model.py" "${model_args[@]}" | tee "$OUT/perf_model.txt"
fi
echo "done in $((SECONDS - t_start)) s: $CSV"
