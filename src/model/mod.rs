//! The record kinds an editor writes, one module per kind, and [`Dataset`], everything
//! loaded from one site.

#[macro_use]
mod keyed;

pub mod activity;
pub mod config;
pub mod document;
pub mod kind;
pub mod org;
pub mod product;
pub mod project;
pub mod standard;
pub mod value;

use std::path::{Path, PathBuf};

use kind::{Fields, KindVisitor, Record, RecordKind, Single};

pub use activity::{Event, Inspection};
pub use config::SiteConfig;
pub use document::{Interpretation, Page, Policy};
pub use org::Org;
pub use product::Product;
pub use project::Project;
pub use standard::{Edition, Taxonomy};
pub use value::{Date, Money, Percent, Sp, Stars};

/// A record together with the file it was read from.
#[derive(Debug)]
pub struct Sourced<T> {
    /// Path relative to the site root.
    pub file: PathBuf,
    /// The record.
    pub record: T,
    /// SHA-256 of the file's text: an incremental build re-renders a record's pages
    /// when it changes.
    pub digest: [u8; 32],
}

impl<T> Sourced<T> {
    /// `record`, read from `file` whose text was `text`.
    pub fn new(file: &Path, record: T, text: &str) -> Sourced<T> {
        use sha2::Digest as _;
        Sourced {
            file: file.to_path_buf(),
            record,
            digest: sha2::Sha256::digest(text.as_bytes()).into(),
        }
    }
}

/// A Markdown document: front matter record plus body.
#[derive(Debug)]
pub struct Markdown<T> {
    /// The front matter.
    pub meta: T,
    /// The Markdown body after the front matter.
    pub body: String,
    /// 1-based file line where the body starts, to locate problems in it.
    pub body_line: u64,
}

impl<T: serde::Serialize> Markdown<T> {
    /// The document as one JSON object: its front matter's fields, then `body`, the
    /// Markdown text; as its JSON twin and its history show it.
    pub fn to_json(&self) -> serde_json::Result<serde_json::Value> {
        let mut value = serde_json::to_value(&self.meta)?;
        if let serde_json::Value::Object(fields) = &mut value {
            fields.insert("body".to_owned(), self.body.clone().into());
        }
        Ok(value)
    }
}

/// Everything read from one site's `data/` and `content/` folders.
#[derive(Debug, Default)]
pub struct Dataset {
    /// `data/site.yaml`, when it loaded.
    pub config: Option<Sourced<SiteConfig>>,
    /// `data/standards/categories.yaml`, when it loaded.
    pub taxonomy: Option<Sourced<Taxonomy>>,
    /// Editions of the demand standard, oldest first.
    pub editions: Vec<Sourced<Edition>>,
    /// Pilot projects.
    pub projects: Vec<Sourced<Project>>,
    /// Catalog products.
    pub products: Vec<Sourced<Product>>,
    /// Organizations.
    pub orgs: Vec<Sourced<Org>>,
    /// Inspections.
    pub inspections: Vec<Sourced<Inspection>>,
    /// Matchmaking events.
    pub events: Vec<Sourced<Event>>,
    /// Policies.
    pub policies: Vec<Sourced<Markdown<Policy>>>,
    /// Policy interpretations.
    pub interpretations: Vec<Sourced<Markdown<Interpretation>>>,
    /// Plain pages.
    pub pages: Vec<Sourced<Markdown<Page>>>,
    /// The documents in `files/`, published as they are, by path.
    pub files: Vec<SiteFile>,
}

/// A file of the site's `files/` folder, which the site publishes as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFile {
    /// Its path from the site root, `files/...`, with `/` separators.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// Where it is on disk.
    pub source: std::path::PathBuf,
}

impl SiteFile {
    /// Its extension in lower case, the type the policy and the pages name.
    pub fn extension(&self) -> String {
        std::path::Path::new(&self.path)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase()
    }
}

/// The folder of the documents a site publishes.
pub const FILES_FOLDER: &str = "files";

impl Dataset {
    /// Number of records of every kind (the configuration and taxonomy not counted).
    pub fn record_count(&self) -> usize {
        RecordKind::all().map(|kind| self.count(kind)).sum()
    }

    /// Number of records of `kind`: the length of its list, none for a kind of one file.
    pub fn count(&self, kind: RecordKind) -> usize {
        kind.visit(Count(self))
    }

