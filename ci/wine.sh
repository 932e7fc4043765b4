# SPDX-License-Identifier: MIT
# Sourced by the legs that run tests under Wine (POSIX sh): finds Wine and
# prepares it the way that measured fast and hang-free. The sourcing script
# defines not_run (the leg cannot run here: exit XS_EXIT_NOT_RUN, or 1
# under CI=true; ci/exit-status.sh).
#
#   xs_wine_find          sets wine to the command that runs a program
#   xs_wine_start DIR     a private prefix in DIR/wineprefix, WINEDEBUG=-all,
#                         no mono/gecko, a persistent wineserver (-p) warmed
#                         up by one program started OUTSIDE ctest with its
#                         stdio detached (otherwise Wine's background
#                         services inherit ctest's output pipe and ctest
#                         waits forever)
#   xs_wine_stop          stops that wineserver (wineserver -k)

xs_wine_find() {
  if command -v wine >/dev/null 2>&1; then
    wine=wine
  elif command -v wine64 >/dev/null 2>&1; then
    wine=wine64
  else
    not_run "wine not found"
  fi
  command -v wineserver >/dev/null 2>&1 || not_run "wineserver not found"
}

xs_wine_start() { # dir
  # Wine wants an absolute WINEPREFIX; the caller's build dir is absolute.
  export WINEPREFIX="$1/wineprefix"
  export WINEDEBUG=-all
  export WINEDLLOVERRIDES="mscoree,mshtml="
  export WINEARCH=win64
  # wineserver needs the prefix directory to exist; Wine fills it on first
  # use.
  mkdir -p "$WINEPREFIX"
  wineserver -p || not_run "wineserver -p failed"
  # The warm-up creates the prefix (first time: some seconds) and starts
  # Wine's services, which then do not inherit ctest's pipes.
  if ! timeout --kill-after=10 300 "$wine" cmd /c exit </dev/null >/dev/null 2>&1; then
    not_run "wine cannot start a program (warm-up failed)"
  fi
}

xs_wine_stop() {
  wineserver -k >/dev/null 2>&1 || true
}
