//! The province's downloads: its cities' datasets merged, each row led by its city,
//! the comparison of cities, the merged catalog, and a Data Package describing them
//! with each file's size and SHA-256.

use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::config::ProvinceConfig;
use super::merge::Province;
use crate::export::csv::{BOM, safe_text};
use crate::export::tables::{DatasetDef, FieldDef, FieldType, definitions};
use crate::render::format::file_size;
use crate::site_paths::BaseUrl;
use crate::write::{Output, WriteError};

/// The province's own datasets and the columns leading each merged row, from
/// `datasets.yaml` beside this file.
#[derive(serde::Deserialize)]
struct Definitions {
    city_columns: Vec<FieldDef>,
    datasets: Vec<DatasetDef>,
}

fn province_definitions() -> Result<Definitions, WriteError> {
    crate::yaml::parse_yaml(include_str!("datasets.yaml"))
        .map_err(|e| WriteError::new(format!("src/province/datasets.yaml: {e}")))
}

/// The cities' datasets merged into the province's, in download order.
const MERGED: [&str; 4] = [
    "organizations",
    "products",
    "projects",
    "credit_evaluations",
];

/// One download, as the data page lists it.
#[derive(Debug, Serialize)]
pub struct Download {
    /// Dataset name, e.g. `projects`.
    pub name: String,
    /// Chinese title.
    pub title: String,
    /// Address of the file.
    pub href: String,
    /// Its size, as people read it.
    pub size: String,
    /// Rows.
    pub rows: usize,
}

