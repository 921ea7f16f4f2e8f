#!/usr/bin/env bash
# Guards on inputs, through the real binaries: logreg_dist on 3 ranks (and logreg_data info) must
# refuse what is not a regular file without hanging, name stat errors, take an existing name with
# glob characters literally, decode HDF5 open failures (missing filter, locked file, file left
# open for writing), refuse CSR rows with repeated or non-integral column ids, load 1100 files
# under a low open-file limit, refuse duplicate config keys and accept solver.tol: 0.
source "$(dirname "$0")/lib.sh"

HOLDER=""
trap '[ -z "$HOLDER" ] || kill "$HOLDER" 2> /dev/null || true; rm -rf "$WORK"' EXIT

# expect_info_error PATTERN FILE...: logreg_data info exits 1 within the time limit, naming PATTERN.
expect_info_error() {
  local pattern=$1
  shift
  set +e
  timeout -s KILL "$HANG_S" "$LOGREG_DATA" info "$@" > out.txt 2> err.txt
  RC=$?
  set -e
  [ "$RC" -ne 137 ] || fail "logreg_data info $* hung (killed after $HANG_S s)"
  [ "$RC" -eq 1 ] || fail "logreg_data info $*: expected exit 1, got $RC ($(cat err.txt))"
  grep -q -F -- "$pattern" err.txt || fail "logreg_data info $*: stderr lacks '$pattern': $(cat err.txt)"
  echo "ok: info exit 1, '$pattern'"
}

# attr MODEL NAME: an attribute of a model file.
attr() {
  "$PY" -c 'import h5py, numpy as np, sys
v = np.ravel(h5py.File(sys.argv[1]).attrs[sys.argv[2]])[0]
print(v.decode() if isinstance(v, bytes) else v)' "$1" "$2"
}

"$PY" - <<'PY'
import h5py, numpy as np, socket
rng = np.random.default_rng(0)
X = rng.standard_normal((60, 4)); y = (rng.random(60) < 0.5).astype(float)
with h5py.File("good.h5", "w") as f:
    f["X"] = X; f["y"] = y
with h5py.File("train[1].h5", "w") as f:      # a name with glob characters …
    f["X"] = X; f["y"] = y
with h5py.File("train1.h5", "w") as f:        # … and the file the pattern would match
    f["X"] = X[:7]; f["y"] = y[:7]
with h5py.File("lzf.h5", "w") as f:           # h5py's LZF: filter 32000, absent from libhdf5
    # Compressible values: LZF stores a chunk it cannot shrink as it is.
    f.create_dataset("X", data=np.round(X), compression="lzf"); f["y"] = y
def csr(name, indices, indptr, shape):
    with h5py.File(name, "w") as f:
        g = f.create_group("X"); g["data"] = np.ones(len(indices)); g["indices"] = indices
        g["indptr"] = np.array(indptr); g.attrs["shape"] = np.array(shape)
        f["y"] = (np.arange(shape[0]) % 2).astype(float)
csr("csr_dup.h5", np.array([0, 1, 2, 3, 0, 2, 1, 0, 1, 2, 3, 3, 1]), [0, 2, 4, 6, 7, 9, 13], (6, 4))
csr("csr_frac.h5", np.array([0, 1, 1.5, 2]), [0, 2, 3, 4], (3, 4))
s = socket.socket(socket.AF_UNIX); s.bind("sock.h5"); s.close()
PY
mkfifo pipe.h5
mkdir adir.h5 dirglob_a
ln -s loop_b.h5 loop_a.h5
ln -s loop_a.h5 loop_b.h5
ln -s nowhere.h5 dangling.h5
write_ok_yaml
cat > dup.yaml <<'YAML'
solver:
  name: gd
  max_iter: 5
  tol: 1.0e-8
  memory: 10
  learning_rate: auto
  max_iter: 50
data:
  train: good.h5
YAML

