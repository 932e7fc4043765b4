#!/bin/sh
# SPDX-License-Identifier: MIT
# Fetches Debian's cmocka source package (CMocka is not packaged for MinGW,
# so the Windows build compiles it from source) and prints the unpacked
# source directory on stdout; progress goes to stderr.
#
# The source is kept in a cache directory and reused when present:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/xsock/cmocka   (or $XSOCK_CMOCKA_CACHE)
#
# "apt-get source" needs deb-src entries, which a machine often lacks. So
# that nothing under /etc or /var changes, this script gives apt a private
# configuration inside the cache directory: its own source list (deb-src
# twins of the machine's own deb entries, so it never names a package
# host itself), its own package lists and its own cache, passed with -o on
# each apt-get call. The only change outside the cache is installing
# dpkg-dev when dpkg-source is missing.
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
command -v apt-config >/dev/null 2>&1 || die "apt-config not found"
export DEBIAN_FRONTEND=noninteractive

if ! command -v dpkg-source >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "dpkg-source is missing, and not root and no sudo to install dpkg-dev"
    sudo="sudo -n"
  fi
  log "installing dpkg-dev"
  $sudo apt-get install -y -qq --no-install-recommends dpkg-dev >&2 || die "cannot install dpkg-dev"
fi

# The machine's own source list and parts directory, wherever apt's
# configuration puts them.
eval "$(apt-config shell sys_list Dir::Etc::SourceList/f sys_parts Dir::Etc::SourceParts/d)"

apt_dir=$cache/apt
mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
: >"$apt_dir/sources.list"
rm -f "$apt_dir/sources.list.d/"*

# Each deb822 stanza becomes a deb-src stanza with the same URIs, Suites,
# Components and options; each one-line "deb" entry becomes "deb-src".
# Comments are dropped; disabled files (other suffixes) are not read.
n=0
for f in "${sys_parts%/}"/*.sources; do
  [ -f "$f" ] || continue
  awk '
    /^[[:space:]]*#/ { next }
    /^Types:/ { print "Types: deb-src"; next }
    { print }
  ' "$f" >"$apt_dir/sources.list.d/deb-src-$(basename "$f")"
  n=$((n + 1))
done
for f in "$sys_list" "${sys_parts%/}"/*.list; do
  [ -f "$f" ] || continue
  sed -nE 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$f" >>"$apt_dir/sources.list"
  n=$((n + 1))
done
[ "$n" -gt 0 ] || die "no apt source on this machine to derive a deb-src entry from"

# Downloads go to the cache as the invoking user (apt's _apt sandbox user
# may not be able to write there).
run_apt() {
  apt-get -o Dir::Etc::SourceList="$apt_dir/sources.list" \
    -o Dir::Etc::SourceParts="$apt_dir/sources.list.d" \
    -o Dir::State::Lists="$apt_dir/lists" \
    -o Dir::Cache="$apt_dir/cache" \
    -o APT::Sandbox::User="$(id -un)" \
    -o Debug::NoLocking=true \
    "$@"
}

log "apt-get update (private lists under $apt_dir)"
run_apt update -qq >&2 || die "apt-get update failed"

log "apt-get source cmocka into $cache"
(cd "$cache" && run_apt source -qq cmocka >&2) || die "apt-get source cmocka failed"

dir=$(find_src) || die "cmocka source not found under $cache after apt-get source"
printf '%s\n' "$dir"
