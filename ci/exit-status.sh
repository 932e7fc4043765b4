# SPDX-License-Identifier: MIT
# The exit statuses of the ci/ scripts, one meaning each (POSIX sh,
# sourced; ci/lib.sh sources it for the bash scripts). ci/test.sh reads a
# leg's status with these names, never with bare numbers.
#   0  the leg ran and every check passed
#   1  a check failed, or the leg could not run under CI=true
#   2  the script was called wrongly (its usage line says how)
XS_EXIT_NOT_RUN=3   # could not run here: a tool is missing and cannot be installed
XS_EXIT_NOT_ASKED=4 # an optional leg whose input was not given (libkqueue's tarball)
