//! History from git and `greenproc diff`, on a repository built in a temporary folder:
//! the mini fixture committed in steps (a project added, then a field of it changed,
//! a product added, an organization removed, a policy's front matter and body
//! changed, a comment-only edit), with fixed names and dates so that commits are the
//! same on every machine. The `git` command line only makes the fixture; greenproc
//! reads the repository itself.

use crate::common;
use crate::common::git as git_helper;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use git_helper::git;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_greenproc");
const MANIFEST: &str = env!("CARGO_MANIFEST_DIR");

const HOSPITAL: &str = "data/projects/lz-hospital-2025.yaml";
const MORTAR: &str = "data/catalog/mortar/zd-m10-mortar.yaml";
const TEMP_ORG: &str = "data/orgs/zz-temp-org.yaml";
const POLICY: &str = "content/policies/zb-pilot-2025.md";

/// Commits everything in `dir` with `subject` at `date` and tags it `tag`.
fn commit(dir: &Path, subject: &str, date: &str, tag: &str) {
    git(dir, &["add", "-A"], date);
    git(dir, &["commit", "-q", "-m", subject], date);
    git(dir, &["tag", tag], date);
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no `{from}`");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// The mini fixture as a repository of seven commits, tagged c1 to c7; its last
/// commit holds the fixture as it is, plus one comment.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let fixture = Path::new(MANIFEST).join("tests/fixtures/mini");
    common::copy_dir(&fixture, root);
    let hospital = fs::read_to_string(root.join(HOSPITAL)).unwrap();
    let mortar = fs::read_to_string(root.join(MORTAR)).unwrap();
    fs::remove_file(root.join(HOSPITAL)).unwrap();
    fs::remove_file(root.join(MORTAR)).unwrap();
    fs::write(
        root.join(TEMP_ORG),
        "id: zz-temp-org\nname: 临时示例单位\ncredit_code: 91370300MA3C00000X\nroles: [contractor]\n",
    )
    .unwrap();
    edit(
        root,
        POLICY,
        "effective: 2025-07-01",
        "effective: 2025-07-15",
    );
    edit(
        root,
        POLICY,
        "本文为测试用的虚构摘要，用来检验正文的渲染。",
        "本文为测试用的虚构摘要（初稿）。",
    );
    git(
        root,
        &["init", "-q", "-b", "main"],
        "2024-01-10T09:00:00+08:00",
    );
    commit(root, "Initial data", "2024-01-10T09:00:00+08:00", "c1");

    fs::write(
        root.join(HOSPITAL),
        hospital.replacen("budget: 86000000", "budget: 80000000", 1),
    )
    .unwrap();
    commit(
        root,
        "Add the Linzi hospital project",
        "2024-02-01T10:00:00+08:00",
        "c2",
    );
    fs::write(root.join(HOSPITAL), &hospital).unwrap();
    commit(
        root,
        "Raise the hospital budget",
        "2024-03-05T10:00:00+08:00",
        "c3",
    );
    fs::write(root.join(MORTAR), &mortar).unwrap();
    commit(
        root,
        "List the M10 mortar",
        "2024-04-01T10:00:00+08:00",
        "c4",
    );
    fs::remove_file(root.join(TEMP_ORG)).unwrap();
    commit(
        root,
        "Remove the temporary organization",
        "2024-05-01T10:00:00+08:00",
        "c5",
    );
    let policy = fixture.join(POLICY);
    fs::copy(policy, root.join(POLICY)).unwrap();
    commit(
        root,
        "Amend the 2025 pilot policy",
        "2024-06-01T23:30:00+08:00",
        "c6",
    );
    fs::write(
        root.join(HOSPITAL),
        format!("# Checked against the tender notice.\n{hospital}"),
    )
    .unwrap();
    commit(
        root,
        "Comment the hospital file",
        "2024-06-15T10:00:00+08:00",
        "c7",
    );
    dir
}

fn greenproc(args: &[&str], root: &Path) -> Output {
    Command::new(BIN)
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .expect("greenproc runs")
}

/// Builds the site at `root` into a new folder, asserting success.
fn build(root: &Path) -> (tempfile::TempDir, PathBuf, String) {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    let run = Command::new(BIN)
        .args(["build", "--base-url", "https://example.org/"])
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(&output)
        .output()
        .expect("greenproc runs");
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "build failed:\n{stderr}");
    (out, output, stderr)
}

