#!/usr/bin/env bash
# Seeds fuzz/seeds/<target>/ from the sample site and the test fixtures: for `load`,
# every record file prefixed with the byte that selects its kind (the order of FILES
# in fuzz/src/lib.rs); for `markdown`, every Markdown document; for `export`, the
# records of the check fixture's base site (valid there, so the exports run), and for
# `search` the same, each followed by a NUL and a query; for `serve`, requests a
# browser and an attacker would send. `cargo fuzz cmin` then keeps the few that
# reach new code in fuzz/corpus/.
set -euo pipefail
cd "$(dirname "$0")/.."

out=fuzz/seeds
rm -rf "$out"
mkdir -p "$out/load" "$out/markdown" "$out/export" "$out/search" "$out/serve"

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

queries=("混凝土" "张店 学校" "zd-c30-concrete" "91370303MA3C10017J" "C30" "绿色建材 2025" "")
n=0
while IFS= read -r -d '' file; do
    k=$(kind "$file")
    [ -n "$k" ] || continue
    n=$((n + 1))
    # Another id, so that the record joins the base site instead of repeating one.
    { printf "\\$(printf '%03o' "$k")"; sed '0,/^id: /s//id: fuzz-/' "$file"; } >"$out/export/$n"
    { cat "$out/export/$n"; printf '\0%s' "${queries[$((n % ${#queries[@]}))]}"; } >"$out/search/$n"
done < <(find tests/fixtures/check/base -type f \( -name '*.yaml' -o -name '*.md' \) -print0 | sort -z)

n=0
for request in \
    'GET / HTTP/1.1\r\nHost: 127.0.0.1:1111\r\n\r\n' \
    'GET /projects HTTP/1.1\r\nHost: localhost\r\n\r\n' \
    'GET //projects HTTP/1.1\r\nHost: localhost\r\n\r\n' \
    'GET /../../etc/passwd HTTP/1.1\r\nHost: localhost\r\n\r\n' \
    'GET /%2e%2e/x HTTP/1.1\r\nHost: localhost\r\n\r\n' \
    'GET /__greenproc/status HTTP/1.1\r\nHost: evil.example\r\n\r\n' \
    'GET /__greenproc/status HTTP/1.1\r\nHost: [::1]:1111\r\n\r\n' \
    'GET /__greenproc/livereload.js HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' \
    'HEAD /data/ HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n' \
    'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' \
    'GET /\\evil.example HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' \
    'GET /projects?x=1#y HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' \
    'GET / SPDY/3\r\n\r\n' \
    'GET /about HTTP/1.1\r\nHost: 127.0.0.1\r\nX: y\r\n'; do
    n=$((n + 1))
    printf "$request" >"$out/serve/$n"
done
echo "seeded $(ls "$out/export" | wc -l) export, $(ls "$out/search" | wc -l) search and $(ls "$out/serve" | wc -l) serve inputs"