# 1. Only regular files are opened (a FIFO used to hang every rank).
expect_error 3 1 "data.train: pipe.h5 is not a regular file (a FIFO)" ok.yaml --set data.train=pipe.h5
expect_error 3 1 "data.validation: pipe.h5 is not a regular file (a FIFO)" ok.yaml --set data.validation=pipe.h5
expect_error 3 1 "data.test: adir.h5 is not a regular file (a directory)" ok.yaml --set data.test=adir.h5
expect_error 3 1 "data.train: dirglob_a is not a regular file (a directory)" ok.yaml --set "data.train=dirglob_*"
expect_error 3 1 "data.train: sock.h5 is not a regular file (a socket)" ok.yaml --set data.train=sock.h5
if [ -c /dev/zero ]; then
  expect_error 3 1 "data.train: /dev/zero is not a regular file (a character device)" ok.yaml --set data.train=/dev/zero
fi
expect_info_error "pipe.h5 is not a regular file (a FIFO)" pipe.h5
expect_info_error "adir.h5 is not a regular file (a directory)" adir.h5
run 1 ok.yaml --set solver.max_iter=3
[ "$RC" -eq 0 ] || fail "training on good.h5 failed: $ERR"
expect_error 3 1 "--data: pipe.h5 is not a regular file (a FIFO)" predict --model out/model.h5 --data pipe.h5 --output pred.h5
expect_error 3 1 "pipe.h5 is not a regular file (a FIFO)" predict --model pipe.h5 --data good.h5 --output pred.h5

# 2. Stat errors name their cause.
expect_error 3 1 "data.train: loop_a.h5: too many levels of symbolic links" ok.yaml --set data.train=loop_a.h5
expect_error 3 1 "data.train: dangling.h5: broken symbolic link (its target does not exist)" ok.yaml --set data.train=dangling.h5
expect_error 3 1 "data.train: good.h5/x.h5: not a directory" ok.yaml --set data.train=good.h5/x.h5
expect_info_error "loop_a.h5: too many levels of symbolic links" loop_a.h5
if [ "$(id -u)" -ne 0 ]; then  # root reads anything
  cp good.h5 secret.h5
  chmod 000 secret.h5
  expect_error 3 1 "data.train: secret.h5: permission denied" ok.yaml --set data.train=secret.h5
fi

# 3. An existing name with glob characters is that file, not a pattern (which matches train1.h5).
run 3 ok.yaml --check --set "data.train=train[1].h5"
[ "$RC" -eq 0 ] || fail "--check on 'train[1].h5' failed: $ERR"
grep -q "60 rows x 4 features, dense, 1 file" out.txt || fail "'train[1].h5' was not read literally: $OUT"
echo "ok: 'train[1].h5' read literally"

# 4. HDF5 failures decoded: missing filter, locked by a writer, left open for writing.
expect_error 3 1 "lzf.h5:/X: compressed with HDF5 filter 'lzf' (id 32000), which this HDF5 library does not have" \
  ok.yaml --set data.train=lzf.h5
expect_info_error "lzf.h5:/X: compressed with HDF5 filter 'lzf' (id 32000)" lzf.h5

"$PY" - > holder.txt <<'PY' &
import h5py, numpy as np, sys, time
f = h5py.File("locked.h5", "w")      # held open for writing: HDF5 locks the file
f["X"] = np.random.default_rng(1).standard_normal((60, 4)); f["y"] = np.arange(60) % 2.0
f.flush()
print("ready", flush=True)
time.sleep(3600)                # until killed below (or by the EXIT trap)
PY
HOLDER=$!
t0=$SECONDS
until grep -q ready holder.txt; do
  [ $((SECONDS - t0)) -le "$HANG_S" ] || fail "the writer holding locked.h5 did not start"
  sleep 0.1
done
expect_error 3 1 "locked.h5: cannot open HDF5 file: it is locked by another process that has it open for writing; wait until that process closes it, or set HDF5_USE_FILE_LOCKING=FALSE if you know the writer has finished" \
  ok.yaml --set data.train=locked.h5
