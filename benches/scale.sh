#!/usr/bin/env bash
# Scale benchmark (issue 8): builds synthetic sites of 1k, 10k and 100k records and
# prints a markdown table of per-stage wall times, pages per second, peak RSS, output
# size and the `cp -r` time of the output, the yardstick the targets are set against.
#
#   CARGO_TARGET_DIR=/work/target-bench cargo build --release
#   GREENPROC=/work/target-bench/release/greenproc benches/scale.sh [N...]
#
# Environment:
#   GREENPROC  the binary to measure [target/release/greenproc]
#   BENCH_DIR  where sites and outputs go [/dev/shm/greenproc-bench]; set it to a
#              folder on disk for the disk run
#   RUNS       builds per size; the table shows the fastest [3]
#
# Sites are generated once per size and kept in BENCH_DIR between runs (delete it to
# regenerate); outputs are deleted after each size.
set -euo pipefail

bin=${GREENPROC:-target/release/greenproc}
dir=${BENCH_DIR:-/dev/shm/greenproc-bench}
runs=${RUNS:-3}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
[ -x "$bin" ] || { echo "no binary at $bin: build with cargo build --release" >&2; exit 2; }
mkdir -p "$dir"

# Seconds as a decimal, from a command's wall time.
seconds() {
	local start end
	start=$(date +%s.%N)
	"$@" >/dev/null
	end=$(date +%s.%N)
	awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}'
}

# The smaller of two decimals.
min() { awk -v a="$1" -v b="$2" 'BEGIN {print (a < b ? a : b)}'; }

stages=(load validate derive exports render search sitemap write total)
header="| records | check s | build s | $(printf '%s s | ' "${stages[@]}")pages | pages/s | peak RSS MB | files | output MB | cp -r s |"
rows=()
for n in "${sizes[@]}"; do
	site="$dir/site-$n"
	[ -d "$site" ] || "$bin" gen --records "$n" --out "$site" >/dev/null
	check=
	for _ in $(seq "$runs"); do
		t=$(seconds "$bin" check --root "$site")
		check=$(min "$t" "${check:-$t}")
	done
	best=
	for run in $(seq "$runs"); do
		out="$dir/out-$n-$run"
		rm -rf "$out"
		log="$dir/log-$n-$run"
		/usr/bin/time -f 'rss %M' -o "$log.rss" \
			"$bin" build --root "$site" --output "$out" --timings >"$log.out" 2>"$log.err"
		wall=$(sed -E 's/.* in ([0-9.]+) s .*/\1/' "$log.out")
		if [ -z "$best" ] || [ "$(min "$wall" "$best")" = "$wall" ]; then
			best=$wall
			best_run=$run
		fi
	done
	log="$dir/log-$n-$best_run"
	out="$dir/out-$n-$best_run"
	build=$(sed -E 's/.* in ([0-9.]+) s .*/\1/' "$log.out")
	times=""
	for stage in "${stages[@]}"; do
		times+="$(awk -v s="$stage" '$2 == s {printf "%.2f", $3}' "$log.err") | "
	done
	pages=$(sed -E 's/.* records, ([0-9]+) pages.*/\1/' "$log.out")
	files=$(sed -E 's/.* pages, ([0-9]+) files.*/\1/' "$log.out")
	rate=$(awk -v p="$pages" -v s="$build" 'BEGIN {printf "%.0f", p / s}')
	rss=$(($(awk '/rss/ {print $2}' "$log.rss") / 1024))
	size=$(($(du -sk "$out" | cut -f1) / 1024))
	rm -rf "$dir/copy"
	cp_time=$(seconds cp -r "$out" "$dir/copy")
	rm -rf "$dir/copy" "$dir"/out-"$n"-*
	rows+=("| $n | $check | $build | $times$pages | $rate | $rss | $files | $size | $cp_time |")
	echo "done: $n records" >&2
done
echo "$header"
echo "|$(printf -- ' ---: |%.0s' $(seq $((${#stages[@]} + 9))))"
printf '%s\n' "${rows[@]}"
