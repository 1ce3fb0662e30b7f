//! The site's git repository, read through the `git` program: the commit at `HEAD`,
//! the first-parent history with the record files each commit changed, and the
//! record files at any revision.
//!
//! The `git` command line rather than a library: every machine that holds a site's
//! repository (an editor's, a CI runner) has it, and a Rust implementation of git
//! was a fifth of greenproc's compile time and a quarter of its binary. The whole
//! history is one `git log` process whose output is parsed as it streams; blobs come
//! from one long-lived `git cat-file --batch`. Only the `data/` and `content/` paths
//! are asked for, so commits that touched no record cost nothing here.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;

use crate::messages::{Lang, Text};
use crate::model::Date;

/// The folders whose files are records, relative to the site root.
pub const RECORD_FOLDERS: [&str; 2] = ["data", "content"];

/// Environment variables that would point `git` at another repository than the one
/// holding the site root (a hook, for one, sets `GIT_DIR`); the site's own is wanted.
const LOCATION_VARIABLES: [&str; 8] = [
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_COMMON_DIR",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
];

/// Why the repository's history cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unavailable {
    /// The `git` program is not installed (or not on `PATH`).
    NoGit,
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
            Unavailable::NoGit => "no-git",
            Unavailable::NoRepository => "no-repository",
            Unavailable::Shallow => "shallow",
            Unavailable::NoCommit => "no-commit",
            Unavailable::Broken(_) => "broken",
        }
    }
}

impl Unavailable {
    /// Why, for editors (`check`, `build`).
    pub fn text(&self) -> Text {
        match self {
            Unavailable::NoGit => Text::new("history.no_git"),
            Unavailable::NoRepository => Text::new("history.no_repository"),
            Unavailable::Shallow => Text::new("history.shallow"),
            Unavailable::NoCommit => Text::new("history.no_commit"),
            Unavailable::Broken(why) => crate::text!("history.broken", why = why),
        }
    }
}

// In English where it ends up inside another error's message (`diff`'s).
impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text().render(Lang::En))
    }
}

/// Why a revision names no commit.
#[derive(Debug)]
pub enum Unresolved {
    /// No object has that name.
    Unknown,
    /// The object it names is not a commit (a tree or a blob).
    NotACommit,
    /// Git could not be asked.
    Git(Unavailable),
}

impl fmt::Display for Unresolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unresolved::Unknown => f.write_str("unknown revision"),
            Unresolved::NotACommit => f.write_str("it does not name a commit"),
            Unresolved::Git(e) => e.fmt(f),
        }
    }
}

/// A git object's name: its hash in hexadecimal, as `git` prints it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ObjectId(String);

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
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
    /// The working tree's top folder, where every `git` command runs.
    top: String,
    /// The site root relative to the working tree, `/`-separated with a trailing `/`,
    /// empty when the site is the whole repository.
    prefix: String,
    shallow: bool,
    /// The `git cat-file --batch` process, started at the first blob asked for.
    blobs: Mutex<Option<BlobReader>>,
}

/// The format of a commit's header line in `git log`: a marker byte, then the hash,
/// committer time as `seconds ±hhmm` and the subject, each ended by NUL.
const LOG_FORMAT: &str = "--format=%x01%H%x00%cd%x00%s%x00";

