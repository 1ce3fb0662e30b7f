//! Stage "export": the open-data files, derived from the same validated records as the
//! pages. Every tabular format comes from one declaration ([`tables`]); the
//! procurement standards (OCDS, OC4IDS), the catalog and the sitemap read the records
//! directly. The Atom feeds are the render stage's, since they speak to visitors.
//!
//! Output is byte-identical across runs: rows sorted by id, dates taken from the data
//! (never the clock), and no file-system or hash-map order anywhere.

mod catalog;
pub(crate) mod csv;
pub(crate) mod datapackage;
pub mod dcat;
pub mod inventory;
mod json;
pub mod oc4ids;
mod ocds;
pub mod reuse;
mod sitemap;
mod sqlite;
pub mod tables;
mod xlsx;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fmt::Write as _;
use std::sync::Mutex;

pub use datapackage::PACKAGE_FORMAT;
use rayon::prelude::*;

use crate::derive::{Aggregates, Derived};
use crate::model::kind::RecordKind;
use crate::model::standard::Category;
use crate::model::{Dataset, Date, Org, SiteConfig};
use crate::site_paths::BaseUrl;
use crate::site_paths::record_page;
use crate::write::{Output, WriteError};
pub use inventory::Inventory;

/// One generated file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportFile {
    /// Path relative to the output folder, `/`-separated, e.g. `data/projects.csv`.
    pub path: String,
    /// The file's content.
    pub bytes: Vec<u8>,
}

/// Downloads of at least this many bytes are also published gzipped (`.gz` beside
/// them): on a phone or an intranet link a compressed OCDS package is a twentieth of
/// the transfer.
const GZIP_FROM_BYTES: usize = 256 * 1024;

impl ExportFile {
    /// Writes the file to `out`, and a gzipped copy beside a large one, keeping what
    /// the inventory needs of them.
    fn hand_over(self, out: &dyn Output) -> Result<Vec<Written>, ExportError> {
        let mut written = Vec::with_capacity(2);
        if self.bytes.len() >= GZIP_FROM_BYTES {
            let gz = ExportFile {
                path: format!("{}.gz", self.path),
                bytes: gzip(&self.bytes)?,
            };
            written.push(gz.write(out)?);
        }
        written.insert(0, self.write(out)?);
        Ok(written)
    }

    /// Writes the file to `out` as it is.
    fn write(self, out: &dyn Output) -> Result<Written, ExportError> {
        out.file(&self.path, &self.bytes)
            .map_err(ExportError::Write)?;
        Ok(Written {
            bytes: self.bytes.len() as u64,
            sha256: sha256_hex(&self.bytes),
            path: self.path,
        })
    }
}

/// `bytes` gzipped, the same bytes on every build: no file name, no time stamp.
fn gzip(bytes: &[u8]) -> Result<Vec<u8>, ExportError> {
    use std::io::Write as _;
    let mut encoder = flate2::GzBuilder::new().mtime(0).write(
        Vec::with_capacity(bytes.len() / 8),
        flate2::Compression::default(),
    );
    encoder.write_all(bytes).map_err(ExportError::Compress)?;
    encoder.finish().map_err(ExportError::Compress)
}

/// Why the exports could not be produced.
#[derive(Debug)]
pub enum ExportError {
    /// `data/site.yaml` did not load, and the exports need its publisher and prefix.
    MissingConfig,
    /// `datasets.yaml` and the extractors disagree: a bug, caught by the unit tests.
    Definition(String),
    /// Writing CSV failed.
    Csv(::csv::Error),
    /// Writing XLSX failed.
    Xlsx(rust_xlsxwriter::XlsxError),
    /// Building the SQLite database failed.
    Sqlite(rusqlite::Error),
    /// Serializing JSON failed.
    Json(serde_json::Error),
    /// Compressing a download failed.
    Compress(std::io::Error),
    /// The output refused a file.
    Write(WriteError),
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::MissingConfig => {
                f.write_str("the open-data exports need data/site.yaml, which did not load")
            }
            ExportError::Definition(what) => write!(f, "dataset definitions: {what}"),
            ExportError::Csv(e) => write!(f, "writing CSV: {e}"),
            ExportError::Xlsx(e) => write!(f, "writing XLSX: {e}"),
            ExportError::Sqlite(e) => write!(f, "building the SQLite database: {e}"),
            ExportError::Json(e) => write!(f, "writing JSON: {e}"),
            ExportError::Compress(e) => write!(f, "compressing a download: {e}"),
            ExportError::Write(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ExportError {}

impl From<::csv::Error> for ExportError {
    fn from(e: ::csv::Error) -> Self {
        ExportError::Csv(e)
    }
}

impl From<rust_xlsxwriter::XlsxError> for ExportError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        ExportError::Xlsx(e)
    }
}

