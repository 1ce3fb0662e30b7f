//! Stage 5, write: put the rendered files into a staging folder beside the output and
//! swap it in only once everything succeeded, so that a failed build leaves the
//! previous site exactly as it was.
//!
//! The output folder is deleted and replaced on every build, so this module refuses
//! to replace a non-empty folder that it did not write itself (it would be someone's
//! documents), and refuses file paths that could land outside the output.
//!
//! The swap leaves no moment without an output: on Linux one `renameat2` call with
//! `RENAME_EXCHANGE` trades the two folders' names, so a web server reading the
//! output sees the old site or the new one. Where that call is missing (other systems,
//! file systems without it), the old output moves aside and the new one takes its
//! name, two renames with a moment between them. A build that is killed leaves its
//! staging folder (`.public.tmp-<pid>`, or `.public.old-<pid>` holding the previous
//! output); the next build removes those of processes that no longer run.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::manifest::{BUILD_STATE, BuildState, FileEntry, MANIFEST, Manifest};

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
    /// Every path claimed so far, with the size and hash of its file once it is in
    /// place, for the manifest; render workers write at once.
    files: Mutex<HashMap<String, Option<FileEntry>>>,
    /// Folders made so far, relative to the staging folder.
    folders: Mutex<HashSet<String>>,
    committed: bool,
    /// Folders left behind that could not be removed, for the build's warnings.
    notes: Vec<String>,
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
        let notes = remove_stale(&parent, name);
        let temp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        fs::create_dir(&temp)
            .map_err(|e| WriteError(format!("cannot create {}: {e}", temp.display())))?;
        Ok(Staging {
            output: output.to_path_buf(),
            temp,
            files: Mutex::default(),
            folders: Mutex::default(),
            committed: false,
            notes,
        })
    }

    /// Writes one file at `relative` (with `/` separators) inside the staging folder.
    pub fn write(&self, relative: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let path = self.claim(relative)?;
        fs::write(&path, bytes)
            .map_err(|e| WriteError(format!("cannot write {}: {e}", path.display())))?;
        let entry = FileEntry {
            sha256: crate::export::sha256_hex(bytes),
            bytes: bytes.len() as u64,
        };
        self.enter(relative, entry);
        Ok(())
    }

    /// Puts the file at `relative` of the previous output `old` in place unchanged,
    /// as `entry` describes it: a hard link where the file system allows one, a copy
    /// elsewhere. An incremental build keeps what it did not render again this way.
    pub fn keep(&self, old: &Path, relative: &str, entry: &FileEntry) -> Result<(), WriteError> {
        let path = self.claim(relative)?;
        let from = old.join(relative);
        if fs::hard_link(&from, &path).is_err() {
            fs::copy(&from, &path)
                .map_err(|e| WriteError(format!("cannot keep {}: {e}", from.display())))?;
        }
        self.enter(relative, entry.clone());
        Ok(())
    }

    /// Notes the file claimed at `relative` as in place, as `entry` describes it.
    fn enter(&self, relative: &str, entry: FileEntry) {
        self.files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(relative.to_owned(), Some(entry));
    }

    /// Writes one file at `relative` as `fill` writes it, through a buffer: files too
    /// large to hold in memory (a province's merged OCDS releases) stream to disk.
    /// Returns the bytes written and their SHA-256 in lower-case hex, for catalogs.
    pub fn write_with(
        &self,
        relative: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(u64, String), WriteError> {
        let path = self.claim(relative)?;
        let failed =
            |e: std::io::Error| WriteError(format!("cannot write {}: {e}", path.display()));
        let file = fs::File::create(&path).map_err(failed)?;
        let mut counted = Counted {
            out: std::io::BufWriter::with_capacity(64 * 1024, file),
            bytes: 0,
            digest: sha2::Sha256::default(),
        };
        fill(&mut counted).map_err(failed)?;
        counted.out.flush().map_err(failed)?;
        let sha256 = crate::export::hex(&sha2::Digest::finalize(counted.digest));
        let entry = FileEntry {
            sha256: sha256.clone(),
            bytes: counted.bytes,
        };
        self.enter(relative, entry);
        Ok((counted.bytes, sha256))
    }

    /// The staging path of `relative`, with its folder made, once the path is known
    /// to be safe and not written before.
    fn claim(&self, relative: &str) -> Result<PathBuf, WriteError> {
        if !is_inside(relative) {
            return Err(WriteError(format!(
                "refusing to write `{relative}`: output paths are relative, without `..`, `\\` or `:`"
            )));
        }
        let fresh = self
            .files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(relative.to_owned(), None)
            .is_none();
        if !fresh {
            return Err(WriteError(format!(
                "two pages want the same address `{relative}`: give one of the records another id"
            )));
        }
        let path = self.temp.join(relative);
        // Most files share their folder with others: a folder made once is not asked
        // for again (two system calls less for each of a quarter million files).
        if let Some((folder, _)) = relative.rsplit_once('/') {
            let made = self
                .folders
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .contains(folder);
            if !made {
                let dir = self.temp.join(folder);
                fs::create_dir_all(&dir)
                    .map_err(|e| WriteError(format!("cannot create {}: {e}", dir.display())))?;
                self.folders
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .insert(folder.to_owned());
            }
        }
        Ok(path)
    }

    /// Files in place so far and their size, kept ones included.
    pub fn totals(&self) -> (usize, u64) {
        let files = self
            .files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let entries = files.values().flatten();
        (files.len(), entries.map(|e| e.bytes).sum())
    }

    /// Writes the manifest of the files in place, and `state` beside it when given,
    /// marks the staging folder as greenproc output and swaps it in for the output,
    /// then removes the old output. Returns what could not be cleaned up (the build
    /// succeeded all the same), for the build to print as warnings.
    pub fn commit(mut self, state: Option<&BuildState>) -> Result<Vec<String>, WriteError> {
        let files = std::mem::take(
            &mut *self
                .files
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
        // Sorted once here rather than kept sorted under the workers' lock.
        let entries: BTreeMap<String, FileEntry> = files
            .into_iter()
            .filter_map(|(path, entry)| Some((path, entry?)))
            .collect();
        let mut extra = vec![(MANIFEST, Manifest::new(entries).to_bytes())];
        extra.extend(state.map(|s| (BUILD_STATE, s.to_bytes())));
        let marker = "written by greenproc build; this folder is replaced on every build\n";
        extra.push((MARKER, marker.as_bytes().to_vec()));
        for (name, bytes) in extra {
            fs::write(self.temp.join(name), bytes)
                .map_err(|e| WriteError(format!("cannot write {name}: {e}")))?;
        }
        // Checked again: the output may have appeared while rendering.
        check_replaceable(&self.output)?;
        let had_output = fs::symlink_metadata(&self.output).is_ok();
        let old = if had_output && exchange(&self.temp, &self.output).is_ok() {
            // The staging folder's name now holds the previous output.
            self.temp.clone()
        } else {
            self.swap_by_renames(had_output)?
        };
        self.committed = true;
        let mut notes = std::mem::take(&mut self.notes);
        if had_output && let Err(e) = remove_tree(&old) {
            notes.push(format!(
                "the new site is in {}, but the previous one could not be removed from {}: {e}; \
                 the next build tries again, or remove it by hand",
                self.output.display(),
                old.display()
            ));
        }
        Ok(notes)
    }

    /// The swap without an atomic exchange: the old output moves aside, the new one
    /// takes its name. Returns where the old output went.
    fn swap_by_renames(&self, had_output: bool) -> Result<PathBuf, WriteError> {
        let aside = sibling(&self.temp, ".tmp-", ".old-");
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
        Ok(aside)
    }
}

/// `path` with `from` in its file name replaced by `to`.
fn sibling(path: &Path, from: &str, to: &str) -> PathBuf {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .replacen(from, to, 1);
    path.with_file_name(name)
}

/// Whether `relative` names a place inside a folder, wherever that folder is: not
/// empty, no `.` or `..` part, no absolute start, no `\\`, `:` or NUL (a Windows drive
/// or separator, or a name no system takes).
pub fn is_inside(relative: &str) -> bool {
    !relative.is_empty()
        && !relative.contains(['\\', ':', '\0'])
        && relative
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..")
}

/// Removes the folder `dir` and everything in it, its subfolders on all cores: the
/// previous output of a large site is a quarter of a million files, and removing
/// them one after another was a sixth of a full build.
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    use rayon::prelude::*;
    let entries: Vec<fs::DirEntry> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.par_iter().try_for_each(|entry| {
        // A symbolic link is removed, never followed.
        if entry.file_type()?.is_dir() {
            remove_tree(&entry.path())
        } else {
            fs::remove_file(entry.path())
        }
    })?;
    fs::remove_dir(dir)
}

