# Shared by the scripts: dependency install, build, and mpirun settings for this kind of machine.
# Source it; do not run it.

LOGREG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOGREG_BUILD="${LOGREG_BUILD:-$LOGREG_ROOT/build}"

# Debian packages the build, the tests and the helper scripts need (README, "Build"). The first
# line is what the tools alone need to build and run the example (scripts/run_example.sh).
LOGREG_TOOL_PACKAGES=(build-essential cmake pkg-config openmpi-bin libopenmpi-dev libeigen3-dev
  libhdf5-dev libboost-program-options-dev libyaml-cpp-dev)
LOGREG_PACKAGES=("${LOGREG_TOOL_PACKAGES[@]}" hdf5-tools libgtest-dev googletest
  libbenchmark-dev python3-numpy python3-h5py python3-matplotlib python3-sklearn liblinear-tools)

# install_missing_packages [PACKAGE...]: installs those of the packages (default LOGREG_PACKAGES)
# that are missing; no network is needed when everything is present. Where it cannot (no dpkg or
# apt-get, as on a cluster's login node; not root and no sudo; LOGREG_SKIP_INSTALL=1; apt-get
# failing) it names the packages it left alone and returns 0: the build goes on, and cmake's
# find_package names what is really missing.
install_missing_packages() {
  local wanted=("$@")
  [ ${#wanted[@]} -gt 0 ] || wanted=("${LOGREG_PACKAGES[@]}")
  if [ "${LOGREG_SKIP_INSTALL:-0}" = 1 ]; then
    echo "LOGREG_SKIP_INSTALL=1: not checking packages (${wanted[*]})" >&2
    return 0
  fi
  if ! command -v dpkg-query > /dev/null; then
    echo "no dpkg-query: cannot check the packages ${wanted[*]}; building with what is" \
      "installed (cmake reports what is missing; README \"Build\" lists the packages)" >&2
    return 0
  fi
  local missing=() p
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo > /dev/null && sudo="sudo"
  fi
  if ! command -v apt-get > /dev/null || { [ "$(id -u)" -ne 0 ] && [ -z "$sudo" ]; }; then
    echo "cannot install (no apt-get, or not root and no sudo): ${missing[*]}; building with" \
      "what is installed (cmake reports what is missing)" >&2
    return 0
  fi
  echo "installing: ${missing[*]}"
  if ! { $sudo apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"; }; then
    echo "apt-get could not install: ${missing[*]}; building with what is installed" >&2
  fi
  return 0
}

# build_project [CMAKE-ARGS...]: configures (with the arguments) and builds everything.
build_project() {
  cmake -S "$LOGREG_ROOT" -B "$LOGREG_BUILD" -DCMAKE_BUILD_TYPE=Release "$@"
  cmake --build "$LOGREG_BUILD" -j "$(nproc)"
}

# build_tools: only logreg_dist and logreg_data, without configuring the tests and benchmarks
# (a later build_project with -DLOGREG_BUILD_TESTS=ON reuses the objects).
build_tools() {
  cmake -S "$LOGREG_ROOT" -B "$LOGREG_BUILD" -DCMAKE_BUILD_TYPE=Release -DLOGREG_BUILD_TESTS=OFF \
    -DLOGREG_BUILD_BENCH=OFF
  cmake --build "$LOGREG_BUILD" -j "$(nproc)" --target logreg_dist logreg_data
}

# Open MPI refuses to run as root and to place more ranks than cores unless told; both are
# properties of this machine, not of a user's cluster, so they are set here and only when needed.
mpi_environment() {
  if [ "$(id -u)" -eq 0 ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  fi
  export OMPI_MCA_rmaps_base_oversubscribe=1
  # Containers often lack the kernel features for CMA single-copy; fall back quietly.
  export OMPI_MCA_btl_vader_single_copy_mechanism=none
}

# Sets DATA and DIST to the built logreg_data and logreg_dist; exits 1 naming a missing one.
require_binaries() {
  DATA="$LOGREG_BUILD/logreg_data"
  DIST="$LOGREG_BUILD/logreg_dist"
  local b
  for b in "$DATA" "$DIST"; do
    [ -x "$b" ] || { echo "missing $b (build it, or set LOGREG_BUILD)" >&2; exit 1; }
  done
}

# A Python with numpy/h5py (Debian's), for the analysis scripts.
find_python() {
  for py in /usr/bin/python3 python3; do
    if "$py" -c 'import numpy, h5py' 2>/dev/null; then
      echo "$py"
      return 0
    fi
  done
  echo "no python3 with numpy and h5py found (apt-get install python3-numpy python3-h5py)" >&2
  return 1
}