impl From<rusqlite::Error> for ExportError {
    fn from(e: rusqlite::Error) -> Self {
        ExportError::Sqlite(e)
    }
}

impl From<serde_json::Error> for ExportError {
    fn from(e: serde_json::Error) -> Self {
        ExportError::Json(e)
    }
}

/// What every export reads: the records, the configuration, the absolute base URL and
/// the as-of date that stands in for "now".
struct Site<'a> {
    dataset: &'a Dataset,
    config: &'a SiteConfig,
    /// The site's address.
    base: BaseUrl,
    as_of: Date,
    /// Organizations by id, for the parties of OCDS and OC4IDS.
    orgs: HashMap<&'a str, &'a Org>,
    /// Material categories by id, for the classification of OCDS items.
    categories: HashMap<&'a str, &'a Category>,
    /// Product names by id, for the description of OCDS items.
    product_names: HashMap<&'a str, &'a str>,
}

impl<'a> Site<'a> {
    fn new(dataset: &'a Dataset, base: &BaseUrl) -> Result<Site<'a>, ExportError> {
        let config = &dataset
            .config
            .as_ref()
            .ok_or(ExportError::MissingConfig)?
            .record;
        // An empty site has no dates: the programme's first day keeps the output fixed.
        let as_of = dataset
            .as_of()
            .or_else(|| Date::new(config.programme.start_year, 1, 1))
            .unwrap_or(Date::new(1970, 1, 1).expect("1970-01-01 exists"));
        let orgs = dataset
            .orgs
            .iter()
            .map(|o| (o.record.id.value.as_str(), &o.record))
            .collect();
        let categories = dataset
            .taxonomy
            .iter()
            .flat_map(|t| &t.record.categories)
            .map(|c| (c.id.value.as_str(), c))
            .collect();
        let product_names = dataset
            .products
            .iter()
            .map(|p| (p.record.id.value.as_str(), p.record.name.as_str()))
            .collect();
        Ok(Site {
            dataset,
            config,
            base: base.clone(),
            as_of,
            orgs,
            categories,
            product_names,
        })
    }

    /// Absolute address of a site path given without its leading slash.
    fn url(&self, path: &str) -> String {
        self.base.url(path)
    }

    /// An address written in the data made absolute: a site path (`/files/a.pdf`) gets
    /// the base URL, anything else is kept.
    fn absolute(&self, url: &str) -> String {
        if url.starts_with('/') && !url.starts_with("//") {
            self.url(url)
        } else {
            url.to_owned()
        }
    }

    /// The organization with `id`; `None` for a reference validation reported.
    fn org(&self, id: &str) -> Option<&'a Org> {
        self.orgs.get(id).copied()
    }

    /// The material category with `id`.
    fn category(&self, id: &str) -> Option<&'a Category> {
        self.categories.get(id).copied()
    }

    /// The name of the product with `id`.
    fn product_name(&self, id: &str) -> Option<&'a str> {
        self.product_names.get(id).copied()
    }

    /// Absolute address of a record page.
    fn page_url(&self, kind: RecordKind, id: &str) -> String {
        self.url(&record_page(kind, id))
    }
}

/// A date as an RFC 3339 timestamp at midnight China Standard Time, the form OCDS,
/// Atom and the catalogs want.
pub fn timestamp(date: Date) -> String {
    format!("{date}T00:00:00+08:00")
}

/// The open-data files and the inventory of them the portal pages show.
#[derive(Debug)]
pub struct Exports {
    /// Every file but the JSON twins, sorted by path.
    pub files: Vec<ExportFile>,
    /// The JSON twins of the record pages, sorted by path; none when not asked for.
    pub twins: Vec<ExportFile>,
    /// The datasets and bundles with record counts, dates and download sizes.
    pub inventory: Inventory,
}

/// A file handed to the output: what the inventory needs of it once its bytes are gone.
struct Written {
    path: String,
    bytes: u64,
    /// SHA-256 of the bytes, in lower-case hex.
    sha256: String,
}

/// The SHA-256 of `bytes` in lower-case hex, as catalogs and `sha256sum` write it.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex(&sha2::Sha256::digest(bytes))
}

/// A digest in lower-case hex.
pub(crate) fn hex(digest: &[u8]) -> String {
    let mut hex = String::with_capacity(2 * digest.len());
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// What an export job's files are in the inventory.
#[derive(Clone, Copy)]
enum Owner {
    /// Downloads of the dataset of this index among the tables.
    Dataset(usize),
    /// A bundle of every dataset, in one format.
    Bundle {
        name: &'static str,
        bundle: &'static tables::Bundle,
        format: &'static str,
    },
}

/// Where a job hands each file it makes, as soon as it is made: a job of several
/// large files (the OCDS packages) never holds them all.
type Emit<'e> = dyn FnMut(ExportFile) -> Result<(), ExportError> + 'e;

/// What a job runs: it makes its files and hands each to the [`Emit`] given.
type Make<'j> = dyn Fn(&mut Emit<'_>) -> Result<(), ExportError> + Send + Sync + 'j;

