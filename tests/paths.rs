//! Hostile paths, case by case: ids, file names and links with `..`, separators,
//! NUL and Windows device names, and symbolic links to files and folders outside the
//! site. Each case lays its files over `tests/fixtures/check/base` in a temporary
//! folder, runs the real binary, and expects exactly its errors. Beside the site lies
//! a secret; its text never shows in a message or an output file, and nothing beside
//! the site changes, whether the run fails or builds.

use crate::common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The text of the secret files outside the site.
const SECRET: &str = "secret-7f3a9c";

/// A temporary folder holding `site/` (the base fixture), `secret.yaml` and
/// `secret-dir/`.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check/base");
        common::copy_dir(&base, &dir.path().join("site"));
        let secret = format!("id: {SECRET}\nname: {SECRET}\ntitle: {SECRET}\n");
        std::fs::write(dir.path().join("secret.yaml"), &secret).unwrap();
        std::fs::create_dir(dir.path().join("secret-dir")).unwrap();
        std::fs::write(dir.path().join("secret-dir/secret.yaml"), &secret).unwrap();
        std::fs::write(
            dir.path().join("secret-dir/secret.md"),
            format!("---\n{secret}---\n{SECRET}\n"),
        )
        .unwrap();
        Sandbox { dir }
    }

    fn outside(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn site(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    /// Writes `bytes` at `relative` (raw bytes, so any name Unix allows) in the site.
    fn write(&self, relative: &[u8], bytes: &[u8]) {
        let path = self.site().join(OsStr::from_bytes(relative));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    /// Replaces `relative` in the site with a symbolic link to `target`.
    fn link(&self, relative: &str, target: &Path) {
        let path = self.site().join(relative);
        if path.is_dir() {
            std::fs::remove_dir_all(&path).unwrap();
        } else if path.exists() {
            std::fs::remove_file(&path).unwrap();
        }
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, path).unwrap();
    }

    /// Moves the site's `relative` folder outside, adds the secret to it, and links
    /// it back: the same records, reached through a link.
    fn link_moved(&self, relative: &str) {
        let outside = self.outside(&format!("moved-{}", relative.replace('/', "-")));
        std::fs::rename(self.site().join(relative), &outside).unwrap();
        std::fs::copy(self.outside("secret.yaml"), outside.join("zz-secret.yaml")).unwrap();
        self.link(relative, &outside);
    }

    /// Every path and file content outside `site/`.
    fn beside(&self) -> Vec<(PathBuf, Vec<u8>)> {
        walkdir::WalkDir::new(self.dir.path())
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.path() != self.site())
            .map(|e| {
                let e = e.unwrap();
                let bytes = if e.file_type().is_file() {
                    std::fs::read(e.path()).unwrap()
                } else {
                    Vec::new()
                };
                (e.path().to_path_buf(), bytes)
            })
            .collect()
    }

    /// Runs the binary on the site; fails the test when the secret shows in its
    /// output or anything beside the site changed.
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let before = self.beside();
        let out = Command::new(env!("CARGO_BIN_EXE_greenproc"))
            .args(args)
            .arg("--root")
            .arg(self.site())
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(
            !stdout.contains(SECRET) && !stderr.contains(SECRET),
            "the secret leaked:\n{stdout}\n{stderr}"
        );
        assert!(
            before == self.beside(),
            "{args:?} changed files beside the site"
        );
        (out.status.code().expect("an exit code"), stdout, stderr)
    }

    /// `(code, file, line)` of every diagnostic of `check --format json`, sorted.
    fn check(&self) -> Vec<(String, String, u64)> {
        let (exit, stdout, _) = self.run(&["check", "--format", "json"]);
        let list: Vec<Value> = serde_json::from_str(&stdout).unwrap();
        assert_eq!(exit, i32::from(!list.is_empty()), "{stdout}");
        let mut found: Vec<_> = list
            .iter()
            .map(|d| {
                let text = |k: &str| d[k].as_str().unwrap().to_owned();
                assert!(
                    !text("message").is_empty() && !text("hint").is_empty(),
                    "{d}"
                );
                (text("code"), text("file"), d["line"].as_u64().unwrap())
            })
            .collect();
        found.sort();
        found
    }

    /// `build` into `site/public`: its exit code and error output; no output file
    /// holds the secret.
    fn build(&self) -> (i32, String) {
        let output = self.site().join("public");
        let (exit, _, stderr) = self.run(&["build", "--output", output.to_str().unwrap()]);
        for entry in walkdir::WalkDir::new(&output).into_iter().flatten() {
            if entry.file_type().is_file() {
                let bytes = std::fs::read(entry.path()).unwrap();
                assert!(
                    !String::from_utf8_lossy(&bytes).contains(SECRET),
                    "{} holds the secret",
                    entry.path().display()
                );
            }
        }
        (exit, stderr)
    }
}

