#!/usr/bin/env bash
# Output polish (README, "Outputs", "Batch jobs", "Data tool"): the iteration line's k/max_iter
# and ETA, elapsed_s continuing across a resume, the model file's attribute types and provenance,
# old models still read by predict and model.init, and the convert progress line on every path.
source "$(dirname "$0")/lib.sh"

"$PY" - <<'PY'
import h5py, numpy as np
rng = np.random.default_rng(5)
X = rng.standard_normal((3000, 12))
y = (rng.random(3000) < 1 / (1 + np.exp(-(X @ rng.standard_normal(12))))).astype(float)
with h5py.File("train.h5", "w") as f: f["X"] = X; f["y"] = y
PY
cat > run.yaml <<'YAML'
data:
  train: train.h5
model:
  l2: 1.0e-3
solver:
  name: lbfgs
  max_iter: 8
  tol: 0
output:
  model: out/model.h5
  metrics: out/metrics.jsonl
checkpoint:
  path: ck/ck.h5
  every: 1
YAML

# 1. Iteration lines: "iter k/max_iter ... time Ts  eta D"; the JSON lines gain max_iter, eta_s.
run 2 run.yaml
[ "$RC" -eq 0 ] || fail "first run: $RC $ERR"
lines=$(grep -c '^iter ' out.txt)
[ "$lines" -eq 9 ] || fail "expected 9 iteration lines, got $lines: $OUT"
grep -Eq '^iter +0/8  objective .*  time [0-9]+\.[0-9]{2}s  eta \?$' out.txt \
  || fail "iteration 0 line (no ETA yet): $OUT"
n=$(grep -Ec '^iter +[1-8]/8  objective .*  time [0-9]+\.[0-9]{2}s  eta ([0-9]+s|[0-9]+m[0-9]{2}s|[0-9]+h[0-9]{2}m)$' out.txt)
[ "$n" -eq 8 ] || fail "iteration lines 1..8 with an ETA: $n of 8: $OUT"
grep -Eq '^iter +8/8  .*  eta 0s$' out.txt || fail "the last iteration's ETA is not 0s: $OUT"
"$PY" - <<'PY'
import json
its = [json.loads(l) for l in open("out/metrics.jsonl") if l.startswith('{"iter"')]
assert [l["iter"] for l in its] == list(range(9)), its
assert all(l["max_iter"] == 8 for l in its), its
assert its[0]["eta_s"] is None and its[-1]["eta_s"] == 0, its
assert all(l["eta_s"] >= 0 for l in its[1:]), its
print("ok: iteration lines and JSON carry max_iter and eta_s")
PY

