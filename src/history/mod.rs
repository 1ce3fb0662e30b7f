//! The history of the data, from the site's git repository: when each record was
//! first published and last changed, which fields each commit changed, and the
//! field-level comparison of two revisions behind `greenproc diff`.
//!
//! [`History::read`] walks the first-parent history of `HEAD` once (the derive stage
//! calls it). For every commit it compares the `data/` and `content/` trees with the
//! parent's, and parses both versions of each changed record file with the loader's
//! record types ([`record`]), so a change lists the typed fields that differ. Records
//! are keyed by file path: a renamed file is a removal and an addition. Dates are
//! committer dates, so the same repository always gives the same pages.
//!
//! Without a repository, in a shallow clone or an empty one, history is
//! [`Unavailable`]: the build goes on and the pages say so.

pub mod diff;
pub mod git;
pub mod record;

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::model::Date;
use crate::model::kind::RecordKind;
use git::ObjectId;
pub use git::{Commit, Unavailable};
use record::VersionError;

/// The commit the site was built from, shown on every page so that a reader can cite
/// exactly what they saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    /// Full commit hash.
    pub commit: String,
    /// Committer date.
    pub date: Date,
}

impl Revision {
    /// Reads `HEAD` of the repository holding `root`, or `None` when there is no
    /// repository or no commit yet. A shallow clone has its `HEAD`, so it has a
    /// revision even though it has no history.
    pub fn read(root: &Path) -> Option<Revision> {
        let head = git::Repo::open(root).ok()?.head().ok()?;
        Some(Revision {
            commit: head.id,
            date: head.date,
        })
    }

    /// The abbreviated hash shown to readers.
    pub fn short(&self) -> &str {
        &self.commit[..self.commit.len().min(10)]
    }
}

/// What happened to a record file in one commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// The file was added.
    Added,
    /// The file was removed.
    Removed,
    /// These fields changed (dotted paths, see [`record::FieldChange`]).
    Changed(Vec<String>),
    /// The file changed, but one of its versions does not parse, so the fields that
    /// changed are unknown.
    Unparsed,
}

impl Action {
    /// One action of each key.
    pub const ALL: [Action; 4] = [
        Action::Added,
        Action::Removed,
        Action::Changed(Vec::new()),
        Action::Unparsed,
    ];

    /// The action's key in the theme's strings (`t.history.action`).
    pub fn key(&self) -> &'static str {
        match self {
            Action::Added => "added",
            Action::Removed => "removed",
            Action::Changed(_) => "changed",
            Action::Unparsed => "unparsed",
        }
    }
}

/// One record file's change in one commit.
#[derive(Clone, Debug)]
pub struct Edit {
    /// Index into [`History::commits`].
    pub commit: usize,
    /// Path relative to the site root, `/`-separated.
    pub file: String,
    /// Kind of record.
    pub kind: RecordKind,
    /// The record's id in this version (the old one when removed).
    pub id: Option<String>,
    /// The record's name or title in this version (the old one when removed).
    pub title: Option<String>,
    /// What happened.
    pub action: Action,
}

/// One record's history.
#[derive(Clone, Debug, Default)]
pub struct RecordHistory {
    /// Date of the commit that added the file.
    pub first_published: Option<Date>,
    /// Date of the latest commit that changed it.
    pub last_changed: Option<Date>,
    /// Indices into [`History::edits`], newest first.
    pub edits: Vec<usize>,
}

/// The data's history, or why there is none.
#[derive(Debug)]
pub struct History {
    /// `None` when history was read; otherwise why it could not be.
    pub unavailable: Option<Unavailable>,
    /// Commits that changed records, newest first (first-parent order).
    pub commits: Vec<Commit>,
    /// Every record change, newest first; within a commit by path.
    pub edits: Vec<Edit>,
    /// Record file → its history.
    pub records: HashMap<String, RecordHistory>,
}

impl Default for History {
    fn default() -> Self {
        History::unavailable(Unavailable::NoRepository)
    }
}

impl History {
    /// No history, for `reason`.
    pub fn unavailable(reason: Unavailable) -> History {
        History {
            unavailable: Some(reason),
            commits: Vec::new(),
            edits: Vec::new(),
            records: HashMap::new(),
        }
    }

    /// Why history is unavailable for the site at `root`, without reading it: what
    /// `check` and `build` warn about.
    pub fn probe(root: &Path) -> Option<Unavailable> {
        git::Repo::open(root).and_then(|r| r.check_complete()).err()
    }

