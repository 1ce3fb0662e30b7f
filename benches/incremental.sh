#!/usr/bin/env bash
# Incremental build and publish benchmark (issue 21): on a synthetic site of N records
# (100,000 by default), one-record edits built into the previous output against a
# full build, in one run, alternating; and what `publish` sends after each, against
# the first, full upload. Prints a markdown table.
#
#   CARGO_TARGET_DIR=/work/target-bench cargo build --profile dist
#   GREENPROC=/work/target-bench/dist/greenproc benches/incremental.sh [N]
#
# Environment:
#   GREENPROC  the binary to measure [target/dist/greenproc]
#   BENCH_DIR  where the site, outputs and the publish folder go
#              [/dev/shm/greenproc-bench]
#   RUNS       rounds; each round edits a product, then a project, building each
#              incrementally, and makes one full build [3]; the table shows medians
#
# Publishing goes to a folder in BENCH_DIR: the files and bytes sent are what an S3
# bucket would receive (tests/publish.rs checks both destinations alike); the time
# is a local copy's, not a network's. The site is built without git history, as in
# benches/scale.sh.
set -euo pipefail
export GREENPROC_LANG=en
n=${1:-100000}
bin=${GREENPROC:-target/dist/greenproc}
dir=${BENCH_DIR:-/dev/shm/greenproc-bench}
runs=${RUNS:-3}
[ -x "$bin" ] || { echo "no binary at $bin: build with cargo build --profile dist" >&2; exit 2; }

results="$(cd "$(dirname "$0")" && pwd)/results/incremental.md"
printf '# benches/incremental.sh %s, %s\n\n```text\n' "$n" "$(date -u +%F)" >"$results"
exec > >(tee -a "$results")

mkdir -p "$dir"
site="$dir/site-$n"
out="$dir/incremental-out"
dest="$dir/incremental-published"
[ -d "$site" ] || "$bin" gen --records "$n" --out "$site" >/dev/null
rm -rf "$out" "$dest"

# Seconds a command takes; its stdout goes to $last.
last="$dir/incremental-last.txt"
timed() {
	local start end
	start=$(date +%s.%N)
	"$@" >"$last"
	end=$(date +%s.%N)
	awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}'
}

# "uploaded N files (B bytes)" of the last publish, as "N B".
sent() { sed -n 's/.*uploaded \([0-9]*\) files (\([0-9]*\) bytes).*/\1 \2/p' "$last"; }

# Adds or takes off a mark on the name of the first record file under $1.
edit() {
	local file
	file=$(find "$site/$1" -name '*.yaml' | sort | sed -n 1p)
	if grep -q '^name: .*（改）"$' "$file"; then
		sed -i '0,/^name: /s/（改）"$/"/' "$file"
	else
		sed -i '0,/^name: /s/"$/（改）"/' "$file"
	fi
}

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

first_build=$(timed "$bin" build --quiet --root "$site" --output "$out")
first_publish=$(timed "$bin" publish "$dest" --output "$out")
read -r all_files all_bytes <<<"$(sent)"

declare -a full_s product_s project_s product_files product_bytes project_files project_bytes
for _ in $(seq "$runs"); do
	edit data/catalog
	product_s+=("$(timed "$bin" build --quiet --root "$site" --output "$out")")
	timed "$bin" publish "$dest" --output "$out" >/dev/null
	read -r f b <<<"$(sent)"
	product_files+=("$f") product_bytes+=("$b")
	edit data/projects
	project_s+=("$(timed "$bin" build --quiet --root "$site" --output "$out")")
	timed "$bin" publish "$dest" --output "$out" >/dev/null
	read -r f b <<<"$(sent)"
	project_files+=("$f") project_bytes+=("$b")
	# The same site built whole, into the same previous output, as --full does.
	full_s+=("$(timed "$bin" build --quiet --full --root "$site" --output "$out")")
done

full=$(median "${full_s[@]}")
ratio() { awk -v a="$1" -v b="$full" 'BEGIN {printf "%.2f", a / b}'; }
share() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f %%", 100 * a / b}'; }
p=$(median "${product_s[@]}")
j=$(median "${project_s[@]}")
pf=$(median "${product_files[@]}")
pb=$(median "${product_bytes[@]}")
jf=$(median "${project_files[@]}")
jb=$(median "${project_bytes[@]}")
echo "records: $n; runs: $runs (medians); first build into an empty folder: $first_build s"
echo
echo "| build | seconds | / full build | files sent | bytes sent | share of a full upload |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
echo "| full (\`--full\`), into the previous output | $full | 1.00 | $all_files | $all_bytes | 100 % |"
echo "| one product renamed, incremental | $p | $(ratio "$p") | $pf | $pb | $(share "$pb" "$all_bytes") |"
echo "| one project renamed, incremental | $j | $(ratio "$j") | $jf | $jb | $(share "$jb" "$all_bytes") |"
echo
echo "first publish (everything, to a folder on the same disk): $first_publish s"
echo '```'
