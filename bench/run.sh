#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the benchmark matrix of bench/SPEC.md (W1 to W5) for every impl of
# this build (raw epoll/poll/select, xsock on each backend, and the peer
# libraries libev, libevent and libuv when their binaries were built, see
# bench/peers.cmake), then the callgrind runs at the SPEC's smaller sizes,
# and prints one table per workload with the ratios to raw epoll of the
# same run.
#
#   bench/run.sh [--quick|--summary|--smoke] [--passes=K] [--no-callgrind]
#                [--build-dir=DIR | --bin=DIR] [--out=FILE]
#
# --quick runs fewer sizes and repetitions (its numbers are not the
# SPEC's). --summary runs only the parameter sets of ci/bench.sh's table,
# shorter: 3 repetitions, 100 W1 and W4 rounds after 20, 4000 W2 round
# trips, 2000 W5 round trips after 200 (the SPEC: 5, 400 after 50, 20000,
# 10000 after 1000), and the callgrind runs of the SPEC.
# --passes=K runs the timed matrix K times (default 1; the tables then
# take the median of the passes). --smoke runs every program and impl once
# at a tiny size, with no callgrind and no tables, and goes on past a
# failed run: before each run it writes "EXPECT workload=W impl=I" to
# FILE, and what the run printed (its RESULT line, the first targets of
# W1's generator, or nothing) follows; ci/bench.sh --quick checks them.
# The build goes to DIR (default build/bench in the repository, configured
# RelWithDebInfo with -O2 -g; with --smoke build/bench-smoke, Debug, which
# compiles faster and is enough to check the programs); --bin=DIR builds
# nothing and runs the programs already built in DIR (the bench/ folder of
# any build of this repository, such as ci/test.sh's native one). Every
# RESULT line and the tables go to FILE (default DIR/results.txt).
# Nothing is installed except valgrind, when it is missing and callgrind
# runs are wanted.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
# shellcheck source=../ci/lib.sh
. "$repo/ci/lib.sh"

quick=0
passes=1
pass=0
summary=0
smoke=0
callgrind=1
build=""
prebuilt=""
out=""
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --summary) summary=1 ;;
    --passes=*) passes=${arg#--passes=} ;;
    --smoke) smoke=1; callgrind=0 ;;
    --no-callgrind) callgrind=0 ;;
    --build-dir=*) build=${arg#--build-dir=} ;;
    --bin=*) prebuilt=${arg#--bin=} ;;
    --out=*) out=${arg#--out=} ;;
    *) echo "usage: $0 [--quick|--summary|--smoke] [--passes=K] [--no-callgrind] [--build-dir=DIR | --bin=DIR] [--out=FILE]" >&2
       exit 2 ;;
  esac
done
type=RelWithDebInfo
if [ "$smoke" = 1 ]; then
  type=Debug
  [ -n "$build" ] || build="$repo/build/bench-smoke"
fi
[ -n "$build" ] || build="$repo/build/bench"
[ -z "$prebuilt" ] || build="$prebuilt"
[ -n "$out" ] || out="$build/results.txt"
[[ $passes =~ ^[1-9][0-9]*$ ]] || { echo "--passes needs a count of 1 or more" >&2; exit 2; }

if [ -n "$prebuilt" ]; then
  bin="$prebuilt"
  [ -x "$bin/bench_sockpairs" ] || { echo "no bench programs in $bin" >&2; exit 1; }
else
  xs_log "building into $build ($type)"
  cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE="$type" \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g" -DXSOCK_BUILD_TESTS=OFF \
    -DXSOCK_BUILD_EXAMPLES=OFF -DXSOCK_BUILD_BENCH=ON >/dev/null
  # Every target: with tests and examples off that is the library and the
  # bench programs, the peer families' included.
  cmake --build "$build" -j2 >/dev/null
  bin="$build/bench"
fi

