#!/usr/bin/env bash
# Multinomial models, class weights and warm starts through the real binaries (README,
# "Multinomial, class weights and warm starts"): rank invariance, agreement with scikit-learn,
# predict, class weights against duplicated rows and scikit-learn, model.init, a signal and a
# resume on another rank count, and the refusals.
source "$(dirname "$0")/lib.sh"

# K = 4 classes, d = 6 correlated features, two training files, a validation file; one class
# never appears in `three.h5` (labels 0, 1, 3: four classes with one empty).
"$PY" - <<'PY'
import h5py, numpy as np
rng = np.random.default_rng(5)
n, d, K = 3000, 6, 4
X = np.cumsum(rng.standard_normal((n, d)), axis=1) / 2
W = rng.standard_normal((K, d)); b = rng.standard_normal(K)
Z = X @ W.T + b; P = np.exp(Z - Z.max(1, keepdims=True)); P /= P.sum(1, keepdims=True)
y = np.array([rng.choice(K, p=p) for p in P], dtype=float)
def write(name, X, y):
    with h5py.File(name, "w") as f: f["X"] = X; f["y"] = y
write("a.h5", X[:1200], y[:1200]); write("b.h5", X[1200:2400], y[1200:2400])
write("valid.h5", X[2400:], y[2400:])
# Class 0 rows duplicated: what class_weight {0: 2} must equal.
dup = np.concatenate([X[:2400], X[:2400][y[:2400] == 0]]); ydup = np.concatenate([y[:2400], y[:2400][y[:2400] == 0]])
write("dup.h5", dup, ydup)
m = y != 2
write("three.h5", X[m], y[m])
write("minus.h5", X[:100], np.where(y[:100] == 0, -1.0, y[:100]))
write("big_label.h5", X[:100], np.minimum(y[:100] + 2, 5))
PY
cat > mn.yaml <<'YAML'
data:
  train: [a.h5, b.h5]
  validation: valid.h5
model:
  l2: 1.0e-3
solver:
  name: lbfgs
  tol: 1.0e-11
  max_iter: 3000
output:
  model: out/model.h5
  metrics: out/metrics.jsonl
  log_every: 10   # the validation set is scored at logged iterations and at the end
YAML

# J of a model file on the training rows, and scikit-learn's optimum's J (same objective).
cat > objective.py <<'PY'
import h5py, numpy as np, sys
def load(files):
    Xs, ys = zip(*[(h5py.File(f)["X"][()], h5py.File(f)["y"][()]) for f in files])
    return np.concatenate(Xs), np.concatenate(ys).astype(int)
def J(W, b, X, y, l2, s=None):
    s = np.ones(len(y)) if s is None else s
    Z = X @ W.T + b; Z -= Z.max(1, keepdims=True)
    lse = np.log(np.exp(Z).sum(1))
    return (s * (lse - Z[np.arange(len(y)), y])).sum() / s.sum() + 0.5 * l2 * (W * W).sum()
def grad_norm(W, b, X, y, l2, s=None):
    # ‖∇J‖∞ over W and b, from the definition (independent of the library).
    s = np.ones(len(y)) if s is None else s
    Z = X @ W.T + b; P = np.exp(Z - Z.max(1, keepdims=True)); P /= P.sum(1, keepdims=True)
    P[np.arange(len(y)), y] -= 1; R = P * s[:, None] / s.sum()
    return max(np.abs(R.T @ X + l2 * W).max(), np.abs(R.sum(0)).max())
