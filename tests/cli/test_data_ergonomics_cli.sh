#!/usr/bin/env bash
# Bringing your own data (README, "Data tool: `logreg_data`"): missing values (--missing,
# --missing-indicator), pandas index columns (--drop-index), yes/no and True/False labels, 0-based
# LIBSVM (--zero-based), a fixed width (--features), feature names from the header into the shard
# and the model, and the hint when training is given a text file.
source "$(dirname "$0")/lib.sh"

# convert_run ARGS...: runs logreg_data convert; sets RC and MSG (stdout + stderr).
convert_run() {
  set +e
  MSG=$("$LOGREG_DATA" convert "$@" 2>&1)
  RC=$?
  set -e
}
# convert_error CODE PATTERN ARGS...: exit CODE, the output holds PATTERN, no output file.
convert_error() {
  local code=$1 pattern=$2
  shift 2
  convert_run "$@"
  [ "$RC" -eq "$code" ] || fail "convert $*: exit $RC, expected $code: $MSG"
  grep -qF -- "$pattern" <<<"$MSG" || fail "convert $*: message lacks '$pattern': $MSG"
  [ ! -e "$2" ] || fail "convert $*: left $2 behind"
  echo "ok: convert $* -> exit $code, '$pattern'"
}
convert_ok() {
  convert_run "$@"
  [ "$RC" -eq 0 ] || fail "convert $*: exit $RC: $MSG"
}

# A pandas to_csv file: an unnamed index column, missing cells of every spelling, True/False.
cat > pandas.csv <<'CSV'
,age,income,score,label
0,30,1000.5,3,True
1,,2000,NA,False
2,50,NaN,5,True
3,40,3000,2,False
4,35,N/A,null,True
5,45,2500,nan,False
6,28,1800,4,True
7,52,3200,1,False
CSV

# 2. The index column is refused (naming it and --drop-index), or dropped with --drop-index.
convert_error 1 "pandas.csv:2: the first column ('') looks like a pandas index" pandas.csv p.h5
convert_error 1 "--drop-index" pandas.csv p.h5
sed 's/^,age/Unnamed: 0,age/' pandas.csv > unnamed.csv
convert_error 1 "first column ('Unnamed: 0') looks like a pandas index" unnamed.csv p.h5
printf 'a,b,y\n5,1,0\n6,2,1\n' > noindex.csv
convert_error 2 "--drop-index: the first column of noindex.csv ('a') is not an index column" \
  noindex.csv p.h5 --drop-index

# 1. Missing values: refused by default naming file, line, column and value.
convert_error 1 "pandas.csv:3: column 'age' (field 2): missing value ''" pandas.csv p.h5 --drop-index \
  --missing error
convert_error 1 "use --missing zero or --missing mean" pandas.csv p.h5 --drop-index --missing error
printf 'a,b,y\n1,2,0\n3,NA,1\n' > na.csv
convert_error 1 "na.csv:3: column 'b' (field 2): missing value 'NA'" na.csv p.h5
convert_error 2 "--missing: expected error, zero or mean, got 'median'" na.csv p.h5 --missing median
convert_error 2 "--missing-indicator: needs missing cells to be filled (--missing zero or mean)" \
  na.csv p.h5 --missing error --missing-indicator
convert_ok pandas.csv zero.h5 --drop-index --missing zero
convert_ok pandas.csv mean.h5 --drop-index --missing mean --missing-indicator
grep -q "2 passes" <<<"$MSG" || fail "--missing mean reads twice: $MSG"
convert_ok pandas.csv mean_csr.h5 --drop-index --missing mean --missing-indicator --sparse --shards 2
"$PY" - <<'PY'
import h5py, numpy as np
nan = np.nan
X = np.array([[30, 1000.5, 3], [nan, 2000, nan], [50, nan, 5], [40, 3000, 2],
              [35, nan, nan], [45, 2500, nan], [28, 1800, 4], [52, 3200, 1]])
y = np.array([1, 0, 1, 0, 1, 0, 1, 0.0])
miss = np.isnan(X)
z = h5py.File("zero.h5")
assert np.array_equal(z["X"][()], np.where(miss, 0, X)), z["X"][()]
assert np.array_equal(z["y"][()], y)
assert [s.decode() for s in z["feature_names"][()]] == ["age", "income", "score"]
means = np.nanmean(X, axis=0)
want = np.hstack([np.where(miss, means, X), miss.astype(float)])
m = h5py.File("mean.h5")
assert np.allclose(m["X"][()], want, rtol=1e-15, atol=0), (m["X"][()], want)
names = [s.decode() for s in m["feature_names"][()]]
assert names == ["age", "income", "score", "missingindicator_age", "missingindicator_income",
                 "missingindicator_score"], names
# The same as CSR in 2 shards, names in every shard.
rows = []
for k in range(2):
    f = h5py.File(f"mean_csr_{k}.h5")
    g = f["X"]; n, d = g.attrs["shape"]
    D = np.zeros((n, d)); ip = g["indptr"][()]
    for i in range(n):
        D[i, g["indices"][ip[i]:ip[i + 1]]] = g["data"][ip[i]:ip[i + 1]]
    rows.append(D)
    assert [s.decode() for s in f["feature_names"][()]] == names
