#!/usr/bin/env bash
# Sparse end to end: LIBSVM → CSR shards and CSV → dense, converted and trained by the real binaries.
source "$(dirname "$0")/lib.sh"
HEART=/usr/share/doc/liblinear-tools/examples/heart_scale
[ -f "$HEART" ] || fail "$HEART missing (install liblinear-tools)"

# heart_scale (270 × 13, labels ±1) as CSR in 3 shards and as one dense file: same optimum,
# and the optimum of the scikit-learn reference (tests/fixtures/heart_scale.h5, l2 = 1e-2, raw).
"$LOGREG_DATA" convert "$HEART" heart.h5 --format libsvm --sparse --shards 3 > /dev/null
"$LOGREG_DATA" convert "$HEART" dense_heart.h5 --format libsvm --dense > /dev/null
"$LOGREG_DATA" info heart_0.h5 heart_1.h5 heart_2.h5 > info.txt
grep -qi "csr" info.txt || fail "info does not say CSR: $(cat info.txt)"
cat > heart.yaml <<'YAML'
data:
  train: heart_*.h5
model:
  l2: 1.0e-2
solver:
  name: newton
  tol: 1.0e-10
output:
  model: out/heart_csr.h5
  metrics: null
  log_every: 0
YAML
run 3 heart.yaml
[ "$RC" -eq 0 ] || fail "CSR training failed: $ERR"
run 2 heart.yaml --set data.train=dense_heart.h5 --set output.model=out/dense_heart.h5 --set solver.name=lbfgs
[ "$RC" -eq 0 ] || fail "dense training failed: $ERR"
"$PY" - "$FIXTURES" <<'PY'
import h5py, numpy as np, sys
ref = h5py.File(sys.argv[1] + "/heart_scale.h5")["ref/l2_1e-02/raw"]
c, d = h5py.File("out/heart_csr.h5"), h5py.File("out/dense_heart.h5")
tc = np.append(c["coef"][()], c["intercept"][()]); td = np.append(d["coef"][()], d["intercept"][()])
tr = np.append(ref["coef"][()], ref["intercept"][()])
jr = ref.attrs["objective"]
print(f"heart_scale: CSR (3 shards, newton) J = {c.attrs['objective']:.15g}, dense (lbfgs) J = {d.attrs['objective']:.15g}, reference {jr:.15g}")
assert abs(c.attrs["objective"] - jr) / jr < 1e-9 and abs(d.attrs["objective"] - jr) / jr < 1e-9
assert np.linalg.norm(tc - td) / np.linalg.norm(td) < 1e-7, np.linalg.norm(tc - td)
assert np.linalg.norm(tc - tr) / np.linalg.norm(tr) < 1e-7
PY

# CSV with a header whose label column is named and not last: breast cancer with "target" first.
"$PY" - "$FIXTURES" <<'PY'
import h5py, numpy as np, sys
f = h5py.File(sys.argv[1] + "/breast_cancer.h5")
X, y = f["X"][()], f["y"][()]
with open("bc.csv", "w") as out:
    out.write("target," + ",".join(f"f{j}" for j in range(X.shape[1])) + "\n")
    for xi, yi in zip(X, y):
        out.write(f"{int(yi)}," + ",".join(repr(float(v)) for v in xi) + "\n")
PY
"$LOGREG_DATA" convert bc.csv bc.h5 --label target > /dev/null
run 2 heart.yaml --set data.train=bc.h5 --set model.standardize=true --set output.model=out/bc.h5
[ "$RC" -eq 0 ] || fail "CSV-converted training failed: $ERR"
"$PY" - "$FIXTURES" <<'PY'
import h5py, numpy as np, sys
ref = h5py.File(sys.argv[1] + "/breast_cancer.h5")["ref/l2_1e-02/std"]
m = h5py.File("out/bc.h5")
jr = ref.attrs["objective"]
print(f"breast cancer via CSV (label column first): J = {m.attrs['objective']:.15g}, reference {jr:.15g}")
assert m.attrs["n_features"] == 30 and m.attrs["n_samples"] == 569
assert abs(m.attrs["objective"] - jr) / jr < 1e-9
assert np.allclose(m["coef"][()], ref["coef"][()], rtol=1e-6, atol=1e-9)
PY
# A named label column that does not exist is a usage error naming it.
set +e
"$LOGREG_DATA" convert bc.csv bad.h5 --label nope > /dev/null 2> err.txt
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "missing label column: exit $rc"
grep -q "nope" err.txt || fail "missing label column not named: $(cat err.txt)"
[ ! -e bad.h5 ] || fail "output left behind"
echo "ALL PASSED"
