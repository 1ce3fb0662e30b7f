#!/usr/bin/env bash
# Search tests in a real headless Chromium (issue 4): builds the search fixture site,
# installs Chromium (Debian package) and playwright-core when missing, then runs
# tests/browser with node's test runner. Usage: bash .ci/browser-tests.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    echo "chromium is missing: install Debian's chromium package (as root)" >&2
    exit 1
  fi
fi

site=target/search-fixture-site
rm -rf "$site"
cargo run --quiet --release -- build --root tests/fixtures/search --output "$site"

cd tests/browser
npm ci --no-audit --no-fund --loglevel=error
SITE_DIR="../../$site" node --test
