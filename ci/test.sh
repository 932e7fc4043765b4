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
#   5. Windows (ci/windows.sh): MinGW-w64 gcc and clang cross builds (Debug
#      and Release), every test under Wine; the 32-bit i686 build, built
#      and checked but not run (this machine's Wine is 64-bit only)
#   6. kqueue: libkqueue built from the tarball XSOCK_LIBKQUEUE_SOURCE, the
#      native suite against it, selector suites as *.kqueue (ci/kqueue.sh),
#      then the kqueue suites again with the EVFILT_USER wakeup forced on;
#      without the variable a notice, not a failure
#   7. other Linux machines (ci/qemu.sh): s390x (64-bit big-endian),
#      aarch64, armhf, i386 and powerpc (32-bit big-endian), cross builds
#      (Debug and Release), every test under qemu-user; and musl libc
#      natively (ci/musl.sh)
#   8. the CI matrix files: schema and names (ci/workflows.sh), every
#      xsock_/XSOCK_ name the docs use exists (ci/docs-names.sh), the
#      Meson build lists the sources CMake compiles (ci/meson-sources.sh),
#      every C file as clang-format 14 writes it (ci/format.sh), the commit
#      style of CONTRIBUTING.md (ci/commit-style.sh), and strict C99 for
#      Windows (ci/portability.sh)
#   9. tests/consumer built and run every way xsock is taken in: install,
#      find_package, pkg-config, add_subdirectory, FetchContent, MinGW
#      static and DLL under Wine, and as a Meson subproject, natively and
#      cross-compiled for MinGW under Wine (ci/consumers.sh)
#  10. the API reference: Doxygen over include/xsock.h with no warning
#      (ci/doxygen.sh)
#  11. the two-file drop-in (ci/dropin.sh): compiled alone by gcc, clang
#      and MinGW-w64, its exports, the native and Wine suites against it
#  12. the benchmarks never rot (ci/bench.sh --quick): every program and
#      impl, libev, libevent and libuv included, prints a valid RESULT
#      line; no speed is checked. The scale run's smoke (bench/scale.sh
#      --smoke): 200 checked echo connections per native backend, 0
#      errors, no allocation in the steady state.
#
# Every package is installed first, in one apt-get run, and CMocka's
# source fetched once, so that legs can then run side by side without
# two of them running apt-get at once. The legs run in two lanes: the
# native, fuzz and most cross legs in the foreground (their output shown
# as they run), and the Windows legs with two of the 32-bit Linux ones in
# the background (their output in BUILD/<leg>.log, shown at the end). The
# Windows legs spend much of their time waiting on Wine, so the lanes
# share the two cores well; bench-quick runs beside both once the native
# build exists.
#
# Prints one summary line per leg, in one format whatever the leg:
#   LEG: N tests, P passed, F failed (S s)
# (S its wall time), and a closing "N passed, M failed". Each leg's script
# ends with "LEG: N tests, M passed" (or "N checks"), or "LEG: not run
# (REASON)" and the status XS_EXIT_NOT_RUN (ci/exit-status.sh); ctest's
# own output is read by one parser, ci/ctest-count.sh, for the native and
# the cross legs alike. A leg that cannot run is reported as NOT RUN;
# under CI=true that fails. Exits 0 when every leg passed, 1 otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."
. ci/lib.sh

BUILD=${XSOCK_CI_BUILD:-build/ci}
JOBS=${XSOCK_CI_JOBS:-2}
mkdir -p "$BUILD"
BUILD=$(cd "$BUILD" && pwd)
export XSOCK_CI_JOBS=$JOBS
t_start=$SECONDS

# ---- packages, all at once -------------------------------------------------

qemu_arches=(s390x aarch64 armhf i386 powerpc)
pkgs=(cmake make gcc g++ libc6-dev libcmocka-dev python3 pkg-config git tar gzip
  dpkg-dev clang lld libclang-rt-14-dev clang-format valgrind doxygen musl-tools musl-dev
  libev-dev libevent-dev libuv1-dev gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64
  gcc-mingw-w64-i686 mingw-w64-x86-64-dev qemu-user meson)
