#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One libFuzzer leg: builds the fuzz targets (clang, -DXSOCK_BUILD_FUZZ=ON)
# in BUILD_DIR, replays every input of the target's seed corpus
# fuzz/corpus/<name>/ (if it has one), then fuzzes for SECONDS, starting
# from that corpus. New inputs go to BUILD_DIR/corpus/<name>, never into
# the repository. A finding (a crash, a leak, a timeout) fails the leg and
# leaves the input in BUILD_DIR/artifacts.
#
#   ci/fuzz.sh BUILD_DIR TARGET SECONDS     e.g. ci/fuzz.sh build/fuzz fuzz_selector 60
#
# Extra CMake arguments for the build come from XSOCK_FUZZ_CMAKE_ARGS (the
# kqueue leg points the build at libkqueue that way).
#
# The last line says how many inputs ran: "fuzz: TARGET: N inputs".
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=$1 target=$2 seconds=$3
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
jobs=${XSOCK_CI_JOBS:-2}

cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DXSOCK_BUILD_FUZZ=ON -DXSOCK_BUILD_TESTS=OFF -DXSOCK_BUILD_EXAMPLES=OFF \
  -DXSOCK_BUILD_BENCH=OFF ${XSOCK_FUZZ_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j"$jobs" --target "$target"

bin=$build/fuzz/$target
name=${target#fuzz_}
seeds=$repo/fuzz/corpus/$name
work=$build/corpus/$name
mkdir -p "$work" "$build/artifacts"
# -timeout: an input that runs for 10 s is a hang (a lost wakeup, say).
opts=(-timeout=10 -artifact_prefix="$build/artifacts/$name-" -print_final_stats=1)
if [ -d "$seeds" ]; then
  echo "fuzz: $target: replaying $(find "$seeds" -type f | wc -l) seed inputs"
  "$bin" "${opts[@]}" -runs=0 "$seeds"
  dirs=("$work" "$seeds")
else
  dirs=("$work")
fi
"$bin" "${opts[@]}" -max_total_time="$seconds" "${dirs[@]}" 2>&1 | tee "$build/$target.log" |
  grep -E '^(#[0-9]+ +(INITED|DONE)|stat::|==|SUMMARY|fuzz_)' || true
status=${PIPESTATUS[0]}
runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$build/$target.log" | grep -o '[0-9]*$' | tail -n 1)
echo "fuzz: $target: ${runs:-0} inputs"
exit "$status"
