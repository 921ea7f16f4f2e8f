#!/usr/bin/env bash
# Builds the test suite with AddressSanitizer + UndefinedBehaviorSanitizer and runs all of it.
# Any sanitizer report fails the test that triggered it (halt_on_error / no recovery).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
install_missing_packages
LOGREG_BUILD="${LOGREG_ASAN_BUILD:-$LOGREG_ROOT/build-asan}"
build_project -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOGREG_SANITIZE=ON -DLOGREG_BUILD_BENCH=OFF
mpi_environment
# The slow (DWARF) unwinder for allocation stacks: Open MPI is built without frame pointers, and
# with the fast unwinder its stacks are garbage, so the suppressions below could not match.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=1:exitcode=86:fast_unwind_on_malloc=0"
export LSAN_OPTIONS="suppressions=$LOGREG_ROOT/scripts/sanitizers.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export LOGREG_TEST_TIME_SCALE=6  # instrumented code runs several times slower
cd "$LOGREG_BUILD"
ctest --output-on-failure -j "$(nproc)" --timeout 900 "$@"