/// Writes every download and the package descriptor into `out`; the downloads as
/// the data page lists them.
pub fn write(
    config: &ProvinceConfig,
    province: &Province<'_>,
    base: &BaseUrl,
    out: &dyn Output,
) -> Result<Vec<Download>, WriteError> {
    let defs = definitions().map_err(|e| WriteError::new(e.to_string()))?;
    let own = province_definitions()?;
    let dataset = |name: &str| {
        own.datasets
            .iter()
            .find(|d| d.name == name)
            .ok_or_else(|| WriteError::new(format!("src/province/datasets.yaml lacks {name}")))
    };
    let mut downloads = Vec::new();
    let mut resources = Vec::new();
    let mut emit = |name: &str,
                    title: &str,
                    description: &str,
                    fields: Vec<serde_json::Value>,
                    bytes: Vec<u8>,
                    rows: usize|
     -> Result<(), WriteError> {
        let path = format!("data/{name}.csv");
        let sha256: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        resources.push(json!({
            "name": name,
            "type": "table",
            "path": format!("{name}.csv"),
            "scheme": "file",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "title": title,
            "description": description,
            "bytes": bytes.len(),
            "hash": format!("sha256:{sha256}"),
            "schema": { "fields": fields, "missingValues": [""] },
        }));
        downloads.push(Download {
            name: name.to_owned(),
            title: title.to_owned(),
            href: base.href(&path),
            size: file_size(bytes.len() as u64),
            rows,
        });
        out.file(&path, &bytes)
    };
    let cities = dataset("cities")?;
    let (bytes, rows) = cities_csv(cities, province)?;
    let fields = cities.fields.iter().map(field_json).collect();
    emit(
        "cities",
        &cities.title,
        &cities.description,
        fields,
        bytes,
        rows,
    )?;
    for name in MERGED {
        let Some(def) = defs.datasets.iter().find(|d| d.name == name) else {
            continue;
        };
        let mut writer = csv_writer();
        let header = own
            .city_columns
            .iter()
            .chain(&def.fields)
            .map(|f| f.name.as_str());
        writer.write_record(header).map_err(csv_error)?;
        let mut rows = 0;
        for city in &province.cities {
            let Some(data) = city.data() else { continue };
            let Some((_, table)) = data.tables.iter().find(|(n, _)| n == name) else {
                continue;
            };
            for record in table {
                let cells = def.fields.iter().zip(record.iter()).map(|(field, value)| {
                    if field.kind == FieldType::String {
                        safe_text(value)
                    } else {
                        value.into()
                    }
                });
                let lead = [
                    city.member.city.value.as_str().into(),
                    city.member.admin_code.value.as_str().into(),
                ];
                writer
                    .write_record(
                        lead.into_iter()
                            .chain(cells)
                            .map(|c: std::borrow::Cow<'_, str>| c.into_owned()),
                    )
                    .map_err(csv_error)?;
                rows += 1;
            }
        }
        let fields = own
            .city_columns
            .iter()
            .chain(&def.fields)
            .map(field_json)
            .collect();
        emit(
            name,
            &def.title,
            &def.description,
            fields,
            finish(writer)?,
            rows,
        )?;
    }
    let catalog = dataset("catalog")?;
    let (bytes, rows) = catalog_csv(catalog, province)?;
    let fields = catalog.fields.iter().map(field_json).collect();
    emit(
        "catalog",
        &catalog.title,
        &catalog.description,
        fields,
        bytes,
        rows,
    )?;
    let package = json!({
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": format!("greenproc-{}", config.admin_code.value),
        "title": config.title,
        "homepage": base.absolute(),
        "licenses": [{ "path": config.license.url.value, "title": config.license.name }],
        "contributors": [{ "title": config.publisher.name, "roles": ["publisher"] }],
        "resources": resources,
    });
    let mut bytes =
        serde_json::to_vec_pretty(&package).map_err(|e| WriteError::new(e.to_string()))?;
    bytes.push(b'\n');
    out.file("data/datapackage.json", &bytes)?;
    Ok(downloads)
}

fn cities_csv(def: &DatasetDef, province: &Province<'_>) -> Result<(Vec<u8>, usize), WriteError> {
    let mut writer = csv_writer();
    writer
        .write_record(def.fields.iter().map(|f| f.name.as_str()))
        .map_err(csv_error)?;
    for city in &province.cities {
        let state = match (&city.copy, city.failure()) {
            (Some(_), None) => "current",
            (Some(_), Some(_)) => "stale",
            (None, _) => "missing",
        };
        let figures = city.data().map(|d| d.figures).unwrap_or_default();
        let descriptor = city.copy.as_ref().map(|(d, _)| d);
        let has = city.copy.is_some();
        let money = |m: crate::model::Money| if has { m.to_string() } else { String::new() };
        let count = |n: u64| if has { n.to_string() } else { String::new() };
        let row = [
            city.member.city.value.clone(),
            city.member.admin_code.value.clone(),
            descriptor
                .map(|d| d.created.get(..10).unwrap_or_default().to_owned())
                .unwrap_or_default(),
            state.to_owned(),
            count(figures.projects),
            count(figures.covered),
            ratio_cell(figures.covered as f64, figures.projects as f64),
            money(figures.budget),
            money(figures.awarded),
            money(figures.material_amount),
            money(figures.green_amount),
            ratio_cell(
                figures.green_amount.fen() as f64,
                figures.material_amount.fen() as f64,
            ),
            count(figures.met),
            count(figures.not_met),
            count(figures.not_measurable),
            city.status
                .good
                .as_ref()
                .map(|g| g.revision[..16.min(g.revision.len())].to_owned())
                .unwrap_or_default(),
            descriptor
                .map(|d| safe_text(&d.homepage).into_owned())
                .unwrap_or_default(),
        ];
        writer.write_record(&row).map_err(csv_error)?;
    }
    Ok((finish(writer)?, province.cities.len()))
}

fn catalog_csv(def: &DatasetDef, province: &Province<'_>) -> Result<(Vec<u8>, usize), WriteError> {
    let mut writer = csv_writer();
    writer
        .write_record(def.fields.iter().map(|f| f.name.as_str()))
        .map_err(csv_error)?;
    for entry in &province.catalog {
        let cities = province.city_names(&entry.listings);
        let maker = province
            .org(&entry.manufacturer_code)
            .map(|o| o.name.as_str())
            .unwrap_or_default();
        let row = [
            safe_text(&entry.manufacturer_code),
            safe_text(maker),
            safe_text(&entry.model),
            safe_text(&entry.name),
            safe_text(&entry.category),
            safe_text(&cities.join(";")).into_owned().into(),
            cities.len().to_string().into(),
        ];
        writer
            .write_record(row.iter().map(|c| c.as_ref()))
            .map_err(csv_error)?;
    }
    Ok((finish(writer)?, province.catalog.len()))
}

fn ratio_cell(part: f64, whole: f64) -> String {
    if whole > 0.0 {
        (part / whole * 100.0).to_string()
    } else {
        String::new()
    }
}

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec())
}

fn finish(writer: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, WriteError> {
    writer
        .into_inner()
        .map_err(|e| WriteError::new(e.into_error().to_string()))
}

fn csv_error(error: csv::Error) -> WriteError {
    WriteError::new(error.to_string())
}

fn field_json(f: &FieldDef) -> serde_json::Value {
    json!({ "name": f.name, "title": f.label, "type": table_type(f.kind), "description": f.meaning })
}

/// The Table Schema type of a field type.
fn table_type(kind: FieldType) -> &'static str {
    match kind {
        FieldType::String => "string",
        FieldType::Integer => "integer",
        FieldType::Number | FieldType::Money => "number",
        FieldType::Date => "date",
        FieldType::Boolean => "boolean",
    }
}