impl Repo {
    /// Opens the repository holding `root` (searching upwards as git does).
    pub fn open(root: &Path) -> Result<Repo, Unavailable> {
        let output = run(git_in(root).args([
            "rev-parse",
            "--show-toplevel",
            "--show-prefix",
            "--is-shallow-repository",
        ]))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            // A bare repository, or none: both are "no working tree to read from".
            if stderr.contains("not a git repository") || stderr.contains("work tree") {
                return Err(Unavailable::NoRepository);
            }
            return Err(Unavailable::Broken(first_line(&stderr)));
        }
        let text = String::from_utf8(output.stdout)
            .map_err(|_| Unavailable::Broken(format!("{} is not UTF-8", root.display())))?;
        let mut lines = text.lines();
        let (Some(top), Some(prefix), Some(shallow)) = (lines.next(), lines.next(), lines.next())
        else {
            return Err(Unavailable::Broken(format!(
                "unexpected answer from `git rev-parse`: {text:?}"
            )));
        };
        Ok(Repo {
            top: top.to_owned(),
            prefix: prefix.to_owned(),
            shallow: shallow == "true",
            blobs: Mutex::new(None),
        })
    }

    /// Whether history is complete: not a shallow clone, with a commit at `HEAD`.
    pub fn check_complete(&self) -> Result<(), Unavailable> {
        if self.shallow {
            return Err(Unavailable::Shallow);
        }
        self.head().map(|_| ())
    }

    /// The commit at `HEAD`.
    pub fn head(&self) -> Result<Commit, Unavailable> {
        let output = self.git(&["log", "-1", "--date=raw", LOG_FORMAT, "HEAD", "--"])?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            // `HEAD` names no commit: an unborn branch.
            if stderr.contains("does not have any commits") || stderr.contains("unknown revision") {
                return Err(Unavailable::NoCommit);
            }
            return Err(Unavailable::Broken(first_line(&stderr)));
        }
        let mut log = LogReader::new(&output.stdout[..]);
        match log.next_commit()? {
            Some(commit) => Ok(commit),
            None => Err(Unavailable::NoCommit),
        }
    }

    /// Walks the first-parent history of `HEAD`, newest first, calling `visit` with
    /// each commit that changed record files and those files (sorted by path). Merge
    /// commits are compared with their first parent, so a merged branch counts as one
    /// change, dated and described by the merge.
    pub fn first_parent_changes(
        &self,
        mut visit: impl FnMut(Commit, Vec<FileChange>) -> Result<(), Unavailable>,
    ) -> Result<(), Unavailable> {
        let mut command = self.command();
        command
            .args([
                "log",
                "--first-parent",
                "--diff-merges=first-parent",
                "--root",
                "--raw",
                "-z",
                "--no-abbrev",
                "--no-renames",
                "--no-relative",
                "--no-ext-diff",
                "--no-textconv",
                "--no-show-signature",
                "--no-color",
                "--encoding=UTF-8",
                "--date=raw",
                LOG_FORMAT,
                "HEAD",
                "--",
            ])
            .args(self.pathspecs(&RECORD_FOLDERS));
        let mut child = spawn(command.stdout(Stdio::piped()).stderr(Stdio::piped()))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut log = LogReader::new(BufReader::with_capacity(1 << 16, stdout));
        let walked = (|| {
            while let Some(commit) = log.next_commit()? {
                let mut changes = Vec::new();
                while let Some(entry) = log.next_entry()? {
                    if let Some(change) = self.file_change(entry) {
                        changes.push(change);
                    }
                }
                if !changes.is_empty() {
                    changes.sort_by(|a, b| a.path.cmp(&b.path));
                    visit(commit, changes)?;
                }
            }
            Ok(())
        })();
        finish(child, walked)
    }

    /// The commit a revision (`main`, `HEAD~2`, a hash...) names.
    pub fn resolve(&self, revision: &str) -> Result<ObjectId, Unresolved> {
        let parse = |spec: &str| {
            self.git(&["rev-parse", "--verify", "--quiet", "--end-of-options", spec])
                .map_err(Unresolved::Git)
        };
        if !parse(revision)?.status.success() {
            return Err(Unresolved::Unknown);
        }
        let output = parse(&format!("{revision}^{{commit}}"))?;
        if !output.status.success() {
            return Err(Unresolved::NotACommit);
        }
        Ok(ObjectId(
            String::from_utf8_lossy(&output.stdout).trim().to_owned(),
        ))
    }

    /// Every file at `commit` under the site's `folders` (`data` and `content` for
    /// the records), by path relative to the site root.
    pub fn files(
        &self,
        commit: &ObjectId,
        folders: &[&str],
    ) -> Result<BTreeMap<String, Vec<u8>>, Unavailable> {
        let mut args = vec![
            "ls-tree",
            "-r",
            "-z",
            "--full-tree",
            commit.0.as_str(),
            "--",
        ];
        let pathspecs = self.pathspecs(folders);
        args.extend(pathspecs.iter().map(String::as_str));
        let output = self.git(&args)?;
        if !output.status.success() {
            return Err(Unavailable::Broken(first_line(&String::from_utf8_lossy(
                &output.stderr,
            ))));
        }
        let mut files = BTreeMap::new();
        for entry in output.stdout.split(|&b| b == 0).filter(|e| !e.is_empty()) {
            // `<mode> <type> <hash>\t<path>`
            let Some(tab) = entry.iter().position(|&b| b == b'\t') else {
                continue;
            };
            let meta = String::from_utf8_lossy(&entry[..tab]);
            let mut fields = meta.split(' ');
            let (Some(mode), Some(_), Some(id)) = (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            if !is_blob(mode) {
                continue;
            }
            let Some(path) = self.site_path(&entry[tab + 1..]) else {
                continue;
            };
            files.insert(path, self.blob(&ObjectId(id.to_owned()))?);
        }
        Ok(files)
    }

    /// The bytes of a blob.
    pub fn blob(&self, id: &ObjectId) -> Result<Vec<u8>, Unavailable> {
        let mut blobs = self.blobs.lock().unwrap_or_else(|e| e.into_inner());
        if blobs.is_none() {
            *blobs = Some(BlobReader::start(self.command())?);
        }
        let reader = blobs.as_mut().expect("started above");
        let read = reader.read(id);
        if read.is_err() {
            // A reader that failed mid-answer is out of step; the next call starts anew.
            *blobs = None;
        }
        read
    }

    /// A `git` command run in the working tree's top folder.
    fn command(&self) -> Command {
        git_in(Path::new(&self.top))
    }

    fn git(&self, args: &[&str]) -> Result<std::process::Output, Unavailable> {
        run(self.command().args(args))
    }

    /// `folders` under the site root, as pathspecs from the top folder taken literally
    /// (a site folder named `*` matches only itself).
    fn pathspecs(&self, folders: &[&str]) -> Vec<String> {
        folders
            .iter()
            .map(|folder| format!(":(literal){}{folder}", self.prefix))
            .collect()
    }

    /// A path from the top folder as a path from the site root, if it is UTF-8 and in
    /// the site.
    fn site_path(&self, raw: &[u8]) -> Option<String> {
        let path = std::str::from_utf8(raw).ok()?;
        Some(path.strip_prefix(self.prefix.as_str())?.to_owned())
    }

    /// A change of a regular file, with its path relative to the site root; trees,
    /// links and submodules are left out, as the loader skips them.
    fn file_change(&self, entry: RawEntry) -> Option<FileChange> {
        let old = (is_blob(&entry.old_mode) && !is_null(&entry.old_id)).then_some(entry.old_id);
        let new = (is_blob(&entry.new_mode) && !is_null(&entry.new_id)).then_some(entry.new_id);
        if old.is_none() && new.is_none() {
            return None;
        }
        Some(FileChange {
            path: self.site_path(&entry.path)?,
            old: old.map(ObjectId),
            new: new.map(ObjectId),
        })
    }
}

