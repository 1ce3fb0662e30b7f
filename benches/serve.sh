#!/usr/bin/env bash
# Preview latency (issues 7 and 8): the time from saving a project's file to the
# rebuilt project page being served by `greenproc serve`.
#
#   cargo build --profile dist
#   benches/serve.sh SITE [EDITS]
#
# SITE is a site folder: it is copied to a temporary folder first (a 100k site from
# `greenproc gen --records 100000 --out /dev/shm/gp100k` copies in seconds on tmpfs),
# so the original stays untouched. Each edit renames the first project and saves the
# file as editors do (a new file renamed over the old); the script polls the page
# until it shows the new name. Prints each latency and the median, and serve's own
# log lines.
#
# Environment:
#   GREENPROC  the binary [target/dist/greenproc]
#   WORK       where the copy and the preview go [/dev/shm/greenproc-serve-bench]
set -euo pipefail
# The log lines are parsed below: English, whatever the locale.
export GREENPROC_LANG=en

# Everything printed also goes to benches/results/serve.md, the latest run's record.
results="$(cd "$(dirname "$0")" && pwd)/results/serve.md"
printf '# benches/serve.sh %s, %s\n\n```text\n' "$*" "$(date -u +%F)" >"$results"
exec > >(tee -a "$results")

bin=${GREENPROC:-target/dist/greenproc}
site=${1:?usage: benches/serve.sh SITE [EDITS]}
edits=${2:-5}
work=${WORK:-/dev/shm/greenproc-serve-bench}
rm -rf "$work"
mkdir -p "$work/tmp"
cp -r "$site" "$work/site"
log="$work/serve.log"
TMPDIR="$work/tmp" "$bin" serve --root "$work/site" --port 0 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT

until grep -q '^serve: built' "$log"; do
	kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }
	sleep 0.2
done
port=$(grep -m1 -o 'http://127.0.0.1:[0-9]*' "$log" | cut -d: -f3)
file=$(find "$work/site/data/projects" -name '*.yaml' | sort | sed -n 1p)
id=$(basename "$file" .yaml)
url="http://127.0.0.1:$port/projects/$id/"
grep '^serve: built' "$log"

latencies=()
for i in $(seq 1 "$edits"); do
	name="预览测量工程$i"
	sed "s/^name: .*/name: $name/" "$file" >"$file.part"
	start=$(date +%s%N)
	mv "$file.part" "$file"
	until curl -s "$url" | grep -q "$name"; do :; done
	end=$(date +%s%N)
	ms=$(((end - start) / 1000000))
	latencies+=("$ms")
	echo "edit $i: page served after $ms ms"
	# Let the second step (lists, search, open data) finish before the next edit.
	until [ "$(grep -c '^serve: updated' "$log")" -ge "$i" ]; do sleep 0.1; done
done
grep -E '^serve: (rebuilt|updated)' "$log"
sorted=$(printf '%s\n' "${latencies[@]}" | sort -n)
echo "median: $(echo "$sorted" | sed -n "$(((edits + 1) / 2))p") ms over $edits edits"
echo '```'
