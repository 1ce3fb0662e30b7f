//! The site's git repository, read in-process with gix: the commit at `HEAD`, the
//! first-parent history with the record files each commit changed, and the record
//! files at any revision. Nothing here starts a `git` process.
//!
//! Only the `data/` and `content/` subtrees are compared, and a commit whose two
//! subtrees have the same ids as its parent's is skipped without reading further,
//! so that walking a long history costs one commit and one root tree per commit that
//! touched no data.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use gix::ObjectId;
use gix::bstr::ByteSlice;
use gix::diff::tree::recorder::Change as TreeChange;

use crate::model::Date;

/// Memory for decoded objects while walking history.
const OBJECT_CACHE_BYTES: usize = 32 * 1024 * 1024;

/// The folders whose files are records, relative to the site root.
const RECORD_FOLDERS: [&str; 2] = ["data", "content"];

/// Why the repository's history cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unavailable {
    /// The site root is in no git repository (or in a bare one).
    NoRepository,
    /// A shallow clone: commits before its boundary are missing.
    Shallow,
    /// The repository has no commit yet.
    NoCommit,
    /// Reading the repository failed.
    Broken(String),
}

impl Unavailable {
    /// The reason's key in the theme's strings (`t.history.unavailable`).
    pub fn key(&self) -> &'static str {
        match self {
            Unavailable::NoRepository => "no-repository",
            Unavailable::Shallow => "shallow",
            Unavailable::NoCommit => "no-commit",
            Unavailable::Broken(_) => "broken",
        }
    }
}

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unavailable::NoRepository => f.write_str("the site is not in a git repository"),
            Unavailable::Shallow => f.write_str(
                "the repository is a shallow clone (fetch the full history: `git fetch --unshallow`, or fetch-depth: 0 in CI)",
            ),
            Unavailable::NoCommit => f.write_str("the repository has no commit yet"),
            Unavailable::Broken(why) => write!(f, "reading the repository failed: {why}"),
        }
    }
}

/// One commit, as pages and feeds cite it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commit {
    /// Full hash, hexadecimal.
    pub id: String,
    /// Committer date, in the committer's own time zone (as `git log --format=%cs`).
    pub date: Date,
    /// Committer time as RFC 3339, in the committer's time zone, for feeds.
    pub time: String,
    /// First line of the message.
    pub subject: String,
}

impl Commit {
    /// The abbreviated hash shown to readers.
    pub fn short(&self) -> &str {
        &self.id[..self.id.len().min(10)]
    }
}

/// A record file that differs between a commit and its parent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileChange {
    /// Path relative to the site root, `/`-separated, e.g. `data/projects/a.yaml`.
    pub path: String,
    /// The blob before, `None` when the file was added.
    pub old: Option<ObjectId>,
    /// The blob after, `None` when the file was removed.
    pub new: Option<ObjectId>,
}

/// An open repository and where the site root lies in its working tree.
pub struct Repo {
    repo: gix::Repository,
    /// The site root relative to the working tree, `/`-separated with a trailing `/`,
    /// empty when the site is the whole repository.
    prefix: String,
}

impl Repo {
    /// Opens the repository holding `root` (searching upwards as git does).
    pub fn open(root: &Path) -> Result<Repo, Unavailable> {
        let mut repo = gix::discover(root).map_err(|_| Unavailable::NoRepository)?;
        // Walking history reads each tree of data/ and content/ twice (as a commit's
        // and as its parent's); a cache of decoded objects keeps the second read
        // from inflating and resolving deltas again.
        repo.object_cache_size_if_unset(OBJECT_CACHE_BYTES);
        let workdir = repo.workdir().ok_or(Unavailable::NoRepository)?;
        let canonical = |p: &Path| {
            p.canonicalize()
                .map_err(|e| Unavailable::Broken(format!("{}: {e}", p.display())))
        };
        let inner = canonical(root)?;
        let relative = inner
            .strip_prefix(canonical(workdir)?)
            .map_err(|_| Unavailable::NoRepository)?;
        let mut prefix = String::new();
        for part in relative.components() {
            prefix.push_str(part.as_os_str().to_str().ok_or_else(|| {
                Unavailable::Broken(format!("{} is not UTF-8", relative.display()))
            })?);
            prefix.push('/');
        }
        Ok(Repo { repo, prefix })
    }

    /// Whether history is complete: not a shallow clone, with a commit at `HEAD`.
    pub fn check_complete(&self) -> Result<(), Unavailable> {
        if self.repo.is_shallow().map_err(broken)? {
            return Err(Unavailable::Shallow);
        }
        self.head().map(|_| ())
    }

    /// The commit at `HEAD`.
    pub fn head(&self) -> Result<Commit, Unavailable> {
        let id = self.head_id()?;
        self.commit(id)
    }

    fn head_id(&self) -> Result<ObjectId, Unavailable> {
        let head = self.repo.head_id().map_err(|_| Unavailable::NoCommit)?;
        Ok(head.detach())
    }

    fn commit(&self, id: ObjectId) -> Result<Commit, Unavailable> {
        let commit = self.repo.find_commit(id).map_err(broken)?;
        let time = commit.time().map_err(broken)?;
        let local = time.seconds + i64::from(time.offset);
        let date = Date::from_days_since_epoch(local.div_euclid(86_400));
        let seconds = local.rem_euclid(86_400);
        let offset = time.offset.unsigned_abs();
        let stamp = format!(
            "{date}T{:02}:{:02}:{:02}{}{:02}:{:02}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60,
            if time.offset < 0 { '-' } else { '+' },
            offset / 3600,
            offset / 60 % 60
        );
        let message = commit.message().map_err(broken)?;
        Ok(Commit {
            id: id.to_string(),
            date,
            time: stamp,
            subject: message.summary().to_str_lossy().into_owned(),
        })
    }

