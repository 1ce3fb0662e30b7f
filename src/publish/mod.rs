//! `greenproc publish`: sends a built output to where the public reads it, an
//! S3-compatible bucket ([`s3`]) or a folder that a web server serves ([`folder`]),
//! sending only the files whose hash differs from the manifest published last time.
//!
//! The order keeps the published site whole at every moment:
//!
//! 1. the files the destination does not have yet, those that are not pages first: no
//!    file there links to them, so they may come in any state;
//! 2. the files that changed: each one's new version links to files that are there
//!    now (new ones came in step 1, and nothing has been removed);
//! 3. the manifest, which says what the destination now holds;
//! 4. only then, the files the new site no longer has.
//!
//! A publish that stops part way (a network failure, a killed job) has removed
//! nothing and left the previous manifest: every page there, old or new, finds the
//! files it links to, and the next publish sends again whatever the old manifest does
//! not list as it is now.

pub mod folder;
pub mod s3;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::manifest::{FileEntry, MANIFEST, Manifest};

/// Uploads at once: requests are mostly waiting on the network.
const PARALLEL_UPLOADS: usize = 8;

/// Where a site is published.
pub trait Destination: Sync {
    /// The manifest published last time, as its file holds it; `None` when there is
    /// none (the first publish).
    fn manifest(&self) -> Result<Option<Vec<u8>>, PublishError>;
    /// Puts the file `local` at `path`, with the headers `headers`.
    fn put(&self, path: &str, local: &Path, headers: &Headers) -> Result<(), PublishError>;
    /// Puts `bytes` at `path`.
    fn put_bytes(&self, path: &str, bytes: &[u8], headers: &Headers) -> Result<(), PublishError>;
    /// Removes the file at `path`; a file already gone is not an error.
    fn delete(&self, path: &str) -> Result<(), PublishError>;
}

/// The HTTP headers a file is served with, where the destination keeps them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headers {
    /// `Content-Type`.
    pub content_type: &'static str,
    /// `Cache-Control`.
    pub cache_control: &'static str,
}

/// Why a publish stopped.
#[derive(Debug)]
pub enum PublishError {
    /// The output folder holds no manifest: it was not built, or by an older greenproc.
    NotBuilt(PathBuf),
    /// A manifest names a path outside the site.
    UnsafePath(String),
    /// The destination is not one `publish` understands.
    Destination(String),
    /// No credentials in the environment.
    Credentials,
    /// A request failed: the object, the HTTP status (0 when none came) and what the
    /// server or network said.
    Request {
        /// The object's path in the site.
        path: String,
        /// The HTTP status, 0 when no answer came.
        status: u16,
        /// The server's error code and message, or the network's error.
        detail: String,
    },
    /// A file could not be read or written.
    Io {
        /// The file.
        path: String,
        /// The error.
        error: std::io::Error,
    },
}

impl fmt::Display for PublishError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PublishError::NotBuilt(dir) => write!(f, "{} has no {MANIFEST}", dir.display()),
            PublishError::UnsafePath(path) => write!(f, "unsafe path `{path}` in a manifest"),
            PublishError::Destination(what) => write!(f, "destination: {what}"),
            PublishError::Credentials => f.write_str("no credentials in the environment"),
            PublishError::Request {
                path,
                status,
                detail,
            } => write!(f, "{path}: HTTP {status}: {detail}"),
            PublishError::Io { path, error } => write!(f, "{path}: {error}"),
        }
    }
}

impl std::error::Error for PublishError {}

/// What a publish did, or would do.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Published {
    /// Files sent, in the order they were: the new ones, then the changed ones.
    pub uploaded: Vec<String>,
    /// Their total size.
    pub bytes: u64,
    /// Files removed, since the site no longer has them.
    pub deleted: Vec<String>,
    /// Files already there as they are.
    pub unchanged: usize,
    /// The destination's manifest could not be read: everything was sent, and
    /// nothing removed.
    pub unreadable_manifest: Option<String>,
}

