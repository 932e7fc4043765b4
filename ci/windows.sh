#!/bin/sh
# SPDX-License-Identifier: MIT
# The Windows legs, run on Linux: cross-compile xsock, its tests and the
# examples with MinGW-w64, Debug and Release (in BUILD_DIR/release), with
# warnings as errors, and run the tests of both under Wine through ctest.
#
#   ci/windows.sh [BUILD_DIR] [TARGET]   (default: build-mingw, x86_64)
#     TARGET  x86_64  MinGW-w64 gcc, 64-bit: leg windows-wine
#             clang   clang and lld for x86_64-w64-mingw32 (llvm-mingw,
#                     MSYS2 CLANG64): leg windows-clang-wine
#             i686    MinGW-w64 gcc, 32-bit: leg windows-i686, built and
#                     checked but not run (see below)
#
# Installs the compiler and wine64 with apt-get when they are missing,
# fetches CMocka's source (ci/cmocka-source.sh), configures with the
# target's file in cmake/toolchains, builds, runs ctest under Wine, then
# runs the echo demo (examples/) under Wine on every Windows backend. The
# last line is
#   LEG: N tests, M passed          (x86_64, clang)
#   windows-i686: N checks, M passed
# Exit status: 0 all passed; 1 a failure (build, test, timeout); 3 the leg
# could not run here (no apt-get, install failed, no Wine) -- but 1 when
# CI=true, where "not run" must fail the job.
#
# 32-bit Windows programs cannot run here: this machine's Wine is 64-bit
# only (wine32 cannot be installed beside it, and once installed it breaks
# the wine command for 64-bit programs too), and a 32-bit .exe under it
# exits 0 having run nothing. So the i686 leg builds the library, every
# test and every example, checks that each is a 32-bit x86 program, and
# counts as its checks the two builds (whose tests/test_sizes.c asserts
# the 32-bit layouts at compile time) and the programs checked; the tests
# run on Windows itself in the CI matrix (MSYS2 MINGW32, MSVC Win32).
#
# Wine is prepared (ci/wine.sh) the way that measured fast and hang-free:
# a private prefix in the build directory, WINEDEBUG=-all, no mono/gecko, a
# persistent wineserver (-p) warmed up by one program started OUTSIDE ctest
# with its stdio detached (otherwise Wine's background services inherit
# ctest's output pipe and ctest waits forever), then ctest, then
# wineserver -k. Every test has a CTest TIMEOUT (tests/CMakeLists.txt) and
# the whole leg runs under timeout(1).
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/ci/exit-status.sh"
build=${1:-$repo/build-mingw}
target=${2:-x86_64}
# Per target: the leg's name, the toolchain file, the compiler and its
# Debian package, and the COFF machine of every program (8664 x86-64,
# 014c i386).
case $target in
  x86_64) leg=windows-wine toolchain=mingw-w64-x86_64 cc=x86_64-w64-mingw32-gcc
          cc_pkgs=gcc-mingw-w64-x86-64 machine=8664 ;;
  clang) leg=windows-clang-wine toolchain=clang-mingw-w64-x86_64 cc=clang
         cc_pkgs="clang lld gcc-mingw-w64-x86-64" machine=8664 ;;
  i686) leg=windows-i686 toolchain=mingw-w64-i686 cc=i686-w64-mingw32-gcc
        cc_pkgs=gcc-mingw-w64-i686 machine=014c ;;
  *) echo "usage: ci/windows.sh [BUILD_DIR] [x86_64|clang|i686]" >&2; exit 2 ;;
esac
# Wine wants an absolute WINEPREFIX, and the prefix lives in the build dir.
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
leg_timeout=${XSOCK_WINE_LEG_TIMEOUT:-2400}
ctest_timeout=${XSOCK_WINE_CTEST_TIMEOUT:-1200}

log() { printf '%s: %s\n' "$leg" "$*" >&2; }

not_run() { xs_not_run "$leg" "$*"; }

fail() {
  log "FAILED: $*"
  printf '%s: failed (%s)\n' "$leg" "$*"
  exit 1
}

