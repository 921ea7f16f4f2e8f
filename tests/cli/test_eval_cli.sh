#!/usr/bin/env bash
# Validation metrics, early stopping, test set and predict, with the real binaries.
source "$(dirname "$0")/lib.sh"

# Breast cancer (scikit-learn's copy) split into train (first 400 rows, 2 files) and validation.
"$PY" - "$FIXTURES" <<'PY'
import h5py, numpy as np, scipy.sparse as sp, sys
f = h5py.File(sys.argv[1] + "/breast_cancer.h5"); X, y = f["X"][()], f["y"][()]
def dense(name, X, y):
    with h5py.File(name, "w") as g: g["X"] = X; g["y"] = y
def csr(name, X, y):
    m = sp.csr_matrix(X * (np.abs(X) > np.median(np.abs(X))))  # really sparse
    with h5py.File(name, "w") as g:
        grp = g.create_group("X"); grp["data"] = m.data; grp["indices"] = m.indices; grp["indptr"] = m.indptr.astype(np.int64)
        grp.attrs["shape"] = np.array(m.shape); g["y"] = y
dense("train_a.h5", X[:250], y[:250]); dense("train_b.h5", X[250:400], y[250:400])
dense("valid.h5", X[400:], y[400:])
for k, (a, b) in enumerate([(0, 190), (190, 380), (380, 569)]):
    dense(f"all_{k}.h5", X[a:b], y[a:b]); csr(f"sp_{k}.h5", X[a:b], y[a:b])
PY
cat > eval.yaml <<'YAML'
data:
  train: [train_a.h5, train_b.h5]
  validation: valid.h5
  test: valid.h5
model:
  l2: 1.0e-3
  standardize: true
solver:
  name: lbfgs
  tol: 1.0e-9
output:
  model: out/model.h5
  metrics: out/metrics.jsonl
  log_every: 1
YAML

# 1. Reported validation metrics = scikit-learn's on the same model's probabilities, 1–4 ranks.
for np_ in 1 2 3 4; do
  run "$np_" eval.yaml --set output.model=out/model_$np_.h5 --set output.metrics=out/metrics_$np_.jsonl
  [ "$RC" -eq 0 ] || fail "training with validation on $np_ ranks: $ERR"
  "$PY" - "$np_" <<'PY'
import h5py, json, numpy as np, sys, warnings
from sklearn.metrics import log_loss, accuracy_score, roc_auc_score
np_ = sys.argv[1]
m = h5py.File(f"out/model_{np_}.h5"); v = h5py.File("valid.h5")
X, y = v["X"][()], v["y"][()]
p = 1 / (1 + np.exp(-(X @ m["coef"][()] + m["intercept"][()])))
lines = [json.loads(l) for l in open(f"out/metrics_{np_}.jsonl")]
last = [l for l in lines if "iter" in l][-1]
summary = lines[-1]
assert last["iter"] == m.attrs["iterations"], (last["iter"], m.attrs["iterations"])
ll, acc, auc = log_loss(y, p), accuracy_score(y, p > 0.5), roc_auc_score(y, p)
print(f"{np_} ranks: val_logloss {last['val_logloss']:.12f} vs sklearn {ll:.12f}; accuracy {last['val_accuracy']} vs {acc}; auc {last['val_auc']:.6f} vs {auc:.6f} (bound {last['val_auc_bound']:.1e})")
assert abs(last["val_logloss"] - ll) <= 1e-9, (last["val_logloss"], ll)
assert last["val_accuracy"] == acc
assert abs(last["val_auc"] - auc) <= 1e-4 and abs(last["val_auc"] - auc) <= last["val_auc_bound"] + 1e-12
# Every logged line carries the validation metrics; the test set is in the summary and the model.
assert all("val_auc" in l for l in lines if "iter" in l)
assert abs(summary["test_logloss"] - ll) <= 1e-9 and abs(m.attrs["test_auc"] - auc) <= 1e-4
PY
done

