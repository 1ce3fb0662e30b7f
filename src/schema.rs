//! JSON Schemas of every YAML kind, generated from the record types so that they can
//! never drift from what `check` accepts. Editors' tools (VS Code's YAML extension)
//! use them to complete and check fields while typing.

use schemars::{JsonSchema, generate::SchemaSettings};

use crate::model::{
    Edition, Event, Inspection, Interpretation, Org, Page, Policy, Product, Project, SiteConfig,
    Taxonomy,
};

/// Makes the JSON Schema of one record kind.
pub type SchemaFn = fn() -> serde_json::Value;

/// The kinds an editor writes, with the schema file name each is published under.
pub const KINDS: &[(&str, SchemaFn)] = &[
    ("site", schema_of::<SiteConfig>),
    ("categories", schema_of::<Taxonomy>),
    ("edition", schema_of::<Edition>),
    ("project", schema_of::<Project>),
    ("product", schema_of::<Product>),
    ("org", schema_of::<Org>),
    ("inspection", schema_of::<Inspection>),
    ("event", schema_of::<Event>),
    ("policy", schema_of::<Policy>),
    ("interpretation", schema_of::<Interpretation>),
    ("page", schema_of::<Page>),
];

/// The JSON Schema (draft 2020-12) of one record type.
fn schema_of<T: JsonSchema>() -> serde_json::Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    generator.into_root_schema_for::<T>().to_value()
}

/// Every schema as `(path under the site, pretty JSON)`, e.g. `schema/project.json`.
pub fn schema_files() -> Vec<(String, String)> {
    KINDS
        .iter()
        .map(|(name, schema)| {
            let json = serde_json::to_string_pretty(&schema()).unwrap_or_default();
            (format!("schema/{name}.json"), json + "\n")
        })
        .collect()
}

/// The schema name for a file under the site root, for `$schema` comments and tests.
pub fn kind_of_file(relative: &str) -> Option<&'static str> {
    use crate::load::paths;
    let under = |folder: &str| relative.starts_with(&format!("{folder}/"));
    Some(match relative {
        paths::SITE => "site",
        paths::TAXONOMY => "categories",
        _ if under(paths::STANDARDS) => "edition",
        _ if under(paths::PROJECTS) => "project",
        _ if under(paths::CATALOG) => "product",
        _ if under(paths::ORGS) => "org",
        _ if under(paths::INSPECTIONS) => "inspection",
        _ if under(paths::EVENTS) => "event",
        _ if under(paths::POLICIES) => "policy",
        _ if under(paths::INTERPRETATIONS) => "interpretation",
        _ if under(paths::PAGES) => "page",
        _ => return None,
    })
}
