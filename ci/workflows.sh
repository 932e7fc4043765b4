#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks the CI matrix workflow files (.github/workflows/*.yml), which this
# machine cannot run:
#   - each validates against GitHub's workflow schema, with the validator
#     of the npm package @action-validator/cli, installed with npm into a
#     cache directory (node and npm come from Debian when missing);
#   - each names only what exists here: every ci/ script, every CMake
#     preset (configure, build and test preset of that name) and every
#     -DXSOCK_... option;
#   - no job is one that cannot fail: no continue-on-error, no `|| true`.
#
#   ci/workflows.sh [BUILD_DIR]     (default: build/workflows)
#
# The validator is kept in BUILD_DIR/npm (or $XSOCK_NPM_PREFIX) and reused.
# The last line is
#   workflows: N checks, M passed
# or, when the validator cannot be installed or run here,
#   workflows: not run (REASON)
# Exit status: 0 all passed; 1 a check failed; 3 not run here (1 when
# CI=true, where "not run" must fail the job).
set -euo pipefail
cd "$(dirname "$0")/.."
. ci/lib.sh

build=${1:-build/workflows}
prefix=${XSOCK_NPM_PREFIX:-$build/npm}
checks=0 passed=0

log() { printf 'workflows: %s\n' "$*" >&2; }
check() { # ok|fail what
  checks=$((checks + 1))
  if [ "$1" = ok ]; then passed=$((passed + 1)); log "ok: $2"; else log "FAILED: $2"; fi
}
not_run() { xs_not_run workflows "$*"; }

shopt -s nullglob
files=(.github/workflows/*.yml .github/workflows/*.yaml)
shopt -u nullglob
[ ${#files[@]} -gt 0 ] || { log "no workflow file in .github/workflows"; printf 'workflows: 0 checks, 0 passed\n'; exit 1; }

# ---- tools: node and npm from Debian, the validator from npm -------------
# node also reads CMakePresets.json below. A node that is already there
# (Debian's or another package of it) is used as it is.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  xs_need_pkgs nodejs npm || not_run "node and npm could not be installed"
fi
validator="$prefix/node_modules/.bin/action-validator"
if [ ! -x "$validator" ]; then
  mkdir -p "$prefix"
  log "installing @action-validator/cli into $prefix"
  npm install --prefix "$prefix" --no-audit --no-fund --no-save --loglevel=error \
    @action-validator/cli >&2 || not_run "npm install @action-validator/cli failed"
fi
[ -x "$validator" ] || not_run "no action-validator in $prefix after npm install"

# ---- what exists here -----------------------------------------------------
# "kind name" for every preset: configure, build, test.
presets=$(node -e '
  const p = JSON.parse(require("fs").readFileSync("CMakePresets.json", "utf8"));
  for (const kind of ["configure", "build", "test"])
    for (const x of p[kind + "Presets"] || []) console.log(kind + " " + x.name);
') || { check fail "CMakePresets.json parses"; presets=""; }

has_preset() { # name: a configure, build and test preset of that name
  local kind
  for kind in configure build test; do
    grep -qxF "$kind $1" <<<"$presets" || { log "$2: no $kind preset '$1'"; return 1; }
  done
}

# A cache variable or option(), defined by a CMake file of the repository.
has_option() {
  grep -qsE "(option|set)\(\s*$1[[:space:]]" CMakeLists.txt cmake/*.cmake \
    tests/CMakeLists.txt examples/CMakeLists.txt bench/CMakeLists.txt fuzz/CMakeLists.txt
}

# ---- the checks, per file -------------------------------------------------
for f in "${files[@]}"; do
  if out=$("$validator" "$f" 2>&1); then
    check ok "$f validates against the workflow schema"
  else
    printf '%s\n' "$out" >&2
    check fail "$f validates against the workflow schema"
  fi

  bad=0
  # Comments are left out: they may name things as prose.
  body=$(sed -E 's/(^|[[:space:]])#.*$//' "$f")
  for s in $(grep -oE '(^|[^A-Za-z0-9_./-])ci/[A-Za-z0-9_.-]+' <<<"$body" | sed -E 's/^[^c]*//' | sort -u); do
    [ -f "$s" ] || { log "$f: names $s, which does not exist"; bad=1; }
  done
  # Presets: literal `--preset NAME`, and for `--preset ${{ matrix.preset }}`
  # the values of the matrix key `preset`.
  names=$(grep -oE -- '--preset[ =][A-Za-z0-9_-]+' <<<"$body" | sed -E 's/--preset[ =]//' || true)
  if grep -qE -- '--preset[ =]\$\{\{ *matrix\.preset *\}\}' <<<"$body"; then
    names="$names $(grep -oE '(^|[ {,])preset: *(\[[^]]*\]|[A-Za-z0-9_"-]+)' <<<"$body" |
      sed -E 's/.*preset: *//; s/[]["]//g; s/,/ /g' || true)"
  fi
  for p in $(tr ' ' '\n' <<<"$names" | grep -v '^$' | sort -u); do
    has_preset "$p" "$f" || bad=1
  done
  if grep -qE -- '--preset[ =]\$\{\{' <<<"$body" &&
     ! grep -qE -- '--preset[ =]\$\{\{ *matrix\.preset *\}\}' <<<"$body"; then
    log "$f: a preset comes from an expression this check cannot read (use matrix.preset)"
    bad=1
  fi
  for o in $(grep -oE -- '-DXSOCK_[A-Z0-9_]+' <<<"$body" | sed 's/^-D//' | sort -u); do
    has_option "$o" || { log "$f: names -D$o, which no CMake file defines"; bad=1; }
  done
  [ "$bad" -eq 0 ] && check ok "$f names only scripts, presets and options that exist" ||
    check fail "$f names only scripts, presets and options that exist"

  if grep -nE 'continue-on-error|\|\|[[:space:]]*(true|:)([[:space:]]|$)' <<<"$body" >&2; then
    check fail "$f has no step that cannot fail (continue-on-error, || true)"
  else
    check ok "$f has no step that cannot fail"
  fi
done

printf 'workflows: %s checks, %s passed\n' "$checks" "$passed"
[ "$passed" -eq "$checks" ]
