//! The preview's files: a folder in the temporary directory that the HTTP threads read,
//! a hash of every file in it, and the links between record pages.
//!
//! A rebuild renders into a [`Pass`]. A full pass writes a fresh folder that replaces
//! the served one only when everything succeeded; a scoped pass (the pages one edit
//! affected) keeps the files whose bytes changed in memory and writes them into the
//! served folder on [`Tree::commit`], each by a rename, so that a reader never sees
//! half a file and a failed pass changes nothing.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use super::error::ServeError;
use crate::render::{OWN_FILES, SUBPAGES, Scope, record_key, record_links};
use crate::write::{Output, WriteError};

/// Which step of a rebuild wrote a file; each step's files are replaced as a set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    /// Pages, assets and the search index: the render stage.
    Render,
    /// The open-data files but the JSON twins.
    Export,
    /// The JSON twins of the record pages, redone with their records' pages.
    Twin,
    /// `sitemap.xml` and `robots.txt`.
    Sitemap,
    /// The editors' JSON Schemas, fixed for a binary.
    Schema,
}

/// The served folder and what it holds.
pub(super) struct Tree {
    /// Where the folders of successive full passes are made.
    home: PathBuf,
    /// The folder the HTTP threads serve, shared with them.
    served: Arc<RwLock<PathBuf>>,
    /// Full passes so far, naming their folders.
    passes: u32,
    /// Every file by path: hash of its bytes and the step that wrote it.
    files: HashMap<String, (u64, Origin)>,
    /// Record page → record pages it links to (`projects/x/` → `orgs/y/`, ...).
    forward: HashMap<String, HashSet<String>>,
    /// Record page → record pages that link to it.
    backward: HashMap<String, HashSet<String>>,
}

/// What a commit changed.
#[derive(Debug, Default)]
pub(super) struct Committed {
    /// HTML pages rendered.
    pub(super) pages: usize,
    /// Files written or removed because their bytes changed.
    pub(super) files: usize,
    /// Clean paths of the pages whose bytes changed or that were removed.
    pub(super) changed: Vec<String>,
}

impl Committed {
    /// Adds what a later commit of the same rebuild changed.
    pub(super) fn add(&mut self, other: Committed) {
        self.pages += other.pages;
        self.files += other.files;
        self.changed.extend(other.changed);
    }
}

impl Tree {
    /// An empty tree whose folders go in `home`; `served` is the HTTP threads' pointer.
    pub(super) fn new(home: PathBuf, served: Arc<RwLock<PathBuf>>) -> Tree {
        Tree {
            home,
            served,
            passes: 0,
            files: HashMap::new(),
            forward: HashMap::new(),
            backward: HashMap::new(),
        }
    }

    /// Whether a first full pass has been committed.
    pub(super) fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The record pages linked from `key`'s page and linking to it.
    pub(super) fn neighbours(&self, key: &str) -> impl Iterator<Item = &String> {
        let forward = self.forward.get(key).into_iter().flatten();
        forward.chain(self.backward.get(key).into_iter().flatten())
    }

    /// The clean paths of every page, for the sitemap.
    pub(super) fn page_paths(&self) -> Vec<String> {
        page_paths(&self.files)
    }