# The whole leg runs under timeout(1): this script re-executes itself once
# under it. --kill-after makes a stuck Wine process go away too.
if [ -z "${XSOCK_WINE_LEG_INNER:-}" ]; then
  command -v timeout >/dev/null 2>&1 || not_run "timeout(1) is missing"
  export XSOCK_WINE_LEG_INNER=1
  set +e
  timeout --kill-after=30 "$leg_timeout" "$0" "$build" "$target"
  rc=$?
  set -e
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    # The killed leg may have left its persistent wineserver behind.
    WINEPREFIX="$build/wineprefix" wineserver -k >/dev/null 2>&1 || true
    fail "the Windows leg exceeded ${leg_timeout}s and was killed"
  fi
  exit "$rc"
fi

# ---- tools ---------------------------------------------------------------

need_install=""
for p in $cc_pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
    need_install="$need_install $p"
done
# Debian's wine64 holds the 64-bit loader; the `wine` command that runs it
# comes with the package wine, which --no-install-recommends leaves out.
# Never wine32 (see above).
if [ "$target" != i686 ] && ! command -v wine >/dev/null 2>&1 && ! command -v wine64 >/dev/null 2>&1; then
  need_install="$need_install wine wine64"
fi
if [ -n "$need_install" ]; then
  command -v apt-get >/dev/null 2>&1 || not_run "missing$need_install and no apt-get to install them"
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || not_run "missing$need_install; not root and no sudo"
    sudo="sudo"
  fi
  log "installing$need_install"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2 || not_run "apt-get update failed"
  # shellcheck disable=SC2086
  $sudo apt-get install -y -qq --no-install-recommends $need_install >&2 ||
    not_run "apt-get install$need_install failed"
fi
command -v "$cc" >/dev/null 2>&1 || not_run "$cc not found"
command -v cmake >/dev/null 2>&1 || not_run "cmake not found"
command -v ctest >/dev/null 2>&1 || not_run "ctest not found"
if [ "$target" != i686 ]; then
  . "$repo/ci/wine.sh"
  xs_wine_find
fi

# ---- CMocka source --------------------------------------------------------

cmocka=${XSOCK_CMOCKA_SOURCE_DIR:-}
if [ -z "$cmocka" ]; then
  cmocka=$("$repo/ci/cmocka-source.sh") || not_run "could not obtain CMocka's source"
fi
[ -f "$cmocka/src/cmocka.c" ] || not_run "no src/cmocka.c in $cmocka"

# ---- configure and build (warnings are errors: XSOCK_WERROR defaults ON) --
# Debug and Release: -O2 finds what -O0 cannot (maybe-uninitialized).
# Every test runs under Wine in both.

# A 32-bit .exe under a 64-bit-only Wine exits 0 and prints nothing: it
# would count as a pass without running. So every program must be for the
# target's machine (the COFF header's Machine), and only x86-64 ones run.
pe_machine() {
  # e_lfanew at 0x3c (little-endian 32-bit), then "PE\0\0", then Machine.
  off=$(od -An -tu4 -j60 -N4 "$1" | tr -d ' ')
  od -An -tx2 -j$((off + 4)) -N2 "$1" | tr -d ' '
}