/// Publishes the output folder `output` to `destination`; with `dry_run`, only says
/// what it would send and remove.
pub fn publish(
    output: &Path,
    destination: &dyn Destination,
    dry_run: bool,
) -> Result<Published, PublishError> {
    let not_built = || PublishError::NotBuilt(output.to_owned());
    let local_bytes = std::fs::read(output.join(MANIFEST)).map_err(|_| not_built())?;
    let local = Manifest::from_bytes(&local_bytes).map_err(|_| not_built())?;
    check_paths(&local)?;
    let mut published = Published::default();
    let remote_bytes = destination.manifest()?;
    // The same manifest there: nothing to send, not even the manifest (30 MB at
    // 100,000 records).
    let same = remote_bytes.as_deref() == Some(local_bytes.as_slice());
    let remote = match remote_bytes {
        None => Manifest::default(),
        Some(bytes) => match Manifest::from_bytes(&bytes) {
            Ok(remote) => {
                check_paths(&remote)?;
                remote
            }
            Err(why) => {
                published.unreadable_manifest = Some(why);
                Manifest::default()
            }
        },
    };
    let (new, changed) = changed(&local.files, &remote.files);
    published.unchanged = local.files.len() - new.len() - changed.len();
    published.uploaded = new.iter().chain(&changed).cloned().collect();
    published.bytes = published
        .uploaded
        .iter()
        .filter_map(|path| local.files.get(path))
        .map(|entry| entry.bytes)
        .sum();
    published.deleted = remote
        .files
        .keys()
        .filter(|path| !local.files.contains_key(*path))
        .cloned()
        .collect();
    if dry_run {
        return Ok(published);
    }
    let put = |path: &String| {
        let sha256 = local
            .files
            .get(path)
            .map_or("", |entry| entry.sha256.as_str());
        destination.put(path, &output.join(path), &headers(path, sha256))
    };
    // Each wave is in place before the next starts: new pages link to new files, and
    // changed pages to both.
    let pages_from = new.partition_point(|path| !is_page(path));
    in_parallel(&new[..pages_from], put)?;
    in_parallel(&new[pages_from..], put)?;
    in_parallel(&changed, put)?;
    if !same {
        destination.put_bytes(MANIFEST, &local_bytes, &headers(MANIFEST, ""))?;
    }
    in_parallel(&published.deleted, |path| destination.delete(path))?;
    Ok(published)
}

/// The files of `local` that `remote` does not hold as they are, in two steps: the
/// new ones (those that are not pages first, then by path), then the changed ones.
fn changed(
    local: &BTreeMap<String, FileEntry>,
    remote: &BTreeMap<String, FileEntry>,
) -> (Vec<String>, Vec<String>) {
    let (mut new, changed): (Vec<String>, Vec<String>) = local
        .iter()
        .filter(|(path, entry)| remote.get(*path) != Some(*entry))
        .map(|(path, _)| path.clone())
        .partition(|path| !remote.contains_key(path));
    // Stable: each group stays in path order.
    new.sort_by_key(|path| is_page(path));
    (new, changed)
}

/// Whether the file at `path` is a page, which may link to the site's other files.
fn is_page(path: &str) -> bool {
    path.ends_with(".html")
}

/// Refuses a manifest naming a path that could leave the site: a destination's
/// manifest is read from the destination, where anyone with write access could put
/// one.
fn check_paths(manifest: &Manifest) -> Result<(), PublishError> {
    for path in manifest.files.keys() {
        if !crate::write::is_inside(path) || path == MANIFEST {
            return Err(PublishError::UnsafePath(path.clone()));
        }
    }
    Ok(())
}