    /// Every record of the kinds with many records, by kind in the order of
    /// [`kind::KINDS`], then by file.
    pub fn records(&self) -> impl Iterator<Item = RecordRef<'_>> {
        refs::<Edition>(self)
            .chain(refs::<Project>(self))
            .chain(refs::<Product>(self))
            .chain(refs::<Org>(self))
            .chain(refs::<Inspection>(self))
            .chain(refs::<Event>(self))
            .chain(refs::<Markdown<Policy>>(self))
            .chain(refs::<Markdown<Interpretation>>(self))
            .chain(refs::<Markdown<Page>>(self))
    }

    /// The record read from `file` (relative to the site root), when it loaded.
    pub fn record_at(&self, file: &Path) -> Option<RecordRef<'_>> {
        RecordKind::of(file)?.visit(FindRecord {
            dataset: self,
            file,
        })
    }

    /// The `index`th record of `kind` (a kind of many records), as lookups by id give
    /// indices into its list.
    pub fn record(&self, kind: RecordKind, index: usize) -> RecordRef<'_> {
        kind.visit(RecordAt {
            dataset: self,
            index,
        })
    }

    /// The latest date the data mentions: the "today" that certificate validity and
    /// stages are judged on, so that a build never depends on the clock.
    pub fn as_of(&self) -> Option<Date> {
        let projects = self.projects.iter().flat_map(|p| {
            let p = &p.record;
            p.lifecycle
                .iter()
                .map(|s| s.date.value)
                .chain(p.award.iter().map(|a| a.date.value))
                .chain(p.contract.iter().map(|c| c.signed.value))
                .chain(p.financing.iter().map(|l| l.date.value))
        });
        let products = self
            .products
            .iter()
            .flat_map(|p| [p.record.listed.value, p.record.certificate.issued.value]);
        let orgs = self.orgs.iter().flat_map(|o| {
            let o = &o.record;
            o.credit
                .iter()
                .map(|c| c.date.value)
                .chain(o.commitments.iter().map(|c| c.date.value))
        });
        projects
            .chain(products)
            .chain(orgs)
            .chain(self.inspections.iter().map(|i| i.record.date.value))
            .chain(self.events.iter().map(|e| e.record.date.value))
            .chain(self.policies.iter().map(|p| p.record.meta.issued.value))
            .chain(
                self.interpretations
                    .iter()
                    .map(|i| i.record.meta.date.value),
            )
            .max()
    }
}

/// One record of any kind, as far as every kind has the same: for loops over them all.
#[derive(Debug, Clone, Copy)]
pub struct RecordRef<'a> {
    /// Its kind.
    pub kind: RecordKind,
    /// Its file, relative to the site root.
    pub file: &'a Path,
    /// Its id.
    pub id: &'a Sp<String>,
    /// Its name or title.
    pub title: &'a str,
    /// Its day of issue, publication, listing or holding (see [`Record::date`]).
    pub date: Option<Date>,
    /// Its position in its kind's list in the dataset.
    pub index: usize,
    /// Its fields, for the ids and addresses they give.
    pub fields: &'a dyn kind::Refers,
    /// SHA-256 of its file's text.
    pub digest: &'a [u8; 32],
}

/// Finds the record of a file in its kind's list, sorted by file as loaded.
struct FindRecord<'a, 'f> {
    dataset: &'a Dataset,
    file: &'f Path,
}

impl<'a> FindRecord<'a, '_> {
    fn find<R: Record>(self) -> Option<RecordRef<'a>> {
        let list = R::list(self.dataset);
        let i = list
            .binary_search_by(|s| s.file.as_path().cmp(self.file))
            .ok()?;
        Some(record_ref(&list[i], i))
    }
}

impl<'a> KindVisitor for FindRecord<'a, '_> {
    type Output = Option<RecordRef<'a>>;

    fn single<T: Single>(self) -> Self::Output {
        None
    }

    fn yaml<R: Record + Fields>(self) -> Self::Output {
        self.find::<R>()
    }

    fn markdown<M: Fields>(self) -> Self::Output
    where
        Markdown<M>: Record,
    {
        self.find::<Markdown<M>>()
    }
}

/// The length of a kind's list, see [`Dataset::count`].
struct Count<'a>(&'a Dataset);

impl KindVisitor for Count<'_> {
    type Output = usize;

    fn single<T: Single>(self) -> usize {
        0
    }

    fn yaml<R: Record + Fields>(self) -> usize {
        R::list(self.0).len()
    }

    fn markdown<M: Fields>(self) -> usize
    where
        Markdown<M>: Record,
    {
        <Markdown<M>>::list(self.0).len()
    }
}

/// The record at an index of its kind's list, see [`Dataset::record`].
struct RecordAt<'a> {
    dataset: &'a Dataset,
    index: usize,
}

impl<'a> KindVisitor for RecordAt<'a> {
    type Output = RecordRef<'a>;

    fn single<T: Single>(self) -> Self::Output {
        // Callers pass kinds of many records; this is the invariant's only breach.
        unreachable!("{:?} has no list of records", T::KIND)
    }

    fn yaml<R: Record + Fields>(self) -> Self::Output {
        record_ref(&R::list(self.dataset)[self.index], self.index)
    }

    fn markdown<M: Fields>(self) -> Self::Output
    where
        Markdown<M>: Record,
    {
        record_ref(&<Markdown<M>>::list(self.dataset)[self.index], self.index)
    }
}

/// The `index`th record of its kind's list as a [`RecordRef`].
fn record_ref<R: Record>(s: &Sourced<R>, index: usize) -> RecordRef<'_> {
    RecordRef {
        kind: R::KIND,
        file: &s.file,
        id: s.record.id(),
        title: s.record.title(),
        date: s.record.date(),
        index,
        fields: &s.record,
        digest: &s.digest,
    }
}

/// The records of one kind as [`RecordRef`]s.
fn refs<R: Record>(dataset: &Dataset) -> impl Iterator<Item = RecordRef<'_>> {
    R::list(dataset)
        .iter()
        .enumerate()
        .map(|(i, s)| record_ref(s, i))
}

impl<T: kind::Refers> kind::Refers for Markdown<T> {
    fn references<'a>(&'a self, refs: &mut kind::References<'a>) {
        self.meta.references(refs);
        refs.texts.push(kind::Text {
            field: "body",
            value: &self.body,
            line: self.body_line,
            column: 1,
        });
    }
}
