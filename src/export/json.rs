//! JSON downloads: each dataset as an array of row objects, and the JSON twin of every
//! record page, `<section>/<id>/index.json`, holding the record as its YAML file
//! states it (plus the Markdown body of documents).

use rayon::prelude::*;
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::tables::{Cell, Table};
use super::{ExportError, ExportFile, Site, page_path, sections};
use crate::model::{Markdown, Sourced};
use crate::write::Output;

/// `data/<dataset>.json`: one object per row, keyed by field name.
pub(super) fn dataset(table: &Table) -> Result<ExportFile, ExportError> {
    // Field names in the order serde_json writes a map's keys.
    let mut order: Vec<usize> = (0..table.def.fields.len()).collect();
    order.sort_by_key(|&i| &table.def.fields[i].name);
    Ok(ExportFile {
        path: format!("data/{}.json", table.def.name),
        bytes: pretty(&Rows {
            table,
            order: &order,
        })?,
    })
}

/// A table's rows as JSON objects, serialized one at a time: a whole dataset as
/// values would take many times the size of its file.
struct Rows<'a> {
    table: &'a Table,
    /// Field indices, by field name.
    order: &'a [usize],
}

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut rows = serializer.serialize_seq(Some(self.table.rows.len()))?;
        for cells in &self.table.rows {
            rows.serialize_element(&Row {
                table: self.table,
                order: self.order,
                cells,
            })?;
        }
        rows.end()
    }
}

/// One row of [`Rows`].
struct Row<'a> {
    table: &'a Table,
    order: &'a [usize],
    cells: &'a [Cell],
}

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut row = serializer.serialize_map(Some(self.order.len()))?;
        for &i in self.order {
            if let Some(cell) = self.cells.get(i) {
                row.serialize_entry(&self.table.def.fields[i].name, &cell.json())?;
            }
        }
        row.end()
    }
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
    items
        .par_iter()
        .try_for_each(|item| file(item)?.hand_over(out).map(drop))
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

/// `value` as [`pretty`] writes it `depth` levels deep in a document, kept as text:
/// a fraction of the memory the value takes, for exports that hold many values until
/// the file is written.
pub(super) fn fragment<T: Serialize + ?Sized>(
    value: &T,
    depth: usize,
) -> Result<Box<RawValue>, ExportError> {
    let text = serde_json::to_string_pretty(value)?;
    // Strings escape their line breaks, so every break here is between tokens.
    let text = text.replace('\n', &format!("\n{}", "  ".repeat(depth)));
    Ok(RawValue::from_string(text)?)
}

/// A package of a procurement standard: the fields of `header` and one more holding
/// a list, in name order as serde_json writes a map.
pub(super) struct Package<'a, T> {
    header: &'a Map<String, Value>,
    key: &'static str,
    items: &'a [T],
}

impl<'a, T> Package<'a, T> {
    /// The package of `header` with `items` under `key`.
    pub(super) fn new(header: &'a Map<String, Value>, key: &'static str, items: &'a [T]) -> Self {
        Package { header, key, items }
    }
}

impl<T: Serialize> Serialize for Package<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.header.len() + 1))?;
        let mut items = Some(self.items);
        for (key, value) in self.header {
            if key.as_str() > self.key
                && let Some(list) = items.take()
            {
                map.serialize_entry(self.key, list)?;
            }
            map.serialize_entry(key, value)?;
        }
        if let Some(list) = items {
            map.serialize_entry(self.key, list)?;
        }
        map.end()
    }
}

impl<T: Serialize> Package<'_, T> {
    /// The package as [`pretty`] JSON, in a buffer sized beforehand from `size`, an
    /// item's length as text: grown by doubling, a package of 100 MB would hold the
    /// old block and the new one at once at each step, an allocator not remapping
    /// them in place (mimalloc does not).
    pub(super) fn pretty(&self, size: impl Fn(&T) -> usize) -> Result<Vec<u8>, ExportError> {
        // Each item's separator and indentation, and the header, are small beside it.
        let items: usize = self.items.iter().map(|item| size(item) + 8).sum();
        let mut bytes = Vec::with_capacity(items + 64 * 1024);
        serde_json::to_writer_pretty(&mut bytes, self)?;
        bytes.push(b'\n');
        Ok(bytes)
    }
}

/// Pretty JSON ending with a newline: readable when opened in a browser, and
/// diff-friendly for anyone mirroring the data in git.
pub(super) fn pretty<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, ExportError> {
    let mut bytes = serde_json::to_vec_pretty(value)?;
    bytes.push(b'\n');
    Ok(bytes)
}
