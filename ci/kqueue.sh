#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The kqueue leg, run on Linux: builds libkqueue (a kqueue implementation
# for Linux) from a source tarball into the build directory, configures
# xsock against it (cmake/XsockKqueue.cmake), builds, and runs the whole
# native ctest, in which the selector suites run on kqueue too, as
# selector*.kqueue.
#
#   XSOCK_LIBKQUEUE_SOURCE=libkqueue.tar.gz ci/kqueue.sh [BUILD_DIR [user-wakeup]]
#                                  (default: build/kqueue in the repository)
#
# With user-wakeup it builds xsock again with the EVFILT_USER wakeup forced
# on (the one real BSD kernels get; config.h leaves it off on Linux) and
# runs the kqueue suites against that build.
#
# libkqueue is never copied into the repository: it is unpacked and built
# under BUILD_DIR (and reused there while the tarball is unchanged). Where
# it differs from a real kqueue, the suites relax exactly those assertions
# (XTEST_LIBKQUEUE, see tests/support/xtest.h).
#
# Exit status: 0 all passed; 1 a failure; 3 the leg could not run although
# XSOCK_LIBKQUEUE_SOURCE was set (the tarball is missing, a package could
# not be installed, libkqueue did not build); 4 XSOCK_LIBKQUEUE_SOURCE is
# not set, so the leg was not asked for. ci/test.sh counts 3 as a failure
# under CI=true and reports 4 as a notice.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/ci/lib.sh"

build=${1:-$repo/build/kqueue}
mode=${2:-default} # default, or user-wakeup (the EVFILT_USER build)
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
jobs=${XSOCK_CI_JOBS:-2}

not_run() { # status reason
  printf 'kqueue-libkqueue: not run (%s)\n' "$2"
  exit "$1"
}

src=${XSOCK_LIBKQUEUE_SOURCE:-}
[ -n "$src" ] || not_run "$XS_EXIT_NOT_ASKED" "XSOCK_LIBKQUEUE_SOURCE is not set"
[ -f "$src" ] || not_run "$XS_EXIT_NOT_RUN" "XSOCK_LIBKQUEUE_SOURCE names no file: $src"
xs_need_pkgs cmake make gcc libc6-dev libcmocka-dev tar gzip ||
  not_run "$XS_EXIT_NOT_RUN" "could not install cmake/gcc/libcmocka-dev"

# libkqueue, built once per tarball: a stamp holds the tarball's checksum.
prefix=$build/libkqueue
sum=$(sha256sum "$src" | cut -d' ' -f1)
if [ "$(cat "$prefix/.stamp" 2>/dev/null || true)" != "$sum" ]; then
  xs_log "kqueue: building libkqueue from $(basename "$src")"
  rm -rf "$build/libkqueue-src" "$build/libkqueue-build" "$prefix"
  mkdir -p "$build/libkqueue-src"
  tar -xzf "$src" -C "$build/libkqueue-src" --strip-components=1 ||
    not_run "$XS_EXIT_NOT_RUN" "cannot unpack $src"
  { cmake -S "$build/libkqueue-src" -B "$build/libkqueue-build" \
      -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
      -DCMAKE_INSTALL_LIBDIR=lib -DENABLE_STATIC=OFF >/dev/null &&
    cmake --build "$build/libkqueue-build" -j"$jobs" >/dev/null &&
    cmake --install "$build/libkqueue-build" >/dev/null; } 2>&1 |
    grep -v 'not a git repository' || true
  [ -f "$prefix/lib/libkqueue.so" ] && [ -f "$prefix/include/kqueue/sys/event.h" ] ||
    not_run "$XS_EXIT_NOT_RUN" "libkqueue did not build"
  echo "$sum" >"$prefix/.stamp"
fi

if [ "$mode" = user-wakeup ]; then
  # EVFILT_USER forced on (cmake/XsockKqueue.cmake): the kqueue suites
  # again, with the wakeup that real BSD kernels get, minus the wakeup
  # from a signal handler, which libkqueue's locks forbid.
  xs_log "kqueue: xsock against libkqueue, EVFILT_USER wakeup"
  cmake -S "$repo" -B "$build/xsock-user" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=gcc \
    -DXSOCK_KQUEUE_INCLUDE_DIR="$prefix/include/kqueue" \
    -DXSOCK_KQUEUE_LIBRARY="$prefix/lib/libkqueue.so" -DXSOCK_KQUEUE_USER_WAKEUP=1 \
    -DXSOCK_SOAK_BACKENDS=OFF
  cmake --build "$build/xsock-user" -j"$jobs"
  syms=$(nm "$build/xsock-user/libxsock.a" 2>/dev/null)
  if ! grep -q ' kqueue__wakeup$' <<<"$syms"; then
    echo "kqueue-user-wakeup: failed (the EVFILT_USER wakeup was not compiled in)"
    exit 1
  fi
  cd "$build/xsock-user"
  ctest -j"$jobs" --output-on-failure -R '\.kqueue$'
  exit
fi

xs_log "kqueue: xsock against libkqueue"
cmake -S "$repo" -B "$build/xsock" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=gcc \
  -DXSOCK_KQUEUE_INCLUDE_DIR="$prefix/include/kqueue" \
  -DXSOCK_KQUEUE_LIBRARY="$prefix/lib/libkqueue.so" \
  -DXSOCK_SOAK_BACKENDS=kqueue # the native leg soaks the others
cmake --build "$build/xsock" -j"$jobs"

# Every selector suite must be registered on kqueue: a probe that failed
# would silently leave the leg testing epoll, poll and select only.
suites=$(find "$repo/tests" -maxdepth 1 -name 'selector*.c' | wc -l)
registered=$(cd "$build/xsock" && ctest -N -R '^selector[a-z_]*\.kqueue$' |
  sed -nE 's/^Total Tests: ([0-9]+)$/\1/p')
if [ "${registered:-0}" -ne "$suites" ]; then
  echo "kqueue-libkqueue: failed ($suites selector suites, ${registered:-0} registered on kqueue)"
  exit 1
fi
cd "$build/xsock"
ctest -j"$jobs" --output-on-failure