/// One export job: the files it makes, and what they belong to.
struct Job<'j> {
    /// Its name in the build state (`projects.csv`, `ocds`).
    name: String,
    /// The digest of its inputs, when its files may be kept from the previous build.
    input: Option<String>,
    owner: Owner,
    make: Box<Make<'j>>,
}

impl<'j> Job<'j> {
    fn new(
        name: String,
        input: Option<String>,
        owner: Owner,
        make: impl Fn(&mut Emit<'_>) -> Result<(), ExportError> + Send + Sync + 'j,
    ) -> Job<'j> {
        Job {
            name,
            input,
            owner,
            make: Box::new(make),
        }
    }
}

/// The record kinds the procurement standards' packages read.
const STANDARD_KINDS: [RecordKind; 3] = [RecordKind::Project, RecordKind::Org, RecordKind::Product];

/// Produces every open-data file of the site except the sitemap (which needs the
/// rendered pages, see [`sitemap`]) into `out`: the datasets in CSV, JSON and XLSX,
/// the SQLite database, the Data Package, the JSON twin of every record page, OCDS
/// and OC4IDS packages and `data.json`. `derived` and `aggregates` give the aggregate
/// datasets their figures; `base` is the site's address.
///
/// The files are produced on all cores and each goes to `out` as soon as it is done,
/// so that memory never holds all of them; the inventory keeps their sizes. The JSON
/// twins go to `twins`, and are not made when it is `None`. With `reuse`, a job whose
/// inputs are those of the previous build keeps its files instead (see [`reuse`]).
pub fn write_exports(
    dataset: &Dataset,
    derived: &Derived,
    aggregates: &Aggregates,
    base: &BaseUrl,
    out: &dyn Output,
    twins: Option<&dyn Output>,
    reuse: Option<&reuse::Reuse<'_>>,
) -> Result<Inventory, ExportError> {
    let site = Site::new(dataset, base)?;
    let tables = tables::tables(&site, derived, aggregates)?;
    let bundles = &tables::definitions()?.bundles;
    let site = &site;
    let tables = &tables;
    // Each table's digest is hashed once, for its three formats and the database.
    let table_inputs: Vec<String> = match reuse {
        Some(reuse) => tables
            .par_iter()
            .map(|table| reuse.input(|h| h.table(table)))
            .collect(),
        None => Vec::new(),
    };
    let mut jobs: Vec<Job<'_>> = Vec::new();
    for (i, table) in tables.iter().enumerate() {
        let owner = Owner::Dataset(i);
        let input = table_inputs.get(i);
        let name = |format: &str| format!("{}.{format}", table.def.name);
        jobs.push(Job::new(name("csv"), input.cloned(), owner, move |emit| {
            emit(csv::write(table)?)
        }));
        jobs.push(Job::new(name("json"), input.cloned(), owner, move |emit| {
            emit(json::dataset(table)?)
        }));
        jobs.push(Job::new(name("xlsx"), input.cloned(), owner, move |emit| {
            emit(xlsx::write(site, table)?)
        }));
    }
    let bundle = |name, bundle, format| Owner::Bundle {
        name,
        bundle,
        format,
    };
    let all_tables = reuse.map(|r| {
        r.input(|h| {
            for input in &table_inputs {
                h.add(input.as_bytes());
            }
        })
    });
    let standard_records = reuse.map(|r| r.input(|h| h.records(dataset, &STANDARD_KINDS)));
    jobs.push(Job::new(
        "sqlite".into(),
        all_tables,
        bundle("sqlite", &bundles.sqlite, "SQLite"),
        move |emit| emit(sqlite::write(tables)?),
    ));
    jobs.push(Job::new(
        "ocds".into(),
        standard_records.clone(),
        bundle("ocds", &bundles.ocds, "OCDS"),
        move |emit| ocds::write(site, &derived.assessment, emit),
    ));
    jobs.push(Job::new(
        "oc4ids".into(),
        standard_records,
        bundle("oc4ids", &bundles.oc4ids, "OC4IDS"),
        move |emit| emit(oc4ids::write(site, &derived.assessment)?),
    ));
    let hand_over = |files: Vec<ExportFile>| -> Result<Vec<Written>, ExportError> {
        let mut written = Vec::with_capacity(files.len());
        for file in files {
            written.extend(file.hand_over(out)?);
        }
        Ok(written)
    };
    let run = |job: &Job<'_>| -> Result<Vec<Written>, ExportError> {
        let reusing = reuse.zip(job.input.as_deref());
        if let Some((reuse, input)) = reusing
            && let Some(kept) = reuse.kept(&job.name, input)?
        {
            return Ok(kept);
        }
        let mut written = Vec::new();
        (job.make)(&mut |file: ExportFile| {
            written.extend(file.hand_over(out)?);
            Ok(())
        })?;
        if let Some((reuse, input)) = reusing {
            reuse.note(&job.name, input, &written);
        }
        Ok(written)
    };
    let (written, twins) = rayon::join(
        || {
            jobs.par_iter()
                .map(run)
                .collect::<Vec<Result<Vec<Written>, ExportError>>>()
        },
        || match twins {
            Some(twins) => json::twins(site, twins, None),
            None => Ok(()),
        },
    );
    twins?;
    // Each job's files go to what the job said they belong to; errors in job order.
    let mut downloads: Vec<Vec<Written>> = tables.iter().map(|_| Vec::new()).collect();
    let mut bundled = Vec::new();
    for (job, files) in jobs.iter().zip(written) {
        let files = files?;
        match job.owner {
            Owner::Dataset(i) => downloads[i].extend(files),
            Owner::Bundle {
                name,
                bundle,
                format,
            } => bundled.push((name, bundle, format, files)),
        }
    }
    let mut inventory = Inventory::new(site);
    for (table, files) in tables.iter().zip(&downloads) {
        inventory.add_dataset(table, files);
    }
    // The Data Package lists each CSV with its size and hash, so it follows them; it
    // keeps its place among the bundles, after the SQLite file.
    let ocds = bundled
        .iter()
        .flat_map(|(_, _, _, files)| files)
        .find(|f| f.path == ocds::RELEASES_JSONL)
        .map(|f| (f.path.as_str(), f.bytes, f.sha256.as_str()));
    let package = hand_over(vec![datapackage::write(site, tables, &inventory, ocds)?])?;
    let format = "Frictionless Data Package";
    bundled.insert(1, ("datapackage", &bundles.datapackage, format, package));
    for (name, bundle, format, files) in bundled {
        inventory.add_bundle(name, bundle, format, &files);
    }
    // The catalogs describe the downloads; they are not downloads themselves.
    catalog::write(site, &inventory)?.write(out)?;
    dcat::write(site, &inventory)?.write(out)?;
    Ok(inventory)
}

