#!/usr/bin/env bash
# Runs scripts/slurm/logreg_dist.sbatch outside Slurm, to test its control flow on a workstation:
# the batch script itself is executed (its #SBATCH lines are comments to bash) with
# LAUNCHER="mpirun -n 2" instead of srun and a stand-in `scontrol` on PATH that records its
# arguments. What Slurm would do is done by hand:
#
#   1. "time-limit warning": SIGUSR1 to the batch shell (as --signal=B:USR1@300 does) once the
#      run has passed iteration 20 → expect exit 75, a checkpoint, no model, `scontrol requeue`;
#   2. "requeued start": the same script again (SLURM_RESTART_COUNT=1) → expect it to resume from
#      the checkpoint and finish with exit 0, and the model to equal an uninterrupted run's;
#   3. "scancel": SIGTERM to the batch shell of a fresh run → expect exit 75 and NO requeue;
#   4. failures: a trainer that cannot be started (LOGREG_DIST=/nonexistent) → "launch failed";
#      a missing data file → "training failed (exit 1 …)". The log never calls an exit 75 a
#      failure and never shows mpirun's "non-zero exit code" banner for it.
#
#   bash scripts/slurm/simulate_requeue.sh        # about 30 s on 2 cores
#
# Environment: LOGREG_BUILD (default <repo>/build), SIM_DIR (scratch, default
# /tmp/logreg_slurm_sim, removed at the end unless KEEP=1).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=SCRIPTDIR/../common.sh
source "$here/../common.sh"
SIM_DIR="${SIM_DIR:-/tmp/logreg_slurm_sim}"
KEEP="${KEEP:-0}"
require_binaries
PY="$(find_python)"
mpi_environment

