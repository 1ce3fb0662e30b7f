//! Stage 5, write: put the rendered files into a staging folder beside the output and
//! swap it in only once everything succeeded, so that a failed build leaves the
//! previous site exactly as it was.
//!
//! The output folder is deleted and replaced on every build, so this module refuses
//! to replace a non-empty folder that it did not write itself (it would be someone's
//! documents), and refuses file paths that could land outside the output.

use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// The file that marks a folder as greenproc's output, safe to replace.
pub const MARKER: &str = ".greenproc-output";

/// Where generated files go: the staging folder of a build, or the preview server's
/// tree. Pages and exports are produced on all cores, and each worker hands its files
/// over as they are done.
pub trait Output: Sync {
    /// Stores `bytes` at `path`, relative to the output folder with `/` separators.
    fn file(&self, path: &str, bytes: &[u8]) -> Result<(), WriteError>;
}

/// Why the output could not be written.
#[derive(Debug)]
pub struct WriteError(String);

impl WriteError {
    /// An error saying `message`.
    pub fn new(message: impl Into<String>) -> WriteError {
        WriteError(message.into())
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WriteError {}

/// A staging folder being filled; dropped without [`Staging::commit`], it is removed.
#[derive(Debug)]
pub struct Staging {
    output: PathBuf,
    temp: PathBuf,
    /// Every path written so far; render workers write at once.
    written: Mutex<HashSet<String>>,
    /// Bytes written so far.
    bytes: AtomicU64,
    committed: bool,
}

impl Staging {
    /// Creates `<parent>/.<name>.tmp-<pid>` for the output folder `output`, after
    /// checking that `output` may be replaced.
    pub fn new(output: &Path) -> Result<Staging, WriteError> {
        let name = output
            .file_name()
            .and_then(|n| n.to_str())
            .filter(|n| *n != "..")
            .ok_or_else(|| {
                WriteError(format!(
                    "`{}` cannot be the output folder: name a folder, like public",
                    output.display()
                ))
            })?;
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        check_replaceable(output)?;
        fs::create_dir_all(&parent)
            .map_err(|e| WriteError(format!("cannot create {}: {e}", parent.display())))?;
        let temp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if temp.exists() {
            fs::remove_dir_all(&temp).map_err(|e| {
                WriteError(format!("cannot remove the stale {}: {e}", temp.display()))
            })?;
        }
        fs::create_dir(&temp)
            .map_err(|e| WriteError(format!("cannot create {}: {e}", temp.display())))?;
        Ok(Staging {
            output: output.to_path_buf(),
            temp,
            written: Mutex::default(),
            bytes: AtomicU64::new(0),
            committed: false,
        })
    }

    /// Writes one file at `relative` (with `/` separators) inside the staging folder.
    pub fn write(&self, relative: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let safe = !relative.is_empty()
            && !relative.contains('\\')
            && !relative.contains(':')
            && relative
                .split('/')
                .all(|s| !s.is_empty() && s != "." && s != "..");
        if !safe {
            return Err(WriteError(format!(
                "refusing to write `{relative}`: output paths are relative, without `..`, `\\` or `:`"
            )));
        }
        let fresh = self
            .written
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(relative.to_owned());
        if !fresh {
            return Err(WriteError(format!(
                "two pages want the same address `{relative}`: give one of the records another id"
            )));
        }
        let path = self.temp.join(relative);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)
                .map_err(|e| WriteError(format!("cannot create {}: {e}", dir.display())))?;
        }
        fs::write(&path, bytes)
            .map_err(|e| WriteError(format!("cannot write {}: {e}", path.display())))?;
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Files and bytes written so far.
    pub fn totals(&self) -> (usize, u64) {
        let files = self
            .written
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .len();
        (files, self.bytes.load(Ordering::Relaxed))
    }

    /// Marks the staging folder as greenproc output and swaps it in for the output:
    /// the old output moves aside, the new one takes its name, the old one is deleted.
    pub fn commit(mut self) -> Result<(), WriteError> {
        let marker = "written by greenproc build; this folder is replaced on every build\n";
        fs::write(self.temp.join(MARKER), marker)
            .map_err(|e| WriteError(format!("cannot write the output marker: {e}")))?;
        // Checked again: the output may have appeared while rendering.
        check_replaceable(&self.output)?;
        let aside = self.temp.with_file_name(
            self.temp
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .replacen(".tmp-", ".old-", 1),
        );
        let had_output = self.output.exists();
        if had_output {
            fs::rename(&self.output, &aside).map_err(|e| {
                WriteError(format!(
                    "cannot move the old {} aside: {e}",
                    self.output.display()
                ))
            })?;
        }
        if let Err(e) = fs::rename(&self.temp, &self.output) {
            if had_output {
                // Put the previous site back; the error below is what matters.
                let _ = fs::rename(&aside, &self.output);
            }
            return Err(WriteError(format!(
                "cannot move the new site to {}: {e}",
                self.output.display()
            )));
        }
        self.committed = true;
        if had_output {
            fs::remove_dir_all(&aside).map_err(|e| {
                WriteError(format!(
                    "the site is built, but {} could not be removed: {e}",
                    aside.display()
                ))
            })?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.temp);
        }
    }
}

impl Output for Staging {
    fn file(&self, path: &str, bytes: &[u8]) -> Result<(), WriteError> {
        self.write(path, bytes)
    }
}

/// An output may be replaced when it does not exist, is an empty folder, or holds
/// greenproc's marker.
fn check_replaceable(output: &Path) -> Result<(), WriteError> {
    let Ok(meta) = fs::symlink_metadata(output) else {
        return Ok(());
    };
    if !meta.is_dir() {
        return Err(WriteError(format!(
            "{} exists and is not a folder; choose another --output",
            output.display()
        )));
    }
    let empty = fs::read_dir(output)
        .map(|mut entries| entries.next().is_none())
        .unwrap_or(false);
    if empty || output.join(MARKER).is_file() {
        Ok(())
    } else {
        Err(WriteError(format!(
            "{} is not empty and was not written by greenproc (it has no {MARKER} file); \
             the build replaces its output folder, so choose an empty or new --output",
            output.display()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_unsafe_paths_and_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::new(&dir.path().join("public")).unwrap();
        for bad in ["", "../x", "a/../b", "/etc/x", "a\\b", "c:/x", "a//b"] {
            assert!(staging.write(bad, b"x").is_err(), "{bad}");
        }
        staging.write("a/index.html", b"x").unwrap();
        assert!(staging.write("a/index.html", b"y").is_err());
    }

    #[test]
    fn swaps_in_and_protects_foreign_folders() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let staging = Staging::new(&out).unwrap();
        staging.write("index.html", b"one").unwrap();
        staging.commit().unwrap();
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"one");
        let staging = Staging::new(&out).unwrap();
        staging.write("index.html", b"two").unwrap();
        drop(staging);
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"one");
        let leftovers = fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "staging folder removed on failure");

        let home = dir.path().join("home");
        fs::create_dir(&home).unwrap();
        fs::write(home.join("notes.txt"), b"mine").unwrap();
        assert!(Staging::new(&home).is_err());
    }
}
