#!/usr/bin/env bash
# Regularization path and cross-validation through the real binary (README, "Regularization path
# and cross-validation"): one mpirun -n 4 job writes the path table, the model with its path and
# the two plots; rank counts agree on the table; and the refusals of bad path/cv keys.
source "$(dirname "$0")/lib.sh"
FIXTURES="$(cd "$(dirname "$0")/../fixtures" && pwd)"
cp "$FIXTURES/breast_cancer.h5" bc.h5

cat > cv.yaml <<'YAML'
data: {train: bc.h5}
model: {standardize: true}
path: {n: 8, ratio: 1.0e-3}
cv: {folds: 5, metric: val_auc, rule: one_se}
solver: {tol: 1.0e-8}
output: {model: out/model.h5, metrics: null, path: out/path.csv, plots: out/cv}
YAML
run 4 cv.yaml
[ "$RC" -eq 0 ] || fail "cv job failed ($RC): $ERR"
for f in out/path.csv out/model.h5 out/cv_cv.png out/cv_cv.pdf out/cv_coef.png out/cv_coef.pdf; do
  [ -s "$f" ] || fail "$f not written ($OUT $ERR)"
done
[ "$(wc -l < out/path.csv)" -eq 9 ] || fail "expected a header and 8 rows: $(cat out/path.csv)"
grep -q "refit (all rows)" out.txt || fail "no refit line: $OUT"
"$PY" - <<'PY'
import csv, h5py, numpy as np
rows = list(csv.DictReader(open("out/path.csv")))
assert [r["metric"] for r in rows] == ["val_auc"] * 8, rows[0]
lam = np.array([float(r["lambda"]) for r in rows])
assert np.all(np.diff(lam) < 0), lam
sel = [int(r["selected"]) for r in rows]
assert sum(sel) == 1, sel
folds = np.array([[float(r[f"cv_fold_{k}"]) for k in range(5)] for r in rows])
assert np.allclose(folds.mean(1), [float(r["cv_mean"]) for r in rows], rtol=0, atol=1e-12)
with h5py.File("out/model.h5") as f:
    assert f["path_coef"].shape == (8, 30), f["path_coef"].shape
    assert np.allclose(f["path_lambda"][()], lam, rtol=1e-15)
    chosen = sel.index(1)
    assert abs(f.attrs["l2"] - lam[chosen]) <= 1e-12 * lam[chosen], (f.attrs["l2"], lam[chosen])
    assert f.attrs["cv_folds"] == 5 and f.attrs["cv_metric"] in (b"val_auc", "val_auc")
print("ok: table, model path and selection agree")
PY
cp out/path.csv path4.csv
run 1 cv.yaml --set output.plots=null
[ "$RC" -eq 0 ] || fail "1-rank cv job failed ($RC): $ERR"
"$PY" - <<'PY'
import csv
a = list(csv.DictReader(open("path4.csv"))); b = list(csv.DictReader(open("out/path.csv")))
for x, y in zip(a, b):
    for k in ["lambda"] + [f"cv_fold_{i}" for i in range(5)] + ["selected"]:
        assert abs(float(x[k]) - float(y[k])) <= 1e-9, (k, x[k], y[k])
print("ok: 1 and 4 ranks give the same folds and scores")
PY

# A path without CV, as JSON lines; the model is the last (smallest) penalty's.
run 2 cv.yaml --set cv.folds=0 --set output.path=out/p.jsonl --set output.plots=null
[ "$RC" -eq 0 ] || fail "path job failed ($RC): $ERR"
[ "$(wc -l < out/p.jsonl)" -eq 8 ] || fail "expected 8 lines: $(cat out/p.jsonl)"

# Refusals, each naming the key.
expect_error 1 2 "path.n: must be >= 2 (or 0 for no path), got 1" cv.yaml --set path.n=1
expect_error 1 2 "path.ratio: must be > 0 and < 1, got 2.0" cv.yaml --set path.ratio=2
expect_error 1 2 "path: give path.l2 or path.l1, not both" cv.yaml --set path.n=0 \
  --set "path.l2=[1, 0.1]" --set "path.l1=[0.1]"
expect_error 1 2 "path.n: give a list (path.l2 or path.l1) or path.n, not both" cv.yaml \
  --set "path.l2=[1, 0.1]"
expect_error 1 2 "path.l2[1]: must be >= 0, got -0.5" cv.yaml --set path.n=0 --set "path.l2=[1, -0.5]"
expect_error 1 2 "path.l2: 0.5 is given twice" cv.yaml --set path.n=0 --set "path.l2=[0.5, 0.5]"
expect_error 1 2 "path.l2[0]: expected a number, got 'lots'" cv.yaml --set path.n=0 --set "path.l2=[lots]"
expect_error 1 2 "path.penalty: expected auto, l2 or l1, got 'l3'" cv.yaml --set path.penalty=l3
expect_error 1 2 "unknown key 'path.steps'" cv.yaml --set path.steps=3
expect_error 1 2 "cv.folds: must be between 2 and 100 (or 0 for no cross-validation), got 1" \
  cv.yaml --set cv.folds=1
expect_error 1 2 "cv.metric: expected val_logloss, val_auc or val_accuracy, got 'auc'" cv.yaml \
  --set cv.metric=auc
expect_error 1 2 "cv.rule: expected min or one_se, got '1se'" cv.yaml --set cv.rule=1se
expect_error 1 2 "cv.seed: must be >= 0, got -1" cv.yaml --set cv.seed=-1
expect_error 1 2 "early_stopping.metric: not with path" cv.yaml --set data.validation=bc.h5 \
  --set early_stopping.metric=val_auc
expect_error 1 2 "checkpoint.path: not supported with path" cv.yaml --set checkpoint.path=out/c.h5
expect_error 1 2 "output.path: needs path or cv" cv.yaml --set path.n=0 --set cv.folds=0
expect_error 1 2 "output.plots: needs output.path" cv.yaml --set output.path=null
expect_error 1 2 "inference: needs model.l1 = 0" cv.yaml --set inference=true --set model.l1=0.1
"$PY" -c "
import h5py, numpy as np
rng = np.random.default_rng(1); X = rng.standard_normal((60, 3))
with h5py.File('three.h5', 'w') as f: f['X'] = X; f['y'] = rng.integers(0, 3, 60).astype(float)
"
expect_error 2 2 "cv: cross-validation supports the binomial family only (the labels have 3 classes)" \
  cv.yaml --set data.train=three.h5 --set model.standardize=false
echo "all path/cv CLI checks passed"
