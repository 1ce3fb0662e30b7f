//! JSON downloads: each dataset as an array of row objects, and the JSON twin of every
//! record page, `<section>/<id>/index.json`, holding the record as its YAML file
//! states it (plus the Markdown body of documents).

use serde::Serialize;
use serde_json::{Map, Value};

use super::tables::Table;
use super::{ExportError, ExportFile, Site, page_path, sections};
use crate::model::{Markdown, Sourced};

/// `data/<dataset>.json`: one object per row, keyed by field name.
pub(super) fn dataset(table: &Table) -> Result<ExportFile, ExportError> {
    let rows: Vec<Map<String, Value>> = table
        .rows
        .iter()
        .map(|row| {
            table
                .def
                .fields
                .iter()
                .zip(row)
                .map(|(field, cell)| (field.name.clone(), cell.json()))
                .collect()
        })
        .collect();
    Ok(ExportFile {
        path: format!("data/{}.json", table.def.name),
        bytes: pretty(&rows)?,
    })
}

/// The JSON twin of every record page.
pub(super) fn twins(site: &Site) -> Result<Vec<ExportFile>, ExportError> {
    let d = site.dataset;
    let mut files = Vec::new();
    for p in &d.projects {
        files.push(twin(sections::PROJECTS, &p.record.id.value, &p.record)?);
    }
    for p in &d.products {
        files.push(twin(sections::PRODUCTS, &p.record.id.value, &p.record)?);
    }
    for o in &d.orgs {
        files.push(twin(sections::ORGS, &o.record.id.value, &o.record)?);
    }
    for i in &d.inspections {
        files.push(twin(sections::INSPECTIONS, &i.record.id.value, &i.record)?);
    }
    for e in &d.events {
        files.push(twin(sections::EVENTS, &e.record.id.value, &e.record)?);
    }
    for e in &d.editions {
        files.push(twin(sections::STANDARDS, &e.record.id.value, &e.record)?);
    }
    for p in &d.policies {
        files.push(document_twin(
            sections::POLICIES,
            &p.record.meta.id.value,
            p,
        )?);
    }
    for i in &d.interpretations {
        files.push(document_twin(
            sections::INTERPRETATIONS,
            &i.record.meta.id.value,
            i,
        )?);
    }
    Ok(files)
}

fn twin<T: Serialize>(section: &str, id: &str, record: &T) -> Result<ExportFile, ExportError> {
    Ok(ExportFile {
        path: format!("{}index.json", page_path(section, id)),
        bytes: pretty(record)?,
    })
}

/// A document's twin: its front matter fields, then `body`, the Markdown text.
fn document_twin<T: Serialize>(
    section: &str,
    id: &str,
    document: &Sourced<Markdown<T>>,
) -> Result<ExportFile, ExportError> {
    let mut value = serde_json::to_value(&document.record.meta)?;
    if let Value::Object(fields) = &mut value {
        fields.insert("body".to_owned(), document.record.body.clone().into());
    }
    twin(section, id, &value)
}

/// Pretty JSON ending with a newline: readable when opened in a browser, and
/// diff-friendly for anyone mirroring the data in git.
pub(super) fn pretty<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, ExportError> {
    let mut bytes = serde_json::to_vec_pretty(value)?;
    bytes.push(b'\n');
    Ok(bytes)
}
