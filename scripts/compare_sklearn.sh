#!/usr/bin/env bash
# Time-to-target against scikit-learn: generates a dense synthetic problem with
# `logreg_data synth` (one file), fits scikit-learn's LogisticRegression(solver='lbfgs',
# C = 1/(l2·n)) and times fit(), then runs `mpirun -n RANKS logreg_dist` (lbfgs and newton) and
# reports when each first reaches scikit-learn's final objective within REL (relative).
#
#   bash scripts/compare_sklearn.sh
#   ROWS=200000 FEATURES=50 bash scripts/compare_sklearn.sh
#
# Environment (defaults):
#   ROWS=1000000 FEATURES=100 L2=1e-6 RANKS=2 OUT=out/compare (relative paths: to the repo root)
#   SEED=1            synth seed; the data file is reused when it exists with the same parameters
#   REGEN=1           regenerate the data even if it exists
#   SOLVERS=lbfgs,newton   logreg_dist solvers to run (one row each)
#   TOL=1e-10         logreg_dist solver.tol (‖∇J‖∞), small enough to pass sklearn's objective
#   OUR_MAX_ITER=1000 logreg_dist solver.max_iter
#   SK_TOL=1e-10      sklearn tol (on ‖∇(n·J)‖∞ in sklearn 1.2; its default is 1e-4)
#   LOGREG_KERNELS    passed to logreg_dist as it is: e.g. x86-64-v3 measures the AVX2 kernels on
#                     an AVX-512 host (the summary line names the set used)
#   SK_MAX_ITER=100000  large, so sklearn stops on its own criteria
#   REL=1e-9          target = J_sklearn · (1 + REL)
#   MAX_RATIO=0.2     acceptance limit on (lbfgs time-to-target) / (sklearn fit time), reported
#   STRICT=1          exit 5 when that limit is exceeded (default: report only)
#   LOGREG_BUILD      build directory with logreg_dist and logreg_data (default <repo>/build)
#   WAIT_IDLE=0       seconds to wait at most for the machine to be idle (<10 % CPU over
#                     IDLE_WINDOW=10 seconds) before timing; the report says how much CPU other
#                     processes used during each timed phase either way
#
# The BLAS environment (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, OPENBLAS_CORETYPE, ...) is passed
# to scikit-learn as it is; when OPENBLAS_CORETYPE is set, scikit-learn is fitted a second time
# with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset in that child process alone, and both are
# reported. Output: the report on stdout, $OUT/result.json, and per solver the config, log,
# metrics and model in $OUT.
#
# Exit status: 0 done; 1 a step failed or a logreg_dist run never reached the target (message on
# stderr); 2 bad environment; 5 (STRICT=1 only) the lbfgs ratio exceeds MAX_RATIO.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/common.sh"

ROWS="${ROWS:-1000000}"
FEATURES="${FEATURES:-100}"
L2="${L2:-1e-6}"
RANKS="${RANKS:-2}"
OUT="${OUT:-out/compare}"
SEED="${SEED:-1}"
REGEN="${REGEN:-0}"
SOLVERS="${SOLVERS:-lbfgs,newton}"
TOL="${TOL:-1e-10}"
OUR_MAX_ITER="${OUR_MAX_ITER:-1000}"
SK_TOL="${SK_TOL:-1e-10}"
SK_MAX_ITER="${SK_MAX_ITER:-100000}"
REL="${REL:-1e-9}"
MAX_RATIO="${MAX_RATIO:-0.2}"
STRICT="${STRICT:-0}"

die() { echo "compare_sklearn: error: $1" >&2; exit "${2:-1}"; }

for v in ROWS FEATURES RANKS SEED OUR_MAX_ITER SK_MAX_ITER; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer, got '${!v}'" 2
done
[[ "${WAIT_IDLE:-0}" =~ ^[0-9]+$ ]] || die "WAIT_IDLE must be a number of seconds, got '$WAIT_IDLE'" 2
[[ "${IDLE_WINDOW:-10}" =~ ^[1-9][0-9]*$ ]] || die "IDLE_WINDOW must be a positive number of seconds, got '$IDLE_WINDOW'" 2

cd "$LOGREG_ROOT"
DATA_TOOL="$LOGREG_BUILD/logreg_data"
DIST="$LOGREG_BUILD/logreg_dist"
for b in "$DATA_TOOL" "$DIST"; do
  [ -x "$b" ] || die "missing $b: build it (cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build --target logreg_dist logreg_data) or set LOGREG_BUILD" 2
done
command -v mpirun >/dev/null || die "mpirun not found (apt-get install openmpi-bin)" 2
PY="$(find_python)" || die "no python3 with numpy and h5py" 2
"$PY" -c 'import sklearn, scipy' 2>/dev/null || die "$PY lacks scikit-learn (apt-get install python3-sklearn)" 2
mpi_environment

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

