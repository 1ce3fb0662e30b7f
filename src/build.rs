//! `greenproc build`: the whole pipeline, load → validate → derive → export → render →
//! sitemap → write.
//!
//! The checker runs first and any error stops the build before anything is written.
//! The exports come before the pages because the data portal shows their record
//! counts and file sizes; the sitemap comes after, since it lists the pages written.
//! Exports and pages are produced on all cores and go straight into the staging
//! folder, so memory holds the dataset, the export tables and the files being made,
//! never the whole site.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::derive::{Aggregates, Derived};
use crate::diagnostic::Diagnostic;
use crate::export::{self, ExportError};
use crate::render::{Gathered, RenderError, Site, Stats};
use crate::site_paths::{BadBaseUrl, BaseUrl};
use crate::write::{Output, Staging, WriteError};

/// What to build and where.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Site root, holding `data/` and `content/`.
    pub root: PathBuf,
    /// Output folder; `<root>/public` when absent.
    pub output: Option<PathBuf>,
    /// Base URL overriding `site.yaml`'s `base_url`.
    pub base_url: Option<String>,
}

/// A finished build.
#[derive(Debug)]
pub struct Built {
    /// Warnings from the checker (a build with errors does not finish).
    pub warnings: Vec<Diagnostic>,
    /// Records read.
    pub records: usize,
    /// Pages rendered, and the search index's time.
    pub stats: Stats,
    /// Files written: pages, assets, exports, sitemap and schemas.
    pub files: usize,
    /// Their total size.
    pub bytes: u64,
    /// Where it was written.
    pub output: PathBuf,
    /// How long each stage took.
    pub timings: Timings,
    /// Why the pages show no change history, when they do not.
    pub history_unavailable: Option<crate::history::Unavailable>,
    /// Folders beside the output that could not be removed (the build succeeded).
    pub leftovers: Vec<String>,
}

/// Wall time of each build stage, for `greenproc build --timings` and the benchmark.
#[derive(Debug, Default, Clone, Copy)]
pub struct Timings {
    /// Reading and parsing every data file and document.
    pub load: Duration,
    /// Cross-field and cross-record rules.
    pub validate: Duration,
    /// Lookups, reverse references and statistics.
    pub derive: Duration,
    /// The open-data files, written to the staging folder as they are done; the
    /// record pages render at the same time.
    pub exports: Duration,
    /// Pages and assets, written to the staging folder as they render: the record
    /// pages (beside the exports) and then the others; includes `search`.
    pub render: Duration,
    /// The search index, inside `render`.
    pub search: Duration,
    /// The sitemap.
    pub sitemap: Duration,
    /// Writing the sitemap and schemas, then swapping the staging folder in.
    pub write: Duration,
    /// The whole build, less than the stages' sum since two of them overlap.
    pub total: Duration,
    /// Peak resident memory of the process at the end of each stage, in bytes, in
    /// the order of [`Timings::stages`]; `None` where the system does not tell it.
    pub peak_rss: [Option<u64>; 8],
}

impl Timings {
    /// Notes the peak memory so far as that at the end of `stage`.
    fn note_memory(&mut self, stage: Stage) {
        if let Some(i) = self.stages().iter().position(|(s, _)| *s == stage) {
            self.peak_rss[i] = peak_rss();
        }
    }

    /// The stages in pipeline order with their names; `search` is listed after
    /// `render`, which contains it.
    pub fn stages(&self) -> [(Stage, Duration); 8] {
        [
            (Stage::Load, self.load),
            (Stage::Validate, self.validate),
            (Stage::Derive, self.derive),
            (Stage::Exports, self.exports),
            (Stage::Render, self.render),
            (Stage::Search, self.search),
            (Stage::Sitemap, self.sitemap),
            (Stage::Write, self.write),
        ]
    }
}

