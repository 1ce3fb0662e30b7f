//! The preview's state between edits, and the incremental rebuild.
//!
//! The parsed dataset stays in memory; an edit re-reads only the files that changed.
//! Validation and derivation then run over the whole dataset, side by side: they are
//! linear and take a fraction of a second at 100,000 records, and incremental
//! versions of every rule would be a second implementation to keep in step.
//!
//! Rendering is where the time goes, so it is limited to what an edit can change.
//! A record's page shows the record and links to the records it names and that name
//! it; the [`Tree`] keeps those links, read from the rendered HTML. An edit of a
//! record re-renders, first, its own page and the record pages it linked to, links
//! to now, or is linked from (a product page lists the projects that use the product
//! by name), and publishes them; then, in a second step that a newer edit interrupts,
//! the pages that gather many records (lists, filters, home, statistics, the search
//! index, the data portal), the open-data files and the sitemap. An edit of the site
//! configuration, the taxonomy, an edition of the standard, a content page (every
//! page's footer lists them) or the theme, or one that moves the as-of date or the
//! git revision every page shows, renders everything.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::error::ServeError;
use super::tree::{Committed, Done, Origin, Tree};
use crate::derive::{Aggregates, Derived, Revision};
use crate::diagnostic::{Diagnostic, Diagnostics, Severity, display_path};
use crate::export::{self, Inventory};
use crate::history::History;
use crate::load;
use crate::model::kind::RecordKind;
use crate::model::{Dataset, Date};
use crate::render::theme::Theme;
use crate::render::{Gathered, RenderError, Scope, Site, Stats};
use crate::site_paths::{BaseUrl, page_path};
use crate::write::Output;

/// What a rebuild step reports.
#[derive(Debug)]
pub(super) enum Outcome {
    /// Pages were published.
    Built(Report),
    /// The data has errors; the previous pages stay. All problems, sorted.
    Invalid(Vec<Diagnostic>),
    /// Rendering or writing failed; the previous pages stay.
    Failed(ServeError),
}

/// A published step.
#[derive(Debug)]
pub(super) struct Report {
    /// Which step.
    pub(super) step: Step,
    /// What changed.
    pub(super) committed: Committed,
    /// Re-reading the edited files.
    pub(super) load: Duration,
    /// Validation and derivation, which run side by side.
    pub(super) check: Duration,
    /// Rendering and writing.
    pub(super) render: Duration,
    /// From the start of the rebuild.
    pub(super) total: Duration,
}

/// The steps of a rebuild.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    /// Everything.
    Full,
    /// The record pages an edit affected.
    Records,
    /// Lists, search index, open-data files and sitemap.
    Rest,
}

/// What has changed since the last published rebuild.
#[derive(Debug, Default)]
struct Pending {
    /// Read every file again (a folder appeared or went away).
    reload: bool,
    /// Render every page.
    full: bool,
    /// Record pages (clean paths) whose record changed, before and after the edit.
    records: HashSet<String>,
}

/// The site being previewed.
pub(super) struct Preview {
    root: PathBuf,
    /// The preview's own address, which links and QR codes use.
    base: BaseUrl,
    dataset: Dataset,
    /// Problems found while reading files, kept per file between edits.
    load_problems: Vec<Diagnostic>,
    /// The open-data files' inventory the data portal shows, from the last export.
    inventory: Option<Inventory>,
    /// The compiled theme, kept between edits; compiled again after a full rebuild's
    /// edit (of the theme, or of site.yaml, which names it).
    theme: Option<Theme>,
    tree: Tree,
    pending: Pending,
    /// The as-of date and revision of the last published pages: every page shows them.
    shown: Option<(Option<Date>, Option<Revision>)>,
    /// The history read at a commit: reading it walks every commit, and an edit of
    /// the working tree does not change it.
    history: Option<(Revision, Arc<History>)>,
}

impl Preview {
    /// A preview of the site at `root` served at `base`, into `tree`; nothing is
    /// read before the first [`Preview::update`].
    pub(super) fn new(root: PathBuf, base: BaseUrl, tree: Tree) -> Preview {
        Preview {
            root,
            base,
            dataset: Dataset::default(),
            load_problems: Vec::new(),
            inventory: None,
            theme: None,
            tree,
            history: None,
            pending: Pending {
                reload: true,
                full: true,
                records: HashSet::new(),
            },
            shown: None,
        }
    }