for a in "${qemu_arches[@]}"; do
  case $a in
    s390x) pkgs+=(gcc-s390x-linux-gnu libc6-dev-s390x-cross) ;;
    aarch64) pkgs+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross) ;;
    armhf) pkgs+=(gcc-arm-linux-gnueabihf libc6-dev-armhf-cross) ;;
    i386) pkgs+=(gcc-i686-linux-gnu libc6-dev-i386-cross) ;;
    powerpc) pkgs+=(gcc-powerpc-linux-gnu libc6-dev-powerpc-cross) ;;
  esac
done
# Debian's wine64 holds the 64-bit loader, and the `wine` command comes
# with the package wine. Never wine32 (ci/windows.sh says why).
command -v wine >/dev/null 2>&1 || pkgs+=(wine wine64)
# node and npm (ci/workflows.sh) only where no node is there yet.
command -v node >/dev/null 2>&1 || pkgs+=(nodejs npm)
xs_log "installing what the legs need"
t0=$SECONDS
if ! xs_need_pkgs "${pkgs[@]}"; then
  # Each leg then asks again for its own and says what it could not get.
  echo "not every package could be installed; the legs will say which they miss"
fi
# CMocka's source for the builds that cannot use Debian's libcmocka
# (Windows, the cross legs, musl), fetched once.
if [ -z "${XSOCK_CMOCKA_SOURCE_DIR:-}" ]; then
  if cm=$(bash ci/cmocka-source.sh); then export XSOCK_CMOCKA_SOURCE_DIR=$cm; fi
fi
echo "installs and sources: $((SECONDS - t0)) s"

# ---- how a leg runs ----------------------------------------------------------
# A leg's output goes to BUILD/<leg>.log, its exit status to <leg>.rc and
# its wall time to <leg>.secs; its result is read from those at the end
# (report, below), in one fixed order, whichever lane ran it.

run_leg() { # leg cmd... (foreground: the output is shown as it comes)
  local leg=$1 t0=$SECONDS; shift
  xs_log "$leg"
  "$@" 2>&1 | tee "$BUILD/$leg.log"
  echo "${PIPESTATUS[0]}" >"$BUILD/$leg.rc"
  echo $((SECONDS - t0)) >"$BUILD/$leg.secs"
}

run_leg_quiet() { # leg cmd... (background: the output only in the log)
  local leg=$1 t0=$SECONDS rc=0; shift
  "$@" >"$BUILD/$leg.log" 2>&1 || rc=$?
  echo "$rc" >"$BUILD/$leg.rc"
  echo $((SECONDS - t0)) >"$BUILD/$leg.secs"
  printf '\n=== (background) %s finished: exit %s, %s s\n' "$leg" "$rc" $((SECONDS - t0))
}

# True when the packages a leg needs are installed; otherwise the leg is
# recorded as not run, with what it misses.
need() { # leg pkgs...
  local leg=$1 p missing=(); shift
  for p in "$@"; do xs_have_pkgs "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "$leg: not run (could not install ${missing[*]})" | tee "$BUILD/$leg.log"
  echo "$XS_EXIT_NOT_RUN" >"$BUILD/$leg.rc"
  echo 0 >"$BUILD/$leg.secs"
  return 1
}

native_build() { # dir cc extra-cmake-args... (LEG_CTEST: a ctest -R filter)
  local dir=$1 cc=$2 filter=(); shift 2
  [ -z "${LEG_CTEST:-}" ] || filter=(-R "$LEG_CTEST")
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER="$cc" "$@" &&
    cmake --build "$dir" -j"$JOBS" &&
    (cd "$dir" && ctest -j"$JOBS" --output-on-failure "${filter[@]}")
}

fuzz_leg() { # target seconds [kqueue]
  local cargs="" dir=$BUILD/fuzz klib=$BUILD/kqueue/libkqueue
  if [ "${3:-}" = kqueue ]; then
    dir=$BUILD/fuzz-kqueue
    cargs="-DXSOCK_KQUEUE_INCLUDE_DIR=$klib/include/kqueue -DXSOCK_KQUEUE_LIBRARY=$klib/lib/libkqueue.so"
  fi
  XSOCK_FUZZ_CMAKE_ARGS=$cargs bash ci/fuzz.sh "$dir" "fuzz_$1" "$2"
}

# ---- lane B: the Windows legs and two 32-bit Linux ones, in the background --

