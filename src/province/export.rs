//! The province's downloads: its cities' datasets merged, each row led by its city,
//! the comparison of cities, the merged catalog, and a Data Package describing them
//! with each file's size and SHA-256.

use serde::Serialize;
use serde_json::json;

use super::config::ProvinceConfig;
use super::merge::Province;
use crate::export::csv::{BOM, safe_text};
use crate::export::dcat::{Catalog, DCAT_PATH, Described, catalog as dcat_catalog};
use crate::export::tables::{DatasetDef, FieldDef, FieldType, definitions};
use crate::render::format::file_size;
use crate::site_paths::BaseUrl;
use crate::write::{Output, Staging, WriteError};

/// The province's own datasets and the columns leading each merged row, from
/// `datasets.yaml` beside this file.
#[derive(serde::Deserialize)]
struct Definitions {
    city_columns: Vec<FieldDef>,
    catalog_description: String,
    ocds: About,
    datasets: Vec<DatasetDef>,
}

/// A download's title and description.
#[derive(serde::Deserialize)]
struct About {
    title: String,
    description: String,
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

/// One dataset, as the data page lists it.
#[derive(Debug, Serialize)]
pub struct Download {
    /// Dataset name, e.g. `projects`.
    pub name: String,
    /// Chinese title.
    pub title: String,
    /// What it holds.
    pub description: String,
    /// Rows, or releases.
    pub rows: usize,
    /// Its files.
    pub files: Vec<DownloadFile>,
}

/// One file of a download.
#[derive(Debug, Serialize)]
pub struct DownloadFile {
    /// File name, e.g. `projects.csv`.
    pub name: String,
    /// Its address.
    pub href: String,
    /// Its size, as people read it.
    pub size: String,
    /// What the catalog says of it.
    #[serde(skip)]
    pub entry: crate::export::inventory::Download,
}

impl DownloadFile {
    fn new(
        base: &BaseUrl,
        path: &str,
        kind: (&'static str, &'static str),
        written: (u64, String),
    ) -> DownloadFile {
        let (format, media_type) = kind;
        let (bytes, sha256) = written;
        DownloadFile {
            name: path.rsplit('/').next().unwrap_or(path).to_owned(),
            href: base.href(path),
            size: file_size(bytes),
            entry: crate::export::inventory::Download {
                path: path.to_owned(),
                url: base.url(path),
                format,
                media_type,
                gzipped: false,
                bytes,
                sha256,
            },
        }
    }
}

/// Format names and media types of the province's files.
const CSV: (&str, &str) = ("CSV", "text/csv");
const JSON_LINES: (&str, &str) = ("OCDS", "application/jsonl");
const OCDS_PACKAGE: (&str, &str) = ("OCDS", "application/json");

/// Writes every download and the package descriptor into `out`; the downloads as
/// the data page lists them.
pub fn write(
    config: &ProvinceConfig,
    province: &Province<'_>,
    base: &BaseUrl,
    out: &Staging,
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
    let mut emit = |def: &DatasetDef,
                    schema: serde_json::Value,
                    bytes: Vec<u8>,
                    rows: usize|
     -> Result<(), WriteError> {
        let (name, title, description) = (&def.name, &def.title, &def.description);
        let path = format!("data/{name}.csv");
        let sha256 = crate::export::sha256_hex(&bytes);
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
            "schema": schema,
        }));
        downloads.push(Download {
            name: name.clone(),
            title: title.clone(),
            description: description.clone(),
            rows,
            files: vec![DownloadFile::new(
                base,
                &path,
                CSV,
                (bytes.len() as u64, sha256.clone()),
            )],
        });
        out.file(&path, &bytes)
    };
    let cities = dataset("cities")?;
    let (bytes, rows) = cities_csv(cities, province)?;
    let fields = table_schema(cities.fields.iter(), &cities.primary_key);
    emit(cities, fields, bytes, rows)?;
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
            let lead = [&city.member.city.value, &city.member.admin_code.value];
            for record in table {
                // Field by field: a row's text is guarded, never copied.
                for value in lead {
                    writer.write_field(value).map_err(csv_error)?;
                }
                for (field, value) in def.fields.iter().zip(record.iter()) {
                    let value = match field.kind {
                        FieldType::String => safe_text(value),
                        _ => value.into(),
                    };
                    writer.write_field(value.as_bytes()).map_err(csv_error)?;
                }
                writer.write_record(None::<&[u8]>).map_err(csv_error)?;
                rows += 1;
            }
        }
        // A city's key is unique in that city: with the city's code, in the province.
        let key: Vec<String> = std::iter::once("city_code".to_owned())
            .chain(def.primary_key.iter().cloned())
            .collect();
        let fields = table_schema(own.city_columns.iter().chain(&def.fields), &key);
        emit(def, fields, finish(writer)?, rows)?;
    }
    let catalog = dataset("catalog")?;
    let (bytes, rows) = catalog_csv(catalog, province)?;
    let fields = table_schema(catalog.fields.iter(), &catalog.primary_key);
    emit(catalog, fields, bytes, rows)?;
    downloads.push(ocds(config, province, base, out, &own.ocds)?);
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
    // The catalog needs the date of the data: none without a city's copy.
    if let Some(as_of) = province
        .as_of
        .as_deref()
        .and_then(crate::model::Date::parse)
    {
        let entries: Vec<Vec<crate::export::inventory::Download>> = downloads
            .iter()
            .map(|d| d.files.iter().map(|f| f.entry.clone()).collect())
            .collect();
        let described: Vec<Described<'_>> = downloads
            .iter()
            .zip(&entries)
            .map(|(d, files)| Described {
                page: base.url(&format!("data/#dataset-{}", d.name)),
                title: &d.title,
                description: &d.description,
                first: None,
                last: as_of,
                downloads: files,
            })
            .collect();
        let keywords = &defs.strings.keywords;
        let about = Catalog {
            address: base.url(DCAT_PATH),
            title: &config.title,
            description: &own.catalog_description,
            publisher: &config.publisher.name,
            publisher_id: &json!(config.publisher.credit_code.value),
            place: &config.province,
            place_code: &config.admin_code.value,
            license: &config.license.url.value,
            modified: as_of,
            homepage: base.absolute(),
            keywords,
        };
        let mut bytes = serde_json::to_vec_pretty(&dcat_catalog(&about, &described))
            .map_err(|e| WriteError::new(e.to_string()))?;
        bytes.push(b'\n');
        out.file(DCAT_PATH, &bytes)?;
    }
    Ok(downloads)
}