expect_info_error "locked.h5: cannot open HDF5 file: it is locked by another process" locked.h5
HDF5_USE_FILE_LOCKING=FALSE run 3 ok.yaml --check --set data.train=locked.h5
[ "$RC" -eq 0 ] || fail "HDF5_USE_FILE_LOCKING=FALSE did not open the locked file: $ERR"
echo "ok: HDF5_USE_FILE_LOCKING=FALSE reads the locked file"
kill "$HOLDER"
wait "$HOLDER" 2> /dev/null || true
HOLDER=""

# An SWMR writer killed outright leaves the superblock marked as open for writing.
(
  "$PY" - <<'PY' || true
import h5py, numpy as np, os, signal
f = h5py.File("swmr.h5", "w", libver="latest")
f.create_dataset("X", data=np.ones((60, 4)), maxshape=(None, 4), chunks=(60, 4))
f["y"] = np.arange(60) % 2.0
f.swmr_mode = True
f.flush()
os.kill(os.getpid(), signal.SIGKILL)
PY
) 2> /dev/null
[ -f swmr.h5 ] || fail "the SWMR writer wrote no file"
expect_error 3 1 "swmr.h5: cannot open HDF5 file: it is marked as open for writing (a writer, e.g. in SWMR mode, is still running or crashed); if no process is writing it, clear the mark with 'h5clear -s swmr.h5'" \
  ok.yaml --set data.train=swmr.h5
expect_info_error "clear the mark with 'h5clear -s swmr.h5'" swmr.h5
if command -v h5clear > /dev/null; then
  h5clear -s swmr.h5
  run 3 ok.yaml --check --set data.train=swmr.h5
  [ "$RC" -eq 0 ] || fail "swmr.h5 unreadable after h5clear -s: $ERR"
  echo "ok: h5clear -s makes swmr.h5 readable"
fi

# 5. CSR column ids: unique within a row (with standardize the model used to be wrong), integral.
expect_error 3 1 "csr_dup.h5:/X/indices: column id 3 repeated in row 5" ok.yaml --set data.train=csr_dup.h5 \
  --set model.standardize=true
expect_error 3 1 "csr_frac.h5:/X/indices: non-integral column id 1.5 at row 1" ok.yaml --set data.train=csr_frac.h5

# 6. 1100 files under a limit of 256 open files, on 2 ranks; dense and CSR (whose rows are
# balanced by non-zeros, reading every file's row pointers).
mkdir many
"$LOGREG_DATA" synth many/d.h5 --rows 2200 --features 3 --shards 1100 --seed 3 > /dev/null
"$LOGREG_DATA" synth many/s.h5 --rows 2200 --features 20 --density 0.3 --shards 1100 --seed 4 > /dev/null
for kind in d s; do
  (
    ulimit -n 256
    run 2 ok.yaml --set "data.train=many/${kind}_*.h5" --set solver.max_iter=3 --set output.model=out/many_$kind.h5
    [ "$RC" -eq 0 ] || fail "1100 files ($kind) under ulimit -n 256: exit $RC: $ERR"
  )
  [ "$(attr out/many_$kind.h5 n_samples)" -eq 2200 ] || fail "1100 files ($kind): wrong row count"
  echo "ok: 1100 files ($kind) under ulimit -n 256 on 2 ranks"
done

# 7. Config: duplicate keys are refused (exit 2); tol 0 runs max_iter iterations, tol < 0 is refused.
expect_error 3 2 "dup.yaml: duplicate key 'solver.max_iter' (lines 3 and 7)" dup.yaml
expect_error 3 2 "solver.tol: must be >= 0, got -1.0" ok.yaml --set solver.tol=-1
for solver in lbfgs newton; do
  run 3 ok.yaml --set solver.tol=0 --set solver.max_iter=7 --set solver.name=$solver --set output.model=out/tol0_$solver.h5
  [ "$RC" -eq 0 ] || fail "tol 0 ($solver): exit $RC: $ERR"
  [ "$(attr out/tol0_$solver.h5 iterations)" -eq 7 ] || fail "tol 0 ($solver): not 7 iterations"
  [ "$(attr out/tol0_$solver.h5 stop_reason)" = max_iter ] || fail "tol 0 ($solver): stop reason"
  echo "ok: tol 0 ($solver) runs max_iter iterations"
done
echo "ALL PASSED"
