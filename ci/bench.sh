#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The benchmarks of bench/SPEC.md with the peer libraries, in one command
# (Debian; installs what it needs through ci/lib.sh's xs_need_pkgs):
#
#   ci/bench.sh [--docs] [--build-dir=DIR]
#   ci/bench.sh --quick [--build-dir=DIR | --bin=DIR]
#
# Full (a few minutes): the libev, libevent and libuv development
# packages, valgrind and gnuplot are installed; bench/run.sh builds every
# program (the peers' binaries included, see bench/peers.cmake) and runs
# the matrix (W1 to W5) for every impl: raw epoll/poll/select, xsock on
# every backend compiled in, libev, libevent and libuv, then the callgrind
# runs. Then one
# table: each impl's ratio to raw epoll in the same run, with the
# callgrind instruction counts at the SPEC's sizes; it is printed, written
# as Markdown to DIR/bench-table.md (--docs also puts it in
# docs/benchmarks.md, between the markers around the table there), and
# drawn into docs/bench.png. To stay in 5 minutes on a 2-core machine the timed
# matrix has only the parameter sets of the table, each run shorter than
# the SPEC's (bench/run.sh --summary: 3 repetitions, 100 W1 and W4 rounds,
# 4000 W2 and 2000 W5 round trips), and is run 3 times (--passes=3): a cell is the median
# of the 3 passes, a ratio the median of the 3 per-pass ratios, so that a
# burst of load from elsewhere moves one pass, not the table. The callgrind
# runs are the SPEC's.
#
# --quick (seconds): bench/run.sh --smoke, every program and impl once at
# a tiny size, and checks only that each printed a valid RESULT line (and
# that W1's generator gives the SPEC's first targets in every binary),
# never a speed. --bin=DIR (quick only) runs the programs already built in
# DIR instead of building (ci/test.sh passes its native build's bench/).
# It prints "bench-quick: N checks, M passed", which
# ci/test.sh counts, and "bench-quick: not run (...)" when a peer family
# has no binaries.
#
# A peer family that cannot be installed or was not built is a failure
# under CI=true; elsewhere the run goes on without it and says so.
set -uo pipefail
cd "$(dirname "$0")/.."
. ci/lib.sh

quick=0
docs=0
build=""
bin=""
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --docs) docs=1 ;;
    --build-dir=*) build=${arg#--build-dir=} ;;
    --bin=*) bin=${arg#--bin=} ;;
    *) echo "usage: $0 [--docs] [--quick] [--build-dir=DIR] [--bin=DIR]" >&2; exit 2 ;;
  esac
done
peers=(libev libevent libuv)
ci=${CI:-}

# Says that something the run needs is missing: the end of the run under
# CI=true, a warning elsewhere.
missing() { # what
  if [ "$ci" = true ]; then
    echo "CI=true: $1: failing" >&2
    [ "$quick" = 1 ] && echo "bench-quick: not run ($1)"
    exit 1
  fi
  echo "WARNING: $1; going on without it" >&2
}

pkgs=(cmake make gcc libc6-dev libev-dev libevent-dev libuv1-dev)
[ "$quick" = 1 ] || pkgs+=(valgrind gnuplot-nox)
if ! xs_need_pkgs "${pkgs[@]}"; then
  if [ "$quick" = 1 ] && ! xs_have_pkgs cmake gcc libc6-dev; then
    echo "bench-quick: not run (could not install cmake/gcc)"
    [ "$ci" = true ] && exit 1
    exit "$XS_EXIT_NOT_RUN"
  fi
  missing "could not install all of ${pkgs[*]}"
fi