fn page(output: &Path, path: &str) -> String {
    fs::read_to_string(output.join(path)).unwrap_or_else(|_| panic!("no {path}"))
}

/// The history section of a page.
fn history(html: &str) -> &str {
    let start = html
        .find("<section aria-labelledby=\"sec-history\"")
        .expect("a history section");
    let end = start + html[start..].find("</section>").unwrap();
    &html[start..end]
}

/// The rows of a history or updates table as text: cells joined by ` | `, tags
/// removed.
fn rows(html: &str) -> Vec<String> {
    html.split("<tr")
        .skip(2)
        .map(|row| {
            let row = &row[row.find('>').unwrap() + 1..row.find("</tr>").unwrap()];
            row.replace("</th>", "</td>")
                .split("</td>")
                .map(strip_tags)
                .filter(|cell| !cell.is_empty())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect()
}

fn strip_tags(html: &str) -> String {
    let mut text = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => text.push(c),
            _ => {}
        }
    }
    text.trim().to_owned()
}

#[test]
fn record_pages_show_first_and_last_dates_and_changed_fields() {
    let repo = repository();
    let (_out, output, stderr) = build(repo.path());
    assert!(!stderr.contains("无法读取变更历史"), "{stderr}");

    let project = page(&output, "projects/lz-hospital-2025/index.html");
    let section = history(&project);
    assert!(
        section.contains("<dt>首次发布</dt><dd><time datetime=\"2024-02-01\">"),
        "{section}"
    );
    assert!(
        section.contains("<dt>最后更新</dt><dd><time datetime=\"2024-03-05\">"),
        "{section}"
    );
    // The comment-only commit changed no field, so it is not a change of the record.
    let listed = rows(section);
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(
        listed[0].starts_with("2024-03-05 | 修改：预算金额 | Raise the hospital budget | "),
        "{listed:?}"
    );
    assert!(
        listed[1].starts_with("2024-02-01 | 新增 | Add the Linzi hospital project | "),
        "{listed:?}"
    );

    let policy = page(&output, "policies/zb-pilot-2025/index.html");
    let policy_rows = rows(history(&policy));
    assert_eq!(policy_rows.len(), 2, "{policy_rows:?}");
    assert!(
        policy_rows[0]
            .starts_with("2024-06-01 | 修改：正文、施行日期 | Amend the 2025 pilot policy"),
        "{policy_rows:?}"
    );

    let product = page(&output, "products/zd-m10-mortar/index.html");
    assert!(history(&product).contains("<dt>首次发布</dt><dd><time datetime=\"2024-04-01\">"));

    // An organization that never changed: added by the first commit.
    let org = page(&output, "orgs/zd-materials/index.html");
    let org_rows = rows(history(&org));
    assert_eq!(org_rows.len(), 1);
    assert!(
        org_rows[0].starts_with("2024-01-10 | 新增 | Initial data"),
        "{org_rows:?}"
    );
}

#[test]
fn updates_list_every_change_newest_first_and_feeds_carry_them() {
    let repo = repository();
    let (_out, output, _) = build(repo.path());
    let updates = page(&output, "updates/index.html");
    let listed = rows(&updates);
    let first: Vec<&str> = listed.iter().take(5).map(String::as_str).collect();
    assert_eq!(
        first,
        [
            "2024-06-01 | 政策文件 | 淄博市政府采购支持绿色建材试点实施方案（2025年修订，示例） | 修改：正文、施行日期 | Amend the 2025 pilot policy c6",
            "2024-05-01 | 企业与机构 | 临时示例单位 | 删除 | Remove the temporary organization c5",
            "2024-04-01 | 目录产品 | M10干混砌筑砂浆 | 新增 | List the M10 mortar c4",
            "2024-03-05 | 试点项目 | 临淄区示例人民医院门诊楼改扩建工程 | 修改：预算金额 | Raise the hospital budget c3",
            "2024-02-01 | 试点项目 | 临淄区示例人民医院门诊楼改扩建工程 | 新增 | Add the Linzi hospital project c2",
        ]
        .map(|row| short_tags(repo.path(), row))
    );
    // A removed record has no page to link to; a changed one links to its row.
    assert!(!updates.contains("orgs/zz-temp-org/"));
    assert!(updates.contains("href=\"/projects/lz-hospital-2025/#change-"));

    let feed = page(&output, "projects/lz-hospital-2025/feed.xml");
    let entries: Vec<&str> = feed.split("<entry>").skip(1).collect();
    assert_eq!(entries.len(), 2, "{feed}");
    assert!(entries[0].contains("<updated>2024-03-05T10:00:00+08:00</updated>"));
    assert!(entries[0].contains("修改：预算金额。Raise the hospital budget"));
    assert!(entries[1].contains("<updated>2024-02-01T10:00:00+08:00</updated>"));
    let c3 = rev_parse(repo.path(), "c3");
    assert!(entries[0].contains(&format!(
        "<link rel=\"alternate\" type=\"text/html\" href=\"https://example.org/projects/lz-hospital-2025/#change-{}\"/>",
        &c3[..12]
    )));
    let project = page(&output, "projects/lz-hospital-2025/index.html");
    assert!(project.contains(&format!("<tr id=\"change-{}\"", &c3[..12])));
    assert!(project.contains(
        "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/projects/lz-hospital-2025/feed.xml\""
    ));

    let site_feed = page(&output, "feed.xml");
    let updated: Vec<&str> = site_feed
        .split("<updated>")
        .skip(2)
        .map(|s| &s[..25])
        .collect();
    assert_eq!(updated[0], "2024-06-01T23:30:00+08:00");
    assert!(updated.windows(2).all(|w| w[0] >= w[1]), "{updated:?}");
    assert!(site_feed.contains("企业与机构：临时示例单位"));
}