    // Long because it is the order of an edit's rebuild (re-read, check beside derive,
    // record pages, the rest) with a report after each step; the steps are functions
    // of their own.
    /// Applies the edits of `changed` (paths relative to the root) and rebuilds,
    /// calling `report` after each published step. `interrupted` tells when newer edits
    /// wait, to stop before the second step's work. Does nothing when no file that the
    /// site is built from changed.
    pub(super) fn update(
        &mut self,
        changed: &[PathBuf],
        report: &mut dyn FnMut(Outcome),
        interrupted: &dyn Fn() -> bool,
    ) {
        let started = Instant::now();
        if !self.note(changed) {
            return;
        }
        let load = started.elapsed();
        let clock = Instant::now();
        let Preview {
            root,
            base,
            dataset,
            load_problems,
            inventory,
            theme,
            tree,
            pending,
            shown,
            history,
        } = self;
        let dataset = &*dataset;
        let revision = Revision::read(root);
        let known = history
            .as_ref()
            .filter(|(at, _)| Some(at) == revision.as_ref())
            .map(|(_, read)| Arc::clone(read));
        let (problems, derived) = rayon::join(
            || {
                let mut problems = Diagnostics::default();
                for problem in load_problems.iter() {
                    problems.push(problem.clone());
                }
                crate::validate::validate(dataset, &mut problems);
                problems
            },
            || {
                let read = known.unwrap_or_else(|| Arc::new(History::read(root)));
                Derived::with_history(dataset, revision, read)
            },
        );
        *history = derived
            .revision
            .clone()
            .map(|at| (at, Arc::clone(&derived.history)));
        let check = clock.elapsed();
        if problems.error_count() > 0 {
            report(Outcome::Invalid(problems.into_sorted()));
            return;
        }
        let now_shown = Some((derived.as_of, derived.revision.clone()));
        let full = pending.full || inventory.is_none() || tree.is_empty() || *shown != now_shown;
        if full {
            // The theme may have changed, or site.yaml may name another.
            *theme = None;
        }
        let mut build = Build {
            root,
            base,
            dataset,
            derived: &derived,
            theme,
            tree,
        };
        let timed = |step, committed, render: Duration| {
            Outcome::Built(Report {
                step,
                committed,
                load,
                check,
                render,
                total: started.elapsed(),
            })
        };
        let clock = Instant::now();
        if full {
            match build.everything() {
                Ok((committed, exported)) => {
                    *inventory = Some(exported);
                    *pending = Pending::default();
                    *shown = now_shown;
                    report(timed(Step::Full, committed, clock.elapsed()));
                }
                Err(message) => report(Outcome::Failed(message)),
            }
            return;
        }
        match build.records(&pending.records) {
            Ok(committed) => {
                pending.records.clear();
                report(timed(Step::Records, committed, clock.elapsed()));
            }
            Err(message) => {
                report(Outcome::Failed(message));
                return;
            }
        }
        let clock = Instant::now();
        match build.rest(inventory, interrupted) {
            Ok(Some(committed)) => report(timed(Step::Rest, committed, clock.elapsed())),
            Ok(None) => {}
            Err(message) => report(Outcome::Failed(message)),
        }
    }

    /// Reads every file again at the next update: a top-level folder appeared.
    pub(super) fn reload(&mut self) {
        self.pending.reload = true;
    }

    /// The files in the folder `dir` (relative to the root) now, or, when it is gone,
    /// the files records were read from in it.
    fn files_in(&self, dir: &Path) -> Vec<PathBuf> {
        let full = self.root.join(dir);
        if full.is_dir() {
            return walkdir::WalkDir::new(&full)
                .sort_by_file_name()
                .into_iter()
                .flatten()
                .filter(|entry| entry.file_type().is_file())
                .filter_map(|entry| {
                    let relative = entry.path().strip_prefix(&self.root).ok()?;
                    Some(relative.to_path_buf())
                })
                .collect();
        }
        let files = self.dataset.records().map(|record| record.file);
        files
            .filter(|file| file.starts_with(dir))
            .map(Path::to_path_buf)
            .collect()
    }