def polish(W, b, X, y, l2, s=None, steps=30):
    # Newton on the full K(d+1) Hessian from scikit-learn's point, to |grad J| <= 1e-13: the
    # independent reference (scikit-learn's lbfgs stops near 1e-6 relative). The intercepts'
    # common shift is a null direction: lstsq takes the minimum-norm step.
    s = np.ones(len(y)) if s is None else s
    n, d = X.shape; K = W.shape[0]; Xh = np.hstack([X, np.ones((n, 1))]); w = s / s.sum()
    T = np.hstack([W, b[:, None]])
    for _ in range(steps):
        Z = Xh @ T.T; P = np.exp(Z - Z.max(1, keepdims=True)); P /= P.sum(1, keepdims=True)
        R = P.copy(); R[np.arange(n), y] -= 1
        G = (R * w[:, None]).T @ Xh; G[:, :d] += l2 * T[:, :d]
        if np.abs(G).max() <= 1e-13: break
        H = np.zeros((K * (d + 1), K * (d + 1)))
        for k in range(K):
            for j in range(K):
                c = w * P[:, k] * ((k == j) - P[:, j])
                H[k*(d+1):(k+1)*(d+1), j*(d+1):(j+1)*(d+1)] = (Xh * c[:, None]).T @ Xh
        H += np.diag(np.tile(np.r_[np.full(d, l2), 0.0], K))
        T = T - np.linalg.lstsq(H, G.ravel(), rcond=None)[0].reshape(K, d + 1)
    return T[:, :d], T[:, d]
PY

# 1. Rank invariance (1–4 ranks) and the model file's layout.
for np_ in 1 2 3 4; do
  run "$np_" mn.yaml --set output.model=out/m$np_.h5 --set output.metrics=out/m$np_.jsonl
  [ "$RC" -eq 0 ] || fail "multinomial lbfgs on $np_ ranks: $ERR"
done
grep -q "multinomial, 4 classes" out.txt || fail "start line does not name the family: $OUT"
for np_ in 2 3 4; do compare_models out/m$np_.h5 out/m1.h5 1e-9; done
"$PY" - <<'PY'
import h5py
m = h5py.File("out/m1.h5")
assert m["coef"].shape == (4, 6) and m["intercept"].shape == (4,), (m["coef"].shape, m["intercept"].shape)
fam = m.attrs["family"]; fam = fam.decode() if isinstance(fam, bytes) else str(fam)
assert fam == "multinomial", fam
print("ok: model file coef (4, 6), intercept (4,), family multinomial")
PY

# 2. Agreement with scikit-learn's multinomial optimum (C = 1/(l2·n)), by objective value.
"$PY" - <<'PY'
import h5py, numpy as np, warnings
exec(open("objective.py").read())
from sklearn.linear_model import LogisticRegression
X, y = load(["a.h5", "b.h5"]); l2 = 1e-3
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    sk = LogisticRegression(multi_class="multinomial", C=1 / (l2 * len(y)), tol=1e-12, max_iter=100000).fit(X, y)
m = h5py.File("out/m1.h5")
Wr, br = polish(sk.coef_, sk.intercept_, X, y, l2)
ours, ref = J(m["coef"][()], m["intercept"][()], X, y, l2), J(Wr, br, X, y, l2)
print(f"objective: ours {ours:.15f}, scikit-learn polished {ref:.15f} (relative {abs(ours - ref) / ref:.1e})")
assert abs(ours - ref) <= 1e-9 * abs(ref), (ours, ref)
g = grad_norm(m["coef"][()], m["intercept"][()], X, y, l2)
print(f"|grad J| at our model {g:.1e}")
assert g <= 1e-9, g
PY

# 3. newton and owlqn.
run 2 mn.yaml --set solver.name=newton --set output.model=out/newton.h5
[ "$RC" -eq 0 ] || fail "newton: $ERR"
compare_models out/newton.h5 out/m1.h5 1e-8
run 3 mn.yaml --set model.l1=1.0e-2 --set solver.tol=1.0e-8 --set output.model=out/l1.h5
[ "$RC" -eq 0 ] || fail "owlqn: $ERR"
"$PY" - <<'PY'
import h5py, numpy as np
W = h5py.File("out/l1.h5")["coef"][()]
zeros = int((W == 0).sum())
print(f"ok: owlqn with l1 = 1e-2 has {zeros} exact zeros of {W.size}")
assert 0 < zeros < W.size
PY

# 4. predict on 1–4 ranks: prob (n, K) rows sum to 1, equal softmax(Wx + b); label = argmax.
for np_ in 1 2 3 4; do
  set +e
  timeout -s KILL "$HANG_S" "$MPIEXEC" -n "$np_" "$LOGREG_DIST" predict --model out/m1.h5 \
    --data valid.h5 --output out/pred$np_.h5 > out.txt 2> err.txt
  RC=$?
  set -e
  [ "$RC" -eq 0 ] || fail "predict on $np_ ranks: $(cat err.txt)"
