#!/usr/bin/env bash
# solver.state (README, "Partitioned solver state"): a sparse problem with many features trained
# with the solver state partitioned and replicated on 2 ranks gives the same model within 1e-10;
# the metrics summary's solver_state_mb halves; a partitioned checkpoint resumes replicated on
# another rank count; with a validation set and early stopping both modes score and stop alike;
# a bad value is refused naming the key.
source "$(dirname "$0")/lib.sh"

"$LOGREG_DATA" synth train.h5 --rows 3000 --features 200000 --density 0.001 --seed 5 > /dev/null
cat > p.yaml <<'YAML'
data:
  train: train.h5
model:
  l2: 1.0e-3
solver:
  name: lbfgs
  max_iter: 30
  tol: 0
output:
  model: out/model.h5
  metrics: out/metrics.jsonl
YAML

summary_mb() {  # the max of solver_state_mb in the summary of $1
  "$PY" - "$1" <<'PY'
import json, sys
s = [json.loads(l) for l in open(sys.argv[1]) if '"summary"' in l][-1]
print(s["solver_state_mb"]["max"], s["solver_state"])
PY
}

run 2 p.yaml --set solver.state=replicated --set output.model=out/rep.h5 --set output.metrics=out/rep.jsonl
[ "$RC" -eq 0 ] || fail "replicated: $ERR"
run 2 p.yaml --set solver.state=partitioned --set output.model=out/part.h5 --set output.metrics=out/part.jsonl
[ "$RC" -eq 0 ] || fail "partitioned: $ERR"
compare_models out/part.h5 out/rep.h5 1e-10
read -r rep_mb rep_mode < <(summary_mb out/rep.jsonl)
read -r part_mb part_mode < <(summary_mb out/part.jsonl)
[ "$rep_mode" = replicated ] && [ "$part_mode" = partitioned ] || fail "modes: $rep_mode $part_mode"
"$PY" -c "import sys; r = $part_mb / $rep_mb; print(f'ok: solver_state_mb {$part_mb} / {$rep_mb} = {r:.3f}'); sys.exit(0 if 0.49 < r < 0.51 else 1)" ||
  fail "partitioned solver_state_mb is not half the replicated one"
# auto on 2 ranks with this small history: replicated.
run 2 p.yaml --set output.model=out/auto.h5 --set output.metrics=out/auto.jsonl
[ "$RC" -eq 0 ] || fail "auto: $ERR"
read -r auto_mb auto_mode < <(summary_mb out/auto.jsonl)
[ "$auto_mode" = replicated ] || fail "auto chose $auto_mode"

# Stopped after 15 iterations partitioned on 2 ranks (checkpoint), resumed replicated on 3.
run 2 p.yaml --set solver.state=partitioned --set solver.max_iter=15 --set checkpoint.path=ck/c.h5 \
  --set output.model=out/half.h5 --set output.metrics=out/half.jsonl
[ "$RC" -eq 0 ] || fail "first half: $ERR"
run 3 p.yaml --set solver.state=replicated --set checkpoint.path=ck/c.h5 \
  --set output.model=out/resumed.h5 --set output.metrics=out/resumed.jsonl
[ "$RC" -eq 0 ] || fail "resumed: $ERR"
grep -q "resuming from ck/c.h5 at iteration 15" out.txt || fail "did not resume: $OUT"
compare_models out/resumed.h5 out/rep.h5 1e-10

# With a validation set the observers gather the whole x when they score it: the same
# validation log-loss lines and the same early-stopping choice in both modes, on 3 ranks (the
# training rows themselves, so the score improves and the best point is not the start).
for state in replicated partitioned; do
  run 3 p.yaml --set solver.state=$state --set data.validation=train.h5 --set output.log_every=3 \
    --set early_stopping.metric=val_logloss --set early_stopping.patience=2 \
    --set output.model=out/val_$state.h5 \
    --set output.metrics=out/val_$state.jsonl
  [ "$RC" -eq 0 ] || fail "validation, $state: $ERR"
  grep -o "val: logloss [0-9.]*" out.txt > "val_$state.txt"
  [ -s "val_$state.txt" ] || fail "no validation lines, $state: $OUT"
done
cmp -s val_replicated.txt val_partitioned.txt ||
  fail "the validation scores differ: $(paste val_replicated.txt val_partitioned.txt)"
compare_models out/val_partitioned.h5 out/val_replicated.h5 1e-10

expect_error 2 2 "solver.state" p.yaml --set solver.state=sharded
echo "$LAST_MESSAGE" | grep -q "partitioned" || fail "the refusal does not list the values: $LAST_MESSAGE"
expect_error 1 2 "solver.state: partitioned is not supported with solver.name: newton" p.yaml \
  --set solver.state=partitioned --set solver.name=newton
echo "ok"
