#!/usr/bin/env bash
# Batch-job survival: signals, checkpoints, resume on another rank count, kill -9, refusals.
source "$(dirname "$0")/lib.sh"

# Correlated features (cumulative sums): L-BFGS needs a few hundred iterations, long enough to
# interrupt; l2 = 1e-2 keeps it convergent, so every run ends at the same optimum.
"$PY" - <<'PY'
import h5py, numpy as np
rng = np.random.default_rng(11)
X = np.cumsum(rng.standard_normal((300000, 40)), axis=1) / 4
w = rng.standard_normal(40) / 10
y = (rng.random(300000) < 1 / (1 + np.exp(-(X @ w)))).astype(float)
with h5py.File("train.h5", "w") as f: f["X"] = X; f["y"] = y
PY
cat > ck.yaml <<'YAML'
data:
  train: train.h5
model:
  l2: 1.0e-2
solver:
  name: lbfgs
  max_iter: 2000
  tol: 1.0e-12   # θ within ~‖∇J‖/l2 = 1e-10 of the optimum: runs on different paths agree
output:
  model: out/model.h5
  metrics: out/metrics.jsonl
  log_every: 1
checkpoint:
  path: ck/ckpt.h5
  every: 5
YAML

# Reference: uninterrupted, no checkpoint.
run 2 ck.yaml --set checkpoint.path=null --set output.model=out/reference.h5 --set output.metrics=out/ref.jsonl
[ "$RC" -eq 0 ] || fail "reference run: $ERR"
echo "reference: $(grep -o 'converged after [0-9]* iterations' out.txt)"

# 1. SIGUSR1 to mpirun (it forwards SIGUSR1 to the ranks) → checkpoint → exit 75, no model.
start_bg 2 ck.yaml
wait_for_iteration out/metrics.jsonl 20
kill -USR1 "$BG_PID"
wait_bg
[ "$RC" -eq 75 ] || fail "SIGUSR1: expected exit 75, got $RC: $(cat bg_err.txt)"
grep -q "stopped by a signal after iteration" bg_out.txt || fail "no interruption message"
[ -f ck/ckpt.h5 ] || fail "no checkpoint after SIGUSR1"
[ ! -e out/model.h5 ] || fail "an interrupted run wrote a model"
stopped_at=$(grep -o 'stopped by a signal after iteration [0-9]*' bg_out.txt | grep -o '[0-9]*$')
echo "ok: SIGUSR1 → exit 75 at iteration $stopped_at"
# Same command, 3 ranks: resumes and ends where the uninterrupted run ended.
run 3 ck.yaml
[ "$RC" -eq 0 ] || fail "resume on 3 ranks: $ERR"
grep -q "resuming from ck/ckpt.h5 at iteration $stopped_at" out.txt || fail "did not resume: $OUT"
compare_models out/model.h5 out/reference.h5 1e-9
# The metrics file keeps the first run's lines and continues.
grep -q '"status":"interrupted"' out/metrics.jsonl || fail "metrics of the first run lost"
grep -q '"status":"converged"' out/metrics.jsonl || fail "metrics of the resumed run missing"
# A finished run leaves its final state in the checkpoint: the same command again ends at once
# (one evaluation, no new metrics lines), and a smaller tol continues from there.
final_it=$(grep -o 'converged after [0-9]* iterations' out.txt | grep -o '[0-9]*')
run 2 ck.yaml
[ "$RC" -eq 0 ] || fail "rerun of a finished run: $ERR"
grep -q "resuming from ck/ckpt.h5 at iteration $final_it\$" out.txt || fail "rerun did not resume at the end: $OUT"
grep -q "converged after $final_it iterations" out.txt || fail "rerun did not end at once: $OUT"
grep -q " 1 evaluations" out.txt || fail "rerun recomputed iterations: $OUT"
compare_models out/model.h5 out/reference.h5 1e-9
run 2 ck.yaml --set solver.tol=1e-14
[ "$RC" -eq 0 ] || fail "extending a finished run: $ERR"
grep -q "resuming from ck/ckpt.h5 at iteration $final_it\$" out.txt || fail "extension did not resume at the end: $OUT"
echo "ok: rerun of a finished run resumes at iteration $final_it; tol 1e-14: $(grep -o '[a-z ]* after [0-9]* iterations' out.txt)"
# The final checkpoint cannot be written (its directory disappears during the run, as a full or
# failed file system would make it fail): the model is still written, and the run says so and
# exits 1.
mkdir -p ckgone
start_bg 2 ck.yaml --set checkpoint.path=ckgone/c.h5 --set checkpoint.resume=never \
  --set checkpoint.every=100000 --set output.model=out/model_fc.h5 --set output.metrics=out/fc.jsonl
wait_for_iteration out/fc.jsonl 5
rm -rf ckgone
wait_bg
ERR=$(cat bg_err.txt)
[ "$RC" -eq 1 ] || fail "failed final checkpoint: expected exit 1, got $RC: $ERR"
[ "$(grep -c -F "the model is written to out/model_fc.h5, but the final checkpoint is not" bg_err.txt)" -eq 1 ] \
  || fail "failed final checkpoint not reported once: $ERR"
