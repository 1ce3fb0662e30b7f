#!/usr/bin/env bash
# Browser tests in a real headless Chromium: search (issue 4) on the search fixture
# site, and payloads that must not run, under a strict CSP too (issue 9), on the hostile
# fixture site. Builds both sites, installs Chromium (Debian package) and playwright-core when missing, then runs
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
# At the server's root, as the tests ask for /projects/… rather than /zibo/projects/….
hostile=target/hostile-fixture-site
rm -rf "$hostile"
cargo run --quiet --release -- build --root tests/fixtures/hostile --output "$hostile" \
  --base-url https://example.org/

cd tests/browser
npm ci --no-audit --no-fund --loglevel=error
SITE_DIR="../../$site" HOSTILE_SITE_DIR="../../$hostile" node --test
