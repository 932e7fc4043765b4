#!/bin/sh
# SPDX-License-Identifier: MIT
# The Windows twin of bench/run.sh, for W3 (idle), W1 (sockpairs,
# persist), W2 (pingpong), W4 (serverwait) and W5 (wakeup):
# cross-compiles them with MinGW-w64 (-O2 -g, like the SPEC's builds),
# runs them under Wine for every impl of the Windows build (raw wsapoll,
# select and afd, and xsock on each backend), W3 at several sizes, and
# prints tables with each impl's ratio to raw WSAPoll of the same run,
# then one that sets xsock-afd beside raw afd, its own technique driven
# directly.
#
#   bench/run-wine.sh [--quick] [--build-dir=DIR] [--out=FILE]
#
# --quick: 3 repetitions instead of 5. The build goes to DIR (default
# build/bench-mingw in the repository); every RESULT line and the table go
# to FILE (default DIR/results.txt).
#
# Times under Wine are Wine's (each Winsock call goes through wineserver),
# not Windows': compare only the ratios, and only within one run.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
. "$repo/ci/exit-status.sh"
build="$repo/build/bench-mingw"
out=""
reps=5
for arg in "$@"; do
  case "$arg" in
    --quick) reps=3 ;;
    --build-dir=*) build=${arg#--build-dir=} ;;
    --out=*) out=${arg#--out=} ;;
    *) echo "usage: $0 [--quick] [--build-dir=DIR] [--out=FILE]" >&2
       exit 2 ;;
  esac
done
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
[ -n "$out" ] || out="$build/results.txt"

not_run() { echo "run-wine: cannot run: $*" >&2; exit "$XS_EXIT_NOT_RUN"; }
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || not_run "no MinGW-w64 gcc"
. "$repo/ci/wine.sh"
xs_wine_find

echo "run-wine: building into $build" >&2
cmake -S "$repo" -B "$build" \
  -DCMAKE_TOOLCHAIN_FILE="$repo/cmake/toolchains/mingw-w64-x86_64.cmake" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g" \
  -DXSOCK_BUILD_TESTS=OFF -DXSOCK_BUILD_EXAMPLES=OFF \
  -DXSOCK_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j2 --target bench_idle bench_sockpairs bench_pingpong \
  bench_wakeup >/dev/null
exe="$build/bench/bench_idle.exe"
w1exe="$build/bench/bench_sockpairs.exe"
w2exe="$build/bench/bench_pingpong.exe"
w5exe="$build/bench/bench_wakeup.exe"

xs_wine_start "$build"
trap 'xs_wine_stop' EXIT
mkdir -p "$(dirname "$out")"
: >"$out"
impls=$("$wine" "$exe" --list-impls </dev/null | tr -d '\r')

echo "run-wine: W3 idle" >&2
for n in 10 100 1000 4000; do
  for impl in $impls; do
    line=$(timeout 600 "$wine" "$exe" --impl="$impl" --n="$n" \
             --reps="$reps" </dev/null | tr -d '\r' | grep '^RESULT ') ||
      { echo "FAILED: $impl n=$n" >&2; exit 1; }
    echo "$line" >>"$out"
    printf '.' >&2
  done
done
echo >&2

# W1 persist at N=1000 (100 active per round), fewer rounds than the
# SPEC's 400: Wine makes every socket call a trip to its server.
echo "run-wine: W1 sockpairs persist, n=1000" >&2
for impl in $impls; do
  line=$(timeout 900 "$wine" "$w1exe" --impl="$impl" --n=1000 --active=100 \
           --rounds=100 --warmup=10 --reps="$reps" </dev/null | tr -d '\r' |
           grep '^RESULT ') || { echo "FAILED: W1 $impl" >&2; exit 1; }
  echo "$line" >>"$out"
  printf '.' >&2
done
echo >&2

# W2: 2000 round trips per repetition (the SPEC's 20000 would take long
# under Wine), one connection in one process, 100 in one process, and one
# to an echo server in a second process.
# W4: W1's rounds with every wait bounded by 1000 ms (never reached: the
# events are pending), the way a server with a timer waits.
echo "run-wine: W4 serverwait, n=1000" >&2
for impl in $impls; do
  line=$(timeout 900 "$wine" "$w1exe" --impl="$impl" --n=1000 --active=100 \
           --rounds=100 --warmup=10 --reps="$reps" --timeout=1000 </dev/null |
           tr -d '\r' | grep '^RESULT ') || { echo "FAILED: W4 $impl" >&2; exit 1; }
  echo "$line" >>"$out"
  printf '.' >&2