/// A page whose front matter has `id: <id>`, the id on line 2.
fn page_with_id(id: &str) -> Vec<u8> {
    let id = serde_json::to_string(id).unwrap();
    format!("---\nid: {id}\ntitle: t\n---\nbody\n").into_bytes()
}

/// A policy whose `source_url` (line 9) is `url`.
fn policy_with_link(url: &str) -> Vec<u8> {
    let url = serde_json::to_string(url).unwrap();
    format!(
        "---\nid: zz-hostile\ntitle: t\nissuer: i\nlevel: municipal\nissued: 2025-06-10\nstatus: in-force\nsummary_only: true\nsource_url: {url}\n---\nbody\n"
    )
    .into_bytes()
}

fn expect(case: &str, sandbox: &Sandbox, expected: &[(&str, &str, u64)]) {
    let want: Vec<_> = expected
        .iter()
        .map(|(c, f, l)| ((*c).to_owned(), (*f).to_owned(), *l))
        .collect();
    assert_eq!(sandbox.check(), want, "case {case}");
    let (exit, _) = sandbox.build();
    assert_eq!(
        exit,
        i32::from(!expected.is_empty()),
        "case {case}: build exit"
    );
    if !expected.is_empty() {
        assert!(
            !sandbox.site().join("public").exists(),
            "case {case}: a failed build wrote output"
        );
    }
}

#[test]
fn the_base_site_builds_and_writes_nothing_beside_it() {
    let sandbox = Sandbox::new();
    expect("base", &sandbox, &[]);
    assert!(sandbox.site().join("public/index.html").is_file());
}

#[test]
fn ids_that_are_paths_or_device_names_are_rejected() {
    for id in [
        "..",
        "../x",
        "a/b",
        "a\\b",
        "/etc/passwd",
        "C:\\x",
        "a\0b",
        "con",
        "CON",
        "Nul",
        "com1",
        "LPT9",
        "aux.txt",
        "prn.yaml",
        "Con.md",
    ] {
        let sandbox = Sandbox::new();
        sandbox.write(b"content/pages/hostile.md", &page_with_id(id));
        expect(id, &sandbox, &[("E0202", "content/pages/hostile.md", 2)]);
    }
}

#[test]
fn links_that_climb_or_hide_another_host_are_rejected() {
    for url in [
        "/../etc/passwd",
        "/files/../../x.pdf",
        "/./x",
        "/%2e%2e/x",
        "/%2E./x",
        "/\\evil.test/x",
        "https://a.test\\@evil.test/",
        "/files/a\\b.pdf",
        "/x\0y",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "C:\\x.pdf",
    ] {
        let sandbox = Sandbox::new();
        sandbox.write(b"content/policies/hostile.md", &policy_with_link(url));
        expect(
            url,
            &sandbox,
            &[("E0211", "content/policies/hostile.md", 9)],
        );
    }
    // The same record with ordinary links is clean (the documents exist; an escaped
    // name is the file's name decoded).
    for url in [
        "/files/a..b.pdf",
        "https://a.test/x/../y",
        "/files/%E9%99%84%E4%BB%B6.pdf",
    ] {
        let sandbox = Sandbox::new();
        sandbox.write(b"files/a..b.pdf", b"%PDF-1.4\n");
        sandbox.write("files/附件.pdf".as_bytes(), b"%PDF-1.4\n");
        sandbox.write(b"content/policies/hostile.md", &policy_with_link(url));
        expect(url, &sandbox, &[]);
    }
}

