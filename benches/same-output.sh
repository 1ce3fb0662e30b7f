#!/usr/bin/env bash
# Whether two greenproc binaries build byte-identical sites: the sample site and a
# generated one, for refactors that promise unchanged output.
#
#   benches/same-output.sh OLD_BINARY NEW_BINARY [RECORDS]
#
# RECORDS sizes the generated site [10000]. Prints the file count and total size of
# each output and `identical`, or the files that differ, and exits 1 on a difference.
set -euo pipefail

old=${1:?usage: benches/same-output.sh OLD_BINARY NEW_BINARY [RECORDS]}
new=${2:?usage: benches/same-output.sh OLD_BINARY NEW_BINARY [RECORDS]}
records=${3:-10000}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$new" gen --records "$records" --out "$work/generated" >/dev/null
status=0
for site in sample generated; do
    root=$work/generated
    [ "$site" = sample ] && root=$repo
    name=$site
    "$old" build --root "$root" --output "$work/$name-old" >/dev/null 2>&1
    "$new" build --root "$root" --output "$work/$name-new" >/dev/null 2>&1
    files=$(find "$work/$name-new" -type f | wc -l)
    size=$(du -sh "$work/$name-new" | cut -f1)
    if diff -rq "$work/$name-old" "$work/$name-new" >"$work/diff-$name"; then
        echo "$name: $files files, $size: identical"
    else
        echo "$name: $files files, $size: DIFFERENT"
        head -20 "$work/diff-$name"
        status=1
    fi
done
exit $status
