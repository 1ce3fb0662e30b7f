//! What an incremental build renders again, and what it keeps from the previous
//! output.
//!
//! Every page shows some site-wide inputs: the binary that rendered it, the theme,
//! the configuration, the taxonomy, the standard's editions, the content pages of the
//! footer, the files of `files/`, the as-of date and the address. Their digest is
//! kept in the build state; when it differs, everything is rendered.
//!
//! Otherwise the rule is `serve`'s: a record's pages show the record, its history and
//! the records they link to or are linked from. A record whose file or history
//! changed (or that came or went) is *edited*; its pages, and those of the record
//! pages it linked to or was linked from in the previous build, render again, then
//! those it links to now and did not before. Every other record's pages, feed and
//! JSON twin are hard-linked from the previous output. The pages that gather many
//! records (lists, filters, statistics, search, the data portal) are always rendered:
//! they are a tenth of the pages. The downloads are kept per export job when the
//! job's inputs are the same (see [`crate::export::reuse`]).
//!
//! The tests hold it to one invariant: the output equals a full build's, byte for
//! byte, manifest and build state included.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs;
use std::path::Path;
use std::sync::OnceLock;

use sha2::Digest as _;

use crate::derive::Derived;
use crate::export::reuse::Hashing;
use crate::manifest::{BuildState, Manifest};
use crate::model::Dataset;
use crate::model::kind::RecordKind;
use crate::render::{TWIN, record_key};
use crate::site_paths::{BaseUrl, page_path};

/// Why a build renders everything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FullReason {
    /// `--full` asked for it.
    Asked,
    /// There is no previous output, or it has no build state (an older greenproc).
    NoPrevious,
    /// The previous build state or manifest could not be read.
    Unreadable(String),
    /// The binary, theme, configuration, taxonomy, editions, content pages, files,
    /// as-of date or address changed.
    SiteChanged,
    /// A file the build would keep is missing from the previous output (removed by
    /// hand, or a damaged cache).
    Missing(String),
}

/// What a build does.
#[derive(Debug)]
pub(super) enum Plan {
    /// Render everything.
    Full(FullReason),
    /// Render what changed.
    Incremental(Box<Incremental>),
}

/// The previous output and what changed since.
#[derive(Debug)]
pub(super) struct Incremental {
    /// Its build state.
    pub(super) state: BuildState,
    /// Its files.
    pub(super) manifest: Manifest,
    /// Record pages whose record changed, came or went: their JSON twins are made
    /// again.
    pub(super) edited: HashSet<String>,
    /// Record pages to render: the edited ones and their neighbours.
    pub(super) scope: HashSet<String>,
}

/// The digest of what every page shows, besides the records.
pub(super) fn site_digest(
    root: &Path,
    dataset: &Dataset,
    derived: &Derived,
    base: &BaseUrl,
) -> String {
    let mut hashing = Hashing::default();
    hashing.add(binary_digest());
    hashing.add(base.url("").as_bytes());
    hashing.add(format!("{:?}", derived.as_of).as_bytes());
    hashing.add(format!("{:?}", derived.history.unavailable).as_bytes());
    for digest in [
        dataset.config.as_ref().map(|c| &c.digest),
        dataset.taxonomy.as_ref().map(|t| &t.digest),
    ] {
        hashing.add(digest.map_or(&[][..], |d| &d[..]));
    }
    let site_wide = dataset
        .records()
        .filter(|r| is_site_wide(r.kind) || r.kind.info().section.is_none());
    for record in site_wide {
        hashing.add(record.file.as_os_str().as_encoded_bytes());
        hashing.add(record.digest);
    }
    for file in &dataset.files {
        hashing.add(file.path.as_bytes());
        hashing.add(&file.size.to_le_bytes());
    }
    // A site's own theme; the built-in one is part of the binary. Paths from the
    // root: a checkout elsewhere (another CI runner's folder) is the same site.
    let themes = walkdir::WalkDir::new(root.join("themes")).sort_by_file_name();
    for entry in themes.into_iter().flatten() {
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
            hashing.add(relative.as_os_str().as_encoded_bytes());
            hashing.add(&fs::read(entry.path()).unwrap_or_default());
        }
    }
    hashing.finish()
}

/// Whether records of `kind` show on every page: the content pages in the footer,
/// and the editions of the standard, which every verdict is made against.
fn is_site_wide(kind: RecordKind) -> bool {
    matches!(kind, RecordKind::Page | RecordKind::Edition)
}

