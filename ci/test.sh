#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs every test of xsock, installing what it needs (Debian, as root):
#   1. native gcc builds, -Werror, ctest: Debug, and Release (-O2 finds
#      what -O0 cannot, such as maybe-uninitialized)
#   2. native clang build with AddressSanitizer + UndefinedBehaviorSanitizer,
#      and one with ThreadSanitizer over the wakeup and race suites
#   3. native build with every test under valgrind memcheck
#   4. libFuzzer (clang), each target's seed corpus replayed, then fuzzed
#      for a bounded time (ci/fuzz.sh): the address parser, the framing
#      decoder, and the model-checking selector harness over every POSIX
#      backend
#   5. Windows: MinGW-w64 cross builds (Debug and Release), every test
#      under Wine (ci/windows.sh)
#   6. kqueue: libkqueue built from the tarball XSOCK_LIBKQUEUE_SOURCE, the
#      native suite against it, selector suites as *.kqueue (ci/kqueue.sh),
#      then the kqueue suites again with the EVFILT_USER wakeup forced on;
#      without the variable a notice, not a failure
#   7. s390x (big-endian) and aarch64: cross builds (Debug and Release),
#      every test under qemu-user (ci/qemu.sh)
#   8. the CI matrix files: schema and names (ci/workflows.sh), and strict
#      C99 for Windows (ci/portability.sh)
#   9. tests/consumer built and run every way xsock is taken in: install,
#      find_package, pkg-config, add_subdirectory, FetchContent, MinGW
#      static and DLL under Wine (ci/consumers.sh)
#  10. the API reference: Doxygen over include/xsock.h with no warning
#      (ci/doxygen.sh)
#  11. the two-file drop-in (ci/dropin.sh): compiled alone by gcc, clang
#      and MinGW-w64, its exports, the native and Wine suites against it
#  12. the benchmarks never rot (ci/bench.sh --quick): every program and
#      impl, libev, libevent and libuv included, prints a valid RESULT
#      line; no speed is checked. It runs the programs of leg 1's gcc
#      build in the background and is counted at the end.
# Prints one summary line per leg and a closing "N passed, M failed".
# A leg that cannot run is reported as NOT RUN; under CI=true that fails.
set -uo pipefail
cd "$(dirname "$0")/.."
. ci/lib.sh

BUILD=${XSOCK_CI_BUILD:-build/ci}
JOBS=${XSOCK_CI_JOBS:-2}
mkdir -p "$BUILD"
summary=()
total_pass=0 total_fail=0 not_run=0

