#!/usr/bin/env bash
# A one-node Slurm on this machine (Debian 12, as root, no systemd), and the three requeue
# scenarios of scripts/slurm/logreg_dist.sbatch run through it with both launchers.
#
#   bash scripts/slurm/local_cluster.sh            # install, start, run the scenarios (≈ 5 min)
#   bash scripts/slurm/local_cluster.sh --setup    # install and start the daemons only
#   bash scripts/slurm/local_cluster.sh --stop     # stop the daemons this script started
#   bash scripts/slurm/local_cluster.sh --scenarios  # the scenarios only (daemons up)
#
# NOT part of .ci/run: it installs packages (apt-get: slurm-wlm, munge; Open MPI's and Slurm's
# PMIx support come with them) and starts system daemons (munged, slurmctld, slurmd) in the
# background. Idempotent: installed packages, a running daemon and an unchanged slurm.conf are
# left alone. Every scenario × launcher must end with a model within 1e-12 (relative) of an
# uninterrupted run, and the job log must never call an exit 75 a failure.
#
# Scenarios (each a fresh job that is interrupted, then resumes and finishes):
#   usr1     `scancel --signal=USR1 --batch JOB` mid-run: the script forwards it, the ranks
#            checkpoint and exit 75, the script runs `scontrol requeue`;
#   timelim  `--signal=B:USR1@50 --time=1`: Slurm itself warns ahead of the 1-minute limit (here
#            1–27 s after each start, requeued ones included, so a ≈ 50 s run is interrupted
#            once or more);
#   requeue  `scontrol requeue JOB` mid-run: Slurm sends SIGTERM to the batch shell and the step,
#            the ranks checkpoint and exit 75, Slurm requeues the job by itself.
# Then one job with LAUNCHER="srun --mpi=none" must end with "launch failed", not a data error.
#
# Environment: LOGREG_BUILD (default <repo>/build; the binaries are built there if missing),
# WORK (scratch, default /tmp/logreg_slurm_local), SCENARIOS and LAUNCHERS (space-separated
# subsets of "usr1 timelim requeue" and "srun mpirun"; empty: only the launch-failure check).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
BUILD="${LOGREG_BUILD:-$repo/build}"
WORK="${WORK:-/tmp/logreg_slurm_local}"
SCENARIOS="${SCENARIOS-usr1 timelim requeue}"
LAUNCHERS="${LAUNCHERS-srun mpirun}"
PY=/usr/bin/python3
STATE=/var/lib/logreg_slurm_local # pid files and logs of the daemons started here
NODE="$(hostname -s)"

say() { echo "[$(date '+%T')] $*"; }
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

install_packages() {
  local missing=()
  for p in slurm-wlm munge slurm-client; do
    dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    say "apt-get install ${missing[*]}"
    apt-get update -q || true # the Debian archive only; a failed extra index is not fatal
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
  # srun --mpi=pmix needs Slurm's mpi_pmix plugin (shipped by slurm-wlm-basic-plugins, linked
  # against libpmix2) and an Open MPI built with PMIx (Debian's is: --with-pmix).
  ls /usr/lib/x86_64-linux-gnu/slurm-wlm/mpi_pmix*.so > /dev/null 2>&1 ||
    say "warning: no mpi_pmix plugin: srun can only launch Open MPI ranks with pmi2, if at all"
}

write_config() {
  # One node: this host, its CPUs and memory as slurmd -C reports them. No systemd or cgroups
  # in a container: processes are tracked by their parent (linuxproc), tasks are not bound.
  local hw
  hw="$(slurmd -C | head -n 1 | sed 's/^NodeName=[^ ]* //')"
  mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm "$STATE"
  cat > "$STATE/slurm.conf.new" << EOF
# Written by scripts/slurm/local_cluster.sh: a one-node test cluster.
ClusterName=logreg-local
SlurmctldHost=$NODE
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
# A requeued job may start again only after the job credential expires (default 120 s).
AuthInfo=cred_expire=10
# MpiDefault=none as on the user's cluster: the template must choose --mpi itself.
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
# Look at pending jobs every 2 s (default 60 s): a requeued job starts again within seconds.
SchedulerParameters=sched_interval=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobRequeue=1
ReturnToService=2
KillWait=30
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=$NODE NodeAddr=127.0.0.1 $hw State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
  if cmp -s "$STATE/slurm.conf.new" /etc/slurm/slurm.conf; then
    rm "$STATE/slurm.conf.new"
    return 1 # unchanged
  fi
  mv "$STATE/slurm.conf.new" /etc/slurm/slurm.conf
  say "wrote /etc/slurm/slurm.conf"
  return 0
}

