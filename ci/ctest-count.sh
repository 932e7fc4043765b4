# SPDX-License-Identifier: MIT
# Sourced by the cross legs (ci/windows.sh, ci/qemu.sh; POSIX sh): counts
# the Debug and Release ctest runs of one leg. The sourcing script defines
# log (a message to stderr), fail (exit 1 with a message) and
# ctest_timeout.

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
