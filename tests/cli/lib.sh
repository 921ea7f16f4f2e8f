# Helpers for the CLI tests (sourced). Env from CTest: LOGREG_DIST, LOGREG_DATA, MPIEXEC.
set -euo pipefail
PY=$(for p in /usr/bin/python3 python3; do "$p" -c 'import numpy, h5py' 2>/dev/null && { echo "$p"; break; }; done)
[ -n "$PY" ] || { echo "FAIL: no python3 with numpy+h5py"; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

fail() { echo "FAIL: $*"; exit 1; }

# run NP ARGS...: runs logreg_dist on NP ranks with a 10 s limit; sets RC, OUT, ERR.
run() {
  local np=$1
  shift
  set +e
  timeout -s KILL 20 "$MPIEXEC" -n "$np" "$LOGREG_DIST" "$@" > out.txt 2> err.txt
  RC=$?
  set -e
  OUT=$(cat out.txt)
  ERR=$(cat err.txt)
  [ "$RC" -ne 137 ] || fail "logreg_dist $* on $np ranks hung (killed after 20 s)"
}

# expect_error NP CODE PATTERN ARGS...: exit CODE, stderr names PATTERN exactly once.
expect_error() {
  local np=$1 code=$2 pattern=$3
  shift 3
  local t0=$SECONDS
  run "$np" "$@"
  [ "$RC" -eq "$code" ] || fail "expected exit $code, got $RC for: $* ($ERR)"
  local n
  n=$(grep -c -F -- "$pattern" err.txt || true)
  [ "$n" -eq 1 ] || fail "expected '$pattern' once in stderr, found $n times: $ERR"
  [ $((SECONDS - t0)) -le 10 ] || fail "took more than 10 s: $*"
  echo "ok: exit $code, '$pattern' ($*)"
}