done
"$PY" - <<'PY'
import h5py, json, numpy as np
from sklearn.metrics import log_loss, accuracy_score
m = h5py.File("out/m1.h5"); v = h5py.File("valid.h5")
X, y = v["X"][()], v["y"][()].astype(int)
Z = X @ m["coef"][()].T + m["intercept"][()]; P = np.exp(Z - Z.max(1, keepdims=True)); P /= P.sum(1, keepdims=True)
for np_ in (1, 2, 3, 4):
    p = h5py.File(f"out/pred{np_}.h5")
    prob, label = p["prob"][()], p["label"][()]
    assert prob.shape == P.shape, prob.shape
    assert np.abs(prob.sum(1) - 1).max() <= 1e-15, np.abs(prob.sum(1) - 1).max()
    assert np.abs(prob - P).max() <= 1e-12, np.abs(prob - P).max()
    assert (label == prob.argmax(1)).all()
# The validation metrics of the last logged iteration equal scikit-learn's.
lines = [json.loads(l) for l in open("out/m1.jsonl")]
last = [l for l in lines if "iter" in l][-1]
ll, acc = log_loss(y, P, labels=range(4)), accuracy_score(y, P.argmax(1))
print(f"val_logloss {last['val_logloss']:.15f} vs scikit-learn {ll:.15f}; accuracy {last['val_accuracy']} vs {acc}")
assert abs(last["val_logloss"] - ll) <= 1e-12 and last["val_accuracy"] == acc
PY
echo "ok: predict prob rows sum to 1, equal softmax(Wx+b) on 1-4 ranks; val metrics = scikit-learn's"

# 5. Class weights: {0: 2} equals duplicating class 0's rows; balanced equals scikit-learn's.
run 2 mn.yaml --set 'model.class_weight={0: 2}' --set data.validation=null --set output.model=out/cw.h5
[ "$RC" -eq 0 ] || fail "class_weight map: $ERR"
run 2 mn.yaml --set data.train=dup.h5 --set data.validation=null --set output.model=out/dup.h5
[ "$RC" -eq 0 ] || fail "duplicated rows: $ERR"
compare_models out/cw.h5 out/dup.h5 1e-8
"$PY" - <<'PY'
import h5py, numpy as np, warnings
exec(open("objective.py").read())
from sklearn.linear_model import LogisticRegression
X, y = load(["a.h5", "b.h5"]); l2 = 1e-3
s = np.where(y == 0, 2.0, 1.0)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    sk = LogisticRegression(multi_class="multinomial", class_weight={0: 2}, C=1 / (l2 * s.sum()), tol=1e-12, max_iter=100000).fit(X, y)
m = h5py.File("out/cw.h5")
Wr, br = polish(sk.coef_, sk.intercept_, X, y, l2, s)
ours, ref = J(m["coef"][()], m["intercept"][()], X, y, l2, s), J(Wr, br, X, y, l2, s)
g = grad_norm(m["coef"][()], m["intercept"][()], X, y, l2, s)
print(f"class_weight {{0: 2}}: objective ours {ours:.15f}, scikit-learn polished {ref:.15f} (relative {abs(ours - ref) / ref:.1e}), |grad J| at ours {g:.1e}")
assert abs(ours - ref) <= 1e-9 * abs(ref) and g <= 1e-9, (ours, ref, g)
assert np.abs(m["coef"][()] - Wr).max() <= 1e-8, np.abs(m["coef"][()] - Wr).max()
PY
run 3 mn.yaml --set model.class_weight=balanced --set output.model=out/bal.h5
[ "$RC" -eq 0 ] || fail "class_weight balanced: $ERR"
"$PY" - <<'PY'
import h5py, numpy as np, warnings
exec(open("objective.py").read())
from sklearn.linear_model import LogisticRegression
from sklearn.utils.class_weight import compute_sample_weight
X, y = load(["a.h5", "b.h5"]); l2 = 1e-3
s = compute_sample_weight("balanced", y)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    sk = LogisticRegression(multi_class="multinomial", class_weight="balanced", C=1 / (l2 * s.sum()), tol=1e-12, max_iter=100000).fit(X, y)
m = h5py.File("out/bal.h5")
Wr, br = polish(sk.coef_, sk.intercept_, X, y, l2, s)
ours, ref = J(m["coef"][()], m["intercept"][()], X, y, l2, s), J(Wr, br, X, y, l2, s)
print(f"balanced: objective ours {ours:.15f}, scikit-learn polished {ref:.15f} (relative {abs(ours - ref) / ref:.1e})")
assert abs(ours - ref) <= 1e-9 * abs(ref), (ours, ref)
assert np.abs(m["coef"][()] - Wr).max() <= 1e-8, np.abs(m["coef"][()] - Wr).max()
g = grad_norm(m["coef"][()], m["intercept"][()], X, y, l2, s)
print(f"|grad J| at our balanced model {g:.1e}")
assert g <= 1e-9, g
PY