/// Runs `work` on every item on [`PARALLEL_UPLOADS`] threads; the first error stops
/// the others from starting more.
fn in_parallel<T: Sync>(
    items: &[T],
    work: impl Fn(&T) -> Result<(), PublishError> + Sync,
) -> Result<(), PublishError> {
    let next = AtomicUsize::new(0);
    let failed: Mutex<Option<PublishError>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL_UPLOADS.min(items.len()) {
            scope.spawn(|| {
                loop {
                    let stop = failed.lock().map_or(true, |f| f.is_some());
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i).filter(|_| !stop) else {
                        break;
                    };
                    if let Err(e) = work(item) {
                        let mut first = failed.lock().unwrap_or_else(|p| p.into_inner());
                        first.get_or_insert(e);
                    }
                }
            });
        }
    });
    match failed.into_inner().unwrap_or_else(|p| p.into_inner()) {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The headers of the file at `path`, whose content has the SHA-256 `sha256`: its
/// type, and how long a browser or CDN may keep it. The manifest is always asked
/// again; a fingerprinted asset, whose name changes with its content, a year;
/// everything else five minutes, so that an edit is public soon after it is published.
pub fn headers(path: &str, sha256: &str) -> Headers {
    let cache_control = if path == MANIFEST {
        "no-cache"
    } else if crate::site_paths::is_fingerprinted_asset(path, sha256) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    Headers {
        content_type: content_type(path),
        cache_control,
    }
}

/// The media type of the file at `path`, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
    match extension.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "jsonl" => "application/jsonl",
        "jsonld" => "application/ld+json",
        "xml" if name == "feed.xml" => "application/atom+xml",
        "xml" => "application/xml",
        "atom" => "application/atom+xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "pdf" => "application/pdf",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "sqlite" => "application/vnd.sqlite3",
        "gz" => "application/gzip",
        "zip" => "application/zip",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_files_go_before_the_changed_ones_that_link_to_them() {
        let entry = |sha: &str| FileEntry {
            sha256: sha.to_owned(),
            bytes: 1,
        };
        let local: BTreeMap<String, FileEntry> = [
            ("a/index.html", "1"),
            ("assets/site.css", "2"),
            ("data/x.csv", "3"),
            ("b/index.html", "4"),
        ]
        .into_iter()
        .map(|(p, s)| (p.to_owned(), entry(s)))
        .collect();
        let mut remote = local.clone();
        remote.insert("b/index.html".into(), entry("old"));
        remote.remove("data/x.csv");
        remote.remove("a/index.html");
        let (new, changed) = changed(&local, &remote);
        assert_eq!(new, ["data/x.csv", "a/index.html"]);
        assert_eq!(changed, ["b/index.html"]);
    }

    /// A destination that notes each operation, holding the manifest `remote`.
    struct Recorder {
        remote: Option<Vec<u8>>,
        log: Mutex<Vec<String>>,
    }

    impl Destination for Recorder {
        fn manifest(&self) -> Result<Option<Vec<u8>>, PublishError> {
            Ok(self.remote.clone())
        }
        fn put(&self, path: &str, _: &Path, _: &Headers) -> Result<(), PublishError> {
            self.log.lock().unwrap().push(format!("put {path}"));
            Ok(())
        }
        fn put_bytes(&self, path: &str, _: &[u8], _: &Headers) -> Result<(), PublishError> {
            self.log.lock().unwrap().push(format!("put {path}"));
            Ok(())
        }
        fn delete(&self, path: &str) -> Result<(), PublishError> {
            self.log.lock().unwrap().push(format!("delete {path}"));
            Ok(())
        }
    }

    #[test]
    fn files_then_pages_then_the_manifest_then_removals() {
        let dir = tempfile::tempdir().unwrap();
        let entry = |sha: &str| FileEntry {
            sha256: sha.to_owned(),
            bytes: 1,
        };
        let files = |list: &[(&str, &str)]| -> BTreeMap<String, FileEntry> {
            list.iter()
                .map(|(p, s)| ((*p).to_owned(), entry(s)))
                .collect()
        };
        let local = Manifest::new(files(&[
            ("a/index.html", "1"),
            ("a/feed.xml", "2"),
            ("z.css", "3"),
            ("same.txt", "4"),
        ]));
        std::fs::write(dir.path().join(MANIFEST), local.to_bytes()).unwrap();
        let remote = Manifest::new(files(&[("same.txt", "4"), ("gone/index.html", "5")]));
        let recorder = Recorder {
            remote: Some(remote.to_bytes()),
            log: Mutex::default(),
        };
        let done = publish(dir.path(), &recorder, false).unwrap();
        let log = recorder.log.into_inner().unwrap();
        let mut files: Vec<&String> = log[..2].iter().collect();
        files.sort();
        assert_eq!(files, ["put a/feed.xml", "put z.css"]);
        assert_eq!(
            log[2..],
            [
                "put a/index.html".to_owned(),
                format!("put {MANIFEST}"),
                "delete gone/index.html".to_owned()
            ]
        );
        assert_eq!(
            (done.uploaded.len(), done.deleted.len(), done.unchanged),
            (3, 1, 1)
        );

        // The destination's manifest the same: nothing is sent, not even it.
        let recorder = Recorder {
            remote: Some(local.to_bytes()),
            log: Mutex::default(),
        };
        let again = publish(dir.path(), &recorder, false).unwrap();
        assert!(recorder.log.lock().unwrap().is_empty());
        assert_eq!((again.uploaded.len(), again.unchanged), (0, 4));

        // A dry run does nothing; a damaged manifest sends everything, removes nothing.
        let recorder = Recorder {
            remote: Some(b"{not json".to_vec()),
            log: Mutex::default(),
        };
        let dry = publish(dir.path(), &recorder, true).unwrap();
        assert!(recorder.log.lock().unwrap().is_empty());
        assert_eq!((dry.uploaded.len(), dry.deleted.len()), (4, 0));
        assert!(dry.unreadable_manifest.is_some());
    }

    #[test]
    fn manifests_naming_paths_outside_the_site_are_refused() {
        for bad in [
            "../x",
            "a/../../b",
            "/etc/passwd",
            "a\\b",
            "c:/x",
            "",
            MANIFEST,
        ] {
            let mut manifest = Manifest::default();
            manifest.files.insert(
                bad.to_owned(),
                FileEntry {
                    sha256: String::new(),
                    bytes: 0,
                },
            );
            assert!(check_paths(&manifest).is_err(), "{bad}");
        }
    }

    #[test]
    fn types_and_cache_lifetimes() {
        let sha = "57e481007d1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80912a3b";
        let header = |path| headers(path, sha);
        assert_eq!(
            header("index.html").content_type,
            "text/html; charset=utf-8"
        );
        assert_eq!(
            header("projects/a/feed.xml").content_type,
            "application/atom+xml"
        );
        assert_eq!(
            header("data/ocds/releases.jsonl.gz").content_type,
            "application/gzip"
        );
        assert_eq!(headers(MANIFEST, "").cache_control, "no-cache");
        assert_eq!(
            header("assets/site.css").cache_control,
            "public, max-age=300"
        );
        assert_eq!(
            header("assets/site.57e481007d.css").cache_control,
            "public, max-age=31536000, immutable"
        );
        assert_eq!(
            header("data/x.57e481007d.css").cache_control,
            "public, max-age=300"
        );
        // Ten hex digits that are not the file's hash: a name, not a fingerprint.
        assert_eq!(
            header("assets/banner.2024120100.png").cache_control,
            "public, max-age=300"
        );
    }
}
