//! `greenproc build`: the whole pipeline, load → validate → derive → export → render →
//! sitemap → write.
//!
//! The checker runs first and any error stops the build before anything is written.
//! The exports come before the pages because the data portal shows their record
//! counts and file sizes; the sitemap comes after, since it lists the pages written.
//! Exports and pages are produced on all cores and go straight into the staging
//! folder, so memory holds the dataset, the export tables and the files being made,
//! never the whole site.

mod incremental;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::derive::{Aggregates, Derived};
use crate::diagnostic::Diagnostic;
use crate::export::reuse::Reuse;
use crate::export::{self, ExportError};
use crate::manifest::BuildState;
use crate::render::{Gathered, RenderError, Site, Stats};
use crate::site_paths::{BadBaseUrl, BaseUrl};
use crate::write::{Output, Staging, WriteError};
pub use incremental::FullReason;
use incremental::{Incremental, Plan};

/// What to build and where.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Site root, holding `data/` and `content/`.
    pub root: PathBuf,
    /// Output folder; `<root>/public` when absent.
    pub output: Option<PathBuf>,
    /// Base URL overriding `site.yaml`'s `base_url`.
    pub base_url: Option<String>,
    /// Render everything, whatever the previous output holds.
    pub full: bool,
}

/// Whether a build rendered everything or what changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Everything, for this reason.
    Full(FullReason),
    /// What changed since the previous output.
    Incremental {
        /// Records that changed, came or went.
        edited: usize,
        /// Files kept from the previous output as they were.
        kept: usize,
    },
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
    /// Full or incremental.
    pub mode: Mode,
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

// Long because it is the pipeline in order, each stage timed; the stages are
// functions of their own.
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
    let output = output_folder(root, options.output.as_deref());
    let configured = dataset
        .config
        .as_ref()
        .map(|c| c.record.base_url.value.as_str());
    let base =
        BaseUrl::new(configured, options.base_url.as_deref()).map_err(BuildError::BaseUrl)?;
    let site_inputs = incremental::site_digest(root, &dataset, &derived, &base);
    let record_inputs = incremental::record_inputs(&dataset, &derived);
    let plan = incremental::plan(&output, options.full, &site_inputs, &record_inputs);
    timings.derive = clock.elapsed();
    timings.note_memory(Stage::Derive);
    let staging = Staging::new(&output).map_err(BuildError::Write)?;
    let previous = match &plan {
        Plan::Incremental(previous) => Some(&**previous),
        Plan::Full(_) => None,
    };
    let pages = PageList::new(&staging, &base);
    let reuse = Reuse::new(
        &site_inputs,
        previous.map(|p| export::reuse::Previous {
            dir: &output,
            jobs: &p.state.jobs,
            files: &p.manifest.files,
        }),
        &staging,
    );
    // The record pages do not show the exports: they render while the exports are
    // made, so that neither leaves a core idle at the other's slow end.
    progress(Stage::Exports);
    let site = Site::new(&dataset, &derived, root, &base).map_err(BuildError::Render)?;
    let twins: Option<&dyn Output> = match previous {
        None => Some(&staging),
        Some(_) => None,
    };
    let ((inventory, exports_time), (records, records_time)) = rayon::join(
        || {
            let clock = Instant::now();
            let inventory = export::write_exports(
                &dataset,
                &derived,
                &aggregates,
                &base,
                &staging,
                twins,
                Some(&reuse),
            );
            (inventory, clock.elapsed())
        },
        || {
            let clock = Instant::now();
            let scope = previous.map(|p| p.scope.clone());
            (site.render_records(scope, &pages), clock.elapsed())
        },
    );
    let inventory = inventory.map_err(BuildError::Export)?;
    let mut record_stats = records.map_err(BuildError::Render)?;
    timings.exports = exports_time;
    timings.note_memory(Stage::Exports);
    progress(Stage::Render);
    let clock = Instant::now();
    let mut kept = 0;
    if let Some(previous) = previous {
        let more = linked_now(previous, &pages);
        if !more.is_empty() {
            let rendered = site.render_records(Some(more.clone()), &pages);
            record_stats.add(rendered.map_err(BuildError::Render)?);
        }
        export::write_twins(&dataset, &base, &previous.edited, &staging)
            .map_err(BuildError::Export)?;
        kept = keep(&staging, &output, previous, &more, &pages)?;
    }
    // the other pages: lists, statistics, the data portal, search
    let gathered = Gathered {
        aggregates: &aggregates,
        exports: &inventory,
    };
    let mut stats = site
        .render_others("", gathered, &pages)
        .map_err(BuildError::Render)?;
    stats.add(record_stats);
    let (page_paths, links) = pages.into_parts();
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
    let jobs = reuse.into_jobs();
    let state = incremental::next_state(
        site_inputs,
        record_inputs,
        links,
        previous.map(|p| &p.state),
        jobs,
    );
    let (files, bytes, leftovers) = finish(staging, &sitemap, &state)?;
    timings.write = clock.elapsed();
    timings.note_memory(Stage::Write);
    timings.total = started.elapsed();
    let mode = match plan {
        Plan::Full(reason) => Mode::Full(reason),
        Plan::Incremental(previous) => Mode::Incremental {
            edited: previous.edited.len(),
            kept,
        },
    };
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
        mode,
    })
}