/// [`write_exports`] into memory, for the preview server and tests; the JSON twins
/// apart, and only `with_twins`.
pub fn render_exports(
    dataset: &Dataset,
    derived: &Derived,
    aggregates: &Aggregates,
    base: &BaseUrl,
    with_twins: bool,
) -> Result<Exports, ExportError> {
    let (collected, twins) = (Collected::default(), Collected::default());
    let twins_out: Option<&dyn Output> = with_twins.then_some(&twins);
    let inventory = write_exports(
        dataset, derived, aggregates, base, &collected, twins_out, None,
    )?;
    Ok(Exports {
        files: collected.sorted(),
        twins: twins.sorted(),
        inventory,
    })
}

/// The JSON twins of the records whose pages (`projects/x/`) `records` lists, for the
/// preview server: a twin shows its own record only, so an edit changes no other.
pub fn record_twins(
    dataset: &Dataset,
    base: &BaseUrl,
    records: &HashSet<String>,
) -> Result<Vec<ExportFile>, ExportError> {
    let twins = Collected::default();
    write_twins(dataset, base, records, &twins)?;
    Ok(twins.sorted())
}

/// Writes the JSON twins of the records whose pages `records` lists into `out`: an
/// incremental build's for the records that changed.
pub fn write_twins(
    dataset: &Dataset,
    base: &BaseUrl,
    records: &HashSet<String>,
    out: &dyn Output,
) -> Result<(), ExportError> {
    let site = Site::new(dataset, base)?;
    json::twins(&site, out, Some(records))
}

/// Files kept in memory, in the order they arrived.
#[derive(Default)]
struct Collected(Mutex<Vec<ExportFile>>);

impl Collected {
    /// The files, sorted by path.
    fn sorted(self) -> Vec<ExportFile> {
        let mut files = self
            .0
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

impl Output for Collected {
    fn file(&self, path: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let mut files = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        files.push(ExportFile {
            path: path.to_owned(),
            bytes: bytes.to_vec(),
        });
        Ok(())
    }
}

/// `sitemap.xml` of `page_paths` (clean paths relative to the site root, as the render
/// stage wrote them) and `robots.txt` naming it.
pub fn sitemap(base: &BaseUrl, page_paths: &[String]) -> Vec<ExportFile> {
    let mut files = sitemap::write(base, page_paths);
    files.push(sitemap::robots(base));
    files
}

#[cfg(test)]
mod tests;
