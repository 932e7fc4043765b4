# SPDX-License-Identifier: MIT
# The exit statuses of the ci/ scripts, one meaning each, and the ending
# of a leg that cannot run (POSIX sh, sourced; ci/lib.sh sources it for
# the bash scripts). ci/test.sh reads a leg's status with these names,
# never with bare numbers.
#   0  the leg ran and every check passed
#   1  a check failed, or the leg could not run under CI=true
#   2  the script was called wrongly (its usage line says how)
XS_EXIT_NOT_RUN=3   # could not run here: a tool is missing and cannot be installed
XS_EXIT_NOT_ASKED=4 # an optional leg whose input was not given (libkqueue's tarball)

# Ends a leg that cannot run here: says so on stderr and as the leg's
# closing line "LEG: not run (REASON)", and exits XS_EXIT_NOT_RUN, or 1
# under CI=true, where a leg that cannot run is a failure.
xs_not_run() { # leg reason
  printf '%s: NOT RUN: %s\n' "$1" "$2" >&2
  printf '%s: not run (%s)\n' "$1" "$2"
  if [ "${CI:-}" = true ]; then exit 1; fi
  exit "$XS_EXIT_NOT_RUN"
}
