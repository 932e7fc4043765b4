#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Portability hygiene that this machine can check for compilers it does not
# have (MSVC) and standards the library promises (C99):
#   - every file of src/common and src/win32 compiles with clang for
#     x86_64-w64-windows-gnu in strict ISO C99 (-std=c99 -pedantic -Werror,
#     with the project's warnings), against Debian's MinGW-w64 headers, as
#     shipped and as built for the tests (XSOCK_TEST_HOOKS): a GNU-only
#     construct there would break MSVC;
#   - the public header compiles alone in strict C99, for Windows and for
#     this machine, and so does include/xsock/frame.h (and in C++);
#   - no C11 feature (atomics, threads, _Static_assert, _Generic, ...) in
#     the public header or in the C examples of README.md and docs/*.md.
#
#   ci/portability.sh
#
# The last line is
#   portability: N checks, M passed
# or, when clang or the MinGW-w64 headers cannot be installed,
#   portability: not run (REASON)
# Exit status: 0 all passed; 1 a check failed; 3 not run here (1 when
# CI=true, where "not run" must fail the job).
set -euo pipefail
cd "$(dirname "$0")/.."
. ci/lib.sh

checks=0 passed=0
log() { printf 'portability: %s\n' "$*" >&2; }
check() { # ok|fail what
  checks=$((checks + 1))
  if [ "$1" = ok ]; then passed=$((passed + 1)); else log "FAILED: $2"; fi
}
not_run() { xs_not_run portability "$*"; }

xs_need_pkgs clang mingw-w64-x86-64-dev || not_run "clang or mingw-w64-x86-64-dev could not be installed"
command -v clang >/dev/null 2>&1 || not_run "clang not found"
# The include directory of the package's headers, found through the
# package's own file list.
mingw_inc=$(dpkg -L mingw-w64-x86-64-dev | grep -E '/include/winsock2\.h$' | head -n 1)
mingw_inc=${mingw_inc%/winsock2.h}
[ -n "$mingw_inc" ] || not_run "mingw-w64-x86-64-dev has no winsock2.h"

# The warnings of cmake/XsockWarnings.cmake, in strict C99.
strict=(-std=c99 -pedantic -Werror -Wall -Wextra -Wshadow -Wstrict-prototypes
        -Wmissing-prototypes -Wpointer-arith -Wformat=2 -Wundef -fsyntax-only)
win=(clang --target=x86_64-w64-windows-gnu -isystem "$mingw_inc")

for mode in shipped hooks; do
  defs=(-DXSOCK_BUILDING)
  [ "$mode" = hooks ] && defs+=(-DXSOCK_TEST_HOOKS)
  for f in src/common/*.c src/win32/*.c; do
    if "${win[@]}" "${strict[@]}" "${defs[@]}" -Iinclude -Isrc/common -Isrc/win32 "$f" >&2; then
      check ok "$f ($mode)"
    else
      check fail "$f: clang --target=x86_64-w64-windows-gnu -std=c99 -pedantic ($mode)"
    fi
  done
done

hdr_test='#include <xsock.h>
int main(void) { return xsock_version() == 0; }'
if "${win[@]}" "${strict[@]}" -Iinclude -xc - <<<"$hdr_test" >&2; then
  check ok "include/xsock.h, C99, Windows"
else
  check fail "include/xsock.h alone in strict C99 for Windows"
fi
if clang "${strict[@]}" -Iinclude -xc - <<<"$hdr_test" >&2; then
  check ok "include/xsock.h, C99, native"
else
  check fail "include/xsock.h alone in strict C99 on this machine"
fi
# The framing header alone, without -Iinclude (it finds xsock.h itself),
# first of the two in a C++ unit too, where its extern "C" must hold.
frame_test='#include "xsock/frame.h"
int main(void) { return xsock_frame_bufsize(XSOCK_FRAME_LEN8, 1) == 0 && xsock_version() == 0; }'
if clang "${strict[@]}" -I include -xc - <<<"$frame_test" >&2 &&
   clang++ -std=c++11 -Wall -Wextra -Werror -fsyntax-only -I include -xc++ - <<<"$frame_test" >&2; then
  check ok "include/xsock/frame.h alone, C99 and C++"
else
  check fail "include/xsock/frame.h alone in strict C99 and in C++"
fi

# C11 and later, by name: what a C99 compiler would not know.
c11='stdatomic\.h|_Atomic|atomic_(load|store|fetch|exchange|compare|flag|init|thread_fence)|threads\.h|thrd_|mtx_|_Static_assert|static_assert|_Generic|_Noreturn|_Alignas|_Alignof|_Thread_local|aligned_alloc|quick_exit'
if grep -nE "$c11" include/xsock.h include/xsock/*.h >&2; then
  check fail "a public header uses a post-C99 feature"
else
  check ok "the public headers: no post-C99 feature"
fi
for md in README.md docs/*.md; do
  # Only the C code blocks (```c ... ```) are examples.
  if awk '/^[[:space:]]*```c[[:space:]]*$/ { c = 1; next } /^[[:space:]]*```/ { c = 0 } c' "$md" |
     grep -nE "$c11" >&2; then
    check fail "$md: a C example uses a post-C99 feature"
  else
    check ok "$md: C examples are C99"
  fi
done

printf 'portability: %s checks, %s passed\n' "$checks" "$passed"
[ "$passed" -eq "$checks" ]