compare_models out/model_fc.h5 out/reference.h5 1e-9
echo "ok: $ERR"
# One line per iteration (log_every 1): the resumed runs do not repeat the iterations they
# recompute from their checkpoints.
"$PY" - <<'PY' || fail "metrics lines of the interrupted and resumed runs"
import json
its = [json.loads(l)["iter"] for l in open("out/metrics.jsonl") if l.startswith('{"iter"')]
print(f"  metrics: {len(its)} iteration lines, iterations 0 to {its[-1]}")
assert its == list(range(its[-1] + 1)), [i for i in set(its) if its.count(i) > 1]
PY

# 2. SIGTERM sent to every rank directly (as Slurm does), on 3 ranks; resume on 2.
rm -rf ck out/model.h5 out/metrics.jsonl
start_bg 3 ck.yaml
wait_for_iteration out/metrics.jsonl 15
kill -TERM $(pgrep -P "$BG_PID" -f logreg_dist)
wait_bg
[ "$RC" -eq 75 ] || fail "SIGTERM to ranks: expected exit 75, got $RC: $(cat bg_err.txt)"
[ "$(grep -c 'stopped by a signal' bg_out.txt)" -eq 1 ] || fail "message not printed exactly once"
run 2 ck.yaml
[ "$RC" -eq 0 ] || fail "resume on 2 ranks: $ERR"
grep -q "resuming from ck/ckpt.h5" out.txt || fail "did not resume: $OUT"
compare_models out/model.h5 out/reference.h5 1e-9
echo "ok: SIGTERM to the ranks → exit 75 → resumed on 2 ranks"

# 3. kill -9 of one rank: the job ends within prompt_limit 10 (10 s idle), the last checkpoint is intact and resumes.
rm -rf ck out/model.h5 out/metrics.jsonl
start_bg 3 ck.yaml
wait_for_iteration out/metrics.jsonl 22
victim=$(pgrep -P "$BG_PID" -f logreg_dist | head -1)
t0=$(date +%s.%N)
kill -9 "$victim"
wait_bg
elapsed=$(echo "$(date +%s.%N) - $t0" | bc)
echo "kill -9 of rank pid $victim: job ended in ${elapsed} s with exit $RC"
[ "$RC" -ne 0 ] || fail "job survived a killed rank?"
limit=$(prompt_limit 10)
awk -v e="$elapsed" -v l="$limit" 'BEGIN { exit !(e <= l) }' || fail "job took ${elapsed} s to end (limit $limit s)"
"$PY" -c "
import h5py; c = h5py.File('ck/ckpt.h5'); print('  checkpoint intact at iteration', c.attrs['iteration'][0])
assert c.attrs['iteration'][0] >= 5 and c.attrs['iteration'][0] % 5 == 0"
run 2 ck.yaml
[ "$RC" -eq 0 ] || fail "resume after kill -9: $ERR"
compare_models out/model.h5 out/reference.h5 1e-9
# The killed job's metrics lived only in the .partial: the resumed run keeps them, every
# iteration once.
"$PY" - <<'PY' || fail "metrics after kill -9 and resume"
import h5py, json
last = int(h5py.File("out/model.h5").attrs["iterations"])
its = [json.loads(l)["iter"] for l in open("out/metrics.jsonl") if l.startswith('{"iter"')]
assert its == list(range(last + 1)), (its[:30], last)
print(f"  metrics after kill -9 and resume: iterations 0 to {last}, each once")
PY

# 4. A checkpoint for another config or data set is refused, naming what changed.
expect_error 3 2 "was written for another configuration (model.l2: now 0.5, in the checkpoint 0.01)" \
  ck.yaml --set model.l2=0.5
"$PY" -c "
import h5py, numpy as np
with h5py.File('train.h5', 'a') as f: pass
with h5py.File('other.h5', 'w') as f: f['X'] = np.ones((10, 40)); f['y'] = np.zeros(10)"
expect_error 3 2 "was written for other data (data.rows: now 10, in the checkpoint 300000)" \
  ck.yaml --set data.train=other.h5
expect_error 3 2 "checkpoint.resume is 'require' but ck/none.h5 does not exist" \
  ck.yaml --set checkpoint.path=ck/none.h5 --set checkpoint.resume=require
# resume: never starts afresh.
run 2 ck.yaml --set checkpoint.resume=never --set solver.max_iter=3 --set output.model=out/fresh.h5
[ "$RC" -eq 0 ] || fail "resume=never: $ERR"
! grep -q "resuming" out.txt || fail "resume=never resumed"
grep -q "iter      0" out.txt || fail "resume=never did not start at 0"

# 5. Non-finite objective: exit 3, the last good state is checkpointed, the old model is kept.
cp out/model.h5 out/keep.h5
expect_error 3 3 "became non-finite" ck.yaml --set solver.name=gd --set solver.learning_rate=1e9 \
  --set checkpoint.path=ck/nf.h5 --set output.model=out/keep.h5
"$PY" -c "
import h5py, numpy as np
c = h5py.File('ck/nf.h5'); assert np.isfinite(c['x'][()]).all(); print('  non-finite run: last good state at iteration', c.attrs['iteration'][0])"
cmp out/model.h5 out/keep.h5 || fail "the previous model was modified"
echo "ALL PASSED"
