#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The drop-in leg: generates the two-file drop-in (cmake/amalgamate.cmake)
# in the build directory and proves it the way a user takes it in.
#   - xsock.c compiles standalone, with no -D flag and no include path,
#     under -std=c99 -Wall -Wextra -Werror (and once more at -O2, which
#     finds what -O0 cannot) with gcc, clang and x86_64-w64-mingw32-gcc;
#   - each object exports the xsock_* API and nothing else: no xsock__
#     name, no other global (nm);
#   - the whole native suite runs against it, built with gcc and with clang
#     (XSOCK_DROPIN_DIR builds the library from xsock.c; the tests are
#     unchanged), and so does the
#     Windows suite, cross-built with MinGW and run under Wine; only the
#     checks that build src/ itself again are left out (see from_src).
#
#   ci/dropin.sh [BUILD_DIR]      (default: build-dropin in the repository)
#
# Each compile and nm check counts as one check, and so does each ctest
# test (counted as the cross legs count them, ci/ctest-count.sh: a test
# that exits 0 without showing that it ran is not a pass). The last line is
#   dropin: N checks, M passed
# or, when the tools cannot be installed,
#   dropin: not run (REASON)
# Exit status: 0 all passed; 1 a failure; 3 not run here (1 when CI=true,
# where "not run" must fail the job).
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/ci/lib.sh"

build=${1:-$repo/build-dropin}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
ctest_timeout=${XSOCK_DROPIN_CTEST_TIMEOUT:-900}
dropin="$build/dropin"
nchecks=0 npassed=0

log() { printf 'dropin: %s\n' "$*" >&2; }
not_run() { xs_not_run dropin "$*"; }
fail() { # a step that leaves nothing to count: the leg ends here
  log "FAILED: $*"
  printf 'dropin: %s checks, %s passed\n' "$((nchecks + 1))" "$npassed"
  exit 1
}
check() { # ok|fail what
  nchecks=$((nchecks + 1))
  if [ "$1" = ok ]; then npassed=$((npassed + 1)); else log "FAILED: $2"; fi
}

# libc6-dev is only a recommendation of gcc; the MinGW nm comes with its
# binutils; the wine package holds the command that runs wine64's loader.
xs_need_pkgs cmake make gcc libc6-dev clang libcmocka-dev gcc-mingw-w64-x86-64 \
  binutils-mingw-w64-x86-64 wine wine64 >&2 ||
  not_run "cmake, gcc, clang, libcmocka-dev, MinGW-w64 or Wine could not be installed"
for tool in cmake ctest gcc clang x86_64-w64-mingw32-gcc x86_64-w64-mingw32-nm nm timeout; do
  command -v "$tool" >/dev/null 2>&1 || not_run "$tool not found"
done
. "$repo/ci/wine.sh"
xs_wine_find

# ---- generate ---------------------------------------------------------------

rm -rf "$dropin" "$build/objects"
mkdir -p "$build/objects"
cmake -DOUT="$dropin" -P "$repo/cmake/amalgamate.cmake" >&2 || fail "cmake/amalgamate.cmake"
[ -f "$dropin/xsock.c" ] && [ -f "$dropin/xsock.h" ] || fail "the drop-in has not two files"

# ---- standalone compiles, and what each object exports ---------------------

# Prints the names an object defines for the linker (its exports).
exports() { # nm object
  "$1" -g --defined-only "$2" | awk 'NF >= 3 { print $3 }'
}
for cc in gcc clang x86_64-w64-mingw32-gcc; do
  nm=nm
  [ "$cc" = x86_64-w64-mingw32-gcc ] && nm=x86_64-w64-mingw32-nm
  for opt in "" -O2; do
    obj="$build/objects/$cc$opt.o"
    # The user's command: in the drop-in's folder, nothing else given.
    # shellcheck disable=SC2086
    if (cd "$dropin" && "$cc" -std=c99 $opt -Wall -Wextra -Werror -c xsock.c -o "$obj") >&2; then
      check ok "$cc $opt"
    else
      check fail "$cc -std=c99 $opt -Wall -Wextra -Werror -c xsock.c"
      continue
    fi
    names=$(exports "$nm" "$obj")
    # Every public function is defined (xsock_init stands for them), and
    # nothing outside the xsock_* API is.
    others=$(grep -vE '^xsock_[a-z0-9]' <<<"$names" | tr '\n' ' ')
    if grep -qx xsock_init <<<"$names" && [ -z "$others" ]; then
      check ok "$cc $opt exports"
    else
      check fail "$cc $opt: xsock.c exports more than the xsock_* API:${others:- (no xsock_init)}"
    fi
  done
