#!/usr/bin/env bash
# The plot script of a path job, as built beside the tools (logreg_plot_path): CSV and JSON-lines
# tables with and without CV columns, binomial and multinomial coefficient paths, λ = 0 on a log
# axis; each plot a PNG of at least 1500 px at 300 dpi with a PDF beside it; a missing or
# malformed input is refused with exit 2 in one line naming the file.
source "$(dirname "$0")/lib.sh"

PLOT="$(dirname "$LOGREG_DIST")/logreg_plot_path"
[ -x "$PLOT" ] || fail "$PLOT is missing or not executable"
PLOTPY=$(for p in /usr/bin/python3 python3; do
  "$p" -c 'import numpy, h5py, matplotlib' 2> /dev/null && { echo "$p"; break; }
done)
[ -n "$PLOTPY" ] || fail "no python3 with numpy, h5py and matplotlib"

# Fake paths of 20 fits (λ from 1 down to 1e-4) with 5 folds and a U-shaped validation log-loss.
"$PLOTPY" - <<'PY'
import csv, json
import h5py, numpy as np
rng = np.random.default_rng(7)

def path(n, d, K, penalty, metric):
    lam = np.geomspace(1.0, 1e-4, n)
    beta = rng.normal(0, 1, (K, d)) * (rng.random((K, d)) < 0.6)
    coef = np.sign(beta) * np.maximum(np.abs(beta) - 3 * lam[:, None, None], 0)
    t = np.log10(lam) + 2.2
    mean = 0.33 + 0.05 * t**2 if metric == "val_logloss" else 0.95 - 0.02 * t**2
    folds = mean[:, None] + rng.normal(0, 0.02, (n, 5))
    m, sd = folds.mean(1), folds.std(1, ddof=1)
    best = int(np.argmin(m) if metric == "val_logloss" else np.argmax(m))
    rows = [{"index": i, "penalty": penalty, "lambda": lam[i], "l2": lam[i] * (penalty == "l2"),
             "l1": lam[i] * (penalty == "l1"), "iterations": 10 + i, "passes": 12 + i,
             "objective": 0.6 - 0.01 * i, "nnz": int((coef[i] != 0).sum()), "metric": metric,
             "cv_mean": m[i], "cv_sd": sd[i], "cv_se": sd[i] / 5**0.5, "cv_folds": list(folds[i]),
             "selected": int(i == best)} for i in range(n)]
    return lam, coef if K > 1 else coef[:, 0], rows, best

def table(name, rows, cv):
    base = ["index", "penalty", "lambda", "l2", "l1", "iterations", "passes", "objective", "nnz"]
    extra = ["metric", "cv_mean", "cv_sd", "cv_se", "cv_folds", "selected"] if cv else []
    with open(name, "w", newline="") as f:
        if name.endswith(".jsonl"):
            f.writelines(json.dumps({k: r[k] for k in base + extra}) + "\n" for r in rows)
            return
        folds = [f"cv_fold_{j}" for j in range(5)] if cv else []
        w = csv.writer(f)
        w.writerow(base + extra[:4] + folds + extra[5:])
        for r in rows:
            tail = r["cv_folds"] + [r["selected"]] if cv else []
            w.writerow([r[k] for k in base + extra[:4]] + tail)

def model(name, lam, coef, penalty, best, classes=None):
    with h5py.File(name, "w") as f:
        f["path_lambda"], f["path_coef"] = lam, coef
        f["path_intercept"] = np.zeros(coef.shape[:-1])
        f["coef"], f["intercept"] = coef[best], np.zeros(coef.shape[1:-1])
        f.attrs["path_penalty"], f.attrs["path_coef_source"] = penalty, "mean of the 5 fold-models"
        f.attrs["l2"], f.attrs["l1"] = lam[best] * (penalty == "l2"), lam[best] * (penalty == "l1")
        if classes:
            f.attrs["family"], f.attrs["classes"] = "multinomial", classes

lam, coef, rows, best = path(20, 30, 1, "l1", "val_logloss")
for name, cv in [("bin.csv", 1), ("bin.jsonl", 1), ("nocv.csv", 0), ("nocv.jsonl", 0)]:
    table(name, rows, cv)