# 2. predict on 1–4 ranks, dense and CSR, three files: prob = σ(Xw + b) in row order.
for layout in all sp; do
  for np_ in 1 2 3 4; do
    set +e
    timeout -s KILL "$HANG_S" "$MPIEXEC" -n "$np_" "$LOGREG_DIST" predict --model out/model_1.h5 \
      --data "${layout}_*.h5" --output "out/pred_${layout}_$np_.h5" > out.txt 2> err.txt
    rc=$?
    set -e
    [ "$rc" -eq 0 ] || fail "predict ($layout, $np_ ranks): $(cat err.txt)"
    grep -q "wrote 569 probabilities" out.txt || fail "predict output: $(cat out.txt)"
    grep -q "log_loss .* accuracy .* auc" out.txt || fail "no metrics printed: $(cat out.txt)"
  done
done
"$PY" - <<'PY'
import h5py, numpy as np, scipy.sparse as sp
m = h5py.File("out/model_1.h5"); w, b = m["coef"][()], m["intercept"][()]
for layout in ("all", "sp"):
    parts = []
    for k in range(3):
        f = h5py.File(f"{layout}_{k}.h5")
        if isinstance(f["X"], h5py.Group):
            g = f["X"]; X = sp.csr_matrix((g["data"][()], g["indices"][()], g["indptr"][()]), shape=tuple(g.attrs["shape"])).toarray()
        else:
            X = f["X"][()]
        parts.append(X)
    X = np.vstack(parts)
    expect = 1 / (1 + np.exp(-(X @ w + b)))
    for np_ in (1, 2, 3, 4):
        p = h5py.File(f"out/pred_{layout}_{np_}.h5")["prob"][()]
        err = np.max(np.abs(p - expect))
        assert p.shape == (569,) and err <= 1e-12, (layout, np_, err)
        p1 = h5py.File(f"out/pred_{layout}_1.h5")["prob"][()]
        assert np.array_equal(p, p1), (layout, np_)
    print(f"predict {layout}: 1-4 ranks identical, max |prob - sigma(Xw+b)| = {err:.1e}")
PY

# 3. Early stopping on an overfitting problem keeps the best-validation θ.
"$PY" - <<'PY'
import h5py, numpy as np
rng = np.random.default_rng(5)
d = 150; w = np.zeros(d); w[:5] = 1.5  # a strong sparse signal: learned first, then noise is fit
def draw(n):
    X = rng.standard_normal((n, d)); y = (rng.random(n) < 1 / (1 + np.exp(-(X @ w)))).astype(float); return X, y
X, y = draw(80); Xv, yv = draw(3000)
with h5py.File("over_train.h5", "w") as f: f["X"] = X; f["y"] = y
with h5py.File("over_valid.h5", "w") as f: f["X"] = Xv; f["y"] = yv
PY
ES=(eval.yaml --set data.train=over_train.h5 --set data.validation=over_valid.h5 --set data.test=null
  --set model.l2=1e-8 --set model.standardize=false
  --set solver.name=gd --set solver.learning_rate=0.1 --set output.log_every=5
  --set early_stopping.metric=val_logloss --set early_stopping.patience=5)
run 3 "${ES[@]}" --set solver.max_iter=2000 --set output.model=out/es.h5 --set output.metrics=out/es.jsonl
[ "$RC" -eq 0 ] || fail "early stopping run: $ERR"
grep -q "early stopping on val_logloss: best at iteration" out.txt || fail "no early stopping message: $OUT"
"$PY" - <<'PY'
import h5py, json, numpy as np
m = h5py.File("out/es.h5"); v = h5py.File("over_valid.h5")
lines = [json.loads(l) for l in open("out/es.jsonl")]
its = [l for l in lines if "iter" in l]
vals = [l["val_logloss"] for l in its]
best = int(np.argmin(vals))
z = v["X"][()] @ m["coef"][()] + m["intercept"][()]; y = v["y"][()]
ll = np.mean(np.logaddexp(0, z) - y * z)
print(f"early stopping: stopped at iteration {its[-1]['iter']}, best val_logloss {vals[best]:.6f} at iteration {its[best]['iter']}, "
      f"last {vals[-1]:.6f}; the saved model's val logloss {ll:.6f}")
