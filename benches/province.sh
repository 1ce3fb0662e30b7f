#!/usr/bin/env bash
# Province scale benchmark (issue 20): N member cities of R records each, generated
# with `greenproc gen --city --admin-code` and built; the province fetches their data
# packages from a local folder and builds. Then one city changes (a project removed,
# the city rebuilt) and the province fetches and builds again: the fetch re-reads
# only that city's changed files.
#
#   CARGO_TARGET_DIR=/work/target-bench cargo build --profile dist
#   GREENPROC=/work/target-bench/dist/greenproc benches/province.sh [N [R]]
#
# Defaults: 16 cities of 50,000 records. Prints the fetch and build of each round
# with wall time, pages per second and peak RSS, and what the second fetch read.
#
# Environment:
#   GREENPROC  the binary to measure [target/dist/greenproc]
#   BENCH_DIR  where the cities' packages and the province go
#              [/tmp/greenproc-province-bench]; city packages are kept between runs
set -euo pipefail
export GREENPROC_LANG=en
cities=${1:-16}
records=${2:-50000}
bin=$(realpath "${GREENPROC:-target/dist/greenproc}")
dir=${BENCH_DIR:-/tmp/greenproc-province-bench}/$cities-$records
mkdir -p "$dir/packages"
results="$(cd "$(dirname "$0")" && pwd)/results/province.md"
printf '# benches/province.sh %s %s, %s\n\n```text\n' "$cities" "$records" "$(date -u +%F)" >"$results"
exec > >(tee -a "$results")

code_of() { printf '37%02d00' "$1"; }

# Only a city's published data package is kept: the pages would take gigabytes.
for i in $(seq 1 "$cities"); do
  code=$(code_of "$i")
  [ -f "$dir/packages/$code/data/datapackage.json" ] && continue
  site="$dir/site-$code"
  rm -rf "$site" "$dir/out-$code"
  "$bin" gen --records "$records" --out "$site" --city "合成${i}市" --admin-code "$code" >/dev/null
  "$bin" build --quiet --root "$site" --output "$dir/out-$code"
  mkdir -p "$dir/packages/$code/data/ocds"
  cp "$dir/out-$code"/data/*.csv "$dir/out-$code/data/datapackage.json" "$dir/packages/$code/data/"
  cp "$dir/out-$code/data/ocds/releases.jsonl" "$dir/packages/$code/data/ocds/"
  rm -rf "$dir/out-$code"
  # The first city's site is kept, to change it later.
  [ "$i" -eq 1 ] || rm -rf "$site"
done

province="$dir/province"
rm -rf "$province"
mkdir -p "$province/data"
{
  printf 'title: 合成省绿色建材试点数据公开平台\nprovince: 山东省\nadmin_code: "370000"\n'
  printf 'publisher: {name: 合成省财政厅, credit_code: "11370000000000019R", contact: sample@example.org}\n'
  printf 'license: {name: CC BY 4.0, url: "https://creativecommons.org/licenses/by/4.0/"}\n'
  printf 'base_url: "https://example.org/"\nfictional: true\nmembers:\n'
  for i in $(seq 1 "$cities"); do
    code=$(code_of "$i")
    printf '  - {city: 合成%s市, admin_code: "%s", package: ../packages/%s/data/datapackage.json}\n' "$i" "$code" "$code"
  done
} >"$province/data/site.yaml"

measure() { # label, command...
  local label=$1
  shift
  local log
  log=$(mktemp)
  /usr/bin/time -f '%e %M' -o "$log.time" "$@" >"$log" 2>&1 || { cat "$log"; exit 1; }
  read -r seconds kb <"$log.time"
  printf '%-22s %7.2f s  peak RSS %6.0f MB\n' "$label" "$seconds" "$((kb / 1024))"
  grep -E '^(fetch|build):' "$log" | sed 's/^/    /' | head -"${LINES_SHOWN:-4}"
  rm -f "$log" "$log.time"
}

echo "province of $cities cities × $records records"
measure "fetch (first)" "$bin" fetch --root "$province"
measure "build" "$bin" build --root "$province"
du -sh "$province/public" | sed 's/^/    output /'

# One city changes: a project removed, the city built again.
site="$dir/site-$(code_of 1)"
rm -f "$(find "$site/data/projects" -name '*.yaml' | sort | head -1)"
"$bin" build --quiet --root "$site" --output "$dir/out-changed"
cp "$dir/out-changed"/data/*.csv "$dir/out-changed/data/datapackage.json" "$dir/packages/$(code_of 1)/data/"
cp "$dir/out-changed/data/ocds/releases.jsonl" "$dir/packages/$(code_of 1)/data/ocds/"
rm -rf "$dir/out-changed"
LINES_SHOWN=2 measure "fetch (one changed)" "$bin" fetch --root "$province"
measure "build (again)" "$bin" build --root "$province"
echo '```'
