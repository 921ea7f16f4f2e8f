#!/usr/bin/env bash
# End-to-end test of the logreg_data binary: synth, info, convert (LIBSVM into shards), class
# labels (synth --classes, convert of string and integer class labels), and the exit status and
# messages of usage and data errors.
set -euo pipefail

: "${LOGREG_DATA:?path of the logreg_data binary}"
HEART=/usr/share/doc/liblinear-tools/examples/heart_scale
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# Runs the tool, capturing stdout+stderr in $out and the exit status in $status.
run() {
  set +e
  out=$("$LOGREG_DATA" "$@" 2>&1)
  status=$?
  set -e
}

expect_status() {  # expect_status CODE DESCRIPTION
  [[ $status -eq $1 ]] || fail "$2: exit $status, expected $1; output: $out"
}

expect_output() {  # expect_output REGEX DESCRIPTION
  grep -Eq -- "$1" <<<"$out" || fail "$2: output lacks /$1/: $out"
}

# Value of "  key  value" in info output for the given key (first file only).
info_value() { awk -v k="$1" '$1 == k { print $2; exit }' <<<"$out"; }

# --- help and usage -------------------------------------------------------------------------
run --help
expect_status 0 "--help"
expect_output "synth" "--help lists synth"
expect_output "convert" "--help lists convert"
run synth --help
expect_status 0 "synth --help"
expect_output "--density" "synth --help"
run frobnicate
expect_status 2 "unknown command"
expect_output "unknown command 'frobnicate'" "unknown command"
run
expect_status 2 "no command"

# --- synth --------------------------------------------------------------------------------------
run synth "$work/dense.h5" --rows 5000 --features 20 --seed 7
expect_status 0 "synth dense"
expect_output "wrote $work/dense.h5" "synth prints the file written"
run info "$work/dense.h5"
expect_status 0 "info dense"
[[ $(info_value rows) == 5000 ]] || fail "info rows: $out"
[[ $(info_value features) == 20 ]] || fail "info features: $out"
[[ $(info_value layout) == dense ]] || fail "info layout: $out"
[[ $(info_value true_coef) == yes ]] || fail "info true_coef: $out"
expect_output "labels +y 0/1: [0-9]+ positive, [0-9]+ negative" "info label balance"

run synth "$work/sp.h5" --rows 2000 --features 1000 --density 0.01 --shards 3 --seed 1
expect_status 0 "synth CSR shards"
for k in 0 1 2; do [[ -f $work/sp_$k.h5 ]] || fail "missing shard sp_$k.h5"; done
[[ ! -e $work/sp.h5 ]] || fail "sharded synth also wrote sp.h5"
run info "$work/sp_0.h5" "$work/sp_1.h5" "$work/sp_2.h5"
expect_status 0 "info CSR shards"
expect_output "layout +CSR" "info CSR layout"
expect_output "total: 3 files, rows 2000," "info total rows"
nnz=$(sed -nE 's/^total: .*nnz ([0-9]+)$/\1/p' <<<"$out")
# 2000 x 1000 x 0.01 = 20000 expected non-zeros, standard deviation ~141.
(( nnz > 19000 && nnz < 21000 )) || fail "CSR nnz $nnz far from 20000"

# Same seed, any shard count: identical rows (compare y and X/data of one file with shards).
run synth "$work/sp1.h5" --rows 2000 --features 1000 --density 0.01 --seed 1
expect_status 0 "synth CSR single file"
if command -v h5dump >/dev/null; then
  whole=$(h5dump -d /y -y -w 0 "$work/sp1.h5" | sed -n '/DATA {/,/}/p' | grep -Eo '[0-9.e+-]+' | tr '\n' ' ')
  parts=""
  for k in 0 1 2; do
    parts+=$(h5dump -d /y -y -w 0 "$work/sp_$k.h5" | sed -n '/DATA {/,/}/p' | grep -Eo '[0-9.e+-]+' | tr '\n' ' ')
  done
  [[ "$whole" == "$parts" ]] || fail "labels differ between --shards 1 and --shards 3"
fi

# --- synth usage errors: exit 2, naming the option ----------------------------------------------
run synth "$work/x.h5" --rows 0 --features 5
expect_status 2 "synth --rows 0"
expect_output "--rows" "synth --rows 0 names the option"
run synth "$work/x.h5" --rows -4 --features 5
expect_status 2 "synth --rows -4"
expect_output "--rows" "synth --rows -4 names the option"
run synth "$work/x.h5" --rows 10
expect_status 2 "synth without --features"
expect_output "--features" "missing --features is named"
run synth "$work/x.h5" --rows 10 --features 5 --density 1.5
expect_status 2 "synth --density 1.5"
expect_output "--density" "bad density is named"
run synth "$work/x.h5" --rows 10 --features 5 --shards 11
expect_status 2 "synth --shards > rows"
expect_output "--shards" "bad shards is named"
[[ ! -e $work/x.h5 ]] || fail "a rejected synth left x.h5"

# --- class labels ------------------------------------------------------------------------------
run synth "$work/k.h5" --rows 3000 --features 8 --classes 3 --seed 4
expect_status 0 "synth --classes 3"
expect_output "3 classes" "synth --classes reports the classes"
run info "$work/k.h5"
expect_status 0 "info of a 3-class file"
expect_output "labels +y 3 classes: counts 0: [0-9]+, 1: [0-9]+, 2: [0-9]+$" "info class counts"
counts=$(sed -nE 's/.*counts 0: ([0-9]+), 1: ([0-9]+), 2: ([0-9]+)$/\1 \2 \3/p' <<<"$out")
read -r c0 c1 c2 <<<"$counts"
(( c0 + c1 + c2 == 3000 && c0 > 150 && c1 > 150 && c2 > 150 )) || fail "class counts $counts"
if command -v h5dump >/dev/null; then
  h5dump -H -d /true_coef "$work/k.h5" | grep -q "SIMPLE { ( 3, 8 )" || fail "true_coef not (3, 8)"
  h5dump -H -d /true_intercept "$work/k.h5" | grep -q "SIMPLE { ( 3 )" ||
    fail "true_intercept not (3,)"
