#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks that the Meson build (meson.build) compiles what the CMake build
# compiles. CMake globs src/common/*.c and src/<platform>/*.c, so a new
# file there is built at once; Meson names every file, so the same file
# is missing from the Meson build until someone lists it. One check each:
#   common, posix, win32  the files of xsock_<tree>_sources in meson.build
#                         are exactly the files CMake's glob matches in
#                         src/<tree>/*.c: none missing, none extra (such as
#                         a file since removed or renamed), none listed
#                         twice, none listed under another tree
#   version               project(version:) in meson.build is the
#                         XSOCK_VERSION_STRING of include/xsock.h (Meson
#                         checks it too, but only where Meson runs)
#   examples              meson.build's xsock_examples are the
#                         XSOCK_EXAMPLES of examples/CMakeLists.txt
# It reads the files as text (bash, grep, sed): Meson need not be
# installed, and the whole check takes well under a second.
#
#   ci/meson-sources.sh
#
# Each difference is printed on stderr with the file it concerns. The last
# line is
#   meson-sources: N checks, M passed
# Exit status: 0 all passed; 1 a check failed; 2 called with arguments.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=ci/lib.sh
. ci/lib.sh

[ $# -eq 0 ] || { echo "usage: ci/meson-sources.sh" >&2; exit 2; }

log() { printf 'meson-sources: %s\n' "$*" >&2; }
checks=0 passed=0
check() { # ok|fail what
  checks=$((checks + 1))
  if [ "$1" = ok ]; then passed=$((passed + 1)); log "ok: $2"; else log "FAILED: $2"; fi
}

# The quoted strings of one list of meson.build: the lines from the one
# that starts with START up to the first line that is only END.
meson_list() { # start end
  sed -n "/^[[:space:]]*$1\$/,/^[[:space:]]*$2\$/p" meson.build | grep -oE "'[^']+'" | tr -d "'" || true
}

# ---- the source trees ------------------------------------------------------

# The checks below stand in for CMake's globs: if CMakeLists.txt stops
# globbing, they compare against the wrong thing, so say so.
globs_ok=1
# shellcheck disable=SC2016 # the ${...} are CMake's, matched literally.
for pattern in '"${PROJECT_SOURCE_DIR}/src/common/*.c"' \
  '"${PROJECT_SOURCE_DIR}/src/${XSOCK_PLATFORM_DIR}/*.c"'; do
  grep -qF -- "$pattern" CMakeLists.txt || {
    log "CMakeLists.txt no longer globs $pattern: this check must learn its new source lists"
    globs_ok=0
  }
done

shopt -s nullglob
for tree in common posix win32; do
  bad=0
  listed=$(meson_list "xsock_${tree}_sources = files(" ')')
  if [ -z "$listed" ]; then
    log "meson.build has no list xsock_${tree}_sources = files( ... ) with one quoted path per line"
    check fail "$tree: meson.build lists src/$tree/*.c"
    continue
  fi
  globbed=$(for f in src/"$tree"/*.c; do printf '%s\n' "$f"; done | LC_ALL=C sort)
  while read -r f; do
    case $f in
      src/"$tree"/*.c) ;;
      *) log "meson.build: $f is listed in xsock_${tree}_sources, which holds src/$tree/*.c only"; bad=1 ;;
    esac
  done <<<"$listed"
  for f in $(LC_ALL=C sort <<<"$listed" | uniq -d); do
    log "meson.build: $f is listed twice"; bad=1
  done
  for f in $(LC_ALL=C comm -23 <(printf '%s\n' "$globbed") <(LC_ALL=C sort -u <<<"$listed")); do
    log "$f is compiled by CMake (src/$tree/*.c) but not listed in meson.build's xsock_${tree}_sources"
    bad=1
  done
  for f in $(LC_ALL=C comm -13 <(printf '%s\n' "$globbed") <(LC_ALL=C sort -u <<<"$listed")); do
    case $f in src/"$tree"/*.c) ;; *) continue ;; esac
    log "meson.build lists $f, which does not exist (CMake's src/$tree/*.c does not match it)"
    bad=1
  done
  if [ "$bad" -eq 0 ] && [ "$globs_ok" -eq 1 ]; then
    check ok "$tree: meson.build lists the $(wc -l <<<"$globbed") files of src/$tree/*.c"
  else
    check fail "$tree: meson.build lists exactly src/$tree/*.c"
  fi
done
shopt -u nullglob

# ---- the version -------------------------------------------------------------

header_version=$(sed -nE 's/^#define XSOCK_VERSION_STRING "([^"]+)"$/\1/p' include/xsock.h)
meson_version=$(sed -nE "s/^[[:space:]]*version:[[:space:]]*'([^']+)'.*/\1/p" meson.build | head -n 1)
if [ -n "$header_version" ] && [ "$header_version" = "$meson_version" ]; then
  check ok "version: meson.build and include/xsock.h both say $header_version"
else
  log "meson.build's project(version: '${meson_version:-?}') is not include/xsock.h's XSOCK_VERSION_STRING \"${header_version:-?}\""
  check fail "version: meson.build's project() version is XSOCK_VERSION_STRING"
fi

# ---- the examples ------------------------------------------------------------

cmake_examples=$(sed -n '/set(XSOCK_EXAMPLES/,/)/p' examples/CMakeLists.txt |
  sed -e 's/.*set(XSOCK_EXAMPLES//' -e 's/).*//' | tr -s '[:space:]' '\n' | grep -v '^$' | LC_ALL=C sort -u || true)
meson_examples=$(meson_list 'xsock_examples = \[' '\]' | LC_ALL=C sort -u)
if [ -z "$cmake_examples" ]; then
  log "examples/CMakeLists.txt has no set(XSOCK_EXAMPLES ...)"
  check fail "examples: meson.build builds the examples CMake builds"
elif [ "$cmake_examples" = "$meson_examples" ]; then
  check ok "examples: meson.build builds the $(wc -l <<<"$cmake_examples") examples CMake builds"
else
  for e in $(LC_ALL=C comm -23 <(printf '%s\n' "$cmake_examples") <(printf '%s\n' "$meson_examples")); do
    log "examples/$e.c is in XSOCK_EXAMPLES (examples/CMakeLists.txt) but not in meson.build's xsock_examples"
  done
  for e in $(LC_ALL=C comm -13 <(printf '%s\n' "$cmake_examples") <(printf '%s\n' "$meson_examples")); do
    log "$e is in meson.build's xsock_examples but not in XSOCK_EXAMPLES (examples/CMakeLists.txt)"
  done
  check fail "examples: meson.build builds the examples CMake builds"
fi

printf 'meson-sources: %s checks, %s passed\n' "$checks" "$passed"
[ "$passed" -eq "$checks" ]
