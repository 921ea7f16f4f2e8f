#!/usr/bin/env bash
# scripts/common.sh install_missing_packages (README, "Build"): where it cannot check or install
# packages (no dpkg-query or apt-get, as on a cluster's login node; not root and no sudo; apt-get
# failing) it names the packages and returns 0, so run_example.sh and run_tests.sh go on to the
# build. Each case runs the function with a PATH holding only the commands it is given.
source "$(dirname "$0")/lib.sh"
COMMON="$SOURCE_DIR/scripts/common.sh"

# a_path NAME [FAKE...]: a directory for PATH with the basic commands and, from fakes/, the named
# fake commands.
a_path() {
  local dir="$WORK/$1" c
  shift
  mkdir -p "$dir"
  for c in dirname grep cat; do ln -s "$(command -v $c)" "$dir/$c"; done
  for c in "$@"; do cp "$WORK/fakes/$c" "$dir/$c"; done
  echo "$dir"
}
mkdir fakes
printf '#!/bin/bash\necho "deb-status-of-$3:"\n' > fakes/dpkg-query  # nothing installed
printf '#!/bin/bash\necho "install ok installed"\n' > fakes/dpkg-query-all
printf '#!/bin/bash\necho "apt-get $*" >> "%s/apt.log"\nexit 100\n' "$WORK" > fakes/apt-get
printf '#!/bin/bash\necho 1000\n' > fakes/id-user
printf '#!/bin/bash\necho 0\n' > fakes/id-root
chmod +x fakes/*

# check NAME PATH EXPECTED-STDERR: the function returns 0, the shell goes on, stderr names it.
check() {
  local name=$1 path=$2 expected=$3
  set +e
  PATH="$path" /bin/bash -c 'set -euo pipefail; source "$1"; install_missing_packages; echo continued' \
    _ "$COMMON" > pk_out.txt 2> pk_err.txt
  local rc=$?
  set -e
  [ $rc -eq 0 ] || fail "$name: exit $rc: $(cat pk_out.txt pk_err.txt)"
  grep -qx continued pk_out.txt || fail "$name: the script did not go on: $(cat pk_out.txt pk_err.txt)"
  if [ -n "$expected" ]; then
    grep -qF -- "$expected" pk_err.txt || fail "$name: expected '$expected' in: $(cat pk_err.txt)"
    grep -qF libeigen3-dev pk_err.txt || fail "$name: the packages are not named: $(cat pk_err.txt)"
  fi
  echo "ok: $name"
}

p=$(a_path bare)
ln -s "$(command -v id)" "$p/id"
check "no dpkg-query, no apt-get" "$p" "no dpkg-query: cannot check the packages"

p=$(a_path noapt dpkg-query)
ln -s "$(command -v id)" "$p/id"
check "dpkg-query but no apt-get" "$p" "cannot install (no apt-get, or not root and no sudo)"

p=$(a_path nosudo dpkg-query apt-get)
cp fakes/id-user "$p/id"
check "not root, no sudo" "$p" "cannot install (no apt-get, or not root and no sudo)"
[ ! -e apt.log ] || fail "apt-get was run without root or sudo: $(cat apt.log)"

p=$(a_path aptfails dpkg-query apt-get)
cp fakes/id-root "$p/id"
check "apt-get fails" "$p" "apt-get could not install"
grep -q "apt-get update" apt.log || fail "apt-get was not tried"
rm apt.log

p=$(a_path all apt-get)
cp fakes/dpkg-query-all "$p/dpkg-query"
cp fakes/id-root "$p/id"
check "everything installed" "$p" ""
[ ! -s pk_err.txt ] || fail "everything installed, yet: $(cat pk_err.txt)"
[ ! -e apt.log ] || fail "apt-get was run with everything installed: $(cat apt.log)"

LOGREG_SKIP_INSTALL=1 check "LOGREG_SKIP_INSTALL=1" "$(a_path skip apt-get dpkg-query)" \
  "LOGREG_SKIP_INSTALL=1: not checking packages"
echo "ok: all"