fi
run synth "$work/k.h5" --rows 10 --features 2 --classes 1
expect_status 2 "synth --classes 1"
expect_output "--classes" "bad class count is named"

# A string label column: classes in byte order, named in y@classes of every shard.
printf 'x1,x2,species\n1,2,setosa\n2,1,virginica\n3,0,"versicolor"\n4,1,setosa\n5,5,virginica\n6,2,versicolor\n' \
  >"$work/iris.csv"
run convert "$work/iris.csv" "$work/iris.h5" --shards 2
expect_status 0 "convert of string labels"
expect_output "labels: 3 classes from strings: 0 = setosa, 1 = versicolor, 2 = virginica" \
  "convert names the string classes"
for k in 0 1; do
  run info "$work/iris_$k.h5"
  expect_status 0 "info iris_$k"
  expect_output "labels +y 3 classes: counts 0: 1, 1: 1, 2: 1$" "iris_$k class counts"
  expect_output "classes +0: setosa, 1: versicolor, 2: virginica$" "iris_$k class names"
done
run convert "$work/iris.csv" "$work/iris_b.h5" --labels binary
expect_status 1 "string labels with --labels binary"
expect_output "iris.csv:2: bad label 'setosa'" "binary refusal names line and label"
run convert "$work/iris.csv" "$work/iris_b.h5" --labels maybe
expect_status 2 "--labels maybe"
expect_output "--labels" "bad --labels is named"
printf '2 1:1\n0 2:1\n1 1:3\n' >"$work/k.txt"
run convert "$work/k.txt" "$work/kt.h5"
expect_status 0 "convert of integer classes"
expect_output "labels: 3 classes \(0\.\.2\)" "integer classes reported"
printf '1 1:1\n2 2:1\n-1 1:3\n' >"$work/mix.txt"
run convert "$work/mix.txt" "$work/mix.h5"
expect_status 1 "-1 with a class 2"
expect_output "mix.txt:3: label -1" "the -1 after a class is named"
[[ ! -e $work/mix.h5 && ! -e $work/iris_b.h5 ]] || fail "a refused convert left its output"

# --- convert heart_scale into 3 CSR shards ----------------------------------------------------
if [[ -r $HEART ]]; then
  run convert "$HEART" "$work/heart.h5" --shards 3
  expect_status 0 "convert heart_scale"
  expect_output "rows 270, features 13, CSR" "convert summary"
  expect_output "MB/s" "convert reports throughput"
  total=0
  for k in 0 1 2; do
    run info "$work/heart_$k.h5"
    expect_status 0 "info heart_$k"
    [[ $(info_value features) == 13 ]] || fail "heart_$k features: $out"
    [[ $(info_value layout) == CSR ]] || fail "heart_$k layout: $out"
    rows=$(info_value rows)
    [[ $rows == 90 ]] || fail "heart_$k has $rows rows, expected 90"
    total=$((total + rows))
  done
  [[ $total -eq 270 ]] || fail "shards hold $total rows, expected 270"
  # heart_scale has 120 positive and 150 negative examples.
  run info "$work/heart_0.h5" "$work/heart_1.h5" "$work/heart_2.h5"
  pos=$(grep -Eo '[0-9]+ positive' <<<"$out" | awk '{ s += $1 } END { print s }')
  [[ $pos -eq 120 ]] || fail "heart_scale positives $pos, expected 120"
else
  echo "note: $HEART not installed; skipping the heart_scale conversion" >&2
fi

# --- convert errors ----------------------------------------------------------------------------
printf '+1 1:0.5 2:1\n-1 1:0.25\n\n+1 2:abc\n' >"$work/bad.txt"
echo "keep me" >"$work/bad.h5"
run convert "$work/bad.txt" "$work/bad.h5"
expect_status 1 "convert of a bad line"
expect_output "bad.txt:4:" "error names the line"
expect_output "2:abc" "error quotes the token"
[[ $(cat "$work/bad.h5") == "keep me" ]] || fail "failed convert clobbered the existing output"
ls "$work" | grep -q '\.tmp\.' && fail "temporary file left behind: $(ls "$work")"

run convert "$work/missing.txt" "$work/m.h5"
expect_status 1 "convert of a missing input"
expect_output "missing.txt" "missing input is named"

printf 'a,b,y\n1,2,1\n' >"$work/t.csv"
run convert "$work/t.csv" "$work/t.h5" --label outcome
expect_status 2 "CSV with an unknown label column"
expect_output "outcome" "unknown label column is named"
run convert "$work/t.csv" "$work/t.h5" --label y
expect_status 0 "CSV convert"
run info "$work/t.h5"
[[ $(info_value layout) == dense && $(info_value features) == 2 ]] || fail "CSV info: $out"

run convert "$work/t.csv"
expect_status 2 "convert without output"
run convert "$work/t.csv" "$work/t2.h5" --format xml
expect_status 2 "convert --format xml"
expect_output "--format" "bad format is named"

run info "$work/nope.h5"
expect_status 1 "info of a missing file"
expect_output "nope.h5" "missing file is named"
run info "$work/bad.txt"
expect_status 1 "info of a text file"
expect_output "not an HDF5 file" "non-HDF5 file is reported"

echo "PASS"