record() { # leg log status [counts]
  local leg=$1 log=$2 status=$3 counts=${4:-} total failed
  [ -n "$counts" ] || counts=$(xs_ctest_counts "$log")
  total=${counts% *}; failed=${counts#* }
  total_pass=$((total_pass + total - failed)); total_fail=$((total_fail + failed))
  if [ "$total" -eq 0 ]; then
    summary+=("$leg: FAILED, no test ran (see $log)")
    total_fail=$((total_fail + 1))
  elif [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    summary+=("$leg: $total tests, $total passed, but the leg failed (see $log)")
    total_fail=$((total_fail + 1))
  else
    summary+=("$leg: $total tests, $((total - failed)) passed, $failed failed")
  fi
}

not_runnable() { # leg reason
  summary+=("$1: NOT RUN — $2")
  not_run=$((not_run + 1))
}

native_leg() { # leg dir cc extra-cmake-args... (LEG_CTEST: a ctest -R filter)
  local leg=$1 dir=$2 cc=$3; shift 3
  local log="$BUILD/$leg.log" filter=()
  [ -z "${LEG_CTEST:-}" ] || filter=(-R "$LEG_CTEST")
  xs_log "$leg"
  {
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER="$cc" "$@" &&
      cmake --build "$dir" -j"$JOBS" &&
      (cd "$dir" && ctest -j"$JOBS" --output-on-failure "${filter[@]}")
  } 2>&1 | tee "$log"
  record "$leg" "$log" "${PIPESTATUS[0]}"
}

# The peer libraries of the benchmarks (bench-quick, below): installed
# first, so that the native builds build their programs too.
bench_pkgs=0
! xs_need_pkgs cmake make gcc libc6-dev libev-dev libevent-dev libuv1-dev || bench_pkgs=1

# libc6-dev is only a recommendation of gcc: without it nothing links.
# python3: the soak tests' clients (tests/soak) are CPython asyncio.
if xs_need_pkgs cmake make gcc libc6-dev libcmocka-dev python3; then
  native_leg native-gcc "$BUILD/gcc" gcc
  native_leg native-gcc-release "$BUILD/gcc-release" gcc -DCMAKE_BUILD_TYPE=Release \
    -DXSOCK_SOAK_BACKENDS=OFF
else
  not_runnable native-gcc "could not install cmake/gcc/libcmocka-dev"
  not_runnable native-gcc-release "could not install cmake/gcc/libcmocka-dev"
fi

# bench-quick runs the bench programs that native-gcc built (bench/ is
# part of every native build), so that it has nothing to build, in the
# background beside the legs that follow: it checks no timing, so they
# cannot make it fail. It never runs apt-get beside another leg.
bench_pid=""
if [ "$bench_pkgs" = 1 ]; then
  bench_where=(--build-dir="$BUILD/bench")
  [ ! -x "$BUILD/gcc/bench/bench_sockpairs" ] || bench_where=(--bin="$BUILD/gcc/bench")
  bash ci/bench.sh --quick "${bench_where[@]}" >"$BUILD/bench-quick.log" 2>&1 &
  bench_pid=$!
else
  not_runnable bench-quick "could not install libev-dev libevent-dev libuv1-dev"
fi

if xs_need_pkgs clang libclang-rt-14-dev; then
  # Sanitizer reports abort the test (-fno-sanitize-recover), so any report
  # is a failure; leaks are reported by LeakSanitizer at exit.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    native_leg native-clang-asan-ubsan "$BUILD/asan" clang \
    -DXSOCK_SANITIZE=address,undefined
else
  not_runnable native-clang-asan-ubsan "could not install clang"
fi

# ThreadSanitizer over the suites where threads and signal handlers meet
# the library: the wakeup suites (every backend) and the socketpair race.
# A report exits the test with TSan's error code.
if xs_need_pkgs clang libclang-rt-14-dev; then
  TSAN_OPTIONS=halt_on_error=1 LEG_CTEST='^(selector_wakeup|socketpair_race)' \
    native_leg native-clang-tsan "$BUILD/tsan" clang -DXSOCK_SANITIZE=thread \
    -DXSOCK_BUILD_EXAMPLES=OFF -DXSOCK_BUILD_BENCH=OFF
else
  not_runnable native-clang-tsan "could not install clang"
fi

if xs_need_pkgs valgrind; then
  native_leg native-valgrind "$BUILD/valgrind" gcc \
    "-DXSOCK_TEST_LAUNCHER=valgrind;--quiet;--error-exitcode=99;--leak-check=full;--errors-for-leak-kinds=definite,indirect;--track-fds=no" \
    -DXSOCK_TEST_TIMEOUT=600 -DXSOCK_SOAK_BACKENDS=OFF
else
  not_runnable native-valgrind "could not install valgrind"
fi

# kqueue.sh: 3 = could not run although asked (a failure under CI=true),
# 4 = not asked (XSOCK_LIBKQUEUE_SOURCE unset): a notice only.
xs_log "kqueue-libkqueue"
klog="$BUILD/kqueue.log"
bash ci/kqueue.sh "$BUILD/kqueue" 2>&1 | tee "$klog"
kstatus=${PIPESTATUS[0]}
case $kstatus in
  3) not_runnable kqueue-libkqueue "$(sed -nE 's/^kqueue-libkqueue: not run \((.*)\)$/\1/p' "$klog" | tail -n 1)" ;;
  4) summary+=("kqueue-libkqueue: NOT RUN (notice, not a failure) — XSOCK_LIBKQUEUE_SOURCE is not set") ;;
  *) record kqueue-libkqueue "$klog" "$kstatus" ;;
