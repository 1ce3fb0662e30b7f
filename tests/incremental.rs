//! The incremental build (issue 21): after each edit of a sequence, committed as an
//! editor's merge would be, `greenproc build` into the previous output renders only
//! what changed, and its output equals a full build's byte for byte, manifest and
//! build state included.

use std::fs;
use std::path::{Path, PathBuf};

use crate::common::{self, assert_success, build, files, git::git};

const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

/// The sample site in a git repository of its own, and the output built into again
/// and again.
pub(crate) struct Site {
    _dir: tempfile::TempDir,
    pub(crate) root: PathBuf,
    pub(crate) output: PathBuf,
    commits: u32,
}

impl Site {
    pub(crate) fn sample() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        for part in ["data", "content", "files", "themes"] {
            common::copy_dir(&Path::new(MANIFEST).join(part), &root.join(part));
        }
        git(
            &root,
            &["init", "-q", "-b", "main"],
            "2026-11-01T10:00:00+08:00",
        );
        let output = dir.path().join("public");
        let mut site = Site {
            _dir: dir,
            root,
            output,
            commits: 0,
        };
        site.commit();
        site
    }

    pub(crate) fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// Replaces the first `from` in the file at `relative` by `to`.
    pub(crate) fn replace(&self, relative: &str, from: &str, to: &str) {
        let path = self.path(relative);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{relative} has no `{from}`");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }

    fn commit(&mut self) {
        self.commits += 1;
        let date = format!("2026-11-{:02}T10:00:00+08:00", self.commits + 1);
        git(&self.root, &["add", "-A"], &date);
        let message = format!("edit {}", self.commits);
        git(
            &self.root,
            &["commit", "-q", "--allow-empty", "-m", &message],
            &date,
        );
    }

    /// Commits, builds into the output, and checks it against a full build into a
    /// fresh folder; what the build said of itself.
    pub(crate) fn build_and_compare(&mut self) -> String {
        self.commit();
        let incremental = build(&self.root, &self.output, &[]);
        assert_success(&incremental);
        let scratch = tempfile::tempdir().unwrap();
        let full_output = scratch.path().join("public");
        assert_success(&build(&self.root, &full_output, &["--full"]));
        let (got, want) = (files(&self.output), files(&full_output));
        let differing: Vec<&String> = want
            .keys()
            .chain(got.keys())
            .filter(|path| got.get(*path) != want.get(*path))
            .collect();
        assert!(
            differing.is_empty(),
            "differs from a full build: {differing:?}"
        );
        assert_manifest_lists(&self.output);
        String::from_utf8_lossy(&incremental.stdout).into_owned()
    }
}

/// The manifest lists every file of the output with its size and SHA-256, and nothing
/// else.
fn assert_manifest_lists(output: &Path) {
    use sha2::Digest as _;
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(output.join(".greenproc-manifest.json")).unwrap())
            .unwrap();
    let listed = manifest["files"].as_object().unwrap();
    let mut on_disk = files(output);
    for own in [
        ".greenproc-manifest.json",
        ".greenproc-build.json",
        ".greenproc-output",
    ] {
        assert!(on_disk.remove(own).is_some(), "{own}");
    }
    assert_eq!(listed.len(), on_disk.len());
    for (path, bytes) in &on_disk {
        let entry = &listed[path.as_str()];
        let sha256: String = sha2::Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(entry["sha256"], sha256.as_str(), "{path}");
        assert_eq!(entry["bytes"], bytes.len(), "{path}");
    }
}

/// How many records the build said changed, when it was incremental.
fn edited(said: &str) -> Option<usize> {
    let rest = said.split("增量构建，").nth(1)?;
    rest.split(' ').next()?.parse().ok()
}