# 2. elapsed_s continues across a resume. The checkpoint's elapsed_s is set to 1000 s, so a
#    resumed run that restarted its clock would log values below it, whatever the machine's speed.
"$PY" - <<'PY'
import h5py, json
c = h5py.File("ck/ck.h5", "r+")
last = [json.loads(l) for l in open("out/metrics.jsonl") if l.startswith('{"iter"')][-1]
assert 0 < c.attrs["elapsed_s"] and abs(c.attrs["elapsed_s"] - last["elapsed_s"]) < 1.0, (c.attrs["elapsed_s"], last)
c.attrs["elapsed_s"] = 1000.0
PY
run 3 run.yaml --set solver.max_iter=14
[ "$RC" -eq 0 ] || fail "resumed run: $RC $ERR"
grep -Eq '^iter +9/14  .*  time 10[0-9]{2}\.[0-9]{2}s  eta ' out.txt || fail "resumed time: $OUT"
"$PY" - <<'PY'
import json, h5py
its = [json.loads(l) for l in open("out/metrics.jsonl") if l.startswith('{"iter"')]
assert [l["iter"] for l in its] == list(range(15)), [l["iter"] for l in its]
e = [l["elapsed_s"] for l in its]
assert all(a <= b for a, b in zip(e, e[1:])), e
assert all(v >= 1000 for v in e[9:]) and all(v < 1000 for v in e[:9]), e
assert h5py.File("ck/ck.h5").attrs["elapsed_s"] >= e[-1] - 1e-9
print("ok: elapsed_s monotone across the resume:", [round(v, 4) for v in e[7:11]])
PY
# A non-finite elapsed_s is a damaged checkpoint (exit 1).
cp ck/ck.h5 ck_good.h5
"$PY" -c 'import h5py; h5py.File("ck/ck.h5", "r+").attrs["elapsed_s"] = float("nan")'
expect_error 2 1 "ck/ck.h5: elapsed_s is " run.yaml --set solver.max_iter=15
grep -q "a damaged or foreign checkpoint" err.txt || fail "damaged elapsed_s: $ERR"
mv ck_good.h5 ck/ck.h5
# A checkpoint without elapsed_s (written before it existed) resumes from 0.
"$PY" -c 'import h5py; del h5py.File("ck/ck.h5", "r+").attrs["elapsed_s"]'
run 1 run.yaml --set solver.max_iter=16
[ "$RC" -eq 0 ] || fail "resume of a checkpoint without elapsed_s: $RC $ERR"
"$PY" - <<'PY'
import json
its = [json.loads(l) for l in open("out/metrics.jsonl") if l.startswith('{"iter"')]
assert [l["iter"] for l in its] == list(range(17)), [l["iter"] for l in its]
assert all(l["elapsed_s"] < 1000 for l in its[15:]), its[15:]
print("ok: a checkpoint without elapsed_s resumes from 0")
PY

# 3. Model attributes: scalars as numbers, strings as str, and the provenance.
run 1 run.yaml --set checkpoint.path=null --set output.model=out/fresh.h5 --print-config
echo "$OUT" > printed.yaml
t0=$(date -u +%s)
run 1 run.yaml --set checkpoint.path=null --set output.model=out/fresh.h5
[ "$RC" -eq 0 ] || fail "fresh run: $RC $ERR"
"$PY" - "$t0" <<'PY'
import sys, os, re, datetime, h5py, numpy as np
m = h5py.File("out/fresh.h5", "r")
a = m.attrs
for k in ("iterations", "converged", "n_samples", "n_features"):
    assert isinstance(a[k], np.integer), (k, type(a[k]), a[k])
for k in ("objective", "l2", "l1"):
    assert isinstance(a[k], np.floating), (k, type(a[k]))
for k in ("solver", "stop_reason", "kernels", "version", "created_utc", "config"):
    assert type(a[k]) is str, (k, type(a[k]))
