#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The big-endian and ARM legs, run on an x86-64 Linux machine: cross-compile
# xsock and its whole test suite with Debian's cross compiler for ARCH,
# Debug and Release (in BUILD_DIR/release), and run every test of both
# under qemu-user through ctest (CMAKE_CROSSCOMPILING_EMULATOR).
#
#   ci/qemu.sh ARCH [BUILD_DIR]   ARCH: s390x (big-endian) or aarch64
#                                 (default BUILD_DIR: build-ARCH)
#
# Installs gcc-ARCH-linux-gnu, its libc6-dev cross package and qemu-user
# with apt-get when they are missing, builds CMocka from the source the
# Windows leg uses (ci/cmocka-source.sh, or XSOCK_CMOCKA_SOURCE_DIR),
# configures with cmake/toolchains/ARCH-linux-gnu.cmake and builds with
# warnings as errors. The last line is
#   qemu-ARCH: N tests, M passed
# Exit status: 0 all passed; 1 a failure (build, test, timeout); 3 the leg
# could not run here (no apt-get, install failed) -- but 1 when CI=true,
# where "not run" must fail the job.
#
# False passes are guarded against twice: every test program must be an
# ELF file for ARCH (so no host program can stand in for it), and every
# test CTest counts as passed must show that it ran (ci/ctest-count.sh).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/ci/lib.sh"

# Per architecture: the Debian name of the libc cross package's
# architecture, the ELF data encoding (1 little-, 2 big-endian) and the
# ELF machine number the test programs must carry.
arch_facts() { # arch -> sets debarch elf_data elf_machine
  case $1 in
    s390x) debarch=s390x elf_data=2 elf_machine=22 ;;
    aarch64) debarch=arm64 elf_data=1 elf_machine=183 ;;
    *) return 1 ;;
  esac
}

# The packages ARCH's leg needs. qemu-user is only asked for when no
# qemu-ARCH program (from qemu-user or qemu-user-static) is there yet.
arch_pkgs() { # arch
  arch_facts "$1"
  printf '%s\n' cmake make "gcc-$1-linux-gnu" "libc6-dev-$debarch-cross"
  if ! command -v "qemu-$1" >/dev/null 2>&1 && ! command -v "qemu-$1-static" >/dev/null 2>&1; then
    printf '%s\n' qemu-user
  fi
}

arch=${1:-}
arch_facts "$arch" || { echo "usage: ci/qemu.sh s390x|aarch64 [BUILD_DIR]" >&2; exit 2; }
leg=qemu-$arch
build=${2:-$repo/build-$arch}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
leg_timeout=${XSOCK_QEMU_LEG_TIMEOUT:-900}
ctest_timeout=${XSOCK_QEMU_CTEST_TIMEOUT:-600}
jobs=${XSOCK_QEMU_JOBS:-2}

log() { printf '%s: %s\n' "$leg" "$*" >&2; }

not_run() {
  log "============================================================"
  log "NOT RUN: $*"
  log "============================================================"
  printf '%s: not run (%s)\n' "$leg" "$*"
  if [ "${CI:-}" = true ]; then exit 1; fi
  exit 3
}

fail() {
  log "FAILED: $*"
  printf '%s: failed (%s)\n' "$leg" "$*"
  exit 1
}

# The whole leg runs under timeout(1): this script re-executes itself once
# under it. --kill-after also ends a qemu process that ignores SIGTERM.
if [ -z "${XSOCK_QEMU_LEG_INNER:-}" ]; then
  command -v timeout >/dev/null 2>&1 || not_run "timeout(1) is missing"
  export XSOCK_QEMU_LEG_INNER=1
  rc=0
  timeout --kill-after=30 "$leg_timeout" "$0" "$arch" "$build" || rc=$?
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    fail "the leg exceeded ${leg_timeout}s and was killed"
  fi
  exit "$rc"
fi

# ---- tools ---------------------------------------------------------------