lane_b() {
  run_leg_quiet windows-wine bash ci/windows.sh "$BUILD/mingw" x86_64
  run_leg_quiet windows-clang-wine bash ci/windows.sh "$BUILD/clang-mingw" clang
  run_leg_quiet windows-i686 bash ci/windows.sh "$BUILD/mingw32" i686
  run_leg_quiet qemu-i386 bash ci/qemu.sh i386 "$BUILD/i386"
  run_leg_quiet qemu-powerpc bash ci/qemu.sh powerpc "$BUILD/powerpc"
}
lane_b &
lane_b_pid=$!

# ---- lane A: in the foreground ---------------------------------------------

native_pkgs=(cmake make gcc libc6-dev libcmocka-dev python3)
clang_pkgs=(cmake make clang libclang-rt-14-dev libcmocka-dev)
need native-gcc "${native_pkgs[@]}" && run_leg native-gcc native_build "$BUILD/gcc" gcc

# bench-quick runs the bench programs that native-gcc built (bench/ is
# part of every native build), beside everything else: it checks no
# timing, so the load cannot make it fail.
bench_where=(--build-dir="$BUILD/bench")
[ ! -x "$BUILD/gcc/bench/bench_sockpairs" ] || bench_where=(--bin="$BUILD/gcc/bench")
run_leg_quiet bench-quick bash ci/bench.sh --quick "${bench_where[@]}" &
bench_pid=$!

need native-gcc-release "${native_pkgs[@]}" &&
  run_leg native-gcc-release native_build "$BUILD/gcc-release" gcc \
  -DCMAKE_BUILD_TYPE=Release -DXSOCK_SOAK_BACKENDS=OFF
# Sanitizer reports abort the test (-fno-sanitize-recover), so any report
# is a failure; leaks are reported by LeakSanitizer at exit.
need native-clang-asan-ubsan "${clang_pkgs[@]}" &&
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  run_leg native-clang-asan-ubsan native_build "$BUILD/asan" clang \
  -DXSOCK_SANITIZE=address,undefined
# ThreadSanitizer over the suites where threads and signal handlers meet
# the library: the wakeup suites (every backend) and the socketpair race.
# A report exits the test with TSan's error code.
need native-clang-tsan "${clang_pkgs[@]}" &&
  TSAN_OPTIONS=halt_on_error=1 LEG_CTEST='^(selector_wakeup|socketpair_race)' \
  run_leg native-clang-tsan native_build "$BUILD/tsan" clang -DXSOCK_SANITIZE=thread \
  -DXSOCK_BUILD_EXAMPLES=OFF -DXSOCK_BUILD_BENCH=OFF
need native-valgrind "${native_pkgs[@]}" valgrind &&
  run_leg native-valgrind native_build "$BUILD/valgrind" gcc \
  "-DXSOCK_TEST_LAUNCHER=valgrind;--quiet;--error-exitcode=99;--leak-check=full;--errors-for-leak-kinds=definite,indirect;--track-fds=no" \
  -DXSOCK_TEST_TIMEOUT=600 -DXSOCK_SOAK_BACKENDS=OFF

# kqueue.sh: XS_EXIT_NOT_RUN = could not run although asked (a failure
# under CI=true), XS_EXIT_NOT_ASKED = not asked (XSOCK_LIBKQUEUE_SOURCE
# unset): a notice only.
run_leg kqueue-libkqueue bash ci/kqueue.sh "$BUILD/kqueue"
kstatus=$(cat "$BUILD/kqueue-libkqueue.rc")
kqueue_ran=0
[ "$kstatus" -eq "$XS_EXIT_NOT_RUN" ] || [ "$kstatus" -eq "$XS_EXIT_NOT_ASKED" ] || kqueue_ran=1
[ "$kqueue_ran" = 0 ] || run_leg kqueue-user-wakeup bash ci/kqueue.sh "$BUILD/kqueue" user-wakeup