build_type() { # dir type
  # The soak tests (tests/soak) run once, in the Debug build.
  local soak=""
  [ "$2" = Debug ] || soak=-DXSOCK_SOAK_BACKENDS=OFF
  cmake -S "$repo" -B "$1" \
    -DCMAKE_TOOLCHAIN_FILE="$repo/cmake/toolchains/$toolchain.cmake" \
    -DCMAKE_BUILD_TYPE="$2" -DXSOCK_WERROR=ON \
    -DXSOCK_CMOCKA_SOURCE_DIR="$cmocka" $soak >&2 || fail "cmake configure ($2)"
  cmake --build "$1" -j2 >&2 || fail "build ($2)"
  found_exe=0
  for exe in "$1"/tests/*.exe "$1"/examples/*.exe; do
    [ -f "$exe" ] || continue
    found_exe=$((found_exe + 1))
    [ "$(pe_machine "$exe")" = "$machine" ] || fail "$exe is not a program for machine $machine"
  done
  [ -f "$1/tests/test_sizes.exe" ] || fail "no test programs were built in $1/tests"
  checked=$((checked + found_exe))
}
checked=0
release="$build/release"
build_type "$build" Debug
build_type "$release" Release

if [ "$target" = i686 ]; then
  log "Debug and Release built with -Werror; $checked programs checked as 32-bit x86"
  printf '%s: %s checks, %s passed\n' "$leg" "$((checked + 2))" "$((checked + 2))"
  exit 0
fi

# ---- run under Wine ------------------------------------------------------

cleanup() { xs_wine_stop; }
trap cleanup EXIT
trap 'cleanup; exit 1' INT TERM
# The prefix, the persistent wineserver and its warm-up (ci/wine.sh).
xs_wine_start "$build"

# Runs ctest in a build dir; its output goes to the log named.
run_ctest() { # dir log
  set +e
  (cd "$1" && timeout --kill-after=30 "$ctest_timeout" ctest --output-on-failure) >"$2" 2>&1
  ctest_rc=$?
  set -e
  cat "$2"
}
logf="$build/$leg-ctest.log"
rlogf="$build/$leg-ctest-release.log"
run_ctest "$build" "$logf"
rc=$ctest_rc
run_ctest "$release" "$rlogf"
rrc=$ctest_rc

# ---- the echo demo under Wine ---------------------------------------------
# The same examples as ci/demo.sh, as Windows programs: a server that stops
# by itself after --clients N (no signal reaches it under Wine) and the
# verifying client, once per Windows backend. A failure fails the leg.
demo_failed=""
demo_run() { # backend
  pf="$build/demo-port-$1"
  slog="$build/demo-server-$1.log"
  rm -f "$pf"
  "$wine" "$build/examples/echo_server.exe" --backend "$1" --clients 20 \
    --port-file "$pf" </dev/null >"$slog" 2>&1 &
  spid=$!
  i=0
  while [ ! -s "$pf" ] && [ "$i" -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
  if [ ! -s "$pf" ]; then
    kill "$spid" 2>/dev/null || true
    cat "$slog" >&2
    return 1
  fi
  port=$(tr -dc '0-9' <"$pf")
  timeout --kill-after=10 300 "$wine" "$build/examples/echo_client.exe" \
    --addr "127.0.0.1:$port" --backend "$1" --conns 20 --messages 4000 \
    --size 1000 </dev/null || { kill "$spid" 2>/dev/null; return 1; }
  # The server stops by itself once the 20 clients are gone.
  i=0
  while kill -0 "$spid" 2>/dev/null && [ "$i" -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
  if kill -0 "$spid" 2>/dev/null; then
    kill "$spid" 2>/dev/null || true
    log "echo_server ($1) did not stop after its clients left"
    return 1
  fi
  wait "$spid" || return 1
  tr -d '\r' <"$slog"
}
if [ -f "$build/examples/echo_server.exe" ]; then
  for backend in $("$wine" "$build/examples/echo_server.exe" --list-backends </dev/null | tr -d '\r'); do
    log "echo demo on $backend"
    demo_run "$backend" || demo_failed="$demo_failed $backend"
  done
else
  demo_failed=" (examples not built)"
fi
wineserver -k >/dev/null 2>&1 || true

. "$repo/ci/ctest-count.sh"
count_debug_release "$build" "$logf" "$rc" "$release" "$rlogf" "$rrc"

if [ -n "$demo_failed" ]; then
  log "echo demo FAILED on:$demo_failed"
else
  log "echo demo passed on every Windows backend"
fi
printf '%s: %s tests, %s passed\n' "$leg" "$total" "$passed"
if [ "$rc" -ne 0 ] || [ "$rrc" -ne 0 ] || [ "$passed" -ne "$total" ] || [ -n "$demo_failed" ]; then
  exit 1
fi
exit 0