/// Swaps the names of two folders in one step (`renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    // The flag's value in the kernel's ABI; not every libc build names it.
    const RENAME_EXCHANGE: libc::c_uint = 1 << 1;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are NUL-terminated strings that live across the call,
    // which only reads them. The raw system call, not libc's wrapper, because musl
    // (the static release binaries) has no `renameat2` function.
    let result = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            RENAME_EXCHANGE,
        )
    };
    if result == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// No atomic exchange here: the caller swaps with two renames.
#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Removes the staging folders of builds of the output `name` in `parent` that were
/// killed; returns a note for each that could not be removed.
fn remove_stale(parent: &Path, name: &str) -> Vec<String> {
    let mut notes = Vec::new();
    let Ok(entries) = fs::read_dir(parent) else {
        return notes;
    };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let pid = rest
            .strip_prefix("tmp-")
            .or_else(|| rest.strip_prefix("old-"))
            .and_then(|pid| pid.parse::<u32>().ok());
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if let Some(pid) = pid
            && is_dir
            && !is_running(pid, &entry.path())
            && let Err(e) = remove_tree(&entry.path())
        {
            notes.push(format!(
                "cannot remove {}, left by an earlier build: {e}",
                entry.path().display()
            ));
        }
    }
    notes
}

/// Whether the build that made a staging folder may still be running: its process
/// exists (on Linux), or the folder is less than a day old (elsewhere). This process
/// is never running a build of the same output twice.
fn is_running(pid: u32, folder: &Path) -> bool {
    if pid == std::process::id() {
        return false;
    }
    if cfg!(target_os = "linux") {
        return Path::new("/proc").join(pid.to_string()).exists();
    }
    folder
        .metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_none_or(|age| age < std::time::Duration::from_secs(24 * 60 * 60))
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.temp);
        }
    }
}

/// A writer that counts and hashes the bytes through it.
struct Counted<W> {
    out: W,
    bytes: u64,
    digest: sha2::Sha256,
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.bytes += n as u64;
        sha2::Digest::update(&mut self.digest, &buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
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
        staging.commit(None).unwrap();
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
