#!/usr/bin/env bash
# Browser tests in a real headless Chromium: search (issue 4) on the search fixture
# site; payloads that must not run, under a strict CSP too (issue 9), on the hostile
# fixture site; accessibility (axe-core, keyboard, the 适老化 mode, reflow at 320 px;
# issue 9) and the list explorer (issue 16) on the sample site; paging through lists
# longer than a page on a generated site; the sample province's pages (accessibility,
# reflow, 一码通查). Builds the five sites, installs Chromium
# (Debian package) and playwright-core when missing, then runs tests/browser with
# node's test runner. Usage: bash .ci/browser-tests.sh
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

sample=target/sample-site
rm -rf "$sample"
cargo run --quiet --release -- build --output "$sample" --base-url https://example.org/

# Lists longer than a page (100 rows): 120 projects, 240 organizations, 720 products.
lists=target/lists-site
rm -rf "$lists" target/lists-source
cargo run --quiet --release -- gen --records 1200 --out target/lists-source >/dev/null
cargo run --quiet --release -- build --root target/lists-source --output "$lists" \
  --base-url https://example.org/

# The sample province reads the sample city's package from public/, as its README has
# it: the city is built there first.
province=target/province-site
rm -rf "$province"
cargo run --quiet --release -- build --quiet
cargo run --quiet --release -- build --quiet --root sample-province --fetch --output "$province" \
  --base-url https://example.org/

cd tests/browser
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
SITE_DIR="../../$site" HOSTILE_SITE_DIR="../../$hostile" SAMPLE_SITE_DIR="../../$sample" \
  LISTS_SITE_DIR="../../$lists" PROVINCE_SITE_DIR="../../$province" node --test