if [ "$callgrind" = 1 ] && ! command -v valgrind >/dev/null 2>&1; then
  xs_need_pkgs valgrind || { echo "no valgrind: skipping the callgrind runs" >&2; callgrind=0; }
fi

mkdir -p "$(dirname "$out")"
: >"$out"
mapfile -t impls < <("$bin/bench_sockpairs" --list-impls)
# The peer libraries have binaries of their own (bench_sockpairs_libev, ...).
peers=()
for p in libev libevent libuv; do
  if [ -x "$bin/bench_sockpairs_$p" ]; then peers+=("$p"); fi
done
impls+=("${peers[@]}")
[ ${#peers[@]} -eq 3 ] || xs_log "note: peer binaries built: ${peers[*]:-none} (see bench/peers.cmake)"

# The program of workload $1 that holds impl $2.
prog() {
  case $2 in
    libev|libevent|libuv) echo "$bin/bench_$1_$2" ;;
    *) echo "$bin/bench_$1" ;;
  esac
}

# Runs one benchmark program natively; its RESULT line goes to the file.
# A failed run ends the script, except with --smoke, where it is recorded
# (nothing follows its EXPECT line) and the next run goes on.
run() {
  local line
  line=$("$@" | grep '^RESULT ') || {
    echo "FAILED: $*" >&2; [ "$smoke" = 1 ] && return 0; return 1; }
  [ "$passes" = 1 ] || [ "$pass" = 0 ] || line="$line pass=$pass"
  echo "$line" >>"$out"
  printf '.'
}