running() { [ -f "$STATE/$1.pid" ] && kill -0 "$(cat "$STATE/$1.pid")" 2> /dev/null; }

start_daemons() {
  local changed=$1
  # Seen in a container here: /dev/null had become a regular file (something had removed the
  # device and a redirection recreated it), and munged refuses to start ("Failed to open
  # /dev/null: Permission denied"). Restore the device.
  if [ ! -c /dev/null ]; then
    say "/dev/null is not a character device: recreating it"
    rm -f /dev/null
    mknod -m 666 /dev/null c 1 3
  fi
  if [ "$changed" = 1 ]; then stop_daemons quiet; fi
  mkdir -p /run/munge
  chown munge:munge /run/munge
  if ! { [ -f /run/munge/munged.pid ] && kill -0 "$(cat /run/munge/munged.pid)" 2> /dev/null; }; then
    say "starting munged"
    runuser -u munge -- /usr/sbin/munged
    cp /run/munge/munged.pid "$STATE/munged.pid" # started here: --stop ends it
  fi
  munge -n | unmunge > /dev/null || fail "munge does not work"
  if ! running slurmctld; then
    say "starting slurmctld"
    slurmctld -i # -i: ignore a state file from an older configuration
  fi
  if ! running slurmd; then
    say "starting slurmd"
    slurmd
  fi
  local t0=$SECONDS
  until sinfo -h -o '%T' 2> /dev/null | grep -q -E '^(idle|mixed|allocated)'; do
    [ $((SECONDS - t0)) -le 60 ] || fail "node not idle after 60 s: $(sinfo 2>&1); $(tail -n 5 /var/log/slurm/slurmd.log)"
    sleep 1
  done
  say "cluster up: $(sinfo -h -o '%P %D %T %c CPUs' | head -n 1); srun --mpi=list: $(srun --mpi=list 2>&1 | tr -s '\n ' ' ')"
}

stop_daemons() {
  local d
  for d in slurmd slurmctld munged; do
    [ "$d" != munged ] || [ "${1:-}" != quiet ] || continue
    if running "$d"; then
      [ "${1:-}" = quiet ] || say "stopping $d"
      local pid t0=$SECONDS
      pid="$(cat "$STATE/$d.pid")"
      kill "$pid"
      while kill -0 "$pid" 2> /dev/null && [ $((SECONDS - t0)) -le 20 ]; do sleep 0.2; done
    fi
  done
  [ "${1:-}" = quiet ] || rm -f "$STATE/munged.pid"
}

build_binaries() {
  [ -x "$BUILD/logreg_dist" ] && [ -x "$BUILD/logreg_data" ] && return 0
  say "building logreg_dist and logreg_data in $BUILD"
  local cache=()
  command -v ccache > /dev/null &&
    cache=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  cmake -S "$repo" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release "${cache[@]}" > /dev/null
  cmake --build "$BUILD" -j "$(nproc)" --target logreg_dist logreg_data > /dev/null
}

# The problem: 200k × 40 dense, gd with tol 1e-300 (runs every iteration), checkpoint every 50.
# "short" (usr1, requeue: interrupted once the metrics show iteration 20) and "long" (timelim:
# lasts longer than the time until Slurm's warning, so the warning comes mid-run).
ITER_SHORT="${ITER_SHORT:-800}"
ITER_LONG="${ITER_LONG:-2500}"
prepare_problem() {
  mkdir -p "$WORK"
  [ -f "$WORK/data.h5" ] ||
    "$BUILD/logreg_data" synth "$WORK/data.h5" --rows 200000 --features 40 --seed 3 > /dev/null
  cat > "$WORK/config.yaml" << EOF
data:
  train: $WORK/data.h5
solver:
  name: gd
  max_iter: $ITER_SHORT
  tol: 1.0e-300
  learning_rate: 1.0
output:
  log_every: 100
checkpoint:
  every: 50
  resume: auto
EOF
  local n
  for n in "$ITER_SHORT" "$ITER_LONG"; do
    [ -f "$WORK/reference-$n.h5" ] && continue
    say "reference: uninterrupted run, $n iterations, mpirun -n 2 outside Slurm"
    mpirun -n 2 "$BUILD/logreg_dist" "$WORK/config.yaml" --set solver.max_iter="$n" \
      --set output.model="$WORK/reference-$n.h5" | grep '^time:'
  done
}

