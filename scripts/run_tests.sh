#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (unit, MPI and CLI tests).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
install_missing_packages
# Explicitly on: the build directory may have been configured by run_example.sh without them.
build_project -DLOGREG_BUILD_TESTS=ON -DLOGREG_BUILD_BENCH=ON
mpi_environment
cd "$LOGREG_BUILD"
ctest --output-on-failure -j "$(nproc)" "$@"