/// OCDS packages hold at most this many releases, and about this many bytes: the
/// limits the city's packages keep, so that the OCDS tools open each file.
const PACKAGE_RELEASES: usize = 100_000;
const PACKAGE_BYTES: u64 = 100_000_000;

/// The cities' OCDS releases, as JSON Lines and as release packages: streamed from
/// the copies to the output, never held whole.
fn ocds(
    config: &ProvinceConfig,
    province: &Province<'_>,
    base: &BaseUrl,
    out: &Staging,
    about: &About,
) -> Result<Download, WriteError> {
    let sources: Vec<std::path::PathBuf> = province
        .cities
        .iter()
        .filter_map(|c| Some(c.folder.as_ref()?.join(&c.copy.as_ref()?.0.ocds.path)))
        .collect();
    let read_error =
        |e: std::io::Error| WriteError::new(format!("reading a city's OCDS copy: {e}"));
    // First pass: where each package file starts, by release count and bytes.
    let mut packages: Vec<(usize, u64)> = vec![(0, 0)];
    let mut releases = 0;
    for_each_release(&sources, &mut |line| {
        let (count, bytes) = packages.last_mut().expect("starts non-empty");
        if *count > 0 && (*count >= PACKAGE_RELEASES || *bytes + line.len() as u64 > PACKAGE_BYTES)
        {
            packages.push((1, line.len() as u64));
        } else {
            *count += 1;
            *bytes += line.len() as u64;
        }
        releases += 1;
        Ok(())
    })
    .map_err(read_error)?;
    let jsonl = "data/ocds/releases.jsonl";
    let jsonl_bytes = out.write_with(jsonl, &mut |w| {
        for_each_release(&sources, &mut |line| {
            w.write_all(line.as_bytes())?;
            w.write_all(b"\n")
        })
    })?;
    let names: Vec<String> = if packages.len() == 1 {
        vec!["data/ocds/release-package.json".to_owned()]
    } else {
        (1..=packages.len())
            .map(|i| format!("data/ocds/release-package-{i}.json"))
            .collect()
    };
    let published = province
        .as_of
        .as_ref()
        .map(|d| format!("{d}T00:00:00+08:00"));
    // The second pass writes the packages one after another from one stream of lines.
    let mut lines: Vec<String> = Vec::new();
    let mut file = 0;
    let mut in_file = 0;
    let mut sizes = Vec::new();
    let mut flush = |lines: &mut Vec<String>, file: usize| -> Result<(), WriteError> {
        let header = json!({
            "uri": base.url(&names[file]),
            "version": "1.1",
            "publishedDate": published,
            "publisher": { "name": config.publisher.name, "scheme": "CN-USCI", "uid": config.publisher.credit_code.value },
            "license": config.license.url.value,
        });
        let mut head =
            serde_json::to_string(&header).map_err(|e| WriteError::new(e.to_string()))?;
        head.pop();
        let written = out.write_with(&names[file], &mut |w| {
            w.write_all(head.as_bytes())?;
            w.write_all(b",\"releases\":[\n")?;
            for (i, line) in lines.iter().enumerate() {
                if i > 0 {
                    w.write_all(b",\n")?;
                }
                w.write_all(line.as_bytes())?;
            }
            w.write_all(b"\n]}\n")
        })?;
        sizes.push(written);
        lines.clear();
        Ok(())
    };
    let mut failed = None;
    for_each_release(&sources, &mut |line| {
        if in_file == packages[file].0 && file + 1 < packages.len() {
            if let Err(e) = flush(&mut lines, file) {
                failed = Some(e);
                return Err(std::io::Error::other("stopped"));
            }
            file += 1;
            in_file = 0;
        }
        lines.push(line.to_owned());
        in_file += 1;
        Ok(())
    })
    .map_err(|e| failed.take().unwrap_or_else(|| read_error(e)))?;
    flush(&mut lines, file)?;
    let mut files = vec![DownloadFile::new(base, jsonl, JSON_LINES, jsonl_bytes)];
    for (name, written) in names.iter().zip(sizes) {
        files.push(DownloadFile::new(base, name, OCDS_PACKAGE, written));
    }
    Ok(Download {
        name: "ocds".to_owned(),
        title: about.title.clone(),
        description: about.description.clone(),
        rows: releases,
        files,
    })
}