esac
if [ "$kstatus" -ne 3 ] && [ "$kstatus" -ne 4 ]; then
  xs_log "kqueue-user-wakeup"
  kulog="$BUILD/kqueue-user.log"
  bash ci/kqueue.sh "$BUILD/kqueue" user-wakeup 2>&1 | tee "$kulog"
  record kqueue-user-wakeup "$kulog" "${PIPESTATUS[0]}"
fi

# A libFuzzer run is not a ctest suite: each target counts as one test
# that passes when its seed corpus replays cleanly and the fuzzer then
# ends by its time limit without a finding (ci/fuzz.sh). The selector
# harness drives every POSIX backend at once, in lockstep.
FUZZ_SECONDS=${XSOCK_FUZZ_SECONDS:-20}
FUZZ_SELECTOR_SECONDS=${XSOCK_FUZZ_SELECTOR_SECONDS:-60}
if xs_have_pkgs clang libclang-rt-14-dev; then
  fuzz_legs=("addr_parse:$FUZZ_SECONDS:" "frame_decode:$FUZZ_SECONDS:"
             "selector:$FUZZ_SELECTOR_SECONDS:")
  # The selector harness again with kqueue through the libkqueue that the
  # kqueue leg built (libkqueue is slow to open: about 40 inputs a second).
  klib=$(cd "$BUILD" && pwd)/kqueue/libkqueue
  if [ "$kstatus" -ne 3 ] && [ "$kstatus" -ne 4 ] && [ -f "$klib/lib/libkqueue.so" ]; then
    fuzz_legs+=("selector:${XSOCK_FUZZ_KQUEUE_SECONDS:-30}:kqueue")
  fi
  for fz in "${fuzz_legs[@]}"; do
    IFS=: read -r name secs variant <<<"$fz"
    fdir=$BUILD/fuzz cargs=""
    if [ "$variant" = kqueue ]; then
      fdir=$BUILD/fuzz-kqueue
      cargs="-DXSOCK_KQUEUE_INCLUDE_DIR=$klib/include/kqueue -DXSOCK_KQUEUE_LIBRARY=$klib/lib/libkqueue.so"
      name=$name-kqueue
    fi
    xs_log "fuzz-$name (${secs}s)"
    flog="$BUILD/fuzz-$name.log"
    if XSOCK_FUZZ_CMAKE_ARGS=$cargs bash ci/fuzz.sh "$fdir" "fuzz_${name%-kqueue}" "$secs" >"$flog" 2>&1; then
      summary+=("fuzz-$name: 1 tests, 1 passed, 0 failed ($(sed -nE 's/^fuzz: fuzz_[a-z_]+: ([0-9]+) inputs$/\1/p' "$flog") inputs)")
      total_pass=$((total_pass + 1))
    else
      tail -n 30 "$flog"
      summary+=("fuzz-$name: 1 tests, 0 passed, 1 failed (see $flog)")
      total_fail=$((total_fail + 1))
    fi
  done
else
  not_runnable fuzz "clang could not be installed"
fi

xs_log "windows-wine"
wlog="$BUILD/windows-wine.log"
bash ci/windows.sh "$BUILD/mingw" 2>&1 | tee "$wlog"
wstatus=${PIPESTATUS[0]}
if [ "$wstatus" -eq 3 ]; then
  not_runnable windows-wine "$(grep -E '^windows-wine: not run' "$wlog" | tail -n 1)"
else
  # Two ctest runs (Debug and Release): windows.sh's last line counts both.
  wline=$(grep -E '^windows-wine: [0-9]+ tests, [0-9]+ passed$' "$wlog" | tail -n 1)
  wtotal=$(sed -E 's/^windows-wine: ([0-9]+) tests.*/\1/' <<<"${wline:-windows-wine: 0 tests, 0 passed}")
  wpassed=$(sed -E 's/.* ([0-9]+) passed$/\1/' <<<"${wline:-windows-wine: 0 tests, 0 passed}")
  record windows-wine "$wlog" "$wstatus" "$wtotal $((wtotal - wpassed))"
