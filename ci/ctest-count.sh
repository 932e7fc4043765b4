# SPDX-License-Identifier: MIT
# Sourced by the cross legs (ci/windows.sh, ci/qemu.sh, ci/musl.sh; POSIX
# sh) and by ci/test.sh: counts the Debug and Release ctest runs of one
# leg, and for the legs that only run ctest, runs them too. The sourcing
# script defines log (a message to stderr), fail (exit 1 with a message)
# and ctest_timeout, and for run_debug_release leg and jobs.

# Reads one ctest run: sets total and passed. Every test that CTest counted
# as passed must have shown that it ran: CMocka's own summary, or for the
# checks that are not CMocka suites (tests/bare) the backend mask or the
# layout verdict they print, and for the example tests (tests/examples)
# the driver's verdict "driver: <example> passed", and for the soak tests
# (tests/soak) "soak: passed", and for the vendoring check (tests/vendor,
# native builds only) its program's "vendored xsock VERSION works". So a
# program which
# exits 0 without running (a 32-bit .exe under a 64-bit Wine, a missing
# DLL, a binary for the wrong machine) is never counted as tested.
count_run() { # dir log ctest-exit label
  summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$2" | tail -1 || true)
  if [ -z "$summary" ]; then
    [ "$3" -eq 124 ] && fail "ctest ($4) exceeded ${ctest_timeout}s"
    fail "no ctest summary ($4, ctest exit $3)"
  fi
  failed=$(printf '%s\n' "$summary" | sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/')
  total=$(printf '%s\n' "$summary" | sed -E 's/.* failed out of ([0-9]+).*/\1/')
  passed=$((total - failed))
  last="$1/Testing/Temporary/LastTest.log"
  silent=0
  if [ -f "$last" ]; then
    silent=$(awk '
      /^[0-9]+\/[0-9]+ Test: / { name = $3; seen = 0; next }
      /\[  PASSED  \]|\[  FAILED  \]|backend mask 0x[0-9a-f]+:|source layout: ok|^driver: [a-z_]+ passed|^soak: passed|^vendored xsock [0-9.]+ works/ { seen = 1 }
      /^Test Passed\./ { if (!seen) { print name > "/dev/stderr"; n++ } }
      END { print n + 0 }
    ' "$last")
  else
    silent=$total
  fi
  if [ "$silent" -ne 0 ]; then
    log "$silent test(s) of the $4 build exited 0 without showing that they ran (not counted as passed)"
    passed=$((passed - silent))
  fi
}

# Both runs of a leg: sets total and passed to their sums.
count_debug_release() { # debug-dir debug-log debug-exit release-dir release-log release-exit
  count_run "$1" "$2" "$3" Debug
  dtotal=$total dpassed=$passed
  count_run "$4" "$5" "$6" Release
  log "Debug: $dtotal tests, $dpassed passed; Release: $total tests, $passed passed"
  total=$((dtotal + total))
  passed=$((dpassed + passed))
}

# Runs ctest (jobs at a time, under timeout(1)) in a leg's Debug build and
# its Release build, each into a log of its own, counts both, prints the
# leg's closing line "LEG: N tests, M passed" and exits: 0 when both runs
# passed every test.
run_debug_release() { # debug-dir release-dir
  run_rc=0
  (cd "$1" && timeout --kill-after=30 "$ctest_timeout" ctest -j"$jobs" --output-on-failure) \
    >"$1/$leg-ctest.log" 2>&1 || run_rc=$?
  cat "$1/$leg-ctest.log" >&2
  run_rrc=0
  (cd "$2" && timeout --kill-after=30 "$ctest_timeout" ctest -j"$jobs" --output-on-failure) \
    >"$1/$leg-ctest-release.log" 2>&1 || run_rrc=$?
  cat "$1/$leg-ctest-release.log" >&2
  count_debug_release "$1" "$1/$leg-ctest.log" "$run_rc" "$2" "$1/$leg-ctest-release.log" "$run_rrc"
  printf '%s: %s tests, %s passed\n' "$leg" "$total" "$passed"
  if [ "$run_rc" -ne 0 ] || [ "$run_rrc" -ne 0 ] || [ "$passed" -ne "$total" ]; then
    exit 1
  fi
  exit 0
}