job_field() { scontrol show job "$1" 2> /dev/null | grep -o -m 1 "$2=[^ ]*" | cut -d= -f2; }

rel_difference() { # MODEL REFERENCE: max |θ − θ_ref| / max |θ_ref|
  "$PY" - "$1" "$2" << 'EOF' 2>&1 | tail -n 1
import sys, h5py, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
ta = np.append(a["coef"][()], a["intercept"][()]); tb = np.append(b["coef"][()], b["intercept"][()])
print(f"{np.max(np.abs(ta - tb)) / np.max(np.abs(tb)):.1e}")
EOF
}

wait_for_iteration() { # DIR N T0
  local last=""
  until [ -n "$last" ] && [ "$last" -ge "$2" ]; do
    last=$(grep -ho '"iter":[0-9]*' "$1/metrics.jsonl.partial" 2> /dev/null | tail -n 1 | cut -d: -f2 || true)
    [ $((SECONDS - $3)) -le 120 ] || fail "iteration $2 not reached in 120 s: $(tail -n 5 "$1/job.out")"
    sleep 0.2
  done
}

# run_case SCENARIO LAUNCHER: one job, interrupted once (timelim: maybe more), until it finishes.
run_case() {
  local scenario=$1 launcher=$2 dir="$WORK/$1-$2" iter=$ITER_SHORT extra=() env=ALL job t0
  if [ "$scenario" = timelim ]; then
    iter=$ITER_LONG
    extra=(--time=1 --signal=B:USR1@50)
  fi
  [ "$launcher" = mpirun ] && env="ALL,LAUNCHER=mpirun"
  rm -rf "$dir"
  mkdir -p "$dir"
  t0=$SECONDS
  job=$(sbatch --parsable --nodes=1 --ntasks=2 --ntasks-per-node=2 --time=10 "${extra[@]}" \
    --output="$dir/job.out" --chdir="$dir" --export="$env,LOGREG_DIST=$BUILD/logreg_dist" \
    "$here/logreg_dist.sbatch" "$WORK/config.yaml" --set solver.max_iter="$iter" \
    --set output.model="$dir/model.h5" --set output.metrics="$dir/metrics.jsonl" \
    --set checkpoint.path="$dir/ckpt.h5") || fail "$scenario/$launcher: sbatch failed"
  case "$scenario" in
    usr1)
      wait_for_iteration "$dir" 20 "$t0"
      scancel --signal=USR1 --batch "$job"
      ;;
    requeue)
      wait_for_iteration "$dir" 20 "$t0"
      scontrol requeue "$job"
      ;;
  esac
  local state=""
  while true; do
    state=$(job_field "$job" JobState)
    case "$state" in
      COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE) break ;;
    esac
    [ $((SECONDS - t0)) -le 300 ] || fail "$scenario/$launcher: job $job still $state after 300 s"
    sleep 1
  done
  local restarts rel problems=() verdict=ok how
  restarts=$(job_field "$job" Restarts)
  rel=$(rel_difference "$dir/model.h5" "$WORK/reference-$iter.h5")
  [ "$state" = COMPLETED ] || problems+=("job state $state")
  [ "${restarts:-0}" -ge 1 ] || problems+=("never interrupted (Restarts=$restarts)")
  "$PY" -c "import sys; sys.exit(0 if float(sys.argv[1]) <= 1e-12 else 1)" "$rel" 2> /dev/null ||
    problems+=("model differs: $rel")
  grep -q "^resuming from $dir/ckpt.h5" "$dir/job.out" || problems+=("no resume in the log")
  # The ranks' own last words reach the log on every interruption (they did not with a filter
  # or an mpirun that died of Slurm's SIGTERM).
  [ "$(grep -c '^stopped by a signal after iteration' "$dir/job.out")" = "${restarts:-0}" ] ||
    problems+=("$(grep -c '^stopped by a signal' "$dir/job.out") 'stopped by a signal' lines for $restarts restarts")
  if [ "$scenario" = requeue ] && ! grep -q '^checkpointed on SIGTERM; Slurm is requeueing' "$dir/job.out"; then
    problems+=("the log does not say that Slurm requeues")
  fi
  if grep -q -i -E 'fail|non-zero exit code|non-zero status|exit code 75' "$dir/job.out"; then
    problems+=("the log reads like a failure: $(grep -i -E -m 1 'fail|non-zero|exit code 75' "$dir/job.out")")
  fi
  [ "${#problems[@]}" -eq 0 ] || verdict="FAIL (${problems[*]})"
  # The script's verdicts of the runs, e.g. "1 checkpointed; requeueing job 7;1 training finished".
  how=$(grep -E '^(checkpointed|training finished|launch failed|training failed)' "$dir/job.out" |
    sed -e 's/ (restart [0-9]*)//' -e 's/[:(].*//' | uniq -c | sed 's/^ *//' |
    paste -s -d ';' -)
  printf '%-8s %-6s job %-4s %-9s restarts %-2s %4ss  rel %-8s %s | %s\n' "$scenario" "$launcher" \
    "$job" "$state" "$restarts" $((SECONDS - t0)) "$rel" "$verdict" "$how" | tee -a "$WORK/results.txt"
  [ "$verdict" = ok ]
}