#[test]
fn unportable_file_and_folder_names_are_rejected_unread() {
    let cases: &[(&[u8], &str)] = &[
        (b"data/orgs/con.yaml", "data/orgs/con.yaml"),
        (b"data/orgs/NUL.yaml", "data/orgs/NUL.yaml"),
        (b"data/orgs/Com1.yml", "data/orgs/Com1.yml"),
        (b"data/orgs/lpt1.backup.yaml", "data/orgs/lpt1.backup.yaml"),
        (b"content/pages/aux.md", "content/pages/aux.md"),
        (b"data/catalog/Prn/x.yaml", "data/catalog/Prn"),
        (b"data/orgs/a\\b.yaml", "data/orgs/a\\b.yaml"),
        (b"data/orgs/a:b.yaml", "data/orgs/a:b.yaml"),
        (b"data/orgs/x\x1b[31m.yaml", "data/orgs/x\u{fffd}[31m.yaml"),
        (b"data/orgs/\xff.yaml", "data/orgs/\u{fffd}.yaml"),
        (b"data/catalog/dir./x.yaml", "data/catalog/dir."),
    ];
    for (name, shown) in cases {
        let sandbox = Sandbox::new();
        // A record that would be clean if it were read: only the name is wrong.
        let org = std::fs::read(sandbox.site().join("data/orgs/zb-example-bank.yaml")).unwrap();
        let text = String::from_utf8(org)
            .unwrap()
            .replace("zb-example-bank", "zz-hostile-name");
        sandbox.write(name, text.as_bytes());
        expect(shown, &sandbox, &[("E0007", shown, 0)]);
    }
}

#[test]
fn symbolic_links_out_of_the_site_are_reported_and_never_followed() {
    type Setup = fn(&Sandbox);
    type Expected = &'static [(&'static str, &'static str, u64)];
    let cases: &[(&str, Setup, Expected)] = &[
        (
            "file: site.yaml",
            |s| s.link("data/site.yaml", &s.outside("secret.yaml")),
            &[("E0001", "data/site.yaml", 0)],
        ),
        (
            "file: categories",
            |s| s.link("data/standards/categories.yaml", &s.outside("secret.yaml")),
            &[("E0001", "data/standards/categories.yaml", 0)],
        ),
        (
            "file: a record",
            |s| s.link("data/orgs/zz-link.yaml", &s.outside("secret.yaml")),
            &[("E0001", "data/orgs/zz-link.yaml", 0)],
        ),
        (
            "file: a page",
            |s| s.link("content/pages/link.md", &s.outside("secret-dir/secret.md")),
            &[("E0001", "content/pages/link.md", 0)],
        ),
        (
            "folder inside a kind",
            |s| s.link("data/catalog/linked", &s.outside("secret-dir")),
            &[("E0001", "data/catalog/linked", 0)],
        ),
        (
            "folder of a kind",
            |s| s.link_moved("data/events"),
            &[("E0001", "data/events", 0)],
        ),
        (
            "the data folder",
            |s| s.link_moved("data"),
            &[("E0001", "data", 0)],
        ),
        // The editions cite policies, which were not read.
        (
            "the content folder",
            |s| s.link_moved("content"),
            &[
                ("E0001", "content", 0),
                ("E0203", "data/standards/2022.yaml", 5),
                ("E0203", "data/standards/2025.yaml", 4),
            ],
        ),
    ];
    for (case, setup, expected) in cases {
        let sandbox = Sandbox::new();
        setup(&sandbox);
        expect(case, &sandbox, expected);
    }
}

#[test]
fn theme_files_behind_symbolic_links_stop_the_build() {
    type Setup = fn(&Sandbox);
    let cases: &[(&str, Setup)] = &[
        ("themes/default/headers", |s| {
            s.link("themes/default/headers", &s.outside("secret.yaml"))
        }),
        ("themes/default/strings.zh-CN.yaml", |s| {
            s.link(
                "themes/default/strings.zh-CN.yaml",
                &s.outside("secret.yaml"),
            )
        }),
        ("themes/default/assets", |s| {
            s.link("themes/default/assets", &s.outside("secret-dir"))
        }),
        ("themes/default/templates", |s| {
            s.link("themes/default/templates", &s.outside("secret-dir"))
        }),
        ("themes", |s| s.link("themes", &s.outside("secret-dir"))),
    ];
    for (link, setup) in cases {
        let sandbox = Sandbox::new();
        setup(&sandbox);
        let (exit, stderr) = sandbox.build();
        assert_eq!(exit, 1, "{link}: {stderr}");
        assert!(
            stderr.contains(&format!("{link} is a symbolic link")),
            "{link}: {stderr}"
        );
        assert!(
            !sandbox.site().join("public").exists(),
            "{link}: a failed build wrote output"
        );
    }
}

#[test]
fn new_records_are_never_written_through_a_link() {
    let sandbox = Sandbox::new();
    sandbox.link("data/orgs", &sandbox.outside("secret-dir"));
    // `run` fails the test if anything in secret-dir changed.
    let (exit, _, stderr) = sandbox.run(&["new", "org", "zz-new"]);
    assert_eq!(exit, 1, "{stderr}");
    assert!(stderr.contains("data/orgs is a symbolic link"), "{stderr}");
}
