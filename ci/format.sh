#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The format check: every C source and header of the repository (the
# library, tests, examples, bench, fuzz) is exactly what clang-format
# makes of it with the repository's .clang-format.
#
#   ci/format.sh          check; each file that differs is named with the
#                         first lines of its diff
#   ci/format.sh --fix    rewrite the files in place instead
#
# clang-format's output changes between its major versions, so the check
# takes one: Debian 12's (14), the package clang-format. A file that
# differs is fixed with `ci/format.sh --fix` (or clang-format -i with that
# version). The last line is
#   format: N checks, M passed
# or "format: not run (REASON)" when clang-format cannot be installed.
# Exit status: 0 all passed; 1 a file differs; XS_EXIT_NOT_RUN
# (ci/exit-status.sh) not run here (1 when CI=true).
set -uo pipefail
cd "$(dirname "$0")/.."
. ci/lib.sh

fix=0
case "${1:-}" in
  "") ;;
  --fix) fix=1 ;;
  *) echo "usage: ci/format.sh [--fix]" >&2; exit 2 ;;
esac
want_major=14

log() { printf 'format: %s\n' "$*" >&2; }
not_run() { xs_not_run format "$*"; }

xs_need_pkgs clang-format || not_run "clang-format could not be installed"
cf=""
for c in "clang-format-$want_major" clang-format; do
  if command -v "$c" >/dev/null 2>&1; then cf=$c; break; fi
done
[ -n "$cf" ] || not_run "clang-format not found"
major=$("$cf" --version | sed -nE 's/.*version ([0-9]+)\..*/\1/p')
[ "$major" = "$want_major" ] ||
  not_run "$cf is version ${major:-unknown}; the check takes $want_major"

# The files: tracked ones in a git checkout, otherwise every .c/.h below
# the source folders.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.c' '*.h')
else
  mapfile -t files < <(find include src tests examples bench fuzz \
    -name '*.[ch]' -type f | sort)
fi
[ ${#files[@]} -gt 0 ] || { log "no C file found"; echo "format: 0 checks, 0 passed"; exit 1; }

checks=0 passed=0
for f in "${files[@]}"; do
  checks=$((checks + 1))
  if [ "$fix" = 1 ]; then
    "$cf" -i "$f" && passed=$((passed + 1))
    continue
  fi
  if "$cf" "$f" | cmp -s - "$f"; then
    passed=$((passed + 1))
  else
    log "$f differs from $cf's output:"
    "$cf" "$f" | diff -u "$f" - | sed -n '3,14p' >&2
  fi
done
printf 'format: %s checks, %s passed\n' "$checks" "$passed"
[ "$passed" -eq "$checks" ]