# 6. model.init: from the optimum, 0 iterations; from a nearby l2's optimum, newton and lbfgs
#    need fewer iterations than from 0.
run 2 mn.yaml --set model.init=out/m1.h5 --set output.model=out/again.h5
[ "$RC" -eq 0 ] || fail "init from the optimum: $ERR"
grep -q "converged after 0 iterations" out.txt || fail "init from the optimum did not stop at once: $OUT"
run 2 mn.yaml --set model.l2=2.0e-3 --set solver.name=newton --set output.model=out/cold.h5
cold=$(grep -o 'converged after [0-9]* iterations' out.txt | grep -o '[0-9]*')
run 2 mn.yaml --set model.l2=2.0e-3 --set solver.name=newton --set model.init=out/m1.h5 --set output.model=out/warm.h5
warm=$(grep -o 'converged after [0-9]* iterations' out.txt | grep -o '[0-9]*')
echo "model.init: newton at l2 2e-3 from zero $cold iterations, from the l2 1e-3 optimum $warm"
[ -n "$warm" ] && [ "$warm" -lt "$cold" ] || fail "warm start not faster: $warm vs $cold"
compare_models out/warm.h5 out/cold.h5 1e-8
run 2 mn.yaml --set model.l2=2.0e-3 --set output.model=out/cold_lbfgs.h5
cold=$(grep -o 'converged after [0-9]* iterations' out.txt | grep -o '[0-9]*')
run 2 mn.yaml --set model.l2=2.0e-3 --set model.init=out/m1.h5 --set output.model=out/warm_lbfgs.h5
warm=$(grep -o 'converged after [0-9]* iterations' out.txt | grep -o '[0-9]*')
echo "model.init: lbfgs at l2 2e-3 from zero $cold iterations, from the l2 1e-3 optimum $warm"
[ -n "$warm" ] && [ "$warm" -lt "$cold" ] || fail "lbfgs warm start not faster: $warm vs $cold"
compare_models out/warm_lbfgs.h5 out/cold_lbfgs.h5 1e-8

# A binary model starts a binary fit (0 iterations from its optimum), not a multinomial one.
"$PY" - <<'PY'
import h5py
a = h5py.File("a.h5")
with h5py.File("binary.h5", "w") as f: f["X"] = a["X"][()]; f["y"] = (a["y"][()] > 1).astype(float)
PY
run 2 mn.yaml --set data.train=binary.h5 --set data.validation=null --set output.model=out/bin.h5
[ "$RC" -eq 0 ] || fail "binary fit: $ERR"
run 2 mn.yaml --set data.train=binary.h5 --set data.validation=null --set output.model=out/bin2.h5 --set model.init=out/bin.h5
grep -q "converged after 0 iterations" out.txt || fail "binary init from its optimum: $OUT"
expect_error 2 2 "model.init: out/bin.h5 is a binomial model, but this run fits a multinomial model of 4 classes" \
  mn.yaml --set model.init=out/bin.h5

# 7. SIGUSR1 → 75 → resume on another rank count ends where an uninterrupted run ends.
start_bg 2 mn.yaml --set checkpoint.path=ck/mn.h5 --set checkpoint.every=2 \
  --set output.model=out/resumed.h5 --set output.metrics=out/resumed.jsonl --set model.l2=1.0e-5
