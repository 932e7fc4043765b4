#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Helpers sourced by the ci/ scripts: installing missing Debian packages,
# and reporting a leg that cannot run (a failure under CI=true).

# The named exit statuses (XS_EXIT_NOT_RUN, XS_EXIT_NOT_ASKED).
. "$(dirname "${BASH_SOURCE[0]}")/exit-status.sh"

xs_log() { printf '\n=== %s\n' "$*"; }

# True when every named Debian package is installed.
xs_have_pkgs() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || return 1
  done
}

# Installs the named Debian packages that are missing. Returns non-zero
# (after saying why) when they cannot be installed.
xs_need_pkgs() {
  local missing=() p
  for p in "$@"; do
    xs_have_pkgs "$p" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "cannot install ${missing[*]}: apt-get is not available on this machine" >&2
    return 1
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo -n"; else
      echo "cannot install ${missing[*]}: not root and no sudo" >&2
      return 1
    fi
  fi
  echo "installing: ${missing[*]}"
  if [ -z "${XS_APT_UPDATED:-}" ]; then
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null || {
      echo "apt-get update failed" >&2; return 1; }
    export XS_APT_UPDATED=1
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}" >/dev/null || {
    echo "apt-get install ${missing[*]} failed" >&2; return 1; }
}
