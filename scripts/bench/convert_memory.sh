#!/usr/bin/env bash
# Peak memory and throughput of `logreg_data convert` on a ~3 GB LIBSVM file, against the speed of
# merely reading the same file (cat, wc -l), then a 2-rank `logreg_dist --check` of the output.
#
#   bash scripts/bench/convert_memory.sh
#
# Environment: LOGREG_BUILD (build dir, default <repo>/build), BENCH_DIR (scratch, default
# /tmp/logreg_bench), ROWS (5000000), FEATURES (100000), NNZ (mean non-zeros per row, 40),
# KEEP=1 keeps the generated and converted files (a kept input is reused by the next run).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../common.sh"
BENCH_DIR="${BENCH_DIR:-/tmp/logreg_bench}"
ROWS="${ROWS:-5000000}"
FEATURES="${FEATURES:-100000}"
NNZ="${NNZ:-40}"
KEEP="${KEEP:-0}"
RSS_TARGET_MIB=286.1  # 300 MB (10^6 bytes) in MiB, the unit of /usr/bin/time

require_binaries
PY="$(find_python)"
mkdir -p "$BENCH_DIR"
W="$BENCH_DIR/convert"
mkdir -p "$W"
IN="$W/big.libsvm"

cleanup() {
  if [ "$KEEP" != 1 ]; then
    rm -f "$IN" "$IN.params" "$W"/big*.h5 "$W"/.big*.h5* "$W"/*.tmp* 2>/dev/null || true
  fi
}
trap cleanup EXIT

now() { date +%s.%N; }
# seconds CMD...: runs CMD with stdout discarded, prints its wall seconds.
seconds() {
  local t0 t1
  t0=$(now)
  "$@" > /dev/null
  t1=$(now)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}
# Drops the file's pages from the page cache (the host may still cache it: "cold-ish").
evict() {
  sync "$1"
  "$PY" -c 'import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
os.close(fd)' "$1"
}
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
# Fields of a `/usr/bin/time -v` report.
peak_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$1"; }
cpu_s() {
  awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$1"
}
wall_s() {
  awk -F': ' '/Elapsed \(wall clock\)/ {
    n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$1"
}

echo "== convert_memory: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, build $LOGREG_BUILD"

# --- input ---------------------------------------------------------------------------------------
params="rows=$ROWS features=$FEATURES nnz=$NNZ seed=1"
if [ -f "$IN" ] && [ "$(cat "$IN.params" 2>/dev/null)" = "$params" ]; then
  echo "reusing $IN ($params)"
else
  rm -f "$IN" "$IN.params"
  "$PY" "$here/gen_libsvm.py" "$IN" --rows "$ROWS" --features "$FEATURES" --nnz "$NNZ" --seed 1
  echo "$params" > "$IN.params"
fi
in_bytes=$(stat -c %s "$IN")
in_mb=$(div "$in_bytes" 1000000)
echo "input: $IN, $in_mb MB ($in_bytes bytes)"

# --- read baselines ------------------------------------------------------------------------------
evict "$IN"
cat_cold=$(seconds cat "$IN")
cat "$IN" > /dev/null
cat_warm=$(seconds cat "$IN")
wc_warm=$(seconds wc -l "$IN")
cat_cold_mbs=$(div "$in_mb" "$cat_cold")
cat_warm_mbs=$(div "$in_mb" "$cat_warm")
wc_warm_mbs=$(div "$in_mb" "$wc_warm")
echo "read: cat cold-ish $cat_cold s ($cat_cold_mbs MB/s), cat page cache $cat_warm s ($cat_warm_mbs MB/s), wc -l page cache $wc_warm s ($wc_warm_mbs MB/s)"

# --- convert -------------------------------------------------------------------------------------
# run_convert NAME [options]: converts $IN (in the page cache unless NAME is *cold*), prints a line.
declare -A RSS MBS WALL EFF CPU
run_convert() {
  local name="$1"
  shift
  rm -f "$W"/big*.h5
  if [[ "$name" == *cold* ]]; then evict "$IN"; else cat "$IN" > /dev/null; fi
  /usr/bin/time -v -o "$W/$name.time" "$DATA" convert "$IN" "$W/big.h5" "$@" > "$W/$name.out"
  RSS[$name]=$(peak_mb "$W/$name.time")
  MBS[$name]=$(sed -n 's/.*(\([0-9.]*\) MB\/s).*/\1/p' "$W/$name.out")
  WALL[$name]=$(wall_s "$W/$name.time")
  CPU[$name]=$(cpu_s "$W/$name.time")
  EFF[$name]=$(div "$in_mb" "${WALL[$name]}")
  echo "convert $name (${*:-no options}): $(tail -n 1 "$W/$name.out")"
  echo "  peak RSS ${RSS[$name]} MiB, wall ${WALL[$name]} s, cpu (user+sys) ${CPU[$name]} s," \
    "input MB / wall = ${EFF[$name]} MB/s"
}
run_convert warm
out_bytes=$(stat -c %s "$W/big.h5")
run_convert cold
run_convert shards3 --shards 3
shard_bytes=$(cat "$W"/big_*.h5 | wc -c)