wait_for_iteration out/resumed.jsonl 10
kill -USR1 "$BG_PID"
wait_bg
[ "$RC" -eq 75 ] || fail "SIGUSR1: expected 75, got $RC: $(cat bg_err.txt)"
run 3 mn.yaml --set checkpoint.path=ck/mn.h5 --set checkpoint.every=2 \
  --set output.model=out/resumed.h5 --set output.metrics=out/resumed.jsonl --set model.l2=1.0e-5
[ "$RC" -eq 0 ] || fail "resume on 3 ranks: $ERR"
grep -q "resuming from ck/mn.h5" out.txt || fail "did not resume: $OUT"
run 2 mn.yaml --set output.model=out/straight.h5 --set model.l2=1.0e-5
compare_models out/resumed.h5 out/straight.h5 1e-9

# 8. Early stopping on the multiclass validation AUC keeps the best model.
run 2 mn.yaml --set early_stopping.metric=val_auc --set early_stopping.patience=3 --set output.model=out/es.h5
[ "$RC" -eq 0 ] || fail "early stopping: $ERR"
"$PY" - <<'PY'
import h5py
m = h5py.File("out/es.h5")
sel = m.attrs["selected_by"]; sel = sel.decode() if isinstance(sel, bytes) else str(sel)
assert sel == "best val_auc on data.validation", sel
assert 0.5 < float(m.attrs["val_auc"]) <= 1.0
print(f"ok: early stopping on val_auc: best iteration {int(m.attrs['best_iteration'])}, val_auc {float(m.attrs['val_auc']):.6f}")
PY

# 9. String labels: convert maps them to 0..K−1 in sorted order; the model names its classes, and
#    class weights may name them.
"$PY" - <<'PY'
import numpy as np
rng = np.random.default_rng(3)
names = np.array(["setosa", "versicolor", "virginica"])
with open("flowers.csv", "w") as f:
    f.write("a,b,c,species\n")
    for i in range(600):
        k = rng.integers(3); x = rng.standard_normal(3) + k
        f.write(f"{x[0]:.6f},{x[1]:.6f},{x[2]:.6f},{names[k]}\n")
PY
set +e
"$LOGREG_DATA" convert flowers.csv flowers.h5 > conv.txt 2>&1
RC=$?
set -e
[ "$RC" -eq 0 ] || fail "convert of string labels: $(cat conv.txt)"
run 2 mn.yaml --set data.train=flowers.h5 --set data.validation=null --set output.model=out/flowers.h5 \
  --set 'model.class_weight={virginica: 2}'
[ "$RC" -eq 0 ] || fail "training on string labels: $ERR"
"$PY" - <<'PY'
import h5py
m = h5py.File("out/flowers.h5")
classes = [c.decode() if isinstance(c, bytes) else str(c) for c in m.attrs["classes"]]
assert classes == ["setosa", "versicolor", "virginica"], classes
assert m["coef"].shape == (3, 3)
print("ok: string labels -> classes", classes)
PY

# 10. An empty class is reported; the refusals name their culprit.
run 2 mn.yaml --set data.train=three.h5 --set data.validation=null --set output.model=out/three.h5
[ "$RC" -eq 0 ] || fail "a class without rows: $ERR"
grep -q "note: class 2 has no rows in data.train" out.txt || fail "empty class not reported: $OUT"
expect_error 2 1 "is not 0/1 or -1/+1" mn.yaml --set model.family=binomial
expect_error 3 1 "labels mix -1 with" mn.yaml --set data.train=minus.h5 --set data.validation=null
expect_error 2 1 "data.validation: has label 4, but data.train has 4 classes (0..3)" mn.yaml --set data.validation=big_label.h5
expect_error 2 2 "model.init: out/newton.h5 is a multinomial model of 4 classes, but this run fits a multinomial model of 6 classes" \
  mn.yaml --set data.train=big_label.h5 --set data.validation=null --set model.init=out/newton.h5
expect_error 2 2 "model.class_weight: no class '7'" mn.yaml --set 'model.class_weight={7: 2}'
echo "PASS"