/// A build stage, as progress reports and timing tables name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// See [`Timings::load`].
    Load,
    /// See [`Timings::validate`].
    Validate,
    /// See [`Timings::derive`].
    Derive,
    /// See [`Timings::exports`].
    Exports,
    /// See [`Timings::render`].
    Render,
    /// See [`Timings::search`].
    Search,
    /// See [`Timings::sitemap`].
    Sitemap,
    /// See [`Timings::write`].
    Write,
}

impl Stage {
    /// The stage's name, lowercase.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Load => "load",
            Stage::Validate => "validate",
            Stage::Derive => "derive",
            Stage::Exports => "exports",
            Stage::Render => "render",
            Stage::Search => "search",
            Stage::Sitemap => "sitemap",
            Stage::Write => "write",
        }
    }
}

/// Why a build did not finish.
#[derive(Debug)]
pub enum BuildError {
    /// The checker found errors; all its diagnostics, sorted, warnings included.
    Invalid(Vec<Diagnostic>),
    /// Rendering failed.
    Render(RenderError),
    /// The base URL cannot be the site's address.
    BaseUrl(BadBaseUrl),
    /// The open-data exports failed.
    Export(ExportError),
    /// Writing the output failed.
    Write(WriteError),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Invalid(list) => write!(f, "the data has {} problem(s)", list.len()),
            BuildError::Render(e) => write!(f, "{e}"),
            BuildError::BaseUrl(e) => write!(f, "{e}"),
            BuildError::Export(e) => write!(f, "{e}"),
            BuildError::Write(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// Builds the site described by `options`.
pub fn build(options: &BuildOptions) -> Result<Built, BuildError> {
    build_with_progress(options, &mut |_| {})
}

/// Builds the site described by `options`, calling `progress` as each stage starts
/// (the command line shows it on a terminal).
pub fn build_with_progress(
    options: &BuildOptions,
    progress: &mut dyn FnMut(Stage),
) -> Result<Built, BuildError> {
    let root = options.root.as_path();
    let started = Instant::now();
    let mut timings = Timings::default();
    let (dataset, warnings) = checked(root, &mut timings, progress)?;
    progress(Stage::Derive);
    let clock = Instant::now();
    let derived = Derived::new(&dataset, root);
    let aggregates = Aggregates::new(&dataset, &derived);
    timings.derive = clock.elapsed();
    timings.note_memory(Stage::Derive);
    let output = output_folder(root, options.output.as_deref());
    let staging = Staging::new(&output).map_err(BuildError::Write)?;
    let configured = dataset
        .config
        .as_ref()
        .map(|c| c.record.base_url.value.as_str());
    let base =
        BaseUrl::new(configured, options.base_url.as_deref()).map_err(BuildError::BaseUrl)?;
    let pages = PageList {
        out: &staging,
        paths: Mutex::default(),
    };
    // The record pages do not show the exports: they render while the exports are
    // made, so that neither leaves a core idle at the other's slow end.
    progress(Stage::Exports);
    let site = Site::new(&dataset, &derived, root, &base).map_err(BuildError::Render)?;
    let ((inventory, exports_time), (records, records_time)) = rayon::join(
        || {
            let clock = Instant::now();
            let inventory = export::write_exports(
                &dataset,
                &derived,
                &aggregates,
                &base,
                &staging,
                Some(&staging),
            );
            (inventory, clock.elapsed())
        },
        || {
            let clock = Instant::now();
            (site.render_records(None, &pages), clock.elapsed())
        },
    );
    let inventory = inventory.map_err(BuildError::Export)?;
    let record_stats = records.map_err(BuildError::Render)?;
    timings.exports = exports_time;
    timings.note_memory(Stage::Exports);
    // the other pages: lists, statistics, the data portal, search
    progress(Stage::Render);
    let clock = Instant::now();
    let gathered = Gathered {
        aggregates: &aggregates,
        exports: &inventory,
    };
    let mut stats = site
        .render_others("", gathered, &pages)
        .map_err(BuildError::Render)?;
    stats.add(record_stats);
    let page_paths = pages.paths.into_inner().unwrap_or_else(|p| p.into_inner());
    timings.render = records_time + clock.elapsed();
    timings.note_memory(Stage::Render);
    timings.search = stats.search;
    let sitemap = {
        progress(Stage::Sitemap);
        let clock = Instant::now();
        let sitemap = export::sitemap(&base, &page_paths);
        timings.sitemap = clock.elapsed();
        timings.note_memory(Stage::Sitemap);
        sitemap
    };
    progress(Stage::Write);
    let clock = Instant::now();
    let (files, bytes, leftovers) = finish(staging, &sitemap)?;
    timings.write = clock.elapsed();
    timings.note_memory(Stage::Write);
    timings.total = started.elapsed();
    Ok(Built {
        warnings,
        records: dataset.record_count(),
        stats,
        files,
        bytes,
        output,
        timings,
        history_unavailable: derived.history.unavailable.clone(),
        leftovers,
    })
}

/// Loads and validates the site at `root`: the dataset and its warnings, or every
/// problem when there are errors.
fn checked(
    root: &Path,
    timings: &mut Timings,
    progress: &mut dyn FnMut(Stage),
) -> Result<(crate::model::Dataset, Vec<Diagnostic>), BuildError> {
    progress(Stage::Load);
    let mut clock = Instant::now();
    let (dataset, diagnostics) = crate::check_site_with(root, &mut || {
        timings.load = clock.elapsed();
        timings.note_memory(Stage::Load);
        progress(Stage::Validate);
        clock = Instant::now();
    });
    timings.validate = clock.elapsed();
    timings.note_memory(Stage::Validate);
    if diagnostics.error_count() > 0 {
        return Err(BuildError::Invalid(diagnostics.into_sorted()));
    }
    Ok((dataset, diagnostics.into_sorted()))
}

/// Writes the sitemap and the editors' JSON Schemas beside the pages, then swaps the
/// staging folder in; the number of files and bytes written, and the folders that
/// could not be cleaned up.
fn finish(
    staging: Staging,
    sitemap: &[export::ExportFile],
) -> Result<(usize, u64, Vec<String>), BuildError> {
    let schemas = crate::schema::schema_files();
    let files = sitemap
        .iter()
        .map(|f| (f.path.as_str(), f.bytes.as_slice()));
    let schema_files = schemas
        .iter()
        .map(|(path, json)| (path.as_str(), json.as_bytes()));
    for (path, bytes) in files.chain(schema_files) {
        staging.write(path, bytes).map_err(BuildError::Write)?;
    }
    let (files, bytes) = staging.totals();
    let leftovers = staging.commit().map_err(BuildError::Write)?;
    Ok((files, bytes, leftovers))
}

/// Passes files through to the staging folder and keeps the clean path of every page,
/// for the sitemap.
pub(crate) struct PageList<'s> {
    pub(crate) out: &'s Staging,
    /// In the order the workers wrote them; the sitemap sorts them.
    pub(crate) paths: Mutex<Vec<String>>,
}

impl Output for PageList<'_> {
    fn file(&self, path: &str, bytes: &[u8]) -> Result<(), WriteError> {
        if let Some(clean) = path.strip_suffix("index.html") {
            let mut paths = self.paths.lock().unwrap_or_else(|p| p.into_inner());
            paths.push(clean.to_owned());
        }
        self.out.file(path, bytes)
    }
}

/// The peak resident memory of this process so far, in bytes: the high-water mark
/// Linux keeps in `/proc/self/status`; `None` on other systems.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}

/// The output folder: as given (relative to the working directory), or `public/`
/// in the site root.
fn output_folder(root: &Path, output: Option<&Path>) -> PathBuf {
    output.map_or_else(|| root.join("public"), Path::to_path_buf)
}