    /// Starts a full pass into a new folder, which [`Tree::swap`] serves.
    pub(super) fn full_pass(&mut self) -> Result<Pass<'_>, ServeError> {
        // The folder of a full pass that failed is not served: remove it.
        if self.passes > 0 {
            let failed = self.home.join(format!("site-{}", self.passes));
            if *self.served.read().unwrap_or_else(|e| e.into_inner()) != failed {
                let _ = fs::remove_dir_all(failed);
            }
        }
        self.passes += 1;
        let dir = self.home.join(format!("site-{}", self.passes));
        fs::create_dir_all(&dir).map_err(ServeError::folder("create", &dir))?;
        Ok(Pass::new(self, Some(dir)))
    }

    /// Starts a pass whose changed files wait in memory for [`Tree::commit`].
    pub(super) fn scoped_pass(&self) -> Pass<'_> {
        Pass::new(self, None)
    }

    /// Serves the folder of a finished full pass in place of the current one, which is
    /// removed in the background (at 100,000 records that takes seconds).
    pub(super) fn swap(&mut self, done: Done) -> Committed {
        // Only a full pass has a folder of its own; a scoped one has nothing to swap in.
        let Some(dir) = done.dir else {
            return Committed::default();
        };
        let old = {
            let mut served = self.served.write().unwrap_or_else(|e| e.into_inner());
            std::mem::replace(&mut *served, dir)
        };
        if old.starts_with(&self.home) && old != self.home {
            std::thread::spawn(move || fs::remove_dir_all(old));
        }
        let changed = done
            .produced
            .iter()
            .filter(|(path, (hash, _))| self.files.get(*path).map(|f| f.0) != Some(*hash))
            .filter_map(|(path, _)| path.strip_suffix("index.html").map(str::to_owned))
            .collect();
        let files = done
            .produced
            .iter()
            .filter(|(path, (hash, _))| self.files.get(*path).map(|f| f.0) != Some(*hash))
            .count();
        self.files = done.produced;
        self.forward.clear();
        self.backward.clear();
        for (key, targets) in done.links {
            self.link(key, targets);
        }
        Committed {
            pages: done.pages,
            files,
            changed,
        }
    }

    /// Writes the changed files of a scoped pass into the served folder and removes
    /// the files of `origin` in `scope` that the pass no longer produced (a deleted
    /// record's page, a filter value no record has any more).
    pub(super) fn commit(
        &mut self,
        done: Done,
        origin: Origin,
        scope: Option<&Scope>,
    ) -> Result<Committed, ServeError> {
        let dir = self
            .served
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let mut committed = Committed {
            pages: done.pages,
            ..Committed::default()
        };
        for (path, bytes) in &done.changed {
            write_atomically(&dir, path, bytes)?;
            committed.files += 1;
            if let Some(clean) = path.strip_suffix("index.html") {
                committed.changed.push(clean.to_owned());
            }
        }
        let in_domain = |path: &str, file_origin: Origin| {
            file_origin == origin && scope.is_none_or(|s| s.wants(clean_path(path)))
        };
        let records_only = scope.and_then(|s| s.records.as_ref().filter(|_| s.others.is_none()));
        let gone: Vec<String> = match records_only {
            // A few records: look up their files instead of scanning every file.
            Some(keys) => keys
                .iter()
                .flat_map(|key| {
                    let pages = std::iter::once("")
                        .chain(SUBPAGES)
                        .map(move |sub| format!("{key}{sub}index.html"));
                    pages.chain(OWN_FILES.iter().map(move |file| format!("{key}{file}")))
                })
                .filter(|path| {
                    self.files.get(path).is_some_and(|(_, o)| *o == origin)
                        && !done.produced.contains_key(path)
                })
                .collect(),
            None => self
                .files
                .iter()
                .filter(|(path, (_, o))| in_domain(path, *o) && !done.produced.contains_key(*path))
                .map(|(path, _)| path.clone())
                .collect(),
        };
        for path in gone {
            match fs::remove_file(dir.join(&path)) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(ServeError::folder("remove", dir.join(&path))(e)),
            }
            self.files.remove(&path);
            committed.files += 1;
            if let Some(clean) = path.strip_suffix("index.html") {
                committed.changed.push(clean.to_owned());
            }
        }
        self.files.extend(done.produced);
        if let Some(scope) = scope
            && let Some(keys) = &scope.records
        {
            // A record page in scope that produced nothing is gone: so are its links.
            for key in keys {
                if !done.links.contains_key(key) {
                    self.link(key.clone(), HashSet::new());
                }
            }
        }
        for (key, targets) in done.links {
            self.link(key, targets);
        }
        committed.changed.sort();
        Ok(committed)
    }

    /// Records that `key`'s page links to `targets`, replacing what it linked to.
    fn link(&mut self, key: String, targets: HashSet<String>) {
        if let Some(old) = self.forward.remove(&key) {
            for target in old {
                if let Some(sources) = self.backward.get_mut(&target) {
                    sources.remove(&key);
                }
            }
        }
        for target in &targets {
            self.backward
                .entry(target.clone())
                .or_default()
                .insert(key.clone());
        }
        if !targets.is_empty() {
            self.forward.insert(key, targets);
        }
    }
}

/// Files being rendered for a [`Tree`].
pub(super) struct Pass<'t> {
    tree: &'t Tree,
    /// The fresh folder of a full pass; `None` for a scoped pass.
    dir: Option<PathBuf>,
    /// The step now writing.
    origin: Origin,
    /// Render workers put files at once.
    done: Mutex<Done>,
}

