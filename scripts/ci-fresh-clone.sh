#!/usr/bin/env bash
# Runs CI the way CI runs it: clone main into a new temporary directory (with
# ../shared beside it, as on the CI machine), run its .ci/run there, N times in
# a row (default 10), and print how many passed as "P/N".
#
# Usage: scripts/ci-fresh-clone.sh [N]
#   CI_REUSE_TARGET=DIR   share one cargo target directory between the runs
#                         (registry crates are then compiled once; packsmith
#                         itself is still built from the fresh clone each run).
#                         Unset: every run builds everything from nothing.
#   CI_BRANCH=main        the branch to clone
# Logs of failed runs are kept (their paths are printed); passed runs are
# deleted. Exit status 0 only if every run passed.
set -uo pipefail

n=${1:-10}
repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel) || exit 2
shared="$repo/../shared"
branch=${CI_BRANCH:-main}
passed=0
for i in $(seq 1 "$n"); do
    tmp=$(mktemp -d /tmp/packsmith-ci.XXXXXX)
    git clone -q --branch "$branch" "file://$repo" "$tmp/packsmith" || { echo "run $i: clone failed"; continue; }
    [ -d "$shared" ] && cp -r "$shared" "$tmp/shared"
    start=$(date +%s)
    if [ -n "${CI_REUSE_TARGET:-}" ]; then
        export CARGO_TARGET_DIR=$CI_REUSE_TARGET
    fi
    if "$tmp/packsmith/.ci/run" >"$tmp/ci.log" 2>&1; then
        passed=$((passed + 1))
        echo "run $i: passed in $(( $(date +%s) - start )) s ($(git -C "$tmp/packsmith" rev-parse --short HEAD))"
        rm -rf "$tmp"
    else
        echo "run $i: FAILED after $(( $(date +%s) - start )) s; log kept: $tmp/ci.log"
        grep -E '^test .* FAILED|panicked|^error' "$tmp/ci.log" | head -20
        rm -rf "$tmp/packsmith/target"
    fi
done
echo "$passed/$n"
[ "$passed" = "$n" ]
