#!/bin/sh
# Installs a greenproc release binary on Linux or macOS, after checking the archive
# against the release's SHA256SUMS.
#
# usage: sh install.sh VERSION [DIR]
#   VERSION  the release tag, e.g. v0.1.0
#   DIR      where to put the binary (default: $HOME/.local/bin)
# environment:
#   GREENPROC_DOWNLOAD  the address releases are downloaded from, under which each
#                       release is a folder named by its tag: for GitHub
#                       https://github.com/OWNER/greenproc/releases/download, for
#                       GitLab <api>/projects/<id>/packages/generic/greenproc, or an
#                       intranet mirror of either
#   GREENPROC_SHA256    optional: the archive's expected SHA-256, to pin it beyond
#                       the release's own SHA256SUMS
#   GREENPROC_TARGET    optional: the build to install (a Rust target triple), when
#                       not the one this system's name and processor choose
#
# Windows: download greenproc-VERSION-x86_64-pc-windows-msvc.zip and SHA256SUMS, then
# in PowerShell compare (Get-FileHash greenproc-*.zip).Hash with the zip's line of
# SHA256SUMS, unpack it and put greenproc.exe on PATH (docs/install.md).
set -eu

version="${1:?usage: sh install.sh VERSION [DIR]}"
dir="${2:-$HOME/.local/bin}"
base="${GREENPROC_DOWNLOAD:?set GREENPROC_DOWNLOAD to the address releases are downloaded from}"

if [ -n "${GREENPROC_TARGET:-}" ]; then
    target="$GREENPROC_TARGET"
else
    case "$(uname -s)-$(uname -m)" in
        Linux-x86_64) target=x86_64-unknown-linux-musl ;;
        Linux-aarch64 | Linux-arm64) target=aarch64-unknown-linux-musl ;;
        Darwin-arm64) target=aarch64-apple-darwin ;;
        Darwin-x86_64) target=x86_64-apple-darwin ;;
        *)
            echo "install.sh: no release binary for $(uname -s) $(uname -m); build from source: cargo install --locked --git <greenproc repository> --tag $version greenproc" >&2
            exit 1
            ;;
    esac
fi

archive="greenproc-$version-$target.tar.gz"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() {
    if command -v curl > /dev/null; then
        curl --fail --silent --show-error --location --output "$2" "$1"
    else
        wget --quiet --output-document "$2" "$1"
    fi
}

fetch "$base/$version/$archive" "$work/$archive"
fetch "$base/$version/SHA256SUMS" "$work/SHA256SUMS"

sha256() {
    if command -v sha256sum > /dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d' ' -f1
}
actual="$(sha256 "$work/$archive")"
listed="$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$work/SHA256SUMS")"
if [ -z "$listed" ]; then
    echo "install.sh: $archive is not listed in SHA256SUMS" >&2
    exit 1
fi
if [ "$actual" != "$listed" ]; then
    echo "install.sh: checksum mismatch for $archive: SHA256SUMS says $listed, the download is $actual" >&2
    exit 1
fi
if [ -n "${GREENPROC_SHA256:-}" ] && [ "$actual" != "$GREENPROC_SHA256" ]; then
    echo "install.sh: checksum mismatch for $archive: GREENPROC_SHA256 is $GREENPROC_SHA256, the download is $actual" >&2
    exit 1
fi

tar -xzf "$work/$archive" -C "$work"
mkdir -p "$dir"
cp "$work/greenproc-$version-$target/greenproc" "$dir/greenproc.new"
chmod 755 "$dir/greenproc.new"
mv "$dir/greenproc.new" "$dir/greenproc"
echo "installed $("$dir/greenproc" --version) into $dir"