model("bin.h5", lam, coef, "l1", best)
lam, coef, rows, best = path(12, 40, 3, "l2", "val_auc")
lam[-1] = rows[-1]["lambda"] = rows[-1]["l2"] = 0.0  # an unpenalized last fit
table("mn.jsonl", rows, 1)
model("mn.h5", lam, coef, "l2", best, ["setosa", "versicolor", "virginica"])
PY

# png_ok FILE: width >= 1500 px (bytes 16-23 of the header: width, height), 300 dpi (pHYs).
png_ok() {
  "$PLOTPY" - "$1" <<'PY' || fail "$1 is not a 300-dpi PNG of at least 1500 px"
import struct, sys
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", data[16:24])
i = data.index(b"pHYs")
px, py, unit = struct.unpack(">IIB", data[i + 4:i + 13])
print(f"  {sys.argv[1]}: {w} x {h} px, {px * 0.0254:.0f} x {py * 0.0254:.0f} dpi")
assert w >= 1500 and unit == 1 and abs(px - 11811) <= 2 and abs(py - 11811) <= 2, (w, px, py, unit)
PY
}

# plots_ok PREFIX KIND...: PREFIX_KIND.png (checked) and PREFIX_KIND.pdf exist.
plots_ok() {
  local prefix=$1
  shift
  for kind in "$@"; do
    png_ok "${prefix}_$kind.png"
    [ "$(head -c 4 "${prefix}_$kind.pdf")" = "%PDF" ] || fail "${prefix}_$kind.pdf is not a PDF"
  done
}

# plot ARGS...: runs the script; sets RC and ERR.
plot() {
  set +e
  "$PLOTPY" "$PLOT" "$@" > out.txt 2> err.txt
  RC=$?
  set -e
  ERR=$(cat err.txt)
}

# 1. CV and coefficient plots from CSV and JSON lines, with and without CV, both families.
plot --path bin.csv --model bin.h5 --out out/bin
[ "$RC" -eq 0 ] || fail "bin.csv + bin.h5: exit $RC: $ERR"
plots_ok out/bin cv coef
plot --path bin.jsonl --out out/binj
[ "$RC" -eq 0 ] || fail "bin.jsonl: exit $RC: $ERR"
plots_ok out/binj cv
[ ! -e out/binj_coef.png ] || fail "a coefficient plot without --model"
for t in nocv.csv nocv.jsonl; do
  plot --path "$t" --model bin.h5 --out "out/$t"
  [ "$RC" -eq 0 ] || fail "$t + bin.h5: exit $RC: $ERR"
  plots_ok "out/$t" coef
  [ ! -e "out/${t}_cv.png" ] || fail "a CV plot from $t, which has no CV columns"
done
plot --path mn.jsonl --model mn.h5 --out out/mn
[ "$RC" -eq 0 ] || fail "multinomial: exit $RC: $ERR"
plots_ok out/mn cv coef
echo "ok: CSV and JSON lines, with and without CV, binomial and multinomial"

# 2. Missing or malformed inputs: exit 2, one line naming the file.
printf 'index,penalty,lambda\n0,l2,1\n' > short.csv
sed 's/^3,l1,[^,]*,/3,l1,abc,/' bin.csv > badnum.csv
head -c 300 bin.jsonl > cut.jsonl
echo "not HDF5" > fake.h5
"$PLOTPY" -c 'import h5py; h5py.File("nopath.h5", "w")["coef"] = [1.0]'
for case in "nosuch.csv:--path nosuch.csv" "short.csv:--path short.csv" \
  "badnum.csv:--path badnum.csv" "cut.jsonl:--path cut.jsonl" "nocv.csv:--path nocv.csv" \
  "nosuch.h5:--path bin.csv --model nosuch.h5" "fake.h5:--path bin.csv --model fake.h5" \
  "nopath.h5:--path bin.csv --model nopath.h5" "mn.h5:--path bin.csv --model mn.h5"; do
  file=${case%%:*}
  # shellcheck disable=SC2086  # the arguments are words
  plot ${case#*:} --out out/bad
  [ "$RC" -eq 2 ] || fail "$case: exit $RC, expected 2 ($ERR)"
  [ "$(wc -l < err.txt)" -eq 1 ] || fail "$case: more than one line: $ERR"
  grep -q "^logreg_plot_path: $file: " err.txt || fail "$case: the message lacks $file: $ERR"
  echo "ok: exit 2: $ERR"
done
ls out/bad_* > /dev/null 2>&1 && fail "a refused input left plots: $(ls out/bad_*)"
echo PASS
