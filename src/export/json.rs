//! JSON downloads: each dataset as an array of row objects, and the JSON twin of every
//! record page, `<section>/<id>/index.json`, holding the record as its YAML file
//! states it (plus the Markdown body of documents).

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value};

use super::tables::Table;
use super::{ExportError, ExportFile, Site, page_path, sections};
use crate::model::{Markdown, Sourced};
use crate::write::Output;

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

/// Writes the JSON twin of every record page to `out`, on all cores.
pub(super) fn twins(site: &Site, out: &dyn Output) -> Result<(), ExportError> {
    let d = site.dataset;
    let s = sections::PROJECTS;
    each(&d.projects, out, |p| twin(s, &p.record.id.value, &p.record))?;
    let s = sections::PRODUCTS;
    each(&d.products, out, |p| twin(s, &p.record.id.value, &p.record))?;
    let s = sections::ORGS;
    each(&d.orgs, out, |o| twin(s, &o.record.id.value, &o.record))?;
    let s = sections::INSPECTIONS;
    each(&d.inspections, out, |i| {
        twin(s, &i.record.id.value, &i.record)
    })?;
    let s = sections::EVENTS;
    each(&d.events, out, |e| twin(s, &e.record.id.value, &e.record))?;
    let s = sections::STANDARDS;
    each(&d.editions, out, |e| twin(s, &e.record.id.value, &e.record))?;
    let s = sections::POLICIES;
    each(&d.policies, out, |p| {
        document_twin(s, &p.record.meta.id.value, p)
    })?;
    let s = sections::INTERPRETATIONS;
    each(&d.interpretations, out, |i| {
        document_twin(s, &i.record.meta.id.value, i)
    })
}

/// Writes the file `file` makes of each of `items` to `out`, on all cores.
fn each<T: Sync>(
    items: &[T],
    out: &dyn Output,
    file: impl Fn(&T) -> Result<ExportFile, ExportError> + Sync,
) -> Result<(), ExportError> {
    items.par_iter().try_for_each(|item| {
        let file = file(item)?;
        out.file(&file.path, &file.bytes)
            .map_err(ExportError::Write)
    })
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