    /// Re-reads the changed files and notes what they affect; `false` when none of
    /// them is part of the site and nothing waits from a failed rebuild.
    fn note(&mut self, changed: &[PathBuf]) -> bool {
        let mut relevant = self.pending.reload || self.pending.full;
        for file in changed {
            if file.starts_with("themes") {
                self.pending.full = true;
                relevant = true;
                continue;
            }
            // A document added, replaced or removed: its links and its copy change.
            if file.starts_with(crate::model::FILES_FOLDER) {
                self.pending.reload = true;
                relevant = true;
                continue;
            }
            let Some(kind) = RecordKind::of(file) else {
                // A folder that appeared or went away: the files in it changed. The
                // top-level folders' own events tell nothing (see `Preview::reload`).
                if file.components().count() > 1 {
                    let inside = self.files_in(file);
                    relevant |= !inside.is_empty() && self.note(&inside);
                }
                continue;
            };
            relevant = true;
            if matches!(
                kind,
                RecordKind::Config | RecordKind::Taxonomy | RecordKind::Edition | RecordKind::Page
            ) {
                self.pending.full = true;
            }
            self.pending.records.extend(page_of(&self.dataset, file));
            let name = display_path(file);
            self.load_problems.retain(|d| d.file != name);
            let mut problems = Diagnostics::default();
            load::reload_file(&self.root, &mut self.dataset, file, &mut problems);
            self.load_problems.extend(problems.into_sorted());
            self.pending.records.extend(page_of(&self.dataset, file));
        }
        if self.pending.reload {
            let mut problems = Diagnostics::default();
            self.dataset = load::load_site(&self.root, &mut problems);
            self.load_problems = problems.into_sorted();
            self.pending.reload = false;
            self.pending.full = true;
        }
        relevant
    }
}

/// One rebuild's inputs and where it goes.
struct Build<'b, 'a> {
    root: &'b Path,
    base: &'b BaseUrl,
    dataset: &'a Dataset,
    /// What every page shows but the aggregates, which the other pages' step makes.
    derived: &'b Derived<'a>,
    /// The compiled theme, taken by each render and put back.
    theme: &'b mut Option<Theme>,
    tree: &'b mut Tree,
}