/// Each record page's inputs by clean path: its file, its text and its history.
pub(super) fn record_inputs(dataset: &Dataset, derived: &Derived) -> BTreeMap<String, String> {
    let history = &derived.history;
    dataset
        .records()
        .filter_map(|record| {
            let section = record.kind.info().section?;
            let mut hashing = Hashing::default();
            hashing.add(record.file.as_os_str().as_encoded_bytes());
            hashing.add(record.digest);
            // The edits by content, not by index: a new commit shifts every index.
            for &i in history.record(record.file).map_or(&[][..], |h| &h.edits) {
                let Some(edit) = history.edits.get(i) else {
                    continue;
                };
                let commit = history.commits.get(edit.commit);
                let seen = format!(
                    "{commit:?}{:?}{:?}{:?}{:?}",
                    edit.kind, edit.id, edit.title, edit.action
                );
                hashing.add(seen.as_bytes());
            }
            Some((page_path(section, &record.id.value), hashing.finish()))
        })
        .collect()
}

/// What to do, given the output folder, the site digest and the record inputs.
pub(super) fn plan(
    output: &Path,
    full: bool,
    site: &str,
    inputs: &BTreeMap<String, String>,
) -> Plan {
    if full {
        return Plan::Full(FullReason::Asked);
    }
    if !output.join(crate::manifest::BUILD_STATE).is_file() {
        return Plan::Full(FullReason::NoPrevious);
    }
    let read = BuildState::read(output).and_then(|s| Ok((s, Manifest::read(output)?)));
    let (state, manifest) = match read {
        Ok(read) => read,
        Err(why) => return Plan::Full(FullReason::Unreadable(why)),
    };
    if state.site != site {
        return Plan::Full(FullReason::SiteChanged);
    }
    let mut edited: HashSet<String> = inputs
        .iter()
        .filter(|(key, input)| {
            state
                .records
                .get(*key)
                .is_none_or(|old| old.input != **input)
        })
        .map(|(key, _)| key.clone())
        .collect();
    edited.extend(
        state
            .records
            .keys()
            .filter(|key| !inputs.contains_key(*key))
            .cloned(),
    );
    let mut scope = edited.clone();
    for (key, old) in &state.records {
        if edited.contains(key) {
            // Pages an edited one linked to: they may show its name.
            scope.extend(
                old.links
                    .iter()
                    .filter(|l| inputs.contains_key(*l))
                    .cloned(),
            );
        } else if old.links.iter().any(|l| edited.contains(l)) {
            scope.insert(key.clone());
        }
    }
    let incremental = Incremental {
        state,
        manifest,
        edited,
        scope,
    };
    let none = HashSet::new();
    let missing = incremental
        .kept_files(&none)
        .find(|(path, _)| fs::symlink_metadata(output.join(path)).is_err())
        .map(|(path, _)| path.clone());
    if let Some(path) = missing {
        return Plan::Full(FullReason::Missing(path));
    }
    Plan::Incremental(Box::new(incremental))
}

impl Incremental {
    /// The files of the previous output that stay as they are: the pages and feeds
    /// of records neither in scope nor in `more`, and the twins of records not edited.
    pub(super) fn kept_files<'s>(
        &'s self,
        more: &'s HashSet<String>,
    ) -> impl Iterator<Item = (&'s String, &'s crate::manifest::FileEntry)> {
        self.manifest.files.iter().filter(|(path, _)| {
            let clean = path.strip_suffix("index.html").unwrap_or(path);
            let Some(key) = record_key(clean) else {
                return false;
            };
            if &clean[key.len()..] == TWIN {
                !self.edited.contains(key)
            } else {
                !self.scope.contains(key) && !more.contains(key)
            }
        })
    }
}

/// The build state of this build: the record inputs, the links of the pages rendered
/// now and, for the others, those of the previous build.
pub(super) fn next_state(
    site: String,
    inputs: BTreeMap<String, String>,
    mut rendered: HashMap<String, BTreeSet<String>>,
    previous: Option<&BuildState>,
    jobs: BTreeMap<String, crate::manifest::JobInputs>,
) -> BuildState {
    let mut state = BuildState::new(site);
    state.jobs = jobs;
    state.records = inputs
        .into_iter()
        .map(|(key, input)| {
            let links = match rendered.remove(&key) {
                Some(links) => links.into_iter().collect(),
                None => previous
                    .and_then(|p| p.records.get(&key))
                    .map(|r| r.links.clone())
                    .unwrap_or_default(),
            };
            (key, crate::manifest::RecordInputs { input, links })
        })
        .collect();
    state
}

/// The digest of the running binary: a new greenproc renders everything.
fn binary_digest() -> &'static [u8] {
    static DIGEST: OnceLock<Vec<u8>> = OnceLock::new();
    DIGEST.get_or_init(|| {
        let exe = std::env::current_exe().and_then(fs::read);
        match exe {
            Ok(bytes) => sha2::Sha256::digest(&bytes).to_vec(),
            // Unreadable: the version alone, as the best there is.
            Err(_) => env!("CARGO_PKG_VERSION").as_bytes().to_vec(),
        }
    })
}
