//! `greenproc fetch`: the province's local copies of its cities' data packages.
//!
//! Each city's copy lives in `.greenproc/cities/<admin code>/` under the site root: a
//! folder `rev-<revision>` holding the descriptor and the CSV files it was checked
//! with, and `status.json` naming that folder and, when the last attempt failed,
//! since when and why. The revision is the descriptor's SHA-256, which changes
//! whenever any file does. A fetch reads the descriptor (with the ETag of the last
//! one over HTTP), and only the files whose hash differs from the copy's; the new
//! copy is checked in a folder of its own and becomes the city's copy only when all of
//! it passes. A city that cannot be reached or publishes something invalid keeps its
//! last good copy untouched.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::config::{Location, Member};
use super::published::{
    self, CityData, Descriptor, MAX_DESCRIPTOR_BYTES, MAX_RESOURCE_BYTES, Refusal,
};

/// The folder of the copies, relative to the site root.
pub const CACHE: &str = ".greenproc/cities";

/// What `status.json` records of a city.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Status {
    /// The copy in use, if any fetch ever succeeded.
    pub good: Option<Good>,
    /// Why the last attempt failed, when it did.
    pub failure: Option<Failure>,
}

/// The last good copy of a city's package.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Good {
    /// The descriptor's SHA-256, hex; the copy's folder is `rev-<first 16>`.
    pub revision: String,
    /// The city's data date, as its descriptor states it.
    pub created: String,
    /// The HTTP ETag the descriptor came with, to ask only for a changed one.
    #[serde(default)]
    pub etag: Option<String>,
}

impl Good {
    /// The revision's first 16 hex digits, which name it on pages and downloads.
    pub fn short(&self) -> &str {
        self.revision.get(..16).unwrap_or(&self.revision)
    }

    /// The copy's folder name.
    pub fn folder(&self) -> String {
        format!("rev-{}", self.short())
    }
}

/// A failed attempt, and since when attempts fail.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Failure {
    /// The date of the first failed attempt in a row, `YYYY-MM-DD`.
    pub since: String,
    /// Why the latest attempt failed.
    pub refusal: Refusal,
}

/// What one city's fetch did.
#[derive(Debug)]
pub enum Outcome {
    /// The descriptor is the one of the copy: nothing was read beyond it.
    Unchanged,
    /// A new copy was checked and taken; the files read, the others reused.
    Updated {
        /// Files downloaded or read anew.
        read: Vec<String>,
        /// Files kept from the previous copy, their hash unchanged.
        reused: usize,
    },
    /// The package was refused; the previous copy, if any, stays.
    Refused {
        /// Why.
        refusal: Refusal,
        /// Whether there is a previous copy.
        kept: bool,
    },
}

/// The folder of a city's copies.
pub fn city_folder(root: &Path, member: &Member) -> PathBuf {
    root.join(CACHE).join(&member.admin_code.value)
}

/// Reads a city's `status.json`; an absent or unreadable one is a city never fetched.
/// A `good` whose revision is not a SHA-256 in hex (a file edited by hand) names no
/// copy: its folder name could otherwise leave the city's folder.
pub fn status(root: &Path, member: &Member) -> Status {
    let mut status: Status = fs::read(city_folder(root, member).join("status.json"))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    let sha256 = |r: &str| r.len() == 64 && r.bytes().all(|b| b.is_ascii_hexdigit());
    if status.good.as_ref().is_some_and(|g| !sha256(&g.revision)) {
        status.good = None;
    }
    status
}

/// The city's last good copy named by `status`, read and checked again, with its
/// descriptor; `None` when there is none or it no longer reads (a copy tampered with
/// on disk).
pub fn good_copy(root: &Path, member: &Member, status: &Status) -> Option<(Descriptor, CityData)> {
    let folder = city_folder(root, member).join(status.good.as_ref()?.folder());
    let descriptor = copy_descriptor(&folder)?;
    let data = tables_in(&folder, &descriptor).ok()?;
    Some((descriptor, data))
}