done
log "standalone compiles and exports: $npassed of $nchecks checks passed"

# ---- the test suites against the drop-in ------------------------------------

. "$repo/ci/ctest-count.sh"

# Configures and builds the suites in dir from the drop-in, then checks
# that the library built is the drop-in's: it has no xsock__ export.
build_suites() { # dir nm cmake-args...
  local dir=$1 nm=$2; shift 2
  cmake -S "$repo" -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DXSOCK_WERROR=ON \
    -DXSOCK_DROPIN_DIR="$dropin" -DXSOCK_BUILD_EXAMPLES=OFF -DXSOCK_BUILD_BENCH=OFF \
    "$@" >&2 || return 1
  cmake --build "$dir" -j2 >&2 || return 1
  local lib
  lib=$(find "$dir" -maxdepth 1 -name 'libxsock.a' | head -n 1)
  [ -n "$lib" ] || { log "no libxsock.a in $dir"; return 1; }
  if exports "$nm" "$lib" | grep -q '^xsock__'; then
    log "$lib exports xsock__ names: it was not built from the drop-in"
    return 1
  fi
}

run_ctest() { # dir log ctest-args...
  (cd "$1" && timeout --kill-after=30 "$ctest_timeout" ctest "${@:3}" --output-on-failure) >"$2" 2>&1
  ctest_rc=$?
  cat "$2" >&2
}

# Adds one counted ctest run (count_run's total and passed) to the checks.
add_run() { # dir log label
  count_run "$1" "$2" "$ctest_rc" "$3"
  log "$3: $total tests, $passed passed"
  nchecks=$((nchecks + total)) npassed=$((npassed + passed))
}

# The checks that build the library anew from src/ (bare_build, single_tu:
# one compiler command; vendor: a parent project) test src/, never the
# drop-in, and the other legs run them: they are left out here.
from_src='^(bare_build|single_tu|vendor)$'

# Native, with gcc and with clang: the tests link the static library built
# from xsock.c, so selector_alloc's ld --wrap of malloc reaches the
# drop-in's calls too.
for cc in gcc clang; do
  native="$build/native-$cc"
  if build_suites "$native" nm -DCMAKE_C_COMPILER="$cc"; then
    run_ctest "$native" "$build/native-$cc-ctest.log" -j2 -E "$from_src"
    add_run "$native" "$build/native-$cc-ctest.log" "native $cc"
  else
    check fail "the native $cc build against the drop-in"
  fi
done

# Windows: MinGW-w64 cross build of the same (the third compiler), every test under Wine
# (CMocka is built from its source, as in ci/windows.sh). Serial ctest, as
# in that leg.
cmocka=${XSOCK_CMOCKA_SOURCE_DIR:-}
if [ -z "$cmocka" ]; then
  cmocka=$("$repo/ci/cmocka-source.sh") || not_run "could not obtain CMocka's source"
fi
[ -f "$cmocka/src/cmocka.c" ] || not_run "no src/cmocka.c in $cmocka"
mingw="$build/mingw"
if build_suites "$mingw" x86_64-w64-mingw32-nm \
  -DCMAKE_TOOLCHAIN_FILE="$repo/cmake/toolchains/mingw-w64-x86_64.cmake" \
  -DXSOCK_CMOCKA_SOURCE_DIR="$cmocka"; then
  trap xs_wine_stop EXIT
  trap 'xs_wine_stop; exit 1' INT TERM
  xs_wine_start "$mingw"
  run_ctest "$mingw" "$build/wine-ctest.log" -E "$from_src"
  xs_wine_stop
  add_run "$mingw" "$build/wine-ctest.log" wine
else
  check fail "the MinGW build against the drop-in"
fi

printf 'dropin: %s checks, %s passed\n' "$nchecks" "$npassed"
[ "$nchecks" -gt 0 ] && [ "$npassed" -eq "$nchecks" ]