# The binary is copied, so a concurrent rebuild of $LOGREG_BUILD cannot change it mid-run.
mkdir -p "$OUT/bin"
cp -f "$DIST" "$OUT/bin/logreg_dist"
dist_info="$DIST ($(date -u -r "$DIST" '+%Y-%m-%d %H:%M UTC'), $("$DIST" --version 2>/dev/null | head -n 1))"
DIST="$OUT/bin/logreg_dist"

echo "== compare_sklearn: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "   ROWS=$ROWS FEATURES=$FEATURES L2=$L2 RANKS=$RANKS SEED=$SEED OUT=$OUT"
echo "   logreg_dist: $dist_info"

# --- data: one file, reused when generated with the same parameters ------------------------------
data="$OUT/synth_${ROWS}x${FEATURES}_seed${SEED}.h5"
params="synth --rows $ROWS --features $FEATURES --seed $SEED"
if [ "$REGEN" != 1 ] && [ -f "$data" ] && [ "$(cat "$data.params" 2>/dev/null)" = "$params" ]; then
  echo "[data] reusing $data"
else
  rm -f "$data" "$data.params"
  tmp="$OUT/.tmp_synth_$$.h5"
  trap 'rm -f "$tmp"' EXIT
  t0=$(date +%s.%N)
  "$DATA_TOOL" synth "$tmp" --rows "$ROWS" --features "$FEATURES" --seed "$SEED" >/dev/null \
    || die "logreg_data synth failed"
  mv "$tmp" "$data"
  echo "$params" > "$data.params"
  echo "[data] generated $data in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"
fi


# Busy fraction of all cores over SECONDS, from /proc/stat (user+nice+system+irq+softirq+steal).
busy_fraction() {
  local a b
  a=($(head -n 1 /proc/stat)); sleep "$1"; b=($(head -n 1 /proc/stat))
  awk -v u="$(( b[1]+b[2]+b[3]+b[6]+b[7]+b[8] - a[1]-a[2]-a[3]-a[6]-a[7]-a[8] ))" \
      -v t="$(( b[1]+b[2]+b[3]+b[4]+b[5]+b[6]+b[7]+b[8] - a[1]-a[2]-a[3]-a[4]-a[5]-a[6]-a[7]-a[8] ))" \
      'BEGIN{printf "%.2f", (t > 0 ? u / t : 0)}'
}
# WAIT_IDLE=SECONDS: wait up to that long for the machine to be idle (< 10 % busy over
# IDLE_WINDOW seconds, default 10).
WAIT_IDLE="${WAIT_IDLE:-0}"
IDLE_WINDOW="${IDLE_WINDOW:-10}"
busy="$(busy_fraction 2)"
if [ "$WAIT_IDLE" -gt 0 ]; then
  deadline=$(( $(date +%s) + WAIT_IDLE ))
  busy="$(busy_fraction "$IDLE_WINDOW")"
  while awk -v b="$busy" 'BEGIN{exit !(b >= 0.10)}' && [ "$(date +%s)" -lt "$deadline" ]; do
    busy="$(busy_fraction "$IDLE_WINDOW")"
  done
fi

echo "[machine] CPU busy (all processes, all cores) just before timing: $(awk -v b="$busy" 'BEGIN{printf "%d%%", 100*b}'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
if awk -v b="$busy" 'BEGIN{exit !(b >= 0.10)}'; then
  echo "[machine] WARNING: the machine is busy; the timings below are not reliable (WAIT_IDLE=600 waits for quiet)"
fi

# --- the comparison -------------------------------------------------------------------------------
args=(compare "--data=$data" "--l2=$L2" "--ranks=$RANKS" "--out=$OUT" "--logreg-dist=$DIST"
  "--solvers=$SOLVERS" "--sk-tol=$SK_TOL" "--sk-max-iter=$SK_MAX_ITER" "--our-tol=$TOL"
  "--our-max-iter=$OUR_MAX_ITER" "--rel=$REL" "--max-ratio=$MAX_RATIO")
[ "$STRICT" = 1 ] && args+=(--strict)
set +e
"$PY" "$here/compare_sklearn.py" "${args[@]}"
rc=$?
set -e
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
case $rc in
  0) echo "compare_sklearn: done (result in $OUT/result.json)" ;;
  5) echo "compare_sklearn: FAILED: lbfgs time-to-target exceeds $MAX_RATIO x sklearn's fit time" >&2 ;;
  *) echo "compare_sklearn: FAILED (exit $rc); see the messages above and the logs in $OUT" >&2 ;;
esac
exit $rc