#[test]
fn builds_of_one_repository_are_byte_identical() {
    let repo = repository();
    let (_a, first, _) = build(repo.path());
    let (_b, second, _) = build(repo.path());
    let read = |dir: &Path| {
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let relative = entry.path().strip_prefix(dir).unwrap().to_path_buf();
                files.push((relative, fs::read(entry.path()).unwrap()));
            }
        }
        files
    };
    assert!(read(&first) == read(&second), "the two builds differ");
}

#[test]
fn a_shallow_clone_builds_and_says_history_is_unavailable() {
    let repo = repository();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    git(
        clone.path(),
        &["clone", "-q", "--depth", "1", &url, "site"],
        "2024-07-01T10:00:00+08:00",
    );
    let root = clone.path().join("site");
    let (_out, output, stderr) = build(&root);
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("无法读取变更历史"))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(warnings[0].starts_with("警告：") && warnings[0].contains("浅克隆"));
    let project = page(&output, "projects/lz-hospital-2025/index.html");
    assert!(
        history(&project).contains("浅克隆"),
        "{}",
        history(&project)
    );
    assert!(!history(&project).contains("<table"));
    assert!(page(&output, "updates/index.html").contains("浅克隆"));
    // The revision is still known: the clone has its HEAD. The pages that gather
    // records show it; a record's page shows its own history instead, so that one
    // merge does not change every record page.
    let head = &rev_parse(repo.path(), "c7")[..10];
    assert!(page(&output, "updates/index.html").contains(head));
    assert!(!project.contains(head));

    let check = greenproc(&["check"], &root);
    assert_eq!(check.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(stderr.matches("无法读取变更历史").count(), 1, "{stderr}");
}

#[test]
fn a_site_without_git_builds_and_says_history_is_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&Path::new(MANIFEST).join("tests/fixtures/mini"), dir.path());
    let (_out, output, stderr) = build(dir.path());
    assert_eq!(stderr.matches("无法读取变更历史").count(), 1, "{stderr}");
    assert!(stderr.contains("站点不在 git 仓库中"), "{stderr}");
    let org = page(&output, "orgs/zd-materials/index.html");
    assert!(history(&org).contains("不是 git 仓库"));
    assert!(page(&output, "updates/index.html").contains("不是 git 仓库"));
    // Without history the project feed falls back to the lifecycle's dates.
    let feed = page(&output, "projects/zd-school-2023/feed.xml");
    assert!(
        feed.contains("<entry>") && feed.contains("进入阶段"),
        "{feed}"
    );
}

