//! The git revision the data was built from, shown on every page so that a reader can
//! cite exactly what they saw.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::model::Date;

/// The commit at `HEAD` of the site's repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    /// Full commit hash.
    pub commit: String,
    /// Commit date (committer's, as `git log --format=%cs` gives it).
    pub date: Date,
}

impl Revision {
    /// Reads `HEAD` of the repository holding `root`, or `None` when git is missing,
    /// `root` is not in a repository, or the repository has no commit yet.
    ///
    /// One `git` process per build; issue 7 (incremental `serve`) replaces it with
    /// in-process reading.
    pub fn read(root: &Path) -> Option<Revision> {
        let output = Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["log", "-1", "--format=%H%x09%cs"])
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        if !output.status.success() {
            return None;
        }
        Revision::parse(std::str::from_utf8(&output.stdout).ok()?)
    }

    /// Parses `<hash>\t<YYYY-MM-DD>`.
    fn parse(text: &str) -> Option<Revision> {
        let (commit, date) = text.trim().split_once('\t')?;
        let hex = commit.len() >= 7 && commit.bytes().all(|b| b.is_ascii_hexdigit());
        hex.then(|| {
            Some(Revision {
                commit: commit.to_owned(),
                date: Date::parse(date)?,
            })
        })?
    }

    /// The abbreviated hash shown to readers.
    pub fn short(&self) -> &str {
        &self.commit[..self.commit.len().min(10)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_git_log_output() {
        let r = Revision::parse("0123456789abcdef0123456789abcdef01234567\t2026-11-02\n").unwrap();
        assert_eq!(r.short(), "0123456789");
        assert_eq!(r.date.to_string(), "2026-11-02");
        assert!(Revision::parse("").is_none());
        assert!(Revision::parse("not-a-hash\t2026-11-02").is_none());
    }
}
