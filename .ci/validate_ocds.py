#!/usr/bin/env python3
"""Validates the OCDS and OC4IDS packages of a built site against the official JSON
Schemas kept in ../shared/standards (Draft 4), with no network: the absolute schema ids
the package schemas refer to are mapped to the local files.

usage: validate_ocds.py SITE_DIR STANDARDS_DIR [--province]

A province site (--province) publishes its cities' releases merged, as release
packages only: no record package and no OC4IDS package.
"""

import json
import pathlib
import sys

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def registry(folder):
    """Every schema of the folder, under its own `id` (the absolute URL)."""
    resources = []
    for path in sorted(folder.glob("*.json")):
        schema = load(path)
        if "id" in schema:
            resources.append((schema["id"], Resource.from_contents(schema, default_specification=DRAFT4)))
    return Registry().with_resources(resources)


def report(package_path, errors):
    """Prints the errors of one package, at most 50; returns how many there were."""
    for where, message in errors[:50]:
        print(f"  {package_path}: {where}: {message[:300]}")
    if len(errors) > 50:
        print(f"  ... and {len(errors) - 50} more")
    return len(errors)


def validate(package_path, schema_path, reg):
    """Validates one package and returns its number of errors.

    The schemas declare the package's array of releases, records or projects
    `uniqueItems`, which a validator checks by comparing every pair: quadratic, hours
    at 100,000 releases. So the package is checked with its first item only, each item
    on its own against the array's item schema, and uniqueness by hashing each item's
    canonical JSON: the same result in linear time.
    """
    schema = load(schema_path)
    package = load(package_path)
    key = next(k for k in ("releases", "records", "projects") if k in schema["properties"])
    items = package.get(key)
    checker = jsonschema.Draft4Validator.FORMAT_CHECKER
    errors = []

    def check(validator, instance, prefix):
        for error in validator.iter_errors(instance):
            path = prefix + [str(p) for p in error.absolute_path]
            errors.append(("/".join(path) or "(root)", error.message))

    shell = dict(package)
    if isinstance(items, list) and items:
        shell[key] = items[:1]
    check(jsonschema.Draft4Validator(schema, registry=reg, format_checker=checker), shell, [])
    if isinstance(items, list):
        item_schema = {
            "definitions": schema.get("definitions", {}),
            "$ref": schema["properties"][key]["items"]["$ref"],
        }
        item_validator = jsonschema.Draft4Validator(item_schema, registry=reg, format_checker=checker)
        seen = {}
        for i, item in enumerate(items[1:], start=1):
            check(item_validator, item, [key, str(i)])
        for i, item in enumerate(items):
            canonical = json.dumps(item, sort_keys=True, ensure_ascii=False)
            if canonical in seen:
                errors.append((f"{key}/{i}", f"the same item as {key}/{seen[canonical]} (uniqueItems)"))
            else:
                seen[canonical] = i
    errors.sort()
    count = report(package_path, errors)
    status = "ok" if not count else f"{count} error(s)"
    print(f"{package_path.name}: {status} against {schema_path.parent.name}/{schema_path.name}")
    return count


def main():
    if len(sys.argv) not in (3, 4) or (len(sys.argv) == 4 and sys.argv[3] != "--province"):
        sys.exit(__doc__)
    site, standards = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    province = len(sys.argv) == 4
    ocds, oc4ids = standards / "ocds-1.1.5", standards / "oc4ids-0.9.4"
    for folder in (ocds, oc4ids):
        if not (folder / "LICENSE").exists() and not any(folder.glob("*.json")):
            sys.exit(f"error: {folder} is missing: the official schemas come from ../shared/standards")
    checks = []
    for path in sorted((site / "data" / "ocds").glob("release-package*.json")):
        checks.append((path, ocds / "release-package-schema.json", ocds))
    for path in sorted((site / "data" / "ocds").glob("record-package*.json")):
        checks.append((path, ocds / "record-package-schema.json", ocds))
    if not province:
        checks.append((site / "data" / "oc4ids" / "project-package.json", oc4ids / "project-package-schema.json", oc4ids))
    missing = [str(p) for p, _, _ in checks if not p.exists()]
    if len(checks) < (1 if province else 3) or missing:
        sys.exit(f"error: packages missing from {site}: {missing or 'release or record package'}")
    errors = sum(validate(path, schema, registry(folder)) for path, schema, folder in checks)
    if errors:
        sys.exit(f"error: {errors} schema error(s) in the open contracting packages")


if __name__ == "__main__":
    main()