    /// Reads the history of the site at `root`.
    pub fn read(root: &Path) -> History {
        let repo = match git::Repo::open(root).and_then(|r| r.check_complete().map(|()| r)) {
            Ok(repo) => repo,
            Err(reason) => return History::unavailable(reason),
        };
        let mut history = History {
            unavailable: None,
            commits: Vec::new(),
            edits: Vec::new(),
            records: HashMap::new(),
        };
        let mut versions = Versions::default();
        let walked = repo.first_parent_changes(|commit, files| {
            let index = history.commits.len();
            for file in files {
                let Some(kind) = RecordKind::of(Path::new(&file.path)) else {
                    continue;
                };
                let Some(edit) = versions.edit(&repo, index, kind, file)? else {
                    continue;
                };
                history.edits.push(edit);
            }
            if history.edits.last().is_some_and(|e| e.commit == index) {
                history.commits.push(commit);
            }
            Ok(())
        });
        if let Err(reason) = walked {
            return History::unavailable(reason);
        }
        for (i, edit) in history.edits.iter().enumerate() {
            let date = history.commits[edit.commit].date;
            let record = history.records.entry(edit.file.clone()).or_default();
            record.last_changed.get_or_insert(date);
            if edit.action == Action::Added {
                // Walking backwards, the last addition seen is the first one made.
                record.first_published = Some(date);
            }
            record.edits.push(i);
        }
        history
    }

    /// The history of the record in `file` (relative to the site root), if any
    /// commit touched it.
    pub fn record(&self, file: &Path) -> Option<&RecordHistory> {
        self.records.get(&file_key(file))
    }
}

/// A record file's key in history: its path from the site root with `/` separators,
/// as git names it.
pub fn file_key(file: &Path) -> String {
    let parts: Vec<&str> = file
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .collect();
    parts.join("/")
}

/// Parsed versions of record files by blob, kept from the commit that replaced a
/// version until the older commit that created it, so that each version is parsed once.
#[derive(Default)]
struct Versions(HashMap<(ObjectId, RecordKind), Result<Value, VersionError>>);

impl Versions {
    fn edit(
        &mut self,
        repo: &git::Repo,
        commit: usize,
        kind: RecordKind,
        file: git::FileChange,
    ) -> Result<Option<Edit>, Unavailable> {
        // Walking backwards, a version seen as the newer side is not needed again.
        let new = match file.new {
            Some(id) => Some(self.take(repo, kind, id)?),
            None => None,
        };
        let old = match file.old {
            Some(id) => Some(self.keep(repo, kind, id)?),
            None => None,
        };
        let shown = new.as_ref().or(old.as_ref()).and_then(|v| v.as_ref().ok());
        let action = match (&old, &new) {
            (None, _) => Action::Added,
            (_, None) => Action::Removed,
            (Some(Ok(a)), Some(Ok(b))) => {
                let fields: Vec<String> = record::field_changes(a, b)
                    .into_iter()
                    .map(|c| c.path)
                    .collect();
                if fields.is_empty() {
                    // Formatting or comments only: no change to the data.
                    return Ok(None);
                }
                Action::Changed(fields)
            }
            _ => Action::Unparsed,
        };
        Ok(Some(Edit {
            commit,
            kind,
            id: shown.and_then(record::id_of).map(str::to_owned),
            title: shown.and_then(record::title_of).map(str::to_owned),
            file: file.path,
            action,
        }))
    }

    fn take(
        &mut self,
        repo: &git::Repo,
        kind: RecordKind,
        id: ObjectId,
    ) -> Result<Result<Value, VersionError>, Unavailable> {
        match self.0.remove(&(id.clone(), kind)) {
            Some(parsed) => Ok(parsed),
            None => Ok(record::parse_version(kind, &repo.blob(&id)?)),
        }
    }

    fn keep(
        &mut self,
        repo: &git::Repo,
        kind: RecordKind,
        id: ObjectId,
    ) -> Result<Result<Value, VersionError>, Unavailable> {
        if let Some(parsed) = self.0.get(&(id.clone(), kind)) {
            return Ok(parsed.clone());
        }
        let parsed = record::parse_version(kind, &repo.blob(&id)?);
        self.0.insert((id, kind), parsed.clone());
        Ok(parsed)
    }
}