#[test]
fn each_edit_builds_incrementally_into_what_a_full_build_makes() {
    let mut site = Site::sample();
    let first = build(&site.root, &site.output, &[]);
    assert_success(&first);
    assert!(
        String::from_utf8_lossy(&first.stdout)
            .contains("完整构建（输出文件夹中没有上次构建的记录）")
    );
    assert_manifest_lists(&site.output);

    // Nothing changed but the commit: every page kept, the lists rendered again.
    let said = site.build_and_compare();
    assert_eq!(edited(&said), Some(0), "{said}");

    // A product renamed: its page, and the projects and firm pages that name it.
    let product = "data/catalog/envelope-concrete/admixture/jianke-expansion.yaml";
    site.replace(
        product,
        "name: 混凝土膨胀剂",
        "name: 混凝土膨胀剂（改进型）",
    );
    let said = site.build_and_compare();
    assert_eq!(edited(&said), Some(1), "{said}");
    let page = fs::read_to_string(site.output.join("products/jianke-expansion/index.html"));
    assert!(page.unwrap().contains("混凝土膨胀剂（改进型）"));

    // A project edited, the commonest change.
    let project = "data/projects/boshan-affordable-housing-phase2.yaml";
    let text = fs::read_to_string(site.path(project)).unwrap();
    let name = text.lines().find_map(|l| l.strip_prefix("name: ")).unwrap();
    site.replace(
        project,
        &format!("name: {name}"),
        &format!("name: {name}（一期）"),
    );
    assert_eq!(edited(&site.build_and_compare()), Some(1));

    // A product added, by a copy of one with another id and model.
    let added = "data/catalog/envelope-concrete/admixture/jianke-expansion-2.yaml";
    fs::copy(site.path(product), site.path(added)).unwrap();
    site.replace(added, "id: jianke-expansion", "id: jianke-expansion-2");
    site.replace(added, "model: JK-UEA", "model: JK-UEA-2");
    assert_eq!(edited(&site.build_and_compare()), Some(1));
    assert!(
        site.output
            .join("products/jianke-expansion-2/index.html")
            .is_file()
    );

    // Renamed: the file and its id.
    let renamed = "data/catalog/envelope-concrete/admixture/jianke-expansion-3.yaml";
    fs::rename(site.path(added), site.path(renamed)).unwrap();
    site.replace(renamed, "id: jianke-expansion-2", "id: jianke-expansion-3");
    assert_eq!(edited(&site.build_and_compare()), Some(2));
    assert!(!site.output.join("products/jianke-expansion-2").exists());
    assert!(
        site.output
            .join("products/jianke-expansion-3/index.json")
            .is_file()
    );

    // Removed: its pages and twin go.
    fs::remove_file(site.path(renamed)).unwrap();
    assert_eq!(edited(&site.build_and_compare()), Some(1));
    assert!(!site.output.join("products/jianke-expansion-3").exists());

    // A policy's text.
    let policy = "content/policies/czk-2022-35.md";
    let text = fs::read_to_string(site.path(policy)).unwrap();
    fs::write(
        site.path(policy),
        format!("{text}\n补充说明：本段为测试所加。\n"),
    )
    .unwrap();
    let said = site.build_and_compare();
    assert_eq!(edited(&said), Some(1), "{said}");

    // A theme string: every page shows the theme, so everything renders.
    let strings = "themes/default/strings.zh-CN.yaml";
    site.replace(strings, "revision: 数据版本", "revision: 数据修订版本");
    let said = site.build_and_compare();
    assert!(said.contains("完整构建（程序、主题"), "{said}");
    let home = fs::read_to_string(site.output.join("index.html")).unwrap();
    assert!(home.contains("数据修订版本"));

    // The site's configuration.
    site.replace("data/site.yaml", "contact: ", "contact: 电话 ");
    let said = site.build_and_compare();
    assert!(said.contains("完整构建（程序、主题"), "{said}");

    // And after a full build, incremental again.
    site.replace(product, "（改进型）", "");
    assert_eq!(edited(&site.build_and_compare()), Some(1));
}

#[test]
fn full_is_asked_for_and_a_damaged_state_means_a_full_build() {
    let mut site = Site::sample();
    assert_success(&build(&site.root, &site.output, &[]));
    let said = site.build_and_compare();
    assert_eq!(edited(&said), Some(0));
    // The same site checked out in another folder (another CI runner's) is no change.
    let moved = site.root.with_file_name("site-elsewhere");
    fs::rename(&site.root, &moved).unwrap();
    site.root = moved;
    let said = site.build_and_compare();
    assert_eq!(edited(&said), Some(0), "{said}");
    let full = build(&site.root, &site.output, &["--full"]);
    assert!(String::from_utf8_lossy(&full.stdout).contains("完整构建（使用了 --full）"));

    fs::write(site.output.join(".greenproc-build.json"), "{not json").unwrap();
    let said = site.build_and_compare();
    assert!(
        said.contains("完整构建（上次构建的记录无法读取："),
        "{said}"
    );

    // A kept page or download removed by hand: a full build, which puts them back.
    let page = "products/jianke-expansion/index.html";
    fs::remove_file(site.output.join(page)).unwrap();
    let said = site.build_and_compare();
    assert!(
        said.contains(&format!("完整构建（上次的输出中缺少 {page}")),
        "{said}"
    );
    fs::remove_file(site.output.join("data/products.csv")).unwrap();
    let said = site.build_and_compare();
    assert_eq!(edited(&said), Some(0), "{said}");
    assert!(site.output.join("data/products.csv").is_file());
}