/// Whether the city has a copy this version reads.
pub fn has_copy(root: &Path, member: &Member) -> bool {
    let folder = city_folder(root, member);
    readable_copy(&folder, status(root, member).good.as_ref())
}

/// The tables of the copy in `folder` that `descriptor` lists, read and checked.
fn tables_in(folder: &Path, descriptor: &Descriptor) -> Result<CityData, Refusal> {
    let mut files = Vec::new();
    for file in &descriptor.files {
        let bytes =
            fs::read(folder.join(&file.path)).map_err(|e| Refusal::unreachable(&file.path, e))?;
        files.push((file.name.clone(), bytes));
    }
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    published::read_tables(&borrowed)
}

/// Fetches one city's package into its copy; `today` (`YYYY-MM-DD`) dates a failure.
pub fn fetch_city(root: &Path, member: &Member, today: &str) -> io::Result<Outcome> {
    let folder = city_folder(root, member);
    fs::create_dir_all(&folder)?;
    let mut status = status(root, member);
    let source = Source::new(member.location(root));
    let outcome = match attempt(&source, &folder, status.good.as_ref()) {
        Ok(Attempt::Unchanged { etag }) => {
            if let (Some(good), Some(etag)) = (status.good.as_mut(), etag) {
                good.etag = Some(etag);
            }
            status.failure = None;
            Outcome::Unchanged
        }
        Ok(Attempt::Taken { good, read, reused }) => {
            let old = status.good.replace(good);
            status.failure = None;
            write_status(&folder, &status)?;
            // The old copy goes only once the status names the new one.
            if let Some(old) = old
                && status
                    .good
                    .as_ref()
                    .is_some_and(|g| g.folder() != old.folder())
            {
                let _ = fs::remove_dir_all(folder.join(old.folder()));
            }
            return Ok(Outcome::Updated { read, reused });
        }
        Err(refusal) => {
            let since = match &status.failure {
                Some(failure) => failure.since.clone(),
                None => today.to_owned(),
            };
            status.failure = Some(Failure {
                since,
                refusal: refusal.clone(),
            });
            Outcome::Refused {
                refusal,
                kept: readable_copy(&folder, status.good.as_ref()),
            }
        }
    };
    write_status(&folder, &status)?;
    Ok(outcome)
}

enum Attempt {
    Unchanged {
        etag: Option<String>,
    },
    Taken {
        good: Good,
        read: Vec<String>,
        reused: usize,
    },
}

/// Reads the descriptor and the changed files into `incoming/`, checks them, and
/// renames the folder to the new revision's.
fn attempt(source: &Source, folder: &Path, good: Option<&Good>) -> Result<Attempt, Refusal> {
    let current = good.map(|g| folder.join(g.folder()));
    // A copy this version cannot read (taken by an older greenproc, or damaged on
    // disk) is taken again whole, whatever the server says of the descriptor.
    let old = current.as_deref().and_then(copy_descriptor);
    let usable = old.is_some();
    let etag = good.and_then(|g| g.etag.as_deref()).filter(|_| usable);
    let Some((bytes, new_etag)) = source.descriptor(etag)? else {
        return Ok(Attempt::Unchanged { etag: None });
    };
    let revision = crate::export::sha256_hex(&bytes);
    if let Some(good) = good
        && usable
        && good.revision == revision
    {
        return Ok(Attempt::Unchanged { etag: new_etag });
    }
    let descriptor = published::descriptor(&bytes)?;
    let incoming = folder.join("incoming");
    let _ = fs::remove_dir_all(&incoming);
    fs::create_dir_all(&incoming).map_err(|e| Refusal::unreachable("incoming", e))?;
    let result = (|| {
        let mut read = Vec::new();
        let mut reused = 0;
        for file in descriptor.all_files() {
            let target = incoming.join(&file.path);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent).map_err(|e| Refusal::unreachable(&file.path, e))?;
            }
            let same = old.as_ref().and_then(|o| {
                o.all_files()
                    .find(|f| f.name == file.name && f.sha256 == file.sha256)
            });
            let kept = match (same, &current) {
                (Some(same), Some(current)) => fs::hard_link(current.join(&same.path), &target)
                    .or_else(|_| fs::copy(current.join(&same.path), &target).map(|_| ()))
                    .is_ok(),
                _ => false,
            };
            if kept {
                reused += 1;
            } else {
                source.resource(&file.path, &target, file)?;
                read.push(file.path.clone());
            }
            let (bytes, sha256) =
                digest(&target).map_err(|e| Refusal::unreachable(&file.path, e))?;
            if bytes != file.bytes || sha256 != file.sha256 {
                return Err(Refusal::HashMismatch {
                    file: file.path.clone(),
                });
            }
        }
        tables_in(&incoming, &descriptor)?;
        let releases = &descriptor.ocds.path;
        let input = fs::File::open(incoming.join(releases))
            .map_err(|e| Refusal::unreachable(releases, e))?;
        published::check_releases(releases, io::BufReader::new(input))?;
        fs::write(incoming.join("datapackage.json"), &bytes)
            .map_err(|e| Refusal::unreachable("datapackage.json", e))?;
        let good = Good {
            revision,
            created: descriptor.created.clone(),
            etag: new_etag,
        };
        let target = folder.join(good.folder());
        let _ = fs::remove_dir_all(&target);
        fs::rename(&incoming, &target).map_err(|e| Refusal::unreachable("incoming", e))?;
        Ok(Attempt::Taken { good, read, reused })
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&incoming);
    }
    result
}

