#!/bin/sh
# SPDX-License-Identifier: MIT
# Fetches Debian's cmocka source package (CMocka is not packaged for MinGW,
# so the Windows build compiles it from source) and prints the unpacked
# source directory on stdout; progress goes to stderr.
#
# The source is kept in a cache directory and reused when present:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/xsock/cmocka   (or $XSOCK_CMOCKA_CACHE)
#
# apt needs a deb-src entry for "apt-get source". When the machine has
# none, one is written to its own file, derived from the machine's own
# /etc/apt/sources.list.d/debian.sources (same URIs, Suites, Components),
# so that this script never names a package host itself.
set -eu

log() { printf 'cmocka-source: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

cache=${XSOCK_CMOCKA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xsock/cmocka}

find_src() {
  for d in "$cache"/cmocka-*/; do
    if [ -f "${d}src/cmocka.c" ] && [ -f "${d}include/cmocka.h" ]; then
      printf '%s\n' "${d%/}"
      return 0
    fi
  done
  return 1
}

if dir=$(find_src); then
  log "reusing $dir"
  printf '%s\n' "$dir"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || die "apt-get not found: unpack a CMocka release and pass its directory as XSOCK_CMOCKA_SOURCE_DIR"

sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "not root and no sudo: cannot configure apt"
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive

has_deb_src() {
  grep -Eqs '^[[:space:]]*Types:.*deb-src' /etc/apt/sources.list.d/*.sources && return 0
  grep -Eqs '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list && return 0
  return 1
}

if ! has_deb_src; then
  base=/etc/apt/sources.list.d/debian.sources
  [ -f "$base" ] || die "no deb-src entry and no $base to derive one from"
  target=/etc/apt/sources.list.d/xsock-deb-src.sources
  log "writing $target (deb-src twin of $base)"
  # Each deb822 stanza of the original becomes a deb-src stanza with the
  # same fields; comments are dropped.
  awk '
    /^[[:space:]]*#/ { next }
    /^Types:/ { print "Types: deb-src"; next }
    { print }
  ' "$base" | $sudo tee "$target" >/dev/null
  $sudo apt-get update -qq >&2 || die "apt-get update failed"
elif [ ! -d /var/lib/apt/lists ] || ! ls /var/lib/apt/lists/*Sources* >/dev/null 2>&1; then
  $sudo apt-get update -qq >&2 || die "apt-get update failed"
fi

if ! command -v dpkg-source >/dev/null 2>&1; then
  log "installing dpkg-dev"
  $sudo apt-get install -y -qq --no-install-recommends dpkg-dev >&2 || die "cannot install dpkg-dev"
fi

mkdir -p "$cache"
log "apt-get source cmocka into $cache"
(cd "$cache" && apt-get source -qq cmocka >&2) || die "apt-get source cmocka failed"

dir=$(find_src) || die "cmocka source not found under $cache after apt-get source"
printf '%s\n' "$dir"
