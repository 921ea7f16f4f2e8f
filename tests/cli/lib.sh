# Helpers for the CLI tests (sourced). Env from CTest: LOGREG_DIST, LOGREG_DATA, MPIEXEC.
set -euo pipefail
PY=$(for p in /usr/bin/python3 python3; do "$p" -c 'import numpy, h5py' 2>/dev/null && { echo "$p"; break; }; done)
[ -n "$PY" ] || { echo "FAIL: no python3 with numpy+h5py"; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

fail() { echo "FAIL: $*"; exit 1; }

# Wall-clock limits (README, "Tests": "Time limits"). They only turn a hang into a failure, so
# they are generous enough for a loaded 2-core CI machine: HANG_S (5 min) for any job or wait,
# and prompt_limit for the documented "a failing job ends promptly" checks. Both are multiplied by
# LOGREG_TEST_TIME_SCALE (default 1; scripts/run_sanitizers.sh sets 6 for instrumented code).
SCALE=${LOGREG_TEST_TIME_SCALE:-1}
HANG_S=$((300 * SCALE))

# prompt_limit BASE: BASE s (the bound on an idle machine) × SCALE × (1 + ⌈load / cores⌉), with
# the 1-minute load average read now, at the check; the 1 + allows for that average lagging
# behind a rise in load.
prompt_limit() {
  awk -v b="$1" -v s="$SCALE" -v n="$(nproc)" \
    '{ f = $1 / n; c = int(f); if (c < f) c++; print b * s * (1 + c) }' /proc/loadavg
}

# run NP ARGS...: runs logreg_dist on NP ranks, killed as hung after HANG_S; sets RC, OUT, ERR.
run() {
  local np=$1
  shift
  set +e
  timeout -s KILL "$HANG_S" "$MPIEXEC" -n "$np" "$LOGREG_DIST" "$@" > out.txt 2> err.txt
  RC=$?
  set -e
  OUT=$(cat out.txt)
  ERR=$(cat err.txt)
  [ "$RC" -ne 137 ] || fail "logreg_dist $* on $np ranks hung (killed after $HANG_S s)"
}

# expect_error NP CODE PATTERN ARGS...: exit CODE, stderr names PATTERN exactly once, the job
# ends within prompt_limit 10.
expect_error() {
  local np=$1 code=$2 pattern=$3
  shift 3
  local t0=$SECONDS
  run "$np" "$@"
  [ "$RC" -eq "$code" ] || fail "expected exit $code, got $RC for: $* ($ERR)"
  local n
  n=$(grep -c -F -- "$pattern" err.txt || true)
  [ "$n" -eq 1 ] || fail "expected '$pattern' once in stderr, found $n times: $ERR"
  local took=$((SECONDS - t0)) limit
  limit=$(prompt_limit 10)
  [ "$took" -le "$limit" ] || fail "took $took s, more than $limit s: $*"
  echo "ok: exit $code, '$pattern' ($*)"
  LAST_MESSAGE=$(grep -F -- "$pattern" err.txt | head -1)
}

# start_bg NP ARGS...: starts logreg_dist on NP ranks in the background; sets BG_PID (mpirun).
start_bg() {
  local np=$1
  shift
  "$MPIEXEC" -n "$np" "$LOGREG_DIST" "$@" > bg_out.txt 2> bg_err.txt &
  BG_PID=$!
}

# wait_bg: waits for the background job (at most HANG_S, then kills it); sets RC.
wait_bg() {
  local t0=$SECONDS
  while kill -0 "$BG_PID" 2> /dev/null; do
    if [ $((SECONDS - t0)) -gt "$HANG_S" ]; then
      kill -9 "$BG_PID"
      fail "background job did not end within $HANG_S s"
    fi
    sleep 0.05
  done
  set +e
  wait "$BG_PID"
  RC=$?
  set -e
}

# wait_for_iteration FILE N: until the live metrics file FILE.partial shows iteration ≥ N.
wait_for_iteration() {
  local file=$1 n=$2 t0=$SECONDS
  while true; do
    local last
    last=$(grep -ho '"iter":[0-9]*' "$file.partial" 2> /dev/null | tail -1 | cut -d: -f2 || true)
    [ -n "$last" ] && [ "$last" -ge "$n" ] && return 0
    kill -0 "$BG_PID" 2> /dev/null || fail "job ended before iteration $n: $(cat bg_out.txt bg_err.txt)"
    [ $((SECONDS - t0)) -le "$HANG_S" ] || fail "iteration $n not reached within $HANG_S s"
    sleep 0.02
  done
}

# compare_models A B TOL: relative difference of [coef; intercept] ≤ TOL.
compare_models() {
  "$PY" - "$1" "$2" "$3" <<'PY'
import h5py, numpy as np, sys
a, b = (h5py.File(p) for p in sys.argv[1:3])
ta = np.append(a["coef"][()], a["intercept"][()]); tb = np.append(b["coef"][()], b["intercept"][()])
rel = np.linalg.norm(ta - tb) / np.linalg.norm(tb)
print(f"  {sys.argv[1]} vs {sys.argv[2]}: relative difference {rel:.2e} (iterations {a.attrs['iterations']} / {b.attrs['iterations']})")
assert rel <= float(sys.argv[3]), rel
PY
}

# write_ok_yaml: ok.yaml, a minimal valid config training on good.h5 (out/model.h5, metrics).
write_ok_yaml() {
  printf 'data:\n  train: good.h5\noutput:\n  model: out/model.h5\n  metrics: out/metrics.jsonl\n' > ok.yaml
}