fi

# The big-endian and ARM legs. They run one after the other: side by side
# on two cores they measured slower, as their builds are CPU-bound.
for arch in s390x aarch64; do
  qleg=qemu-$arch qlog="$BUILD/qemu-$arch.log"
  xs_log "$qleg"
  bash ci/qemu.sh "$arch" "$BUILD/$arch" 2>&1 | tee "$qlog"
  qstatus=${PIPESTATUS[0]}
  if [ "$qstatus" -eq 3 ]; then
    not_runnable "$qleg" "$(grep -E "^$qleg: not run" "$qlog" | tail -n 1)"
  else
    # Debug and Release: qemu.sh's last line counts both ctest runs.
    qline=$(grep -E "^$qleg: [0-9]+ tests, [0-9]+ passed\$" "$qlog" | tail -n 1)
    qline=${qline:-"$qleg: 0 tests, 0 passed"}
    qtotal=$(sed -E 's/^[^:]*: ([0-9]+) tests.*/\1/' <<<"$qline")
    qpassed=$(sed -E 's/.* ([0-9]+) passed$/\1/' <<<"$qline")
    record "$qleg" "$qlog" "$qstatus" "$qtotal $((qtotal - qpassed))"
  fi
done

# Checks that are not ctest suites (ci/workflows.sh: the CI matrix files;
# ci/portability.sh: strict C99 for Windows). Each ends with
# "<leg>: N checks, M passed", or "<leg>: not run (...)" when it cannot run.
check_leg() { # leg script args...
  local leg=$1 log="$BUILD/$1.log"; shift
  xs_log "$leg"
  bash "$@" 2>&1 | tee "$log"
  count_checks "$leg" "$log" "${PIPESTATUS[0]}"
}
count_checks() { # leg log exit-status
  local leg=$1 log=$2 rc=$3 line
  if grep -qE "^$leg: not run" "$log"; then
    not_runnable "$leg" "$(grep -E "^$leg: not run" "$log" | tail -n 1)"
    return
  fi
  line=$(grep -E "^$leg: [0-9]+ checks, [0-9]+ passed$" "$log" | tail -n 1)
  line=${line:-$leg: 0 checks, 0 passed}
  set -- $(sed -E 's/^[^:]*: ([0-9]+) checks, ([0-9]+) passed$/\1 \2/' <<<"$line")
  record "$leg" "$log" "$rc" "$1 $(($1 - $2))"
}
check_leg workflows ci/workflows.sh "$BUILD/workflows"
check_leg portability ci/portability.sh
# The API reference: Doxygen over include/xsock.h, with no warning.
check_leg doxygen ci/doxygen.sh "$BUILD/doxygen"
# The drop-in: its last line is "dropin: N checks, M passed", where the
# checks are its compiles, its exports and the tests of both suites.
check_leg dropin ci/dropin.sh "$BUILD/dropin"
# tests/consumer built and run every way a user takes xsock in: install +
# find_package, pkg-config, add_subdirectory, FetchContent (path and tagged
# git URL), MinGW static and DLL under Wine, and the drop-in the leg above
# made (ci/consumers.sh).
dropin_dir="$BUILD/dropin/dropin"
case $dropin_dir in /*) ;; *) dropin_dir="$PWD/$dropin_dir" ;; esac
XSOCK_DROPIN_DIR="$dropin_dir" check_leg consumers ci/consumers.sh "$BUILD/consumers"

if [ -n "$bench_pid" ]; then
  wait "$bench_pid"
  brc=$?
  xs_log "bench-quick (ran in the background)"
  cat "$BUILD/bench-quick.log"
  count_checks bench-quick "$BUILD/bench-quick.log" "$brc"
fi

xs_log "summary"
for line in "${summary[@]}"; do echo "$line"; done
if [ "$not_run" -gt 0 ]; then
  echo "WARNING: $not_run leg(s) could not run (see above)."
  if [ "${CI:-}" = "true" ]; then
    echo "CI=true: a leg that cannot run is a failure."
    total_fail=$((total_fail + not_run))
  fi
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
