#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The musl leg: xsock, its whole test suite and the examples built with
# musl libc (the libc of Alpine containers) through musl-tools' musl-gcc,
# Debug and Release (in BUILD_DIR/release), warnings as errors, every test
# run natively through ctest.
#
#   ci/musl.sh [BUILD_DIR]        (default BUILD_DIR: build-musl)
#
# musl-gcc compiles against musl's headers only, so no library of the
# machine's glibc can be linked: CMocka is built from its source (the tree
# the cross legs use: ci/cmocka-source.sh, or XSOCK_CMOCKA_SOURCE_DIR), and
# the benchmarks (linked with libev, libevent and libuv) are left out. The
# last line is
#   musl: N tests, M passed
# Exit status: 0 all passed; 1 a failure (build, test, timeout); 3 the leg
# could not run here (no apt-get, install failed) -- but 1 when CI=true,
# where "not run" must fail the job.
#
# False passes are guarded against twice: every test program must be
# linked against musl (its program interpreter is musl's loader, or it is
# static), and every test CTest counts as passed must show that it ran
# (ci/ctest-count.sh).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/ci/lib.sh"

leg=musl
build=${1:-$repo/build-musl}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
leg_timeout=${XSOCK_MUSL_LEG_TIMEOUT:-900}
ctest_timeout=${XSOCK_MUSL_CTEST_TIMEOUT:-600}
jobs=${XSOCK_MUSL_JOBS:-2}

log() { printf '%s: %s\n' "$leg" "$*" >&2; }

not_run() { xs_not_run "$leg" "$*"; }

fail() {
  log "FAILED: $*"
  printf '%s: failed (%s)\n' "$leg" "$*"
  exit 1
}

# The whole leg runs under timeout(1): this script re-executes itself once
# under it.
if [ -z "${XSOCK_MUSL_LEG_INNER:-}" ]; then
  command -v timeout >/dev/null 2>&1 || not_run "timeout(1) is missing"
  export XSOCK_MUSL_LEG_INNER=1
  rc=0
  timeout --kill-after=30 "$leg_timeout" "$0" "$build" || rc=$?
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    fail "the leg exceeded ${leg_timeout}s and was killed"
  fi
  exit "$rc"
fi

# ---- tools ---------------------------------------------------------------

# python3: the soak tests' clients (tests/soak) are CPython asyncio.
xs_need_pkgs cmake make musl-tools musl-dev python3 >&2 ||
  not_run "could not install cmake, make, musl-tools, python3"
command -v musl-gcc >/dev/null 2>&1 || not_run "musl-gcc not found"
command -v ctest >/dev/null 2>&1 || not_run "ctest not found"

# ---- CMocka source --------------------------------------------------------

cmocka=${XSOCK_CMOCKA_SOURCE_DIR:-}
if [ -z "$cmocka" ]; then
  cmocka=$("$repo/ci/cmocka-source.sh") || not_run "could not obtain CMocka's source"
fi
[ -f "$cmocka/src/cmocka.c" ] || not_run "no src/cmocka.c in $cmocka"

# ---- configure and build (warnings are errors) ----------------------------

# True when the program is linked against musl: dynamically, its program
# interpreter (PT_INTERP) is musl's loader; a static one names no loader
# and carries no glibc version symbols.
is_musl_program() { # file
  local interp
  interp=$(LC_ALL=C readelf -l "$1" 2>/dev/null | sed -nE 's/.*program interpreter: ([^]]+)\].*/\1/p')
  if [ -n "$interp" ]; then
    case $interp in *ld-musl*) return 0 ;; *) return 1 ;; esac
  fi
  ! LC_ALL=C readelf -V "$1" 2>/dev/null | grep -q GLIBC_
}

build_type() { # dir type
  # The soak tests (tests/soak) run once, in the Debug build.
  local soak=()
  [ "$2" = Debug ] || soak=(-DXSOCK_SOAK_BACKENDS=OFF)
  cmake -S "$repo" -B "$1" -DCMAKE_C_COMPILER=musl-gcc \
    -DCMAKE_BUILD_TYPE="$2" -DXSOCK_WERROR=ON -DXSOCK_BUILD_BENCH=OFF \
    -DXSOCK_CMOCKA_SOURCE_DIR="$cmocka" "${soak[@]}" >&2 || fail "cmake configure ($2)"
  cmake --build "$1" -j"$jobs" >&2 || fail "build ($2)"
  local found=0 exe
  for exe in "$1"/tests/test_* "$1"/tests/xsock_smoke "$1"/examples/*; do
    [ -f "$exe" ] && [ -x "$exe" ] || continue
    found=1
    is_musl_program "$exe" || fail "$exe is not linked against musl"
  done
  [ "$found" = 1 ] || fail "no test programs were built in $1/tests"
}
release="$build/release"
build_type "$build" Debug
build_type "$release" Release

# ---- run -------------------------------------------------------------------

. "$repo/ci/ctest-count.sh"
run_debug_release "$build" "$release"
