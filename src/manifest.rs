//! What a build leaves beside its output for the next build and for `publish`.
//!
//! - `.greenproc-manifest.json` lists every file of the site with its size and
//!   SHA-256. `publish` compares it with the copy it uploaded last time to send only
//!   what changed.
//! - `.greenproc-build.json` says what the pages were rendered from: a digest of the
//!   inputs every page shows (binary, theme, configuration, as-of date, ...), each
//!   record page's own inputs and the record pages it links to, and each export job's
//!   inputs and files. An incremental build reads it to know what it may keep.
//!
//! Both are sorted maps written as compact JSON, so that an incremental build and a
//! full one write them byte for byte alike.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The file listing every file of the site.
pub const MANIFEST: &str = ".greenproc-manifest.json";

/// The file saying what the site was rendered from.
pub const BUILD_STATE: &str = ".greenproc-build.json";

/// The version of both files' layout; another version is not read.
const FORMAT: u32 = 1;

/// One file of the site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Its SHA-256, lower-case hex.
    pub sha256: String,
    /// Its size.
    pub bytes: u64,
}

/// Every file of a built site, by path relative to the output (`/`-separated).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The layout version.
    pub format: u32,
    /// The files, the manifest and build state themselves not included.
    pub files: BTreeMap<String, FileEntry>,
}

/// What a record page was rendered from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordInputs {
    /// Digest of the record's file and history.
    pub input: String,
    /// The record pages (clean paths) its pages link to, sorted.
    pub links: Vec<String>,
}

/// What an export job made its files from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobInputs {
    /// Digest of the job's inputs.
    pub input: String,
    /// The files it made, in the order it made them.
    pub files: Vec<String>,
}

/// What the pages and downloads of a built site were made from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildState {
    /// The layout version.
    pub format: u32,
    /// Digest of what every page shows; another value means a full build.
    pub site: String,
    /// Record page (clean path) → its inputs and links.
    pub records: BTreeMap<String, RecordInputs>,
    /// Export job name → its inputs and files.
    pub jobs: BTreeMap<String, JobInputs>,
}

impl Manifest {
    /// A manifest of `files`.
    pub fn new(files: BTreeMap<String, FileEntry>) -> Manifest {
        Manifest {
            format: FORMAT,
            files,
        }
    }

    /// Reads the manifest of the output folder `dir`; why not, when it cannot.
    pub fn read(dir: &Path) -> Result<Manifest, String> {
        read_file(dir, MANIFEST, |m: &Manifest| m.format)
    }

    /// The manifest as its file holds it.
    pub fn to_bytes(&self) -> Vec<u8> {
        to_json(self)
    }

    /// The manifest from its file's bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Manifest, String> {
        parse(MANIFEST, bytes, |m: &Manifest| m.format)
    }
}

impl BuildState {
    /// A build state for the site inputs `site`, with no records or jobs yet.
    pub fn new(site: String) -> BuildState {
        BuildState {
            format: FORMAT,
            site,
            records: BTreeMap::new(),
            jobs: BTreeMap::new(),
        }
    }

    /// Reads the build state of the output folder `dir`; why not, when it cannot.
    pub fn read(dir: &Path) -> Result<BuildState, String> {
        read_file(dir, BUILD_STATE, |s: &BuildState| s.format)
    }

    /// The state as its file holds it.
    pub fn to_bytes(&self) -> Vec<u8> {
        to_json(self)
    }
}

/// Reads the file `name` in `dir` (see [`parse`]).
fn read_file<T: serde::de::DeserializeOwned>(
    dir: &Path,
    name: &str,
    format: impl Fn(&T) -> u32,
) -> Result<T, String> {
    let bytes = fs::read(dir.join(name)).map_err(|e| format!("{name}: {e}"))?;
    parse(name, &bytes, format)
}

/// The file `name` from its `bytes`, refused in another layout version than this
/// greenproc's.
fn parse<T: serde::de::DeserializeOwned>(
    name: &str,
    bytes: &[u8],
    format: impl Fn(&T) -> u32,
) -> Result<T, String> {
    let value: T = serde_json::from_slice(bytes).map_err(|e| format!("{name}: {e}"))?;
    if format(&value) == FORMAT {
        Ok(value)
    } else {
        Err(format!("{name} has another format"))
    }
}

fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(value).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}