# A libFuzzer run is not a ctest suite: each target counts as one test
# that passes when its seed corpus replays cleanly and the fuzzer then
# ends by its time limit without a finding (ci/fuzz.sh). The selector
# harness drives every POSIX backend at once, in lockstep; it runs again
# with kqueue through the libkqueue that the kqueue leg built (libkqueue
# is slow to open: about 40 inputs a second).
FUZZ_SECONDS=${XSOCK_FUZZ_SECONDS:-20}
fuzz_legs=("addr_parse:$FUZZ_SECONDS:" "frame_decode:$FUZZ_SECONDS:"
  "selector:${XSOCK_FUZZ_SELECTOR_SECONDS:-60}:")
if [ "$kqueue_ran" = 1 ] && [ -f "$BUILD/kqueue/libkqueue/lib/libkqueue.so" ]; then
  fuzz_legs+=("selector:${XSOCK_FUZZ_KQUEUE_SECONDS:-30}:kqueue")
fi
fuzz_names=()
for fz in "${fuzz_legs[@]}"; do
  IFS=: read -r name secs variant <<<"$fz"
  leg=fuzz-$name${variant:+-$variant}
  fuzz_names+=("$leg")
  need "$leg" "${clang_pkgs[@]}" && run_leg "$leg" fuzz_leg "$name" "$secs" "$variant"
done

run_leg musl bash ci/musl.sh "$BUILD/musl"
for a in s390x aarch64 armhf; do
  run_leg "qemu-$a" bash ci/qemu.sh "$a" "$BUILD/$a"
done

run_leg workflows bash ci/workflows.sh "$BUILD/workflows"
run_leg docs-names bash ci/docs-names.sh
run_leg meson-sources bash ci/meson-sources.sh
run_leg format bash ci/format.sh
run_leg commit-style bash ci/commit-style.sh
run_leg portability bash ci/portability.sh
run_leg doxygen bash ci/doxygen.sh "$BUILD/doxygen"
run_leg scale-smoke bash bench/scale.sh --smoke --build-dir="$BUILD/scale"
run_leg dropin bash ci/dropin.sh "$BUILD/dropin"
# The consumers leg takes the drop-in the leg above made.
XSOCK_DROPIN_DIR="$BUILD/dropin/dropin" run_leg consumers bash ci/consumers.sh "$BUILD/consumers"

xs_log "waiting for the background legs"
wait "$lane_b_pid"
wait "$bench_pid"
for leg in windows-wine windows-clang-wine windows-i686 qemu-i386 qemu-powerpc bench-quick; do
  xs_log "$leg (ran in the background; $BUILD/$leg.log)"
  cat "$BUILD/$leg.log"
done

# ---- the summary ---------------------------------------------------------------

summary=()
total_pass=0 total_fail=0 not_run=0

# One line per leg: "<leg>: N tests, P passed, F failed (S s)".
leg_line() { # leg total failed [note]
  local leg=$1 total=$2 failed=$3 secs
  secs=$(cat "$BUILD/$leg.secs" 2>/dev/null || echo "?")
  total_pass=$((total_pass + total - failed))
  total_fail=$((total_fail + failed))
  summary+=("$leg: $total tests, $((total - failed)) passed, $failed failed ($secs s${4:+, $4})")
}

not_runnable() { # leg reason
  summary+=("$1: NOT RUN — $2")
  not_run=$((not_run + 1))
}

# The one ctest parser, ci/ctest-count.sh, as the cross legs use it: a
# test counts as passed only when its output shows that it ran. Prints
# "TOTAL FAILED"; "0 0" when the log has no ctest summary.
ctest_counts() { # build-dir log label
  (
    label=$3
    log() { printf '%s: %s\n' "$label" "$*" >&2; }
    fail() { log "$*"; echo "0 0"; exit 0; }
    ctest_timeout=0
    . ci/ctest-count.sh
    count_run "$1" "$2" 0 "$3"
    echo "$total $((total - passed))"
  )
}

# Reads a leg's result: its ctest summary (the native legs), or its own
# closing line "<leg>: N tests, M passed" / "<leg>: N checks, M passed"
# (the scripts), or "<leg>: not run (REASON)". A leg whose exit status is
# not 0 has failed even when every count passed; one that counted nothing
# has failed too.
# The names of the tests ctest listed as failed in a log, comma-separated
# (at most eight): the summary names them, so that a failure can be
# traced from the summary alone when only the end of the output is kept.
failed_names() { # log
  sed -nE 's/^[[:space:]]+[0-9]+ - ([^ ]+) \(.*\)$/\1/p' "$1" | sort -u |
    head -n 8 | paste -sd, - | sed 's/,/, /g'
}