/// A `git` command run in `dir`, reading the repository as it is: no repository
/// chosen by the caller's environment, no pager, messages in English so that they can
/// be told apart.
fn git_in(dir: &Path) -> Command {
    let mut command = Command::new("git");
    for variable in LOCATION_VARIABLES {
        command.env_remove(variable);
    }
    command
        .env("LC_ALL", "C")
        .env("GIT_PAGER", "cat")
        .env("GIT_TERMINAL_PROMPT", "0")
        // greenproc only reads, with commands that run no configured program, so a
        // checkout owned by another user (a container's, a CI runner's) is read too,
        // as git itself would after `git config --global safe.directory`.
        .args([
            OsStr::new("-c"),
            OsStr::new("safe.directory=*"),
            OsStr::new("-C"),
        ])
        .arg(dir)
        .stdin(Stdio::null());
    command
}

fn spawn(command: &mut Command) -> Result<Child, Unavailable> {
    command.spawn().map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => Unavailable::NoGit,
        _ => broken(format!("starting git: {e}")),
    })
}

fn run(command: &mut Command) -> Result<std::process::Output, Unavailable> {
    let child = spawn(command.stdout(Stdio::piped()).stderr(Stdio::piped()))?;
    child
        .wait_with_output()
        .map_err(|e| broken(format!("running git: {e}")))
}