# --- the output loads ----------------------------------------------------------------------------
# Convert once more to a single file for the check (the shard run replaced it).
rm -f "$W"/big*.h5
"$DATA" convert "$IN" "$W/big.h5" > /dev/null
cat > "$W/check.yaml" <<EOF
data:
  train: $W/big.h5
output:
  model: $W/model.h5
  metrics: null
EOF
mpi_environment
set +e
mpirun -n 2 sh -c '/usr/bin/time -v -o "$0.rank$OMPI_COMM_WORLD_RANK" "$@"' "$W/check.time" \
  "$DIST" "$W/check.yaml" --check > "$W/check.out" 2>&1
check_rc=$?
set -e
sed 's/^/  /' "$W/check.out"
echo "logreg_dist --check on 2 ranks: exit $check_rc (expected 0); peak RSS per rank:" \
  "$(peak_mb "$W/check.time.rank0") MiB, $(peak_mb "$W/check.time.rank1") MiB"

# --- summary -------------------------------------------------------------------------------------
pass() { awk -v a="$1" -v t="$2" 'BEGIN { print (a < t ? "yes" : "NO") }'; }
echo
echo "== summary (input $in_mb MB, CSR output $(div "$out_bytes" 1000000) MB single file, $(div "$shard_bytes" 1000000) MB in 3 shards)"
printf "%-34s %12s %12s %14s %14s %10s %10s\n" "run" "peak RSS MiB" "< 300 MB?" "reported MB/s" \
  "input/wall MB/s" "wall s" "cpu s"
for n in warm cold shards3; do
  printf "%-34s %12s %12s %14s %14s %10s %10s\n" "convert $n" "${RSS[$n]}" \
    "$(pass "${RSS[$n]}" $RSS_TARGET_MIB)" "${MBS[$n]}" "${EFF[$n]}" "${WALL[$n]}" "${CPU[$n]}"
done
echo "(cpu s = user + system time of all threads; the machine is shared, so wall times are noisy)"
echo "(--shards 3 reads the file twice; its reported MB/s counts both passes)"
echo
printf "%-44s %10s\n" "ratio" "value"
printf "%-44s %10s\n" "convert (page cache) / cat (page cache)" "$(ratio "${MBS[warm]}" "$cat_warm_mbs")"
printf "%-44s %10s\n" "convert (page cache) / wc -l (page cache)" "$(ratio "${MBS[warm]}" "$wc_warm_mbs")"
printf "%-44s %10s\n" "convert (cold-ish) / cat (cold-ish)" "$(ratio "${MBS[cold]}" "$cat_cold_mbs")"
printf "%-44s %10s\n" "convert --shards 3, per pass / cat (cache)" "$(ratio "${MBS[shards3]}" "$cat_warm_mbs")"
printf "%-44s %10s\n" "convert --shards 3, input/wall / cat (cache)" "$(ratio "${EFF[shards3]}" "$cat_warm_mbs")"
echo
echo "check exit status: $check_rc"
exit "$check_rc"
