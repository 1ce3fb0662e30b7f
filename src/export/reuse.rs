//! Keeping an export job's files from the previous output when its inputs did not
//! change: an edit of one product leaves the project tables and the OCDS packages as
//! they were, and an incremental build links them instead of making them again.
//!
//! A job's input digest covers everything its files are made from: the site-wide
//! digest (binary, configuration, theme, as-of date, address) and the job's own data,
//! the rows of its table or the records its standard reads.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Mutex;

use sha2::Digest as _;

use super::tables::Table;
use super::{ExportError, Written, hex};
use crate::manifest::{FileEntry, JobInputs};
use crate::model::Dataset;
use crate::model::kind::RecordKind;
use crate::write::Staging;

/// The previous output, as far as the jobs need it.
pub struct Previous<'p> {
    /// The output folder.
    pub dir: &'p Path,
    /// Its jobs' inputs and files.
    pub jobs: &'p BTreeMap<String, JobInputs>,
    /// Its files' sizes and hashes.
    pub files: &'p BTreeMap<String, FileEntry>,
}

/// Which jobs made which files from what, in this build; and the previous build's, to
/// keep what it made from the same inputs.
pub struct Reuse<'r> {
    /// The digest of the site-wide inputs.
    site: &'r str,
    previous: Option<Previous<'r>>,
    staging: &'r Staging,
    made: Mutex<BTreeMap<String, JobInputs>>,
}

impl<'r> Reuse<'r> {
    /// Jobs of a build whose site-wide inputs have the digest `site`, writing into
    /// `staging`, keeping files of `previous` when given.
    pub fn new(site: &'r str, previous: Option<Previous<'r>>, staging: &'r Staging) -> Self {
        Reuse {
            site,
            previous,
            staging,
            made: Mutex::default(),
        }
    }

    /// Puts the previous build's files of the job `name` in place when it made them
    /// from `input`: what the inventory needs of them, or `None` to make them again.
    pub(super) fn kept(
        &self,
        name: &str,
        input: &str,
    ) -> Result<Option<Vec<Written>>, ExportError> {
        let Some(previous) = &self.previous else {
            return Ok(None);
        };
        let Some(job) = previous.jobs.get(name).filter(|job| job.input == input) else {
            return Ok(None);
        };
        // A file missing from the previous output (removed by hand) is made again.
        let entries: Option<Vec<(&String, &FileEntry)>> = job
            .files
            .iter()
            .map(|path| {
                let entry = previous.files.get(path)?;
                previous.dir.join(path).is_file().then_some((path, entry))
            })
            .collect();
        let Some(entries) = entries else {
            return Ok(None);
        };
        let mut written = Vec::with_capacity(entries.len());
        for (path, entry) in entries {
            self.staging
                .keep(previous.dir, path, entry)
                .map_err(ExportError::Write)?;
            written.push(Written {
                path: path.clone(),
                bytes: entry.bytes,
                sha256: entry.sha256.clone(),
            });
        }
        self.note(name, input, &written);
        Ok(Some(written))
    }

    /// Notes that the job `name` made `written` from `input`.
    pub(super) fn note(&self, name: &str, input: &str, written: &[Written]) {
        let inputs = JobInputs {
            input: input.to_owned(),
            files: written.iter().map(|w| w.path.clone()).collect(),
        };
        self.made
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(name.to_owned(), inputs);
    }

    /// The digest of a job's inputs: the site's, then `data`'s.
    pub(super) fn input(&self, data: impl FnOnce(&mut Hashing)) -> String {
        let mut hashing = Hashing::default();
        hashing.add(self.site.as_bytes());
        data(&mut hashing);
        hashing.finish()
    }

    /// What every job made its files from, for the next build.
    pub fn into_jobs(self) -> BTreeMap<String, JobInputs> {
        self.made
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A digest being fed, each part delimited.
#[derive(Default)]
pub(crate) struct Hashing(sha2::Sha256);

impl Hashing {
    /// Adds `bytes`, delimited so that two parts never read as one.
    pub(crate) fn add(&mut self, bytes: &[u8]) {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    /// Adds a table's rows.
    pub(super) fn table(&mut self, table: &Table) {
        self.add(table.def.name.as_bytes());
        let mut line = String::new();
        for row in &table.rows {
            line.clear();
            let _ = write!(line, "{row:?}");
            self.add(line.as_bytes());
        }
    }

    /// Adds the file and text digest of every record of `kinds`.
    pub(super) fn records(&mut self, dataset: &Dataset, kinds: &[RecordKind]) {
        for record in dataset.records().filter(|r| kinds.contains(&r.kind)) {
            self.add(record.file.as_os_str().as_encoded_bytes());
            self.add(record.digest);
        }
    }

    /// The digest, in hex.
    pub(crate) fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}
