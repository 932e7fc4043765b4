#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs every test of xsock, installing what it needs (Debian, as root):
#   1. native gcc builds, -Werror, ctest: Debug, and Release (-O2 finds
#      what -O0 cannot, such as maybe-uninitialized)
#   2. native clang build with AddressSanitizer + UndefinedBehaviorSanitizer
#   3. native build with every test under valgrind memcheck
#   4. the address parser and the framing decoder under libFuzzer (clang),
#      for a bounded time each
#   5. Windows: MinGW-w64 cross builds (Debug and Release), every test
#      under Wine (ci/windows.sh)
#   6. kqueue: libkqueue built from the tarball XSOCK_LIBKQUEUE_SOURCE, the
#      native suite against it, selector suites as *.kqueue (ci/kqueue.sh);
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

native_leg() { # leg dir cc extra-cmake-args...
  local leg=$1 dir=$2 cc=$3; shift 3
  local log="$BUILD/$leg.log"
  xs_log "$leg"
  {
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER="$cc" "$@" &&
      cmake --build "$dir" -j"$JOBS" &&
      (cd "$dir" && ctest -j"$JOBS" --output-on-failure)
  } 2>&1 | tee "$log"
  record "$leg" "$log" "${PIPESTATUS[0]}"
}

# libc6-dev is only a recommendation of gcc: without it nothing links.
if xs_need_pkgs cmake make gcc libc6-dev libcmocka-dev; then
  native_leg native-gcc "$BUILD/gcc" gcc
  native_leg native-gcc-release "$BUILD/gcc-release" gcc -DCMAKE_BUILD_TYPE=Release
else
  not_runnable native-gcc "could not install cmake/gcc/libcmocka-dev"
  not_runnable native-gcc-release "could not install cmake/gcc/libcmocka-dev"
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

if xs_need_pkgs valgrind; then
  native_leg native-valgrind "$BUILD/valgrind" gcc \
    "-DXSOCK_TEST_LAUNCHER=valgrind;--quiet;--error-exitcode=99;--leak-check=full;--errors-for-leak-kinds=definite,indirect;--track-fds=no" \
    -DXSOCK_TEST_TIMEOUT=600
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

# A libFuzzer run is not a ctest suite: it counts as one test that passes
# when the fuzzer ends by its time limit without a finding.
FUZZ_SECONDS=${XSOCK_FUZZ_SECONDS:-30}
if xs_have_pkgs clang libclang-rt-14-dev; then
  xs_log "fuzz-addr (${FUZZ_SECONDS}s)"
  flog="$BUILD/fuzz-addr.log"
  {
    cmake -S . -B "$BUILD/fuzz" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
      -DXSOCK_BUILD_FUZZ=ON -DXSOCK_BUILD_TESTS=OFF -DXSOCK_BUILD_EXAMPLES=OFF \
      -DXSOCK_BUILD_BENCH=OFF &&
      cmake --build "$BUILD/fuzz" -j"$JOBS" --target fuzz_addr_parse &&
      "$BUILD/fuzz/fuzz/fuzz_addr_parse" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1
  } >"$flog" 2>&1
  if [ $? -eq 0 ]; then
    summary+=("fuzz-addr: 1 tests, 1 passed, 0 failed ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "$flog" | grep -o '[0-9]*$') inputs)")
    total_pass=$((total_pass + 1))
  else
    tail -n 30 "$flog"
    summary+=("fuzz-addr: 1 tests, 0 passed, 1 failed (see $flog)")
    total_fail=$((total_fail + 1))
  fi
  # The framing decoder: its seed corpus replayed, then a bounded run that
  # starts from it and writes new inputs to a scratch directory.
  xs_log "fuzz-frame (${FUZZ_SECONDS}s)"
  flog="$BUILD/fuzz-frame.log"
  {
    cmake --build "$BUILD/fuzz" -j"$JOBS" --target fuzz_frame_decode &&
      "$BUILD/fuzz/fuzz/fuzz_frame_decode" fuzz/corpus/frame_decode/* &&
      mkdir -p "$BUILD/fuzz/frame-corpus" &&
      "$BUILD/fuzz/fuzz/fuzz_frame_decode" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 \
        "$BUILD/fuzz/frame-corpus" fuzz/corpus/frame_decode
  } >"$flog" 2>&1
  if [ $? -eq 0 ]; then
    summary+=("fuzz-frame: 1 tests, 1 passed, 0 failed ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "$flog" | grep -o '[0-9]*$') inputs)")
    total_pass=$((total_pass + 1))
  else
    tail -n 30 "$flog"
    summary+=("fuzz-frame: 1 tests, 0 passed, 1 failed (see $flog)")
    total_fail=$((total_fail + 1))
  fi
else
  not_runnable fuzz-addr "clang could not be installed"
  not_runnable fuzz-frame "clang could not be installed"
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
  local leg=$1 log="$BUILD/$1.log" rc line; shift
  xs_log "$leg"
  bash "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
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
