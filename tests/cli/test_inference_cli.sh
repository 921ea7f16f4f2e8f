#!/usr/bin/env bash
# inference: true through the real binary (README, "Inference"): the table on rank 0, the six
# datasets in the model file, and the refusals (a constant column, too many features, a
# multinomial model), each with its exit status and the model kept or not as documented.
source "$(dirname "$0")/lib.sh"
FIXTURES="$(cd "$(dirname "$0")/../fixtures" && pwd)"
cp "$FIXTURES/heart_scale.h5" heart.h5
"$PY" - <<'PY'
import h5py, numpy as np
rng = np.random.default_rng(3)
X = rng.standard_normal((400, 4)); X[:, 2] = 1.5   # a constant column
y = (rng.random(400) < 1 / (1 + np.exp(-X[:, 0]))).astype(float)
with h5py.File("constant.h5", "w") as f: f["X"] = X; f["y"] = y
with h5py.File("wide.h5", "w") as f:
    f["X"] = rng.standard_normal((20, 5001)); f["y"] = (rng.random(20) < 0.5).astype(float)
with h5py.File("three.h5", "w") as f:
    f["X"] = rng.standard_normal((60, 3)); f["y"] = rng.integers(0, 3, 60).astype(float)
PY
cat > inf.yaml <<'YAML'
data: {train: heart.h5}
model: {l2: 0.0}
solver: {name: newton, tol: 1.0e-10}
inference: true
output: {model: out/model.h5, metrics: null}
YAML
run 3 inf.yaml
[ "$RC" -eq 0 ] || fail "inference run failed ($RC): $ERR"
grep -q "std err" out.txt || fail "no inference table: $OUT"
[ "$(grep -c '^x[0-9]' out.txt)" -eq 13 ] || fail "expected 13 coefficient rows: $OUT"
grep -q "^intercept" out.txt || fail "no intercept row: $OUT"
"$PY" - <<'PY'
import h5py, numpy as np
with h5py.File("out/model.h5") as f:
    se, z, p = f["std_error"][()], f["z_value"][()], f["p_value"][()]
    assert se.shape == z.shape == p.shape == (13,), se.shape
    assert np.all(se > 0) and np.all((p >= 0) & (p <= 1)), (se, p)
    assert np.allclose(z, f["coef"][()] / se, rtol=1e-12)
    assert f["intercept_std_error"][()] > 0
print("ok: model file has std_error, z_value, p_value and the intercept's")
PY

# A constant column: exit 3, the model written without the inference datasets.
run 2 inf.yaml --set data.train=constant.h5 --set model.l2=0
[ "$RC" -eq 3 ] || fail "expected exit 3, got $RC: $ERR"
grep -q "inference: the information matrix is singular (feature 2 is constant)" err.txt ||
  fail "no singular message: $ERR"
"$PY" -c "
import h5py
with h5py.File('out/model.h5') as f: assert 'coef' in f and 'std_error' not in f, list(f)
print('ok: singular information: model kept, no inference datasets')"

expect_error 2 2 "inference: 5001 features is more than the limit of 5000" inf.yaml \
  --set data.train=wide.h5
expect_error 2 2 "inference: the multinomial family is not supported (the labels have 3 classes)" \
  inf.yaml --set data.train=three.h5
expect_error 1 2 "inference: the multinomial family is not supported (binomial only)" inf.yaml \
  --set model.family=multinomial
echo "all inference CLI checks passed"
