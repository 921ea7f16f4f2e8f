#!/usr/bin/env bash
# One binary on every kernel set this host runs (LOGREG_KERNELS forces each): no SIGILL, the
# start-up line names the set, the FMA sets write bit-identical models and so do the others,
# the two families agree within 1e-9; a job whose ranks run different sets (a cluster of mixed
# nodes, simulated with a per-rank LOGREG_KERNELS) writes the same bits as a uniform job; a bad
# LOGREG_KERNELS fails on every rank with exit 2.
source "$(dirname "$0")/lib.sh"

"$LOGREG_DIST" --version > version.txt
grep -q "^kernel sets: " version.txt || fail "--version does not list the kernel sets: $(cat version.txt)"
# "this processor (…) runs A, B, C and D; auto picks A (…)"
sets=$(sed -n 's/^this processor (.*) runs \(.*\); auto picks.*/\1/p' version.txt | sed 's/,//g; s/ and / /')
best=$(sed -n 's/.*; auto picks \([^ ]*\) .*/\1/p' version.txt)
[ -n "$sets" ] && [ -n "$best" ] || fail "cannot read the supported sets from: $(cat version.txt)"
echo "supported here: $sets (best $best)"

"$LOGREG_DATA" synth d.h5 --rows 30000 --features 45 --seed 11 > /dev/null
"$LOGREG_DATA" synth s.h5 --rows 30000 --features 300 --density 0.05 --seed 12 > /dev/null
cat > dense.yaml <<'YAML'
data:
  train: d.h5
model:
  l2: 1.0e-4
  standardize: true
solver:
  tol: 1.0e-10
output:
  metrics: null
  log_every: 0
YAML
sed 's/d.h5/s.h5/' dense.yaml > sparse.yaml
sed 's/d.h5/d.h5\n  dtype: float32/' dense.yaml > f32.yaml
sed 's/solver:/solver:\n  name: newton/' dense.yaml > newton.yaml

fma_of() { grep -q "(.*no FMA" <<< "$(grep -o "$1 ([^)]*)" version.txt)" && echo no || echo yes; }
dump() { h5dump -d coef -d intercept -m %.17g "$1" | tail -n +2; }

for cfg in dense sparse f32 newton; do
  for k in $sets; do
    LOGREG_KERNELS=$k run 2 $cfg.yaml --set output.model=m_${cfg}_$k.h5
    [ "$RC" -eq 0 ] || fail "$cfg with LOGREG_KERNELS=$k: exit $RC ($ERR)"
    grep -q "kernels $k (" out.txt || fail "$cfg: the start-up line does not name $k: $OUT"
    [ "$(h5dump -a kernels m_${cfg}_$k.h5 | grep -c "\"$k (")" -eq 1 ] || fail "model attribute kernels is not $k"
    ref=m_${cfg}_$best.h5
    if [ "$(fma_of "$k")" = "$(fma_of "$best")" ]; then
      cmp -s <(dump "$ref") <(dump m_${cfg}_$k.h5) || fail "$cfg: $k does not write $best's bits"
      echo "ok: $cfg, $k: the same model bits as $best"
    else
      first_other=${first_other:-$k}
      compare_models m_${cfg}_$k.h5 "$ref" 1e-9
      cmp -s <(dump m_${cfg}_$first_other.h5) <(dump m_${cfg}_$k.h5) ||
        fail "$cfg: $k does not write $first_other's bits (both without FMA)"
    fi
  done
  unset first_other
done

# Ranks on different sets: what a job on a mix of AVX-512 and AVX2 nodes does.
set -- $sets
if [ $# -ge 2 ] && [ "$(fma_of "$1")" = yes ] && [ "$(fma_of "$2")" = yes ]; then
  set +e
  timeout -s KILL "$HANG_S" "$MPIEXEC" -n 1 env LOGREG_KERNELS="$1" "$LOGREG_DIST" dense.yaml \
    --set output.model=m_mixed.h5 : -n 2 env LOGREG_KERNELS="$2" "$LOGREG_DIST" dense.yaml \
    --set output.model=m_mixed.h5 > mixed.txt 2>&1
  RC=$?
  set -e
  [ "$RC" -eq 0 ] || fail "mixed job: exit $RC ($(cat mixed.txt))"
  grep -q "kernels $1 on 1 rank, $2 on 2 ranks (all FMA: the same bits)" mixed.txt ||
    fail "mixed job: start-up line $(grep kernels mixed.txt)"
  LOGREG_KERNELS=$1 run 3 dense.yaml --set output.model=m_uniform3.h5
  cmp -s <(dump m_uniform3.h5) <(dump m_mixed.h5) || fail "mixed job's model differs from a uniform job's"
  echo "ok: 1 rank on $1 and 2 on $2 write the bits of 3 ranks on $1"
fi


LOGREG_KERNELS=avx9000 expect_error 3 2 "LOGREG_KERNELS: unknown kernel set 'avx9000', expected auto" dense.yaml
# A set the binary has but this processor lacks (none on a host that runs them all).
for k in $(sed -n 's/^kernel sets: //p' version.txt | grep -o '[a-z0-9-]* (' | tr -d ' ('); do
  grep -qw -- "$k" <<< "$sets" && continue
  LOGREG_KERNELS=$k expect_error 3 2 "LOGREG_KERNELS=$k: this processor" dense.yaml
done
echo "PASS"
