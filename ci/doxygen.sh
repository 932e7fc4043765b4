#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Generates the API reference from include/xsock.h with Doxygen (Debian's
# package) and checks that Doxygen had nothing to warn about: an
# undocumented public name or a malformed comment fails the check.
#
#   ci/doxygen.sh [BUILD_DIR]     (default build/doxygen)
#
# The HTML goes to BUILD_DIR/html, the warnings to BUILD_DIR/warnings.log.
# The last line is
#   doxygen: 1 checks, N passed
# or, when doxygen cannot be installed,
#   doxygen: not run (REASON)
# Exit status: 0 passed; 1 failed; 3 not run here (1 when CI=true, where
# "not run" must fail the job).
set -euo pipefail
cd "$(dirname "$0")/.."
. ci/lib.sh

out=${1:-build/doxygen}

if ! xs_need_pkgs doxygen; then
  printf 'doxygen: not run (%s)\n' "doxygen could not be installed"
  if [ "${CI:-}" = true ]; then exit 1; fi
  exit "$XS_EXIT_NOT_RUN"
fi

# A fresh directory each time, so that an old page or log cannot pass for
# this run's.
rm -rf "$out"
mkdir -p "$out"
rc=0
XSOCK_DOXYGEN_OUT=$out doxygen docs/Doxyfile || rc=$?
# WARN_AS_ERROR makes doxygen fail on a warning; the log is checked too, so
# that a Doxygen that ignored the setting would still be caught.
if [ "$rc" -eq 0 ] && [ ! -s "$out/warnings.log" ] && [ -f "$out/html/xsock_8h.html" ]; then
  printf 'doxygen: API reference in %s/html, no warnings\n' "$out"
  printf 'doxygen: 1 checks, 1 passed\n'
else
  printf 'doxygen: FAILED (exit status %s); warnings:\n' "$rc"
  cat "$out/warnings.log" 2>/dev/null || true
  printf 'doxygen: 1 checks, 0 passed\n'
  exit 1
fi