assert np.allclose(np.vstack(rows), want, rtol=1e-15, atol=0)
print("missing values: zero and mean (+ indicators) as specified, dense and CSR")
PY
# An indicator only for columns with missing cells: b has none.
printf 'a,b,y\n1,2,0\n,3,1\n4,5,1\n' > one_missing.csv
convert_ok one_missing.csv one.h5 --missing zero --missing-indicator
"$PY" -c "
import h5py, numpy as np
f = h5py.File('one.h5')
assert np.array_equal(f['X'][()], [[1, 2, 0], [0, 3, 1], [4, 5, 0]]), f['X'][()]
assert [s.decode() for s in f['feature_names'][()]] == ['a', 'b', 'missingindicator_a']
"

# 3. Labels yes/no (any case) and true/false are 1/0; other strings are refused naming them.
printf 'a,y\n1,yes\n2,No\n3,YES\n4,no\n' > yesno.csv
convert_ok yesno.csv yesno.h5
"$PY" -c "
import h5py, numpy as np
assert np.array_equal(h5py.File('yesno.h5')['y'][()], [1, 0, 1, 0])
"
printf 'a,y\n1,yes\n2,maybe\n' > maybe.csv
convert_error 1 "maybe.csv:3: bad label 'maybe'" maybe.csv p.h5

# 4. 0-based LIBSVM: refused with a hint, read with --zero-based.
printf '1 0:1.5 2:3\n0 1:2\n1 0:-1\n' > zero.svm
convert_error 1 "zero.svm:1: bad feature '0:1.5' (indices are 1-based, must be >= 1; for 0-based files, such as scikit-learn's dump_svmlight_file writes, use --zero-based)" zero.svm p.h5
convert_ok zero.svm zb.h5 --zero-based --dense
"$PY" -c "
import h5py, numpy as np
assert np.array_equal(h5py.File('zb.h5')['X'][()], [[1.5, 0, 3], [0, 2, 0], [-1, 0, 0]])
"
convert_error 2 "--zero-based: applies to LIBSVM input only" na.csv p.h5 --zero-based

# 5. --features N: a test file lacking the last feature gets the training width; beyond is an error.
printf '1 1:1 2:2\n0 2:1\n' > short.svm
convert_ok short.svm wide.h5 --features 5
"$PY" -c "
import h5py
assert list(h5py.File('wide.h5')['X'].attrs['shape']) == [2, 5]
"
convert_ok short.svm wide_dense.h5 --features 5 --dense
"$PY" -c "
import h5py
assert h5py.File('wide_dense.h5')['X'].shape == (2, 5)
"
convert_error 1 "short.svm:1: feature index 2 is beyond --features 1 (1-based indices 1..1)" \
  short.svm p.h5 --features 1
convert_error 1 "zero.svm:1: feature index 2 is beyond --features 2 (0-based indices 0..1)" \
  zero.svm p.h5 --features 2 --zero-based
convert_error 2 "--features: must be between 1 and 2147483647 (got 0)" short.svm p.h5 --features 0

# Acceptance, and 6: the pandas file converts with documented options, trains (3 ranks), and the
# model lists the feature names; predict works with it and with a model without names.
convert_ok pandas.csv train.h5 --drop-index --missing mean --missing-indicator
cat > train.yaml <<'YAML'
data:
  train: train.h5
model:
  l2: 1.0e-1
solver:
  name: lbfgs
output:
  model: out/model.h5
  metrics: null
  log_every: 0
YAML
run 3 train.yaml
[ "$RC" -eq 0 ] || fail "training on the converted pandas file failed: $ERR"
"$PY" - <<'PY'
import h5py
m = h5py.File("out/model.h5")
names = [s.decode() for s in m["feature_names"][()]]
assert names == ["age", "income", "score", "missingindicator_age", "missingindicator_income",
                 "missingindicator_score"], names
assert h5py.check_string_dtype(m["feature_names"].dtype).encoding == "utf-8"
assert len(names) == m["coef"].shape[0]
print("model feature_names:", names)
PY
run 2 predict --model out/model.h5 --data train.h5 --output out/pred.h5
[ "$RC" -eq 0 ] || fail "predict with a named model failed: $ERR"
# Files that disagree on the names are refused naming both.
sed '1s/score/points/' pandas.csv > renamed.csv
convert_ok renamed.csv renamed.h5 --drop-index --missing mean --missing-indicator
expect_error 3 1 "train.h5 and renamed.h5 name feature 2 differently ('score', 'points')" \
  train.yaml --set 'data.train=[train.h5, renamed.h5]' --set output.model=out/bad.h5
"$LOGREG_DATA" convert zero.svm plain.h5 --zero-based --features 6 --dense > /dev/null
expect_error 3 1 "train.h5 has feature_names and plain.h5 has none" \
  train.yaml --set 'data.train=[train.h5, plain.h5]' --set output.model=out/bad.h5
# A model without names (LIBSVM data) trains and predicts.
run 2 train.yaml --set data.train=plain.h5 --set output.model=out/plain.h5
[ "$RC" -eq 0 ] || fail "training on LIBSVM data failed: $ERR"
"$PY" -c "
import h5py
assert 'feature_names' not in h5py.File('out/plain.h5')
"
run 2 predict --model out/plain.h5 --data plain.h5 --output out/plain_pred.h5
[ "$RC" -eq 0 ] || fail "predict with a model without names failed: $ERR"

# 7. A text file given to training: the message says to convert it.
expect_error 3 1 "pandas.csv: not an HDF5 file; it looks like text (CSV, TSV or LIBSVM): convert it first: logreg_data convert pandas.csv OUT.h5" \
  train.yaml --set data.train=pandas.csv
echo "PASS"
