# Shared by the scripts: dependency install, build, and mpirun settings for this kind of machine.
# Source it; do not run it.

LOGREG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOGREG_BUILD="${LOGREG_BUILD:-$LOGREG_ROOT/build}"

# Debian packages the build, the tests and the helper scripts need.
LOGREG_PACKAGES=(build-essential cmake pkg-config openmpi-bin libopenmpi-dev libeigen3-dev
  libhdf5-dev hdf5-tools libboost-program-options-dev libyaml-cpp-dev libgtest-dev googletest
  libbenchmark-dev python3-numpy python3-h5py python3-matplotlib python3-sklearn liblinear-tools)

# Installs only what is missing (no network needed when everything is present).
install_missing_packages() {
  local missing=()
  for p in "${LOGREG_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  echo "installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build_project() {
  cmake -S "$LOGREG_ROOT" -B "$LOGREG_BUILD" -DCMAKE_BUILD_TYPE=Release "$@"
  cmake --build "$LOGREG_BUILD" -j "$(nproc)"
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
