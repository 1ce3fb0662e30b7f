#!/usr/bin/env bash
# Conformance of a built site's open data to the published standards:
#   - data/datapackage.json passes `frictionless validate` (types, constraints,
#     primary and foreign keys of every CSV);
#   - the OCDS release and record packages and the OC4IDS project package pass the
#     official JSON Schemas kept in ../shared/standards (validate_ocds.py), formats
#     (date-time, uri) included;
#   - data/dcat.jsonld parses as RDF and gives every dataset and distribution what
#     DCAT-AP asks (validate_dcat.py);
#   - every record file of the site validates against the editors' JSON Schema the
#     build publishes for its kind (validate_editor_schemas.py), with the reference
#     validator (the Rust tests use a small one of their own).
# A province site (its site.yaml lists members) publishes the Data Package, the
# merged OCDS release packages and the DCAT catalog; those are what is checked for it.
# usage: .ci/conformance.sh [SITE_DIR [SITE_ROOT]]   (default: public/ and .)
# The tools go into a virtual environment under target/, never into the system Python.
set -euo pipefail
cd "$(dirname "$0")/.."

site="${1:-public}"
root="${2:-.}"
standards="../shared/standards"
venv="target/conformance-venv"

if [ ! -d "$standards" ]; then
    echo "error: $standards is missing: the official OCDS and OC4IDS schemas are read from there (no network)" >&2
    exit 2
fi
if [ ! -f "$site/data/datapackage.json" ]; then
    echo "error: $site/data/datapackage.json is missing: build the site first (cargo run --release -- build)" >&2
    exit 2
fi

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check "frictionless>=5.18,<6" "jsonschema[format-nongpl]>=4.18,<5" "pyyaml>=6,<7" "rdflib>=7,<8"

echo "==> frictionless validate $site/data/datapackage.json"
"$venv/bin/frictionless" validate "$site/data/datapackage.json"

if grep -q '^members:' "$root/data/site.yaml"; then
    echo "==> OCDS 1.1 release packages of the province"
    "$venv/bin/python" .ci/validate_ocds.py "$site" "$standards" --province
    echo "==> DCAT catalog as RDF"
    "$venv/bin/python" .ci/validate_dcat.py "$site"
    echo "conformance passed"
    exit 0
fi

echo "==> OCDS 1.1 and OC4IDS 0.9 schemas"
"$venv/bin/python" .ci/validate_ocds.py "$site" "$standards"

echo "==> DCAT catalog as RDF"
"$venv/bin/python" .ci/validate_dcat.py "$site"

echo "==> editors' JSON Schemas"
"$venv/bin/python" .ci/validate_editor_schemas.py "$root" "$site"

echo "conformance passed"
