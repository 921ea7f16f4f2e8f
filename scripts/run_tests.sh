#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (unit, MPI and CLI tests).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
install_missing_packages
build_project
mpi_environment
cd "$LOGREG_BUILD"
ctest --output-on-failure -j "$(nproc)" "$@"
