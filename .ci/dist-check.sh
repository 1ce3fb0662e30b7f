#!/usr/bin/env bash
# The distribution binary as users get it: builds the dist profile (what the release
# workflows ship), checks its size and that it runs, packs it with .ci/package.sh,
# serves the archive and SHA256SUMS from a local web server, installs it with
# install.sh (checksum verified), builds the sample site with the installed binary,
# and checks that a tampered archive is refused.
set -euo pipefail
cd "$(dirname "$0")/.."

max_bytes=$((25 * 1024 * 1024))
host="$(rustc -vV | sed -n 's/^host: //p')"
version="v$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"

cargo build --quiet --locked --profile dist
binary=target/dist/greenproc
size=$(wc -c < "$binary")
echo "dist binary: $size bytes ($((size / 1024 / 1024)) MB), limit $((max_bytes / 1024 / 1024)) MB"
if [ "$size" -gt "$max_bytes" ]; then
    echo "error: the distribution binary is larger than 25 MB" >&2
    exit 1
fi
"$binary" --version

work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2> /dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

.ci/package.sh "$host" "$version" "$work/releases/$version" "$binary" > /dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$work/releases" "$port" > /dev/null 2>&1 &
server_pid=$!
for _ in $(seq 50); do
    if curl --silent --fail "http://127.0.0.1:$port/$version/SHA256SUMS" > /dev/null; then break; fi
    sleep 0.1
done

export GREENPROC_DOWNLOAD="http://127.0.0.1:$port" GREENPROC_TARGET="$host"
sh install.sh "$version" "$work/bin"
"$work/bin/greenproc" build --quiet --output "$work/site"
test -f "$work/site/index.html"
echo "installed binary built the sample site"

# A release whose archive does not match SHA256SUMS installs nothing.
archive="$work/releases/$version/greenproc-$version-$host.tar.gz"
printf 'x' >> "$archive"
rm "$work/bin/greenproc"
if sh install.sh "$version" "$work/bin" 2> "$work/err"; then
    echo "error: install.sh installed an archive that does not match SHA256SUMS" >&2
    exit 1
fi
grep -q "checksum mismatch" "$work/err"
test ! -e "$work/bin/greenproc"
echo "a tampered archive is refused: $(cat "$work/err")"