/// The full hash of `revision`.
fn rev_parse(dir: &Path, revision: &str) -> String {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", revision])
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// `text` with each tag `cN` at its end replaced by that commit's short hash, as
/// pages show it.
fn short_tags(dir: &Path, text: &str) -> String {
    let (head, tag) = text.rsplit_once(' ').unwrap();
    format!("{head} {}", &rev_parse(dir, tag)[..10])
}

/// `text` with every commit hash of the fixture replaced by its tag, so that
/// snapshots read `<c1>` instead of hashes.
fn tags_for_hashes(dir: &Path, text: &str) -> String {
    let mut text = text.to_owned();
    for tag in ["c1", "c2", "c3", "c4", "c5", "c6", "c7"] {
        let hash = rev_parse(dir, tag);
        text = text.replace(&hash, &format!("<{tag}>"));
        text = text.replace(&hash[..10], &format!("<{tag}>"));
    }
    text
}

#[test]
fn diff_between_two_revisions_as_markdown() {
    let repo = repository();
    // Chinese by default: fields by their labels, money in 万元, codes by their labels.
    let run = greenproc(&["diff", "c1", "c7"], repo.path());
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let markdown = tags_for_hashes(repo.path(), &String::from_utf8(run.stdout).unwrap());
    insta::assert_snapshot!("diff_c1_c7", markdown);
    // English: paths and values as written.
    let run = greenproc(&["diff", "c1", "c7", "--lang", "en"], repo.path());
    let markdown = tags_for_hashes(repo.path(), &String::from_utf8(run.stdout).unwrap());
    insta::assert_snapshot!("diff_c1_c7_en", markdown);
}

#[test]
fn diff_against_the_working_tree_as_json_escapes_nothing_and_markdown_escapes_all() {
    let repo = repository();
    edit(
        repo.path(),
        "data/orgs/zb-example-bank.yaml",
        "name: 示例银行淄博分行",
        "name: \"示例银行 | *分行* <b>@team</b> #1\"",
    );
    let run = greenproc(&["diff", "c6", "--format", "json"], repo.path());
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let json: Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(json["schema"], 1);
    assert_eq!(json["from"]["revision"], "c6");
    assert_eq!(json["from"]["commit"], rev_parse(repo.path(), "c6"));
    assert_eq!(json["to"]["commit"], Value::Null);
    assert_eq!(json["summary"]["changed"], 1);
    let record = &json["records"][0];
    assert_eq!(record["kind"], "org");
    assert_eq!(record["id"], "zb-example-bank");
    assert_eq!(record["status"], "changed");
    assert_eq!(record["fields"][0]["path"], "name");
    assert_eq!(record["fields"][0]["old"], "示例银行淄博分行");
    assert_eq!(
        record["fields"][0]["new"],
        "示例银行 | *分行* <b>@team</b> #1"
    );
    // The comment-only commit c7 is not a change.
    assert_eq!(json["records"].as_array().unwrap().len(), 1, "{json:#}");

    let run = greenproc(&["diff", "c6"], repo.path());
    let markdown = String::from_utf8(run.stdout).unwrap();
    assert!(
        markdown.contains(
            "| 单位名称 | 示例银行淄博分行 | 示例银行 \\| \\*分行\\* \\<b\\>\\@team\\</b\\> \\#1 |"
        ),
        "{markdown}"
    );
    let json_all = greenproc(&["diff", "c1", "c7", "--format", "json"], repo.path());
    let text = tags_for_hashes(repo.path(), &String::from_utf8(json_all.stdout).unwrap());
    insta::assert_snapshot!("diff_c1_c7_json", text);
}

#[test]
fn diff_with_a_bad_revision_is_a_usage_error() {
    let repo = repository();
    let run = greenproc(&["diff", "no-such-branch"], repo.path());
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.starts_with("error: diff: `no-such-branch` is not a revision of this repository"),
        "{stderr}"
    );
    let outside = tempfile::tempdir().unwrap();
    let run = greenproc(&["diff", "HEAD"], outside.path());
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("not in a git repository"));
}

#[test]
fn diff_lists_changed_theme_files_apart_from_the_records() {
    let repo = repository();
    let templates = repo.path().join("themes/default/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("page.html"),
        "{% extends \"base.html\" %}{% block content %}<script src=\"https://cdn.example/x.js\"></script>{% endblock content %}",
    )
    .unwrap();
    let run = greenproc(&["diff", "c7"], repo.path());
    let markdown = String::from_utf8(run.stdout).unwrap();
    assert!(
        markdown.contains(
            "### 主题文件（属于代码：请按代码审查）\n\n- 新增：`themes/default/templates/page.html`\n"
        ),
        "{markdown}"
    );
    assert!(
        markdown.contains("没有新增、删除或修改的记录。"),
        "{markdown}"
    );
    let run = greenproc(&["diff", "c7", "--format", "json"], repo.path());
    let json: Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(
        json["theme"][0]["file"],
        "themes/default/templates/page.html"
    );
    assert_eq!(json["theme"][0]["status"], "added");
}
