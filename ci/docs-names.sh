#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks that every xsock name the prose documentation mentions exists, so
# that a rename or a removal cannot leave the docs naming what is gone.
# It reads README.md, CONTRIBUTING.md and docs/*.md, takes every name that
# matches xsock_[a-z0-9_]+ or XSOCK_[A-Z0-9_]+ (also after -D), and looks
# each one up where such a name can legitimately be defined:
#   - the public headers (include/xsock.h, include/xsock/*.h): functions,
#     types, macros and enum values, the names the X-macro lists generate
#     (XSOCK_E..., XSOCK_BACKEND_...) included; comments and strings do
#     not count;
#   - a name with a double underscore (xsock__, XSOCK__) is internal: the
#     sources under src/, comments not counted;
#   - an XSOCK_ name may also be a CMake option, cache variable, find_*
#     result or compile definition of a CMake file of the repository, a
#     macro of src/common/config.h (the platform and backend macros a
#     bare compiler command may override), or an environment variable
#     that a ci/*.sh or bench/*.sh script reads;
#   - an xsock_ name may also be a CMake target (xsock_testhooks: the docs
#     name the targets a reader builds), or a dependency that meson.build
#     declares (xsock_dep: the variable a Meson parent takes).
# A name written with a wildcard (XSOCK_E*, xsock_frame_*, XSOCK_OPT_...,
# XSOCK_HAVE_<X>: a trailing *, underscore or <) is a prefix, found when
# at least one known name starts with it. CHANGELOG.md is not read: it
# names what a release removed.
#
#   ci/docs-names.sh
#
# Each missing name is printed with its file and line. The last line is
#   docs-names: N checks, M passed
# where N counts the distinct names (and prefixes) the docs use.
# Exit status: 0 all found; 1 a name is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'docs-names: %s\n' "$*" >&2; }