# The user-reported case: srun without PMI (MpiDefault=none and an explicit --mpi=none). Open MPI
# cannot start; the log must say "launch failed", not blame the data.
check_launch_failure() {
  local dir="$WORK/launch-failure" job state t0=$SECONDS
  rm -rf "$dir"
  mkdir -p "$dir"
  job=$(sbatch --parsable --nodes=1 --ntasks=2 --ntasks-per-node=2 --time=2 --output="$dir/job.out" --chdir="$dir" \
    --export="ALL,LOGREG_DIST=$BUILD/logreg_dist,LAUNCHER=srun --mpi=none" \
    "$here/logreg_dist.sbatch" "$WORK/config.yaml" --set checkpoint.path=null) ||
    fail "sbatch failed"
  while true; do
    state=$(job_field "$job" JobState)
    case "$state" in PENDING | RUNNING | COMPLETING | CONFIGURING | "") ;; *) break ;; esac
    [ $((SECONDS - t0)) -le 120 ] || fail "launch-failure job $job still $state after 120 s"
    sleep 1
  done
  local verdict
  verdict=$(grep -m 1 -E '^(launch failed|training failed)' "$dir/job.out" || true)
  printf '%-15s job %-4s %-9s %4ss  %s\n' "srun --mpi=none" "$job" "$state" $((SECONDS - t0)) \
    "${verdict:0:90}…" | tee -a "$WORK/results.txt"
  [[ "$verdict" == "launch failed"* ]]
}

run_scenarios() {
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
  build_binaries
  prepare_problem
  : > "$WORK/results.txt"
  local s l failed=0
  for s in $SCENARIOS; do
    for l in $LAUNCHERS; do
      run_case "$s" "$l" || failed=1
    done
  done
  check_launch_failure || failed=1
  [ "$failed" = 0 ] || fail "see $WORK/results.txt and the job logs $WORK/<scenario>-<launcher>/job.out"
  echo "PASS: local_cluster (job logs in $WORK/<scenario>-<launcher>/job.out)"
}

setup() {
  install_packages
  local changed=0
  write_config && changed=1
  start_daemons "$changed"
}

case "${1:-}" in
  --stop) stop_daemons ;;
  --setup) setup ;;
  --scenarios) run_scenarios ;;
  "")
    setup
    run_scenarios
    ;;
  *) fail "usage: $0 [--setup | --scenarios | --stop]" ;;
esac