report() { # leg ctest BUILD_DIR | leg line
  local leg=$1 log=$BUILD/$1.log rc counts total failed line
  rc=$(cat "$BUILD/$leg.rc" 2>/dev/null || echo 1)
  line=$(grep -E "^$leg: not run" "$log" | tail -n 1)
  if [ -n "$line" ] || [ "$rc" -eq "$XS_EXIT_NOT_RUN" ]; then
    not_runnable "$leg" "${line:-exit status $rc}"
    return
  fi
  if [ "$2" = ctest ]; then
    counts=$(ctest_counts "$3" "$log" "$leg")
  else
    line=$(grep -E "^$leg: [0-9]+ (tests|checks), [0-9]+ passed$" "$log" | tail -n 1)
    counts=$(sed -E 's/^[^:]*: ([0-9]+) [a-z]+, ([0-9]+) passed$/\1 \2/' <<<"${line:-x: 0 tests, 0 passed}")
    counts="${counts% *} $((${counts% *} - ${counts#* }))"
  fi
  total=${counts% *} failed=${counts#* }
  if [ "$total" -eq 0 ]; then
    leg_line "$leg" 1 1 "no test ran, see $log"
  elif [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    leg_line "$leg" $((total + 1)) 1 "every count passed but the leg failed, see $log"
  elif [ "$failed" -gt 0 ]; then
    line=$(failed_names "$log")
    leg_line "$leg" "$total" "$failed" "${line:+failed: $line}"
  else
    leg_line "$leg" "$total" "$failed"
  fi
}

report_fuzz() { # leg
  local inputs
  if [ "$(cat "$BUILD/$1.rc")" -eq "$XS_EXIT_NOT_RUN" ]; then
    not_runnable "$1" "$(tail -n 1 "$BUILD/$1.log")"
    return
  fi
  inputs=$(sed -nE 's/^fuzz: fuzz_[a-z_]+: ([0-9]+) inputs$/\1/p' "$BUILD/$1.log")
  if [ "$(cat "$BUILD/$1.rc")" -eq 0 ]; then
    leg_line "$1" 1 0 "$inputs inputs"
  else
    tail -n 30 "$BUILD/$1.log"
    leg_line "$1" 1 1 "see $BUILD/$1.log"
  fi
}

report native-gcc ctest "$BUILD/gcc"
report native-gcc-release ctest "$BUILD/gcc-release"
report native-clang-asan-ubsan ctest "$BUILD/asan"
report native-clang-tsan ctest "$BUILD/tsan"
report native-valgrind ctest "$BUILD/valgrind"
case $kstatus in
  "$XS_EXIT_NOT_RUN") not_runnable kqueue-libkqueue "$(sed -nE 's/^kqueue-libkqueue: not run \((.*)\)$/\1/p' "$BUILD/kqueue-libkqueue.log" | tail -n 1)" ;;
  "$XS_EXIT_NOT_ASKED") summary+=("kqueue-libkqueue: NOT RUN (notice, not a failure) — XSOCK_LIBKQUEUE_SOURCE is not set") ;;
  *) report kqueue-libkqueue ctest "$BUILD/kqueue/xsock"
     report kqueue-user-wakeup ctest "$BUILD/kqueue/xsock-user" ;;
esac
for leg in "${fuzz_names[@]}"; do report_fuzz "$leg"; done
for leg in windows-wine windows-clang-wine windows-i686 musl; do report "$leg" line; done
for a in "${qemu_arches[@]}"; do report "qemu-$a" line; done
for leg in workflows docs-names meson-sources format commit-style portability doxygen scale-smoke dropin consumers bench-quick; do
  report "$leg" line
done

xs_log "summary"
for line in "${summary[@]}"; do echo "$line"; done
echo "wall time: $((SECONDS - t_start)) s"
if [ "$not_run" -gt 0 ]; then
  echo "WARNING: $not_run leg(s) could not run (see above)."
  if [ "${CI:-}" = "true" ]; then
    echo "CI=true: a leg that cannot run is a failure."
    total_fail=$((total_fail + not_run))
  fi
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
