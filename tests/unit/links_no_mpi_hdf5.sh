#!/usr/bin/env bash
# links_no_mpi_hdf5.sh PROGRAM: fails when PROGRAM links MPI or HDF5, as a shared library it needs
# (ldd: directly or through another library) or as symbols of its own (a static library). CTest
# runs it on solvers_toy (tests/CMakeLists.txt), which the solvers layer must build without them.
set -euo pipefail
bin=${1:?usage: links_no_mpi_hdf5.sh PROGRAM}
[ -x "$bin" ] || { echo "FAIL: $bin is not an executable"; exit 1; }
libs=$(ldd "$bin")
grep -q 'libstdc++\|libc\.so' <<< "$libs" || { echo "FAIL: ldd listed nothing for $bin: $libs"; exit 1; }
if found=$(grep -Ei 'lib(p?mpi|open-pal|open-rte|hdf5)' <<< "$libs"); then
  echo "FAIL: $bin needs MPI or HDF5 libraries:"
  echo "$found"
  exit 1
fi
# nm -P: one symbol per line, its name first. C symbols of MPI (MPI_*, PMPI_*, ompi_*) and HDF5
# (H5open, H5Fcreate, H5T_NATIVE_DOUBLE_g, …); C++ names are mangled (_Z…) and never match.
symbols=$( (nm -P "$bin"; nm -D -P "$bin") 2> /dev/null | cut -d' ' -f1)
[ -n "$symbols" ] || { echo "FAIL: nm listed no symbols of $bin"; exit 1; }
if found=$(grep -E '^(P?MPI_|ompi_|H5[A-Z]*[a-z_])' <<< "$symbols"); then
  echo "FAIL: $bin holds or calls MPI or HDF5 symbols:"
  echo "$found" | head -20
  exit 1
fi
echo "ok: $bin links neither MPI nor HDF5 ($(grep -c '=>' <<< "$libs") shared libraries)"
