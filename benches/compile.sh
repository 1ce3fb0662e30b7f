#!/usr/bin/env bash
# What a newcomer pays before the first site and the first test run, for two revisions
# side by side in one run: each step is timed for BEFORE and then AFTER, from empty
# target directories, so both meet the same machine load as nearly as a shared machine
# allows.
#
#   benches/compile.sh BEFORE AFTER        e.g. benches/compile.sh 3f08471 main
#
# Steps, per revision: a clean `cargo build --release` (time, binary size, target/
# size); a clean `cargo test` in its own target directory (time, target/ size); the
# same `cargo test` again after an edit of one source file (a comment added to
# src/lib.rs, which every module sits below); and, where the
# revision has it, `cargo build --profile dist` (the size of the binary people download).
# The revisions are checked out as worktrees beside this repository, so that their
# tests find ../shared as CI has it. The results, a Markdown table, go to stdout and
# to benches/results/compile.md.
#
# STEPS chooses the steps [release test incremental dist]; `incremental` needs `test`.
set -euo pipefail

before=${1:?usage: benches/compile.sh BEFORE AFTER}
after=${2:?usage: benches/compile.sh BEFORE AFTER}
# REPO: the repository, when this script runs from a copy (bash reads a script as it
# runs, so editing the one in the repository would change the running benchmark).
repo=${REPO:-$(cd "$(dirname "$0")/.." && pwd)}
scratch=$(dirname "$repo")/greenproc-compile-bench
rm -rf "$scratch"
mkdir -p "$scratch"

steps=" ${STEPS:-release test incremental dist} "
declare -A result
for name in before after; do
    for key in release binary release-target test test-target incremental dist; do
        result[$name,$key]="-"
    done
done
wants() { [[ $steps == *" $1 "* ]]; }

checkout() { # name revision
    git -C "$repo" worktree remove --force "$scratch/$1" 2>/dev/null || true
    git -C "$repo" worktree add --detach --quiet "$scratch/$1" "$2"
}

# Runs a command in a revision's worktree; records its wall-clock seconds under KEY.
timed() { # name key target-dir command...
    local name=$1 key=$2 target=$3
    shift 3
    local start end
    start=$(date +%s.%N)
    (cd "$scratch/$name" && CARGO_TARGET_DIR=$target "$@") >"$scratch/$name-$key.log" 2>&1 ||
        { echo "$name: $key failed, see $scratch/$name-$key.log" >&2; exit 1; }
    end=$(date +%s.%N)
    result[$name,$key]=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%d:%02d", (e-s)/60, (e-s)%60 }')
}

megabytes() { du -sm "$1" | cut -f1; }

checkout before "$before"
checkout after "$after"

wants release && for name in before after; do
    timed "$name" release "$scratch/$name-release" cargo build --release
    result[$name,binary]=$(( $(stat -c %s "$scratch/$name-release/release/greenproc") / 1000000 ))
    result[$name,release-target]=$(megabytes "$scratch/$name-release")
done
wants test && for name in before after; do
    timed "$name" test "$scratch/$name-test" cargo test
    result[$name,test-target]=$(megabytes "$scratch/$name-test")
done
wants incremental && for name in before after; do
    printf '\n// An edit, for benches/compile.sh.\n' >>"$scratch/$name/src/lib.rs"
    timed "$name" incremental "$scratch/$name-test" cargo test
done
wants dist && for name in before after; do
    if grep -q '^\[profile.dist\]' "$scratch/$name/Cargo.toml"; then
        timed "$name" dist "$scratch/$name-release" cargo build --profile dist
        result[$name,dist]="$(( $(stat -c %s "$scratch/$name-release/dist/greenproc") / 1000000 )) MB"
    else
        result[$name,dist]="(no dist profile: the release binary)"
    fi
done

table=$(cat <<EOF
| $(nproc) cores, $(date -u +%F) | before ($before) | after ($after) |
|---|---|---|
| clean \`cargo build --release\` (m:ss) | ${result[before,release]} | ${result[after,release]} |
| release binary | ${result[before,binary]} MB | ${result[after,binary]} MB |
| distribution binary | ${result[before,dist]} | ${result[after,dist]} |
| \`target/\` after the release build | ${result[before,release-target]} MB | ${result[after,release-target]} MB |
| clean \`cargo test\` (m:ss) | ${result[before,test]} | ${result[after,test]} |
| \`target/\` after \`cargo test\` | ${result[before,test-target]} MB | ${result[after,test-target]} MB |
| \`cargo test\` after an edit of src/lib.rs (m:ss) | ${result[before,incremental]} | ${result[after,incremental]} |
EOF
)
echo "$table"
printf '# benches/compile.sh %s %s, %s\n\n%s\n' "$before" "$after" "$(date -u +%F)" "$table" \
    >"$repo/benches/results/compile.md"

git -C "$repo" worktree remove --force "$scratch/before"
git -C "$repo" worktree remove --force "$scratch/after"
