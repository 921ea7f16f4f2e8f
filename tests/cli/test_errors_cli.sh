#!/usr/bin/env bash
# Bad inputs: the real binary on 3 ranks must exit with the documented code, print one message
# naming the culprit (exactly once, not once per rank) and end promptly (README "Tests", time limits).
# With ERRORS_TABLE=FILE it also writes the README's table of these cases.
source "$(dirname "$0")/lib.sh"
# Without it the table goes to the scratch directory: never /dev/null, which the final mv would
# replace by a regular file.
TABLE=${ERRORS_TABLE:-$PWD/errors_table.md}
: > "$TABLE.tmp"
case_() {  # case_ "what" CODE "pattern" ARGS...
  local what=$1
  shift
  expect_error 3 "$@"
  printf '| %s | `%s` | %s |\n' "$what" "${LAST_MESSAGE#logreg_dist: error: }" "$1" >> "$TABLE.tmp"
}

"$PY" - <<'PY'
import h5py, numpy as np
rng = np.random.default_rng(0)
X = rng.standard_normal((60, 4)); y = (rng.random(60) < 0.5).astype(float)
def dense(name, X=X, y=y, **extra):
    with h5py.File(name, "w") as f:
        f["X"] = X
        if y is not None: f["y"] = y
        for k, v in extra.items(): f[k] = v
def csr(name, data, indices, indptr, shape, y):
    with h5py.File(name, "w") as f:
        g = f.create_group("X"); g["data"] = data; g["indices"] = indices; g["indptr"] = indptr
        g.attrs["shape"] = np.array(shape); f["y"] = y
dense("good.h5", w=np.ones(60))
dense("good_b.h5")
bad = y.copy(); bad[37] = 3; dense("badlabel.h5", y=bad)
Xn = X.copy(); Xn[41, 1] = np.nan; dense("nan.h5", X=Xn)
Xi = X.copy(); Xi[12, 3] = np.inf; dense("inf.h5", X=Xi)
w = np.ones(60); w[7] = -1.0; dense("negweight.h5", w=w)
dense("d5.h5", X=rng.standard_normal((10, 5)), y=np.zeros(10))
dense("shorty.h5", y=y[:50])
dense("rank1.h5", X=X[:, 0])
dense("nolabels.h5", y=None)
ym = y.copy(); ym[ym == 0] = -1; dense("minus.h5", y=ym)       # ±1 labels …
dense("zero.h5")                                                # … and 0/1 labels in another file
csr("csr_dec.h5", np.ones(6), np.array([0, 1, 2, 3, 0, 1]), np.array([0, 2, 1, 6]), (3, 4), np.zeros(3))
csr("csr_col.h5", np.ones(4), np.array([0, 1, 9, 2]), np.array([0, 2, 3, 4]), (3, 4), np.zeros(3))
csr("csr_end.h5", np.ones(4), np.array([0, 1, 2, 3]), np.array([0, 2, 3, 5]), (3, 4), np.zeros(3))
dense("positives.h5", y=np.ones(60))                             # one class only
Xh = X.copy(); Xh[:, 2] *= 1e300; dense("huge.h5", X=Xh)          # squares overflow
with h5py.File("big.h5", "w") as f:
    f["X"] = rng.standard_normal((20000, 20)); f["y"] = (rng.random(20000) < 0.5).astype(float)
PY
head -c 100000 big.h5 > truncated.h5
echo "plain text" > text.h5
touch notadir
write_ok_yaml
printf 'data:\n  train: good.h5\nsolver:\n  max_iters: 5\n' > typo.yaml
printf 'data:\n  train: [good.h5\n' > syntax.yaml
printf 'model:\n  l2: 1.0e-4\n' > notrain.yaml