assert a["iterations"] == 8 and a["n_features"] == 12 and a["solver"] == "lbfgs"
assert re.fullmatch(r"logreg_dist \d+\.\d+\.\d+.*", a["version"]), a["version"]
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", a["created_utc"]), a["created_utc"]
t = datetime.datetime.strptime(a["created_utc"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
assert int(sys.argv[1]) - 1 <= t.timestamp() <= datetime.datetime.now(datetime.timezone.utc).timestamp() + 1, t
assert a["config"].strip() == open("printed.yaml").read().strip(), a["config"]
assert list(a["data_files"]) == ["train.h5"] and type(a["data_files"][0]) is str, a["data_files"]
assert list(a["data_file_bytes"]) == [os.path.getsize("train.h5")], a["data_file_bytes"]
def fingerprint(path):  # README, "Outputs": FNV-1a 64 of the first MiB, the last MiB and the size
    data, n = open(path, "rb").read(), os.path.getsize(path)
    MiB = 1 << 20
    head = min(n, MiB); tail = min(n - head, MiB)
    h = 0xcbf29ce484222325
    for b in data[:head] + data[n - tail:] + n.to_bytes(8, "little"):
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"
assert list(a["data_file_fingerprints"]) == [fingerprint("train.h5")], a["data_file_fingerprints"]
print("ok: model attributes are numbers and str; provenance", a["created_utc"], a["data_file_fingerprints"][0])
PY

# 4. predict and model.init read new models and models written before (one-element integer
#    arrays, fixed-length byte strings).
"$PY" - <<'PY'
import h5py, numpy as np
new = h5py.File("out/fresh.h5", "r")
with h5py.File("old.h5", "w") as f:
    f["coef"] = new["coef"][()]
    f["intercept"] = new["intercept"][()]
    f.attrs["objective"] = float(new.attrs["objective"])
    for k in ("iterations", "converged", "n_samples", "n_features"):
        f.attrs[k] = np.array([new.attrs[k]], dtype=np.int64)
    for k in ("solver", "stop_reason"):
        f.attrs[k] = np.bytes_(new.attrs[k].encode())
    f.attrs["l2"] = 1e-3; f.attrs["l1"] = 0.0
PY
for model in out/fresh.h5 old.h5; do
  "$MPIEXEC" -n 2 "$LOGREG_DIST" predict --model "$model" --data train.h5 --output "pred_$(basename "$model")" > out.txt 2> err.txt \
    || fail "predict with $model: $(cat err.txt)"
  run 2 run.yaml --set checkpoint.path=null --set model.init="$model" --set output.model=out/warm.h5 --set output.metrics=null
  [ "$RC" -eq 0 ] || fail "model.init=$model: $RC $ERR"
done
"$PY" -c 'import h5py, numpy as np; a, b = (h5py.File(p)["prob"][()] for p in ("pred_fresh.h5", "pred_old.h5")); assert np.array_equal(a, b)'
echo "ok: predict and model.init read old and new models"

# 5. logreg_data convert: a progress line with rows/s and an ETA on every path (--progress-every 0:
#    after every block); a negative interval is refused.
"$PY" - <<'PY'
import numpy as np
rng = np.random.default_rng(1)
X = np.round(rng.standard_normal((4000, 5)), 3); y = (rng.random(4000) < 0.5).astype(int)
with open("t.csv", "w") as f:
    f.write("a,b,c,d,e,label\n")
    for r, l in zip(X, y): f.write(",".join(map(str, r)) + f",{l}\n")
with open("t.tsv", "w") as f:
    f.write("a\tb\tc\td\te\tlabel\n")
    for r, l in zip(X, y): f.write("\t".join(map(str, r)) + f"\t{l}\n")
with open("t.svm", "w") as f:
    for r, l in zip(X, y): f.write(f"{l} " + " ".join(f"{j + 1}:{v}" for j, v in enumerate(r) if v) + "\n")
PY
line='^convert( \(counting pass\))?: [0-9.]+ [kMGT]?B of [0-9.]+ [kMGT]?B \([0-9]+%\), [0-9.]+ [kMGT]? ?rows, [0-9.]+ [kMGT]? ?rows/s, [0-9.]+ [kMGT]?B/s, ETA [0-9]+ s$'
for args in "t.csv --dense" "t.csv --sparse" "t.tsv --dense" "t.tsv --sparse" "t.svm --sparse" "t.svm --dense"; do
  set -- $args
  "$LOGREG_DATA" convert "$1" conv.h5 "$2" --progress-every 0 > conv_out.txt 2> conv_err.txt \
    || fail "convert $args: $(cat conv_err.txt)"
  grep -Eq "$line" conv_err.txt || fail "convert $args: no progress line: $(cat conv_err.txt)"
  ! grep -Ev "$line" conv_err.txt | grep -q . || fail "convert $args: other stderr: $(cat conv_err.txt)"
  grep -q "^rows 4000, features 5" conv_out.txt || fail "convert $args: $(cat conv_out.txt)"
done
echo "ok: convert progress lines on CSV, TSV and LIBSVM, dense and CSR"
set +e
"$LOGREG_DATA" convert t.csv conv.h5 --progress-every -1 > conv_out.txt 2> conv_err.txt
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "--progress-every -1: exit $rc"
grep -q -- "--progress-every: expected seconds >= 0, got -1.0" conv_err.txt || fail "$(cat conv_err.txt)"
echo "ok: --progress-every -1 refused"