if [ "$quick" = 1 ]; then
  where=(--build-dir="${build:-build/bench-smoke}")
  out="${build:-build/bench-smoke}/smoke.txt"
  if [ -n "$bin" ]; then where=(--bin="$bin"); out="$bin/smoke.txt"; fi
  mkdir -p "$(dirname "$out")"
  bash bench/run.sh --smoke "${where[@]}" --out="$out" || {
    echo "bench-quick: 1 checks, 0 passed (bench/run.sh --smoke failed)"; exit 1; }
  # Each EXPECT line must be followed by what that run prints: a RESULT
  # line of its workload and impl, whose lib= names what was measured and
  # whose fields are all name=value with the workload's metric a positive
  # number; or W1's first five targets. And each peer family must be there.
  awk -v peers="${peers[*]}" -v ci="$ci" '
    function fail(why) { printf "FAILED: %s: %s\n", pend, why; }
    function check(line,    n, t, i, f, eq, lib, metric) {
      if (w == "targets")
        return line == "TARGETS impl=" im " 465 242 582 627 205" ? "" : "wrong targets: " line
      if (line !~ /^RESULT /)
        return "no RESULT line"
      n = split(line, t, " ")
      split("", f)
      for (i = 2; i <= n; i++) {
        eq = index(t[i], "=")
        if (eq < 2 || eq == length(t[i])) return "not name=value: " t[i]
        f[substr(t[i], 1, eq - 1)] = substr(t[i], eq + 1)
      }
      if (f["workload"] != w || f["impl"] != im) return "workload or impl differs: " line
      lib = f["lib"]
      if (im ~ /^lib(ev|event|uv)$/) { if (index(lib, im "-") != 1 || substr(lib, length(im) + 2) !~ /^[0-9]/) return "lib= " lib }
      else if (im ~ /^xsock-/) { if (lib !~ /^xsock-[0-9]/) return "lib= " lib }
      else if (lib !~ /^[a-z]+-./) return "lib= " lib
      metric = w == "sockpairs" || w == "serverwait" ? "ns_per_event" : w == "pingpong" ? "ns_per_rt" : w == "idle" ? "ns_per_call" : w == "wakeup" ? "rt_ns" : "getppid_ns"
      if (f[metric] !~ /^[0-9]+(\.[0-9]+)?$/ || f[metric] + 0 <= 0) return metric "=" f[metric]
      return ""
    }
    function close_exp(line,    why) {
      if (pend == "") return
      why = check(line)
      if (why == "") passed++; else fail(why)
      pend = ""
    }
    /^EXPECT / {
      close_exp("")
      pend = $0; split($2, a, "="); w = a[2]; split($3, b, "="); im = b[2]
      total++; seen[im] = 1; next
    }
    { close_exp($0) }
    END {
      close_exp("")
      np = split(peers, p, " ")
      for (i = 1; i <= np; i++)
        if (!(p[i] in seen))
          absent = absent " " p[i]
      printf "bench-quick: %d checks, %d passed\n", total, passed + 0
      if (absent != "") {
        printf "bench-quick: not run (no binaries for%s: see bench/peers.cmake)\n", absent
        exit 3 # XS_EXIT_NOT_RUN, by number: awk has no shell variables
      }
      exit !(total > 0 && passed == total)
    }' "$out"
  rc=$?
  # A missing peer family is a failure under CI=true (ci/test.sh counts
  # the "not run" line as one there too).
  [ "$rc" = "$XS_EXIT_NOT_RUN" ] && [ "$ci" = true ] && exit 1
  exit "$rc"
fi

# The parameter sets of the table, at 3 repetitions (see the top).
build=${build:-build/bench}
passes=${XSOCK_BENCH_PASSES:-3}
load0=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
start=$(date +%s)
bash bench/run.sh --build-dir="$build" --out="$build/results.txt" --summary \
  --passes="$passes" || exit 1
for p in "${peers[@]}"; do
  grep -q "^RESULT .* impl=$p " "$build/results.txt" || missing "no $p results (package or binaries missing)"
done
took=$(( $(date +%s) - start ))
load1=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
echo "bench: matrix and callgrind took $took s"

# The table, then what the run was: the machine, its load (other work on
# the machine moves the times, never the instruction counts), the passes.
table="$build/bench-table.md"
{
  awk -v summary=md -f bench/report.awk "$build/results.txt"
  echo
  echo "$(date -u +%Y-%m-%d), $(uname -sr), $(nproc) CPUs, $(cc --version | head -n 1);" \
    "\`bench/run.sh --summary --passes=$passes\` and the callgrind runs in $took s;" \
    "load average $load0 before, $load1 after."
} >"$table"
xs_log "summary (x: median time over raw epoll's in the same run; after the comma: callgrind Ir per event, fd, round trip or call)"
cat "$table"
echo "(Markdown in $table)"
if [ "$docs" = 1 ]; then
  # The lines between the two markers of docs/benchmarks.md become the
  # table; the markers stay.
  awk -v table="$table" '
    /^<!-- to here -->$/ { skip = 0 }
    !skip { print }
    /^<!-- ci\/bench.sh --docs replaces from here -->$/ {
      while ((getline line < table) > 0) print line
      skip = 1; found = 1
    }
    END { exit !found }' docs/benchmarks.md >"$build/benchmarks.md" &&
    mv "$build/benchmarks.md" docs/benchmarks.md &&
    echo "docs/benchmarks.md: table replaced" ||
    { echo "docs/benchmarks.md: no table markers" >&2; exit 1; }
fi

if command -v gnuplot >/dev/null 2>&1; then
  awk -v summary=dat -v class=epoll -f bench/report.awk "$build/results.txt" >"$build/bench-top.dat"
  awk -v summary=dat -v class=scan -f bench/report.awk "$build/results.txt" >"$build/bench-bottom.dat"
  gnuplot -e "top='$build/bench-top.dat'; bottom='$build/bench-bottom.dat'; out='docs/bench.png'; subtitle='$(uname -sr), $(nproc) CPUs, $(date -u +%Y-%m-%d)'" \
    bench/plot.gp && echo "docs/bench.png written"
else
  missing "no gnuplot: docs/bench.png not drawn"
fi