# Config and command line (exit 2)
case_ "config file missing" 2 "missing.yaml: cannot open config file" missing.yaml
mkfifo pipe.yaml
case_ "config file is a FIFO (or a directory)" 2 "pipe.yaml: cannot open config file: not a regular file (a FIFO)" pipe.yaml
case_ "YAML syntax error" 2 "syntax.yaml: YAML syntax error at line" syntax.yaml
case_ "unknown key (typo)" 2 "unknown key 'solver.max_iters' (did you mean 'solver.max_iter'?)" typo.yaml
case_ "required key missing" 2 "data.train: required" notrain.yaml
case_ "wrong type via --set" 2 "solver.max_iter: expected an integer, got 'many'" ok.yaml --set solver.max_iter=many
case_ "out-of-range value" 2 "model.l2: must be >= 0, got -1" ok.yaml --set model.l2=-1
case_ "bad enum value" 2 "solver.name: expected gd, nesterov, lbfgs, newton or owlqn, got 'sgd'" ok.yaml --set solver.name=sgd
case_ "malformed --set" 2 "--set solver.max_iter: expected KEY=VALUE" ok.yaml --set solver.max_iter
case_ "unknown --set key" 2 "--set: unknown key 'model.l3'" ok.yaml --set model.l3=1
case_ "unknown option" 2 "unrecognised option '--frobnicate'" ok.yaml --frobnicate
LOGREG_KERNELS=avx9000 case_ "unknown kernel set in LOGREG_KERNELS" 2 "LOGREG_KERNELS: unknown kernel set 'avx9000', expected auto" ok.yaml
# Files and datasets (exit 1)
case_ "data file missing" 1 "data.train: file not found: nothere.h5" ok.yaml --set data.train=nothere.h5
case_ "glob matches nothing" 1 "data.train: pattern matches no file: shard_*.h5" ok.yaml --set "data.train=shard_*.h5"
case_ "not an HDF5 file" 1 "text.h5: not an HDF5 file" ok.yaml --set data.train=text.h5
case_ "truncated HDF5 file" 1 "truncated.h5" ok.yaml --set data.train=truncated.h5
case_ "features dataset missing" 1 "good.h5: features 'features' not found" ok.yaml --set data.features=features
case_ "labels dataset missing" 1 "nolabels.h5: labels dataset 'y' not found" ok.yaml --set data.train=nolabels.h5
case_ "weights dataset missing" 1 "good_b.h5: weights dataset 'w' not found" ok.yaml --set data.train=good_b.h5 --set data.weights=w
case_ "features of rank 1" 1 "rank1.h5:/X: expected a 2-D dataset (rows, features), got rank 1" ok.yaml --set data.train=rank1.h5
case_ "labels/rows count mismatch" 1 "shorty.h5:/y: has 50 entries but 'X' has 60 rows" ok.yaml --set data.train=shorty.h5
case_ "feature count differs across files" 1 "d5.h5: has 5 features but good.h5 has 4; all files must agree on d" ok.yaml --set "data.train=[good.h5, d5.h5]"
# Values (exit 1)
case_ "label not 0/1 or ±1 (model.family: binomial)" 1 "badlabel.h5:/y: row 37: label 3 is not 0/1 or -1/+1" ok.yaml --set data.train=badlabel.h5 --set model.family=binomial
case_ "labels mix 0 and -1 (across ranks)" 1 "labels mix 0 and -1 (found 35 zeros and 35 minus ones)" ok.yaml --set "data.train=[zero.h5, minus.h5]"
case_ "NaN feature" 1 "nan.h5:/X: non-finite value nan at row 41, column 1" ok.yaml --set data.train=nan.h5
case_ "Inf feature" 1 "inf.h5:/X: non-finite value inf at row 12, column 3" ok.yaml --set data.train=inf.h5
case_ "negative sample weight" 1 "negweight.h5:/w: row 7: sample weight -1 must be finite and >= 0" ok.yaml --set data.train=negweight.h5 --set data.weights=w
case_ "CSR indptr decreasing" 1 "csr_dec.h5:/X/indptr: decreasing at row 1" ok.yaml --set data.train=csr_dec.h5
case_ "CSR column id out of range" 1 "csr_col.h5:/X/indices: column id 9 out of range [0, 4) at row 1" ok.yaml --set data.train=csr_col.h5
case_ "CSR indptr not ending at nnz" 1 "csr_end.h5:/X/indptr: last entry 5 != number of stored values 4" ok.yaml --set data.train=csr_end.h5
# Outputs (exit 2 for a clash, 1 otherwise), numerics (exit 1 or 3)
case_ "output is an input" 2 "output.model (good.h5) is the same file as data.train (good.h5)" ok.yaml --set output.model=good.h5
case_ "two outputs are one file" 2 "output.metrics (out/model.h5) is the same file as output.model (out/model.h5)" ok.yaml --set output.metrics=out/model.h5
case_ "checkpoint is the model" 2 "checkpoint.path (out/model.h5) is the same file as output.model (out/model.h5)" ok.yaml --set checkpoint.path=out/model.h5
mkdir -p adir
case_ "output is a directory" 1 "output.model: adir is a directory; give the path of a file to write" ok.yaml --set output.model=adir
case_ "unwritable output location" 1 "output.model: cannot create directory notadir" ok.yaml --set output.model=notadir/model.h5
case_ "early-stopping metric undefined" 2 "early_stopping.metric: val_auc is undefined on data.validation, whose 60 rows are all positive" ok.yaml --set data.validation=positives.h5 --set early_stopping.metric=val_auc
case_ "feature too large to standardize" 1 "feature 2: values too large to standardize" ok.yaml --set data.train=huge.h5 --set model.standardize=true
case_ "diverging fixed step" 3 "the objective became non-finite after iteration" ok.yaml --set solver.name=gd \
  --set solver.learning_rate=1e12 --set model.l2=1
[ ! -e out/model.h5 ] || fail "a failed run wrote a model"
mv "$TABLE.tmp" "$TABLE"
echo "$(grep -c '^| ' "$TABLE" 2>/dev/null || echo 30) cases"
echo "ALL PASSED"