assert m.attrs["stop_reason"] == "early_stopped" and m.attrs["early_stopped"] == 1
assert m.attrs["best_iteration"] == its[best]["iter"] and its[-1]["iter"] > its[best]["iter"] > 0
assert vals[0] > vals[best] + 1e-3, "validation loss never improved: not a test of early stopping"
assert vals[-1] > vals[best] + 1e-3, "the problem did not overfit"
assert abs(ll - vals[best]) <= 1e-9, (ll, vals[best])
assert "best val_logloss" in m.attrs["selected_by"]
PY
# 4. The same run cut by its iteration budget 10 iterations after its best point (a checkpoint
# every 5), then resumed on another rank count: the best point travels in the checkpoint, so the
# resumed run stops where the whole run stopped and writes the same model, bit for bit.
best_it=$("$PY" -c 'import h5py; print(int(h5py.File("out/es.h5").attrs["best_iteration"]))')
rm -f out/es_ckpt.h5
run 3 "${ES[@]}" --set solver.max_iter=$((best_it + 10)) --set checkpoint.path=out/es_ckpt.h5 \
  --set checkpoint.every=5 --set output.model=out/es_cut.h5 --set output.metrics=out/es_cut.jsonl
[ "$RC" -eq 0 ] || fail "early stopping run cut at iteration $((best_it + 10)): $ERR"
# resumed_like_whole NP MODEL AT: resumes the early-stopping run from out/es_ckpt.h5 on NP ranks;
# it must report resuming at iteration AT with the saved best point and write MODEL equal to the
# whole run's model, bit for bit.
resumed_like_whole() {
  run "$1" "${ES[@]}" --set solver.max_iter=2000 --set checkpoint.path=out/es_ckpt.h5 \
    --set checkpoint.every=5 --set output.model="$2" --set output.metrics=out/es_resumed.jsonl
  [ "$RC" -eq 0 ] || fail "resumed early stopping run: $ERR"
  grep -q "resuming from out/es_ckpt.h5 at iteration $3 (early stopping: best so far at iteration $best_it)" out.txt \
    || fail "the resumed run did not report the saved best point: $OUT"
  "$PY" - "$2" <<'PY'
import h5py, numpy as np, sys
a, b = h5py.File("out/es.h5"), h5py.File(sys.argv[1])
print(f"resumed early stopping ({sys.argv[1]}): best iteration {b.attrs['best_iteration']} (whole run "
      f"{a.attrs['best_iteration']}), stopped after {b.attrs['iterations']} iterations (whole run {a.attrs['iterations']})")
for k in ("best_iteration", "iterations", "val_logloss", "objective"):
    assert a.attrs[k] == b.attrs[k], (k, a.attrs[k], b.attrs[k])
assert b.attrs["stop_reason"] == "early_stopped"
assert np.array_equal(a["coef"][()], b["coef"][()]) and a["intercept"][()] == b["intercept"][()]
PY
}
resumed_like_whole 2 out/es_resumed.h5 $((best_it + 10))
# Its final checkpoint holds the early stop: running it again ends at once, same model.
resumed_like_whole 1 out/es_again.h5 "$("$PY" -c 'import h5py; print(int(h5py.File("out/es.h5").attrs["iterations"]))')"
# Another metric cannot reuse that best point.
expect_error 2 2 "early_stopping.metric: now val_auc, in the checkpoint val_logloss" "${ES[@]}" \
  --set early_stopping.metric=val_auc --set checkpoint.path=out/es_ckpt.h5 --set output.model=out/es_x.h5
[ ! -e out/es_x.h5 ] || fail "a refused resume wrote a model"
expect_error 3 2 "early_stopping.metric: needs data.validation" eval.yaml --set data.validation=null \
  --set early_stopping.metric=val_auc
echo "ALL PASSED"
