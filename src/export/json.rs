//! JSON downloads: each dataset as an array of row objects, and the JSON twin of every
//! record page, `<section>/<id>/index.json`, holding the record as its YAML file
//! states it (plus the Markdown body of documents).

use std::collections::HashSet;

use rayon::prelude::*;
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::tables::{Cell, Table};
use super::{ExportError, ExportFile, Site};
use crate::model::kind::{Fields, KINDS, KindVisitor, Record, Single};
use crate::model::{Dataset, Markdown, Sourced};
use crate::site_paths::page_path;
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

/// Writes the JSON twin of every record page to `out`, on all cores; with `only`, of
/// the records whose page (`projects/x/`) it lists. A twin shows its own record and
/// nothing else, so an edit changes the twins of the edited records only.
pub(super) fn twins(
    site: &Site,
    out: &dyn Output,
    only: Option<&HashSet<String>>,
) -> Result<(), ExportError> {
    let twins = Twins { out, only };
    KINDS
        .iter()
        .filter_map(|info| Some((info.kind, info.section?)))
        .try_for_each(|(kind, section)| {
            kind.visit(TwinsOf {
                twins: &twins,
                dataset: site.dataset,
                section,
            })
        })
}

/// The twins of one kind's records.
struct TwinsOf<'a> {
    twins: &'a Twins<'a>,
    dataset: &'a Dataset,
    section: &'a str,
}

impl KindVisitor for TwinsOf<'_> {
    type Output = Result<(), ExportError>;

    fn single<T: Single>(self) -> Self::Output {
        Ok(())
    }

    fn yaml<R: Record + Fields>(self) -> Self::Output {
        let list = R::list(self.dataset);
        self.twins.each(
            list,
            self.section,
            |r| &r.record.id().value,
            |r| Ok(&r.record),
        )
    }

    fn markdown<M: Fields>(self) -> Self::Output
    where
        Markdown<M>: Record,
    {
        let list = <Markdown<M>>::list(self.dataset);
        let fields = |r: &Sourced<Markdown<M>>| Ok(r.record.to_json()?);
        self.twins
            .each(list, self.section, |r| &r.record.id().value, fields)
    }
}

/// Where twins go and which.
struct Twins<'a> {
    out: &'a dyn Output,
    only: Option<&'a HashSet<String>>,
}

impl Twins<'_> {
    /// Writes the twin of each of `items` in `section` (with the id `id` gives, showing
    /// what `shown` gives) to the output, on all cores.
    fn each<'i, T: Sync, V: Serialize>(
        &self,
        items: &'i [T],
        section: &str,
        id: impl Fn(&'i T) -> &'i String + Sync,
        shown: impl Fn(&'i T) -> Result<V, ExportError> + Sync,
    ) -> Result<(), ExportError> {
        // The ids wanted in this section, so that a preview's edit of one record does
        // not format the page address of each of 100,000.
        let wanted: Option<HashSet<&str>> = self.only.map(|only| {
            only.iter()
                .filter_map(|page| {
                    page.strip_prefix(section)?
                        .strip_prefix('/')?
                        .strip_suffix('/')
                })
                .collect()
        });
        if wanted.as_ref().is_some_and(HashSet::is_empty) {
            return Ok(());
        }
        items.par_iter().try_for_each(|item| {
            let id = id(item);
            if wanted
                .as_ref()
                .is_some_and(|ids| !ids.contains(id.as_str()))
            {
                return Ok(());
            }
            let file = ExportFile {
                path: format!("{}{}", page_path(section, id), crate::render::TWIN),
                bytes: pretty(&shown(item)?)?,
            };
            file.hand_over(self.out).map(drop)
        })
    }
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
        pretty_into(Vec::with_capacity(items + 64 * 1024), self)
    }
}

/// Pretty JSON ending with a newline: readable when opened in a browser, and
/// diff-friendly for anyone mirroring the data in git.
pub(super) fn pretty<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, ExportError> {
    pretty_into(Vec::new(), value)
}

/// [`pretty`], written into `bytes`.
fn pretty_into<T: Serialize + ?Sized>(
    mut bytes: Vec<u8>,
    value: &T,
) -> Result<Vec<u8>, ExportError> {
    serde_json::to_writer_pretty(&mut bytes, value)?;
    bytes.push(b'\n');
    Ok(bytes)
}
