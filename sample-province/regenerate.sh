#!/usr/bin/env bash
# Regenerates the two synthetic member cities of the sample province: each is a site
# made by `greenproc gen`, built, and only its published data (data/*.csv,
# data/datapackage.json and data/ocds/releases.jsonl) kept under cities/<code>/. Run it after a change to the
# published datasets (PACKAGE_FORMAT or src/export/datasets.yaml), from the
# repository root: sample-province/regenerate.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for member in "潍坊市 370700 260" "临沂市 371300 320"; do
  read -r city code records <<<"$member"
  target/release/greenproc gen --records "$records" --out "$work/site-$code" --city "$city" --admin-code "$code"
  target/release/greenproc build --quiet --root "$work/site-$code" --output "$work/out-$code"
  rm -rf "sample-province/cities/$code"
  mkdir -p "sample-province/cities/$code/data"
  mkdir -p "sample-province/cities/$code/data/ocds"
  cp "$work/out-$code"/data/*.csv "$work/out-$code/data/datapackage.json" "sample-province/cities/$code/data/"
  cp "$work/out-$code/data/ocds/releases.jsonl" "sample-province/cities/$code/data/ocds/"
done