rm -rf "$SIM_DIR"
mkdir -p "$SIM_DIR/bin"
cd "$SIM_DIR"
[ "$KEEP" = 1 ] || trap 'cd /; rm -rf "$SIM_DIR"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Stand-in for Slurm's scontrol: answers `show job` with the state of a cancelled job (the
# script asks after a SIGTERM), records every other call.
cat > bin/scontrol <<'EOF'
#!/bin/sh
if [ "$1" = show ]; then echo "JobId=4242 JobName=logreg_dist JobState=CANCELLED Reason=None"; exit 0; fi
echo "$*" >> "$(dirname "$0")/../scontrol.log"
EOF
chmod +x bin/scontrol
: > scontrol.log

"$DATA" synth data.h5 --rows 400000 --features 40 --seed 3 | tail -n 1
cat > config.yaml <<EOF
data:
  train: $SIM_DIR/data.h5
solver:
  name: gd
  max_iter: 300
  tol: 1.0e-300        # run all 300 iterations
  learning_rate: 1.0
output:
  model: $SIM_DIR/out/model.h5
  metrics: $SIM_DIR/out/metrics.jsonl
  log_every: 1
checkpoint:
  path: $SIM_DIR/ckpt/ckpt.h5
  every: 10
  resume: auto
EOF

# batch RESTART_COUNT: the batch script as Slurm would start it (job id 4242), in the background.
batch() {
  SLURM_JOB_ID=4242 SLURM_RESTART_COUNT="$1" SLURM_JOB_NUM_NODES=1 SLURM_NTASKS=2 \
    LAUNCHER="mpirun -n 2" LOGREG_DIST="$DIST" PATH="$SIM_DIR/bin:$PATH" \
    bash "$here/logreg_dist.sbatch" "$SIM_DIR/config.yaml" >> "$SIM_DIR/job.out" 2>&1 &
  BATCH_PID=$!
}
wait_for_iteration() {  # N: until the metrics file shows iteration N (the run is in its loop)
  local t0=$SECONDS last
  while true; do
    last=$(grep -ho '"iter":[0-9]*' out/metrics.jsonl.partial 2> /dev/null | tail -n 1 | cut -d: -f2 || true)
    [ -n "$last" ] && [ "$last" -ge "$1" ] && return 0
    kill -0 "$BATCH_PID" 2> /dev/null || fail "the run ended before iteration $1: $(tail -n 20 job.out)"
    [ $((SECONDS - t0)) -le 120 ] || fail "iteration $1 not reached within 120 s"
    sleep 0.05
  done
}

echo "== reference: uninterrupted run (no checkpoint)"
mpirun -n 2 "$DIST" config.yaml --set checkpoint.path=null --set output.model="$SIM_DIR/reference.h5" \
  --set output.metrics=null --set output.log_every=0 | tail -n 3

echo "== 1. first start; SIGUSR1 to the batch shell at iteration >= 20 (Slurm: --signal=B:USR1@300)"
t0=$SECONDS
batch 0
wait_for_iteration 20
kill -USR1 "$BATCH_PID"
rc=0
wait "$BATCH_PID" || rc=$?
echo "   batch script exit status $rc after $((SECONDS - t0)) s"
[ "$rc" -eq 75 ] || fail "expected exit 75, got $rc: $(tail -n 20 job.out)"
[ -f ckpt/ckpt.h5 ] || fail "no checkpoint"
[ ! -e out/model.h5 ] || fail "an interrupted run wrote the model"
grep -q "^requeue 4242$" scontrol.log || fail "scontrol requeue was not called: $(cat scontrol.log)"
stopped=$(grep -o 'stopped by a signal after iteration [0-9]*' job.out | grep -o '[0-9]*$' | tail -n 1)
echo "   ok: ranks stopped after iteration $stopped, checkpoint written, no model," \
  "scontrol called with: $(tail -n 1 scontrol.log)"

echo "== 2. requeued start (SLURM_RESTART_COUNT=1): resumes and finishes"
batch 1
rc=0
wait "$BATCH_PID" || rc=$?
echo "   batch script exit status $rc"
[ "$rc" -eq 0 ] || fail "expected exit 0, got $rc: $(tail -n 20 job.out)"
grep -q "resuming from $SIM_DIR/ckpt/ckpt.h5 at iteration $stopped" job.out || fail "did not resume at $stopped"
[ "$(wc -l < scontrol.log)" -eq 1 ] || fail "a finished run called scontrol again"
"$PY" - "$SIM_DIR" <<'EOF' || fail "resumed model differs from the uninterrupted one"
import json, sys, h5py, numpy as np
d = sys.argv[1]
a, b = h5py.File(f"{d}/out/model.h5", "r"), h5py.File(f"{d}/reference.h5", "r")
ta = np.append(a["coef"][()], a["intercept"][()]); tb = np.append(b["coef"][()], b["intercept"][()])
rel = np.max(np.abs(ta - tb)) / np.max(np.abs(tb))
status = [json.loads(l)["status"] for l in open(f"{d}/out/metrics.jsonl") if '"summary"' in l]
print(f"   ok: model after {int(a.attrs['iterations'])} iterations; max |θ − θ_uninterrupted| / max|θ| = {rel:.1e};"
      f" metrics summaries: {status}")
sys.exit(0 if rel <= 1e-12 and status == ["interrupted", "max_iter"] else 1)
EOF

echo "== 3. scancel: SIGTERM to the batch shell of a fresh run → exit 75, no requeue"
rm -rf ckpt out
: > scontrol.log
batch 0
wait_for_iteration 20
kill -TERM "$BATCH_PID"
rc=0
wait "$BATCH_PID" || rc=$?
[ "$rc" -eq 75 ] || fail "expected exit 75, got $rc: $(tail -n 20 job.out)"
[ ! -s scontrol.log ] || fail "requeued after SIGTERM: $(cat scontrol.log)"
[ -f ckpt/ckpt.h5 ] || fail "no checkpoint after SIGTERM"
echo "   ok: exit 75, checkpoint written, scontrol not called"

echo "== 4. failures: the launcher cannot start the trainer; the trainer cannot read the data"
fresh_log() { # the batch script in the foreground, its output in $1
  SLURM_JOB_ID=4243 SLURM_RESTART_COUNT=0 LAUNCHER="mpirun -n 2" PATH="$SIM_DIR/bin:$PATH" \
    bash "$here/logreg_dist.sbatch" "$@" > "$SIM_DIR/fail.out" 2>&1
}
rc=0
LOGREG_DIST=/nonexistent/logreg_dist fresh_log config.yaml || rc=$?
grep -q "^launch failed (exit $rc)" fail.out || fail "no launch failure reported (exit $rc): $(cat fail.out)"
echo "   ok: exit $rc, $(grep '^launch failed' fail.out | cut -c1-60)…"
rc=0
LOGREG_DIST="$DIST" fresh_log config.yaml --set data.train="$SIM_DIR/missing.h5" || rc=$?
grep -q "^training failed (exit 1: " fail.out || fail "no training failure reported (exit $rc): $(cat fail.out)"
grep -q "logreg_dist: error: data.train" fail.out || fail "the trainer's error is not in the log: $(cat fail.out)"
echo "   ok: exit $rc, $(grep '^training failed' fail.out | cut -c1-60)…"
if grep -n -E 'fail|non-zero exit code|non-zero status' job.out; then
  fail "the log of the exit-75 runs above reads like a failure"
fi
echo "   ok: job.out (two exit-75 runs) has no \"fail\" nor a non-zero-exit banner"

echo "== the batch log (job.out), as Slurm would append it across requeues:"
grep -E '^\[|stopped by a signal|resuming from|requeueing|checkpointed|training finished' job.out | sed 's/^/   /'
echo "PASS: simulate_requeue"
