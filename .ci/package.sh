#!/usr/bin/env bash
# Packs a distribution build of greenproc into the archive that a release publishes:
#   greenproc-<version>-<target>.tar.gz (.zip for Windows), holding the binary,
#   README.md and the licence, and appends its line to <outdir>/SHA256SUMS.
# usage: .ci/package.sh TARGET VERSION OUTDIR [BINARY]
#   BINARY defaults to target/TARGET/dist/greenproc (greenproc.exe on Windows), as
#   `cargo build --locked --profile dist --target TARGET` leaves it.
# Used by the release workflows (.github/workflows/release.yml, .gitlab-ci.yml) and by
# .ci/run, which installs the archive it makes with install.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

target="${1:?usage: .ci/package.sh TARGET VERSION OUTDIR [BINARY]}"
version="${2:?usage: .ci/package.sh TARGET VERSION OUTDIR [BINARY]}"
outdir="${3:?usage: .ci/package.sh TARGET VERSION OUTDIR [BINARY]}"
exe=greenproc
case "$target" in *windows*) exe=greenproc.exe ;; esac
binary="${4:-target/$target/dist/$exe}"

name="greenproc-$version-$target"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name" "$outdir"
cp "$binary" "$stage/$name/$exe"
cp README.md "$stage/$name/"
printf 'greenproc is licensed under MIT OR Apache-2.0.\n' > "$stage/$name/LICENSE"

case "$target" in
    *windows*)
        archive="$name.zip"
        (cd "$stage" && 7z a -tzip -bd "$archive" "$name" > /dev/null)
        ;;
    *)
        archive="$name.tar.gz"
        # Sorted names, fixed owner and time: the same binary makes the same archive.
        tar=tar
        command -v gtar > /dev/null && tar=gtar  # macOS: GNU tar, for --sort
        "$tar" -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner \
            --mtime='1970-01-01 00:00:00Z' -cf - "$name" | gzip -9n > "$stage/$archive"
        ;;
esac
mv "$stage/$archive" "$outdir/"
(cd "$outdir" && if command -v sha256sum > /dev/null; then sha256sum "$archive"; else shasum -a 256 "$archive"; fi) >> "$outdir/SHA256SUMS"
echo "$outdir/$archive"
