#!/usr/bin/env bash
# Config paths (README, "Configuration"): a relative path in the config file (or a default) is
# relative to the file's directory, so a config runs the same from any directory; a relative path
# given with --set is relative to the working directory; --print-config shows them absolute.
source "$(dirname "$0")/lib.sh"
ROOT=$(pwd -P)
mkdir -p proj/data proj/configs elsewhere/deeper
"$LOGREG_DATA" synth proj/data/train.h5 --rows 2000 --features 5 --seed 3 --shards 2 > /dev/null
"$LOGREG_DATA" synth proj/data/val.h5 --rows 500 --features 5 --seed 4 > /dev/null
# Like configs/example.yaml: data and outputs beside the config's directory.
cat > proj/configs/ex.yaml <<'YAML'
data:
  train: ../data/train_*.h5
  validation: ../data/val.h5
solver:
  max_iter: 20
output:
  model: ../out/model.h5
  metrics: ../out/metrics.jsonl
YAML

# 1. From another directory, the config given by an absolute and by a relative path.
cd elsewhere/deeper
run 2 "$ROOT/proj/configs/ex.yaml"
[ "$RC" -eq 0 ] || fail "run from elsewhere/deeper (absolute config path): $ERR"
[ -f "$ROOT/proj/out/model.h5" ] || fail "the model is not beside the config: $(find "$ROOT" -name model.h5)"
[ ! -e out ] && [ ! -e ../out ] || fail "outputs written relative to the working directory"
rm -r "$ROOT/proj/out"
run 2 ../../proj/configs/ex.yaml
[ "$RC" -eq 0 ] || fail "run from elsewhere/deeper (relative config path): $ERR"
[ -f "$ROOT/proj/out/model.h5" ] && [ -f "$ROOT/proj/out/metrics.jsonl" ] ||
  fail "outputs not beside the config: $(find "$ROOT" -name 'model.h5' -o -name 'metrics.jsonl')"
echo "ok: the config runs from another directory"

# 2. --print-config: every path absolute (glob patterns kept), defaults relative to the config.
run 1 ../../proj/configs/ex.yaml --print-config --set checkpoint.path=../ckpt/c.h5 \
  --set 'data.test=[t.h5, /abs/t.h5]'
[ "$RC" -eq 0 ] || fail "--print-config: $ERR"
for line in "train: $ROOT/proj/data/train_*.h5" "validation: $ROOT/proj/data/val.h5" \
  "model: $ROOT/proj/out/model.h5" "metrics: $ROOT/proj/out/metrics.jsonl" \
  "path: $ROOT/elsewhere/ckpt/c.h5" "test: [$ROOT/elsewhere/deeper/t.h5, /abs/t.h5]"; do
  grep -qxF -- "  $line" out.txt || fail "--print-config lacks '  $line': $OUT"
done
echo "ok: --print-config shows absolute paths; --set paths are relative to the working directory"

# 3. The printed config is itself a config that runs from anywhere.
mv out.txt "$ROOT/printed.yaml"
cd "$ROOT"
rm -r proj/out
run 2 printed.yaml --set checkpoint.path=null --set data.test=null
[ "$RC" -eq 0 ] || fail "the printed config: $ERR"
[ -f proj/out/model.h5 ] || fail "the printed config wrote its model elsewhere"
echo "ok: the printed config runs"

# 4. --set output.model with a relative path: beside the working directory, not the config.
cd elsewhere
run 2 ../proj/configs/ex.yaml --set output.model=mine/m.h5 --set output.metrics=null
[ "$RC" -eq 0 ] || fail "--set output.model: $ERR"
[ -f mine/m.h5 ] || fail "--set output.model=mine/m.h5 not written in the working directory"
[ ! -e "$ROOT/proj/configs/mine" ] || fail "--set output.model resolved against the config"
echo "ok: --set output.model is relative to the working directory"

# 5. A default (output.model: out/model.h5) lies beside the config, as if written in it.
grep -v -e '^output:' -e '  model: ' -e '  metrics: ' "$ROOT/proj/configs/ex.yaml" > "$ROOT/proj/configs/bare.yaml"
run 1 ../proj/configs/bare.yaml --print-config
[ "$RC" -eq 0 ] || fail "--print-config of bare.yaml: $ERR"
grep -qxF "  model: $ROOT/proj/configs/out/model.h5" out.txt || fail "default output.model: $OUT"
echo "ok: a default is relative to the config"

# 6. An error names the path as resolved, so the user sees which file was meant.
printf 'data:\n  train: ../data/missing.h5\n' > "$ROOT/proj/configs/missing.yaml"
expect_error 1 1 "../proj/configs/../data/missing.h5" ../proj/configs/missing.yaml
echo "ok: all"
