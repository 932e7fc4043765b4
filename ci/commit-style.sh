#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The commit style of CONTRIBUTING.md, checked on every commit made since
# that file was added (older history is left as it was written): a
# subject of at most 72 characters, then a blank line and a body that says
# why. Merge commits are skipped.
#
#   ci/commit-style.sh
#
# The last line is
#   commit-style: N checks, M passed
# or "commit-style: not run (REASON)" outside a git checkout. A shallow
# clone that lacks the commit that added CONTRIBUTING.md has the commits
# it holds checked.
# Exit status: 0 all passed; 1 a commit breaks the style; XS_EXIT_NOT_RUN
# (ci/exit-status.sh) not run here (1 when CI=true).
set -uo pipefail
cd "$(dirname "$0")/.."
. ci/lib.sh

log() { printf 'commit-style: %s\n' "$*" >&2; }
not_run() { xs_not_run commit-style "$*"; }

git rev-parse --is-inside-work-tree >/dev/null 2>&1 || not_run "not a git checkout"
base=$(git log --diff-filter=A --format=%H -- CONTRIBUTING.md | tail -n 1)
range=("$base^..HEAD")
if [ -z "$base" ] || ! git rev-parse -q --verify "$base^" >/dev/null; then
  # A shallow clone: the commit that added the file, or its parent, is
  # not here. Every commit that is here is checked.
  [ "$(git rev-parse --is-shallow-repository)" = true ] ||
    not_run "no commit adds CONTRIBUTING.md"
  log "a shallow clone: checking the $(git rev-list --count HEAD) commit(s) it holds"
  range=(HEAD)
fi

checks=0 passed=0
# The commit that added CONTRIBUTING.md follows the style too.
while read -r sha; do
  checks=$((checks + 1))
  subject=$(git log -1 --format=%s "$sha")
  second=$(git log -1 --format=%B "$sha" | sed -n 2p)
  body=$(git log -1 --format=%b "$sha" | grep -c '[^[:space:]]')
  if [ ${#subject} -gt 72 ]; then
    log "${sha:0:10}: subject of ${#subject} characters (at most 72): $subject"
  elif [ -n "$second" ]; then
    log "${sha:0:10}: no blank line after the subject: $subject"
  elif [ "$body" -eq 0 ]; then
    log "${sha:0:10}: no body saying why: $subject"
  else
    passed=$((passed + 1))
  fi
done < <(git rev-list --no-merges "${range[@]}")

printf 'commit-style: %s checks, %s passed\n' "$checks" "$passed"
[ "$passed" -eq "$checks" ]
