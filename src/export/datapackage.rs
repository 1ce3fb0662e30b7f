//! `data/datapackage.json`: a Frictionless Data Package (v2) describing every CSV with
//! a Table Schema, its size and SHA-256, so that `frictionless validate` checks the
//! files are the ones described and their types, required values, codes, primary keys
//! and foreign keys.

use serde_json::{Map, Value, json};

use super::inventory::Inventory;
use super::tables::{FieldDef, FieldType, Table, definitions};
use super::{ExportError, ExportFile, Site, json::pretty, timestamp};

/// The version of the package's layout (its resources, their fields and codes), as
/// `x_greenproc_format` declares it: a province site reads the packages of its cities
/// only in the version it knows. Raised whenever a field the province reads changes.
pub const PACKAGE_FORMAT: u32 = 1;

/// Builds the package descriptor; resource paths are relative to `data/`. Each CSV's
/// size and hash are those `inventory` took of the written file.
/// `ocds` is the OCDS releases file (JSON Lines), which a province site gathers
/// beside the tables: named outside `resources`, since it is no table.
pub(super) fn write(
    site: &Site,
    tables: &[Table],
    inventory: &Inventory,
    ocds: Option<(&str, u64, &str)>,
) -> Result<ExportFile, ExportError> {
    let bundle = &definitions()?.bundles.datapackage;
    let config = site.config;
    let resources: Vec<Value> = tables
        .iter()
        .map(|t| {
            let path = format!("data/{}.csv", t.def.name);
            let csv = inventory
                .datasets
                .iter()
                .flat_map(|d| &d.downloads)
                .find(|d| d.path == path)
                .ok_or_else(|| ExportError::Definition(format!("{path} was not written")))?;
            Ok(json!({
                "name": t.def.name,
                "type": "table",
                "path": format!("{}.csv", t.def.name),
                "scheme": "file",
                "format": "csv",
                "mediatype": "text/csv",
                // Frictionless reads the byte-order mark as part of UTF-8.
                "encoding": "utf-8",
                "title": t.def.title,
                "description": t.def.description,
                "bytes": csv.bytes,
                "hash": format!("sha256:{}", csv.sha256),
                "schema": schema(t),
            }))
        })
        .collect::<Result<_, ExportError>>()?;
    let mut package = json!({
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": format!("greenproc-{}", config.admin_code.value),
        "title": config.title,
        "description": bundle.description,
        "homepage": site.base.absolute(),
        "created": timestamp(site.as_of),
        "keywords": definitions()?.strings.keywords,
        "licenses": [{ "path": config.license.url, "title": config.license.name }],
        "contributors": [{ "title": config.publisher.name, "roles": ["publisher"] }],
        "resources": resources,
        "x_greenproc_format": PACKAGE_FORMAT,
    });
    if let Some((path, bytes, sha256)) = ocds {
        package["x_greenproc_ocds"] = json!({
            "path": path.strip_prefix("data/").unwrap_or(path),
            "format": "jsonl",
            "bytes": bytes,
            "hash": format!("sha256:{sha256}"),
        });
    }
    Ok(ExportFile {
        path: "data/datapackage.json".to_owned(),
        bytes: pretty(&package)?,
    })
}

/// The Table Schema of one dataset.
fn schema(table: &Table) -> Value {
    let fields: Vec<Value> = table.def.fields.iter().map(field).collect();
    let foreign_keys: Vec<Value> = table
        .def
        .fields
        .iter()
        .filter_map(|f| {
            let (resource, key) = f.reference()?;
            Some(json!({
                "fields": [f.name],
                "reference": { "resource": resource, "fields": [key] },
            }))
        })
        .collect();
    let mut schema = json!({
        "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
        "fields": fields,
        "missingValues": [""],
        "primaryKey": table.def.primary_key,
    });
    if !foreign_keys.is_empty() {
        schema["foreignKeys"] = foreign_keys.into();
    }
    schema
}

/// A field as a Table Schema describes it, with its constraints.
pub(crate) fn field(f: &FieldDef) -> Value {
    let kind = match f.kind {
        FieldType::String => "string",
        FieldType::Integer => "integer",
        FieldType::Number | FieldType::Money => "number",
        FieldType::Date => "date",
        FieldType::Boolean => "boolean",
    };
    let description = if f.unit.is_empty() {
        f.meaning.clone()
    } else {
        format!("{} ({})", f.meaning, f.unit)
    };
    let mut value = Map::new();
    value.insert("name".into(), f.name.clone().into());
    value.insert("title".into(), f.label.clone().into());
    value.insert("description".into(), description.into());
    value.insert("type".into(), kind.into());
    let mut constraints = Map::new();
    if f.required {
        constraints.insert("required".into(), true.into());
    }
    if !f.values.is_empty() {
        let codes: Vec<&str> = f.values.iter().map(|(code, _)| code.as_str()).collect();
        constraints.insert("enum".into(), codes.into());
    }
    if !constraints.is_empty() {
        value.insert("constraints".into(), constraints.into());
    }
    value.into()
}
