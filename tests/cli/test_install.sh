#!/usr/bin/env bash
# Installable like HPC software: cmake --install puts the tools (and the plot script), the
# library, its headers, the Slurm template, the example configs and the docs under a prefix; a
# separate CMake project finds the library with find_package(logreg) and links it, and so does a
# compiler driven by pkg-config; the installed tools answer --version with the project's version.
source "$(dirname "$0")/lib.sh"
BUILD=$(cd "$(dirname "$LOGREG_DIST")" && pwd)
cmake --install "$BUILD" --prefix "$WORK/p" > install.txt || fail "cmake --install: $(tail -5 install.txt)"
for f in bin/logreg_dist bin/logreg_data bin/logreg_plot_path lib/liblogreg.a include/logreg/errors.hpp \
  include/logreg/core/kernels.hpp lib/cmake/logreg/logregConfig.cmake lib/pkgconfig/logreg.pc \
  share/logreg/slurm/logreg_dist.sbatch share/logreg/configs/example.yaml share/doc/logreg_dist/README.md \
  share/doc/logreg_dist/kernels.md; do
  [ -e "p/$f" ] || fail "not installed: $f"
done
[ -x p/bin/logreg_plot_path ] || fail "bin/logreg_plot_path is not executable"
version=$(sed -n 's/^project(logreg_dist VERSION \([0-9.]*\).*/\1/p' "$SOURCE_DIR/CMakeLists.txt")
for tool in logreg_dist logreg_data; do
  first=$("p/bin/$tool" --version | head -1)
  [ "$first" = "$tool $version" ] || fail "$tool --version: '$first', expected '$tool $version'"
done
echo "ok: installed; both tools report $version"
cmake -S "$SOURCE_DIR/tests/install_consumer" -B consumer -DCMAKE_PREFIX_PATH="$WORK/p" \
  -DLOGREG_VERSION="$version" -DCMAKE_BUILD_TYPE=Release > configure.txt 2>&1 || fail "consumer configure: $(tail -20 configure.txt)"
cmake --build consumer > build.txt 2>&1 || fail "consumer build: $(tail -20 build.txt)"
./consumer/consumer || fail "the consumer did not converge"
echo "ok: find_package(logreg) project built and ran"
export PKG_CONFIG_PATH="$WORK/p/lib/pkgconfig"
# shellcheck disable=SC2046  # flags are words
c++ -std=c++20 -O1 "$SOURCE_DIR/tests/install_consumer/main.cpp" $(pkg-config --cflags logreg) \
  $(pkg-config --libs logreg) -o pc_consumer 2> pc.txt || fail "pkg-config build: $(tail -20 pc.txt)"
./pc_consumer || fail "the pkg-config consumer did not converge"
echo "ok: pkg-config logreg built and ran"
echo PASS