/// Waits for a streaming `git` process: its own failure is reported when the reading
/// succeeded, the reading's failure otherwise.
fn finish(mut child: Child, read: Result<(), Unavailable>) -> Result<(), Unavailable> {
    if read.is_err() {
        let _ = child.kill();
    }
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    let status = child
        .wait()
        .map_err(|e| broken(format!("running git: {e}")))?;
    read?;
    if status.success() {
        Ok(())
    } else {
        Err(Unavailable::Broken(first_line(&stderr)))
    }
}

fn first_line(text: &str) -> String {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("git failed");
    line.strip_prefix("fatal: ").unwrap_or(line).to_owned()
}

/// A regular file's mode (plain or executable), as `git` prints modes.
fn is_blob(mode: &str) -> bool {
    mode == "100644" || mode == "100755"
}

/// The all-zero hash that stands for "no object" on one side of a change.
fn is_null(id: &str) -> bool {
    id.bytes().all(|b| b == b'0')
}

fn broken(error: impl fmt::Display) -> Unavailable {
    Unavailable::Broken(error.to_string())
}

/// One line of `git log --raw -z`: a path's modes and blobs on both sides.
struct RawEntry {
    old_mode: String,
    new_mode: String,
    old_id: String,
    new_id: String,
    path: Vec<u8>,
}

/// Reads the output of `git log -z --raw` with [`LOG_FORMAT`] headers: commits, each
/// followed by its raw entries (`:<modes> <hashes> <status>\0<path>\0`).
struct LogReader<R> {
    input: R,
    field: Vec<u8>,
}

impl<R: BufRead> LogReader<R> {
    fn new(input: R) -> Self {
        LogReader {
            input,
            field: Vec::new(),
        }
    }

    /// The next commit's header, skipping any entries of the current one that were
    /// not read; `None` at the end.
    fn next_commit(&mut self) -> Result<Option<Commit>, Unavailable> {
        while self.next_entry()?.is_some() {}
        match self.peek()? {
            None => return Ok(None),
            Some(0x01) => self.input.consume(1),
            Some(other) => {
                return Err(broken(format!("unexpected byte {other:#04x} in `git log`")));
            }
        }
        let id = self.text_field()?;
        let time = self.text_field()?;
        let subject = self.text_field()?;
        let (date, time) = committer_time(&time)
            .ok_or_else(|| broken(format!("unexpected commit time `{time}` in `git log`")))?;
        Ok(Some(Commit {
            id,
            date,
            time,
            subject,
        }))
    }

    /// The current commit's next entry, or `None` when the next commit (or the end)
    /// comes first.
    fn next_entry(&mut self) -> Result<Option<RawEntry>, Unavailable> {
        // Between a header and its entries, and between commits, git writes a newline
        // or (with `-z`, after entries) a NUL.
        while matches!(self.peek()?, Some(b'\n' | 0)) {
            self.input.consume(1);
        }
        if self.peek()? != Some(b':') {
            return Ok(None);
        }
        self.input.consume(1);
        let meta = self.text_field()?;
        let path = self.bytes_field()?.to_vec();
        let mut parts = meta.split(' ');
        let mut part = || {
            parts
                .next()
                .map(str::to_owned)
                .ok_or_else(|| broken(format!("unexpected entry `{meta}` in `git log`")))
        };
        Ok(Some(RawEntry {
            old_mode: part()?,
            new_mode: part()?,
            old_id: part()?,
            new_id: part()?,
            path,
        }))
    }