done
echo >&2

echo "run-wine: W2 pingpong" >&2
for cfg in "1proc 1" "1proc 100" "2proc 1"; do
  set -- $cfg
  for impl in $impls; do
    line=$(timeout 900 "$wine" "$w2exe" --impl="$impl" --topo="$1" --conns="$2" \
             --rounds=2000 --reps="$reps" </dev/null | tr -d '\r' |
             grep '^RESULT ') || { echo "FAILED: W2 $impl $cfg" >&2; exit 1; }
    echo "$line" >>"$out"
    printf '.' >&2
  done
done
echo >&2

# W5: 500 round trips per repetition after 50 (the SPEC's 10000 after
# 1000 would take long under Wine). The raw impls wake through a
# loopback socket pair (Windows has no eventfd), xsock's through
# xsock_selector_wakeup(); iocp, a completion port woken by
# PostQueuedCompletionStatus, is the raw baseline of a wakeup alone (it
# watches no socket, so it runs W5 only).
echo "run-wine: W5 wakeup" >&2
for impl in iocp $impls; do
  line=$(timeout 900 "$wine" "$w5exe" --impl="$impl" --rounds=500 --warmup=50 \
           --reps="$reps" </dev/null | tr -d '\r' | grep '^RESULT ') ||
    { echo "FAILED: W5 $impl" >&2; exit 1; }
  echo "$line" >>"$out"
  printf '.' >&2
done
echo >&2

# Prints table $1 and appends it to the results, each line commented.
show_table() {
  { echo; echo "$1" | sed 's/^/# /'; } >>"$out"
  echo "$1"
}

# One row per impl of workload $1's RESULT lines, titled $2, and for each
# further argument KEY=LABEL (an underscore in LABEL is a space) the
# median of KEY and its ratio to raw wsapoll's.
ratio_table() {
  local workload=$1 title=$2
  shift 2
  awk -v w="workload=$workload" -v title="$title" -v cols="$*" '
    BEGIN {
      nc = split(cols, c, " ")
      for (j = 1; j <= nc; j++) {
        split(c[j], kl, "="); key[j] = kl[1]; label[j] = kl[2]
        gsub(/_/, " ", label[j])
      }
    }
    $1 == "RESULT" && $2 == w {
      for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
      order[++ni] = f["impl"]
      for (j = 1; j <= nc; j++) v[f["impl"], j] = f[key[j]]
    }
    END {
      print title
      printf "%-14s", "impl"
      for (j = 1; j <= nc; j++) printf " %14s %9s", label[j], "x wsapoll"
      printf "\n"
      for (i = 1; i <= ni; i++) {
        m = order[i]
        printf "%-14s", m
        for (j = 1; j <= nc; j++)
          printf " %14.0f %9.3f", v[m, j], v[m, j] / v["wsapoll", j]
        printf "\n"
      }
    }' "$out"
}