    /// Walks the first-parent history of `HEAD`, newest first, calling `visit` with
    /// each commit that changed record files and those files (sorted by path). Merge
    /// commits are compared with their first parent, so a merged branch counts as one
    /// change, dated and described by the merge.
    pub fn first_parent_changes(
        &self,
        mut visit: impl FnMut(Commit, Vec<FileChange>) -> Result<(), Unavailable>,
    ) -> Result<(), Unavailable> {
        let mut next = Some(self.head_id()?);
        while let Some(id) = next {
            let commit = self.repo.find_commit(id).map_err(broken)?;
            let parent = commit.parent_ids().next().map(|p| p.detach());
            let new_tree = commit.tree_id().map_err(broken)?.detach();
            let old_tree = match parent {
                Some(p) => Some(
                    self.repo
                        .find_commit(p)
                        .map_err(broken)?
                        .tree_id()
                        .map_err(broken)?
                        .detach(),
                ),
                None => None,
            };
            let changes = self.changed_files(old_tree, new_tree)?;
            if !changes.is_empty() {
                visit(self.commit(id)?, changes)?;
            }
            next = parent;
        }
        Ok(())
    }

    /// Record files that differ between two root trees (`None`: before the first
    /// commit), sorted by path.
    fn changed_files(
        &self,
        old: Option<ObjectId>,
        new: ObjectId,
    ) -> Result<Vec<FileChange>, Unavailable> {
        let mut changes = Vec::new();
        for folder in RECORD_FOLDERS {
            let path = format!("{}{folder}", self.prefix);
            let before = match old {
                Some(tree) => self.subtree(tree, &path)?,
                None => None,
            };
            let after = self.subtree(new, &path)?;
            if before == after {
                continue;
            }
            let empty = self.repo.empty_tree();
            let lhs = match before {
                Some(id) => self.repo.find_tree(id).map_err(broken)?,
                None => empty.clone(),
            };
            let rhs = match after {
                Some(id) => self.repo.find_tree(id).map_err(broken)?,
                None => empty,
            };
            let mut recorder = gix::diff::tree::Recorder::default();
            gix::diff::tree(
                gix::objs::TreeRefIter::from_bytes(&lhs.data, lhs.id.kind()),
                gix::objs::TreeRefIter::from_bytes(&rhs.data, rhs.id.kind()),
                gix::diff::tree::State::default(),
                &self.repo.objects,
                &mut recorder,
            )
            .map_err(broken)?;
            for change in recorder.records {
                if let Some(change) = file_change(folder, change) {
                    changes.push(change);
                }
            }
        }
        changes.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(changes)
    }

    /// The id of the tree at `path` in the root tree `tree`, if there is one.
    fn subtree(&self, tree: ObjectId, path: &str) -> Result<Option<ObjectId>, Unavailable> {
        let tree = self.repo.find_tree(tree).map_err(broken)?;
        let entry = tree.lookup_entry_by_path(path).map_err(broken)?;
        Ok(entry.filter(|e| e.mode().is_tree()).map(|e| e.object_id()))
    }

    /// The commit a revision (`main`, `HEAD~2`, a hash...) names.
    pub fn resolve(&self, revision: &str) -> Result<ObjectId, String> {
        let object = self
            .repo
            .rev_parse_single(revision)
            .map_err(|e| e.to_string())?
            .object()
            .map_err(|e| e.to_string())?;
        let commit = object
            .peel_to_commit()
            .map_err(|_| format!("`{revision}` does not name a commit"))?;
        Ok(commit.id)
    }

    /// Every record file at `commit` (blobs under `data/` and `content/`), by path
    /// relative to the site root.
    pub fn record_files(&self, commit: ObjectId) -> Result<BTreeMap<String, Vec<u8>>, Unavailable> {
        let tree = self
            .repo
            .find_commit(commit)
            .map_err(broken)?
            .tree_id()
            .map_err(broken)?
            .detach();
        let mut files = BTreeMap::new();
        for change in self.changed_files(None, tree)? {
            if let Some(blob) = change.new {
                files.insert(change.path, self.blob(blob)?);
            }
        }
        Ok(files)
    }

    /// The bytes of a blob.
    pub fn blob(&self, id: ObjectId) -> Result<Vec<u8>, Unavailable> {
        let mut blob = self.repo.find_blob(id).map_err(broken)?;
        Ok(blob.take_data())
    }
}

/// A change of a regular file under `folder`, with its path relative to the site root;
/// trees, links and submodules are left out, as the loader skips them.
fn file_change(folder: &str, change: TreeChange) -> Option<FileChange> {
    let (path, old, new) = match change {
        TreeChange::Addition {
            entry_mode,
            oid,
            path,
            ..
        } => (entry_mode.is_blob().then_some(path)?, None, Some(oid)),
        TreeChange::Deletion {
            entry_mode,
            oid,
            path,
            ..
        } => (entry_mode.is_blob().then_some(path)?, Some(oid), None),
        TreeChange::Modification {
            previous_entry_mode,
            previous_oid,
            entry_mode,
            oid,
            path,
        } => {
            let old = previous_entry_mode.is_blob().then_some(previous_oid);
            let new = entry_mode.is_blob().then_some(oid);
            if old.is_none() && new.is_none() {
                return None;
            }
            (path, old, new)
        }
    };
    Some(FileChange {
        path: format!("{folder}/{}", path.to_str().ok()?),
        old,
        new,
    })
}

fn broken(error: impl fmt::Display) -> Unavailable {
    Unavailable::Broken(error.to_string())
}