shopt -s nullglob
docs=(README.md CONTRIBUTING.md docs/*.md)
headers=(include/xsock.h include/xsock/*.h)
sources=(src/*/*.c src/*/*.h)
config=src/common/config.h
scripts=(ci/*.sh bench/*.sh)
shopt -u nullglob
existing=()
for f in "${docs[@]}"; do [ ! -f "$f" ] || existing+=("$f"); done
docs=("${existing[@]}")

# The CMake files of the repository: the tracked ones, or, outside a git
# checkout (a copied tree), every one outside build directories.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t cmakes < <(git ls-files -- 'CMakeLists.txt' '*/CMakeLists.txt' '*.cmake')
else
  mapfile -t cmakes < <(find . \( -path './build*' -o -path ./out -o -path ./.git \) -prune \
    -o \( -name CMakeLists.txt -o -name '*.cmake' \) -type f -print | sed 's|^\./||')
fi

known=$(mktemp)
trap 'rm -f "$known"' EXIT

{
  # Public headers: every identifier in their code, and what each X-macro
  # list generates through a generator such as XSOCK_##name.
  perl -0777 -ne '
    s{/\*.*?\*/}{ }gs; s{//[^\n]*}{}g; s{"(?:\\.|[^"\\\n])*"}{""}g;
    s{\\\n}{ }g;
    my (%map, %gen);
    while (/^[ \t]*#[ \t]*define[ \t]+(\w+)\([ \t]*(\w+)[ \t]*\)(.*)$/mg) {
      my ($m, $p, $body) = ($1, $2, $3);
      my @e = $body =~ /\b\Q$p\E\(\s*(\w+)/g;
      $map{$m} = [@e] if @e;
    }
    while (/^[ \t]*#[ \t]*define[ \t]+(\w+)\([ \t]*(\w+)[^)]*\)(.*)$/mg) {
      my ($g, $a, $body) = ($1, $2, $3);
      $gen{$g} = $1 if $body =~ /(\w*)##\s*\Q$a\E\b/;
    }
    while (/\b(\w+)\(\s*(\w+)\s*\)/g) {
      next unless $map{$1} && defined $gen{$2};
      my $pre = $gen{$2};
      print "$pre$_\n" for @{$map{$1}};
    }
    print "$_\n" for /(?<![A-Za-z0-9_])((?:xsock|XSOCK)_\w+)/g;
  ' "${headers[@]}"

  # Internal names: the code of src/.
  perl -0777 -ne '
    s{/\*.*?\*/}{ }gs; s{//[^\n]*}{}g; s{"(?:\\.|[^"\\\n])*"}{""}g;
    print "$_\n" for /(?<![A-Za-z0-9_])((?:xsock|XSOCK)__\w+)/g;
  ' "${sources[@]}"

  # The platform and backend macros of config.h.
  perl -ne 'print "$1\n" if /^\s*#\s*define\s+(XSOCK_\w+)/' "$config"

  # CMake: options, cache variables, find_* results, compile definitions
  # and targets (comments not counted; ${VAR} is a use, not a definition).
  if [ ${#cmakes[@]} -gt 0 ]; then
    perl -0777 -ne '
      s{#[^\n]*}{}g;
      print "$1\n" while /\boption\(\s*(XSOCK_\w+)/g;
      print "$1\n" while /\bset\(\s*(XSOCK_\w+)\b[^()]*?\bCACHE\b/g;
      print "$1\n" while /\bfind_(?:path|library|program|file)\(\s*(XSOCK_\w+)/g;
      print "$1\n" while /\badd_(?:library|executable|custom_target)\(\s*(xsock_\w+)/g;
      while (/\b(?:target_compile_definitions|add_compile_definitions|add_definitions)\(([^()]*(?:\([^()]*\)[^()]*)*)\)/g) {
        my $args = $1;
        $args =~ s/\$\{[^}]*\}//g;
        print "$_\n" for $args =~ /(?<![A-Za-z0-9_])(XSOCK_\w+)/g;
      }
    ' "${cmakes[@]}"
  fi

  # The dependencies meson.build declares for a parent project.
  if [ -f meson.build ]; then
    perl -ne 'print "$1\n" if /^\s*(xsock_\w+)\s*=\s*declare_dependency\(/' meson.build
  fi

  # Environment variables the scripts read: $XSOCK_X or ${XSOCK_X...}
  # outside comments.
  perl -ne '
    next if /^\s*#/;
    s/\s#.*$//;
    print "$1\n" while /\$\{?(XSOCK_\w+)/g;
  ' "${scripts[@]}"
} | grep -v '_$' | LC_ALL=C sort -u >"$known"

# Every name of the docs: "file<TAB>line<TAB>name<TAB>exact|prefix".
uses=$(perl -ne '
  while (/(?:(?<=-D)|(?<![A-Za-z0-9_]))(xsock_[a-z0-9_]+|XSOCK_[A-Z0-9_]+)(\\?\*|<)?/g) {
    my ($n, $w) = ($1, $2);
    my $kind = (defined $w || $n =~ /_$/) ? "prefix" : "exact";
    print "$ARGV\t$.\t$n\t$kind\n";
  }
  close ARGV if eof;
' "${docs[@]}")

checks=0 passed=0
declare -A seen=() found=()
while IFS=$'\t' read -r file line name kind; do
  [ -n "$name" ] || continue
  key="$kind $name"
  if [ -z "${seen[$key]:-}" ]; then
    seen[$key]=1
    checks=$((checks + 1))
    # A name holds only [A-Za-z0-9_], so it is safe as a pattern.
    if [ "$kind" = exact ]; then
      grep -qx -- "$name" "$known" && found[$key]=1
    else
      grep -q -- "^$name" "$known" && found[$key]=1
    fi
    [ -z "${found[$key]:-}" ] || passed=$((passed + 1))
  fi
  if [ -z "${found[$key]:-}" ]; then
    if [ "$kind" = exact ]; then
      log "$file:$line: $name: no such name"
    else
      log "$file:$line: $name*: no name starts with $name"
    fi
  fi
done <<<"$uses"

printf 'docs-names: %s checks, %s passed\n' "$checks" "$passed"
[ "$checks" -eq "$passed" ]