# One row per impl, one column pair per size: the median ns per wait and
# its ratio to raw wsapoll at the same size (smaller is faster).
table=$(awk '
  /^RESULT workload=idle / {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    key = f["impl"] SUBSEP f["n"]
    ns[key] = f["ns_per_call"]
    if (!(f["impl"] in seen)) { seen[f["impl"]] = 1; order[++ni] = f["impl"] }
    if (!(f["n"] in nseen)) { nseen[f["n"]] = 1; sizes[++nn] = f["n"] }
    lib = (f["impl"] ~ /^xsock-/) ? lib : f["lib"]
  }
  END {
    printf "W3 idle under %s (active socket last), median ns per wait and x wsapoll\n", lib
    printf "%-14s", "impl"
    for (j = 1; j <= nn; j++) printf " %14s %8s", "n=" sizes[j], "x wsapoll"
    printf "\n"
    for (i = 1; i <= ni; i++) {
      printf "%-14s", order[i]
      for (j = 1; j <= nn; j++) {
        v = ns[order[i] SUBSEP sizes[j]]; b = ns["wsapoll" SUBSEP sizes[j]]
        if (v == "") printf " %14s %8s", "-", "-"
        else printf " %14.0f %8.3f", v, (b > 0 ? v / b : 0)
      }
      printf "\n"
    }
  }' "$out")
show_table "$table"

# W1: median ns per event and per registration, and ratios to raw wsapoll.
show_table "$(ratio_table sockpairs \
  "W1 sockpairs persist, n=1000, 100 active: median ns and x wsapoll" \
  ns_per_event=per_event setup_ns_per_fd=setup_per_fd)"

# W4: median ns per event and the ratio to raw wsapoll.
show_table "$(ratio_table serverwait \
  "W4 serverwait (W1 with timeout 1000 ms), n=1000: median ns and x wsapoll" \
  ns_per_event=per_event)"

# W2: median ns per round trip and the ratio to raw wsapoll, per setting.
w2table=$(awk '
  /^RESULT workload=pingpong / {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    c = f["topo"] " C=" f["conns"]
    ns[f["impl"] SUBSEP c] = f["ns_per_rt"]
    if (!(f["impl"] in seen)) { seen[f["impl"]] = 1; order[++ni] = f["impl"] }
    if (!(c in cseen)) { cseen[c] = 1; cfgs[++nc] = c }
  }
  END {
    printf "W2 pingpong, median ns per round trip and x wsapoll\n"
    printf "%-14s", "impl"
    for (j = 1; j <= nc; j++) printf " %14s %9s", cfgs[j], "x wsapoll"
    printf "\n"
    for (i = 1; i <= ni; i++) {
      printf "%-14s", order[i]
      for (j = 1; j <= nc; j++) {
        v = ns[order[i] SUBSEP cfgs[j]]; b = ns["wsapoll" SUBSEP cfgs[j]]
        printf " %14.0f %9.3f", v, (b > 0 ? v / b : 0)
      }
      printf "\n"
    }
  }' "$out")
show_table "$w2table"

# W5: median and 99th-percentile round trip, and ratios to raw wsapoll.
show_table "$(ratio_table wakeup \
  "W5 wakeup, median and p99 ns per round trip and x wsapoll" \
  rt_ns=RT rt_p99_ns=RT_p99)"

# xsock-afd against raw afd (the same technique with no library between),
# one row per measurement: whatever raw afd also pays is Wine's AFD
# emulation, not xsock's. "afd x wsapoll" is what the technique costs
# against WSAPoll under Wine, "x afd" what xsock adds to it.
afdtable=$(awk '
  function put(row, impl, v) {
    if (!(row in rseen)) { rseen[row] = 1; rows[++nr] = row }
    val[row SUBSEP impl] = v
  }
  /^RESULT / {
    delete f
    for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    m = f["impl"]
    if (m != "wsapoll" && m != "afd" && m != "xsock-afd") next
    w = f["workload"]
    if (w == "idle") put("W3 idle n=" f["n"] " /wait", m, f["ns_per_call"])
    if (w == "sockpairs") {
      put("W1 per event", m, f["ns_per_event"])
      put("W1 setup per fd", m, f["setup_ns_per_fd"])
    }
    if (w == "serverwait") put("W4 per event", m, f["ns_per_event"])
    if (w == "pingpong")
      put("W2 " f["topo"] " C=" f["conns"] " /RT", m, f["ns_per_rt"])
    if (w == "wakeup") put("W5 RT", m, f["rt_ns"])
  }
  END {
    printf "xsock-afd against raw afd, median ns (ratios within this run)\n"
    printf "%-22s %11s %11s %11s %9s %13s\n", "measurement", "wsapoll", "afd",
           "xsock-afd", "x afd", "afd x wsapoll"
    for (i = 1; i <= nr; i++) {
      r = rows[i]; w = val[r SUBSEP "wsapoll"]; a = val[r SUBSEP "afd"]
      x = val[r SUBSEP "xsock-afd"]
      printf "%-22s %11.0f %11.0f %11.0f %9.3f %13.3f\n", r, w, a, x,
             (a > 0 ? x / a : 0), (w > 0 ? a / w : 0)
    }
  }' "$out")
show_table "$afdtable"