/// The record pages that the edited ones link to now and did not before: theirs do
/// not show the edited records yet.
fn linked_now(previous: &Incremental, pages: &PageList<'_>) -> HashSet<String> {
    let links = pages.links.lock().unwrap_or_else(|p| p.into_inner());
    previous
        .edited
        .iter()
        .filter_map(|key| links.get(key))
        .flatten()
        .filter(|target| !previous.scope.contains(*target))
        .cloned()
        .collect()
}

/// Puts the files of the previous output that stay as they are into the staging
/// folder, the kept pages into the sitemap's list; how many. `more` are record pages
/// rendered beyond the planned scope.
fn keep(
    staging: &Staging,
    output: &Path,
    previous: &Incremental,
    more: &HashSet<String>,
    pages: &PageList<'_>,
) -> Result<usize, BuildError> {
    use rayon::prelude::*;
    let kept: Vec<_> = previous.kept_files(more).collect();
    kept.par_iter()
        .try_for_each(|(path, entry)| staging.keep(output, path, entry))
        .map_err(BuildError::Write)?;
    let mut paths = pages.paths.lock().unwrap_or_else(|p| p.into_inner());
    paths.extend(
        kept.iter()
            .filter_map(|(path, _)| path.strip_suffix("index.html"))
            .map(str::to_owned),
    );
    Ok(kept.len())
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
    state: &BuildState,
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
    let leftovers = staging.commit(Some(state)).map_err(BuildError::Write)?;
    Ok((files, bytes, leftovers))
}

/// Passes files through to the staging folder and keeps the clean path of every page,
/// for the sitemap, and the record pages each record page links to, for the next
/// incremental build.
pub(crate) struct PageList<'s> {
    pub(crate) out: &'s Staging,
    /// In the order the workers wrote them; the sitemap sorts them.
    pub(crate) paths: Mutex<Vec<String>>,
    /// Record page → the record pages its pages link to.
    links: Mutex<HashMap<String, BTreeSet<String>>>,
    /// The site's base path, which links start with.
    base: String,
}

impl<'s> PageList<'s> {
    /// An empty list passing files to `out`, for a site at `base`.
    pub(crate) fn new(out: &'s Staging, base: &BaseUrl) -> PageList<'s> {
        PageList {
            out,
            paths: Mutex::default(),
            links: Mutex::default(),
            base: base.path().to_owned(),
        }
    }

    /// The pages' clean paths and the record pages' links.
    pub(crate) fn into_parts(self) -> (Vec<String>, HashMap<String, BTreeSet<String>>) {
        let paths = self.paths.into_inner().unwrap_or_else(|p| p.into_inner());
        let links = self.links.into_inner().unwrap_or_else(|p| p.into_inner());
        (paths, links)
    }
}

impl Output for PageList<'_> {
    fn file(&self, path: &str, bytes: &[u8]) -> Result<(), WriteError> {
        if let Some(clean) = path.strip_suffix("index.html") {
            if let Some(key) = crate::render::record_key(clean) {
                let targets: Vec<&str> = crate::render::record_links(bytes, &self.base)
                    .filter(|target| *target != key)
                    .collect();
                let mut links = self.links.lock().unwrap_or_else(|p| p.into_inner());
                let entry = links.entry(key.to_owned()).or_default();
                entry.extend(targets.into_iter().map(str::to_owned));
            }
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
