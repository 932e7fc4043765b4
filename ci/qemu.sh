#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The Linux legs of other machines, run on an x86-64 Linux machine:
# cross-compile xsock and its whole test suite with Debian's cross
# compiler for ARCH, Debug and Release (in BUILD_DIR/release), and run
# every test of both under qemu-user through ctest
# (CMAKE_CROSSCOMPILING_EMULATOR).
#
#   ci/qemu.sh ARCH [BUILD_DIR]   (default BUILD_DIR: build-ARCH)
#     ARCH  s390x    64-bit big-endian
#           aarch64  64-bit ARM
#           armhf    32-bit ARM, hard-float
#           i386     32-bit x86 (qemu-i386: this kernel may refuse to run
#                    32-bit x86 programs itself, qemu-user does not)
#           powerpc  32-bit big-endian
#
# Installs gcc-TRIPLE, its libc6-dev cross package and qemu-user with
# apt-get when they are missing, builds CMocka from the source the Windows
# leg uses (ci/cmocka-source.sh, or XSOCK_CMOCKA_SOURCE_DIR), configures
# with cmake/toolchains/TRIPLE.cmake and builds with warnings as errors.
# The last line is
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

# Per leg: Debian's triple (the cross compiler's prefix and the toolchain
# file's name), the Debian name of the libc cross package's architecture,
# the qemu-user program's suffix, and what every test program must be: its
# ELF class (1 32-bit, 2 64-bit), data encoding (1 little-, 2 big-endian)
# and machine number.
arch_facts() { # leg -> sets triple debarch qarch elf_class elf_data elf_machine
  case $1 in
    s390x) triple=s390x-linux-gnu debarch=s390x qarch=s390x elf_class=2 elf_data=2 elf_machine=22 ;;
    aarch64) triple=aarch64-linux-gnu debarch=arm64 qarch=aarch64 elf_class=2 elf_data=1 elf_machine=183 ;;
    armhf) triple=arm-linux-gnueabihf debarch=armhf qarch=arm elf_class=1 elf_data=1 elf_machine=40 ;;
    i386) triple=i686-linux-gnu debarch=i386 qarch=i386 elf_class=1 elf_data=1 elf_machine=3 ;;
    powerpc) triple=powerpc-linux-gnu debarch=powerpc qarch=ppc elf_class=1 elf_data=2 elf_machine=20 ;;
    *) return 1 ;;
  esac
}

# The packages the leg needs. qemu-user is only asked for when no
# qemu-ARCH program (from qemu-user or qemu-user-static) is there yet.
arch_pkgs() { # leg
  arch_facts "$1"
  printf '%s\n' cmake make "gcc-$triple" "libc6-dev-$debarch-cross"
  if ! command -v "qemu-$qarch" >/dev/null 2>&1 && ! command -v "qemu-$qarch-static" >/dev/null 2>&1; then
    printf '%s\n' qemu-user
  fi
}

arch=${1:-}
arch_facts "$arch" || { echo "usage: ci/qemu.sh s390x|aarch64|armhf|i386|powerpc [BUILD_DIR]" >&2; exit 2; }
leg=qemu-$arch
build=${2:-$repo/build-$arch}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
leg_timeout=${XSOCK_QEMU_LEG_TIMEOUT:-900}
ctest_timeout=${XSOCK_QEMU_CTEST_TIMEOUT:-600}
jobs=${XSOCK_QEMU_JOBS:-2}

log() { printf '%s: %s\n' "$leg" "$*" >&2; }

not_run() { xs_not_run "$leg" "$*"; }

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
command -v "$triple-gcc" >/dev/null 2>&1 || not_run "$triple-gcc not found"
if ! command -v "qemu-$qarch" >/dev/null 2>&1 && ! command -v "qemu-$qarch-static" >/dev/null 2>&1; then
  not_run "qemu-$qarch not found"
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

# True when the file is an ELF program for the leg's machine: the magic,
# the class, the data encoding, and e_machine read in that encoding.
is_target_elf() { # file
  [ "$(od -An -tx1 -N4 "$1" | tr -d ' ')" = 7f454c46 ] || return 1
  [ "$(byte_at "$1" 4)" = "$elf_class" ] && [ "$(byte_at "$1" 5)" = "$elf_data" ] || return 1
  local lo hi
  if [ "$elf_data" = 2 ]; then hi=$(byte_at "$1" 18) lo=$(byte_at "$1" 19); else
    lo=$(byte_at "$1" 18) hi=$(byte_at "$1" 19); fi
  [ $((hi * 256 + lo)) = "$elf_machine" ]
}

build_type() { # dir type
  cmake -S "$repo" -B "$1" \
    -DCMAKE_TOOLCHAIN_FILE="$repo/cmake/toolchains/$triple.cmake" \
    -DCMAKE_BUILD_TYPE="$2" -DXSOCK_WERROR=ON \
    -DXSOCK_BUILD_EXAMPLES=OFF -DXSOCK_BUILD_BENCH=OFF \
    -DXSOCK_CMOCKA_SOURCE_DIR="$cmocka" >&2 || fail "cmake configure ($2)"
  # Without the emulator ctest would start the programs itself.
  grep -q "qemu-$qarch" "$1/tests/CTestTestfile.cmake" || fail "the $2 build runs its tests without qemu-$qarch"
  cmake --build "$1" -j"$jobs" >&2 || fail "build ($2)"
  local found=0 exe
  for exe in "$1"/tests/test_* "$1"/tests/xsock_smoke; do
    [ -f "$exe" ] && [ -x "$exe" ] || continue
    found=1
    is_target_elf "$exe" || fail "$exe is not a program for $arch ($triple)"
  done
  [ "$found" = 1 ] || fail "no test programs were built in $1/tests"
}
release="$build/release"
build_type "$build" Debug
build_type "$release" Release

# ---- run under qemu-user ---------------------------------------------------

. "$repo/ci/ctest-count.sh"
run_debug_release "$build" "$release"
