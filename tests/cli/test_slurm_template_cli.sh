#!/usr/bin/env bash
# scripts/slurm/logreg_dist.sbatch without Slurm or MPI: stand-in `srun`, `mpirun` and `scontrol`
# on PATH play the launchers' parts (docs/scaling.md, "Running on a Slurm cluster"): the choice of
# srun's --mpi from `srun --mpi=list`, launch failure vs training failure, and no failure-looking
# launcher lines for an exit 75. The real daemons: scripts/slurm/local_cluster.sh (not in CI).
source "$(dirname "$0")/lib.sh"
SBATCH="$SOURCE_DIR/scripts/slurm/logreg_dist.sbatch"
mkdir bin
export FAKE_DIR="$WORK"

cat > bin/srun << 'EOF'
#!/bin/bash
if [ "$1" = "--mpi=list" ]; then printf 'MPI plugin types are...\n\tnone\n%b' "$FAKE_MPI_LIST"; exit 0; fi
echo "$*" > "$FAKE_DIR/launcher.args"
case "$FAKE_MODE" in
  nopmi)
    echo "*** An error occurred in MPI_Init" >&2
    echo "srun: error: vm: tasks 0-1: Exited with exit code 1" >&2
    exit 1 ;;
  data)
    echo "logreg_dist: error: data.train: file not found: /x.h5" >&2
    echo "srun: error: vm: task 0: Exited with exit code 1" >&2
    exit 1 ;;
  ckpt)
    echo "logreg_dist 0.4.0: 10 rows x 2 features"
    echo "stopped by a signal after iteration 3"
    echo "srun: error: vm: tasks 0-1: Exited with exit code 75" >&2
    exit 75 ;;
esac
EOF
cat > bin/mpirun << 'EOF'
#!/bin/bash
echo "$*" > "$FAKE_DIR/launcher.args"
echo "logreg_dist 0.4.0: 10 rows x 2 features"
dashes=--------------------------------------------------------------------------
printf '%s\nPrimary job  terminated normally, but 1 process returned\na non-zero exit code. Per user-direction, the job has been aborted.\n%s\n' $dashes $dashes >&2
printf '%s\nmpirun detected that one or more processes exited with non-zero status, thus causing\nthe job to be terminated. The first process to do so was:\n\n  Process name: [[1,1],0]\n  Exit code:    %s\n%s\n' $dashes "$FAKE_CODE" $dashes >&2
exit "$FAKE_CODE"
EOF
cat > bin/scontrol << 'EOF'
#!/bin/sh
[ "$1" = show ] && exit 0
echo "$*" >> "$FAKE_DIR/scontrol.log"
EOF
chmod +x bin/*

# batch EXPECTED_RC [VAR=VALUE...]: the template, as Slurm would start it, output in job.out.
batch() {
  local want=$1 rc=0
  shift
  rm -f launcher.args scontrol.log
  env SLURM_JOB_ID=77 SLURM_RESTART_COUNT=0 PATH="$WORK/bin:$PATH" LOGREG_DIST=logreg_dist "$@" \
    bash "$SBATCH" config.yaml > job.out 2>&1 || rc=$?
  [ "$rc" -eq "$want" ] || fail "expected exit $want, got $rc ($*): $(cat job.out)"
}
no_failure_words() {
  ! grep -n -i -E 'fail|non-zero|exit code 75' job.out || fail "exit 75 reads like a failure: $(cat job.out)"
}

batch 75 FAKE_MODE=ckpt FAKE_MPI_LIST='\tpmi2\n\tpmix\n\tcray_shasta\n'
grep -q -- '--mpi=pmix' launcher.args || fail "pmix not chosen: $(cat launcher.args)"
grep -q '^checkpointed; requeueing job 77' job.out || fail "no requeue message: $(cat job.out)"
grep -q '^requeue 77$' scontrol.log || fail "scontrol requeue not called"
no_failure_words
# The step's lines come before the script's own verdict.
[ "$(grep -n 'stopped by a signal' job.out | cut -d: -f1)" -lt "$(grep -n 'step ended' job.out | cut -d: -f1)" ] ||
  fail "step output after the verdict: $(cat job.out)"
echo "ok: srun, pmix offered → --mpi=pmix; exit 75 → requeue, srun's 'Exited with exit code 75' dropped"

batch 75 FAKE_MODE=ckpt FAKE_MPI_LIST='\tpmi2\n'
grep -q -- '--mpi=pmi2' launcher.args || fail "pmi2 not chosen: $(cat launcher.args)"
batch 75 FAKE_MODE=ckpt FAKE_MPI_LIST='\tpmix\n' SLURM_MPI_TYPE=pmi2
! grep -q -- '--mpi' launcher.args || fail "--mpi added despite SLURM_MPI_TYPE: $(cat launcher.args)"
batch 75 FAKE_MODE=ckpt FAKE_MPI_LIST='\tpmix\n' LAUNCHER="srun --mpi=pmi2"
[ "$(grep -o -- '--mpi=[a-z0-9]*' launcher.args)" = "--mpi=pmi2" ] || fail "LAUNCHER's --mpi not kept: $(cat launcher.args)"
echo "ok: pmi2 when pmix is missing; SLURM_MPI_TYPE or a --mpi in LAUNCHER wins"

batch 1 FAKE_MODE=nopmi FAKE_MPI_LIST=''
grep -q '^launch failed (exit 1): no rank started' job.out || fail "no launch failure: $(cat job.out)"
! grep -q 'training failed' job.out || fail "a launch failure blamed on training: $(cat job.out)"
batch 1 FAKE_MODE=data FAKE_MPI_LIST='\tpmix\n'
grep -q '^training failed (exit 1: 1 data/runtime' job.out || fail "no training failure: $(cat job.out)"
grep -q 'Exited with exit code 1$' job.out || fail "srun's report of exit 1 was dropped: $(cat job.out)"
echo "ok: no trainer line → 'launch failed'; a trainer error → 'training failed (exit 1 …)'"

batch 75 LAUNCHER=mpirun FAKE_CODE=75
grep -q '^checkpointed; requeueing job 77' job.out || fail "no requeue message: $(cat job.out)"
no_failure_words
batch 3 LAUNCHER="mpirun -n 2" FAKE_CODE=3
[ "$(grep -c -- '------' job.out)" -eq 4 ] || fail "mpirun's banners for exit 3 were dropped: $(cat job.out)"
grep -q 'Exit code:    3' job.out || fail "exit code 3 banner missing: $(cat job.out)"
grep -q '^training failed (exit 3' job.out || fail "no training failure: $(cat job.out)"
grep -q -- '-n 2 logreg_dist config.yaml' launcher.args || fail "mpirun arguments: $(cat launcher.args)"
echo "ok: mpirun's non-zero banners dropped for 75, kept for 3"
