#!/usr/bin/env bash
# A click log end to end (README, "Synthetic click logs"): synth --ctr, convert with hashed
# categorical columns, a cross and log1p, train on 2 ranks on the first 90 % of the rows and score
# the last 10 %, whose log-loss must come within 10 % of the generating model's own (truth file).
source "$(dirname "$0")/lib.sh"

"$LOGREG_DATA" synth --ctr clicks.tsv --rows 20000 --seed 2 > synth.txt
[ -s clicks.tsv.truth.json ] || fail "no truth file: $(cat synth.txt)"
[ "$(wc -l < clicks.tsv)" -eq 20000 ] || fail "synth --ctr wrote $(wc -l < clicks.tsv) rows"
# The same seed gives the same file on one thread.
"$LOGREG_DATA" synth --ctr again.tsv --rows 20000 --seed 2 --threads 1 > /dev/null
cmp -s clicks.tsv again.tsv || fail "synth --ctr: another thread count gave another file"

head -n 18000 clicks.tsv > train.tsv
tail -n 2000 clicks.tsv > test.tsv
ints=$(seq -s, -f 'I%g' 1 13)
cats=$(seq -s, -f 'C%g' 1 26)
for part in train test; do
  "$LOGREG_DATA" convert $part.tsv $part.h5 --columns "label,$ints,$cats" --label label \
    --categorical "$cats" --hash-bits 18 --cross C1:C2 --log1p "$ints" > convert_$part.txt 2>&1 ||
    fail "convert $part: $(cat convert_$part.txt)"
done
grep -q "features 262157, CSR" convert_train.txt || fail "13 + 2^18 CSR features: $(cat convert_train.txt)"

cat > ctr.yaml <<'YAML'
data:
  train: train.h5
  test: test.h5
model:
  l2: 1.0e-3
solver:
  name: lbfgs
  max_iter: 300
output:
  model: out/model.h5
  metrics: out/metrics.jsonl
  log_every: 0
YAML
run 2 ctr.yaml
[ "$RC" -eq 0 ] || fail "training on the hashed click log: $ERR"
"$PY" - <<'PY'
import json
truth = json.load(open("clicks.tsv.truth.json"))["held_out_log_loss"]
test = json.loads(open("out/metrics.jsonl").read().splitlines()[-1])["test_logloss"]
print(f"held-out log-loss: trained {test:.4f}, generating model {truth:.4f} ({test / truth - 1:+.1%})")
assert truth <= test * 1.02, "the trained model beats the truth by more than chance allows"
assert test <= 1.10 * truth, "more than 10 % above the generating model's log-loss"
PY

# Refusals name the option and the column.
expect_data_error() {  # expect_data_error PATTERN ARGS...
  local pattern=$1
  shift
  set +e
  "$LOGREG_DATA" convert train.tsv bad.h5 --columns "label,$ints,$cats" --label label "$@" \
    > out.txt 2> err.txt
  local rc=$?
  set -e
  [ "$rc" -eq 2 ] || fail "expected exit 2, got $rc for $*: $(cat err.txt)"
  grep -qF -- "$pattern" err.txt || fail "expected '$pattern' for $*: $(cat err.txt)"
  [ ! -e bad.h5 ] || fail "output left behind for $*"
  echo "ok: $pattern"
}
expect_data_error "--categorical: column 'C27' not in the header" --categorical C1,C27
expect_data_error "--cross C1:I1: column 'I1' is not one of --categorical" --categorical "$cats" \
  --cross C1:I1
expect_data_error "--hash-bits: must be between 1 and 28 (got 29)" --categorical "$cats" \
  --hash-bits 29
expect_data_error "--dense" --categorical "$cats" --dense
echo "PASS"
