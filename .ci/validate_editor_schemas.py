#!/usr/bin/env python3
"""Every record file of a site validates against the JSON Schema the build publishes
for its kind (schema/<name>.json), with the reference JSON Schema implementation and
its format checkers: the editors' tools (VS Code's YAML extension) and `greenproc
check` agree on what a valid file is. The Rust tests use a small validator of their
own (tests/common/schema.rs); this is the check against the standard.

usage: validate_editor_schemas.py SITE_ROOT BUILT_SITE
"""
import json
import sys
from pathlib import Path

import jsonschema
import yaml

# Where each kind's files live, as docs/data-format.md describes them; the first
# match wins.
HOMES = [
    ("data/site.yaml", "site"),
    ("data/standards/categories.yaml", "categories"),
    ("data/standards/", "edition"),
    ("data/projects/", "project"),
    ("data/catalog/", "product"),
    ("data/orgs/", "org"),
    ("data/inspections/", "inspection"),
    ("data/events/", "event"),
    ("content/policies/", "policy"),
    ("content/interpretations/", "interpretation"),
    ("content/pages/", "page"),
]


def kind_of(relative):
    for home, kind in HOMES:
        if relative == home or (home.endswith("/") and relative.startswith(home)):
            return kind
    return None


def fields_of(path):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        text = text.split("---", 2)[1]
    # Dates stay text, as greenproc reads them.
    return yaml.load(text, Loader=NoDates)


class NoDates(yaml.SafeLoader):
    """YAML 1.2 as greenproc's parser reads it: `2025-03-28` is text, not a date."""


NoDates.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def main():
    root, built = Path(sys.argv[1]), Path(sys.argv[2])
    validators = {}
    checked = 0
    failed = []
    for path in sorted(root.glob("data/**/*")) + sorted(root.glob("content/**/*")):
        if not path.is_file() or path.suffix not in (".yaml", ".yml", ".md"):
            continue
        relative = path.relative_to(root).as_posix()
        kind = kind_of(relative)
        if kind is None:
            continue
        if kind not in validators:
            schema = json.loads((built / "schema" / f"{kind}.json").read_text(encoding="utf-8"))
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            validators[kind] = cls(schema, format_checker=cls.FORMAT_CHECKER)
        for error in validators[kind].iter_errors(fields_of(path)):
            failed.append(f"{relative}: {error.message} at /{'/'.join(map(str, error.path))}")
        checked += 1
    if checked < 100:
        failed.append(f"only {checked} record files found under {root}")
    if failed:
        print("\n".join(failed), file=sys.stderr)
        sys.exit(1)
    print(f"{checked} record files valid against their schemas")


if __name__ == "__main__":
    main()
