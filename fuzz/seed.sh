#!/usr/bin/env bash
# Seeds fuzz/seeds/<target>/ from the sample site and the test fixtures: for `load`,
# every record file prefixed with the byte that selects its kind (the order of FILES
# in fuzz/src/lib.rs); for `markdown`, every Markdown document. `cargo fuzz cmin`
# then keeps the few that reach new code in fuzz/corpus/.
set -euo pipefail
cd "$(dirname "$0")/.."

out=fuzz/seeds
rm -rf "$out"
mkdir -p "$out/load" "$out/markdown"

kind() {
    case "$1" in
        */data/site.yaml | data/site.yaml) echo 0 ;;
        */standards/categories.yaml) echo 1 ;;
        */standards/*.yaml) echo 2 ;;
        */projects/*.yaml) echo 3 ;;
        */catalog/*.yaml) echo 4 ;;
        */orgs/*.yaml) echo 5 ;;
        */inspections/*.yaml) echo 6 ;;
        */events/*.yaml) echo 7 ;;
        */policies/*.md) echo 8 ;;
        */interpretations/*.md) echo 9 ;;
        */pages/*.md) echo 10 ;;
        *) echo "" ;;
    esac
}

n=0
while IFS= read -r -d '' file; do
    k=$(kind "$file")
    [ -n "$k" ] || continue
    n=$((n + 1))
    { printf "\\$(printf '%03o' "$k")"; cat "$file"; } >"$out/load/$n"
    case "$file" in
        *.md) cp "$file" "$out/markdown/$n" ;;
    esac
done < <(find data content tests/fixtures -type f \( -name '*.yaml' -o -name '*.md' \) -print0 | sort -z)
echo "seeded $(ls "$out/load" | wc -l) load and $(ls "$out/markdown" | wc -l) markdown inputs"