/// The descriptor of the copy in `folder`, if this version reads it.
fn copy_descriptor(folder: &Path) -> Option<Descriptor> {
    let bytes = fs::read(folder.join("datapackage.json")).ok()?;
    published::descriptor(&bytes).ok()
}

/// Whether `good` names a copy in the city's `folder` that this version reads.
fn readable_copy(folder: &Path, good: Option<&Good>) -> bool {
    good.is_some_and(|g| copy_descriptor(&folder.join(g.folder())).is_some())
}

/// Writes `status.json` whole or not at all.
fn write_status(folder: &Path, status: &Status) -> io::Result<()> {
    let json = serde_json::to_vec_pretty(status).map_err(io::Error::other)?;
    let temp = folder.join("status.json.tmp");
    fs::write(&temp, json)?;
    fs::rename(temp, folder.join("status.json"))
}

/// A descriptor's bytes and the ETag they came with.
type Fetched = (Vec<u8>, Option<String>);

/// Where a package is read from.
struct Source {
    location: Location,
    agent: ureq::Agent,
}

impl Source {
    fn new(location: Location) -> Source {
        let agent = ureq::Agent::config_builder()
            .timeout_connect(Some(Duration::from_secs(15)))
            .timeout_recv_body(Some(Duration::from_secs(600)))
            .http_status_as_error(false)
            .user_agent(concat!("greenproc/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Source { location, agent }
    }

    /// The descriptor's bytes and ETag, or `None` when the server says the one with
    /// `etag` is current.
    fn descriptor(&self, etag: Option<&str>) -> Result<Option<Fetched>, Refusal> {
        let file = "datapackage.json";
        match &self.location {
            Location::Local(path) => {
                let bytes = read_limited(path, MAX_DESCRIPTOR_BYTES, file)?;
                Ok(Some((bytes, None)))
            }
            Location::Web(url) => {
                let mut request = self.agent.get(url);
                if let Some(etag) = etag {
                    request = request.header("If-None-Match", etag);
                }
                let mut response = request.call().map_err(|e| web_refusal(file, &e))?;
                if response.status() == 304 {
                    return Ok(None);
                }
                http_ok(file, response.status().as_u16())?;
                let etag = response
                    .headers()
                    .get("etag")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let bytes = response
                    .body_mut()
                    .with_config()
                    .limit(MAX_DESCRIPTOR_BYTES)
                    .read_to_vec()
                    .map_err(|e| web_refusal(file, &e))?;
                Ok(Some((bytes, etag)))
            }
        }
    }

    /// Copies the resource at `path` (relative to the descriptor) to `target`.
    fn resource(
        &self,
        path: &str,
        target: &Path,
        file: &published::ResourceFile,
    ) -> Result<(), Refusal> {
        if file.bytes > MAX_RESOURCE_BYTES {
            return Err(Refusal::TooLarge {
                file: path.to_owned(),
            });
        }
        let limit = file.bytes;
        let mut out = fs::File::create(target).map_err(|e| Refusal::unreachable(path, e))?;
        match &self.location {
            Location::Local(descriptor) => {
                let source = descriptor.parent().unwrap_or(Path::new(".")).join(path);
                let input = fs::File::open(&source).map_err(|e| Refusal::unreachable(path, e))?;
                copy_limited(input, &mut out, limit, path)
            }
            Location::Web(url) => {
                let base = &url[..url.rfind('/').map_or(url.len(), |i| i + 1)];
                let mut response = self
                    .agent
                    .get(format!("{base}{path}"))
                    .call()
                    .map_err(|e| web_refusal(path, &e))?;
                http_ok(path, response.status().as_u16())?;
                let reader = response.body_mut().with_config().limit(limit + 1).reader();
                copy_limited(reader, &mut out, limit, path)
            }
        }
    }
}

/// Copies at most `limit` bytes; more is a refusal, not a silent cut.
fn copy_limited(
    input: impl Read,
    out: &mut fs::File,
    limit: u64,
    file: &str,
) -> Result<(), Refusal> {
    let copied =
        io::copy(&mut input.take(limit + 1), out).map_err(|e| Refusal::unreachable(file, e))?;
    if copied > limit {
        return Err(Refusal::HashMismatch {
            file: file.to_owned(),
        });
    }
    out.flush().map_err(|e| Refusal::unreachable(file, e))
}

fn read_limited(path: &Path, limit: u64, file: &str) -> Result<Vec<u8>, Refusal> {
    let input = fs::File::open(path).map_err(|e| Refusal::unreachable(file, e))?;
    let mut bytes = Vec::new();
    input
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Refusal::unreachable(file, e))?;
    if bytes.len() as u64 > limit {
        return Err(Refusal::TooLarge {
            file: file.to_owned(),
        });
    }
    Ok(bytes)
}

fn http_ok(file: &str, status: u16) -> Result<(), Refusal> {
    if (200..300).contains(&status) {
        return Ok(());
    }
    Err(Refusal::unreachable(file, format!("HTTP {status}")))
}

/// A failed request or read: a body over its limit is too large, anything else
/// unreachable.
fn web_refusal(file: &str, error: &ureq::Error) -> Refusal {
    match error {
        ureq::Error::BodyExceedsLimit(_) => Refusal::TooLarge {
            file: file.to_owned(),
        },
        other => Refusal::unreachable(file, other),
    }
}

/// The size and SHA-256 (hex) of a file, read in pieces.
fn digest(path: &Path) -> io::Result<(u64, String)> {
    let mut input = fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 256 * 1024];
    let mut total = 0;
    loop {
        let n = input.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        total += n as u64;
    }
    Ok((total, crate::export::hex(&hasher.finalize())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Sp;

    #[test]
    fn a_status_naming_no_sha256_names_no_copy() {
        let root = tempfile::tempdir().unwrap();
        let member = Member {
            city: Sp::default(),
            admin_code: Sp {
                value: "370100".to_owned(),
                ..Sp::default()
            },
            package: Sp::default(),
        };
        let folder = city_folder(root.path(), &member);
        fs::create_dir_all(&folder).unwrap();
        for revision in [
            "../../../../outside",
            "é".repeat(20).as_str(),
            &"a".repeat(64),
        ] {
            let json = format!(r#"{{"good": {{"revision": "{revision}", "created": ""}}}}"#);
            fs::write(folder.join("status.json"), json).unwrap();
            let status = status(root.path(), &member);
            assert_eq!(
                status.good.is_some(),
                revision == "a".repeat(64),
                "{revision}"
            );
        }
        assert_eq!(
            Good {
                revision: "b".repeat(64),
                created: String::new(),
                etag: None
            }
            .folder(),
            format!("rev-{}", "b".repeat(16))
        );
    }
}
