#!/usr/bin/env bash
# Scale benchmark (issue 8): builds synthetic sites of 1k, 10k and 100k records and
# prints two markdown tables: per-stage wall time with the totals (pages per second,
# peak RSS, files, output size, and the `cp -r` time of the output, the yardstick the
# targets are set against), then the peak RSS at the end of each stage.
#
#   CARGO_TARGET_DIR=/work/target-bench cargo build --profile dist
#   GREENPROC=/work/target-bench/dist/greenproc benches/scale.sh [N...]
#
# The binary is the distribution build, what people download (the release profile
# skips link-time optimization to compile faster, and runs about 15 % slower).
#
# Environment:
#   GREENPROC  the binary to measure [target/dist/greenproc]
#   BENCH_DIR  where sites and outputs go [/dev/shm/greenproc-bench]; set it to a
#              folder on disk for the disk run
#   RUNS       builds per size, each into a new folder; the tables show the median
#              run by build time [3]
#
# Sites are generated once per size and kept in BENCH_DIR between runs (delete it to
# regenerate); outputs are deleted after each size. `check` and `cp -r` are timed
# RUNS times too, and their medians shown.
#
# A third table gives the sizes of the largest downloads of each size, raw and
# gzipped (as the build publishes them), and, when `.ci/conformance.sh` has made its
# virtual environment (target/conformance-venv), the seconds CI's OCDS validator
# (`.ci/validate_ocds.py`) takes on the packages.
set -euo pipefail
# The summary lines are parsed below: English, whatever the locale.
export GREENPROC_LANG=en
repo="$(cd "$(dirname "$0")/.." && pwd)"
venv="$repo/target/conformance-venv/bin/python"
standards="$repo/../shared/standards"

# Everything printed also goes to benches/results/scale.md, the latest run's record.
results="$(cd "$(dirname "$0")" && pwd)/results/scale.md"
printf '# benches/scale.sh %s, %s\n\n```text\n' "$*" "$(date -u +%F)" >"$results"
exec > >(tee -a "$results")

bin=${GREENPROC:-target/dist/greenproc}
dir=${BENCH_DIR:-/dev/shm/greenproc-bench}
runs=${RUNS:-3}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
[ -x "$bin" ] || { echo "no binary at $bin: build with cargo build --profile dist" >&2; exit 2; }
mkdir -p "$dir"

# Seconds as a decimal, from a command's wall time.
seconds() {
	local start end
	start=$(date +%s.%N)
	"$@" >/dev/null 2>&1
	end=$(date +%s.%N)
	awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}'
}

# The total size of the files given that exist (an unmatched glob names none).
bytes_of() {
	local total=0 file
	for file in "$@"; do
		if [ -f "$file" ]; then total=$((total + $(stat -c %s "$file"))); fi
	done
	echo "$total"
}

# The median of the numbers given.
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

