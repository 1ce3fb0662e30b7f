#!/usr/bin/env bash
# Spreadsheet import benchmark (issue 22): a synthetic site with about P products
# (10,000 by default) is built once for its own downloads, then `greenproc import`
# reads its product sheet back: the XLSX unchanged (nothing to write), the CSV with
# every product's name changed (P files rewritten in place), and the XLSX into a copy
# of the site without products (P new record files). Each case runs RUNS times; the
# table shows the median wall time and the largest peak memory (GNU time).
#
#   CARGO_TARGET_DIR=/work/target-bench cargo build --profile dist
#   GREENPROC=/work/target-bench/dist/greenproc benches/import.sh [P]
#
# Environment:
#   GREENPROC  the binary to measure [target/dist/greenproc]
#   BENCH_DIR  where the sites go [/dev/shm/greenproc-bench]
#   RUNS       runs per case [3]
set -euo pipefail
export GREENPROC_LANG=en
products=${1:-10000}
bin=${GREENPROC:-target/dist/greenproc}
dir=${BENCH_DIR:-/dev/shm/greenproc-bench}
runs=${RUNS:-3}
[ -x "$bin" ] || { echo "no binary at $bin: build with cargo build --profile dist" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (/usr/bin/time)" >&2; exit 2; }

results="$(cd "$(dirname "$0")" && pwd)/results/import.md"
printf '# benches/import.sh %s, %s\n\n```text\n' "$products" "$(date -u +%F)" >"$results"
exec > >(tee -a "$results")

# `gen` gives 60 % of its records to products.
records=$(( products * 10 / 6 ))
site="$dir/import-site-$records"
mkdir -p "$dir"
rm -rf "$site" "$site-out" "$site-empty"
"$bin" gen --records "$records" --out "$site" >/dev/null
"$bin" build --quiet --root "$site" --output "$site-out"
xlsx="$site-out/data/products.xlsx"
rows=$(( $(wc -l <"$site-out/data/products.csv") - 1 ))

# Every name changed: the CSV download with a mark after each product's name (the
# second column).
edited="$dir/products-edited.csv"
awk -F, 'BEGIN { OFS = "," } NR > 1 { $2 = $2 "（改）" } { print }' \
  "$site-out/data/products.csv" >"$edited"
# A copy of the site without its product files, for P new records.
cp -r "$site" "$site-empty"
find "$site-empty/data/catalog" -name '*.yaml' -delete

# Median seconds and largest peak KB of `greenproc import` run RUNS times; `prepare`
# runs before each.
measure() {
  local label=$1 prepare=$2; shift 2
  local times=() peak=0
  for _ in $(seq "$runs"); do
    eval "$prepare"
    /usr/bin/time -f '%e %M' -o "$dir/time" "$bin" import "$@" >/dev/null 2>"$dir/err" || {
      cat "$dir/err" >&2; exit 1; }
    read -r seconds kb <"$dir/time"
    times+=("$seconds")
    (( kb > peak )) && peak=$kb
  done
  local median
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  printf '| %-44s | %8s | %8d |\n' "$label" "$median" $(( peak / 1024 ))
}

restore="git -C '$site' checkout -q -- . 2>/dev/null || true"
git -C "$site" init -q && git -C "$site" add -A && git -C "$site" -c user.name=b -c user.email=b@b commit -qm site
echo "$rows product rows; $records records in the site"
echo
printf '| %-44s | %8s | %8s |\n' "import of the product sheet" "seconds" "peak MiB"
printf '| %-44s | %8s | %8s |\n' "---" "---:" "---:"
measure "XLSX unchanged, --dry-run" "" "$xlsx" --root "$site" --dry-run
measure "XLSX unchanged" "" "$xlsx" --root "$site"
measure "CSV, every name changed ($rows files rewritten)" "$restore" "$edited" --root "$site" --kind product
measure "XLSX into a site without products ($rows new)" \
  "find '$site-empty/data/catalog' -name '*.yaml' -delete" "$xlsx" --root "$site-empty"
echo '```'
rm -rf "$site" "$site-out" "$site-empty" "$edited" "$dir/time" "$dir/err"