mapfile -t pkgs < <(arch_pkgs "$arch")
xs_need_pkgs "${pkgs[@]}" >&2 || not_run "could not install ${pkgs[*]}"
command -v "$arch-linux-gnu-gcc" >/dev/null 2>&1 || not_run "$arch-linux-gnu-gcc not found"
if ! command -v "qemu-$arch" >/dev/null 2>&1 && ! command -v "qemu-$arch-static" >/dev/null 2>&1; then
  not_run "qemu-$arch not found"
fi
command -v ctest >/dev/null 2>&1 || not_run "ctest not found"

# ---- CMocka source --------------------------------------------------------

cmocka=${XSOCK_CMOCKA_SOURCE_DIR:-}
if [ -z "$cmocka" ]; then
  cmocka=$("$repo/ci/cmocka-source.sh") || not_run "could not obtain CMocka's source"
fi
[ -f "$cmocka/src/cmocka.c" ] || not_run "no src/cmocka.c in $cmocka"

# ---- configure and build (warnings are errors) ----------------------------
# The library and the tests only: the examples and benchmarks add build
# time on two cores and no test that the native legs do not already run.

# Reads a byte of a file as a decimal number.
byte_at() { od -An -tu1 -j"$2" -N1 "$1" | tr -d ' '; }

# True when the file is a 64-bit ELF program for ARCH: the magic, the class
# (2: 64-bit), the data encoding, and e_machine read in that encoding.
is_target_elf() { # file
  [ "$(od -An -tx1 -N4 "$1" | tr -d ' ')" = 7f454c46 ] || return 1
  [ "$(byte_at "$1" 4)" = 2 ] && [ "$(byte_at "$1" 5)" = "$elf_data" ] || return 1
  local lo hi
  if [ "$elf_data" = 2 ]; then hi=$(byte_at "$1" 18) lo=$(byte_at "$1" 19); else
    lo=$(byte_at "$1" 18) hi=$(byte_at "$1" 19); fi
  [ $((hi * 256 + lo)) = "$elf_machine" ]
}

build_type() { # dir type
  cmake -S "$repo" -B "$1" \
    -DCMAKE_TOOLCHAIN_FILE="$repo/cmake/toolchains/$arch-linux-gnu.cmake" \
    -DCMAKE_BUILD_TYPE="$2" -DXSOCK_WERROR=ON \
    -DXSOCK_BUILD_EXAMPLES=OFF -DXSOCK_BUILD_BENCH=OFF \
    -DXSOCK_CMOCKA_SOURCE_DIR="$cmocka" >&2 || fail "cmake configure ($2)"
  # Without the emulator ctest would start the programs itself.
  grep -q "qemu-$arch" "$1/tests/CTestTestfile.cmake" || fail "the $2 build runs its tests without qemu-$arch"
  cmake --build "$1" -j"$jobs" >&2 || fail "build ($2)"
  local found=0 exe
  for exe in "$1"/tests/test_* "$1"/tests/xsock_smoke; do
    [ -f "$exe" ] && [ -x "$exe" ] || continue
    found=1
    is_target_elf "$exe" || fail "$exe is not a 64-bit $arch program"
  done
  [ "$found" = 1 ] || fail "no test programs were built in $1/tests"
}
release="$build/release"
build_type "$build" Debug
build_type "$release" Release

# ---- run under qemu-user ---------------------------------------------------

# Runs ctest in a build dir; its output goes to the log named.
run_ctest() { # dir log
  ctest_rc=0
  (cd "$1" && timeout --kill-after=30 "$ctest_timeout" ctest -j"$jobs" --output-on-failure) \
    >"$2" 2>&1 || ctest_rc=$?
  cat "$2" >&2
}
logf="$build/$leg-ctest.log"
rlogf="$build/$leg-ctest-release.log"
run_ctest "$build" "$logf"
rc=$ctest_rc
run_ctest "$release" "$rlogf"
rrc=$ctest_rc

. "$repo/ci/ctest-count.sh"
count_debug_release "$build" "$logf" "$rc" "$release" "$rlogf" "$rrc"

printf '%s: %s tests, %s passed\n' "$leg" "$total" "$passed"
if [ "$rc" -ne 0 ] || [ "$rrc" -ne 0 ] || [ "$passed" -ne "$total" ]; then
  exit 1
fi
exit 0
