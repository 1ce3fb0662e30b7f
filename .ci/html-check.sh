#!/usr/bin/env bash
# Valid HTML (issue 9): every page of a built site through the Nu Html Checker, the
# W3C validator, as vnu.jar from npm (tests/browser/package.json) run with the
# machine's Java; no validator service is called. Errors fail the check; warnings are
# printed and left to judgement (docs/DESIGN.md, "Accessibility", lists the known ones).
# Usage: bash .ci/html-check.sh [SITE_DIR]   (default: public, as `build` writes it)
set -euo pipefail
cd "$(dirname "$0")/.."
site="${1:-public}"

if ! command -v java >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
  else
    echo "java is missing: install Debian's default-jre-headless package (as root)" >&2
    exit 1
  fi
fi
vnu=tests/browser/node_modules/vnu-jar/build/dist/vnu.jar
# --ignore-scripts: vnu-jar's install script would download a Java runtime; the
# machine's own is used instead.
if [ ! -f "$vnu" ]; then
  (cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi

pages=$(find "$site" -name '*.html' | wc -l)
# Exit status 1 on any error; warnings alone leave it 0.
java -jar "$vnu" --skip-non-html --format gnu "$site"
echo "html-check: $pages pages in $site, no errors"