/// Calls `each` with every release line of the files, in order, without its line
/// break; empty lines are skipped.
fn for_each_release(
    sources: &[std::path::PathBuf],
    each: &mut dyn FnMut(&str) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::BufRead as _;
    for source in sources {
        let input = std::io::BufReader::new(std::fs::File::open(source)?);
        for line in input.lines() {
            let line = line?;
            let line = line.trim_end_matches('\r');
            if !line.is_empty() {
                each(line)?;
            }
        }
    }
    Ok(())
}

fn cities_csv(def: &DatasetDef, province: &Province<'_>) -> Result<(Vec<u8>, usize), WriteError> {
    let mut writer = csv_writer();
    writer
        .write_record(def.fields.iter().map(|f| f.name.as_str()))
        .map_err(csv_error)?;
    for city in &province.cities {
        let state = city.state();
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
            ratio_cell(figures.coverage()),
            money(figures.budget),
            money(figures.awarded),
            money(figures.material_amount),
            money(figures.green_amount),
            ratio_cell(figures.green_ratio()),
            count(figures.met),
            count(figures.not_met),
            count(figures.not_measurable),
            city.status
                .good
                .as_ref()
                .map(|g| g.short().to_owned())
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

fn ratio_cell(ratio: Option<f64>) -> String {
    ratio.map(|r| r.to_string()).unwrap_or_default()
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

/// A Table Schema: the fields, with the constraints a city's package gives them, and
/// the primary key.
fn table_schema<'a>(
    fields: impl Iterator<Item = &'a FieldDef>,
    key: &[String],
) -> serde_json::Value {
    let fields: Vec<serde_json::Value> = fields.map(crate::export::datapackage::field).collect();
    json!({ "fields": fields, "missingValues": [""], "primaryKey": key })
}