impl<'a> Build<'_, 'a> {
    /// Renders with `draw` into a scoped pass, to be committed to the tree.
    fn render(
        &mut self,
        draw: impl FnOnce(&Site<'_>, &dyn Output) -> Result<Stats, RenderError>,
    ) -> Result<Done, ServeError> {
        let theme = match self.theme.take() {
            Some(theme) => theme,
            None => {
                let config = self.dataset.config.as_ref().map(|c| &c.record);
                let name = config
                    .and_then(|c| c.theme.as_ref())
                    .map(|t| t.value.as_str());
                Theme::load(self.root, name)?
            }
        };
        let site = Site::with_theme(self.dataset, self.derived, theme, self.base)?;
        let pass = self.tree.scoped_pass();
        let rendered = draw(&site, &pass);
        let done = pass.finish();
        *self.theme = Some(site.into_theme());
        rendered?;
        Ok(done)
    }

    /// Renders everything into a new folder (pages, open data, sitemap, schemas) and
    /// serves it; returns what changed and the new inventory.
    fn everything(&mut self) -> Result<(Committed, Inventory), ServeError> {
        let (dataset, base) = (self.dataset, self.base);
        let aggregates = Aggregates::new(dataset, self.derived);
        let exports = export::render_exports(dataset, self.derived, &aggregates, base, true)?;
        let site = Site::new(dataset, self.derived, self.root, base)?;
        let mut pass = self.tree.full_pass()?;
        let gathered = Gathered {
            aggregates: &aggregates,
            exports: &exports.inventory,
        };
        site.render(gathered, &pass)?;
        *self.theme = Some(site.into_theme());
        let sitemap = export::sitemap(base, &pass.page_paths());
        for (origin, files) in [
            (Origin::Export, &exports.files),
            (Origin::Twin, &exports.twins),
            (Origin::Sitemap, &sitemap),
        ] {
            pass.origin(origin);
            for file in files {
                pass.put(&file.path, &file.bytes)?;
            }
        }
        pass.origin(Origin::Schema);
        for (path, json) in crate::schema::schema_files() {
            pass.put(&path, json.as_bytes())?;
        }
        let done = pass.finish();
        Ok((self.tree.swap(done), exports.inventory))
    }

    /// The first step after an edit: the edited records' pages and their neighbours'.
    fn records(&mut self, edited: &HashSet<String>) -> Result<Committed, ServeError> {
        let mut keys = edited.clone();
        for key in edited {
            keys.extend(self.tree.neighbours(key).cloned());
        }
        let mut committed = Committed::default();
        // A second round for records the edited ones link to now and did not before:
        // their pages do not list the edited record yet.
        for _ in 0..2 {
            let scope = Scope {
                records: Some(keys),
                others: None,
            };
            let records = scope.records.clone();
            let done = self.render(|site, out| site.render_records(records, out))?;
            let more: HashSet<String> = edited
                .iter()
                .filter_map(|key| done.links().get(key))
                .flatten()
                .filter(|target| !scope.wants(target))
                .cloned()
                .collect();
            committed.add(self.tree.commit(done, Origin::Render, Some(&scope))?);
            if more.is_empty() {
                break;
            }
            keys = more;
        }
        // A JSON twin shows its own record only: the edited records' twins, and the
        // removal of a deleted record's.
        let twins = export::record_twins(self.dataset, self.base, edited)?;
        let edited = Scope {
            records: Some(edited.clone()),
            others: None,
        };
        committed.add(self.publish(Origin::Twin, &twins, Some(&edited))?);
        Ok(committed)
    }

    /// The second step after an edit: the pages that gather many records, the search
    /// index, the open-data files with the data portal that describes them, and the
    /// sitemap. `None` when a newer edit interrupted it before anything was published.
    fn rest(
        &mut self,
        inventory: &mut Option<Inventory>,
        interrupted: &dyn Fn() -> bool,
    ) -> Result<Option<Committed>, ServeError> {
        let others = |prefix| Scope {
            records: Some(HashSet::new()),
            others: Some(prefix),
        };
        let Some(current) = inventory.as_ref() else {
            return Ok(None);
        };
        if interrupted() {
            return Ok(None);
        }
        // These pages show the statistics and the latest changes.
        let aggregates = Aggregates::new(self.dataset, self.derived);
        let gathered = Gathered {
            aggregates: &aggregates,
            exports: current,
        };
        let lists = others("");
        let done = self.render(|site, out| site.render_others("", gathered, out))?;
        let mut committed = self.tree.commit(done, Origin::Render, Some(&lists))?;
        if interrupted() {
            return Ok(Some(committed));
        }
        // The JSON twins of the edited records came with their pages.
        let exports =
            export::render_exports(self.dataset, self.derived, &aggregates, self.base, false)?;
        committed.add(self.publish(Origin::Export, &exports.files, None)?);
        let portal = others(export::inventory::PORTAL_PATH);
        let gathered = Gathered {
            aggregates: &aggregates,
            exports: &exports.inventory,
        };
        let portal_path = export::inventory::PORTAL_PATH;
        let done = self.render(|site, out| site.render_others(portal_path, gathered, out))?;
        committed.add(self.tree.commit(done, Origin::Render, Some(&portal))?);
        *inventory = Some(exports.inventory);
        let sitemap = export::sitemap(self.base, &self.tree.page_paths());
        committed.add(self.publish(Origin::Sitemap, &sitemap, None)?);
        Ok(Some(committed))
    }

    /// Publishes the files of `origin` that a step produced: all of them, or all of
    /// those in `scope`; the files there that it no longer produces go.
    fn publish(
        &mut self,
        origin: Origin,
        files: &[export::ExportFile],
        scope: Option<&Scope>,
    ) -> Result<Committed, ServeError> {
        let mut pass = self.tree.scoped_pass();
        pass.origin(origin);
        for file in files {
            pass.put(&file.path, &file.bytes)?;
        }
        let done = pass.finish();
        self.tree.commit(done, origin, scope)
    }
}

/// The page of the record read from `file`, when it has one.
fn page_of(d: &Dataset, file: &Path) -> Option<String> {
    let record = d.record_at(file)?;
    let section = record.kind.info().section?;
    Some(page_path(section, &record.id.value))
}

/// The problems of `list` that are errors.
pub(super) fn errors(list: &[Diagnostic]) -> usize {
    list.iter()
        .filter(|d| d.severity == Severity::Error)
        .count()
}
