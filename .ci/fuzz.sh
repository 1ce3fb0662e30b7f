#!/usr/bin/env bash
# A short fuzzing run: each target of fuzz/ (load, markdown, search, export, serve) for
# FUZZ_SECONDS (default 20), starting from the committed corpus, on the stable
# toolchain (libFuzzer without a sanitizer, which cargo-fuzz builds on stable). New
# corpus entries go to a temporary folder, so the work tree is left as it was. A
# finding fails the step; its input is in fuzz/artifacts/<target>/ and reproduces with
# `cargo fuzz run --sanitizer none <target> fuzz/artifacts/<target>/<file>`.
#
# .ci/run calls it: installing cargo-fuzz and building the instrumented targets take
# about five minutes on a quiet 2-core machine. The longer run the closing notes
# report is the same with FUZZ_SECONDS=600 (docs/DESIGN.md, "Hardening").
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-20}

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked --version 0.13.2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for target in load markdown search export serve; do
    mkdir -p "$work/$target"
    echo "==> fuzz $target for ${seconds}s"
    cargo fuzz run --sanitizer none "$target" "$work/$target" "fuzz/corpus/$target" -- \
        -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1
done
