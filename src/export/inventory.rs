//! What the exports produced, as the data portal and `data.json` describe it: each
//! dataset's record count, last change and downloads, and the whole-site bundles. It
//! is taken from the written files and table rows themselves, so that a size or a count
//! shown on a page is always the size or count of the file behind the link.

use super::tables::{Bundle, Cell, DatasetDef, Table};
use super::{Site, Written};
use crate::model::Date;
use crate::site_paths::BaseUrl;

/// The exports as a list of datasets and bundles with their downloads.
#[derive(Debug)]
pub struct Inventory {
    /// The site's address.
    pub base: BaseUrl,
    /// The date that stands in for "now" (the latest the data mentions).
    pub as_of: Date,
    /// The tabular datasets, in the order of `datasets.yaml`.
    pub datasets: Vec<DatasetEntry>,
    /// The downloads that cover every dataset, in the order of `datasets.yaml`.
    pub bundles: Vec<BundleEntry>,
}

/// One tabular dataset as published.
#[derive(Debug)]
pub struct DatasetEntry {
    /// Its declaration: name, title, description and fields.
    pub def: &'static DatasetDef,
    /// Rows in every download (the CSV's data rows).
    pub records: usize,
    /// Latest date among the rows that is not after the as-of date; the as-of date
    /// when the rows hold none.
    pub modified: Date,
    /// Earliest date among the rows, when they hold one: with `modified`, the time
    /// the dataset covers.
    pub first: Option<Date>,
    /// CSV, JSON and XLSX.
    pub downloads: Vec<Download>,
}

/// One whole-site bundle as published.
#[derive(Debug)]
pub struct BundleEntry {
    /// Key in `datasets.yaml` `bundles`, also the anchor on the portal's index page.
    pub name: &'static str,
    /// Title and description.
    pub bundle: &'static Bundle,
    /// Format name for catalogs, e.g. `OCDS`.
    pub format: &'static str,
    /// Its files (OCDS has a release and a record package, maybe split in parts).
    pub downloads: Vec<Download>,
}

/// One downloadable file.
#[derive(Debug, Clone)]
pub struct Download {
    /// Path relative to the output folder, e.g. `data/projects.csv`.
    pub path: String,
    /// Absolute address.
    pub url: String,
    /// Format name, e.g. `CSV`.
    pub format: &'static str,
    /// IANA media type (of the content, for a gzipped copy).
    pub media_type: &'static str,
    /// Whether the file is a gzipped copy of another download (`.gz`).
    pub gzipped: bool,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 of the file, in lower-case hex.
    pub sha256: String,
}

impl Download {
    /// The file name, e.g. `projects.csv`.
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

/// The clean path of a dataset's portal page, e.g. `data/projects/`: the page links
/// there and `data.json` names it as the landing page.
pub fn dataset_page_path(name: &str) -> String {
    format!("data/{name}/")
}

/// The portal's index page.
pub const PORTAL_PATH: &str = "data/";

/// The publication policy: who publishes what, how often, under which standards and
/// licence. The OCDS and OC4IDS packages link it.
pub const POLICY_PATH: &str = "data/publication-policy/";

impl Inventory {
    /// An empty inventory for `site`.
    pub(super) fn new(site: &Site) -> Inventory {
        Inventory {
            base: site.base.clone(),
            as_of: site.as_of,
            datasets: Vec::new(),
            bundles: Vec::new(),
        }
    }

    /// Absolute address of a site path given without its leading slash.
    pub fn url(&self, path: &str) -> String {
        self.base.url(path)
    }

    /// Records `table`, published as `files`.
    pub(super) fn add_dataset(&mut self, table: &Table, files: &[Written]) {
        let (first, modified) = dates(table, self.as_of);
        let downloads = files.iter().map(|f| self.download(f, None)).collect();
        self.datasets.push(DatasetEntry {
            def: table.def,
            records: table.rows.len(),
            modified,
            first,
            downloads,
        });
    }

    /// Records the bundle `name`, published as `files` in `format`.
    pub(super) fn add_bundle(
        &mut self,
        name: &'static str,
        bundle: &'static Bundle,
        format: &'static str,
        files: &[Written],
    ) {
        let downloads = files
            .iter()
            .map(|f| self.download(f, Some(format)))
            .collect();
        self.bundles.push(BundleEntry {
            name,
            bundle,
            format,
            downloads,
        });
    }

    /// A download of `file`; its format is `format`, else named after its extension.
    fn download(&self, file: &Written, format: Option<&'static str>) -> Download {
        let content = file.path.strip_suffix(".gz");
        let (default_format, media_type) = kind(content.unwrap_or(&file.path));
        Download {
            path: file.path.clone(),
            url: self.url(&file.path),
            format: format.unwrap_or(default_format),
            media_type,
            gzipped: content.is_some(),
            bytes: file.bytes,
            sha256: file.sha256.clone(),
        }
    }
}

/// Format name and media type of a file, by its extension.
fn kind(path: &str) -> (&'static str, &'static str) {
    match path.rsplit('.').next() {
        Some("csv") => ("CSV", "text/csv"),
        Some("xlsx") => (
            "XLSX",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        Some("sqlite") => ("SQLite", "application/vnd.sqlite3"),
        Some("json") => ("JSON", "application/json"),
        Some("jsonl") => ("JSON Lines", "application/jsonl"),
        _ => ("", "application/octet-stream"),
    }
}

/// The earliest date in `table`, and the latest not after `as_of`. Later dates (a
/// certificate's expiry, the end of a contract term) are plans, not changes; a table
/// without dates (the categories) changed, as far as the data tells, on the as-of date.
fn dates(table: &Table, as_of: Date) -> (Option<Date>, Date) {
    let mut first: Option<Date> = None;
    let mut last: Option<Date> = None;
    for cell in table.rows.iter().flatten() {
        if let Cell::Date(d) = cell {
            first = Some(first.map_or(*d, |f| f.min(*d)));
            if *d <= as_of {
                last = Some(last.map_or(*d, |l| l.max(*d)));
            }
        }
    }
    (first, last.unwrap_or(as_of))
}
