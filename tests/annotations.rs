//! `greenproc check --format github|gitlab`: annotations land on the right file and
//! line, so that a merge request shows each problem on the changed line.
//!
//! Each test copies the valid site `tests/fixtures/check/base/` into a temporary
//! folder, breaks one file at a line it finds by content, and runs the real binary.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const PROJECT: &str = "data/projects/zd-school-2023.yaml";

/// The base fixture site in a temporary folder.
fn base_site() -> tempfile::TempDir {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check/base");
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&from, dir.path());
    dir
}

/// Replaces the line of `file` that starts with `prefix` by `new_line`, and returns its
/// 1-based number.
fn break_line(root: &Path, file: &str, prefix: &str, new_line: &str) -> usize {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let index = lines
        .iter()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("{file} has no line starting with {prefix:?}"));
    lines[index] = new_line;
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    index + 1
}

fn check(root: &Path, format: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_greenproc"))
        .env("GREENPROC_LANG", "en")
        .args([
            "check",
            "--root",
            root.to_str().unwrap(),
            "--format",
            format,
        ])
        .output()
        .expect("start greenproc")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn github_annotation_names_the_broken_file_line_and_column() {
    let site = base_site();
    let line = break_line(site.path(), PROJECT, "owner:", "owner: zb-public-work");
    let out = check(site.path(), "github");
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let expected = format!(
        "::error file={PROJECT},line={line},col=8,title=E0203::no organization has the id `zb-public-work`%0Ahelp: did you mean `zb-public-works`?"
    );
    assert_eq!(text.lines().collect::<Vec<_>>(), [expected.as_str()]);
}

#[test]
fn github_annotation_points_at_a_parse_error_and_a_whole_file_problem() {
    let site = base_site();
    let line = break_line(site.path(), PROJECT, "floor_area:", "floor_area: big");
    std::fs::write(site.path().join("data/orgs/empty.yaml"), "").unwrap();
    let out = check(site.path(), "github");
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    // Sorted by file: data/orgs/ before data/projects/.
    assert!(
        lines[0].starts_with("::error file=data/orgs/empty.yaml,title=E0003::"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with(&format!(
            "::error file={PROJECT},line={line},col=13,title=E0102::"
        )),
        "{}",
        lines[1]
    );
}

#[test]
fn github_warnings_are_warning_commands() {
    let site = base_site();
    let file = "data/catalog/concrete/zd-c30-concrete.yaml";
    let text = std::fs::read_to_string(site.path().join(file)).unwrap();
    // A certificate that expired long ago: every project still under way that uses
    // the product gets W0301, on its own line.
    let expired = text
        .lines()
        .find(|l| l.trim_start().starts_with("expires:"))
        .unwrap();
    let indent = &expired[..expired.len() - expired.trim_start().len()];
    let issued = text
        .lines()
        .find(|l| l.trim_start().starts_with("issued:"))
        .unwrap();
    let broken = text
        .replace(expired, &format!("{indent}expires: 2020-12-31"))
        .replace(issued, &format!("{indent}issued: 2016-01-01"));
    std::fs::write(site.path().join(file), broken).unwrap();
    let out = check(site.path(), "github");
    let text = stdout(&out);
    let warnings: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("::warning "))
        .collect();
    assert!(!warnings.is_empty(), "{text}");
    for warning in warnings {
        assert!(warning.contains(",title=W0301::"), "{warning}");
        assert!(
            warning.starts_with("::warning file=data/projects/"),
            "{warning}"
        );
    }
}

#[test]
fn gitlab_report_locates_the_problem() {
    let site = base_site();
    let line = break_line(site.path(), PROJECT, "owner:", "owner: zb-public-work");
    let out = check(site.path(), "gitlab");
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    let issues = report.as_array().unwrap();
    assert_eq!(issues.len(), 1, "{report:#}");
    let issue = &issues[0];
    assert_eq!(issue["check_name"], "E0203");
    assert_eq!(issue["severity"], "major");
    assert_eq!(issue["location"]["path"], PROJECT);
    assert_eq!(issue["location"]["lines"]["begin"], line);
    assert!(
        issue["description"]
            .as_str()
            .unwrap()
            .contains("zb-public-work")
    );
    assert_eq!(issue["fingerprint"].as_str().unwrap().len(), 16);
}

#[test]
fn a_clean_site_annotates_nothing() {
    let site = base_site();
    let out = check(site.path(), "github");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "");
    let out = check(site.path(), "gitlab");
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report, Value::Array(Vec::new()));
}