/// A finished pass, ready to commit.
#[derive(Default)]
pub(super) struct Done {
    dir: Option<PathBuf>,
    /// Every file produced: hash and origin.
    produced: HashMap<String, (u64, Origin)>,
    /// Files of a scoped pass whose bytes differ from the served ones.
    changed: Vec<(String, Vec<u8>)>,
    /// Record page → the record pages its pages link to.
    links: HashMap<String, HashSet<String>>,
    /// HTML pages rendered.
    pages: usize,
}

impl Done {
    /// The record pages whose pages were rendered, with what they link to now.
    pub(super) fn links(&self) -> &HashMap<String, HashSet<String>> {
        &self.links
    }
}

impl<'t> Pass<'t> {
    fn new(tree: &'t Tree, dir: Option<PathBuf>) -> Pass<'t> {
        Pass {
            tree,
            dir: dir.clone(),
            origin: Origin::Render,
            done: Mutex::new(Done {
                dir,
                ..Done::default()
            }),
        }
    }

    /// Makes the next files count as `origin`'s.
    pub(super) fn origin(&mut self, origin: Origin) {
        self.origin = origin;
    }

    /// Adds one file.
    pub(super) fn put(&self, path: &str, bytes: &[u8]) -> Result<(), ServeError> {
        let hash = hash(bytes);
        let page = path.ends_with(".html");
        let key = record_key(clean_path(path)).filter(|_| page);
        let targets: HashSet<String> = key
            .map(|key| {
                record_links(bytes, "/")
                    .filter(|target| *target != key)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let changed = self.dir.is_none() && self.tree.files.get(path).map(|f| f.0) != Some(hash);
        {
            let mut done = self.done();
            if done
                .produced
                .insert(path.to_owned(), (hash, self.origin))
                .is_some()
            {
                return Err(ServeError::SameAddress(path.to_owned()));
            }
            if page {
                done.pages += 1;
            }
            if let Some(key) = key {
                done.links
                    .entry(key.to_owned())
                    .or_default()
                    .extend(targets);
            }
            if changed {
                done.changed.push((path.to_owned(), bytes.to_vec()));
            }
        }
        match &self.dir {
            Some(dir) => write_new(dir, path, bytes),
            None => Ok(()),
        }
    }

    fn done(&self) -> MutexGuard<'_, Done> {
        self.done
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The clean paths of the pages rendered so far, for the sitemap.
    pub(super) fn page_paths(&self) -> Vec<String> {
        page_paths(&self.done().produced)
    }

    /// The finished pass.
    pub(super) fn finish(self) -> Done {
        self.done
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Output for Pass<'_> {
    fn file(&self, path: &str, bytes: &[u8]) -> Result<(), WriteError> {
        self.put(path, bytes)
            .map_err(|e| WriteError::new(e.to_string()))
    }
}

/// The clean paths of the pages among `files`, sorted.
fn page_paths(files: &HashMap<String, (u64, Origin)>) -> Vec<String> {
    let mut paths: Vec<String> = files
        .iter()
        .filter(|(_, (_, origin))| *origin == Origin::Render)
        .filter_map(|(path, _)| path.strip_suffix("index.html").map(str::to_owned))
        .collect();
    paths.sort();
    paths
}

/// The clean path of a file: `projects/x/index.html` → `projects/x/`.
fn clean_path(path: &str) -> &str {
    path.strip_suffix("index.html").unwrap_or(path)
}

fn hash(bytes: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    hasher.finish()
}

/// Writes a file into a fresh folder.
fn write_new(dir: &Path, path: &str, bytes: &[u8]) -> Result<(), ServeError> {
    let target = dir.join(path);
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent).map_err(ServeError::folder("create", parent))?;
    }
    fs::write(&target, bytes).map_err(ServeError::folder("write", &target))
}

/// Replaces a served file by a rename, so that a reader gets the old or the new bytes.
fn write_atomically(dir: &Path, path: &str, bytes: &[u8]) -> Result<(), ServeError> {
    let target = dir.join(path);
    let parent = target.parent().unwrap_or(dir);
    fs::create_dir_all(parent).map_err(ServeError::folder("create", parent))?;
    let part = parent.join(".greenproc-part");
    fs::write(&part, bytes).map_err(ServeError::folder("write", &part))?;
    fs::rename(&part, &target).map_err(ServeError::folder("write", &target))
}
