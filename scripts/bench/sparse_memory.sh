#!/usr/bin/env bash
# Peak RSS per rank of `logreg_dist` on 2 ranks against the bytes each rank must hold:
#   sparse 1M x 1M, density 5e-5 (~50M non-zeros), L-BFGS, float64 and float32 in memory;
#   dense 500k x 100, float64 and float32 in memory;
# plus the fixed overhead of a rank that holds (almost) no data, and load-only runs (--check,
# max_iter 0) that separate the memory of loading from the memory of training.
#
#   bash scripts/bench/sparse_memory.sh
#
# Environment: LOGREG_BUILD (build dir, default <repo>/build), BENCH_DIR (scratch, default
# /tmp/logreg_bench), KEEP=1 keeps the generated data (and reuses it on the next run).
# RSS figures are MiB (2^20 bytes), as in the trainer's peak_rss_mb (ru_maxrss / 1024).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../common.sh"
BENCH_DIR="${BENCH_DIR:-/tmp/logreg_bench}"
KEEP="${KEEP:-0}"
SP_ROWS=1000000
SP_FEATURES=1000000
SP_DENSITY=5e-5
DN_ROWS=500000
DN_FEATURES=100
MEMORY=10  # solver.memory (L-BFGS pairs)

require_binaries
PY="$(find_python)"
W="$BENCH_DIR/sparse"
mkdir -p "$W"
cleanup() {
  if [ "$KEEP" != 1 ]; then
    rm -f "$W"/sp_*.h5 "$W"/dn_*.h5 "$W"/tiny*.h5 "$W"/*.tmp.* "$W"/*model*.h5 "$W"/*.params 2>/dev/null || true
  fi
}
trap cleanup EXIT
mpi_environment

echo "== sparse_memory: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, build $LOGREG_BUILD"

# --- data ----------------------------------------------------------------------------------------
synth() {  # synth STEM ARGS...: writes STEM_0.h5, STEM_1.h5 unless kept from an earlier run
  local stem="$1"
  shift
  local params="$*"
  if [ -f "$W/${stem}_1.h5" ] && [ "$(cat "$W/$stem.params" 2>/dev/null)" = "$params" ]; then
    echo "reusing $W/${stem}_*.h5"
    return
  fi
  rm -f "$W/${stem}"_*.h5
  "$DATA" synth "$W/$stem.h5" "$@" --shards 2 --seed 7 | tail -n 1
  echo "$params" > "$W/$stem.params"
}
synth sp --rows $SP_ROWS --features $SP_FEATURES --density $SP_DENSITY
synth dn --rows $DN_ROWS --features $DN_FEATURES
synth tiny --rows 1000 --features 10
synth tinysp --rows 1000 --features $SP_FEATURES --density $SP_DENSITY

cat > "$W/cfg.yaml" <<EOF
data:
  train: $W/sp_*.h5
model:
  l2: 1.0e-4
solver:
  name: lbfgs
  max_iter: 10
  tol: 1.0e-12     # so that all 10 iterations run and the L-BFGS history fills up
  memory: $MEMORY
output:
  model: $W/model.h5
  metrics: $W/metrics.jsonl
  log_every: 1
EOF

# --- runs ----------------------------------------------------------------------------------------
# run NAME ARGS...: mpirun -n 2 logreg_dist cfg.yaml ARGS..., each rank under /usr/bin/time -v.
# Appends NAME's figures to results.txt as JSON (per-rank RSS, and the summary when training).
: > "$W/results.txt"
run() {
  local name="$1"
  shift
  rm -f "$W/$name.jsonl" "$W/$name".time.rank*
  set +e
  mpirun -n 2 sh -c '/usr/bin/time -v -o "$0.rank$OMPI_COMM_WORLD_RANK" "$@"' "$W/$name.time" \
    "$DIST" "$W/cfg.yaml" --set "output.metrics=$W/$name.jsonl" \
    --set "output.model=$W/${name}_model.h5" "$@" > "$W/$name.out" 2>&1
  local rc=$?
  set -e
  if [ $rc -ne 0 ]; then
    cat "$W/$name.out" >&2
    echo "run $name failed with exit $rc" >&2
    exit 1
  fi
  "$PY" - "$W" "$name" "$*" >> "$W/results.txt" <<'EOF'
import json, os, re, sys
w, name, args = sys.argv[1:4]
rss = []
for r in (0, 1):
    text = open(os.path.join(w, f"{name}.time.rank{r}")).read()
    rss.append(int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024)
out = {"name": name, "args": args, "rss": rss}
path = os.path.join(w, f"{name}.jsonl")
if os.path.exists(path):
    for line in open(path):
        rec = json.loads(line)
        if rec.get("event") == "summary":
            out["summary"] = rec
print(json.dumps(out))
EOF
  echo "ran $name: $*  -> per-rank peak RSS $(tail -n 1 "$W/results.txt" | "$PY" -c 'import json,sys; r=json.load(sys.stdin); print(", ".join(f"{x:.1f}" for x in r["rss"]), "MiB", ("; summary peak_rss_mb.max %.1f, train_s %.3f, iterations %d" % (r["summary"]["peak_rss_mb"]["max"], r["summary"]["train_s"], r["summary"]["iterations"])) if "summary" in r else "")')"
}

TINY=(--set "data.train=$W/tiny_*.h5")
TINYSP=(--set "data.train=$W/tinysp_*.h5")
DN=(--set "data.train=$W/dn_*.h5" --set solver.max_iter=5)
F32=(--set data.dtype=float32)

run base_tiny "${TINY[@]}"
run base_tiny_d1e6 "${TINYSP[@]}"
run sp64_check --check
run sp64_iter0 --set solver.max_iter=0
run sp64
run sp64_iter12 --set solver.max_iter=12
run sp32_check --check "${F32[@]}"
run sp32_iter0 --set solver.max_iter=0 "${F32[@]}"
run sp32 "${F32[@]}"
run dn64_check --check "${DN[@]}"
run dn64_iter0 "${DN[@]}" --set solver.max_iter=0
run dn64 "${DN[@]}"
run dn32_check --check "${DN[@]}" "${F32[@]}"
run dn32_iter0 "${DN[@]}" "${F32[@]}" --set solver.max_iter=0
run dn32 "${DN[@]}" "${F32[@]}"

# --- report --------------------------------------------------------------------------------------
"$PY" - "$W" "$MEMORY" <<'EOF'
import glob, json, os, sys
import h5py

w, memory = sys.argv[1], int(sys.argv[2])
R = {}
for line in open(os.path.join(w, "results.txt")):
    r = json.loads(line)
    R[r["name"]] = r
MiB = 2.0 ** 20

def layout(stem):
    rows = nnz = d = 0
    for p in sorted(glob.glob(os.path.join(w, f"{stem}_*.h5"))):
        with h5py.File(p, "r") as f:
            x = f["X"]
            if isinstance(x, h5py.Group):
                n, d = (int(v) for v in x.attrs["shape"])
                rows += n
                nnz += x["data"].shape[0]
            else:
                n, d = x.shape
                rows += n
                nnz += n * d
    return rows, d, nnz

sp_rows, sp_d, sp_nnz = layout("sp")
dn_rows, dn_d, _ = layout("dn")
base = max(R["base_tiny"]["rss"])
base_d = max(R["base_tiny_d1e6"]["rss"])

print()
print(f"== sparse {sp_rows} x {sp_d}, nnz {sp_nnz}, 2 ranks, lbfgs memory {memory}, max_iter 10")
vec = (sp_d + 1) * 8 / MiB  # one working vector of d+1 doubles
s = R["base_tiny_d1e6"]["summary"]
print(f"baseline: a rank holding 500 rows x 10 features peaks at {base:.1f} MiB (fixed overhead: "
      f"MPI, HDF5, libraries)")
print(f"baseline with d = {sp_d} (500 rows, {s['iterations']} L-BFGS iterations, {s['status']}): {base_d:.1f} MiB "
      f"= fixed + {base_d - base:.1f} MiB = {(base_d - base) / vec:.1f} vectors of d+1 doubles ({vec:.2f} MiB each)")
allow = (2 * memory + 8) * (sp_d + 1) * 8 / MiB
print(f"O(d) allowance = (2*memory + 8) * (d+1) * 8 B = (2*{memory} + 8) * {sp_d + 1} * 8 B = {allow:.1f} MiB")
rows = []
for tag, vb in (("sp64", 8), ("sp32", 4)):
    share = ((sp_nnz / 2) * (vb + 4) + (sp_rows / 2 + 1) * 8) / MiB
    target = 1.3 * share + allow
    full = R[tag]
    s = full["summary"]
    print(f"{tag}: share = (nnz/2)*({vb}+4) + (rows/2+1)*8 = {share:.1f} MiB; target 1.3*share + allowance = {target:.1f} MiB")
    print(f"  load only (--check)  per-rank peak RSS: " + ", ".join(f"{x:.1f}" for x in R[tag + "_check"]["rss"]) + " MiB")
    print(f"  max_iter 0           per-rank peak RSS: " + ", ".join(f"{x:.1f}" for x in R[tag + "_iter0"]["rss"]) + " MiB")
    print(f"  max_iter 10          per-rank peak RSS: " + ", ".join(f"{x:.1f}" for x in full["rss"]) + f" MiB; summary peak_rss_mb.max {s['peak_rss_mb']['max']:.1f}")
    chk = max(R[tag + "_check"]["rss"])
    print(f"  training adds {s['peak_rss_mb']['max'] - chk:.1f} MiB over load-only = {(s['peak_rss_mb']['max'] - chk) / vec:.1f} vectors of d+1 doubles; "
          f"load-only - baseline = {chk - base:.1f} MiB = {(chk - base) / share:.3f} x share")
    print(f"  status {s['status']}, {s['iterations']} iterations, {s['evaluations']} evaluations, train_s {s['train_s']:.3f}, "
          f"{s['train_s'] / max(1, s['iterations']):.3f} s/iteration, load_s max {s['load_s']['max']:.2f}")
    rows.append((f"sparse {'float64' if vb == 8 else 'float32'}", share, s["peak_rss_mb"]["max"], target,
                 s["peak_rss_mb"]["max"] <= target, s["train_s"] / max(1, s["iterations"])))
d64 = R["sp64"]["summary"]["peak_rss_mb"]["max"]
d32 = R["sp32"]["summary"]["peak_rss_mb"]["max"]
print(f"float64 - float32 peak RSS: {d64 - d32:.1f} MiB (values held: (nnz/2)*4 B = {sp_nnz / 2 * 4 / MiB:.1f} MiB)")
s12 = R["sp64_iter12"]["summary"]
print(f"sp64 with max_iter 12 (the history is full and starts rotating at iteration 11): peak_rss_mb.max "
      f"{s12['peak_rss_mb']['max']:.1f} MiB = {s12['peak_rss_mb']['max'] - d64:+.1f} MiB "
      f"({(s12['peak_rss_mb']['max'] - d64) / vec:+.1f} vectors) over max_iter 10; target {1.3 * ((sp_nnz / 2) * 12 + (sp_rows / 2 + 1) * 8) / MiB + allow:.1f} MiB")

print()
print(f"== dense {dn_rows} x {dn_d}, 2 ranks, lbfgs, max_iter 5")
for tag, vb in (("dn64", 8), ("dn32", 4)):
    shard = (dn_rows / 2) * dn_d * vb / MiB
    target = 1.15 * shard + 64
    full = R[tag]
    s = full["summary"]
    print(f"{tag}: shard bytes = (rows/2)*d*{vb} = {shard:.1f} MiB; target 1.15*shard + 64 MiB = {target:.1f} MiB")
    print(f"  load only (--check)  per-rank peak RSS: " + ", ".join(f"{x:.1f}" for x in R[tag + "_check"]["rss"]) + " MiB")
    print(f"  max_iter 0           per-rank peak RSS: " + ", ".join(f"{x:.1f}" for x in R[tag + "_iter0"]["rss"]) + " MiB")
    print(f"  max_iter 5           per-rank peak RSS: " + ", ".join(f"{x:.1f}" for x in full["rss"]) + f" MiB; summary peak_rss_mb.max {s['peak_rss_mb']['max']:.1f}")
    print(f"  peak - baseline = {s['peak_rss_mb']['max'] - base:.1f} MiB = {(s['peak_rss_mb']['max'] - base) / shard:.3f} x shard; "
          f"status {s['status']}, {s['iterations']} iterations, "
          f"train_s {s['train_s']:.3f}, {s['train_s'] / max(1, s['iterations']):.4f} s/iteration")
    rows.append((f"dense {'float64' if vb == 8 else 'float32'}", shard, s["peak_rss_mb"]["max"], target,
                 s["peak_rss_mb"]["max"] <= target, s["train_s"] / max(1, s["iterations"])))
e64 = R["dn64"]["summary"]["peak_rss_mb"]["max"]
e32 = R["dn32"]["summary"]["peak_rss_mb"]["max"]
print(f"float64 - float32 peak RSS: {e64 - e32:.1f} MiB (half of X per rank: {(dn_rows / 2) * dn_d * 4 / MiB:.1f} MiB)")

print()
print("== summary (per rank, MiB; peak = summary peak_rss_mb.max)")
print(f"{'run':18s} {'data bytes':>11s} {'peak RSS':>9s} {'target':>9s} {'met':>4s} {'s/iter':>8s}")
for name, share, peak, target, ok, it in rows:
    print(f"{name:18s} {share:11.1f} {peak:9.1f} {target:9.1f} {'yes' if ok else 'NO':>4s} {it:8.4f}")
print("targets: sparse 1.3*share + (2*memory+8)*(d+1)*8 B; dense 1.15*shard + 64 MiB "
      "(float32 rows: same formula on the float32 bytes)")
EOF