stages=(load validate derive exports render search sitemap write)
memory_stages=(load validate derive exports render sitemap write)
times_header="| records | check s | build s | $(printf '%s s | ' "${stages[@]}")pages | pages/s | peak RSS MB | files | output MB | cp -r s | build / cp -r |"
memory_header="| records | $(printf '%s | ' "${memory_stages[@]}")"
times_rows=()
memory_rows=()
download_rows=()
downloads=(data/ocds/release-package.json data/ocds/releases.jsonl data/ocds/record-package.json data/oc4ids/project-package.json data/greenproc.sqlite data/products.json)
for n in "${sizes[@]}"; do
	site="$dir/site-$n"
	[ -d "$site" ] || "$bin" gen --records "$n" --out "$site" >/dev/null
	checks=()
	for _ in $(seq "$runs"); do
		checks+=("$(seconds "$bin" check --root "$site")")
	done
	check=$(median "${checks[@]}")
	walls=()
	copies=()
	for run in $(seq "$runs"); do
		out="$dir/out-$n-$run"
		rm -rf "$out"
		log="$dir/log-$n-$run"
		/usr/bin/time -f 'rss %M' -o "$log.rss" \
			"$bin" build --root "$site" --output "$out" --timings >"$log.out" 2>"$log.err"
		walls+=("$(sed -E 's/.* in ([0-9.]+) s .*/\1/' "$log.out") $run")
		rm -rf "$dir/copy"
		copies+=("$(seconds cp -r "$out" "$dir/copy")")
		rm -rf "$dir/copy"
		[ "$run" = "$runs" ] || rm -rf "$out"
	done
	median_run=$(printf '%s\n' "${walls[@]}" | sort -g | awk -v m="$(((runs + 1) / 2))" 'NR == m {print $2}')
	log="$dir/log-$n-$median_run"
	build=$(sed -E 's/.* in ([0-9.]+) s .*/\1/' "$log.out")
	times=""
	for stage in "${stages[@]}"; do
		times+="$(awk -v s="$stage" '$2 == s {printf "%.2f", $3}' "$log.err") | "
	done
	memory=""
	for stage in "${memory_stages[@]}"; do
		memory+="$(awk -v s="$stage" '$2 == s {printf "%.0f", $7}' "$log.err") | "
	done
	pages=$(sed -E 's/.* records, ([0-9]+) pages.*/\1/' "$log.out")
	files=$(sed -E 's/.* pages, ([0-9]+) files.*/\1/' "$log.out")
	bytes=$(sed -E 's/.* files, ([0-9]+) bytes.*/\1/' "$log.out")
	rate=$(awk -v p="$pages" -v s="$build" 'BEGIN {printf "%.0f", p / s}')
	rss=$(($(awk '/rss/ {print $2}' "$log.rss") / 1024))
	size=$((bytes / 1000000))
	cp_time=$(median "${copies[@]}")
	ratio=$(awk -v b="$build" -v c="$cp_time" 'BEGIN {printf "%.1f", b / c}')
	# Downloads of the median run's output: raw and gzipped MB (split packages summed).
	out="$dir/out-$n-$runs"
	sizes_cells=""
	for file in "${downloads[@]}"; do
		stem="${file%.*}"
		ext="${file##*.}"
		raw=$(bytes_of "$out/$file" "$out/$stem"-[0-9]*."$ext")
		gz=$(bytes_of "$out/$file.gz" "$out/$stem"-[0-9]*."$ext".gz)
		sizes_cells+="$(awk -v r="$raw" -v g="$gz" 'BEGIN {printf "%.1f / %s", r / 1e6, (g > 0 ? sprintf("%.1f", g / 1e6) : "-")}') | "
	done
	validate="-"
	if [ -x "$venv" ] && [ -d "$standards" ]; then
		validate=$(seconds "$venv" "$repo/.ci/validate_ocds.py" "$out" "$standards")
	fi
	download_rows+=("| $n | $sizes_cells$validate |")
	rm -rf "$dir"/out-"$n"-*
	times_rows+=("| $n | $check | $build | $times$pages | $rate | $rss | $files | $size | $cp_time | $ratio |")
	memory_rows+=("| $n | $memory")
	echo "done: $n records (build runs: ${walls[*]})" >&2
done
echo "$times_header"
echo "|$(printf -- ' ---: |%.0s' $(seq $((${#stages[@]} + 10))))"
printf '%s\n' "${times_rows[@]}"
echo
echo "Peak RSS in MB at the end of each stage (the median run):"
echo
echo "$memory_header"
echo "|$(printf -- ' ---: |%.0s' $(seq $((${#memory_stages[@]} + 1))))"
printf '%s\n' "${memory_rows[@]}"
echo
echo "Downloads in MB, raw / gzipped (split packages summed), and CI's OCDS validator:"
echo
echo "| records | $(printf '%s | ' "${downloads[@]##*/}")validate_ocds.py s |"
echo "|$(printf -- ' ---: |%.0s' $(seq $((${#downloads[@]} + 2))))"
printf '%s\n' "${download_rows[@]}"
echo '```'