    fn peek(&mut self) -> Result<Option<u8>, Unavailable> {
        let buffer = self
            .input
            .fill_buf()
            .map_err(|e| broken(format!("reading `git log`: {e}")))?;
        Ok(buffer.first().copied())
    }

    /// The bytes up to the next NUL, which is consumed.
    fn bytes_field(&mut self) -> Result<&[u8], Unavailable> {
        self.field.clear();
        self.input
            .read_until(0, &mut self.field)
            .map_err(|e| broken(format!("reading `git log`: {e}")))?;
        if self.field.pop() != Some(0) {
            return Err(broken("`git log` ended in the middle of a commit"));
        }
        Ok(&self.field)
    }

    fn text_field(&mut self) -> Result<String, Unavailable> {
        Ok(String::from_utf8_lossy(self.bytes_field()?).into_owned())
    }
}

/// A committer time as `git --date=raw` prints it (`1704848400 +0800`): the date in
/// the committer's time zone, and the time as RFC 3339 in that zone.
fn committer_time(raw: &str) -> Option<(Date, String)> {
    let (seconds, zone) = raw.split_once(' ')?;
    let seconds: i64 = seconds.parse().ok()?;
    let (sign, digits) = zone.split_at_checked(1)?;
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i64 = digits[..2].parse().ok()?;
    let minutes: i64 = digits[2..].parse().ok()?;
    let offset = (hours * 60 + minutes) * 60;
    let offset = match sign {
        "+" => offset,
        "-" => -offset,
        _ => return None,
    };
    let local = seconds + offset;
    let date = Date::from_days_since_epoch(local.div_euclid(86_400));
    let of_day = local.rem_euclid(86_400);
    let time = format!(
        "{date}T{:02}:{:02}:{:02}{}{:02}:{:02}",
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60,
        if offset < 0 { '-' } else { '+' },
        hours,
        minutes
    );
    Some((date, time))
}

/// A running `git cat-file --batch`: one blob asked for at a time, its answer read
/// whole before the next, so neither side waits on the other.
struct BlobReader {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl BlobReader {
    fn start(mut command: Command) -> Result<BlobReader, Unavailable> {
        let mut child = spawn(
            command
                .args(["cat-file", "--batch"])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
        )?;
        let input = child.stdin.take().expect("stdin is piped");
        let output = BufReader::new(child.stdout.take().expect("stdout is piped"));
        Ok(BlobReader {
            child,
            input,
            output,
        })
    }

    fn read(&mut self, id: &ObjectId) -> Result<Vec<u8>, Unavailable> {
        let failed = |e: io::Error| broken(format!("reading blob {}: {e}", id.0));
        writeln!(self.input, "{}", id.0).map_err(failed)?;
        self.input.flush().map_err(failed)?;
        // `<hash> blob <size>\n<content>\n`, or `<hash> missing\n`.
        let mut header = String::new();
        self.output.read_line(&mut header).map_err(failed)?;
        let mut fields = header.split_whitespace();
        let (Some(_), Some("blob"), Some(size)) = (fields.next(), fields.next(), fields.next())
        else {
            return Err(broken(format!(
                "blob {} cannot be read: {}",
                id.0,
                header.trim()
            )));
        };
        let size: usize = size
            .parse()
            .map_err(|_| broken(format!("unexpected answer from `git cat-file`: {header:?}")))?;
        let mut content = vec![0; size + 1];
        self.output.read_exact(&mut content).map_err(failed)?;
        content.pop();
        Ok(content)
    }
}

impl Drop for BlobReader {
    fn drop(&mut self) {
        // Nothing more will be asked: end `git cat-file` and reap it.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