# Runs one program under callgrind (collection only inside the program's
# brackets) and completes its CALLGRIND RESULT line with the Ir totals of
# the regions it dumped as "setup" and "run". When the program also
# dumped a "clock1000" part (W4: 1000 clock reads of its own), the line
# gets clock_run=, the clock_gettime() calls of the run part: the self Ir
# of glibc's clock_gettime there over its self Ir per call in clock1000
# (callgrind's call counts would also count calls made while collection
# was off).
cg_run() {
  local dir line sums
  dir=$(mktemp -d)
  line=$(valgrind --tool=callgrind --collect-atstart=no \
           --callgrind-out-file="$dir/cg.%p" "$@" --callgrind 2>"$dir/log" |
         grep '^CALLGRIND RESULT ') || {
    echo "FAILED under callgrind: $*" >&2; cat "$dir/log" >&2; rm -rf "$dir"; return 1; }
  sums=$(awk '
    FNR == 1 { split("", name); fn = ""; aftercall = 0; t = "" }
    /^desc: Trigger: Client Request:/ { t = $NF }
    /^summary:/ { if (t != "") s[t] += $2 }
    # Function names are compressed: "(id) name" once, "(id)" after.
    /^c?fn=\(/ {
      id = $1; sub(/^c?fn=/, "", id)
      rest = $0; sub(/^c?fn=\([0-9]+\) ?/, "", rest)
      if (rest != "") name[id] = rest
      if ($0 ~ /^fn=/) { fn = name[id]; aftercall = 0 }
      next
    }
    # The cost line after calls= is the call'"'"'s inclusive cost, not self.
    /^calls=/ { aftercall = 1; next }
    /^([+-]?[0-9]+|\*) [0-9]+$/ {
      if (!aftercall && fn ~ /^(__)?clock_gettime/) clk[t] += $2
      aftercall = 0
    }
    END {
      printf "ir_setup=%.0f ir_run=%.0f", s["setup"], s["run"]
      if (clk["clock1000"] > 0)
        printf " clock_run=%.0f", clk["run"] / (clk["clock1000"] / 1000)
    }' "$dir"/cg.*)
  echo "$line $sums" >>"$out"
  rm -rf "$dir"
  printf '.'
}

# select (raw and xsock's) holds only fds < FD_SETSIZE: the SPEC runs it
# for N <= 1000 (W1, W3); W2 needs 2C fds in 1proc, so C <= 100.
is_select() { [ "$1" = select ] || [ "$1" = xsock-select ]; }

if [ "$smoke" = 1 ]; then
  # One run of each program and impl at a tiny size, and each W1 binary's
  # generator against the SPEC's first five targets (checked by the caller).
  start=$(date +%s)
  for impl in epoll "${peers[@]}"; do
    echo "EXPECT workload=targets impl=$impl" >>"$out"
    echo "TARGETS impl=$impl $("$(prog sockpairs "$impl")" --seed=1 --n=1000 \
      --active=100 --dump-targets=5)" >>"$out"
  done
  echo "EXPECT workload=calib impl=none" >>"$out"
  run "$bin/bench_calib" --rounds=2000 --reps=1
  for impl in "${impls[@]}"; do
    for mode in persist rearm; do
      echo "EXPECT workload=sockpairs impl=$impl" >>"$out"
      run "$(prog sockpairs "$impl")" --impl="$impl" --n=100 --active=10 \
        --rounds=10 --warmup=2 --reps=1 --mode="$mode"
    done
    for topo in 1proc 2proc; do
      echo "EXPECT workload=pingpong impl=$impl" >>"$out"
      run "$(prog pingpong "$impl")" --impl="$impl" --topo="$topo" --conns=4 \
        --rounds=200 --warmup=20 --reps=1
    done
    echo "EXPECT workload=idle impl=$impl" >>"$out"
    run "$(prog idle "$impl")" --impl="$impl" --n=10 --k=200 --warmup=10 --reps=1
    echo "EXPECT workload=serverwait impl=$impl" >>"$out"
    run "$(prog sockpairs "$impl")" --impl="$impl" --n=100 --active=10 \
      --rounds=10 --warmup=2 --reps=1 --timeout=1000
    echo "EXPECT workload=wakeup impl=$impl" >>"$out"
    run "$(prog wakeup "$impl")" --impl="$impl" --rounds=20 --warmup=5 --reps=1
  done
  echo
  echo "run time: $(( $(date +%s) - start )) s"
  exit 0
fi

if [ "$summary" = 1 ]; then
  w1_sets=("persist 1000" "persist 10000" "rearm 1000")
  w1_extra=(--rounds=100 --warmup=20 --reps=3)
  w2_sets=("1proc 1" "1proc 100" "2proc 100"); w2_extra=(--rounds=4000 --reps=3)
  w3_sets=("10 last" "1000 last" "10000 last"); w3_extra=(--reps=3)
  w4_sets=(1000); w5_extra=(--rounds=1000 --warmup=100 --reps=3)
  calib_extra=(--rounds=20000 --reps=3)
elif [ "$quick" = 1 ]; then
  w1_sets=("persist 1000" "rearm 1000"); w1_extra=(--rounds=100 --warmup=20 --reps=3)
  w2_sets=("1proc 1" "1proc 100" "2proc 1"); w2_extra=(--rounds=4000 --reps=3)
  w3_sets=("10 last" "1000 last" "1000 first"); w3_extra=(--reps=3)
  w4_sets=(1000); w5_extra=(--rounds=1000 --warmup=100 --reps=3)
  calib_extra=(--rounds=20000 --reps=3)
else
  w1_sets=("persist 100" "persist 1000" "persist 10000" "rearm 100" "rearm 1000"
           "rearm 10000")
  w1_extra=()
  w2_sets=("1proc 1" "1proc 100" "1proc 1000" "2proc 1" "2proc 100" "2proc 1000")
  w2_extra=()
  w3_sets=("10 last" "1000 last" "10000 last" "10 first" "1000 first" "10000 first")
  w3_extra=()
  w4_sets=(1000 10000)
  w5_extra=()
  calib_extra=()
fi
# W4 is W1's persist dispatch with a 1000 ms timeout: the same rounds.
w4_extra=("${w1_extra[@]}")

start=$(date +%s)
elapsed() { echo "$(( $(date +%s) - start )) s"; }
xs_log "calib"
run "$bin/bench_calib" "${calib_extra[@]}"

# The timed matrix, --passes times (SPEC 0.3: report.awk takes the median
# of the passes); with several passes each line is tagged pass=K.
for ((pass = 1; pass <= passes; pass++)); do
  ptag=""
  [ "$passes" = 1 ] || ptag=" (pass $pass of $passes)"
  xs_log "W1 sockpairs$ptag, at $(elapsed)"
  for set in "${w1_sets[@]}"; do
    read -r mode n <<<"$set"
    for impl in "${impls[@]}"; do
      if is_select "$impl" && [ "$n" -gt 1000 ]; then continue; fi
      run "$(prog sockpairs "$impl")" --impl="$impl" --n="$n" --mode="$mode" \
        "${w1_extra[@]}"
    done
  done

  xs_log "W2 pingpong$ptag, at $(elapsed)"
  for set in "${w2_sets[@]}"; do
    read -r topo c <<<"$set"
    for impl in "${impls[@]}"; do
      if is_select "$impl" && [ "$c" -gt 100 ]; then continue; fi
      run "$(prog pingpong "$impl")" --impl="$impl" --topo="$topo" --conns="$c" \
        "${w2_extra[@]}"
    done
  done

  xs_log "W3 idle$ptag, at $(elapsed)"
  for set in "${w3_sets[@]}"; do
    read -r n pos <<<"$set"
    for impl in "${impls[@]}"; do
      if is_select "$impl" && [ "$n" -gt 1000 ]; then continue; fi
      run "$(prog idle "$impl")" --impl="$impl" --n="$n" --active-pos="$pos" \
        "${w3_extra[@]}"
    done
  done

  xs_log "W4 serverwait$ptag, at $(elapsed)"
  for n in "${w4_sets[@]}"; do
    for impl in "${impls[@]}"; do
      if is_select "$impl" && [ "$n" -gt 1000 ]; then continue; fi
      run "$(prog sockpairs "$impl")" --impl="$impl" --n="$n" --timeout=1000 \
        "${w4_extra[@]}"
    done
  done

  xs_log "W5 wakeup$ptag, at $(elapsed)"
  for impl in "${impls[@]}"; do
    run "$(prog wakeup "$impl")" --impl="$impl" "${w5_extra[@]}"
  done
done

if [ "$callgrind" = 1 ]; then
  xs_log "callgrind (SPEC sizes), at $(elapsed)"
  for impl in "${impls[@]}"; do
    for mode in persist rearm; do
      cg_run "$(prog sockpairs "$impl")" --impl="$impl" --n=1000 --active=100 \
        --rounds=100 --warmup=20 --reps=1 --mode="$mode"
    done
    cg_run "$(prog pingpong "$impl")" --impl="$impl" --topo=1proc --conns=100 \
      --rounds=5000 --warmup=1000 --reps=1
    for n in 10 1000; do
      cg_run "$(prog idle "$impl")" --impl="$impl" --n="$n" --active-pos=last \
        --k=1000 --warmup=100 --reps=1
    done
    # W4, and its baseline: the same program and waits with timeout -1.
    for t in 1000 -1; do
      cg_run "$(prog sockpairs "$impl")" --impl="$impl" --n=1000 --active=100 \
        --rounds=100 --warmup=20 --reps=1 --timeout="$t"
    done
    cg_run "$(prog wakeup "$impl")" --impl="$impl" --rounds=2000 --warmup=200 \
      --reps=1
  done
fi
echo
echo "run time: $(( $(date +%s) - start )) s"

xs_log "results (every RESULT line is in $out)"
{
  echo
  echo "# tables"
  awk -f "$here/report.awk" "$out" | sed 's/^/# /'
} >>"$out"
awk -f "$here/report.awk" "$out"
